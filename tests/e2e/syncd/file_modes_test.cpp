// Files no one else may read (issue 11, hole 8), as the real programs create them:
// gate-scanner provision's device database (with its -wal and -shm while in use), device key
// and token, and a running ticket-api's database and master key. All owner-only, under a
// umask that masks nothing, so only the modes the programs ask for count.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include "SyncdHarness.h"

using namespace gate::test;
namespace fs = std::filesystem;

namespace {

class UmaskFor {
  public:
    explicit UmaskFor(mode_t mask) : old_(::umask(mask)) {}
    ~UmaskFor() { ::umask(old_); }
    UmaskFor(const UmaskFor&) = delete;
    UmaskFor& operator=(const UmaskFor&) = delete;

  private:
    mode_t old_;
};

constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

void check_owner_only(const fs::path& file) {
    INFO(file.string());
    REQUIRE(fs::exists(file));
    const auto mode = fs::status(file).permissions() & fs::perms::all;
    CHECK(mode == kOwnerOnly);
}

}  // namespace

TEST_CASE("provisioned device files and ticket-api's database are owner-only") {
    const UmaskFor nothing_masked(0);  // inherited by every process started below
    TempDir dir;
    BackendProcess api{dir};
    api.start();
    Wallet buyer;
    const auto organizer_token = api.sign_in(api.organizer);
    const auto buyer_token = api.sign_in(buyer);
    const auto event_id = api.create_event(organizer_token);
    const auto code = api.code_of(buyer_token, api.buy(buyer_token, event_id));

    Device gate("north-1-a");
    gate.provision(api.setup_code(organizer_token, event_id, "north-1"));
    for (const char* name : {"device.db", "key.json", "device.token"})
        check_owner_only(gate.dir() / name);
    // SQLite removes -wal and -shm when the last connection closes: one held open keeps them
    // while the real scanner writes its scan through them.
    auto held = gate.store();
    const auto verdict = gate.check(code);
    CHECK_MESSAGE(verdict.reason == "ok", verdict.output);
    for (const char* name : {"device.db", "device.db-wal", "device.db-shm"})
        check_owner_only(gate.dir() / name);

    // ticket-api is running and has written (sign-ins, the event, the sale, the device).
    const std::string api_db = api.db_path().string();
    for (const auto& file : {api_db, api_db + "-wal", api_db + "-shm"})
        check_owner_only(file);
    check_owner_only(dir / "master.key");
}
