#include "gate/log/Level.h"

#include <array>

#include "log/Names.h"

namespace gate::log {

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::Trace:
            return "trace";
        case Level::Debug:
            return "debug";
        case Level::Info:
            return "info";
        case Level::Warn:
            return "warn";
        case Level::Error:
            return "error";
        case Level::Off:
            return "off";
    }
    return "unknown";
}

Result<Level, std::string> parse_level(std::string_view name) {
    static constexpr std::array<Level, 6> levels{Level::Trace, Level::Debug, Level::Info,
                                                 Level::Warn,  Level::Error, Level::Off};
    for (Level level : levels) {
        if (detail::same_name(name, to_string(level))) return level;
    }
    if (detail::same_name(name, "warning")) return Level::Warn;
    return fail("unknown log level " + detail::quote(name) +
                " (expected trace, debug, info, warn, error or off)");
}

}  // namespace gate::log
