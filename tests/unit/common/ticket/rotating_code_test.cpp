// The rotating ticket code (format version 2): passes, steps, both signatures, the strict
// parser, and the known-answer vectors of docs/ticket-code.md.
#include <doctest/doctest.h>

#include <string>

#include "TicketVectors.h"
#include "gate/codec/Base45.h"
#include "gate/codec/Hex.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Render.h"
#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/RotatingCode.h"

using namespace gate;
using namespace gate::ticket;

namespace {

PassClaims sample_pass(const crypto::PublicKey& holder) {
    return {.ticket = {.event_id = 7,
                       .ticket_id = 123456789,
                       .tier = 1,
                       .generation = 2,
                       .valid_from = 1780000000,
                       .valid_until = 1780086400},
            .holder_key = holder,
            .binding = 4,
            .expires_at = 1780090000};
}

std::string reason(std::string_view text) {
    auto r = parse(text);
    return r.ok() ? std::string("ok") : std::string(to_string(r.error()));
}

Bytes raw_of(const std::string& code) {
    return codec::base45_decode(std::string_view(code).substr(kRotatingPrefix.size())).value();
}

std::string code_from_raw(const Bytes& raw) {
    return std::string(kRotatingPrefix) + codec::base45_encode(raw);
}

std::string verify_reason(const IssuerKeyring& keyring, const std::string& code) {
    auto parsed = parse(code);
    if (!parsed) return std::string(to_string(parsed.error()));
    auto verified = keyring.verify(*parsed);
    return verified ? "ok" : std::string(to_string(verified.error()));
}

}  // namespace

TEST_CASE("passes and rotating codes reproduce the published known-answer vectors") {
    const auto tv = test::load_ticket_vectors();
    const auto issuer = tv.issuer();
    const auto holder = tv.holder();
    REQUIRE(tv.rotating.size() >= 2);
    for (const auto& v : tv.rotating) {
        CAPTURE(v.name);
        CHECK(codec::hex_encode(encode_pass_payload(v.claims, tv.key_id)) == v.pass_payload_hex);
        const PassBytes pass = issue_pass(v.claims, issuer);
        CHECK(codec::hex_encode(pass) == v.pass_hex);
        CHECK(pass_to_text(pass) == v.pass_text);
        CHECK(pass_from_text(v.pass_text) == pass);
        const std::string code = rotating_code(pass, v.step, holder);
        CHECK(code == v.code);
        CHECK(code.size() == kRotatingCodeLength);
    }
}

TEST_CASE("parsing a rotating vector yields its claims, binding, expiry, step and both keys") {
    const auto tv = test::load_ticket_vectors();
    IssuerKeyring keyring;
    keyring.add({tv.issuer().public_key()});
    for (const auto& v : tv.rotating) {
        CAPTURE(v.name);
        auto parsed = parse(v.code);
        REQUIRE(parsed.ok());
        CHECK(parsed->version == 2);
        CHECK(parsed->key_id == tv.key_id);
        CHECK(parsed->claims == v.claims.ticket);
        CHECK(parsed->claims.issued_at == 0);
        REQUIRE(parsed->rotation.has_value());
        CHECK(parsed->rotation->binding == v.claims.binding);
        CHECK(parsed->rotation->expires_at == v.claims.expires_at);
        CHECK(parsed->rotation->step == v.step);
        CHECK(parsed->rotation->holder_key == tv.holder().public_key());
        CHECK(codec::hex_encode(parsed->rotation->pass) == v.pass_hex);
        CHECK(holder_signature_valid(*parsed));
        CHECK(keyring.verify(*parsed).ok());
    }
}

TEST_CASE("every step of one pass is a different code, and each verifies") {
    const auto issuer = crypto::KeyPair::generate();
    const auto holder = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({issuer.public_key()});
    const PassBytes pass = issue_pass(sample_pass(holder.public_key()), issuer);
    std::string previous;
    for (std::uint32_t step = 356000000; step < 356000020; ++step) {
        const std::string code = rotating_code(pass, step, holder);
        CHECK(code != previous);
        CHECK(verify_reason(keyring, code) == "ok");
        CHECK(parse(code)->rotation->step == step);
        previous = code;
    }
}

TEST_CASE("a pass shown without its holder key, or with a changed step, is refused") {
    const auto issuer = crypto::KeyPair::generate();
    const auto holder = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({issuer.public_key()});
    const PassBytes pass = issue_pass(sample_pass(holder.public_key()), issuer);
    const std::string good = rotating_code(pass, 356000000, holder);

    SUBCASE("someone who copied the pass signs the step with a key of their own") {
        const auto thief = crypto::KeyPair::generate();
        CHECK(verify_reason(keyring, rotating_code(pass, 356000001, thief)) ==
              "signature.holder_invalid");
    }
    SUBCASE("an old screenshot with its step edited to now") {
        Bytes raw = raw_of(good);
        raw[kPassSize + 3] ^= 0x01;  // last byte of the step
        CHECK(verify_reason(keyring, code_from_raw(raw)) == "signature.holder_invalid");
    }
    SUBCASE("a pass whose holder key was swapped for the thief's") {
        const auto thief = crypto::KeyPair::generate();
        PassBytes edited = pass;
        std::copy(thief.public_key().bytes.begin(), thief.public_key().bytes.end(),
                  edited.begin() + 38);
        CHECK(verify_reason(keyring, rotating_code(edited, 356000000, thief)) ==
              "signature.invalid");
    }
    SUBCASE("a pass with a later binding written in") {
        PassBytes edited = pass;
        edited[33] ^= 0x08;
        CHECK(verify_reason(keyring, rotating_code(edited, 356000000, holder)) ==
              "signature.invalid");
    }
    SUBCASE("a version-1 signature over the same fields does not make a pass") {
        // The issuer's version-1 signature over a payload never verifies as a pass: the
        // domain tags differ.
        const auto claims = sample_pass(holder.public_key()).ticket;
        const std::string v1 = issue(claims, issuer);
        auto v1_parsed = parse(v1);
        REQUIRE(v1_parsed.ok());
        PassBytes edited = pass;
        std::copy(v1_parsed->signature.bytes.begin(), v1_parsed->signature.bytes.end(),
                  edited.begin() + kPassPayloadSize);
        CHECK(verify_reason(keyring, rotating_code(edited, 356000000, holder)) ==
              "signature.invalid");
    }
    SUBCASE("the holder signature is only checked for a genuine pass") {
        // A forged pass is signature.invalid even with a good holder signature: a forger
        // learns nothing from the holder check.
        const auto forger = crypto::KeyPair::generate();
        IssuerKeyring trusted;
        trusted.add({issuer.public_key()});
        PassBytes forged = issue_pass(sample_pass(holder.public_key()), forger);
        const auto id = key_id_of(issuer.public_key());
        for (int i = 0; i < 4; ++i)
            forged[static_cast<std::size_t>(1 + i)] = static_cast<std::uint8_t>(id >> (24 - 8 * i));
        CHECK(verify_reason(trusted, rotating_code(forged, 356000000, holder)) ==
              "signature.invalid");
    }
}

TEST_CASE("malformed rotating codes are rejected with a stable reason") {
    const auto issuer = crypto::KeyPair::generate();
    const auto holder = crypto::KeyPair::generate();
    const PassBytes pass = issue_pass(sample_pass(holder.public_key()), issuer);
    const std::string good = rotating_code(pass, 356000000, holder);
    REQUIRE(reason(good) == "ok");

    CHECK(reason(good + "0") == "malformed.too_long");
    CHECK(reason(good.substr(0, good.size() - 3)) == "malformed.length");
    CHECK(reason("TK2:") == "malformed.length");
    std::string lower = good;
    lower[20] = 'a';
    CHECK(reason(lower) == "malformed.encoding");

    SUBCASE("a pass version other than 2") {
        Bytes raw = raw_of(good);
        raw[0] = 1;
        CHECK(reason(code_from_raw(raw)) == "malformed.version");
    }
    SUBCASE("a pass that never expires") {
        Bytes raw = raw_of(good);
        for (std::size_t i = 34; i < 38; ++i)
            raw[i] = 0;
        CHECK(reason(code_from_raw(raw)) == "malformed.window");
    }
    SUBCASE("a window that ends before it starts") {
        Bytes raw = raw_of(good);
        raw[26] = 0x00;  // valid_until below valid_from
        CHECK(reason(code_from_raw(raw)) == "malformed.window");
    }
    SUBCASE("every truncation fails to parse") {
        for (std::size_t len = 0; len < good.size(); ++len) {
            CAPTURE(len);
            CHECK_FALSE(parse(std::string_view(good).substr(0, len)).ok());
        }
    }
}

TEST_CASE("every single-character change of a rotating code is caught") {
    const auto issuer = crypto::KeyPair::generate();
    const auto holder = crypto::KeyPair::generate();
    IssuerKeyring keyring;
    keyring.add({issuer.public_key()});
    const std::string good =
        rotating_code(issue_pass(sample_pass(holder.public_key()), issuer), 356000000, holder);
    const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    for (std::size_t pos = kRotatingPrefix.size(); pos < good.size(); ++pos) {
        std::string bad = good;
        bad[pos] = alphabet[(alphabet.find(good[pos]) + 1 + pos % 44) % alphabet.size()];
        CAPTURE(pos);
        CHECK(verify_reason(keyring, bad) != "ok");
    }
}

TEST_CASE("issuing a pass refuses claims no scanner would accept") {
    const auto issuer = crypto::KeyPair::generate();
    auto claims = sample_pass(crypto::KeyPair::generate().public_key());
    claims.expires_at = 0;
    CHECK_THROWS_AS(issue_pass(claims, issuer), std::invalid_argument);
    claims = sample_pass(crypto::KeyPair::generate().public_key());
    claims.ticket.valid_until = claims.ticket.valid_from - 1;
    CHECK_THROWS_AS(issue_pass(claims, issuer), std::invalid_argument);
}

TEST_CASE("pass text is exactly base64url of 134 bytes") {
    const auto pass = issue_pass(sample_pass(crypto::KeyPair::generate().public_key()),
                                 crypto::KeyPair::generate());
    const std::string text = pass_to_text(pass);
    CHECK(text.size() == 179);
    CHECK(pass_from_text(text) == pass);
    CHECK_FALSE(pass_from_text(text.substr(0, text.size() - 1)));
    CHECK_FALSE(pass_from_text(text + "A"));
    CHECK_FALSE(pass_from_text(text + "="));
    CHECK_FALSE(pass_from_text(""));
    std::string bad = text;
    bad[5] = '+';  // standard base64, not the URL alphabet
    CHECK_FALSE(pass_from_text(bad));
}

TEST_CASE("steps are five-second slices of Unix time") {
    CHECK(step_at(0) == 0);
    CHECK(step_at(4999) == 0);
    CHECK(step_at(5000) == 1);
    CHECK(step_at(-1) == 0);
    CHECK(step_at(1767229200000) == 353445840);
    CHECK(step_at(1767229204999) == 353445840);
    CHECK(step_at(1767229205000) == 353445841);
}

TEST_CASE("a rotating code fits QR version 10 at level M and decodes back from the image") {
    const auto tv = test::load_ticket_vectors();
    for (const auto& v : tv.rotating) {
        CAPTURE(v.name);
        auto qr = qr::render(v.code, {.ec = qr::ErrorCorrection::M, .module_px = 3});
        REQUIRE(qr.ok());
        // 307 alphanumeric characters: version 10-M holds 311, version 9-M 262.
        CHECK(qr->version == 10);
        CHECK(qr->modules == 57);
        MESSAGE("rotating code: " << v.code.size() << " characters -> QR version " << qr->version
                                  << "-M, " << qr->modules << "x" << qr->modules << " modules");
        auto found = qr::decode(qr->image.view());
        REQUIRE(found.ok());
        REQUIRE(found->size() == 1);
        CHECK(found->front().text == v.code);
    }
}
