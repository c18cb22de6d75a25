#pragma once
// Records of the device side of the backend (docs/sync-protocol.md): check-in lists,
// setup codes, devices, the snapshot and change log they sync from, and entry ingest.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/backend/Model.h"

namespace gate::backend {

struct CheckinList {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    std::string name;
    std::vector<int> tiers;          ///< empty: every tier
    std::string reentry = "single";  ///< single | multi | entry_after_exit
    bool accept_unknown_tickets = true;
};

struct SetupCodeRecord {
    std::string token_hash;
    std::int64_t event_id = 0;
    std::string gate;
    std::int64_t checkin_list_id = 0;
    std::int64_t created_by = 0;
    std::int64_t expires_at = 0;
};

struct DeviceRecord {
    std::int64_t id = 0;
    std::string name;
    std::string public_key;
    std::int64_t event_id = 0;
    std::string gate;
    std::int64_t checkin_list_id = 0;
    bool revoked = false;
};

struct SyncTicket {
    std::int64_t ticket_id = 0;
    int tier = 0;
    std::int64_t generation = 0;
    std::string status;
    std::optional<std::string> mint;  ///< base58, once the NFT is issued
};

struct SyncEntry {
    std::int64_t ticket_id = 0;
    std::string direction;
    std::int64_t at = 0;
    std::string gate;
};

struct SyncIssuerKey {
    std::string public_key;
    std::int64_t event_id = 0;
    bool retired = false;
};

struct DeviceSnapshot {
    std::int64_t cursor = 0;
    std::vector<SyncIssuerKey> issuer_keys;
    std::vector<SyncTicket> tickets;
    std::vector<SyncEntry> inside;  ///< each ticket's last direction
};

struct DeviceChange {
    std::int64_t seq = 0;
    std::string kind;  ///< ticket | entry | issuer_key | assignment
    std::optional<SyncTicket> ticket;
    std::optional<SyncEntry> entry;
    std::optional<SyncIssuerKey> issuer_key;
};

struct DeviceChanges {
    std::int64_t cursor = 0;
    bool more = false;
    std::vector<DeviceChange> changes;
};

struct IngestEntry {
    std::string nonce;
    std::optional<std::int64_t> ticket_id;
    std::int64_t event_id = 0;
    std::int64_t generation = 0;
    std::string gate;
    std::string direction;
    std::string verdict;  ///< accepted | rejected
    std::string reason;
    std::int64_t scanned_at = 0;
    std::int64_t clock_offset_ms = 0;
};

struct IngestConflict {
    std::string nonce;
    std::int64_t ticket_id = 0;
    std::string other_gate;
};

struct IngestResult {
    std::vector<std::string> stored;
    std::vector<std::string> duplicates;
    std::vector<IngestConflict> conflicts;
};

}  // namespace gate::backend
