#pragma once
// The signed ticket code carried in a ticket's QR: a 34-byte big-endian payload
// and an Ed25519 signature by the event's issuer key, as base45 text behind the
// prefix "TK1:". parse() also reads the rotating version 2 ("TK2:", Rotation.h).
// Specified, with test vectors, in docs/ticket-code.md.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"
#include "gate/ticket/Rotation.h"

namespace gate::ticket {

/// What the issuer vouches for. Times are Unix seconds (UTC); 0 leaves that
/// end of the validity window open.
struct TicketClaims {
    std::uint32_t event_id = 0;
    std::uint64_t ticket_id = 0;
    std::uint8_t tier = 0;
    std::uint32_t generation = 0;  ///< ownership generation, bumped by every transfer
    std::uint32_t valid_from = 0;
    std::uint32_t valid_until = 0;
    std::uint32_t issued_at = 0;  ///< version 1 only; 0 in a parsed version-2 code

    bool operator==(const TicketClaims&) const = default;
};

inline constexpr std::uint8_t kFormatVersion = 1;
inline constexpr std::string_view kPrefix = "TK1:";
inline constexpr std::size_t kPayloadSize = 34;
inline constexpr std::size_t kSignatureSize = 64;
/// Characters in every version-1 code: prefix + base45 of payload and signature.
inline constexpr std::size_t kCodeLength = 4 + (kPayloadSize + kSignatureSize) / 2 * 3;
/// Bytes signed: this domain tag, then the payload. The tag keeps a ticket
/// signature from ever being valid for another message the same key signs.
inline constexpr std::string_view kSignatureDomain = "gate-ticket-code";

/// Why a text is not a well-formed ticket code. Stable names: see to_string.
enum class ParseError {
    Empty,               ///< malformed.empty
    TooLong,             ///< malformed.too_long
    BadPrefix,           ///< malformed.prefix: not a ticket code of any version we know
    BadEncoding,         ///< malformed.encoding: not base45
    BadLength,           ///< malformed.length: decodes to the wrong number of bytes
    UnsupportedVersion,  ///< malformed.version: a ticket code of a version we do not know
    BadWindow,           ///< malformed.window: valid_until before valid_from, or a pass
                         ///< that never expires
};

/// Why a well-formed code is not a genuine one.
enum class VerifyError {
    UnknownKey,          ///< signature.unknown_key: no issuer key with this id
    KeyRetired,          ///< signature.key_retired
    KeyNotForEvent,      ///< signature.key_wrong_event: the key may not sign for this event
    BadSignature,        ///< signature.invalid
    BadHolderSignature,  ///< signature.holder_invalid: a version-2 code the pass's holder
                         ///< key did not sign
};

std::string_view to_string(ParseError e) noexcept;
std::string_view to_string(VerifyError e) noexcept;

/// A code that parsed: its fields and signature, not yet verified.
struct ParsedCode {
    std::uint8_t version = 0;
    std::uint32_t key_id = 0;
    TicketClaims claims;
    std::array<std::uint8_t, kPayloadSize> payload{};  ///< version 1: the signed payload
    crypto::Signature signature;                       ///< the issuer's
    /// Version 2: the pass's binding, expiry and holder key, and the shown step.
    std::optional<Rotation> rotation;
};

/// The longest code of any version parse() reads.
inline constexpr std::size_t kMaxCodeLength = kRotatingCodeLength;

/// The 4-byte id that names an issuer key inside codes: the first four bytes,
/// big-endian, of BLAKE2b-256 of the public key.
std::uint32_t key_id_of(const crypto::PublicKey& key);

/// The payload bytes for `claims` signed by the key with `key_id`.
std::array<std::uint8_t, kPayloadSize> encode_payload(const TicketClaims& claims,
                                                      std::uint32_t key_id);

/// The exact bytes an issuer signs: kSignatureDomain followed by the payload.
using SigningInput = std::array<std::uint8_t, kSignatureDomain.size() + kPayloadSize>;
SigningInput signing_input(const std::array<std::uint8_t, kPayloadSize>& payload) noexcept;

/// Signs `claims` with the issuer key and returns the code's text.
std::string issue(const TicketClaims& claims, const crypto::KeyPair& issuer);

/// Checks the structure only, of a code of either version; never reads past `text`, never
/// throws.
Result<ParsedCode, ParseError> parse(std::string_view text) noexcept;

}  // namespace gate::ticket
