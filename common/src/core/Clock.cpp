#include "gate/Clock.h"

#include <chrono>

namespace gate {

std::int64_t SystemClock::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const Clock& system_clock() noexcept {
    static const SystemClock clock;
    return clock;
}

}  // namespace gate
