// SqlStore: sign-in nonces and sessions.
#include "sql/SqlStore.h"

namespace gate::backend::sql {

StoreStatus SqlStore::put_nonce(const std::string& wallet, const std::string& nonce_hash,
                                std::int64_t expires_at) {
    return batched([&](db::Database& db) -> StoreStatus {
        GATE_TRY_DB(
            db.execute("DELETE FROM auth_nonces WHERE expires_at < ?", expires_at - 3600000));
        GATE_TRY_DB(
            db.execute("INSERT INTO auth_nonces (nonce_hash, wallet, expires_at) VALUES (?, ?, ?)",
                       nonce_hash, wallet, expires_at));
        return {};
    });
}

StoreResult<bool> SqlStore::take_nonce(const std::string& wallet, const std::string& nonce_hash,
                                       std::int64_t now) {
    return batched([&](db::Database& db) -> StoreResult<bool> {
        auto found = db.query_optional<std::string, std::int64_t>(
            "SELECT wallet, expires_at FROM auth_nonces WHERE nonce_hash = ?", nonce_hash);
        if (!found.ok()) return fail(failure(found.error()));
        if (!found->has_value()) return false;
        // Single use whatever the outcome: a nonce shown to a forger is spent.
        GATE_TRY_DB(db.execute("DELETE FROM auth_nonces WHERE nonce_hash = ?", nonce_hash));
        const auto& [owner, expires_at] = **found;
        return owner == wallet && expires_at > now;
    });
}

StoreResult<Principal> SqlStore::open_session(const std::string& wallet, Role role,
                                              const std::string& token_hash, std::int64_t now,
                                              std::int64_t expires_at) {
    return batched([&](db::Database& db) -> StoreResult<Principal> {
        auto user =
            db.query_optional<std::int64_t>("SELECT id FROM users WHERE wallet = ?", wallet);
        if (!user.ok()) return fail(failure(user.error()));
        std::int64_t user_id = 0;
        if (user->has_value()) {
            user_id = **user;
            GATE_TRY_DB(
                db.execute("UPDATE users SET role = ? WHERE id = ?", to_string(role), user_id));
        } else {
            auto user_row = db.query_one<std::int64_t>(
                "INSERT INTO users (wallet, role, created_at) VALUES (?, ?, ?) RETURNING id",
                wallet, to_string(role), now);
            if (!user_row.ok()) return fail(failure(user_row.error()));
            user_id = *user_row;
        }
        GATE_TRY_DB(db.execute("DELETE FROM sessions WHERE expires_at < ?", now));
        GATE_TRY_DB(
            db.execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES "
                       "(?, ?, ?, ?)",
                       token_hash, user_id, now, expires_at));
        return Principal{user_id, wallet, role, expires_at};
    });
}

StoreResult<std::optional<Principal>> SqlStore::find_session(const std::string& token_hash,
                                                             std::int64_t now) {
    Pool::Lease db(pool_, pool_.take());
    auto row = db->query_optional<std::int64_t, std::string, std::string, std::int64_t>(
        "SELECT u.id, u.wallet, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = "
        "s.user_id WHERE s.token_hash = ? AND s.expires_at > ?",
        token_hash, now);
    if (!row.ok()) return fail(failure(row.error()));
    if (!row->has_value()) return std::optional<Principal>{};
    auto& [id, wallet, role, expires] = **row;
    return std::optional<Principal>{
        Principal{id, wallet, role_from(role).value_or(Role::Holder), expires}};
}

}  // namespace gate::backend::sql
