// The design document's purchase flow over real HTTP on loopback: create an event, buy,
// fetch the QR, validate the code read from the image, and a second validation refused.
#include <doctest/doctest.h>

#include "LoopbackServer.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Png.h"

using namespace gate::test;

TEST_CASE("create event, buy, fetch QR, validate, second validate rejected") {
    LoopbackServer api;
    auto& b = api.backend;
    const auto organizer = api.sign_in(b.organizer);
    auto created = api.post("/api/v1/events", b.event_body("Test Concert"), organizer);
    REQUIRE(created.status == 201);
    const auto event_id = created.json().value()["id"].get<std::int64_t>();

    const auto buyer = api.sign_in(b.alice);
    auto bought = api.post(
        "/api/v1/tickets/mint",
        json{{"event_id", event_id}, {"tier", "general"}, {"payment_method", "test"}}, buyer);
    REQUIRE(bought.status == 201);
    const auto ticket_id = bought.json().value()["ticket"]["ticket_id"].get<std::string>();

    auto png = api.get("/api/v1/tickets/" + ticket_id + "/qr.png", buyer);
    REQUIRE(png.status == 200);
    CHECK(png.headers.get("Content-Type") == "image/png");
    auto image = gate::qr::decode_image(gate::as_bytes(png.body));
    REQUIRE(image.ok());
    auto symbols = gate::qr::decode(image->view());
    REQUIRE(symbols.ok());
    REQUIRE(symbols->size() == 1);
    const std::string code = symbols->front().text;

    b.clock->advance(kDay);  // the doors open
    api.post("/api/v1/events/" + std::to_string(event_id) + "/validators",
             json{{"wallet", b.validator.address()}}, organizer);
    const auto staff = api.sign_in(b.validator);
    auto first =
        api.post("/api/v1/validate",
                 json{{"code", code}, {"gate", "main-entrance"}, {"event_id", event_id}}, staff);
    REQUIRE(first.status == 200);
    CHECK(first.json().value()["verdict"] == "accepted");
    CHECK(first.json().value()["ticket_id"] == ticket_id);
    auto second =
        api.post("/api/v1/validate",
                 json{{"code", code}, {"gate", "main-entrance"}, {"event_id", event_id}}, staff);
    REQUIRE(second.status == 200);
    CHECK(second.json().value()["verdict"] == "rejected");
    CHECK(second.json().value()["reason"] == "entry.already_inside");

    // Keep-alive: the whole flow ran over few connections, and the metrics saw it.
    auto metrics = api.get("/metrics");
    CHECK(metrics.body.find("gate_validations_total{reason=\"ok\"} 1") != std::string::npos);
}
