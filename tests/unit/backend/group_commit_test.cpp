// Group commit: writers that wait together share one commit (one fsync on SQLite, one WAL
// flush on PostgreSQL), yet each write keeps the guarantees of a transaction of its own: it
// sees the writes before it in its batch, a write that fails is undone alone, and nobody is
// answered before the commit. Each test holds the database's write lock from a connection
// of its own until every writer is queued, so the batch is certain. Runs on both engines.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "BackendFixture.h"

using namespace gate::test;
using gate::backend::RateLimitStore;

namespace {

// Limits in memory, so that the only writes a request makes are the ones the test counts.
void memory_limits(gate::backend::Settings& s) {
    s.rate_limit_store = RateLimitStore::Memory;
    s.threads = 8;
    s.handlers = 16;
    s.mint_limit = {100000, 100000};
}

// Waits until `n` writes are queued for the next commit.
void wait_for_writers(Backend& b, std::uint64_t n) {
    for (int i = 0; i < 2000 && b.app->store().commit_totals().waiting < n; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    REQUIRE(b.app->store().commit_totals().waiting == n);
}

// Holds the database's write lock from a connection of its own until release(): every
// writer that arrives meanwhile queues for the next batch.
class WriteLockHolder {
  public:
    explicit WriteLockHolder(const Backend& b) : db_(b.open_db()) {
        auto held = db_.begin(gate::db::TransactionKind::Immediate);
        REQUIRE(held.ok());
        held_.emplace(std::move(held).value());
    }
    void release() { REQUIRE(held_->rollback().ok()); }

  private:
    gate::db::Database db_;
    std::optional<gate::db::Transaction> held_;
};

// An event with one sold ticket, its code, and staff signed in to scan it on event day.
struct ScanReady {
    std::string code;
    std::string staff;
};

ScanReady ready_to_scan(Backend& b) {
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    const auto alice = b.sign_in(b.alice);
    ScanReady ready{b.code_of(alice, b.buy(alice, id)["ticket_id"]), b.staff_of(id)};
    b.clock->advance(kDay);
    return ready;
}

}  // namespace

TEST_CASE("eight gates at once: one commit for the batch, and the ticket admitted once") {
    Backend b(memory_limits);
    const auto [code, staff] = ready_to_scan(b);

    WriteLockHolder lock(b);
    const auto before = b.app->store().commit_totals();
    std::atomic<int> accepted{0}, inside{0}, answered{0};
    std::vector<std::thread> gates;
    for (int g = 0; g < 8; ++g)
        gates.emplace_back([&, g] {
            auto r = b.call(Method::Post, "/api/v1/validate",
                            json{{"code", code}, {"gate", "g" + std::to_string(g)}}, staff);
            ++answered;
            if (r.json()["verdict"] == "accepted") ++accepted;
            if (r.json()["reason"] == "entry.already_inside") ++inside;
        });
    // The first writer leads and waits for the lock; the other seven queue behind it.
    wait_for_writers(b, 8);
    CHECK(answered == 0);  // nobody hears a verdict before it is committed
    lock.release();
    for (auto& t : gates)
        t.join();

    CHECK(accepted == 1);
    CHECK(inside == 7);
    const auto after = b.app->store().commit_totals();
    CHECK(after.writes - before.writes == 8);
    CHECK(after.commits - before.commits <= 2);  // the leader's batch, then everyone else's
    CHECK(after.waiting == 0);
    auto db = b.open_db();
    CHECK(db.query_one<std::int64_t>("SELECT COUNT(*) FROM validations").value() == 8);
    CHECK(db.query_one<std::int64_t>("SELECT COUNT(*) FROM entries").value() == 1);
}

TEST_CASE("a purchase refused inside a batch is undone alone: no seat is lost or oversold") {
    Backend b(memory_limits);
    const auto owner = b.sign_in(b.organizer);
    auto body = b.event_body("Small room", 3);
    body["tiers"][1]["limit"] = 1;
    const auto id = b.create_event(owner, body);
    std::vector<std::string> buyers;
    std::vector<Wallet> wallets(5);
    for (auto& w : wallets)
        buyers.push_back(b.sign_in(w));

    WriteLockHolder lock(b);
    std::atomic<int> sold{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    // Three VIP buyers for one VIP seat, two for general: a refused VIP reservation has
    // already counted its seat on the event when the tier refuses it.
    for (std::size_t t = 0; t < buyers.size(); ++t)
        threads.emplace_back([&, t] {
            auto r =
                b.call(Method::Post, "/api/v1/tickets/mint",
                       json{{"event_id", id}, {"tier", t < 3 ? 1 : 0}, {"payment_method", "test"}},
                       buyers[t]);
            if (r.status == 201) {
                ++sold;
            } else if (r.status == 409) {
                ++refused;
            } else {
                ++other;
            }
        });
    wait_for_writers(b, buyers.size());
    lock.release();
    for (auto& t : threads)
        t.join();

    CHECK(other == 0);
    CHECK(sold == 3);
    CHECK(refused == 2);
    auto db = b.open_db();
    const auto counted =
        db.query_one<std::int64_t>("SELECT tickets_sold FROM events WHERE id = ?", id).value();
    const auto tickets =
        db.query_one<std::int64_t>("SELECT COUNT(*) FROM tickets WHERE event_id = ?", id).value();
    CHECK(counted == 3);
    CHECK(tickets == 3);
    CHECK(db.query_one<std::int64_t>("SELECT sold FROM event_tiers WHERE event_id = ? AND tier = 1",
                                     id)
              .value() == 1);
}

TEST_CASE("a refused claim keeps its record in a batch while the other writes commit") {
    Backend b(memory_limits);
    const auto id = b.create_event(b.sign_in(b.organizer), b.event_body());
    const auto alice = b.sign_in(b.alice);
    const auto bob = b.sign_in(b.bob);
    const auto ticket = b.buy(alice, id)["ticket_id"].get<std::string>();
    auto offered = b.call(Method::Post, "/api/v1/tickets/" + ticket + "/transfer",
                          json{{"to_email", "friend@example.org"}}, alice);
    REQUIRE_MESSAGE(offered.status == 202, offered.body);
    const auto reference = offered.json()["reference"].get<std::string>();

    WriteLockHolder lock(b);
    int claim_status = 0, mint_status = 0;
    std::thread guesser([&] {
        claim_status = b.call(Method::Post, "/api/v1/tickets/claim",
                              json{{"reference", reference},
                                   {"email", "friend@example.org"},
                                   {"code", "a-wrong-guess"}},
                              bob)
                           .status;
    });
    wait_for_writers(b, 1);
    std::thread buyer([&] {
        mint_status = b.call(Method::Post, "/api/v1/tickets/mint",
                             json{{"event_id", id}, {"tier", 0}, {"payment_method", "test"}}, bob)
                          .status;
    });
    wait_for_writers(b, 2);
    lock.release();
    guesser.join();
    buyer.join();

    CHECK(claim_status == 403);
    CHECK(mint_status == 201);
    auto db = b.open_db();
    CHECK(db.query_one<std::int64_t>("SELECT failed_claims FROM transfers WHERE reference = ?",
                                     reference)
              .value() == 1);
    CHECK(db.query_one<std::int64_t>("SELECT COUNT(*) FROM tickets").value() == 2);
}

TEST_CASE("database.max_batch bounds the writes one commit carries") {
    Backend b([](gate::backend::Settings& s) {
        memory_limits(s);
        s.database_max_batch = 2;
    });
    const auto [code, staff] = ready_to_scan(b);

    WriteLockHolder lock(b);
    const auto before = b.app->store().commit_totals();
    std::vector<std::thread> gates;
    for (int g = 0; g < 8; ++g)
        gates.emplace_back([&, g] {
            b.call(Method::Post, "/api/v1/validate",
                   json{{"code", code}, {"gate", "g" + std::to_string(g)}}, staff);
        });
    wait_for_writers(b, 8);
    lock.release();
    for (auto& t : gates)
        t.join();
    const auto after = b.app->store().commit_totals();
    CHECK(after.writes - before.writes == 8);
    CHECK(after.commits - before.commits >= 4);  // two at a time at most
}
