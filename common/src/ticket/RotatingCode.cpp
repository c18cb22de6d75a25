#include "gate/ticket/RotatingCode.h"

#include <algorithm>
#include <stdexcept>

#include "BigEndian.h"
#include "CodeVersions.h"
#include "gate/codec/Base45.h"
#include "gate/codec/Base64Url.h"

namespace gate::ticket {

static_assert(kPassSize == 134);
static_assert(kRotatingRawSize == 202);
// 307 alphanumeric characters: QR version 10 at level M holds 311.
static_assert(kRotatingCodeLength == 307);

namespace {

using PassSigningInput = std::array<std::uint8_t, kPassSignatureDomain.size() + kPassPayloadSize>;

PassSigningInput pass_signing_input(std::span<const std::uint8_t> pass) noexcept {
    PassSigningInput msg{};
    BigEndianWriter w(msg);
    w.put_bytes(as_bytes(kPassSignatureDomain)).put_bytes(pass.first(kPassPayloadSize));
    return msg;
}

}  // namespace

std::array<std::uint8_t, kPassPayloadSize> encode_pass_payload(const PassClaims& c,
                                                               std::uint32_t key_id) {
    std::array<std::uint8_t, kPassPayloadSize> payload{};
    BigEndianWriter w(payload);
    w.put(kRotatingFormatVersion).put(key_id);
    put_claims(w, c.ticket);
    w.put(c.binding).put(c.expires_at).put_bytes(c.holder_key.bytes);
    return payload;
}

PassBytes issue_pass(const PassClaims& claims, const crypto::KeyPair& issuer) {
    if (claims.expires_at == 0) throw std::invalid_argument("a pass needs an expiry");
    if (claims.ticket.valid_until != 0 && claims.ticket.valid_until < claims.ticket.valid_from)
        throw std::invalid_argument("the ticket's validity window ends before it starts");
    const auto payload = encode_pass_payload(claims, key_id_of(issuer.public_key()));
    const auto signature = issuer.sign(pass_signing_input(payload));
    PassBytes pass{};
    std::copy(payload.begin(), payload.end(), pass.begin());
    std::copy(signature.bytes.begin(), signature.bytes.end(), pass.begin() + kPassPayloadSize);
    return pass;
}

std::string pass_to_text(const PassBytes& pass) {
    return codec::base64url_encode(pass);
}

std::optional<PassBytes> pass_from_text(std::string_view text) noexcept {
    try {
        auto raw = codec::base64url_decode(text);
        if (!raw || raw->size() != kPassSize) return std::nullopt;
        PassBytes pass{};
        std::copy(raw->begin(), raw->end(), pass.begin());
        return pass;
    } catch (...) {  // allocation failure
        return std::nullopt;
    }
}

std::uint32_t step_at(std::int64_t unix_ms) noexcept {
    if (unix_ms < 0) return 0;
    return static_cast<std::uint32_t>(unix_ms / 1000 / kStepSeconds);
}

StepSigningInput step_signing_input(const PassBytes& pass, std::uint32_t step) noexcept {
    StepSigningInput msg{};
    BigEndianWriter w(msg);
    w.put_bytes(as_bytes(kStepSignatureDomain)).put_bytes(pass).put(step);
    return msg;
}

std::string rotating_code(const PassBytes& pass, std::uint32_t step,
                          const crypto::KeyPair& holder) {
    const auto signature = holder.sign(step_signing_input(pass, step));
    std::array<std::uint8_t, kRotatingRawSize> raw{};
    BigEndianWriter w(raw);
    w.put_bytes(pass).put(step).put_bytes(signature.bytes);
    return std::string(kRotatingPrefix) + codec::base45_encode(raw);
}

bool holder_signature_valid(const ParsedCode& code) noexcept {
    if (!code.rotation) return false;
    const auto& r = *code.rotation;
    return crypto::verify(r.holder_key, step_signing_input(r.pass, r.step), r.holder_signature);
}

bool issuer_signature_valid(const ParsedCode& code, const crypto::PublicKey& issuer) noexcept {
    if (!code.rotation) return crypto::verify(issuer, signing_input(code.payload), code.signature);
    return crypto::verify(issuer, pass_signing_input(code.rotation->pass), code.signature);
}

Result<ParsedCode, ParseError> parse_rotating(std::string_view text) noexcept {
    // Checked before any decoding, so hostile input costs nothing to refuse.
    if (text.size() > kRotatingCodeLength) return fail(ParseError::TooLong);
    if (text.size() != kRotatingCodeLength) return fail(ParseError::BadLength);
    std::array<std::uint8_t, kRotatingRawSize> raw{};
    try {
        auto decoded = codec::base45_decode(text.substr(kRotatingPrefix.size()));
        if (!decoded) return fail(ParseError::BadEncoding);
        if (decoded->size() != kRotatingRawSize) return fail(ParseError::BadLength);
        std::copy(decoded->begin(), decoded->end(), raw.begin());
    } catch (...) {  // allocation failure: refuse rather than throw
        return fail(ParseError::BadEncoding);
    }

    ParsedCode code;
    Rotation rotation;
    BigEndianReader r(raw);
    r.get_bytes(rotation.pass);
    rotation.step = r.get<std::uint32_t>();
    r.get_bytes(rotation.holder_signature.bytes);

    BigEndianReader p(rotation.pass);
    code.version = p.get<std::uint8_t>();
    if (code.version != kRotatingFormatVersion) return fail(ParseError::UnsupportedVersion);
    code.key_id = p.get<std::uint32_t>();
    get_claims(p, code.claims);
    rotation.binding = p.get<std::uint32_t>();
    rotation.expires_at = p.get<std::uint32_t>();
    p.get_bytes(rotation.holder_key.bytes);
    p.get_bytes(code.signature.bytes);
    if (code.claims.valid_until != 0 && code.claims.valid_until < code.claims.valid_from)
        return fail(ParseError::BadWindow);
    if (rotation.expires_at == 0) return fail(ParseError::BadWindow);
    code.rotation = rotation;
    return code;
}

}  // namespace gate::ticket
