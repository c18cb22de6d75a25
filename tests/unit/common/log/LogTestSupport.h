#pragma once
// A logger wired to memory with a fixed clock, so a test reads back exactly what was written.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "gate/log/Logger.h"
#include "gate/log/MemorySink.h"

namespace gate::log::test {

/// 2024-05-01T12:00:00.123Z
inline std::chrono::system_clock::time_point fixed_time() {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(1714564800123));
}

struct CapturedLogger {
    std::shared_ptr<MemorySink> sink = std::make_shared<MemorySink>();
    Logger logger;

    explicit CapturedLogger(Level level = Level::Trace, Format format = Format::Json,
                            std::string component = "scanner")
        : logger(std::move(component), sink, Logger::Options{level, format, fixed_time}) {}

    nlohmann::json only_record() const {
        auto lines = sink->lines();
        REQUIRE(lines.size() == 1);
        return nlohmann::json::parse(lines.front());
    }
};

}  // namespace gate::log::test
