#pragma once
// Small fixtures for device database tests: an assignment, a snapshot and scan records.

#include <doctest/doctest.h>

#include <string>

#include "gate/codec/Base64Url.h"
#include "gate/crypto/Random.h"
#include "gate/db/Error.h"
#include "gate/domain/SyncMessages.h"

/// Fails the test case with the statement and the database error when it did not succeed.
#define STORE_OK(...)                                                                 \
    do {                                                                              \
        auto store_status_ = (__VA_ARGS__);                                           \
        if (!store_status_.ok())                                                      \
            FAIL(#__VA_ARGS__ << ": " << gate::db::to_string(store_status_.error())); \
    } while (false)

namespace gate::test {

inline domain::Assignment sample_assignment(std::uint32_t event_id = 1001) {
    domain::Assignment a;
    a.device_id = 17;
    a.event_id = event_id;
    a.gate = "north-1";
    a.checkin_list = {1, "North entrance", {0, 1, 2}, domain::Reentry::EntryAfterExit, true};
    a.event = {event_id, "Summer Night", 1767225600000, 1767254400000};
    a.server_time = 1767225600123;
    return a;
}

inline std::string fresh_nonce() {
    return crypto::random_token(16);
}

inline domain::EntryRecord scan_of(std::uint64_t ticket_id,
                                   domain::Verdict verdict = domain::Verdict::Accepted,
                                   std::int64_t at = 1767225601000,
                                   domain::Direction direction = domain::Direction::In) {
    domain::EntryRecord r;
    r.nonce = fresh_nonce();
    r.ticket_id = ticket_id;
    r.event_id = 1001;
    r.gate = "north-1";
    r.direction = direction;
    r.verdict = verdict;
    r.reason = verdict == domain::Verdict::Accepted ? "ok" : "ticket.revoked";
    r.scanned_at = at;
    r.clock_offset_ms = 0;
    return r;
}

}  // namespace gate::test
