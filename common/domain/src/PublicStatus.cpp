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
    const auto shown = from_string<PublicStatus>(on_chain);
    if (shown == wanted) return std::nullopt;
    if (shown == PublicStatus::Used && wanted == PublicStatus::Valid) return std::nullopt;
    return wanted;
}

}  // namespace gate::domain
