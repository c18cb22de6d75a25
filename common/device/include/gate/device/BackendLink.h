#pragma once
// BackendLink: the device side of docs/sync-protocol.md over HTTP, with the device token
// (snapshot, changes, entry push), used by gate-scanner's provisioning and by gate-syncd.
// Every answer is checked before it is believed; every failure is a LinkError that says
// whether trying again later can help.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gate/Clock.h"
#include "gate/Result.h"
#include "gate/db/Error.h"
#include "gate/domain/SyncMessages.h"
#include "gate/http/Client.h"

namespace gate::device {

struct LinkError {
    enum class Kind {
        Offline,        ///< no connection, reset, DNS: the network or the backend is down
        Timeout,        ///< no answer in time
        Unauthorized,   ///< the device token was revoked or is unknown: stop syncing
        CursorExpired,  ///< the backend no longer serves changes after our cursor
        BadAnswer,      ///< an answer that is not what the protocol says (kept nothing)
        ServerError,    ///< 5xx or 429: the backend is struggling
        Refused,        ///< another 4xx: the backend refused what we sent
    };
    Kind kind;
    std::string message;  ///< plain words, for the scanner's status line

    bool retryable() const noexcept {
        return kind == Kind::Offline || kind == Kind::Timeout || kind == Kind::ServerError ||
               kind == Kind::BadAnswer;
    }
};

std::string_view to_string(LinkError::Kind kind) noexcept;

/// The device database failing is not a network problem, but it is just as transient
/// (busy, disk full): reported as a ServerError, so the exchange is tried again later.
LinkError database_error(const db::Error& error);

/// The largest answer a device accepts. A whole event's snapshot is about 60 bytes a
/// ticket, 115 with its mint once the NFT is issued, so 100,000 tickets come to ~11 MiB:
/// room for several times that; the reply is still parsed strictly.
inline constexpr std::size_t kMaxAnswerBytes = std::size_t{64} * 1024 * 1024;

/// An answer with the device-clock times around it, for the clock offset.
template <class T>
struct Timed {
    T value;
    std::int64_t sent_at_ms = 0;
    std::int64_t received_at_ms = 0;
};

class BackendLink {
  public:
    /// Borrows `clock` (the device wall clock) for its lifetime.
    BackendLink(std::string base_url, std::string device_token, http::ClientOptions options,
                const Clock& clock = system_clock());

    Result<Timed<domain::Snapshot>, LinkError> snapshot();
    Result<Timed<domain::ChangesPage>, LinkError> changes(std::int64_t after, std::size_t limit);
    /// Signs every pushed batch with the device key (the Gate-Device-Signature header;
    /// docs/sync-protocol.md, "Entry ingest"): the backend refuses unsigned batches.
    void sign_batches_with(crypto::KeyPair device_key);
    /// Pushes a batch, stamped with the device clock (sent_at) and signed; the answer must
    /// only name nonces from the batch.
    Result<domain::IngestResult, LinkError> push(const domain::EntryBatch& batch);

    const std::string& base_url() const noexcept { return base_url_; }

  private:
    Result<http::Response, LinkError> exchange(const http::Request& request);

    std::string base_url_;
    http::Client client_;
    const Clock& clock_;
    std::shared_ptr<const crypto::KeyPair> device_key_;
};

}  // namespace gate::device
