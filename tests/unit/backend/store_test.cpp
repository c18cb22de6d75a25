// The SQLite store: schema migrations, WAL, and selling that never oversells when many
// threads buy at once.
#include "gate/backend/Store.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "BackendFixture.h"
#include "gate/db/Database.h"

using namespace gate::test;
using gate::backend::Method;

TEST_CASE("a new database is migrated to the current schema in WAL mode, and reopens") {
    TempDir dir;
    gate::backend::SqliteOptions options;
    options.path = dir / "store.db";
    {
        auto store = gate::backend::open_sqlite_store(options, gate::log::Logger("test"));
        REQUIRE(store.ok());
        CHECK((*store)->ping().ok());
    }
    auto db = gate::db::Database::open(options.path);
    REQUIRE(db.ok());
    CHECK(db->query_one<std::string>("PRAGMA journal_mode").value() == "wal");
    CHECK(db->query_one<std::int64_t>("PRAGMA user_version").value() == 12);
    for (const char* table :
         {"events", "tickets", "transfers", "validations", "payments", "users", "sessions",
          "devices", "device_setup_codes", "issuer_keys", "entries", "changes", "chain_event_keys",
          "chain_tickets", "event_validators", "refunds", "leases", "rate_buckets"}) {
        CAPTURE(table);
        CHECK(db->query_one<std::int64_t>(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table)
                  .value() == 1);
    }
    auto again = gate::backend::open_sqlite_store(options, gate::log::Logger("test"));
    CHECK(again.ok());
}

TEST_CASE("a file that is not a database is refused with its name") {
    TempDir dir;
    {
        std::FILE* f = std::fopen((dir / "junk.db").c_str(), "w");
        std::fputs("this is not sqlite, just text long enough to be read as a header......", f);
        std::fclose(f);
    }
    gate::backend::SqliteOptions options;
    options.path = dir / "junk.db";
    auto store = gate::backend::open_sqlite_store(options, gate::log::Logger("test"));
    REQUIRE_FALSE(store.ok());
    CHECK(store.error().find("junk.db") != std::string::npos);
}

TEST_CASE("concurrent purchases never sell past capacity or a tier's limit") {
    Backend b([](gate::backend::Settings& s) {
        s.threads = 8;
        s.mint_limit = {100000, 100000};
    });
    const auto owner = b.sign_in(b.organizer);
    auto body = b.event_body("Rush", 50);
    body["tiers"][1]["limit"] = 7;
    const auto id = b.create_event(owner, body);
    std::vector<std::string> buyers;
    std::vector<Wallet> wallets(8);
    for (auto& w : wallets)
        buyers.push_back(b.sign_in(w));

    std::atomic<int> sold{0}, vip_sold{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < buyers.size(); ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 12; ++i) {
                const int tier = i % 3 == 0 ? 1 : 0;
                auto r = b.call(Method::Post, "/api/v1/tickets/mint",
                                json{{"event_id", id}, {"tier", tier}, {"payment_method", "test"}},
                                buyers[t]);
                if (r.status == 201) {
                    ++sold;
                    if (tier == 1) ++vip_sold;
                } else if (r.status == 409) {
                    ++refused;
                } else {
                    ++other;
                }
            }
        });
    for (auto& t : threads)
        t.join();
    CHECK(other == 0);
    CHECK(sold == 50);
    CHECK(vip_sold == 7);
    CHECK(sold + refused == 96);
    auto stats =
        b.call(Method::Get, "/api/v1/events/" + std::to_string(id) + "/stats", std::string{}, owner)
            .json();
    CHECK(stats["sold"] == 50);
    CHECK(stats["tiers"][1]["sold"] == 7);
    CHECK(b.call(Method::Get, "/api/v1/events/" + std::to_string(id)).json()["available"] == 0);
}

TEST_CASE("a completed purchase answers its tickets exactly as the store reads them back") {
    Backend b;
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    auto& store = b.app->store();
    const auto now = b.clock->now_ms();
    auto reservation = store.reserve(id, 1, 2, 1, now, now + 60000);
    REQUIRE(reservation.ok());
    gate::backend::Payment payment{"pay-1", 2 * reservation->unit_price_cents, "USD", "test",
                                   "completed"};
    auto sold = store.complete_purchase(*reservation, payment, b.alice.address(), now);
    REQUIRE(sold.ok());
    REQUIRE(sold->size() == 2);
    for (const auto& t : *sold) {
        CAPTURE(t.id);
        auto read = store.get_ticket(t.id);
        REQUIRE(read.ok());
        REQUIRE(read->has_value());
        const auto& r = **read;
        CHECK(t.event_id == r.event_id);
        CHECK(t.owner_wallet == r.owner_wallet);
        CHECK(t.tier == r.tier);
        CHECK(t.generation == r.generation);
        CHECK(t.status == r.status);
        CHECK(t.price_cents == r.price_cents);
        CHECK(t.created_at == r.created_at);
        CHECK(t.transfer_pending == r.transfer_pending);
        CHECK(t.used == r.used);
        CHECK(t.inside == r.inside);
        CHECK(t.admitted == r.admitted);
        CHECK(t.chain.mint == r.chain.mint);
        CHECK(t.chain.state == r.chain.state);
        CHECK(t.chain.holder == r.chain.holder);
        CHECK(t.chain.dirty == r.chain.dirty);
        CHECK(t.chain.attempts == r.chain.attempts);
        CHECK(t.chain.last_error == r.chain.last_error);
        CHECK(t.refund.has_value() == r.refund.has_value());
    }
}
