#include "gate/domain/SyncMessages.h"

#include <charconv>
#include <limits>
#include <type_traits>
#include <utility>

#include "gate/codec/Base58.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/SealedBox.h"
#include "gate/http/Url.h"
#include "gate/json/FieldReader.h"
#include "gate/json/Parse.h"
#include "gate/json/Writer.h"

namespace gate::crypto {

void to_json(nlohmann::json& j, const PublicKey& key) {
    j = key.to_base58();
}

void to_json(nlohmann::json& j, const Signature& signature) {
    j = signature.to_base58();
}

}  // namespace gate::crypto

namespace gate::domain {

// ---- Reading ----------------------------------------------------------------------------

namespace {

using gate::jsonio::FieldReader;
using gate::jsonio::Need;
using gate::jsonio::Problems;
using gate::jsonio::TextRule;

constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();
constexpr TextRule kMayBeEmpty{.min_chars = 0};

constexpr std::string_view kTicketIdText =
    "a ticket id as a decimal string (no sign, no leading zeros, 64 bits)";
constexpr std::string_view kPublicKeyText = "a base58 Ed25519 public key (32 bytes)";
constexpr std::string_view kSignatureText = "a base58 Ed25519 signature (64 bytes)";
constexpr std::string_view kNonceText = "a nonce: base64url of 16 bytes (22 characters)";
constexpr std::string_view kUrlText = "an http:// or https:// URL";

std::optional<crypto::PublicKey> public_key_from(std::string_view text) {
    auto key = crypto::PublicKey::from_base58(text);
    return key ? std::optional(*key) : std::nullopt;
}
std::optional<crypto::Signature> signature_from(std::string_view text) {
    auto signature = crypto::Signature::from_base58(text);
    return signature ? std::optional(*signature) : std::nullopt;
}
std::optional<std::string> nonce_from(std::string_view text) {
    return is_valid_nonce(text) ? std::optional<std::string>(text) : std::nullopt;
}
std::optional<std::string> url_from(std::string_view text) {
    return http::is_http_url(text) ? std::optional<std::string>(text) : std::nullopt;
}
std::optional<std::string> sealed_key_from(std::string_view text) {
    auto sealed = codec::base64url_decode(text);
    if (!sealed || sealed->size() <= crypto::kSealedBoxOverhead) return std::nullopt;
    return std::string(text);
}

CheckinList read_checkin_list(FieldReader r) {
    CheckinList out;
    r.integer("id", out.id);
    r.text("name", out.name, Need::Required, kMayBeEmpty);
    r.array("tiers", [&](const nlohmann::json& element, const std::string& where) {
        std::uint8_t tier = 0;
        if (r.integer_at<std::uint8_t>(element, where, tier, 0, 255)) out.tiers.push_back(tier);
    });
    r.choice("reentry", out.reentry);
    r.boolean("accept_unknown_tickets", out.accept_unknown_tickets);
    return out;
}

EventInfo read_event(FieldReader r) {
    EventInfo out;
    r.integer("id", out.id);
    r.text("name", out.name, Need::Required, kMayBeEmpty);
    r.integer<std::int64_t>("starts_at", out.starts_at, Need::Required, 0, kMaxTime);
    r.integer<std::int64_t>("ends_at", out.ends_at, Need::Required, 0, kMaxTime);
    // Added after v1 went out: a backend that does not send it has no cancelled events.
    r.choice("status", out.status, Need::Optional);
    // Added with rotating codes: a backend that does not send it admits static codes.
    r.choice("code_policy", out.code_policy, Need::Optional);
    return out;
}

ChainAssignment read_chain(FieldReader r) {
    ChainAssignment out;
    r.parsed("rpc_url", out.rpc_url, kUrlText, url_from);
    r.parsed("validator", out.validator, kPublicKeyText, public_key_from);
    r.parsed("validator_key_sealed", out.validator_key_sealed, "base64url of a sealed key",
             sealed_key_from);
    return out;
}

// "sig": the backend's device-sync signature (SyncSignature.h). Optional on the wire, so
// the reader stays usable for unsigned copies; the device refuses unsigned records itself.
void read_sync_signature(FieldReader& r, std::optional<crypto::Signature>& into) {
    crypto::Signature signature;
    if (r.parsed("sig", signature, kSignatureText, signature_from, Need::Optional))
        into = signature;
}

Assignment read_assignment(FieldReader r) {
    Assignment out;
    r.integer("device_id", out.device_id);
    r.integer("event_id", out.event_id);
    r.text("gate", out.gate);
    out.checkin_list = read_checkin_list(r.object("checkin_list"));
    out.event = read_event(r.object("event"));
    r.integer<std::int64_t>("server_time", out.server_time, Need::Required, 0, kMaxTime);
    if (!r.failed() && out.event.id != out.event_id)
        r.problem(r.path_of("event.id"), jsonio::Problem::Invalid, "does not match event_id");
    if (r.has("chain")) out.chain = read_chain(r.object("chain"));
    read_sync_signature(r, out.sync_signature);
    return out;
}

TicketRecord read_ticket(FieldReader r) {
    TicketRecord out;
    r.parsed("ticket_id", out.ticket_id, kTicketIdText, ticket_id_from_string);
    r.integer("tier", out.tier);
    r.integer("generation", out.generation);
    r.choice("status", out.status);
    crypto::PublicKey mint;
    if (r.parsed("mint", mint, kPublicKeyText, public_key_from, Need::Optional)) out.mint = mint;
    r.integer("binding", out.binding, Need::Optional);
    read_sync_signature(r, out.sync_signature);
    return out;
}

InsideRecord read_inside(FieldReader r) {
    InsideRecord out;
    r.parsed("ticket_id", out.ticket_id, kTicketIdText, ticket_id_from_string);
    r.choice("direction", out.direction);
    r.integer<std::int64_t>("at", out.at, Need::Required, 0, kMaxTime);
    r.text("gate", out.gate);
    return out;
}

IssuerKeyRecord read_issuer_key(FieldReader r) {
    IssuerKeyRecord out;
    r.parsed("public_key", out.public_key, kPublicKeyText, public_key_from);
    r.integer("event_id", out.event_id);
    r.boolean("retired", out.retired);
    read_sync_signature(r, out.sync_signature);
    return out;
}

// Calls read(element reader) for every element of an array of objects.
template <class T, class Read>
void read_all(FieldReader& r, std::string_view name, std::vector<T>& into, Read read,
              std::size_t max_items = std::numeric_limits<std::size_t>::max()) {
    r.array(name,
            [&](const nlohmann::json& element, const std::string& where) {
                into.push_back(read(FieldReader(element, where, r.problems())));
            },
            Need::Required, {.max_items = max_items});
}

Snapshot read_snapshot(FieldReader r) {
    Snapshot out;
    r.integer<std::int64_t>("cursor", out.cursor, Need::Required, 0, kMaxTime);
    r.integer<std::int64_t>("server_time", out.server_time, Need::Required, 0, kMaxTime);
    out.assignment = read_assignment(r.object("assignment"));
    read_all(r, "issuer_keys", out.issuer_keys, read_issuer_key);
    read_all(r, "tickets", out.tickets, read_ticket);
    read_all(r, "inside", out.inside, read_inside);
    return out;
}

Change read_change(FieldReader r) {
    Change out;
    r.integer<std::int64_t>("seq", out.seq, Need::Required, 1, kMaxTime);
    ChangeKind kind = ChangeKind::Ticket;
    if (!r.choice("kind", kind)) return out;
    switch (kind) {
        case ChangeKind::Ticket:
            out.payload = read_ticket(r.object("ticket"));
            break;
        case ChangeKind::Entry:
            out.payload = read_inside(r.object("entry"));
            break;
        case ChangeKind::IssuerKey:
            out.payload = read_issuer_key(r.object("issuer_key"));
            break;
        case ChangeKind::Assignment:
            out.payload = read_assignment(r.object("assignment"));
            break;
    }
    return out;
}

ChangesPage read_changes(FieldReader r) {
    ChangesPage out;
    r.integer<std::int64_t>("cursor", out.cursor, Need::Required, 0, kMaxTime);
    r.boolean("more", out.more);
    r.integer<std::int64_t>("server_time", out.server_time, Need::Required, 0, kMaxTime);
    read_all(r, "changes", out.changes, read_change, kMaxChangesPerPage);
    if (r.failed()) return out;
    std::int64_t previous = 0;
    for (std::size_t i = 0; i < out.changes.size(); ++i) {
        const auto seq = out.changes[i].seq;
        const std::string where = "changes[" + std::to_string(i) + "].seq";
        if (seq <= previous) {
            r.problem(where, jsonio::Problem::Invalid, "not above the previous change's seq");
            break;
        }
        if (seq > out.cursor) {
            r.problem(where, jsonio::Problem::Invalid, "above the page's cursor");
            break;
        }
        previous = seq;
    }
    return out;
}

EntryRecord read_entry(FieldReader r) {
    EntryRecord out;
    r.parsed("nonce", out.nonce, kNonceText, nonce_from);
    std::uint64_t ticket_id = 0;
    if (r.parsed("ticket_id", ticket_id, kTicketIdText, ticket_id_from_string, Need::Optional))
        out.ticket_id = ticket_id;
    r.integer("event_id", out.event_id);
    r.integer("generation", out.generation);
    r.text("gate", out.gate);
    r.choice("direction", out.direction);
    r.choice("verdict", out.verdict);
    r.text("reason", out.reason);
    r.integer<std::int64_t>("scanned_at", out.scanned_at, Need::Required, 0, kMaxTime);
    r.integer("clock_offset_ms", out.clock_offset_ms);
    std::string proof;
    if (r.text("proof", proof, Need::Optional, {.min_chars = 1, .max_chars = kMaxProofChars}))
        out.proof = std::move(proof);
    if (!r.failed() && out.verdict == Verdict::Accepted && !out.ticket_id)
        r.problem(r.path_of("ticket_id"), jsonio::Problem::Missing,
                  "an accepted entry needs a ticket id");
    return out;
}

EntryBatch read_entry_batch(FieldReader r) {
    EntryBatch out;
    read_all(r, "entries", out.entries, read_entry, kMaxEntriesPerBatch);
    r.integer<std::int64_t>("sent_at", out.sent_at, Need::Optional, 0, kMaxTime);
    return out;
}

IngestResult read_ingest_result(FieldReader r) {
    IngestResult out;
    auto nonces = [&](std::string_view name, std::vector<std::string>& into) {
        r.array(name, [&](const nlohmann::json& e, const std::string& where) {
            std::string nonce;
            if (r.take_at(jsonio::parsed_value<std::string>(e, kNonceText, nonce_from), where,
                          nonce))
                into.push_back(std::move(nonce));
        });
    };
    nonces("stored", out.stored);
    nonces("duplicates", out.duplicates);
    read_all(r, "conflicts", out.conflicts, [](FieldReader c) {
        IngestConflict conflict;
        c.text("nonce", conflict.nonce);
        c.parsed("ticket_id", conflict.ticket_id, kTicketIdText, ticket_id_from_string);
        c.text("other_gate", conflict.other_gate);
        return conflict;
    });
    // Added with proofs and clock checks: a backend that does not send them has none.
    auto notes = [&](std::string_view name, std::vector<IngestNote>& into) {
        r.array(
            name,
            [&](const nlohmann::json& e, const std::string& where) {
                FieldReader n(e, where, r.problems());
                IngestNote note;
                n.parsed("nonce", note.nonce, kNonceText, nonce_from);
                n.text("reason", note.reason);
                into.push_back(std::move(note));
            },
            Need::Optional);
    };
    notes("refused", out.refused);
    notes("flagged", out.flagged);
    return out;
}

SetupCode read_setup_code(FieldReader r) {
    SetupCode out;
    r.parsed("url", out.url, kUrlText, url_from);
    r.text("token", out.token);
    r.parsed("sync_key", out.sync_key, kPublicKeyText, public_key_from);
    return out;
}

RegisterRequest read_register_request(FieldReader r) {
    RegisterRequest out;
    r.text("setup_token", out.setup_token);
    r.parsed("public_key", out.public_key, kPublicKeyText, public_key_from);
    r.text("name", out.name, Need::Required, kMayBeEmpty);
    r.parsed("signature", out.signature, kSignatureText, signature_from);
    return out;
}

RegisterResponse read_register_response(FieldReader r) {
    RegisterResponse out;
    r.integer("device_id", out.device_id);
    r.text("device_token", out.device_token);
    out.assignment = read_assignment(r.object("assignment"));
    return out;
}

ApiError read_api_error(FieldReader outer) {
    ApiError out;
    FieldReader r = outer.object("error");
    r.text("code", out.code);
    r.text("message", out.message, Need::Optional, kMayBeEmpty);
    return out;
}

template <class T, class Read>
Result<T, MessageError> finish(const nlohmann::json& j, Read read) {
    Problems problems(Problems::Keep::First);
    T value = read(FieldReader(j, "", problems));
    if (problems.any()) {
        const auto& first = problems.first();
        return fail(MessageError{
            first.field, (first.field.empty() ? "body" : first.field) + ": " + first.message});
    }
    return value;
}

}  // namespace

// ---- from_json --------------------------------------------------------------------------

#define GATE_DEVICE_FROM_JSON(Type, reader)                               \
    template <>                                                           \
    Result<Type, MessageError> from_json<Type>(const nlohmann::json& j) { \
        return finish<Type>(j, reader);                                   \
    }

GATE_DEVICE_FROM_JSON(CheckinList, read_checkin_list)
GATE_DEVICE_FROM_JSON(EventInfo, read_event)
GATE_DEVICE_FROM_JSON(ChainAssignment, read_chain)
GATE_DEVICE_FROM_JSON(Assignment, read_assignment)
GATE_DEVICE_FROM_JSON(TicketRecord, read_ticket)
GATE_DEVICE_FROM_JSON(InsideRecord, read_inside)
GATE_DEVICE_FROM_JSON(IssuerKeyRecord, read_issuer_key)
GATE_DEVICE_FROM_JSON(Snapshot, read_snapshot)
GATE_DEVICE_FROM_JSON(Change, read_change)
GATE_DEVICE_FROM_JSON(ChangesPage, read_changes)
GATE_DEVICE_FROM_JSON(EntryRecord, read_entry)
GATE_DEVICE_FROM_JSON(EntryBatch, read_entry_batch)
GATE_DEVICE_FROM_JSON(IngestResult, read_ingest_result)
GATE_DEVICE_FROM_JSON(SetupCode, read_setup_code)
GATE_DEVICE_FROM_JSON(RegisterRequest, read_register_request)
GATE_DEVICE_FROM_JSON(RegisterResponse, read_register_response)
GATE_DEVICE_FROM_JSON(ApiError, read_api_error)

#undef GATE_DEVICE_FROM_JSON

template <class T>
Result<T, MessageError> parse_message(std::string_view body) {
    auto parsed = jsonio::parse(body);
    if (!parsed) return fail(MessageError{"", "body: not valid JSON: " + parsed.error().message()});
    return from_json<T>(*parsed);
}

template Result<CheckinList, MessageError> parse_message<CheckinList>(std::string_view);
template Result<EventInfo, MessageError> parse_message<EventInfo>(std::string_view);
template Result<ChainAssignment, MessageError> parse_message<ChainAssignment>(std::string_view);
template Result<Assignment, MessageError> parse_message<Assignment>(std::string_view);
template Result<TicketRecord, MessageError> parse_message<TicketRecord>(std::string_view);
template Result<InsideRecord, MessageError> parse_message<InsideRecord>(std::string_view);
template Result<IssuerKeyRecord, MessageError> parse_message<IssuerKeyRecord>(std::string_view);
template Result<Snapshot, MessageError> parse_message<Snapshot>(std::string_view);
template Result<Change, MessageError> parse_message<Change>(std::string_view);
template Result<ChangesPage, MessageError> parse_message<ChangesPage>(std::string_view);
template Result<EntryRecord, MessageError> parse_message<EntryRecord>(std::string_view);
template Result<EntryBatch, MessageError> parse_message<EntryBatch>(std::string_view);
template Result<IngestResult, MessageError> parse_message<IngestResult>(std::string_view);
template Result<SetupCode, MessageError> parse_message<SetupCode>(std::string_view);
template Result<RegisterRequest, MessageError> parse_message<RegisterRequest>(std::string_view);
template Result<RegisterResponse, MessageError> parse_message<RegisterResponse>(std::string_view);
template Result<ApiError, MessageError> parse_message<ApiError>(std::string_view);

// ---- Writing ----------------------------------------------------------------------------

GATE_JSON_WRITER(CheckinList, id, name, tiers, reentry, accept_unknown_tickets)
GATE_JSON_WRITER(EventInfo, id, name, starts_at, ends_at, status, code_policy)
GATE_JSON_WRITER(ChainAssignment, rpc_url, validator, validator_key_sealed)
GATE_JSON_WRITER(Snapshot, cursor, server_time, assignment, issuer_keys, tickets, inside)
GATE_JSON_WRITER(ChangesPage, cursor, more, server_time, changes)
GATE_JSON_WRITER(IngestNote, nonce, reason)
GATE_JSON_WRITER(IngestResult, stored, duplicates, conflicts, refused, flagged)
GATE_JSON_WRITER(SetupCode, url, token, sync_key)
GATE_JSON_WRITER(RegisterRequest, setup_token, public_key, name, signature)
GATE_JSON_WRITER(RegisterResponse, device_id, device_token, assignment)

void to_json(nlohmann::json& j, const Assignment& v) {
    j = {{"device_id", v.device_id}, {"event_id", v.event_id},
         {"gate", v.gate},           {"checkin_list", v.checkin_list},
         {"event", v.event},         {"server_time", v.server_time}};
    if (v.chain) j["chain"] = *v.chain;
    if (v.sync_signature) j["sig"] = *v.sync_signature;
}

void to_json(nlohmann::json& j, const IssuerKeyRecord& v) {
    j = {{"public_key", v.public_key}, {"event_id", v.event_id}, {"retired", v.retired}};
    if (v.sync_signature) j["sig"] = *v.sync_signature;
}

void to_json(nlohmann::json& j, const TicketRecord& v) {
    j = {{"ticket_id", ticket_id_to_string(v.ticket_id)},
         {"tier", v.tier},
         {"generation", v.generation},
         {"status", v.status}};
    if (v.mint) j["mint"] = *v.mint;
    if (v.binding != 0) j["binding"] = v.binding;
    if (v.sync_signature) j["sig"] = *v.sync_signature;
}

void to_json(nlohmann::json& j, const InsideRecord& v) {
    j = {{"ticket_id", ticket_id_to_string(v.ticket_id)},
         {"direction", v.direction},
         {"at", v.at},
         {"gate", v.gate}};
}

void to_json(nlohmann::json& j, const Change& v) {
    j = {{"seq", v.seq}, {"kind", v.kind()}};
    std::visit(
        [&](const auto& payload) {
            using P = std::decay_t<decltype(payload)>;
            if constexpr (std::is_same_v<P, TicketRecord>) j["ticket"] = payload;
            if constexpr (std::is_same_v<P, InsideRecord>) j["entry"] = payload;
            if constexpr (std::is_same_v<P, IssuerKeyRecord>) j["issuer_key"] = payload;
            if constexpr (std::is_same_v<P, Assignment>) j["assignment"] = payload;
        },
        v.payload);
}

void to_json(nlohmann::json& j, const EntryRecord& v) {
    j = {{"nonce", v.nonce},
         {"ticket_id", v.ticket_id ? nlohmann::json(ticket_id_to_string(*v.ticket_id))
                                   : nlohmann::json(nullptr)},
         {"event_id", v.event_id},
         {"generation", v.generation},
         {"gate", v.gate},
         {"direction", v.direction},
         {"verdict", v.verdict},
         {"reason", v.reason},
         {"scanned_at", v.scanned_at},
         {"clock_offset_ms", v.clock_offset_ms}};
    if (v.proof) j["proof"] = *v.proof;
}

void to_json(nlohmann::json& j, const EntryBatch& v) {
    j = {{"entries", v.entries}};
    if (v.sent_at != 0) j["sent_at"] = v.sent_at;
}

void to_json(nlohmann::json& j, const IngestConflict& v) {
    j = {{"nonce", v.nonce},
         {"ticket_id", ticket_id_to_string(v.ticket_id)},
         {"other_gate", v.other_gate}};
}

void to_json(nlohmann::json& j, const ApiError& v) {
    j = {{"error", {{"code", v.code}, {"message", v.message}}}};
}

// ---- Setup codes ------------------------------------------------------------------------

Result<SetupCode, MessageError> parse_setup_code(std::string_view text) {
    // Scanned or pasted text may carry a trailing newline or spaces.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    if (!text.starts_with(kSetupCodePrefix))
        return fail(MessageError{"", "setup code: does not start with GATESETUP1:"});
    auto raw = codec::base64url_decode(text.substr(kSetupCodePrefix.size()));
    if (!raw) return fail(MessageError{"", "setup code: not base64url after GATESETUP1:"});
    const std::string body(raw->begin(), raw->end());
    auto code = parse_message<SetupCode>(body);
    if (!code) {
        auto error = code.error();
        error.message = "setup code: " + error.message;
        return fail(std::move(error));
    }
    return code;
}

std::string format_setup_code(const SetupCode& code) {
    return std::string(kSetupCodePrefix) +
           codec::base64url_encode(as_bytes(nlohmann::json(code).dump()));
}

std::string register_signing_input(std::string_view setup_token) {
    return std::string(kRegisterSignatureDomain) + std::string(setup_token);
}

std::string batch_signing_input(std::string_view body) {
    return std::string(kBatchSignatureDomain) + std::string(body);
}

}  // namespace gate::domain
