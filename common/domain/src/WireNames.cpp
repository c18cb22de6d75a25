// The names enums have on the wire and in the databases: one spelling each, and readers
// that refuse any other (nothing unknown is turned into a default).
#include <charconv>

#include "gate/codec/Base64Url.h"
#include "gate/domain/SyncMessages.h"

namespace gate::domain {

std::string_view to_string(EventStatus value) noexcept {
    return value == EventStatus::Cancelled ? "cancelled" : "active";
}

std::optional<EventStatus> event_status_from_string(std::string_view text) noexcept {
    if (text == "active") return EventStatus::Active;
    if (text == "cancelled") return EventStatus::Cancelled;
    return std::nullopt;
}

std::string_view to_string(Reentry value) noexcept {
    switch (value) {
        case Reentry::Single:
            return "single";
        case Reentry::Multi:
            return "multi";
        case Reentry::EntryAfterExit:
            return "entry_after_exit";
    }
    return "single";
}

std::string_view to_string(TicketStatus value) noexcept {
    switch (value) {
        case TicketStatus::Valid:
            return "valid";
        case TicketStatus::Revoked:
            return "revoked";
        case TicketStatus::Frozen:
            return "frozen";
    }
    return "valid";
}

std::string_view to_string(Direction value) noexcept {
    return value == Direction::Out ? "out" : "in";
}

std::string_view to_string(ChangeKind value) noexcept {
    switch (value) {
        case ChangeKind::Ticket:
            return "ticket";
        case ChangeKind::Entry:
            return "entry";
        case ChangeKind::IssuerKey:
            return "issuer_key";
        case ChangeKind::Assignment:
            return "assignment";
    }
    return "ticket";
}

std::string_view to_string(Verdict value) noexcept {
    return value == Verdict::Rejected ? "rejected" : "accepted";
}

std::optional<Reentry> reentry_from_string(std::string_view text) noexcept {
    for (auto value : {Reentry::Single, Reentry::Multi, Reentry::EntryAfterExit})
        if (to_string(value) == text) return value;
    return std::nullopt;
}

std::optional<TicketStatus> ticket_status_from_string(std::string_view text) noexcept {
    for (auto value : {TicketStatus::Valid, TicketStatus::Revoked, TicketStatus::Frozen})
        if (to_string(value) == text) return value;
    return std::nullopt;
}

std::optional<Direction> direction_from_string(std::string_view text) noexcept {
    if (text == "in") return Direction::In;
    if (text == "out") return Direction::Out;
    return std::nullopt;
}

std::optional<Verdict> verdict_from_string(std::string_view text) noexcept {
    if (text == "accepted") return Verdict::Accepted;
    if (text == "rejected") return Verdict::Rejected;
    return std::nullopt;
}

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
