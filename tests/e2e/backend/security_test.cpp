// Hostile clients over real sockets: forged signatures, replayed nonces, expired tokens,
// another organizer's event, SQL metacharacters in every text field, a 100 MB body and a
// slow client. Each gets the right answer and nothing is stored.
#include <doctest/doctest.h>

#include "LoopbackServer.h"
#include "gate/db/Database.h"

using namespace gate::test;

namespace {
std::int64_t count(LoopbackServer& api, const std::string& table) {
    auto opened = api.backend.open_db();
    auto* db = &opened;
    auto n =
        db->query_one<std::int64_t>("SELECT COUNT(*) FROM " + table);  // test-owned table names
    REQUIRE(n.ok());
    return *n;
}
}  // namespace

TEST_CASE("forged signatures, replayed nonces and expired tokens are refused") {
    LoopbackServer api;
    auto& b = api.backend;
    auto nonce =
        api.post("/api/v1/auth/nonce", json{{"wallet", b.organizer.address()}}).json().value();
    Wallet mallory;
    auto body =
        json{{"wallet", b.organizer.address()},
             {"nonce", nonce["nonce"]},
             {"signature",
              mallory.key.sign(gate::as_bytes(nonce["message"].get<std::string>())).to_base58()}};
    auto forged = api.post("/api/v1/auth/sign-in", body);
    CHECK(forged.status == 401);
    CHECK(forged.json().value()["error"]["code"] == "signature_invalid");
    // The genuine signature over the same nonce is now a replay.
    body["signature"] =
        b.organizer.key.sign(gate::as_bytes(nonce["message"].get<std::string>())).to_base58();
    CHECK(api.post("/api/v1/auth/sign-in", body).json().value()["error"]["code"] ==
          "nonce_invalid");
    CHECK(count(api, "sessions") == 0);

    const auto token = api.sign_in(b.organizer);
    b.clock->advance(b.settings.token_ttl.count() + 1);
    auto expired = api.post("/api/v1/events", b.event_body(), token);
    CHECK(expired.status == 401);
    CHECK(count(api, "events") == 0);
}

TEST_CASE("an organizer cannot touch another organizer's event") {
    LoopbackServer api;
    auto& b = api.backend;
    const auto owner = api.sign_in(b.organizer);
    const auto id = std::to_string(
        api.post("/api/v1/events", b.event_body(), owner).json().value()["id"].get<int>());
    const auto other = api.sign_in(b.other_organizer);
    CHECK(api.send(gate::http::Method::Put, "/api/v1/events/" + id, other, json{{"name", "Taken"}})
              .status == 403);
    CHECK(api.get("/api/v1/events/" + id + "/stats", other).status == 403);
    CHECK(api.post("/api/v1/devices/setup-codes", json{{"event_id", std::stoi(id)}, {"gate", "x"}},
                   other)
              .status == 403);
    CHECK(
        api.post("/api/v1/events/" + id + "/checkin-lists", json{{"name", "mine"}}, other).status ==
        403);
    CHECK(api.get("/api/v1/events/" + id).json().value()["name"] == "Test Concert");
    CHECK(count(api, "device_setup_codes") == 0);
    CHECK(count(api, "checkin_lists") == 1);
}

TEST_CASE("SQL metacharacters in every text field are data, never SQL") {
    LoopbackServer api;
    auto& b = api.backend;
    const std::string nasty = "x'); DROP TABLE tickets; --";
    const std::string quote = "' OR '1'='1";
    const auto owner = api.sign_in(b.organizer);
    auto body = b.event_body(nasty);
    body["venue"] = quote;
    body["description"] = "\"; DELETE FROM events; --";
    body["image_url"] = "https://x.example/'--";
    body["tiers"][0]["name"] = "general'--";
    auto created = api.post("/api/v1/events", body, owner);
    REQUIRE(created.status == 201);
    const auto event = created.json().value();
    CHECK(event["name"] == nasty);
    CHECK(event["venue"] == quote);
    CHECK(event["tiers"][0]["name"] == "general'--");
    const auto event_id = event["id"].get<std::int64_t>();
    CHECK(api.post("/api/v1/events/" + std::to_string(event_id) + "/checkin-lists",
                   json{{"name", nasty}}, owner)
              .status == 201);
    CHECK(api.post("/api/v1/devices/setup-codes", json{{"event_id", event_id}, {"gate", quote}},
                   owner)
              .status == 201);
    const auto alice = api.sign_in(b.alice);
    CHECK(api.post("/api/v1/tickets/mint",
                   json{{"event_id", event_id}, {"tier", "general'--"}, {"payment_method", "test"}},
                   alice)
              .status == 201);
    CHECK(api.post("/api/v1/tickets/mint",
                   json{{"event_id", event_id}, {"tier", quote}, {"payment_method", "test"}}, alice)
              .status == 400);
    CHECK(api.post("/api/v1/tickets/1/transfer", json{{"to_email", "a'@b.c; DROP TABLE users"}},
                   alice)
              .status == 400);
    CHECK(api.post("/api/v1/tickets/claim",
                   json{{"reference", "AAAAAAAAAAAAAAAAAAAAAA"}, {"email", quote}, {"code", nasty}},
                   alice)
              .status == 403);
    CHECK(api.post("/api/v1/validate",
                   json{{"code", quote}, {"gate", nasty}, {"event_id", event_id}}, owner)
              .status == 200);
    CHECK(api.get("/api/v1/events?q=" + gate::backend::percent_encode("'); DROP") +
                  "&venue=" + gate::backend::percent_encode(quote))
              .json()
              .value()["total"] == 1);
    CHECK(api.get("/api/v1/events?when=" + gate::backend::percent_encode(quote)).status == 400);
    // Every table is still there and holds exactly what was asked for.
    CHECK(count(api, "events") == 1);
    CHECK(count(api, "tickets") == 1);
    CHECK(count(api, "users") == 2);  // organizer and alice
    CHECK(count(api, "transfers") == 0);
    CHECK(count(api, "validations") == 1);
}

TEST_CASE("a 100 MB body is refused with 413 from its headers, unread, and nothing is stored") {
    LoopbackServer api;
    auto& b = api.backend;
    const auto owner = api.sign_in(b.organizer);
    RawConnection raw(api.server->port());
    const std::size_t announced = 100u * 1024 * 1024;
    REQUIRE(raw.write("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                      owner + "\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(announced) + "\r\n\r\n"));
    // Keep sending body bytes as a client would; the server must answer without waiting for them
    // all.
    const std::string chunk(64 * 1024, 'x');
    std::size_t sent = 0;
    for (int i = 0; i < 32 && raw.write(chunk); ++i)
        sent += chunk.size();
    const auto answer = raw.read_all();
    CHECK(answer.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(answer.find("payload_too_large") != std::string::npos);
    CHECK(sent < announced);
    CHECK(count(api, "events") == 0);
    // The server is fine.
    CHECK(api.get("/api/v1/health").status == 200);
    SUBCASE("through the HTTP client too") {
        auto big = api.send(gate::http::Method::Post, "/api/v1/events", owner,
                            json{{"name", std::string(2 << 20, 'n')}});
        CHECK(big.status == 413);
    }
}

TEST_CASE("a slow client is cut off at the read timeout while others are served") {
    LoopbackServer api(
        [](gate::backend::Settings& s) { s.read_timeout = std::chrono::milliseconds{800}; });
    RawConnection slow(api.server->port());
    const auto started = std::chrono::steady_clock::now();
    // Slowloris: a byte of header every 100 ms, never finishing.
    bool open = true;
    std::thread trickle([&] {
        const std::string head =
            "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        for (char c : head) {
            if (!slow.write(std::string_view(&c, 1))) {
                open = false;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
        }
    });
    // Meanwhile the server answers others at once.
    for (int i = 0; i < 5; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        CHECK(api.get("/api/v1/health").status == 200);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds{500});
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    const auto rest = slow.read_all();  // returns when the server closes the connection
    const auto closed_after = std::chrono::steady_clock::now() - started;
    trickle.join();
    CHECK(rest.empty());
    CHECK(closed_after >= std::chrono::milliseconds{700});
    CHECK(closed_after < std::chrono::milliseconds{3000});
    CHECK(api.get("/api/v1/health").status == 200);
    static_cast<void>(open);
}

TEST_CASE("malformed HTTP gets a 400 and the connection closes") {
    LoopbackServer api;
    RawConnection raw(api.server->port());
    REQUIRE(raw.write("GARBAGE\r\n\r\n"));
    CHECK(raw.read_all().rfind("HTTP/1.1 400", 0) == 0);
    RawConnection huge(api.server->port());
    REQUIRE(huge.write("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n"));
    CHECK(huge.read_all().rfind("HTTP/1.1 431", 0) == 0);
}
