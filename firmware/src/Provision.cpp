#include "gate/scanner/Provision.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gate/crypto/KeyFile.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/device/LoadSnapshot.h"
#include "gate/scanner/Gate.h"

namespace gate::scanner {
namespace {

namespace fs = std::filesystem;

Failure<ProvisionError> problem(std::string message) {
    return fail(ProvisionError{std::move(message)});
}

// Writes a secret atomically with mode 0600: temporary file, fsync, rename.
Status<ProvisionError> write_secret_text(const fs::path& path, const std::string& text) {
    const fs::path temporary = path.string() + ".tmp";
    ::unlink(temporary.c_str());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return problem("cannot write " + temporary.string() + ": " + std::strerror(errno) +
                       " (check the directory exists and is writable)");
    const std::string body = text + "\n";
    std::size_t written = 0;
    bool ok = true;
    while (ok && written < body.size()) {
        const ssize_t n = ::write(fd, body.data() + written, body.size() - written);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) written += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        return problem("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    return {};
}

std::string trimmed_url(std::string url) {
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

// The backend's error body in words, with what to do for the cases staff can act on.
std::string explain(const http::Response& response) {
    auto error = domain::parse_message<domain::ApiError>(response.body);
    std::string what = "HTTP " + std::to_string(response.status);
    if (error) {
        what += " " + error->code + (error->message.empty() ? "" : ": " + error->message);
        if (error->code == "setup_token_invalid")
            what +=
                " (the setup code was used already or expired: ask the organizer for a new one)";
    }
    return what;
}

}  // namespace

Result<Provisioned, ProvisionError> provision(const ProvisionOptions& options) {
    auto setup = domain::parse_setup_code(options.setup_code);
    if (!setup) return problem(setup.error().message + " (copy the whole setup code again)");
    const std::string base = trimmed_url(setup->url);

    // 1. The device key: reuse one that exists (re-provisioning), else make one.
    Provisioned out;
    std::error_code ec;
    if (!fs::exists(options.key_file, ec)) {
        if (auto saved = crypto::save_keypair(options.key_file, crypto::KeyPair::generate());
            !saved)
            return problem(saved.error().message);
        out.new_key = true;
    }
    auto key = crypto::load_keypair(options.key_file);
    if (!key) return problem(key.error().message);

    // 2. Register the public key with the one-time token.
    const domain::RegisterRequest request{
        setup->token, key->public_key(), options.device_name,
        key->sign(as_bytes(domain::register_signing_input(setup->token)))};
    http::Client client(options.http);
    auto registered = client.post_json(base + "/api/v1/devices/register", nlohmann::json(request));
    if (!registered)
        return problem("cannot reach the backend at " + base + ": " +
                       http::to_string(registered.error()) +
                       " (check the network, then run provision again)");
    if (!registered->success())
        return problem("the backend refused registration: " + explain(*registered));
    auto answer = domain::parse_message<domain::RegisterResponse>(registered->body);
    if (!answer)
        return problem("the backend's registration answer is not valid: " + answer.error().message);
    out.device_id = answer->device_id;
    out.assignment = answer->assignment;

    // 3. Keep the device token where gate-syncd reads it (backend.token_file).
    if (auto saved = write_secret_text(options.token_file, answer->device_token); !saved)
        return fail(saved.error());

    // 4. Store identity and assignment, then the first snapshot, as gate-syncd loads one.
    auto database = device::DeviceDatabase::open(options.database);
    if (!database)
        return problem("cannot open the device database " + options.database.string() + ": " +
                       db::to_string(database.error()));
    // The backend key everything trusted must be signed by, from the setup code the
    // organizer handed over (not from the network answer).
    if (auto s = database->pin_sync_key(setup->sync_key); !s)
        return problem(db::to_string(s.error()));
    if (auto s = database->sync().set_identity(answer->device_id, base); !s)
        return problem(db::to_string(s.error()));
    if (auto s = database->cache().set_assignment(answer->assignment); !s)
        return problem(db::to_string(s.error()));

    http::ClientOptions http = options.http;
    http.max_response_bytes = device::kMaxAnswerBytes;
    device::BackendLink link(base, answer->device_token, http, system_clock());
    auto loaded = device::load_snapshot(link, database->cache());
    if (!loaded)
        return problem("registered as device " + std::to_string(out.device_id) +
                       ", but the snapshot could not be loaded: " + loaded.error().message +
                       (loaded.error().retryable()
                            ? " (gate-syncd will fetch it; or run provision again with a new code)"
                            : ""));
    if (auto s =
            database->sync().record_sync_success(loaded->received_at_ms, loaded->clock_offset_ms);
        !s)
        return problem(db::to_string(s.error()));
    out.clock_offset_ms = loaded->clock_offset_ms;
    out.assignment = loaded->assignment;
    out.tickets = loaded->tickets;
    return out;
}

}  // namespace gate::scanner
