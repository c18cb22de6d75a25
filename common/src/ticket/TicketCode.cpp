#include "gate/ticket/TicketCode.h"

#include <algorithm>

#include "BigEndian.h"
#include "CodeVersions.h"
#include "gate/codec/Base45.h"
#include "gate/crypto/Hash.h"

namespace gate::ticket {

static_assert(kCodeLength == 151);

std::string_view to_string(ParseError e) noexcept {
    switch (e) {
        case ParseError::Empty:
            return "malformed.empty";
        case ParseError::TooLong:
            return "malformed.too_long";
        case ParseError::BadPrefix:
            return "malformed.prefix";
        case ParseError::BadEncoding:
            return "malformed.encoding";
        case ParseError::BadLength:
            return "malformed.length";
        case ParseError::UnsupportedVersion:
            return "malformed.version";
        case ParseError::BadWindow:
            return "malformed.window";
    }
    return "malformed";
}

std::string_view to_string(VerifyError e) noexcept {
    switch (e) {
        case VerifyError::UnknownKey:
            return "signature.unknown_key";
        case VerifyError::KeyRetired:
            return "signature.key_retired";
        case VerifyError::KeyNotForEvent:
            return "signature.key_wrong_event";
        case VerifyError::BadSignature:
            return "signature.invalid";
        case VerifyError::BadHolderSignature:
            return "signature.holder_invalid";
    }
    return "signature";
}

std::uint32_t key_id_of(const crypto::PublicKey& key) {
    const Bytes digest = crypto::blake2b(key.bytes, 32);
    return std::uint32_t{digest[0]} << 24 | std::uint32_t{digest[1]} << 16 |
           std::uint32_t{digest[2]} << 8 | digest[3];
}

std::array<std::uint8_t, kPayloadSize> encode_payload(const TicketClaims& c, std::uint32_t key_id) {
    std::array<std::uint8_t, kPayloadSize> payload{};
    BigEndianWriter w(payload);
    w.put(kFormatVersion).put(key_id);
    put_claims(w, c);
    w.put(c.issued_at);
    return payload;
}

namespace {

// "TK<digits>:" is the prefix family of every version, present and future.
bool has_versioned_prefix(std::string_view text) noexcept {
    if (!text.starts_with("TK")) return false;
    std::size_t i = 2;
    while (i < text.size() && i < 6 && text[i] >= '0' && text[i] <= '9')
        ++i;
    return i > 2 && i < text.size() && text[i] == ':';
}

}  // namespace

SigningInput signing_input(const std::array<std::uint8_t, kPayloadSize>& payload) noexcept {
    SigningInput msg{};
    std::copy(kSignatureDomain.begin(), kSignatureDomain.end(), msg.begin());
    std::copy(payload.begin(), payload.end(), msg.begin() + kSignatureDomain.size());
    return msg;
}

std::string issue(const TicketClaims& claims, const crypto::KeyPair& issuer) {
    const auto payload = encode_payload(claims, key_id_of(issuer.public_key()));
    const auto sig = issuer.sign(signing_input(payload));
    std::array<std::uint8_t, kPayloadSize + kSignatureSize> raw{};
    std::copy(payload.begin(), payload.end(), raw.begin());
    std::copy(sig.bytes.begin(), sig.bytes.end(), raw.begin() + kPayloadSize);
    return std::string(kPrefix) + codec::base45_encode(raw);
}

Result<ParsedCode, ParseError> parse(std::string_view text) noexcept {
    if (text.empty()) return fail(ParseError::Empty);
    if (text.starts_with(kRotatingPrefix)) return parse_rotating(text);
    if (!text.starts_with(kPrefix)) {
        return fail(has_versioned_prefix(text) ? ParseError::UnsupportedVersion
                                               : ParseError::BadPrefix);
    }
    // Checked before any decoding, so hostile input costs nothing to refuse.
    if (text.size() > kCodeLength) return fail(ParseError::TooLong);
    const std::string_view body = text.substr(kPrefix.size());
    if (body.size() != kCodeLength - kPrefix.size()) return fail(ParseError::BadLength);

    auto raw = codec::base45_decode(body);
    if (!raw) return fail(ParseError::BadEncoding);
    if (raw->size() != kPayloadSize + kSignatureSize) return fail(ParseError::BadLength);

    ParsedCode code;
    std::copy_n(raw->begin(), kPayloadSize, code.payload.begin());
    std::copy_n(raw->begin() + kPayloadSize, kSignatureSize, code.signature.bytes.begin());

    BigEndianReader r(code.payload);
    code.version = r.get<std::uint8_t>();
    if (code.version != kFormatVersion) return fail(ParseError::UnsupportedVersion);
    code.key_id = r.get<std::uint32_t>();
    get_claims(r, code.claims);
    code.claims.issued_at = r.get<std::uint32_t>();
    if (code.claims.valid_until != 0 && code.claims.valid_until < code.claims.valid_from) {
        return fail(ParseError::BadWindow);
    }
    return code;
}

}  // namespace gate::ticket
