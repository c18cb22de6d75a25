// SqlStore: what every aggregate's file shares (row readers, the change log, the chain's
// dirty mark, error mapping).
#include "sql/SqlStore.h"

namespace gate::backend::sql {

Event read_event(const db::Statement& s) {
    Event e;
    e.id = s.column_int64(0);
    e.organizer_id = s.column_int64(1);
    e.organizer_wallet = s.column_text(2);
    e.name = s.column_text(3);
    e.venue = s.column_text(4);
    e.description = s.column_text(5);
    e.image_url = s.column_text(6);
    e.starts_at = s.column_int64(7);
    e.ends_at = s.column_int64(8);
    e.capacity = s.column_int64(9);
    e.sold = s.column_int64(10);
    // A value this code cannot read refuses (fail closed) rather than admits.
    e.status = domain::from_string<domain::EventStatus>(s.column_text(11))
                   .value_or(domain::EventStatus::Cancelled);
    e.created_at = s.column_int64(12);
    e.updated_at = s.column_int64(13);
    // A value this code cannot read asks for the stricter codes (fail closed).
    e.code_policy = domain::from_string<domain::CodePolicy>(s.column_text(14))
                        .value_or(domain::CodePolicy::RotatingRequired);
    e.currency = s.column_text(15);
    return e;
}

domain::TicketStatus read_ticket_status(std::string_view stored) {
    // A value this code cannot read refuses (fail closed) rather than admits.
    return domain::from_string<domain::TicketStatus>(stored).value_or(
        domain::TicketStatus::Revoked);
}

Result<domain::EventStatus, db::Error> load_event_status(db::Database& db, std::int64_t event_id) {
    auto stored =
        db.query_optional<std::string>("SELECT status FROM events WHERE id = ?", event_id);
    if (!stored.ok()) return fail(stored.error());
    if (!stored->has_value()) return domain::EventStatus::Cancelled;
    return domain::from_string<domain::EventStatus>(**stored).value_or(
        domain::EventStatus::Cancelled);
}

// Devices learn a mint only once its NFT is issued (they sign check-ins against it).
std::optional<crypto::PublicKey> issued_mint(std::string_view state,
                                             const std::optional<std::string>& mint) {
    if (!mint || (state != "issued" && state != "frozen")) return std::nullopt;
    auto key = crypto::PublicKey::from_base58(*mint);
    if (!key.ok()) return std::nullopt;
    return *key;
}

domain::TicketRecord ticket_record(std::int64_t id, std::int64_t tier, std::int64_t generation,
                                   domain::TicketStatus status,
                                   std::optional<crypto::PublicKey> mint, std::int64_t binding) {
    domain::TicketRecord record{static_cast<std::uint64_t>(id), static_cast<std::uint8_t>(tier),
                                static_cast<std::uint32_t>(generation), status, mint};
    record.binding = static_cast<std::uint32_t>(binding);
    return record;
}

domain::TicketRecord ticket_record(const Ticket& t) {
    return ticket_record(t.id, t.tier, t.generation, t.status,
                         issued_mint(t.chain.state, t.chain.mint), t.binding);
}

domain::InsideRecord read_inside(const db::Statement& s) {
    return {
        static_cast<std::uint64_t>(s.column_int64(0)),
        domain::from_string<domain::Direction>(s.column_text(1)).value_or(domain::Direction::In),
        s.column_int64(2), std::string(s.column_text(3))};
}

Ticket read_ticket(const db::Statement& s) {
    Ticket t;
    t.id = s.column_int64(0);
    t.event_id = s.column_int64(1);
    t.owner_wallet = s.column_text(2);
    t.tier = static_cast<int>(s.column_int64(3));
    t.generation = s.column_int64(4);
    t.status = read_ticket_status(s.column_text(5));
    t.price_cents = s.column_int64(6);
    t.created_at = s.column_int64(7);
    t.transfer_pending = s.column_int64(8) > 0;
    auto text = [&](int column) -> std::optional<std::string> {
        if (auto v = s.column_optional_text(column)) return std::string(*v);
        return std::nullopt;
    };
    t.chain.mint = text(9);
    t.chain.state = s.column_text(10);
    t.chain.holder = text(11);
    t.chain.dirty = s.column_int64(12) != 0;
    t.chain.attempts = s.column_int64(13);
    t.chain.last_error = text(14);
    t.used = s.column_int64(15) != 0;
    t.inside = s.column_int64(16) != 0;
    t.admitted = s.column_int64(17) != 0;
    if (auto refund = text(18))
        t.refund = TicketRefund{*refund, s.column_int64(19), std::string(s.column_text(20)),
                                s.column_optional_int64(21)};
    t.binding = s.column_int64(22);
    return t;
}

domain::DomainError SqlStore::failure(const db::Error& e) const {
    if (e.code == db::ErrorCode::Busy) return domain::busy();
    logger_.error("database failure", {{"error", db::to_string(e)}});
    return domain::internal();
}

Status<db::Error> SqlStore::add_change(db::Database& db, std::int64_t event_id,
                                       std::string_view kind, std::int64_t ref, std::int64_t now) {
    return db.execute("INSERT INTO changes (event_id, kind, ref, created_at) VALUES (?, ?, ?, ?)",
                      event_id, kind, ref, now);
}

// The chain must follow this ticket's change (same transaction as the change).
Status<db::Error> SqlStore::mark_chain_dirty(db::Database& db, std::int64_t ticket_id) {
    return db.execute(
        "UPDATE chain_tickets SET dirty = 1, dirty_seq = dirty_seq + 1, next_attempt_at = 0 "
        "WHERE ticket_id = ?",
        ticket_id);
}

Status<db::Error> SqlStore::mark_event_chain_dirty(db::Database& db, std::int64_t event_id) {
    return db.execute(
        "UPDATE chain_tickets SET dirty = 1, dirty_seq = dirty_seq + 1, next_attempt_at = 0 "
        "WHERE ticket_id IN (SELECT id FROM tickets WHERE event_id = ?)",
        event_id);
}

// ---- Store --------------------------------------------------------------------------

StoreStatus SqlStore::ping() {
    auto db = pool_.take();
    Pool::Lease lease(pool_, std::move(db));
    auto one = lease->query_one<std::int64_t>("SELECT 1");
    if (!one.ok()) return fail(failure(one.error()));
    return {};
}

}  // namespace gate::backend::sql

namespace gate::backend {

std::string_view to_string(Role role) noexcept {
    switch (role) {
        case Role::Holder:
            return "holder";
        case Role::Validator:
            return "validator";
        case Role::Organizer:
            return "organizer";
    }
    return "holder";
}

std::optional<Role> role_from(std::string_view name) noexcept {
    if (name == "holder") return Role::Holder;
    if (name == "validator") return Role::Validator;
    if (name == "organizer") return Role::Organizer;
    return std::nullopt;
}

}  // namespace gate::backend
