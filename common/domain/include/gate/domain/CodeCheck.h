#pragma once
// The first two stages of the gate's decision, which need nothing but the
// scanned text and the issuer keys: is it a ticket code, and is it genuine?

#include <optional>
#include <string_view>

#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/TicketCode.h"

namespace gate::domain {

struct CodeCheck {
    /// Set when the code parsed and its signature is genuine.
    std::optional<ticket::ParsedCode> code;
    /// "ok", or the stable reason code: malformed.* or signature.*.
    std::string_view reason;

    bool genuine() const noexcept { return code.has_value(); }
};

CodeCheck check_code(std::string_view text, const ticket::IssuerKeyring& keyring) noexcept;

}  // namespace gate::domain
