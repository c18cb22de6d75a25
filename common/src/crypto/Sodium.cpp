#include "gate/crypto/Sodium.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace gate::crypto {

void ensure_sodium() {
    // A function-local static is initialised exactly once, even under threads.
    static const bool ready = [] {
        if (sodium_init() < 0) {
            std::fputs("fatal: libsodium failed to initialise\n", stderr);
            std::abort();
        }
        return true;
    }();
    (void)ready;
}

}  // namespace gate::crypto
