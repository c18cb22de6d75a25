// Values with one spelling on the wire that are not enums (those have GATE_WIRE_ENUM
// tables): ticket ids and scan nonces.
#include <charconv>

#include "gate/codec/Base64Url.h"
#include "gate/domain/SyncMessages.h"

namespace gate::domain {

std::string ticket_id_to_string(std::uint64_t id) {
    return std::to_string(id);
}

std::optional<std::uint64_t> ticket_id_from_string(std::string_view text) noexcept {
    if (text.empty() || text.size() > 20) return std::nullopt;
    if (text.size() > 1 && text.front() == '0') return std::nullopt;  // one spelling per id
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

bool is_valid_nonce(std::string_view nonce) noexcept {
    if (nonce.size() != 22) return false;
    auto bytes = codec::base64url_decode(nonce);
    return bytes.ok() && bytes->size() == 16;
}

}  // namespace gate::domain
