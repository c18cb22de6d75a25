#pragma once
// A ticket as every part knows it: its status and its current cache row. How a ticket moves
// between states is in Lifecycle.h; the whole model is docs/domain.md.

#include <cstdint>
#include <optional>
#include <string_view>

#include "gate/crypto/Ed25519.h"
#include "gate/domain/WireNames.h"

namespace gate::domain {

/// What the organizer last decided about a ticket. Revoked is final; frozen can be lifted.
enum class TicketStatus { Valid, Revoked, Frozen };
GATE_WIRE_ENUM(TicketStatus, {{TicketStatus::Valid, "valid"},
                              {TicketStatus::Revoked, "revoked"},
                              {TicketStatus::Frozen, "frozen"}})

/// One ticket's whole current cache row.
struct TicketRecord {
    std::uint64_t ticket_id = 0;
    std::uint8_t tier = 0;
    std::uint32_t generation = 0;  ///< bumped by every transfer: older codes are superseded
    TicketStatus status = TicketStatus::Valid;
    std::optional<crypto::PublicKey> mint{};  ///< the ticket's NFT, once issued on chain
    /// The newest pass binding issued for the ticket (0: none): rotating codes of older
    /// bindings are superseded (docs/ticket-code.md, "Format version 2").
    std::uint32_t binding = 0;
    /// The backend's device-sync signature over this row (SyncSignature.h): carried on the
    /// wire and in the device database, absent everywhere else.
    std::optional<crypto::Signature> sync_signature{};

    bool operator==(const TicketRecord&) const = default;
};

/// A ticket id as the wire carries it: canonical decimal ("0", "42"; no sign, no leading
/// zeros, fits 64 bits).
std::string ticket_id_to_string(std::uint64_t id);
std::optional<std::uint64_t> ticket_id_from_string(std::string_view text) noexcept;

}  // namespace gate::domain
