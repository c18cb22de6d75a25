// SqlStore: check-in lists, setup codes and gate devices.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

namespace {

std::string join_tiers(const std::vector<std::uint8_t>& tiers) {
    std::string out;
    for (int t : tiers) {
        if (!out.empty()) out += ',';
        out += std::to_string(t);
    }
    return out;
}

// Tiers are stored as "0,2,5", written only by join_tiers.
std::vector<std::uint8_t> split_tiers(std::string_view text) {
    std::vector<std::uint8_t> out;
    int value = 0;
    bool any = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            any = true;
        } else if (c == ',' && any) {
            out.push_back(static_cast<std::uint8_t>(value));
            value = 0;
            any = false;
        }
    }
    if (any) out.push_back(static_cast<std::uint8_t>(value));
    return out;
}

}  // namespace

Result<std::optional<StoredCheckinList>, db::Error> SqlStore::load_list(db::Database& db,
                                                                        std::int64_t id) {
    auto row =
        db.query_optional<std::int64_t, std::int64_t, std::string, std::string, std::string, bool>(
            "SELECT id, event_id, name, tiers, reentry, accept_unknown FROM checkin_lists WHERE id "
            "= ?",
            id);
    if (!row.ok()) return fail(row.error());
    if (!row->has_value()) return std::optional<StoredCheckinList>{};
    auto& [lid, event_id, name, tiers, reentry, accept] = **row;
    // A rule this code cannot read is read as the strictest one.
    return std::optional<StoredCheckinList>{StoredCheckinList{
        event_id,
        {lid, name, split_tiers(tiers),
         domain::from_string<domain::Reentry>(reentry).value_or(domain::Reentry::Single), accept}}};
}

StoreResult<StoredCheckinList> SqlStore::create_checkin_list(const StoredCheckinList& stored) {
    return batched([&](db::Database& db) -> StoreResult<StoredCheckinList> {
        const auto& list = stored.list;
        auto id = db.query_one<std::int64_t>(
            "INSERT INTO checkin_lists (event_id, name, tiers, reentry, accept_unknown) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            stored.event_id, list.name, join_tiers(list.tiers), domain::to_string(list.reentry),
            list.accept_unknown_tickets);
        if (!id.ok()) return fail(failure(id.error()));
        StoredCheckinList created = stored;
        created.list.id = *id;
        return created;
    });
}

StoreResult<std::optional<StoredCheckinList>> SqlStore::get_checkin_list(std::int64_t id) {
    Pool::Lease db(pool_, pool_.take());
    auto list = load_list(*db, id);
    if (!list.ok()) return fail(failure(list.error()));
    return std::move(*list);
}

StoreResult<std::optional<StoredCheckinList>> SqlStore::default_checkin_list(
    std::int64_t event_id) {
    Pool::Lease db(pool_, pool_.take());
    auto id = db->query_optional<std::int64_t>(
        "SELECT MIN(id) FROM checkin_lists WHERE event_id = ? HAVING COUNT(*) > 0", event_id);
    if (!id.ok()) return fail(failure(id.error()));
    if (!id->has_value()) return std::optional<StoredCheckinList>{};
    auto list = load_list(*db, **id);
    if (!list.ok()) return fail(failure(list.error()));
    return std::move(*list);
}

StoreStatus SqlStore::put_setup_code(const SetupCodeRecord& c) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(db.execute(
            "INSERT INTO device_setup_codes (token_hash, event_id, gate, checkin_list_id, "
            "created_by, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
            c.token_hash, c.event_id, c.gate, c.checkin_list_id, c.created_by, c.expires_at));
        return {};
    });
}

DeviceRecord SqlStore::read_device(const db::Statement& s) {
    return {s.column_int64(0), std::string(s.column_text(1)), std::string(s.column_text(2)),
            s.column_int64(3), std::string(s.column_text(4)), s.column_int64(5),
            !s.is_null(6)};
}

StoreResult<DeviceRecord> SqlStore::register_device(const std::string& setup_token_hash,
                                                    const std::string& name,
                                                    const std::string& public_key,
                                                    const std::string& device_token_hash,
                                                    std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<DeviceRecord> {
        auto code = db.query_optional<std::int64_t, std::string, std::int64_t>(
            "SELECT event_id, gate, checkin_list_id FROM device_setup_codes WHERE token_hash = ? "
            "AND "
            "used_at IS NULL AND expires_at > ?",
            setup_token_hash, now);
        if (!code.ok()) return fail(failure(code.error()));
        if (!code->has_value())
            return fail(domain::unauthenticated("setup_token_invalid",
                                                "the setup token is unknown, used or expired"));
        auto known = db.query_optional<std::int64_t>("SELECT id FROM devices WHERE public_key = ?",
                                                     public_key);
        if (!known.ok()) return fail(failure(known.error()));
        if (known->has_value())
            return fail(conflict("device_key_registered",
                                 "a device with this public key is already registered"));
        const auto& [event_id, gate, list_id] = **code;
        GATE_TRY_DB(db.execute("UPDATE device_setup_codes SET used_at = ? WHERE token_hash = ?",
                               now, setup_token_hash));
        auto id = db.query_one<std::int64_t>(
            "INSERT INTO devices (name, public_key, token_hash, event_id, gate, checkin_list_id, "
            "revoked_at, created_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?) RETURNING id",
            name, public_key, device_token_hash, event_id, gate, list_id, now);
        if (!id.ok()) return fail(failure(id.error()));
        DeviceRecord device{*id, name, public_key, event_id, gate, list_id, false};
        return device;
    });
}

StoreResult<std::optional<DeviceRecord>> SqlStore::find_device(const std::string& token_hash) {
    Pool::Lease db(pool_, pool_.take());
    std::optional<DeviceRecord> found;
    const std::string sql = std::string(kSelectDevice) + "WHERE token_hash = ?";
    GATE_TRY_DB(rows(
        *db, sql, [&](const db::Statement& s) { found = read_device(s); }, token_hash));
    return found;
}

StoreResult<std::optional<DeviceRecord>> SqlStore::get_device(std::int64_t id) {
    Pool::Lease db(pool_, pool_.take());
    std::optional<DeviceRecord> found;
    const std::string sql = std::string(kSelectDevice) + "WHERE id = ?";
    GATE_TRY_DB(rows(
        *db, sql, [&](const db::Statement& s) { found = read_device(s); }, id));
    return found;
}

StoreStatus SqlStore::revoke_device(std::int64_t device_id, std::int64_t now) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(
            db.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now,
                       device_id));
        return {};
    });
}

}  // namespace gate::backend::sql
