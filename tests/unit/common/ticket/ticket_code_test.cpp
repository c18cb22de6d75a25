#include <doctest/doctest.h>

#include <set>
#include <string>

#include "TicketVectors.h"
#include "gate/codec/Base45.h"
#include "gate/codec/Hex.h"
#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/TicketCode.h"

using namespace gate;
using namespace gate::ticket;

namespace {

TicketClaims sample_claims() {
    return {.event_id = 7,
            .ticket_id = 123456789,
            .tier = 1,
            .generation = 2,
            .valid_from = 1780000000,
            .valid_until = 1780086400,
            .issued_at = 1779000000};
}

// Rebuilds a code from raw bytes, for inputs the issuer would never produce.
std::string code_from_raw(const Bytes& raw) {
    return std::string(kPrefix) + codec::base45_encode(raw);
}

Bytes raw_of(const std::string& code) {
    return codec::base45_decode(std::string_view(code).substr(kPrefix.size())).value();
}

}  // namespace

TEST_CASE("issuing reproduces the published known-answer vectors") {
    const auto tv = test::load_ticket_vectors();
    const auto issuer = tv.issuer();
    CHECK(issuer.public_key().to_base58() == tv.issuer_public_key_base58);
    CHECK(key_id_of(issuer.public_key()) == tv.key_id);
    REQUIRE(tv.vectors.size() >= 2);
    for (const auto& v : tv.vectors) {
        CAPTURE(v.name);
        CHECK(codec::hex_encode(encode_payload(v.claims, tv.key_id)) == v.payload_hex);
        CHECK(issue(v.claims, issuer) == v.code);
        CHECK(v.code.size() == kCodeLength);
    }
}

TEST_CASE("parsing a known-answer vector yields its fields and signature") {
    const auto tv = test::load_ticket_vectors();
    IssuerKeyring keyring;
    keyring.add({tv.issuer().public_key()});
    for (const auto& v : tv.vectors) {
        CAPTURE(v.name);
        auto parsed = parse(v.code);
        REQUIRE(parsed.ok());
        CHECK(parsed->version == 1);
        CHECK(parsed->key_id == tv.key_id);
        CHECK(parsed->claims == v.claims);
        CHECK(codec::hex_encode(parsed->payload) == v.payload_hex);
        CHECK(codec::hex_encode(parsed->signature.bytes) == v.signature_hex);
        CHECK(keyring.verify(*parsed).ok());
    }
}

TEST_CASE("issue then parse round-trips any claims") {
    const auto issuer = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({issuer.public_key()});
    TicketClaims c = sample_claims();
    for (std::uint64_t i = 0; i < 50; ++i) {
        c.ticket_id = i * 0x9e3779b97f4a7c15ull;
        c.event_id = static_cast<std::uint32_t>(i * 2654435761u);
        c.tier = static_cast<std::uint8_t>(i * 37);
        c.generation = static_cast<std::uint32_t>(i);
        const std::string code = issue(c, issuer);
        CAPTURE(code);
        REQUIRE(code.size() == kCodeLength);
        auto parsed = parse(code);
        REQUIRE(parsed.ok());
        CHECK(parsed->claims == c);
        auto verified = keyring.verify(*parsed);
        REQUIRE(verified.ok());
        CHECK(verified.value()->key == issuer.public_key());
    }
}

TEST_CASE("codes use only the QR alphanumeric alphabet") {
    const std::string code = issue(sample_claims(), crypto::KeyPair::generate());
    for (char ch : code) {
        CAPTURE(ch);
        CHECK(std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(ch) !=
              std::string_view::npos);
    }
}

TEST_CASE("malformed codes are rejected with a stable reason") {
    const std::string good = issue(sample_claims(), crypto::KeyPair::generate());

    auto reason = [](std::string_view text) {
        auto r = parse(text);
        return r.ok() ? std::string("ok") : std::string(to_string(r.error()));
    };
    CHECK(reason("") == "malformed.empty");
    CHECK(reason("https://example.com/ticket/42") == "malformed.prefix");
    CHECK(reason("tk1:" + good.substr(4)) == "malformed.prefix");
    CHECK(reason("TK3:" + good.substr(4)) == "malformed.version");
    // A version-2 prefix on a version-1 body: the wrong length for version 2.
    CHECK(reason("TK2:" + good.substr(4)) == "malformed.length");
    CHECK(reason("TK10:" + good.substr(4)) == "malformed.version");
    CHECK(reason(good + "0") == "malformed.too_long");
    CHECK(reason(good.substr(0, good.size() - 3)) == "malformed.length");
    CHECK(reason("TK1:") == "malformed.length");

    std::string lower = good;
    lower[10] = 'a';
    CHECK(reason(lower) == "malformed.encoding");
    std::string out_of_range = good;
    out_of_range.replace(4, 3, "::::");  // 44 + 44*45 + 44*2025 > 65535
    out_of_range.pop_back();
    CHECK(reason(out_of_range) == "malformed.encoding");

    SUBCASE("a payload version other than 1") {
        Bytes raw = raw_of(good);
        raw[0] = 2;
        CHECK(reason(code_from_raw(raw)) == "malformed.version");
    }
    SUBCASE("a window that ends before it starts") {
        Bytes raw = raw_of(good);
        // valid_until (offset 26) below valid_from (offset 22).
        raw[26] = 0x00;
        CHECK(reason(code_from_raw(raw)) == "malformed.window");
    }
}

TEST_CASE("every truncation and every single-character change is caught") {
    const auto issuer = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({issuer.public_key()});
    const std::string good = issue(sample_claims(), issuer);

    for (std::size_t len = 0; len < good.size(); ++len) {
        CAPTURE(len);
        CHECK_FALSE(parse(std::string_view(good).substr(0, len)).ok());
    }
    // Swapping any character for another alphabet character must never yield
    // an accepted code: either the parse or the signature check fails.
    const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    for (std::size_t pos = kPrefix.size(); pos < good.size(); ++pos) {
        std::string bad = good;
        bad[pos] = alphabet[(alphabet.find(good[pos]) + 1 + pos % 44) % alphabet.size()];
        REQUIRE(bad != good);
        CAPTURE(pos);
        auto parsed = parse(bad);
        if (parsed.ok()) CHECK_FALSE(keyring.verify(*parsed).ok());
    }
}

TEST_CASE("a forged or altered code fails verification") {
    const auto issuer = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({issuer.public_key()});
    const std::string good = issue(sample_claims(), issuer);

    SUBCASE("claims changed after signing (e.g. a later generation)") {
        Bytes raw = raw_of(good);
        raw[21] ^= 0x01;  // generation, last byte
        auto parsed = parse(code_from_raw(raw));
        REQUIRE(parsed.ok());
        CHECK(keyring.verify(*parsed).error() == VerifyError::BadSignature);
    }
    SUBCASE("a signature lifted from another ticket") {
        TicketClaims other = sample_claims();
        other.ticket_id += 1;
        Bytes raw = raw_of(good);
        Bytes donor = raw_of(issue(other, issuer));
        std::copy(donor.begin() + kPayloadSize, donor.end(), raw.begin() + kPayloadSize);
        auto parsed = parse(code_from_raw(raw));
        REQUIRE(parsed.ok());
        CHECK(keyring.verify(*parsed).error() == VerifyError::BadSignature);
    }
    SUBCASE("signed by an attacker who copies the issuer's key id") {
        const auto attacker = crypto::KeyPair::generate();
        Bytes raw = raw_of(issue(sample_claims(), attacker));
        const auto genuine = encode_payload(sample_claims(), key_id_of(issuer.public_key()));
        std::copy(genuine.begin(), genuine.end(), raw.begin());
        const auto sig = attacker.sign(signing_input(genuine));
        std::copy(sig.bytes.begin(), sig.bytes.end(), raw.begin() + kPayloadSize);
        auto parsed = parse(code_from_raw(raw));
        REQUIRE(parsed.ok());
        CHECK(keyring.verify(*parsed).error() == VerifyError::BadSignature);
    }
    SUBCASE("signed by a key the scanner does not know") {
        auto parsed = parse(issue(sample_claims(), crypto::KeyPair::generate()));
        REQUIRE(parsed.ok());
        CHECK(keyring.verify(*parsed).error() == VerifyError::UnknownKey);
    }
}

TEST_CASE("issuer keys rotate: old keys verify until retired") {
    const auto old_key = crypto::KeyPair::generate();
    const auto new_key = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({old_key.public_key()});
    keyring.add({new_key.public_key()});
    CHECK(keyring.size() == 2);

    const auto old_code = parse(issue(sample_claims(), old_key)).value();
    const auto new_code = parse(issue(sample_claims(), new_key)).value();
    CHECK(keyring.verify(old_code).ok());
    CHECK(keyring.verify(new_code).ok());

    CHECK(keyring.retire(old_key.public_key()));
    CHECK(keyring.verify(old_code).error() == VerifyError::KeyRetired);
    CHECK(keyring.verify(new_code).ok());
    CHECK_FALSE(keyring.retire(crypto::KeyPair::generate().public_key()));

    // Re-adding a key replaces its entry rather than duplicating it.
    keyring.add({old_key.public_key()});
    CHECK(keyring.size() == 2);
    CHECK(keyring.verify(old_code).ok());
}

TEST_CASE("a key bound to one event cannot sign tickets for another") {
    const auto issuer = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({issuer.public_key(), /*event_id=*/7});
    TicketClaims claims = sample_claims();
    CHECK(keyring.verify(parse(issue(claims, issuer)).value()).ok());
    claims.event_id = 8;
    CHECK(keyring.verify(parse(issue(claims, issuer)).value()).error() ==
          VerifyError::KeyNotForEvent);
}

TEST_CASE("every reason has a distinct stable name") {
    std::set<std::string_view> names;
    for (auto e :
         {ParseError::Empty, ParseError::TooLong, ParseError::BadPrefix, ParseError::BadEncoding,
          ParseError::BadLength, ParseError::UnsupportedVersion, ParseError::BadWindow}) {
        names.insert(to_string(e));
    }
    for (auto e : {VerifyError::UnknownKey, VerifyError::KeyRetired, VerifyError::KeyNotForEvent,
                   VerifyError::BadSignature}) {
        names.insert(to_string(e));
    }
    CHECK(names.size() == 11);
}
