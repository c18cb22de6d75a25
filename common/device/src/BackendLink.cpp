#include "gate/device/BackendLink.h"

#include <set>

namespace gate::device {

std::string_view to_string(LinkError::Kind kind) noexcept {
    switch (kind) {
        case LinkError::Kind::Offline:
            return "offline";
        case LinkError::Kind::Timeout:
            return "timeout";
        case LinkError::Kind::Unauthorized:
            return "unauthorized";
        case LinkError::Kind::CursorExpired:
            return "cursor_expired";
        case LinkError::Kind::BadAnswer:
            return "bad_answer";
        case LinkError::Kind::ServerError:
            return "server_error";
        case LinkError::Kind::Refused:
            return "refused";
    }
    return "unknown";
}

LinkError database_error(const db::Error& error) {
    return {LinkError::Kind::ServerError, "device database: " + db::to_string(error)};
}

namespace {

using Kind = LinkError::Kind;

Failure<LinkError> link_error(Kind kind, std::string message) {
    return fail(LinkError{kind, std::move(message)});
}

std::string trim_slash(std::string url) {
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

// The backend's {"error": {...}} code, if the body has one.
std::string api_error_code(const http::Response& response) {
    auto error = domain::parse_message<domain::ApiError>(response.body);
    return error ? error->code : std::string();
}

http::ClientOptions with_token(http::ClientOptions options, std::string token) {
    options.bearer_token = std::move(token);
    return options;
}

http::Request get_request(std::string url) {
    http::Request request;
    request.url = std::move(url);
    return request;
}

}  // namespace

BackendLink::BackendLink(std::string base_url, std::string device_token,
                         http::ClientOptions options, const Clock& clock)
    : base_url_(trim_slash(std::move(base_url))),
      client_(with_token(std::move(options), std::move(device_token))),
      clock_(clock) {}

Result<http::Response, LinkError> BackendLink::exchange(const http::Request& request) {
    auto response = client_.send(request);
    if (!response) {
        const auto& e = response.error();
        switch (e.kind) {
            case http::Error::Kind::Timeout:
                return link_error(Kind::Timeout, "backend did not answer in time");
            case http::Error::Kind::Network:
                return link_error(Kind::Offline, "cannot reach the backend (" + e.message + ")");
            case http::Error::Kind::TooLarge:
            case http::Error::Kind::BadResponse:
                return link_error(Kind::BadAnswer, "backend answer unusable: " + e.message);
            default:
                return link_error(Kind::Refused, e.message);
        }
    }
    const int status = response->status;
    if (status >= 200 && status < 300) return std::move(response).value();
    const std::string code = api_error_code(*response);
    if (status == 401 && code == "batch_signature_invalid") {
        return link_error(Kind::Unauthorized,
                          "the backend does not take this device key's signature on entries: "
                          "device.key_file must be the key provisioning registered (or "
                          "provision this device again)");
    }
    if (status == 401 || status == 403) {
        return link_error(Kind::Unauthorized,
                          "device token " + (code.empty() ? std::string("refused") : code) +
                              ": provision this device again (gate-scanner provision)");
    }
    if (status == 410 && code == "cursor_expired") {
        return link_error(Kind::CursorExpired, "cache too old for changes; taking a snapshot");
    }
    if (status >= 500 || status == 429) {
        return link_error(Kind::ServerError, "backend answered HTTP " + std::to_string(status));
    }
    return link_error(Kind::Refused, "backend refused the request: HTTP " + std::to_string(status) +
                                         (code.empty() ? "" : " (" + code + ")"));
}

Result<Timed<domain::Snapshot>, LinkError> BackendLink::snapshot() {
    const auto sent = clock_.now_ms();
    auto response = exchange(get_request(base_url_ + "/api/v1/devices/me/snapshot"));
    if (!response) return fail(response.error());
    const auto received = clock_.now_ms();
    auto snapshot = domain::parse_message<domain::Snapshot>(response->body);
    if (!snapshot) {
        return link_error(Kind::BadAnswer, "snapshot rejected: " + snapshot.error().message);
    }
    return Timed<domain::Snapshot>{std::move(snapshot).value(), sent, received};
}

Result<Timed<domain::ChangesPage>, LinkError> BackendLink::changes(std::int64_t after,
                                                                   std::size_t limit) {
    const auto sent = clock_.now_ms();
    auto response = exchange(
        get_request(base_url_ + "/api/v1/devices/me/changes?after=" + std::to_string(after) +
                    "&limit=" + std::to_string(limit)));
    if (!response) return fail(response.error());
    const auto received = clock_.now_ms();
    auto page = domain::parse_message<domain::ChangesPage>(response->body);
    if (!page) return link_error(Kind::BadAnswer, "changes rejected: " + page.error().message);
    // A page must move forward from where we asked, or applying it means nothing.
    if (page->cursor < after) {
        return link_error(Kind::BadAnswer, "changes rejected: cursor went backwards");
    }
    for (const auto& change : page->changes) {
        if (change.seq <= after || change.seq > page->cursor) {
            return link_error(Kind::BadAnswer, "changes rejected: change " +
                                                   std::to_string(change.seq) +
                                                   " outside the page's range");
        }
    }
    return Timed<domain::ChangesPage>{std::move(page).value(), sent, received};
}

void BackendLink::sign_batches_with(crypto::KeyPair device_key) {
    device_key_ = std::make_shared<const crypto::KeyPair>(std::move(device_key));
}

Result<domain::IngestResult, LinkError> BackendLink::push(const domain::EntryBatch& batch) {
    http::Request request;
    request.method = http::Method::Post;
    request.url = base_url_ + "/api/v1/devices/me/entries";
    domain::EntryBatch stamped = batch;
    stamped.sent_at = clock_.now_ms();
    request.body = nlohmann::json(stamped).dump();
    request.headers.set("Content-Type", "application/json");
    if (device_key_)
        request.headers.set(
            std::string(domain::kBatchSignatureHeader),
            device_key_->sign(as_bytes(domain::batch_signing_input(request.body))).to_base58());
    auto response = exchange(request);
    if (!response) return fail(response.error());
    auto result = domain::parse_message<domain::IngestResult>(response->body);
    if (!result)
        return link_error(Kind::BadAnswer, "entry answer rejected: " + result.error().message);
    // Only nonces we sent may be acknowledged: anything else means the answer is not ours.
    std::set<std::string, std::less<>> sent;
    for (const auto& e : batch.entries)
        sent.insert(e.nonce);
    for (const auto* list : {&result->stored, &result->duplicates}) {
        for (const auto& nonce : *list) {
            if (!sent.contains(nonce)) {
                return link_error(Kind::BadAnswer,
                                  "entry answer rejected: acknowledges a scan not sent");
            }
        }
    }
    for (const auto& note : result->refused)
        if (!sent.contains(note.nonce))
            return link_error(Kind::BadAnswer, "entry answer rejected: refuses a scan not sent");
    return std::move(result).value();
}

}  // namespace gate::device
