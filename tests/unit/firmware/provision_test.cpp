// Provisioning against a small fake backend on loopback that speaks docs/sync-protocol.md:
// one-time setup token, signed registration, bearer-token snapshot.
#include "gate/scanner/Provision.h"

#include <doctest/doctest.h>

#include <mutex>
#include <set>

#include "ScannerFixture.h"
#include "SyncKey.h"
#include "TestHttpServer.h"
#include "gate/config/SecretFile.h"
#include "gate/crypto/KeyFile.h"

using namespace gate;
namespace http_ = boost::beast::http;

namespace {

// The backend's side of provisioning, as the protocol document describes it.
class FakeBackend {
  public:
    FakeBackend() : server_([this](const test::TestHttpServer::Request& r) { return handle(r); }) {}

    std::string setup_code(const std::string& token) const {
        return setup_code_pinning(token, test::test_sync_key().public_key());
    }
    /// A setup code that names `sync_key` as the backend's (the answers stay signed by
    /// test_sync_key(): a man in the middle, or a code from another backend).
    std::string setup_code_pinning(const std::string& token,
                                   const crypto::PublicKey& sync_key) const {
        return domain::format_setup_code({server_.url(""), token, sync_key});
    }
    void add_token(const std::string& token) {
        std::lock_guard lock(mutex_);
        tokens_.insert(token);
    }
    std::vector<std::string> registered_keys() const {
        std::lock_guard lock(mutex_);
        return keys_;
    }

  private:
    test::TestHttpServer::Response handle(const test::TestHttpServer::Request& r) {
        auto error = [&](unsigned status, std::string code) {
            return test::TestHttpServer::make_response(
                r, status, nlohmann::json(domain::ApiError{code, code + " (fake backend)"}).dump());
        };
        std::lock_guard lock(mutex_);
        if (r.method() == http_::verb::post && r.target() == "/api/v1/devices/register") {
            auto request = domain::parse_message<domain::RegisterRequest>(r.body());
            if (!request) return error(400, "invalid_body");
            if (tokens_.erase(request->setup_token) == 0) return error(401, "setup_token_invalid");
            if (!crypto::verify(request->public_key,
                                as_bytes(domain::register_signing_input(request->setup_token)),
                                request->signature))
                return error(400, "signature_invalid");
            keys_.push_back(request->public_key.to_base58());
            const domain::RegisterResponse answer{17, "device-token-17",
                                                  test::signed_copy(snapshot().assignment)};
            return test::TestHttpServer::make_response(r, 201, nlohmann::json(answer).dump());
        }
        if (r.method() == http_::verb::get && r.target() == "/api/v1/devices/me/snapshot") {
            if (r[http_::field::authorization] != "Bearer device-token-17")
                return error(401, "unauthorized");
            return test::TestHttpServer::make_response(
                r, 200, nlohmann::json(test::signed_copy(snapshot())).dump());
        }
        return error(404, "not_found");
    }

    static domain::Snapshot snapshot() {
        domain::Snapshot s;
        s.cursor = 9;
        s.server_time = gate::system_clock().now_ms() + 60'000;  // a minute ahead
        s.assignment.device_id = 17;
        s.assignment.event_id = 1001;
        s.assignment.gate = "north-1";
        s.assignment.checkin_list = {1, "North", {0, 1}, domain::Reentry::Single, false};
        s.assignment.event = {1001, "Summer Night", 0, 0};
        s.issuer_keys = {{issuer_key(), 1001, false}};
        s.tickets = {{42, 1, 0, domain::TicketStatus::Valid},
                     {43, 0, 0, domain::TicketStatus::Frozen}};
        return s;
    }
    static crypto::PublicKey issuer_key() {
        static const auto key = crypto::KeyPair::generate().public_key();
        return key;
    }

    mutable std::mutex mutex_;
    std::set<std::string> tokens_;
    std::vector<std::string> keys_;
    test::TestHttpServer server_;  // last: stops before the state it uses is destroyed
};

scanner::ProvisionOptions options_in(const test::TempDir& dir, std::string code) {
    scanner::ProvisionOptions o;
    o.setup_code = std::move(code);
    o.database = dir / "gate-device.db";
    o.key_file = dir / "device-key.json";
    o.token_file = dir / "device.token";
    o.device_name = "north-1-a";
    return o;
}

}  // namespace

TEST_CASE("provisioning makes the key, registers, keeps the token and loads the cache") {
    test::TempDir dir;
    FakeBackend backend;
    backend.add_token("one-time-1");
    auto done = scanner::provision(options_in(dir, backend.setup_code("one-time-1") + "\n"));
    REQUIRE_MESSAGE(done.ok(), done.error().message);
    CHECK(done->device_id == 17);
    CHECK(done->new_key);
    CHECK(done->tickets == 2);
    CHECK(done->clock_offset_ms > 50'000);
    CHECK(done->clock_offset_ms < 70'000);

    const auto owner_only =
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
    CHECK((std::filesystem::status(dir / "device-key.json").permissions() &
           std::filesystem::perms::all) == owner_only);
    CHECK((std::filesystem::status(dir / "device.token").permissions() &
           std::filesystem::perms::all) == owner_only);
    CHECK(config::read_secret_text(dir / "device.token") == "device-token-17");
    const auto key = crypto::load_keypair(dir / "device-key.json").value().public_key();
    CHECK(backend.registered_keys() == std::vector<std::string>{key.to_base58()});

    // The backend key from the setup code is pinned beside the database, read-only.
    const auto pin = device::DeviceDatabase::sync_key_file(dir / "gate-device.db");
    CHECK((std::filesystem::status(pin).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::group_read |
           std::filesystem::perms::others_read));
    auto store = device::DeviceDatabase::open(dir / "gate-device.db").value();
    REQUIRE(store.sync_key().has_value());
    CHECK(*store.sync_key() == test::test_sync_key().public_key());
    CHECK(store.cache().assignment().value()->gate == "north-1");
    CHECK(store.cache().ticket_state(43)->ticket->status == domain::TicketStatus::Frozen);
    const auto status = store.sync().sync_status().value();
    CHECK(status.device_id == 17);
    CHECK(status.cursor == 9);
    CHECK(status.online);
    CHECK(status.clock_offset_ms == done->clock_offset_ms);
}

TEST_CASE("a used setup code is refused with what to do, and the key is reused next time") {
    test::TempDir dir;
    FakeBackend backend;
    backend.add_token("once");
    REQUIRE(scanner::provision(options_in(dir, backend.setup_code("once"))).ok());
    const auto key = crypto::load_keypair(dir / "device-key.json").value().public_key();

    auto again = scanner::provision(options_in(dir, backend.setup_code("once")));
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().message.find("setup_token_invalid") != std::string::npos);
    CHECK(again.error().message.find("ask the organizer for a new one") != std::string::npos);

    backend.add_token("second");
    auto second = scanner::provision(options_in(dir, backend.setup_code("second")));
    REQUIRE(second.ok());
    CHECK_FALSE(second->new_key);
    CHECK(backend.registered_keys().back() == key.to_base58());
}

TEST_CASE("answers not signed by the key in the setup code are refused, and nothing stored") {
    test::TempDir dir;
    FakeBackend backend;
    backend.add_token("mitm");
    const auto other = crypto::KeyPair::generate().public_key();
    auto refused = scanner::provision(options_in(dir, backend.setup_code_pinning("mitm", other)));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("not signed by the pinned sync key") != std::string::npos);
    auto store = device::DeviceDatabase::open(dir / "gate-device.db").value();
    CHECK(store.sync_key() == other);
    CHECK_FALSE(store.cache().assignment().value().has_value());
    CHECK(store.cache().ticket_count().value() == 0);
}

TEST_CASE("a bad setup code or an unreachable backend fails early and clearly") {
    test::TempDir dir;
    auto bad = scanner::provision(options_in(dir, "GATESETUP1:%%%"));
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message.find("copy the whole setup code again") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "gate-device.db"));

    const auto url = "http://127.0.0.1:" + std::to_string(test::TestHttpServer::closed_port());
    auto down = scanner::provision(
        options_in(dir, domain::format_setup_code({url, "t", test::test_sync_key().public_key()})));
    REQUIRE_FALSE(down.ok());
    CHECK(down.error().message.find("cannot reach the backend") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "device.token"));
}
