#include "gate/device/ChainQueue.h"

#include <tuple>

#include "Rows.h"
#include "gate/device/DeviceDatabase.h"

namespace gate::device {

// ---- chain check-ins -------------------------------------------------------------------

namespace {

constexpr std::string_view kCheckinColumns =
    "SELECT ticket_id, mint, gate, at, state, coalesce(signature, ''), error FROM chain_checkin ";

Result<std::vector<ChainCheckin>, db::Error> read_checkins(db::Database& db, std::string_view sql,
                                                           std::int64_t arg) {
    std::vector<ChainCheckin> out;
    std::optional<std::int64_t> broken;
    auto read = db.for_each<std::int64_t, std::string, std::string, std::int64_t, std::string,
                            std::string, std::string>(
        sql,
        [&](std::int64_t ticket, const std::string& mint, std::string gate, std::int64_t at,
            const std::string& state, std::string signature, std::string error) {
            auto key = crypto::PublicKey::from_base58(mint);
            auto parsed = jsonio::from_string<CheckinState>(state);
            if (!key || !parsed) {
                broken = ticket;
                return;
            }
            out.push_back({from_column(ticket), *key, std::move(gate), at, *parsed,
                           std::move(signature), std::move(error)});
        },
        arg);
    if (!read) return fail(read.error());
    if (broken) return rows::bad_row("stored check-in", std::to_string(from_column(*broken)));
    return out;
}

}  // namespace

Result<std::vector<ChainCheckin>, db::Error> ChainQueue::pending_checkins(std::size_t limit) {
    auto& db = database_.connection();
    return read_checkins(
        db, std::string(kCheckinColumns) + "WHERE state = 'pending' ORDER BY id LIMIT ?",
        static_cast<std::int64_t>(limit));
}

Result<std::optional<ChainCheckin>, db::Error> ChainQueue::checkin(std::uint64_t ticket_id) {
    auto& db = database_.connection();
    auto rows = read_checkins(db, std::string(kCheckinColumns) + "WHERE ticket_id = ?",
                              to_column(ticket_id));
    if (!rows) return fail(rows.error());
    if (rows->empty()) return std::optional<ChainCheckin>{};
    return std::optional<ChainCheckin>{std::move(rows->front())};
}

Status<db::Error> ChainQueue::begin_chain_transaction(const ChainTransaction& tx) {
    auto& db = database_.connection();
    if (tx.last_valid_block_height > 0x7fffffffffffffffULL) {
        return rows::bad_row("chain transaction", "block height out of range");
    }
    return rows::in_transaction(db, [&]() -> Status<db::Error> {
        if (auto s = db.execute(
                "INSERT INTO chain_tx (signature, body, blockhash, last_valid_block_height, "
                "sent_at) VALUES (?, ?, ?, ?, ?)",
                tx.signature, tx.body, tx.blockhash,
                static_cast<std::int64_t>(tx.last_valid_block_height), tx.sent_at);
            !s)
            return s;
        std::int64_t position = 0;
        for (const auto ticket : tx.ticket_ids) {
            if (auto s = db.execute(
                    "UPDATE chain_checkin SET state = 'in_flight', signature = ?, position = ? "
                    "WHERE ticket_id = ? AND state = 'pending'",
                    tx.signature, position++, to_column(ticket));
                !s)
                return s;
            if (db.changes() != 1) {
                // Rolled back with the transaction: nothing is half-claimed.
                return fail(db::Error{db::ErrorCode::Constraint, 0,
                                      "check-in of ticket " + std::to_string(ticket) +
                                          " is not pending; not sending it again",
                                      ""});
            }
        }
        return {};
    });
}

Result<std::vector<ChainTransaction>, db::Error> ChainQueue::in_flight_transactions() {
    auto& db = database_.connection();
    std::vector<ChainTransaction> out;
    auto read = db.for_each<std::string, Bytes, std::string, std::int64_t, std::int64_t>(
        "SELECT signature, body, blockhash, last_valid_block_height, sent_at FROM chain_tx "
        "WHERE state = 'in_flight' ORDER BY sent_at, rowid",
        [&](std::string signature, Bytes body, std::string blockhash, std::int64_t height,
            std::int64_t sent_at) {
            out.push_back({std::move(signature),
                           std::move(body),
                           std::move(blockhash),
                           static_cast<std::uint64_t>(height),
                           sent_at,
                           {}});
        });
    if (!read) return fail(read.error());
    for (auto& tx : out) {
        auto tickets = db.for_each<std::int64_t>(
            "SELECT ticket_id FROM chain_checkin WHERE signature = ? AND state = 'in_flight' "
            "ORDER BY position",
            [&](std::int64_t ticket) { tx.ticket_ids.push_back(from_column(ticket)); },
            tx.signature);
        if (!tickets) return fail(tickets.error());
    }
    return out;
}

Status<db::Error> ChainQueue::settle(std::string_view signature, std::string_view tx_state,
                                     std::string_view checkin_state, std::int64_t at_ms) {
    auto& db = database_.connection();
    if (auto s = db.execute("UPDATE chain_tx SET state = ?, settled_at = ? WHERE signature = ? "
                            "AND state = 'in_flight'",
                            tx_state, at_ms, signature);
        !s)
        return s;
    if (checkin_state == "confirmed") {
        return db.execute(
            "UPDATE chain_checkin SET state = 'confirmed' WHERE signature = ? "
            "AND state = 'in_flight'",
            signature);
    }
    // Back to the queue: no transaction holds them any more.
    return db.execute(
        "UPDATE chain_checkin SET state = 'pending', signature = NULL, position = NULL "
        "WHERE signature = ? AND state = 'in_flight'",
        signature);
}

Status<db::Error> ChainQueue::settle_landed(std::string_view signature, std::int64_t at_ms) {
    auto& db = database_.connection();
    return rows::in_transaction(db,
                                [&] { return settle(signature, "landed", "confirmed", at_ms); });
}

Status<db::Error> ChainQueue::settle_dropped(std::string_view signature, std::int64_t at_ms) {
    auto& db = database_.connection();
    return rows::in_transaction(db, [&] { return settle(signature, "dropped", "pending", at_ms); });
}

Status<db::Error> ChainQueue::settle_failed(std::string_view signature, std::uint64_t culprit,
                                            std::string_view error, std::int64_t at_ms) {
    auto& db = database_.connection();
    return rows::in_transaction(db, [&]() -> Status<db::Error> {
        if (auto s = db.execute(
                "UPDATE chain_checkin SET state = 'failed', error = ? WHERE signature = ? "
                "AND ticket_id = ? AND state = 'in_flight'",
                error, signature, to_column(culprit));
            !s)
            return s;
        return settle(signature, "failed", "pending", at_ms);
    });
}

Status<db::Error> ChainQueue::fail_checkin(std::uint64_t ticket_id, std::string_view error) {
    auto& db = database_.connection();
    return rows::in_transaction(db, [&] {
        return db.execute(
            "UPDATE chain_checkin SET state = 'failed', error = ? WHERE ticket_id = ? "
            "AND state = 'pending'",
            error, to_column(ticket_id));
    });
}

Result<std::int64_t, db::Error> ChainQueue::retry_failed_checkins() {
    auto& db = database_.connection();
    std::int64_t changed = 0;
    auto done = rows::in_transaction(db, [&]() -> Status<db::Error> {
        auto s = db.execute(
            "UPDATE chain_checkin SET state = 'pending', signature = NULL, position = NULL, "
            "error = '' WHERE state = 'failed'");
        changed = db.changes();
        return s;
    });
    if (!done) return fail(done.error());
    return changed;
}

Result<ChainStatus, db::Error> ChainQueue::chain_status() {
    auto& db = database_.connection();
    ChainStatus status;
    auto counts = db.query_one<std::int64_t, std::int64_t, std::int64_t, std::int64_t>(
        "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'in_flight'), 0), "
        "coalesce(sum(state = 'confirmed'), 0), coalesce(sum(state = 'failed'), 0) "
        "FROM chain_checkin");
    if (!counts) return fail(counts.error());
    std::tie(status.pending, status.in_flight, status.confirmed, status.failed) = *counts;
    auto transactions =
        db.query_one<std::int64_t>("SELECT count(*) FROM chain_tx WHERE state = 'in_flight'");
    if (!transactions) return fail(transactions.error());
    status.transactions_in_flight = *transactions;
    auto row = db.query_one<std::optional<std::int64_t>, std::optional<std::int64_t>, std::string>(
        "SELECT last_success_at, last_attempt_at, last_error FROM chain_state WHERE id = 1");
    if (!row) return fail(row.error());
    std::tie(status.last_success_at, status.last_attempt_at, status.last_error) =
        std::move(row).value();
    return status;
}

Status<db::Error> ChainQueue::record_chain_success(std::int64_t at_ms) {
    auto& db = database_.connection();
    database_.note_local_write();
    return rows::in_transaction(db, [&] {
        return db.execute(
            "UPDATE chain_state SET last_success_at = ?1, last_attempt_at = ?1, last_error = '' "
            "WHERE id = 1",
            at_ms);
    });
}

Status<db::Error> ChainQueue::record_chain_failure(std::int64_t at_ms, std::string_view error) {
    auto& db = database_.connection();
    database_.note_local_write();
    return rows::in_transaction(db, [&] {
        return db.execute("UPDATE chain_state SET last_attempt_at = ?, last_error = ? WHERE id = 1",
                          at_ms, error);
    });
}

}  // namespace gate::device
