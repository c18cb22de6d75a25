#include "gate/crypto/KeyFile.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "TempDir.h"

using namespace gate::crypto;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& p, const std::string& content, fs::perms mode) {
    std::ofstream(p) << content;
    fs::permissions(p, mode);
}

std::string json_secret(const KeyPair& kp) {
    std::string s = "[";
    for (std::size_t i = 0; i < 64; ++i)
        s += (i ? ", " : "") + std::to_string(kp.secret()[i]);
    return s + "]";
}

}  // namespace

TEST_CASE("a saved key file has mode 0600 and loads back the same key") {
    gate::test::TempDir dir;
    const auto path = dir / "device.json";
    const auto kp = KeyPair::generate();
    REQUIRE(save_keypair(path, kp).ok());

    CHECK((fs::status(path).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    auto loaded = load_keypair(path);
    REQUIRE(loaded.ok());
    CHECK(loaded->public_key() == kp.public_key());
    // No temporary files are left beside the key.
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("key files are in the Solana CLI format") {
    gate::test::TempDir dir;
    const auto kp = KeyPair::generate();
    const auto path = dir / "id.json";
    write_file(path, json_secret(kp) + "\n", fs::perms::owner_read | fs::perms::owner_write);
    auto loaded = load_keypair(path);
    REQUIRE(loaded.ok());
    CHECK(loaded->public_key() == kp.public_key());

    REQUIRE(save_keypair(dir / "out.json", kp).ok());
    std::ifstream in(dir / "out.json");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text.front() == '[');
    CHECK(text.find(std::to_string(kp.secret()[0])) == 1);
}

TEST_CASE("saving refuses to overwrite a key unless asked") {
    gate::test::TempDir dir;
    const auto path = dir / "k.json";
    const auto first = KeyPair::generate();
    REQUIRE(save_keypair(path, first).ok());
    auto again = save_keypair(path, KeyPair::generate());
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().kind == KeyFileError::Kind::AlreadyExists);
    CHECK(load_keypair(path)->public_key() == first.public_key());

    const auto second = KeyPair::generate();
    REQUIRE(save_keypair(path, second, /*overwrite=*/true).ok());
    CHECK(load_keypair(path)->public_key() == second.public_key());
}

TEST_CASE("loading refuses key files others can read") {
    gate::test::TempDir dir;
    const auto path = dir / "k.json";
    REQUIRE(save_keypair(path, KeyPair::generate()).ok());
    for (auto mode : {fs::perms::group_read, fs::perms::others_read, fs::perms::others_write}) {
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | mode);
        auto r = load_keypair(path);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == KeyFileError::Kind::InsecureMode);
        CHECK(r.error().message.find("chmod 600") != std::string::npos);
        CHECK(r.error().message.find(path.string()) != std::string::npos);
    }
    fs::permissions(path, fs::perms::owner_read);
    CHECK(load_keypair(path).ok());
}

TEST_CASE("loading refuses symbolic links") {
    gate::test::TempDir dir;
    REQUIRE(save_keypair(dir / "real.json", KeyPair::generate()).ok());
    fs::create_symlink(dir / "real.json", dir / "link.json");
    CHECK(load_keypair(dir / "link.json").error().kind == KeyFileError::Kind::InsecureMode);
}

TEST_CASE("malformed key files are rejected with the reason") {
    gate::test::TempDir dir;
    const auto path = dir / "k.json";
    const auto kp = KeyPair::generate();
    std::string spliced = json_secret(kp);
    spliced.replace(spliced.rfind(", ") + 2, std::string::npos, "0]");
    if (spliced == json_secret(kp))
        spliced.replace(spliced.rfind(", ") + 2, std::string::npos, "1]");

    const std::pair<std::string, std::string> cases[] = {
        {"", "not valid JSON"},         {"{\"secret\": 1}", "array of 64"},
        {"[1, 2, 3]", "array of 64"},   {"[" + std::string(63 * 3, ' ') + "]", "array of 64"},
        {"[1, 2, 3", "not valid JSON"}, {json_secret(kp).replace(1, 0, "-"), "element 0"},
        {spliced, "does not match"},
    };
    for (const auto& [content, reason] : cases) {
        CAPTURE(content);
        write_file(path, content, fs::perms::owner_read | fs::perms::owner_write);
        auto r = load_keypair(path);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == KeyFileError::Kind::Malformed);
        CHECK(r.error().message.find(reason) != std::string::npos);
    }
    std::string big_values = json_secret(kp);
    big_values.replace(1, big_values.find(',') - 1, "256");
    write_file(path, big_values, fs::perms::owner_read | fs::perms::owner_write);
    CHECK(load_keypair(path).error().message.find("element 0") != std::string::npos);

    write_file(path, std::string(5000, ' '), fs::perms::owner_read | fs::perms::owner_write);
    CHECK(load_keypair(path).error().message.find("too large") != std::string::npos);
}

TEST_CASE("a missing key file is reported as not found") {
    gate::test::TempDir dir;
    auto r = load_keypair(dir / "absent.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == KeyFileError::Kind::NotFound);
    CHECK(r.error().message.find("absent.json") != std::string::npos);
}
