#pragma once
// DeviceDatabase: the gate device's SQLite file, shared by gate-scanner and gate-syncd (two
// processes, one file, WAL). It opens and migrates the file and owns the connection; the
// concerns kept in it are small classes that borrow it (docs/scanner.md, "Device database"):
// TicketCache, ScanQueue, SyncStatusStore and ChainQueue.
// Every write is one short BEGIN IMMEDIATE transaction, so neither process stalls the other.

#include <cstdint>
#include <filesystem>

#include "gate/Result.h"
#include "gate/db/Database.h"
#include "gate/device/ChainQueue.h"
#include "gate/device/ScanQueue.h"
#include "gate/device/SyncStatusStore.h"
#include "gate/device/TicketCache.h"

namespace gate::device {

class DeviceDatabase {
  public:
    /// Opens (creating if needed, owner-only) and migrates the database at `path`.
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

    /// The underlying connection, for the concern classes, diagnostics and tests.
    db::Database& connection() noexcept { return db_; }

    /// Called by a concern class before it writes what Version must reflect (PRAGMA
    /// data_version does not move for this connection's own commits).
    void note_local_write() noexcept { ++local_writes_; }

  private:
    explicit DeviceDatabase(db::Database db) noexcept : db_(std::move(db)) {}

    db::Database db_;
    std::uint64_t local_writes_ = 0;
};

/// SQLite integers are signed: ticket ids are stored as the same 64 bits read as signed.
std::int64_t to_column(std::uint64_t ticket_id) noexcept;
std::uint64_t from_column(std::int64_t stored) noexcept;

}  // namespace gate::device
