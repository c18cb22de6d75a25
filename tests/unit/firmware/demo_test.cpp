#include "gate/scanner/Demo.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "TempDir.h"
#include "gate/crypto/KeyFile.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Png.h"

using namespace gate;
namespace fs = std::filesystem;

TEST_CASE("the demo admits genuine tickets, refuses the rest, and commits every scan") {
    test::TempDir dir;
    std::ostringstream report;
    REQUIRE(scanner::run_demo({dir / "out"}, report));
    const std::string text = report.str();
    CAPTURE(text);
    CHECK(text.find("01-ticket-42.png              ACCEPT   ok") != std::string::npos);
    CHECK(text.find("02-ticket-42.png  ") == std::string::npos);  // held in view: not a scan
    CHECK(text.find("REJECT   entry.already_inside") != std::string::npos);
    CHECK(text.find("REJECT   ticket.superseded") != std::string::npos);
    CHECK(text.find("REJECT   ticket.revoked") != std::string::npos);
    CHECK(text.find("REJECT   signature.invalid") != std::string::npos);
    CHECK(text.find("REJECT   signature.unknown_key") != std::string::npos);
    CHECK(text.find("REJECT   signature.key_wrong_event") != std::string::npos);
    CHECK(text.find("REJECT   malformed.prefix") != std::string::npos);
    CHECK(text.find("UNEXPECTED") == std::string::npos);
    CHECK(text.find("demo passed") != std::string::npos);

    // The printed ticket is a real QR image holding a ticket code.
    auto image = qr::load_image(dir / "out" / "codes" / "01-ticket-42.png");
    REQUIRE(image.ok());
    auto found = qr::decode(image->view());
    REQUIRE(found.ok());
    CHECK(found->front().text.starts_with("TK1:"));

    // Every scan is in the device database, waiting for gate-syncd.
    auto store = device::DeviceDatabase::open(dir / "out" / "scanner.db");
    REQUIRE(store.ok());
    auto stats = store->scans().stats();
    REQUIRE(stats.ok());
    CHECK(stats->accepted == 3);
    CHECK(stats->rejected == 7);
    CHECK(store->scans().pending_scans(100)->size() == 10);

    // The issuer key is private to its owner.
    CHECK((fs::status(dir / "out" / "issuer-key.json").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("running the demo again keeps the issuer key and starts a fresh database") {
    test::TempDir dir;
    std::ostringstream first, second;
    REQUIRE(scanner::run_demo({dir.path()}, first));
    const auto key = crypto::load_keypair(dir / "issuer-key.json").value().public_key();
    REQUIRE(scanner::run_demo({dir.path()}, second));
    CHECK(crypto::load_keypair(dir / "issuer-key.json")->public_key() == key);
    CHECK(second.str().find(key.to_base58()) != std::string::npos);
    CHECK(second.str().find("demo passed") != std::string::npos);
}
