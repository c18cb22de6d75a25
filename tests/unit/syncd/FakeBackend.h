#pragma once
// A backend that speaks docs/sync-protocol.md's device endpoints over real HTTP
// (TestHttpServer), with switches for the failures gate-syncd must survive. The
// real ticket-api is exercised by the end-to-end tests; this one lets unit tests
// misbehave on purpose.

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "SyncKey.h"
#include "TestHttpServer.h"
#include "gate/domain/SyncMessages.h"

namespace gate::test {

class FakeBackend {
  public:
    enum class Mode { Normal, Revoked, Garbage, ServerError, AckNothing, CursorExpired };

    FakeBackend() : server_([this](const TestHttpServer::Request& r) { return handle(r); }) {
        snapshot_.assignment.event_id = 1001;
        snapshot_.assignment.gate = "north-1";
        snapshot_.assignment.event.id = 1001;
    }

    std::string url() const { return server_.url(""); }
    TestHttpServer& server() { return server_; }

    void set_mode(Mode mode) {
        std::lock_guard lock(mutex_);
        mode_ = mode;
    }
    void set_server_time(std::int64_t t) {
        std::lock_guard lock(mutex_);
        server_time_ = t;
    }
    /// Adds a ticket to the snapshot and as a change after the current cursor.
    void publish_ticket(const domain::TicketRecord& ticket) {
        std::lock_guard lock(mutex_);
        domain::Change change;
        change.seq = ++cursor_;
        change.payload = ticket;
        changes_.push_back(change);
        std::erase_if(snapshot_.tickets,
                      [&](const auto& t) { return t.ticket_id == ticket.ticket_id; });
        snapshot_.tickets.push_back(ticket);
    }
    /// Replaces the assignment in the snapshot and as a change after the current cursor.
    void publish_assignment(const domain::Assignment& assignment) {
        std::lock_guard lock(mutex_);
        domain::Change change;
        change.seq = ++cursor_;
        change.payload = assignment;
        changes_.push_back(change);
        snapshot_.assignment = assignment;
    }
    domain::Assignment assignment() const {
        std::lock_guard lock(mutex_);
        return snapshot_.assignment;
    }
    /// Entry batches holding this nonce are refused with 400, as a malformed record would be.
    void refuse(const std::string& nonce) {
        std::lock_guard lock(mutex_);
        refused_.insert(nonce);
    }
    /// Entries with this nonce are answered in `refused` with `reason`, as ticket-api
    /// answers an admission without a valid proof.
    void refuse_in_answer(const std::string& nonce, const std::string& reason) {
        std::lock_guard lock(mutex_);
        refused_in_answer_[nonce] = reason;
    }
    /// The Gate-Device-Signature header and body of the last entry batch ("" if none).
    std::pair<std::string, std::string> last_batch() const {
        std::lock_guard lock(mutex_);
        return last_batch_;
    }
    /// Each nonce the backend stored, with how many times it was pushed.
    std::map<std::string, int> pushes() const {
        std::lock_guard lock(mutex_);
        return pushes_;
    }
    std::size_t stored() const {
        std::lock_guard lock(mutex_);
        return stored_.size();
    }
    int snapshots_served() const {
        std::lock_guard lock(mutex_);
        return snapshots_;
    }

  private:
    using Request = TestHttpServer::Request;
    using Response = TestHttpServer::Response;

    Response json(const Request& r, unsigned status, const nlohmann::json& body) {
        return TestHttpServer::make_response(r, status, body.dump(), "application/json");
    }
    Response error(const Request& r, unsigned status, const std::string& code) {
        return json(r, status, nlohmann::json(domain::ApiError{code, code}));
    }

    Response handle(const Request& r) {
        std::lock_guard lock(mutex_);
        if (r[boost::beast::http::field::authorization] != "Bearer device-token-1") {
            return error(r, 401, "unauthorized");
        }
        switch (mode_) {
            case Mode::Revoked:
                return error(r, 401, "device_token_revoked");
            case Mode::Garbage:
                return TestHttpServer::make_response(r, 200, "<html>oops", "text/html");
            case Mode::ServerError:
                return error(r, 503, "unavailable");
            default:
                break;
        }
        const std::string target(r.target());
        if (target == "/api/v1/devices/me/snapshot") {
            ++snapshots_;
            auto snap = snapshot_;
            snap.cursor = cursor_;
            snap.server_time = server_time_;
            return json(r, 200, nlohmann::json(signed_copy(snap)));
        }
        if (target.starts_with("/api/v1/devices/me/changes?after=")) {
            if (mode_ == Mode::CursorExpired) return error(r, 410, "cursor_expired");
            const auto after = std::stoll(target.substr(target.find('=') + 1));
            domain::ChangesPage page;
            page.cursor = cursor_;
            page.server_time = server_time_;
            for (const auto& c : changes_) {
                if (c.seq > after) page.changes.push_back(c);
            }
            return json(r, 200, nlohmann::json(signed_copy(page)));
        }
        if (target == "/api/v1/devices/me/entries") {
            auto batch = domain::parse_message<domain::EntryBatch>(r.body());
            if (!batch) return error(r, 400, "bad_request");
            last_batch_ = {std::string(r[std::string(domain::kBatchSignatureHeader)]), r.body()};
            domain::IngestResult result;
            if (mode_ == Mode::AckNothing) return json(r, 200, nlohmann::json(result));
            for (const auto& e : batch->entries) {
                if (refused_.contains(e.nonce)) return error(r, 400, "invalid_entry");
            }
            for (const auto& e : batch->entries) {
                if (auto why = refused_in_answer_.find(e.nonce); why != refused_in_answer_.end()) {
                    result.refused.push_back({e.nonce, why->second});
                    continue;
                }
                ++pushes_[e.nonce];
                (stored_.insert(e.nonce).second ? result.stored : result.duplicates)
                    .push_back(e.nonce);
            }
            return json(r, 200, nlohmann::json(result));
        }
        return error(r, 404, "not_found");
    }

    mutable std::mutex mutex_;
    Mode mode_ = Mode::Normal;
    std::int64_t server_time_ = 1'767'225'600'000;
    std::int64_t cursor_ = 0;
    domain::Snapshot snapshot_;
    std::vector<domain::Change> changes_;
    std::set<std::string> stored_;
    std::set<std::string> refused_;
    std::map<std::string, std::string> refused_in_answer_;
    std::pair<std::string, std::string> last_batch_;
    std::map<std::string, int> pushes_;
    int snapshots_ = 0;
    TestHttpServer server_;  // last: handles requests only once the rest exists
};

}  // namespace gate::test
