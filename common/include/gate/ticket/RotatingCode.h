#pragma once
// The rotating ticket code (format version 2): a *pass* the issuer signs, binding the
// ticket's claims to a key made on the holder's phone, and a code the phone shows, which
// changes every few seconds: the pass, the current time step and the phone key's
// signature over both. A scanner verifies both signatures offline with public keys only.
// Specified, with test vectors, in docs/ticket-code.md ("Format version 2").

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"
#include "gate/ticket/Rotation.h"
#include "gate/ticket/TicketCode.h"

namespace gate::ticket {

/// What the issuer signs into a pass: the ticket's claims (issued_at is not carried), the
/// binding to one holder key, and the pass's own end.
struct PassClaims {
    TicketClaims ticket;
    crypto::PublicKey holder_key;  ///< made on the holder's device; its secret never leaves it
    std::uint32_t binding = 0;     ///< per ticket, +1 for every pass issued: newer supersedes
    std::uint32_t expires_at = 0;  ///< Unix seconds (UTC); never 0

    bool operator==(const PassClaims&) const = default;
};

/// The pass payload bytes for `claims` signed by the key with `key_id`.
std::array<std::uint8_t, kPassPayloadSize> encode_pass_payload(const PassClaims& claims,
                                                               std::uint32_t key_id);

/// Signs a pass. Refuses (std::invalid_argument) an expiry of 0 or a window that ends
/// before it starts, which no scanner would accept.
PassBytes issue_pass(const PassClaims& claims, const crypto::KeyPair& issuer);

/// A pass as text for JSON and the holder's page: base64url without padding.
std::string pass_to_text(const PassBytes& pass);
std::optional<PassBytes> pass_from_text(std::string_view text) noexcept;

/// The step a moment falls in (Unix milliseconds; times before 1970 fall in step 0).
std::uint32_t step_at(std::int64_t unix_ms) noexcept;

/// The bytes the holder's key signs for one step.
using StepSigningInput = std::array<std::uint8_t, kStepSignatureDomain.size() + kPassSize + 4>;
StepSigningInput step_signing_input(const PassBytes& pass, std::uint32_t step) noexcept;

/// The code the holder's device shows during `step`: "TK2:" and base45 of
/// (pass || step || holder signature). 307 characters.
std::string rotating_code(const PassBytes& pass, std::uint32_t step, const crypto::KeyPair& holder);

/// True when the holder signature of a parsed version-2 code is the pass's holder key's
/// signature over (pass, step). False for version-1 codes.
bool holder_signature_valid(const ParsedCode& code) noexcept;

}  // namespace gate::ticket
