#include "gate/domain/PublicStatus.h"

namespace gate::domain {

PublicStatus public_status(TicketStatus status, EventStatus event, bool admitted) noexcept {
    if (event == EventStatus::Cancelled) return PublicStatus::Cancelled;
    switch (status) {
        case TicketStatus::Revoked:
            return PublicStatus::Revoked;
        case TicketStatus::Frozen:
            return PublicStatus::Frozen;
        case TicketStatus::Valid:
            break;
    }
    return admitted ? PublicStatus::Used : PublicStatus::Valid;
}

std::optional<PublicStatus> chain_status_to_write(std::string_view on_chain,
                                                  PublicStatus wanted) noexcept {
    const auto shown = public_status_from_string(on_chain);
    if (shown == wanted) return std::nullopt;
    if (shown == PublicStatus::Used && wanted == PublicStatus::Valid) return std::nullopt;
    return wanted;
}

std::string_view to_string(PublicStatus value) noexcept {
    switch (value) {
        case PublicStatus::Valid:
            return "valid";
        case PublicStatus::Used:
            return "used";
        case PublicStatus::Frozen:
            return "frozen";
        case PublicStatus::Revoked:
            return "revoked";
        case PublicStatus::Cancelled:
            return "cancelled";
    }
    return "revoked";
}

std::optional<PublicStatus> public_status_from_string(std::string_view text) noexcept {
    for (auto s : {PublicStatus::Valid, PublicStatus::Used, PublicStatus::Frozen,
                   PublicStatus::Revoked, PublicStatus::Cancelled})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

}  // namespace gate::domain
