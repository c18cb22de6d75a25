#pragma once
// What parse() and the keyring need from each format version: the version-2 parser
// (TicketCode.cpp dispatches to it by prefix) and the issuer signature check of either.

#include <string_view>

#include "gate/Result.h"
#include "gate/ticket/TicketCode.h"

namespace gate::ticket {

/// `text` is the whole code, prefix included, already known to start with "TK2:".
Result<ParsedCode, ParseError> parse_rotating(std::string_view text) noexcept;

/// True when `issuer` signed the code's payload (version 1) or its pass (version 2).
bool issuer_signature_valid(const ParsedCode& code, const crypto::PublicKey& issuer) noexcept;

}  // namespace gate::ticket
