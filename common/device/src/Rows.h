#pragma once
// Row reads and writes that more than one concern of the device database runs (the
// scan queue records admissions into the cache's inside state and queues chain check-ins;
// both read a ticket's state), and the one way every write is wrapped in a transaction.
// Internal to gate::device.

#include <optional>
#include <string>
#include <string_view>

#include "gate/Result.h"
#include "gate/db/Database.h"
#include "gate/domain/Decide.h"
#include "gate/domain/SyncMessages.h"

namespace gate::device::rows {

template <class T>
Failure<db::Error> bad_row(std::string_view what, const T& detail) {
    return fail(db::Error{db::ErrorCode::Type, 0, std::string(what) + ": " + detail, ""});
}

/// A record the pinned sync key did not sign (ErrorCode::Corrupt: the scanner shows
/// device.cache_tampered).
db::Error untrusted(std::string message);
/// Nothing is trusted before provisioning pins the backend's sync key.
db::Error no_pinned_key();

/// Signature columns: 64 raw bytes, NULL when absent; a blob of another size reads as none.
std::optional<ByteView> signature_column(const std::optional<crypto::Signature>& signature);
std::optional<crypto::Signature> signature_from(const std::optional<Bytes>& column);

/// Runs `body` inside one IMMEDIATE transaction and commits it.
template <class Body>
Status<db::Error> in_transaction(db::Database& db, Body&& body) {
    auto tx = db.begin(db::TransactionKind::Immediate);
    if (!tx) return fail(tx.error());
    if (Status<db::Error> done = body(); !done) return done;
    return tx->commit();
}

/// The ticket's row and last scan as stored (inside the caller's transaction, if any). A
/// row that `sync_key` did not sign (or any row, without a key) reads as tampered.
Result<domain::TicketState, db::Error> ticket_state(
    db::Database& db, const std::optional<crypto::PublicKey>& sync_key, std::uint64_t ticket_id);

/// The later scan wins; a tie goes to the one applied last.
Status<db::Error> merge_last_scan(db::Database& db, const domain::InsideRecord& scan);

/// The first accepted entry of each ticket with a known mint becomes its check-in (of one
/// ticket, or of all). A ticket that has one keeps it: later scans add nothing.
Status<db::Error> queue_checkins(db::Database& db, std::optional<std::uint64_t> ticket_id);

/// Inserts one scan and, for an admission, its inside state and chain check-in. The
/// caller holds the transaction.
Status<db::Error> insert_scan(db::Database& db, const domain::EntryRecord& scan);

}  // namespace gate::device::rows
