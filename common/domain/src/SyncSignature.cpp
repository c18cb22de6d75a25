#include "gate/domain/SyncSignature.h"

namespace gate::domain {
namespace {

template <class Record>
bool verify_signed(const Record& record, const crypto::PublicKey& sync_key) noexcept {
    if (!record.sync_signature) return false;
    try {
        const std::string input = signing_input(record);
        return crypto::verify(sync_key, as_bytes(input), *record.sync_signature);
    } catch (...) {  // allocation failure: nothing verified
        return false;
    }
}

template <class Record>
void sign_with(Record& record, const crypto::KeyPair& sync_key) {
    record.sync_signature = sync_key.sign(as_bytes(signing_input(record)));
}

MessageError unverified(std::string field) {
    return {field, field + ": not signed by this device's pinned backend sync key"};
}

}  // namespace

std::string signing_input(const TicketRecord& ticket) {
    std::string out(kTicketRowSignatureDomain);
    out += ticket_id_to_string(ticket.ticket_id);
    out += ':' + std::to_string(ticket.tier);
    out += ':' + std::to_string(ticket.generation);
    out += ':';
    out += to_string(ticket.status);
    out += ':';
    if (ticket.mint) out += ticket.mint->to_base58();
    // Added with rotating codes; a row without a pass binding signs as it always did.
    if (ticket.binding != 0) out += ":b" + std::to_string(ticket.binding);
    return out;
}

std::string signing_input(const IssuerKeyRecord& key) {
    std::string out(kIssuerKeySignatureDomain);
    out += std::to_string(key.event_id);
    out += ':' + key.public_key.to_base58();
    out += key.retired ? ":retired" : ":active";
    return out;
}

std::string signing_input(const Assignment& assignment) {
    Assignment unsigned_copy = assignment;
    unsigned_copy.sync_signature.reset();
    return std::string(kAssignmentSignatureDomain) + nlohmann::json(unsigned_copy).dump();
}

void sign_record(TicketRecord& ticket, const crypto::KeyPair& sync_key) {
    sign_with(ticket, sync_key);
}
void sign_record(IssuerKeyRecord& key, const crypto::KeyPair& sync_key) {
    sign_with(key, sync_key);
}
void sign_record(Assignment& assignment, const crypto::KeyPair& sync_key) {
    sign_with(assignment, sync_key);
}

void sign_records(Snapshot& snapshot, const crypto::KeyPair& sync_key) {
    sign_record(snapshot.assignment, sync_key);
    for (auto& key : snapshot.issuer_keys)
        sign_record(key, sync_key);
    for (auto& ticket : snapshot.tickets)
        sign_record(ticket, sync_key);
}

void sign_records(ChangesPage& page, const crypto::KeyPair& sync_key) {
    for (auto& change : page.changes)
        std::visit(
            [&](auto& payload) {
                using P = std::decay_t<decltype(payload)>;
                if constexpr (!std::is_same_v<P, InsideRecord>) sign_record(payload, sync_key);
            },
            change.payload);
}

bool verify_record(const TicketRecord& ticket, const crypto::PublicKey& sync_key) noexcept {
    return verify_signed(ticket, sync_key);
}
bool verify_record(const IssuerKeyRecord& key, const crypto::PublicKey& sync_key) noexcept {
    return verify_signed(key, sync_key);
}
bool verify_record(const Assignment& assignment, const crypto::PublicKey& sync_key) noexcept {
    return verify_signed(assignment, sync_key);
}

std::optional<MessageError> unverified_record(const Snapshot& snapshot,
                                              const crypto::PublicKey& sync_key) {
    if (!verify_record(snapshot.assignment, sync_key)) return unverified("assignment.sig");
    for (std::size_t i = 0; i < snapshot.issuer_keys.size(); ++i)
        if (!verify_record(snapshot.issuer_keys[i], sync_key))
            return unverified("issuer_keys[" + std::to_string(i) + "].sig");
    for (std::size_t i = 0; i < snapshot.tickets.size(); ++i)
        if (!verify_record(snapshot.tickets[i], sync_key))
            return unverified("tickets[" + std::to_string(i) + "].sig");
    return std::nullopt;
}

std::optional<MessageError> unverified_record(const ChangesPage& page,
                                              const crypto::PublicKey& sync_key) {
    for (std::size_t i = 0; i < page.changes.size(); ++i) {
        const Change& change = page.changes[i];
        const bool ok = std::visit(
            [&](const auto& payload) {
                using P = std::decay_t<decltype(payload)>;
                if constexpr (std::is_same_v<P, InsideRecord>)
                    return true;
                else
                    return verify_record(payload, sync_key);
            },
            change.payload);
        if (!ok)
            return unverified("changes[" + std::to_string(i) + "]." +
                              std::string(to_string(change.kind())) + ".sig");
    }
    return std::nullopt;
}

}  // namespace gate::domain
