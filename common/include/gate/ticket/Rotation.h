#pragma once
// The constants and fields of the rotating ticket code (format version 2) that a parsed
// code carries. Issuing and signing: RotatingCode.h; the format: docs/ticket-code.md.

#include <array>
#include <cstdint>
#include <string_view>

#include "gate/crypto/Ed25519.h"

namespace gate::ticket {

inline constexpr std::uint8_t kRotatingFormatVersion = 2;
inline constexpr std::string_view kRotatingPrefix = "TK2:";
inline constexpr std::size_t kPassPayloadSize = 70;
/// A pass: its payload and the issuer's signature over it.
inline constexpr std::size_t kPassSize = kPassPayloadSize + crypto::Signature::kSize;
/// Bytes behind the prefix: pass, 4-byte step, holder signature.
inline constexpr std::size_t kRotatingRawSize = kPassSize + 4 + crypto::Signature::kSize;
inline constexpr std::size_t kRotatingCodeLength = 4 + kRotatingRawSize / 2 * 3;
/// The issuer signs this tag, then the pass payload.
inline constexpr std::string_view kPassSignatureDomain = "gate-ticket-pass";
/// The holder's key signs this tag, then the whole pass, then the step.
inline constexpr std::string_view kStepSignatureDomain = "gate-ticket-step";
/// One step of the rotating code: step = floor(Unix seconds / kStepSeconds).
inline constexpr std::uint32_t kStepSeconds = 5;

using PassBytes = std::array<std::uint8_t, kPassSize>;

/// The parts of a version-2 code beyond the ticket claims (ParsedCode::rotation).
struct Rotation {
    crypto::PublicKey holder_key;
    std::uint32_t binding = 0;
    std::uint32_t expires_at = 0;
    std::uint32_t step = 0;
    crypto::Signature holder_signature;
    PassBytes pass{};  ///< exactly the issuer-signed pass, for the holder signature check
};

}  // namespace gate::ticket
