#include "gate/backend/Clock.h"

#include <chrono>

#include "gate/crypto/Random.h"

namespace gate::backend {

std::int64_t SystemClock::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string SecureRandom::token(std::size_t bytes) {
    return crypto::random_token(bytes);
}

}  // namespace gate::backend
