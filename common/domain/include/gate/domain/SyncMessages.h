#pragma once
// The bodies a gate device and the backend exchange (docs/sync-protocol.md), as C++ types
// with one JSON mapping: the backend writes them with to_json, the device reads them with
// from_json (and the other way round for entries), so the two sides cannot drift apart.
//
// Reading is strict and never throws: a missing field, a wrong type, a number out of range,
// a float where an integer belongs or a ticket id that is not a decimal string is a
// MessageError naming the field ("tickets[3].ticket_id"); the reading is gate::json's
// FieldReader, the same one the API bodies and the config use. Unknown fields are ignored, so
// a newer peer may add fields without breaking an older one.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"
#include "gate/domain/Assignment.h"
#include "gate/domain/Entry.h"
#include "gate/domain/Event.h"
#include "gate/domain/Ticket.h"

namespace gate::crypto {
/// Keys and signatures are base58 on the wire.
void to_json(nlohmann::json& j, const PublicKey& key);
void to_json(nlohmann::json& j, const Signature& signature);
}  // namespace gate::crypto

namespace gate::domain {

/// Why a body is not the message it should be. `field` is the path of the offending field
/// ("" for the body itself); `message` says what is wrong, starting with that path.
struct MessageError {
    std::string field;
    std::string message;
};

// ---- Snapshot and deltas ----------------------------------------------------------------

/// GET /api/v1/devices/me/snapshot: the whole cache for the assigned event.
struct Snapshot {
    std::int64_t cursor = 0;  ///< changes up to and including this seq are in it
    std::int64_t server_time = 0;
    Assignment assignment;
    std::vector<IssuerKeyRecord> issuer_keys;
    std::vector<TicketRecord> tickets;
    std::vector<InsideRecord> inside;

    bool operator==(const Snapshot&) const = default;
};

enum class ChangeKind { Ticket, Entry, IssuerKey, Assignment };
GATE_WIRE_ENUM(ChangeKind, {{ChangeKind::Ticket, "ticket"},
                            {ChangeKind::Entry, "entry"},
                            {ChangeKind::IssuerKey, "issuer_key"},
                            {ChangeKind::Assignment, "assignment"}})

/// One delta; the alternative held says its kind ("entry" holds an InsideRecord).
struct Change {
    std::int64_t seq = 0;
    std::variant<TicketRecord, InsideRecord, IssuerKeyRecord, Assignment> payload;

    ChangeKind kind() const noexcept { return static_cast<ChangeKind>(payload.index()); }
    bool operator==(const Change&) const = default;
};

/// GET /api/v1/devices/me/changes?after=<cursor>&limit=<n>
struct ChangesPage {
    std::int64_t cursor = 0;
    bool more = false;
    std::int64_t server_time = 0;
    std::vector<Change> changes;

    bool operator==(const ChangesPage&) const = default;
};

// ---- Entry ingest -----------------------------------------------------------------------

inline constexpr std::size_t kMaxEntriesPerBatch = 500;
inline constexpr std::size_t kMaxChangesPerPage = 5000;

inline constexpr std::size_t kMaxProofChars = 512;
/// The header that carries the device key's signature over a batch, and what is signed:
/// kBatchSignatureDomain followed by the exact body bytes.
inline constexpr std::string_view kBatchSignatureHeader = "Gate-Device-Signature";
inline constexpr std::string_view kBatchSignatureDomain = "gate-entry-batch-v1:";

/// POST /api/v1/devices/me/entries (at most kMaxEntriesPerBatch records).
struct EntryBatch {
    std::vector<EntryRecord> entries;
    /// The device's wall clock when it sent the batch (Unix ms; 0: not sent). With the
    /// server's clock it gives the device's real offset, which each entry's claimed offset
    /// must match.
    std::int64_t sent_at = 0;

    bool operator==(const EntryBatch&) const = default;
};

struct IngestConflict {
    std::string nonce;
    std::uint64_t ticket_id = 0;
    std::string other_gate;

    bool operator==(const IngestConflict&) const = default;
};

/// A record the backend refused (never stored: the device sets it aside) or stored but
/// flagged, with the reason (docs/sync-protocol.md, "Entry ingest").
struct IngestNote {
    std::string nonce;
    std::string reason;

    bool operator==(const IngestNote&) const = default;
};

/// The answer to an entry batch: a record is synced once its nonce is stored or duplicate;
/// a refused one will never be stored.
struct IngestResult {
    std::vector<std::string> stored;
    std::vector<std::string> duplicates;
    std::vector<IngestConflict> conflicts;
    std::vector<IngestNote> refused{};
    std::vector<IngestNote> flagged{};  ///< stored, but its time is not plausible

    bool operator==(const IngestResult&) const = default;
};

// ---- Provisioning -----------------------------------------------------------------------

inline constexpr std::string_view kSetupCodePrefix = "GATESETUP1:";
inline constexpr std::string_view kRegisterSignatureDomain = "gate-device-register:";

/// What a setup code carries: "GATESETUP1:" + base64url of {"url": ..., "token": ...,
/// "sync_key": ...}. `sync_key` is the backend's device-sync public key: the device pins it
/// and accepts only issuer keys, tickets and assignments it signed (SyncSignature.h).
struct SetupCode {
    std::string url;
    std::string token;
    crypto::PublicKey sync_key;

    bool operator==(const SetupCode&) const = default;
};

/// POST /api/v1/devices/register. `signature` is the device key's signature over
/// kRegisterSignatureDomain + setup_token (UTF-8).
struct RegisterRequest {
    std::string setup_token;
    crypto::PublicKey public_key;
    std::string name;
    crypto::Signature signature;

    bool operator==(const RegisterRequest&) const = default;
};

struct RegisterResponse {
    std::int64_t device_id = 0;
    std::string device_token;
    Assignment assignment;

    bool operator==(const RegisterResponse&) const = default;
};

/// {"error": {"code": "...", "message": "..."}}
struct ApiError {
    std::string code;
    std::string message;

    bool operator==(const ApiError&) const = default;
};

// ---- JSON mapping -----------------------------------------------------------------------

// Writing: nlohmann's ADL hook, so `nlohmann::json j = snapshot;` writes the message (and
// vectors of records, enums by their wire names). Records whose members are named as on the
// wire are written by GATE_JSON_WRITER; the others (ticket ids as decimal strings, optional
// members left out) by hand.
void to_json(nlohmann::json& j, const CheckinList& value);
void to_json(nlohmann::json& j, const EventInfo& value);
void to_json(nlohmann::json& j, const ChainAssignment& value);
void to_json(nlohmann::json& j, const Assignment& value);
void to_json(nlohmann::json& j, const TicketRecord& value);
void to_json(nlohmann::json& j, const InsideRecord& value);
void to_json(nlohmann::json& j, const IssuerKeyRecord& value);
void to_json(nlohmann::json& j, const Snapshot& value);
void to_json(nlohmann::json& j, const Change& value);
void to_json(nlohmann::json& j, const ChangesPage& value);
void to_json(nlohmann::json& j, const EntryRecord& value);
void to_json(nlohmann::json& j, const EntryBatch& value);
void to_json(nlohmann::json& j, const IngestConflict& value);
void to_json(nlohmann::json& j, const IngestNote& value);
void to_json(nlohmann::json& j, const IngestResult& value);
void to_json(nlohmann::json& j, const SetupCode& value);
void to_json(nlohmann::json& j, const RegisterRequest& value);
void to_json(nlohmann::json& j, const RegisterResponse& value);
void to_json(nlohmann::json& j, const ApiError& value);  ///< the whole {"error": {...}} body

/// Reads a message of type T from parsed JSON. Defined for every type above that has a
/// to_json; ApiError reads the whole {"error": {...}} body.
template <class T>
Result<T, MessageError> from_json(const nlohmann::json& json);

/// Parses `body` as JSON, then reads it as from_json<T> does; bad JSON is a MessageError
/// with an empty field.
template <class T>
Result<T, MessageError> parse_message(std::string_view body);

// Defined in SyncMessages.cpp for exactly these types.
template <>
Result<CheckinList, MessageError> from_json<CheckinList>(const nlohmann::json& json);
template <>
Result<EventInfo, MessageError> from_json<EventInfo>(const nlohmann::json& json);
template <>
Result<ChainAssignment, MessageError> from_json<ChainAssignment>(const nlohmann::json& json);
template <>
Result<Assignment, MessageError> from_json<Assignment>(const nlohmann::json& json);
template <>
Result<TicketRecord, MessageError> from_json<TicketRecord>(const nlohmann::json& json);
template <>
Result<InsideRecord, MessageError> from_json<InsideRecord>(const nlohmann::json& json);
template <>
Result<IssuerKeyRecord, MessageError> from_json<IssuerKeyRecord>(const nlohmann::json& json);
template <>
Result<Snapshot, MessageError> from_json<Snapshot>(const nlohmann::json& json);
template <>
Result<Change, MessageError> from_json<Change>(const nlohmann::json& json);
template <>
Result<ChangesPage, MessageError> from_json<ChangesPage>(const nlohmann::json& json);
template <>
Result<EntryRecord, MessageError> from_json<EntryRecord>(const nlohmann::json& json);
template <>
Result<EntryBatch, MessageError> from_json<EntryBatch>(const nlohmann::json& json);
template <>
Result<IngestResult, MessageError> from_json<IngestResult>(const nlohmann::json& json);
template <>
Result<SetupCode, MessageError> from_json<SetupCode>(const nlohmann::json& json);
template <>
Result<RegisterRequest, MessageError> from_json<RegisterRequest>(const nlohmann::json& json);
template <>
Result<RegisterResponse, MessageError> from_json<RegisterResponse>(const nlohmann::json& json);
template <>
Result<ApiError, MessageError> from_json<ApiError>(const nlohmann::json& json);
extern template Result<CheckinList, MessageError> parse_message<CheckinList>(std::string_view);
extern template Result<EventInfo, MessageError> parse_message<EventInfo>(std::string_view);
extern template Result<ChainAssignment, MessageError> parse_message<ChainAssignment>(
    std::string_view);
extern template Result<Assignment, MessageError> parse_message<Assignment>(std::string_view);
extern template Result<TicketRecord, MessageError> parse_message<TicketRecord>(std::string_view);
extern template Result<InsideRecord, MessageError> parse_message<InsideRecord>(std::string_view);
extern template Result<IssuerKeyRecord, MessageError> parse_message<IssuerKeyRecord>(
    std::string_view);
extern template Result<Snapshot, MessageError> parse_message<Snapshot>(std::string_view);
extern template Result<Change, MessageError> parse_message<Change>(std::string_view);
extern template Result<ChangesPage, MessageError> parse_message<ChangesPage>(std::string_view);
extern template Result<EntryRecord, MessageError> parse_message<EntryRecord>(std::string_view);
extern template Result<EntryBatch, MessageError> parse_message<EntryBatch>(std::string_view);
extern template Result<IngestResult, MessageError> parse_message<IngestResult>(std::string_view);
extern template Result<SetupCode, MessageError> parse_message<SetupCode>(std::string_view);
extern template Result<RegisterRequest, MessageError> parse_message<RegisterRequest>(
    std::string_view);
extern template Result<RegisterResponse, MessageError> parse_message<RegisterResponse>(
    std::string_view);
extern template Result<ApiError, MessageError> parse_message<ApiError>(std::string_view);

/// Reads "GATESETUP1:<base64url JSON>" and checks that the url is http(s) and the token set.
Result<SetupCode, MessageError> parse_setup_code(std::string_view text);
/// The text form of a setup code (what the backend shows as QR or text).
std::string format_setup_code(const SetupCode& code);

/// The bytes a device signs to register: kRegisterSignatureDomain + setup_token.
std::string register_signing_input(std::string_view setup_token);
/// The bytes a device signs to push a batch: kBatchSignatureDomain + the body as sent.
std::string batch_signing_input(std::string_view body);

}  // namespace gate::domain
