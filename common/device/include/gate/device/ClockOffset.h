#pragma once
// The device's clock offset: how far the backend's clock is ahead of the device's. Offline
// decisions and pushed entries use device time plus the last offset known.

#include <cstdint>

namespace gate::device {

/// Server minus device clock, from a server time stamped between `sent` and `received` on
/// the device: the midpoint assumes symmetric network delay.
constexpr std::int64_t clock_offset(std::int64_t server_time, std::int64_t sent,
                                    std::int64_t received) noexcept {
    return server_time - (sent + (received - sent) / 2);
}

}  // namespace gate::device
