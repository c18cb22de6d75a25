#include <doctest/doctest.h>

#include "gate/domain/CodeCheck.h"

using namespace gate;

namespace {

ticket::TicketClaims claims_for(std::uint32_t event) {
    return {.event_id = event, .ticket_id = 9, .tier = 1, .valid_from = 100, .valid_until = 200};
}

}  // namespace

TEST_CASE("a genuine code passes with its claims") {
    const auto issuer = crypto::KeyPair::generate();
    ticket::IssuerKeyring keyring;
    keyring.add({issuer.public_key()});
    const auto check = domain::check_code(ticket::issue(claims_for(5), issuer), keyring);
    REQUIRE(check.genuine());
    CHECK(check.reason == "ok");
    CHECK(check.code->claims == claims_for(5));
}

TEST_CASE("each failing stage gives its own reason and no claims") {
    const auto issuer = crypto::KeyPair::generate();
    ticket::IssuerKeyring keyring;
    keyring.add({issuer.public_key(), 5});

    auto reason_of = [&](std::string_view text) {
        const auto check = domain::check_code(text, keyring);
        CHECK_FALSE(check.code.has_value());
        return std::string(check.reason);
    };
    CHECK(reason_of("") == "malformed.empty");
    CHECK(reason_of("WIFI:S:venue;;") == "malformed.prefix");
    CHECK(reason_of("TK1:ABC") == "malformed.length");
    CHECK(reason_of(ticket::issue(claims_for(5), crypto::KeyPair::generate())) ==
          "signature.unknown_key");
    CHECK(reason_of(ticket::issue(claims_for(6), issuer)) == "signature.key_wrong_event");
    keyring.retire(issuer.public_key());
    CHECK(reason_of(ticket::issue(claims_for(5), issuer)) == "signature.key_retired");
}
