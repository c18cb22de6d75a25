#pragma once
// What the two format versions share and what parse() and the keyring need from them: the
// common claim fields, the version-2 parser (TicketCode.cpp dispatches to it by prefix) and
// the issuer signature check of either.

#include <string_view>

#include "BigEndian.h"
#include "gate/Result.h"
#include "gate/ticket/TicketCode.h"

namespace gate::ticket {

/// `text` is the whole code, prefix included, already known to start with "TK2:".
Result<ParsedCode, ParseError> parse_rotating(std::string_view text) noexcept;

/// The claims both layouts carry after version and key id, at offsets 5 to 29: event,
/// ticket, tier, generation, validity window (docs/ticket-code.md).
inline void put_claims(BigEndianWriter& w, const TicketClaims& c) {
    w.put(c.event_id)
        .put(c.ticket_id)
        .put(c.tier)
        .put(c.generation)
        .put(c.valid_from)
        .put(c.valid_until);
}
inline void get_claims(BigEndianReader& r, TicketClaims& c) {
    c.event_id = r.get<std::uint32_t>();
    c.ticket_id = r.get<std::uint64_t>();
    c.tier = r.get<std::uint8_t>();
    c.generation = r.get<std::uint32_t>();
    c.valid_from = r.get<std::uint32_t>();
    c.valid_until = r.get<std::uint32_t>();
}

/// True when `issuer` signed the code's payload (version 1) or its pass (version 2).
bool issuer_signature_valid(const ParsedCode& code, const crypto::PublicKey& issuer) noexcept;

}  // namespace gate::ticket
