#include "gate/backend/Random.h"

#include "gate/crypto/Random.h"

namespace gate::backend {

std::string SecureRandom::token(std::size_t bytes) {
    return crypto::random_token(bytes);
}

}  // namespace gate::backend
