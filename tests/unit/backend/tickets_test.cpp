// Buying tickets: mint and batch mint, inventory limits, declined payments, reservation
// expiry, the signed code and its QR, and the public NFT metadata.
#include <doctest/doctest.h>

#include "BackendFixture.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Png.h"
#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/TicketCode.h"

using namespace gate::test;
using gate::backend::Method;

TEST_CASE("a holder buys a ticket and gets a signed code for it") {
    Backend b;
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    const auto alice = b.sign_in(b.alice);
    auto bought =
        b.call(Method::Post, "/api/v1/tickets/mint",
               json{{"event_id", id}, {"tier", "vip"}, {"payment_method", "test"}}, alice);
    REQUIRE(bought.status == 201);
    const auto ticket = bought.json()["ticket"];
    CHECK(ticket["tier"] == 1);
    CHECK(ticket["owner"] == b.alice.address());
    CHECK(ticket["generation"] == 0);
    CHECK(bought.json()["payment"]["amount_cents"] == 15000);
    CHECK(bought.json()["payment"]["status"] == "completed");

    const auto code = b.code_of(alice, ticket["ticket_id"]);
    auto parsed = gate::ticket::parse(code);
    REQUIRE(parsed.ok());
    CHECK(parsed->claims.event_id == id);
    CHECK(std::to_string(parsed->claims.ticket_id) == ticket["ticket_id"].get<std::string>());
    CHECK(parsed->claims.tier == 1);
    auto keys = b.app->store().issuer_keys(id);
    REQUIRE(keys.ok());
    REQUIRE(keys->size() == 1);
    gate::ticket::IssuerKeyring ring;
    ring.add({*gate::crypto::PublicKey::from_base58(keys->front().public_key),
              static_cast<std::uint32_t>(id), false});
    CHECK(ring.verify(*parsed).ok());

    auto mine = b.call(Method::Get, "/api/v1/tickets/my", std::string{}, alice).json()["tickets"];
    REQUIRE(mine.size() == 1);
    CHECK(mine[0]["ticket_id"] == ticket["ticket_id"]);
    // Someone else's ticket is not found for them.
    const auto bob = b.sign_in(b.bob);
    CHECK(b.call(Method::Get, "/api/v1/tickets/" + ticket["ticket_id"].get<std::string>() + "/code",
                 std::string{}, bob)
              .status == 404);
}

TEST_CASE("the QR image holds the ticket's code") {
    Backend b;
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto ticket = b.buy(alice, id);
    auto png =
        b.call(Method::Get, "/api/v1/tickets/" + ticket["ticket_id"].get<std::string>() + "/qr.png",
               std::string{}, alice);
    REQUIRE(png.status == 200);
    CHECK(png.content_type == "image/png");
    auto image = gate::qr::decode_image(gate::as_bytes(png.body));
    REQUIRE(image.ok());
    auto symbols = gate::qr::decode(image->view());
    REQUIRE(symbols.ok());
    REQUIRE(symbols->size() == 1);
    auto parsed = gate::ticket::parse(symbols->front().text);
    REQUIRE(parsed.ok());
    CHECK(std::to_string(parsed->claims.ticket_id) == ticket["ticket_id"].get<std::string>());
}

TEST_CASE("metadata is public and never holds the code") {
    Backend b;
    auto body = b.event_body("Metadata Night");
    body["image_url"] = "https://img.example/poster.png";
    const auto id = b.create_event(b.sign_in(b.organizer), body);
    const auto alice = b.sign_in(b.alice);
    const auto ticket = b.buy(alice, id, 1);
    const auto tid = ticket["ticket_id"].get<std::string>();
    auto meta = b.call(Method::Get, "/api/v1/tickets/" + tid + "/metadata.json");
    REQUIRE(meta.status == 200);
    const auto m = meta.json();
    CHECK(m["name"] == "Metadata Night #" + tid);
    CHECK(m["image"] == "https://img.example/poster.png");
    CHECK(m["attributes"][2]["value"] == "vip");
    CHECK(meta.body.find(b.code_of(alice, tid)) == std::string::npos);
    CHECK(meta.body.find("TK1:") == std::string::npos);
    CHECK(b.call(Method::Get, "/api/v1/tickets/99999/metadata.json").status == 404);
}

TEST_CASE("the metadata's Status is the ticket's public status: used, frozen, revoked, cancelled") {
    Backend b;
    const auto organizer = b.sign_in(b.organizer);
    const auto id = b.create_event(organizer, b.event_body("Status Night"));
    const auto alice = b.sign_in(b.alice);
    const auto status_of = [&](const std::string& tid) {
        auto meta = b.call(Method::Get, "/api/v1/tickets/" + tid + "/metadata.json");
        REQUIRE(meta.status == 200);
        const auto body = meta.json();
        for (const auto& a : body["attributes"])
            if (a["trait_type"] == "Status") return a["value"].get<std::string>();
        FAIL("no Status attribute: " << meta.body);
        return std::string{};
    };
    const auto set_status = [&](const std::string& tid, const std::string& status) {
        auto r = b.call(Method::Post, "/api/v1/tickets/" + tid + "/status",
                        json{{"status", status}}, organizer);
        REQUIRE_MESSAGE(r.status == 200, r.body);
    };
    const auto admitted = b.buy(alice, id)["ticket_id"].get<std::string>();
    const auto held = b.buy(alice, id)["ticket_id"].get<std::string>();
    const auto revoked = b.buy(alice, id)["ticket_id"].get<std::string>();
    CHECK(status_of(admitted) == "valid");

    const auto staff = b.staff_of(id);
    b.clock->advance(kDay);  // doors open
    auto in = b.call(Method::Post, "/api/v1/validate",
                     json{{"code", b.code_of(alice, admitted)}, {"gate", "main"}, {"event_id", id}},
                     staff);
    REQUIRE(in.json()["verdict"] == "accepted");
    CHECK(status_of(admitted) == "used");
    // Leaving does not make it valid again: it was used.
    auto out = b.call(Method::Post, "/api/v1/validate",
                      json{{"code", b.code_of(alice, admitted)},
                           {"gate", "main"},
                           {"event_id", id},
                           {"direction", "out"}},
                      staff);
    REQUIRE_MESSAGE(out.json()["verdict"] == "accepted", out.body);
    CHECK(status_of(admitted) == "used");

    set_status(held, "frozen");
    CHECK(status_of(held) == "frozen");
    set_status(revoked, "revoked");
    CHECK(status_of(revoked) == "revoked");

    auto cancelled = b.call(Method::Put, "/api/v1/events/" + std::to_string(id),
                            json{{"status", "cancelled"}}, organizer);
    REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
    for (const auto& tid : {admitted, held, revoked})
        CHECK(status_of(tid) == "cancelled");
}

TEST_CASE("batch mint sells up to 100 at once and never past a limit") {
    Backend b;
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body("Batch", 120));
    const auto alice = b.sign_in(b.alice);
    auto batch = [&](json tier, int quantity) {
        return b.call(Method::Post, "/api/v1/tickets/batch-mint",
                      json{{"event_id", id},
                           {"tier", tier},
                           {"quantity", quantity},
                           {"payment_method", "test"}},
                      alice);
    };
    auto too_many = batch(0, 101);
    CHECK(too_many.status == 400);
    CHECK(too_many.json()["error"]["fields"][0]["field"] == "quantity");
    auto hundred = batch(0, 100);
    REQUIRE(hundred.status == 201);
    CHECK(hundred.json()["tickets"].size() == 100);
    CHECK(hundred.json()["payment"]["amount_cents"] == 500000);
    auto vip = batch("vip", 11);
    CHECK(vip.status == 409);
    CHECK(vip.json()["error"]["code"] == "tier_sold_out");
    CHECK(batch("vip", 10).status == 201);
    auto sold_out = batch(0, 11);
    CHECK(sold_out.status == 409);
    CHECK(sold_out.json()["error"]["code"] == "sold_out");
    CHECK(b.call(Method::Get, "/api/v1/events/" + std::to_string(id)).json()["available"] == 10);
    CHECK(
        b.call(Method::Get, "/api/v1/tickets/my", std::string{}, alice).json()["tickets"].size() ==
        110);
}

TEST_CASE("a declined payment gives the seats back and creates no ticket") {
    Backend b;
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body("Decline", 1));
    const auto alice = b.sign_in(b.alice);
    auto declined =
        b.call(Method::Post, "/api/v1/tickets/mint",
               json{{"event_id", id}, {"tier", 0}, {"payment_method", "test-decline"}}, alice);
    CHECK(declined.status == 402);
    CHECK(declined.json()["error"]["code"] == "payment_declined");
    CHECK(
        b.call(Method::Get, "/api/v1/tickets/my", std::string{}, alice).json()["tickets"].empty());
    CHECK(b.call(Method::Get, "/api/v1/events/" + std::to_string(id)).json()["available"] == 1);
    b.buy(alice, id);
    CHECK(b.call(Method::Post, "/api/v1/tickets/mint",
                 json{{"event_id", id}, {"tier", 0}, {"payment_method", "card"}}, alice)
              .status == 400);
}

TEST_CASE("a reservation that outlives its time returns its seats") {
    Backend b;
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body("Reserve", 2));
    auto& store = b.app->store();
    const auto now = b.clock->now_ms();
    auto held = store.reserve(id, 0, 2, 1, now, now + 1000);
    REQUIRE(held.ok());
    auto blocked = store.reserve(id, 0, 1, 1, now, now + 1000);
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.error().code == "sold_out");
    b.clock->advance(1001);
    auto again = store.reserve(id, 0, 2, 1, b.clock->now_ms(), b.clock->now_ms() + 1000);
    CHECK(again.ok());
    // Completing the expired first reservation is refused: its seats belong to the second.
    gate::backend::Payment payment{"test_x", 0, "USD", "test", "completed"};
    auto late = store.complete_purchase(*held, payment, b.alice.address(), b.clock->now_ms());
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().kind == gate::domain::ErrorKind::Gone);
    CHECK(late.error().code == "reservation_expired");
}

TEST_CASE("mint is rate limited per user") {
    Backend b([](gate::backend::Settings& s) { s.mint_limit = {60, 2}; });
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    const auto alice = b.sign_in(b.alice);
    b.buy(alice, id);
    b.buy(alice, id);
    auto third = b.call(Method::Post, "/api/v1/tickets/mint",
                        json{{"event_id", id}, {"tier", 0}, {"payment_method", "test"}}, alice);
    CHECK(third.status == 429);
    CHECK(third.headers.get("Retry-After") == "1");
    // Another user has a bucket of their own.
    b.buy(b.sign_in(b.bob), id);
}
