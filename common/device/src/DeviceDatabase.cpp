#include "gate/device/DeviceDatabase.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "gate/db/Migration.h"

namespace gate::device {
namespace {

// Never edit a released migration; add one (docs/sqlite.md).
constexpr std::array<db::Migration, 5> kMigrations = {{
    {1, R"sql(
CREATE TABLE assignment (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    event_id INTEGER NOT NULL,
    gate     TEXT NOT NULL,
    body     TEXT NOT NULL            -- the assignment JSON of docs/sync-protocol.md
);
CREATE TABLE issuer_key (
    public_key TEXT PRIMARY KEY,      -- base58
    event_id   INTEGER NOT NULL,
    retired    INTEGER NOT NULL CHECK (retired IN (0, 1))
);
CREATE TABLE ticket (
    ticket_id  INTEGER PRIMARY KEY,   -- the 64-bit id read as signed
    tier       INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('valid', 'revoked', 'frozen'))
);
CREATE TABLE inside (
    ticket_id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    at        INTEGER NOT NULL,       -- Unix ms, server time as best known
    gate      TEXT NOT NULL
);
CREATE TABLE scan (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    nonce           TEXT NOT NULL UNIQUE,
    device_id       INTEGER NOT NULL,
    ticket_id       INTEGER,          -- NULL when the code did not parse
    event_id        INTEGER NOT NULL,
    generation      INTEGER NOT NULL,
    gate            TEXT NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    verdict         TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    reason          TEXT NOT NULL,
    scanned_at      INTEGER NOT NULL,
    clock_offset_ms INTEGER NOT NULL,
    synced          INTEGER NOT NULL DEFAULT 0 CHECK (synced IN (0, 1))
);
CREATE INDEX scan_pending ON scan (id) WHERE synced = 0;
CREATE TABLE sync_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    device_id       INTEGER NOT NULL DEFAULT 0,
    backend_url     TEXT NOT NULL DEFAULT '',
    cursor          INTEGER NOT NULL DEFAULT 0,
    last_sync_at    INTEGER,          -- last successful exchange, Unix ms
    last_attempt_at INTEGER,          -- last exchange tried, Unix ms
    clock_offset_ms INTEGER NOT NULL DEFAULT 0,
    online          INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
    last_error      TEXT NOT NULL DEFAULT ''
);
INSERT INTO sync_state (id) VALUES (1);
)sql"},
    // Scans the backend refuses one by one (a record it can never accept) leave
    // the queue so they cannot block it, but stay on the device with the reason.
    {2, R"sql(
CREATE TABLE scan_refused (
    nonce      TEXT PRIMARY KEY REFERENCES scan (nonce),
    reason     TEXT NOT NULL,
    refused_at INTEGER NOT NULL       -- Unix ms
);
)sql"},
    // Chain check-ins (gate-syncd's chain recorder): tickets learn their NFT's mint; the
    // first accepted entry of a ticket with a mint queues one check-in; signed transactions
    // are stored before they are sent, so a restart can find out what became of them.
    {3, R"sql(
ALTER TABLE ticket ADD COLUMN mint TEXT;   -- base58; NULL until the NFT is issued
CREATE INDEX scan_accepted_ticket ON scan (ticket_id) WHERE verdict = 'accepted';
CREATE TABLE chain_tx (
    signature               TEXT PRIMARY KEY,   -- base58, the transaction's id
    body                    BLOB NOT NULL,      -- the signed wire transaction
    blockhash               TEXT NOT NULL,      -- base58
    last_valid_block_height INTEGER NOT NULL,
    sent_at                 INTEGER NOT NULL,   -- Unix ms
    state                   TEXT NOT NULL DEFAULT 'in_flight'
                            CHECK (state IN ('in_flight', 'landed', 'dropped', 'failed')),
    settled_at              INTEGER             -- Unix ms
);
CREATE INDEX chain_tx_in_flight ON chain_tx (sent_at) WHERE state = 'in_flight';
CREATE TABLE chain_checkin (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL UNIQUE,          -- one check-in per ticket, ever
    mint      TEXT NOT NULL,                    -- base58
    gate      TEXT NOT NULL,
    at        INTEGER NOT NULL,                 -- the scan's scanned_at, Unix ms
    state     TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'in_flight', 'confirmed', 'failed')),
    signature TEXT REFERENCES chain_tx (signature),  -- in flight or landed in
    position  INTEGER,                          -- its place in that transaction
    error     TEXT NOT NULL DEFAULT ''          -- failed: the chain's reason
);
CREATE INDEX chain_checkin_open ON chain_checkin (state, id) WHERE state IN ('pending', 'in_flight');
CREATE INDEX chain_checkin_tx ON chain_checkin (signature);
CREATE TABLE chain_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_success_at INTEGER,                    -- Unix ms
    last_attempt_at INTEGER,                    -- Unix ms
    last_error      TEXT NOT NULL DEFAULT ''
);
INSERT INTO chain_state (id) VALUES (1);
)sql"},
    // Signed trust anchors (docs/security.md, "Thief of a handheld"): the backend's
    // device-sync signature beside every row the scanner trusts. Rows from before carry
    // none, so the cursor goes back to 0 and gate-syncd fetches a signed snapshot. And the
    // proof each scan carries to the backend.
    {4, R"sql(
ALTER TABLE assignment ADD COLUMN sig BLOB;   -- 64 bytes, Ed25519 by the pinned sync key
ALTER TABLE issuer_key ADD COLUMN sig BLOB;
ALTER TABLE ticket ADD COLUMN sig BLOB;
UPDATE sync_state SET cursor = 0;
-- The scanned code of a genuine scan: the backend's proof that it was presented.
ALTER TABLE scan ADD COLUMN proof TEXT;
)sql"},
    // Rotating codes (docs/ticket-code.md, "Format version 2"): the newest pass binding
    // of each ticket; a rotating code of an older one is superseded.
    {5, R"sql(
ALTER TABLE ticket ADD COLUMN binding INTEGER NOT NULL DEFAULT 0;
)sql"},
}};

db::Error pin_error(const std::filesystem::path& file, std::string what) {
    return db::Error{db::ErrorCode::Io, 0, file.string() + ": " + what, ""};
}

// The pinned key, if the file exists; a broken file is an error, never "no pin".
Result<std::optional<crypto::PublicKey>, db::Error> read_pin(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return std::optional<crypto::PublicKey>{};
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) return fail(pin_error(file, "cannot read the pinned sync key"));
    std::string line = text.str();
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    auto key = crypto::PublicKey::from_base58(line);
    if (!key)
        return fail(db::Error{db::ErrorCode::Corrupt, 0,
                              file.string() +
                                  ": not a base58 public key (the pinned sync key file was "
                                  "altered; provision the device again)",
                              ""});
    return std::optional<crypto::PublicKey>{*key};
}

}  // namespace

std::int64_t to_column(std::uint64_t ticket_id) noexcept {
    return std::bit_cast<std::int64_t>(ticket_id);
}

std::uint64_t from_column(std::int64_t stored) noexcept {
    return std::bit_cast<std::uint64_t>(stored);
}

Result<DeviceDatabase, db::Error> DeviceDatabase::open(const std::filesystem::path& path,
                                                       const db::OpenOptions& options) {
    auto opened = db::Database::open(path, options);
    if (!opened) return fail(opened.error());
    if (!options.read_only) {
        if (auto migrated = db::migrate(*opened, kMigrations); !migrated)
            return fail(migrated.error());
    }
    auto pin = read_pin(sync_key_file(path));
    if (!pin) return fail(pin.error());
    DeviceDatabase out(std::move(opened).value(), path);
    out.sync_key_ = *pin;
    return out;
}

std::filesystem::path DeviceDatabase::sync_key_file(const std::filesystem::path& database) {
    return database.string() + ".sync-key";
}

Status<db::Error> DeviceDatabase::pin_sync_key(const crypto::PublicKey& key) {
    const auto file = sync_key_file(path_);
    const std::filesystem::path temporary = file.string() + ".tmp";
    ::unlink(temporary.c_str());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0) return fail(pin_error(temporary, std::strerror(errno)));
    ::fchmod(fd, 0444);  // whatever the umask: anyone may read a public key, nobody writes it
    const std::string body = key.to_base58() + "\n";
    const bool written = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
    const bool synced = written && ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(temporary.c_str(), file.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temporary.c_str());
        return fail(pin_error(file, "cannot pin the sync key: " + why +
                                        " (the file is read-only by design: provision as the "
                                        "user that owns it)"));
    }
    sync_key_ = key;
    note_local_write();
    return {};
}

Result<DeviceDatabase::Version, db::Error> DeviceDatabase::version() {
    auto data_version = db_.query_one<std::int64_t>("PRAGMA data_version");
    if (!data_version) return fail(data_version.error());
    return Version{*data_version, local_writes_};
}

}  // namespace gate::device
