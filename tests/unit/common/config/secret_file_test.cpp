// Secrets are read only from files nobody but the owner can access.
#include <doctest/doctest.h>

#include <string>

#include "ConfigTestSupport.h"
#include "TempDir.h"
#include "gate/config/SecretFile.h"

using namespace gate::config;
using gate::config::test::config_error;
using gate::config::test::write_file;

TEST_CASE("a secret file with mode 0600 or stricter is read unchanged") {
    gate::test::TempDir dir;
    const std::string bytes("key\0with\nbytes\n", 15);
    SUBCASE("0600") {
        CHECK(read_secret_file(write_file(dir / "k", bytes, 0600)) == bytes);
    }
    SUBCASE("0400") {
        CHECK(read_secret_file(write_file(dir / "k", bytes, 0400)) == bytes);
    }
}

TEST_CASE("a secret file that group or others can access is refused") {
    gate::test::TempDir dir;
    for (mode_t mode : {0644u, 0640u, 0604u, 0620u, 0602u, 0666u}) {
        CAPTURE(mode);
        auto path = write_file(dir / "token", "s3cret", mode);
        auto message = config_error([&] { read_secret_file(path); });
        CHECK(message.find("secret file " + path.string()) == 0);
        CHECK(message.find("must be 0600 or stricter") != std::string::npos);
        CHECK(message.find("chmod 600 " + path.string()) != std::string::npos);
        CHECK(message.find("s3cret") == std::string::npos);
    }
    auto path = write_file(dir / "token", "s3cret", 0644);
    CHECK(config_error([&] { read_secret_file(path); }) ==
          "secret file " + path.string() +
              " has mode 0644, so group or others can access it; it must be 0600 or stricter "
              "(run: chmod 600 " +
              path.string() + ")");
}

TEST_CASE("a missing secret file or a directory is refused by name") {
    gate::test::TempDir dir;
    CHECK(config_error([&] { read_secret_file(dir / "absent"); }) ==
          "secret file " + (dir / "absent").string() + " does not exist");
    CHECK(config_error([&] { read_secret_file(dir.path()); }) ==
          "secret file " + dir.path().string() + " is not a regular file");
}

TEST_CASE("text secrets lose the trailing newline an editor adds, and may not be empty") {
    gate::test::TempDir dir;
    CHECK(read_secret_text(write_file(dir / "token", "abc def\r\n\n")) == "abc def");
    auto empty = write_file(dir / "empty", "\n");
    CHECK(config_error([&] { read_secret_text(empty); }) ==
          "secret file " + empty.string() + " is empty");
}
