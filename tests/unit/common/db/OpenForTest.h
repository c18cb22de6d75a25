#pragma once
// open_for_test: opens a database or stops the test with the error's text, so test bodies
// stay about the behaviour they pin.

#include <doctest/doctest.h>

#include <filesystem>

#include "gate/db/Database.h"

namespace gate::db::test {

inline Database open_for_test(const std::filesystem::path& path, const OpenOptions& options = {}) {
    auto db = Database::open(path, options);
    if (!db.ok()) FAIL("open failed: " << to_string(db.error()));
    return std::move(db).value();
}

/// Runs a database call the test needs to succeed; stops the test with the error if not.
#define GATE_DB_OK(...)                                                       \
    do {                                                                      \
        auto gate_db_status_ = (__VA_ARGS__);                                 \
        if (!gate_db_status_.ok())                                            \
            FAIL(#__VA_ARGS__ << ": " << to_string(gate_db_status_.error())); \
    } while (false)

}  // namespace gate::db::test
