// Upgrading a database with sales in it to schema 12 (payments that wait for a provider):
// on SQLite the payments and refunds tables are rebuilt, so every row and every reference
// to them must survive; on PostgreSQL they are altered in place.
#include <doctest/doctest.h>

#include "BackendFixture.h"
#include "PostgresSchema.h"
#include "SqliteSchema.h"
#include "gate/db/Migration.h"

using namespace gate;
using namespace gate::test;

TEST_CASE("upgrading to schema 12 keeps every payment, refund and reference to them") {
    TempDir dir;
    std::unique_ptr<PostgresDatabase> pg;
    auto opened = [&] {
        if (!testing_postgres()) return db::Database::open(dir / "old.db");
        pg = std::make_unique<PostgresDatabase>();
        return db::open_postgres({pg->conninfo(), "test"});
    }();
    REQUIRE(opened.ok());
    db::Database& db = *opened;
    const auto all =
        testing_postgres() ? backend::postgres_migrations() : backend::sqlite_migrations();
    const auto before = all.first(all.size() - 1);  // up to schema 11
    REQUIRE(before.back().version == 11);
    REQUIRE(db::migrate(db, before).ok());

    // A sale of two tickets, one refunded; a declined payment.
    for (const char* sql :
         {"INSERT INTO users (id, wallet, role, created_at) VALUES (1, 'Buyer1', 'holder', 1)",
          "INSERT INTO users (id, wallet, role, created_at) VALUES (2, 'Org1', 'organizer', 1)",
          "INSERT INTO events (id, organizer_id, name, venue, starts_at, ends_at, capacity, "
          "tickets_sold, status, created_at, updated_at) VALUES (1, 2, 'Old', 'Hall', 10, 20, "
          "10, 2, 'cancelled', 1, 1)",
          "INSERT INTO reservations (id, event_id, tier, quantity, user_id, status, created_at, "
          "expires_at) VALUES (1, 1, 0, 2, 1, 'completed', 5, 6)",
          "INSERT INTO reservations (id, event_id, tier, quantity, user_id, status, created_at, "
          "expires_at) VALUES (2, 1, 0, 1, 1, 'released', 7, 8)",
          "INSERT INTO payments (id, reservation_id, external_id, amount_cents, currency, "
          "method, status, created_at) VALUES (1, 1, 'test_a', 10000, 'USD', 'test', "
          "'completed', 5)",
          "INSERT INTO payments (id, reservation_id, external_id, amount_cents, currency, "
          "method, status, created_at) VALUES (2, 2, 'test_b', 5000, 'USD', 'test-decline', "
          "'failed', 7)",
          "INSERT INTO tickets (id, event_id, owner_wallet, tier, generation, status, "
          "purchase_price_cents, payment_id, created_at, updated_at) VALUES (1, 1, 'Buyer1', 0, "
          "0, 'valid', 5000, 1, 5, 5)",
          "INSERT INTO tickets (id, event_id, owner_wallet, tier, generation, status, "
          "purchase_price_cents, payment_id, created_at, updated_at) VALUES (2, 1, 'Buyer1', 0, "
          "0, 'valid', 5000, 1, 5, 5)",
          "INSERT INTO refunds (id, payment_id, ticket_id, amount_cents, currency, method, "
          "status, provider_reference, created_at, completed_at) VALUES (1, 1, 1, 5000, 'USD', "
          "'test', 'succeeded', 'test_refund_x', 9, 9)"}) {
        CAPTURE(sql);
        REQUIRE(db.exec(sql).ok());
    }

    REQUIRE(db::migrate(db, all).ok());
    CHECK(db::schema_version(db).value_or(0) == 12);
    using Row = std::tuple<std::int64_t, std::string, std::int64_t, std::string, std::int64_t>;
    const auto payment = db.query_one<std::int64_t, std::string, std::int64_t, std::string,
                                      std::int64_t>(
        "SELECT user_id, external_id, amount_cents, status, updated_at FROM payments WHERE id = 1");
    REQUIRE(payment.ok());
    CHECK(*payment == Row{1, "test_a", 10000, "completed", 5});
    CHECK(db.query_one<std::string>("SELECT status FROM payments WHERE id = 2").value_or("") ==
          "failed");
    // Tickets still point at their payment, the refund at its payment and ticket.
    CHECK(db.query_one<std::int64_t>("SELECT COUNT(*) FROM tickets t JOIN payments p ON p.id = "
                                     "t.payment_id WHERE p.external_id = 'test_a'")
              .value_or(0) == 2);
    const auto refund = db.query_one<std::int64_t, std::string, std::int64_t, std::string>(
        "SELECT ticket_id, reason, attempts, provider_reference FROM refunds WHERE id = 1");
    REQUIRE(refund.ok());
    CHECK(*refund == std::tuple<std::int64_t, std::string, std::int64_t, std::string>{
                         1, "event_cancelled", 0, "test_refund_x"});
    // Each payment's history starts with the upgrade; the event has its currency.
    CHECK(
        db.query_one<std::int64_t>("SELECT COUNT(*) FROM payment_events WHERE actor = 'migration'")
            .value_or(0) == 2);
    CHECK(db.query_one<std::string>("SELECT currency FROM events WHERE id = 1").value_or("") ==
          "USD");
    // The references are enforced again, and the new states are allowed.
    CHECK_FALSE(db.exec("INSERT INTO refunds (payment_id, ticket_id, amount_cents, currency, "
                        "method, status, created_at) VALUES (99, NULL, 1, 'USD', 'test', "
                        "'pending', 1)")
                    .ok());
    CHECK(db.exec("UPDATE payments SET status = 'pending' WHERE id = 2").ok());
    CHECK_FALSE(db.exec("UPDATE payments SET status = 'lost' WHERE id = 2").ok());
    if (!testing_postgres()) {
        CHECK(db.query_one<std::int64_t>("PRAGMA foreign_keys").value_or(0) == 1);
        CHECK_FALSE(db.query_optional<std::string>("PRAGMA foreign_key_check").value());
    }
}
