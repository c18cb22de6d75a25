#pragma once
// DeviceDatabase: the gate device's SQLite file, shared by gate-scanner and gate-syncd (two
// processes, one file, WAL). It opens and migrates the file and owns the connection; the
// concerns kept in it are small classes that borrow it (docs/scanner.md, "Device database"):
// TicketCache, ScanQueue, SyncStatusStore and ChainQueue.
// Every write is one short BEGIN IMMEDIATE transaction, so neither process stalls the other.

#include <cstdint>
#include <filesystem>
#include <optional>

#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"
#include "gate/db/Database.h"
#include "gate/device/ChainQueue.h"
#include "gate/device/ScanQueue.h"
#include "gate/device/SyncStatusStore.h"
#include "gate/device/TicketCache.h"

namespace gate::device {

class DeviceDatabase {
  public:
    /// Opens (creating if needed, owner-only) and migrates the database at `path`, and reads
    /// the backend sync key pinned beside it (sync_key_file), if any.
    static Result<DeviceDatabase, db::Error> open(const std::filesystem::path& path,
                                                  const db::OpenOptions& options = {});

    /// The assignment, issuer keys, tickets and inside state the scanner decides on.
    TicketCache cache() noexcept { return TicketCache(*this); }
    /// Every scan this device recorded, until the backend has it.
    ScanQueue scans() noexcept { return ScanQueue(*this); }
    /// Who this device is and how its link to the backend stands.
    SyncStatusStore sync() noexcept { return SyncStatusStore(*this); }
    /// Check-ins waiting to be recorded on chain, and their transactions.
    ChainQueue chain() noexcept { return ChainQueue(*this); }

    /// Changes whenever the cache or sync status may have changed, through this connection
    /// or another process: readers keep parsed copies (assignment, keys) until it moves.
    struct Version {
        std::int64_t data_version = 0;   ///< PRAGMA data_version: other connections' commits
        std::uint64_t local_writes = 0;  ///< cache and status writes through this connection
        bool operator==(const Version&) const = default;
    };
    Result<Version, db::Error> version();

    /// The backend's device-sync public key pinned at provisioning: the cache stores and
    /// trusts only records it signed. Empty until pin_sync_key() (then nothing is trusted).
    const std::optional<crypto::PublicKey>& sync_key() const noexcept { return sync_key_; }
    /// Writes `key` to sync_key_file() (mode 0444, atomically) and uses it from now on.
    /// Provisioning calls it with the key from the setup code.
    Status<db::Error> pin_sync_key(const crypto::PublicKey& key);
    /// Where the pin of the database at `database` lives: "<database>.sync-key".
    static std::filesystem::path sync_key_file(const std::filesystem::path& database);

    /// The underlying connection, for the concern classes, diagnostics and tests.
    db::Database& connection() noexcept { return db_; }

    /// Called by a concern class before it writes what Version must reflect (PRAGMA
    /// data_version does not move for this connection's own commits).
    void note_local_write() noexcept { ++local_writes_; }

  private:
    DeviceDatabase(db::Database db, std::filesystem::path path) noexcept
        : db_(std::move(db)), path_(std::move(path)) {}

    db::Database db_;
    std::filesystem::path path_;
    std::optional<crypto::PublicKey> sync_key_;
    std::uint64_t local_writes_ = 0;
};

/// SQLite integers are signed: ticket ids are stored as the same 64 bits read as signed.
std::int64_t to_column(std::uint64_t ticket_id) noexcept;
std::uint64_t from_column(std::int64_t stored) noexcept;

}  // namespace gate::device
