// SqlStore: event staff, the validator wallets an organizer assigned to an event.
#include <nlohmann/json.hpp>

#include "sql/SqlStore.h"

namespace gate::backend::sql {

namespace {

// Gates are stored as a JSON array of strings, written only by put_validator.
std::vector<std::string> read_gates(std::string_view stored) {
    auto parsed = nlohmann::json::parse(stored, nullptr, false);
    std::vector<std::string> gates;
    if (!parsed.is_array()) return {"\x01unreadable"};  // matches no gate: fail closed
    for (const auto& g : parsed)
        if (g.is_string()) gates.push_back(g.get<std::string>());
    return gates;
}

EventValidator read_validator(const db::Statement& s) {
    return {s.column_int64(0), std::string(s.column_text(1)), read_gates(s.column_text(2)),
            s.column_int64(3)};
}

}  // namespace

StoreResult<EventValidator> SqlStore::put_validator(const EventValidator& v) {
    return batched([&](db::Database& db) -> StoreResult<EventValidator> {
        GATE_TRY_DB(
            db.execute("INSERT INTO event_validators (event_id, wallet, gates, created_at) VALUES "
                       "(?, ?, ?, ?) "
                       "ON CONFLICT (event_id, wallet) DO UPDATE SET gates = excluded.gates",
                       v.event_id, v.wallet, nlohmann::json(v.gates).dump(), v.created_at));
        return v;
    });
}

StoreResult<std::vector<EventValidator>> SqlStore::validators(std::int64_t event_id) {
    Pool::Lease db(pool_, pool_.take());
    std::vector<EventValidator> out;
    GATE_TRY_DB(rows(
        *db,
        "SELECT event_id, wallet, gates, created_at FROM event_validators WHERE event_id = ? "
        "ORDER BY created_at, wallet",
        [&](const db::Statement& s) { out.push_back(read_validator(s)); }, event_id));
    return out;
}

StoreResult<std::optional<EventValidator>> SqlStore::find_validator(std::int64_t event_id,
                                                                    const std::string& wallet) {
    Pool::Lease db(pool_, pool_.take());
    std::optional<EventValidator> found;
    GATE_TRY_DB(rows(
        *db,
        "SELECT event_id, wallet, gates, created_at FROM event_validators "
        "WHERE event_id = ? AND wallet = ?",
        [&](const db::Statement& s) { found = read_validator(s); }, event_id, wallet));
    return found;
}

StoreResult<bool> SqlStore::remove_validator(std::int64_t event_id, const std::string& wallet) {
    return batched([&](db::Database& db) -> StoreResult<bool> {
        GATE_TRY_DB(db.execute("DELETE FROM event_validators WHERE event_id = ? AND wallet = ?",
                               event_id, wallet));
        return db.changes() == 1;
    });
}

}  // namespace gate::backend::sql
