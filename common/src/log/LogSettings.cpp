#include "gate/log/LogSettings.h"

#include <optional>

#include "gate/log/Sink.h"

namespace gate::log {

LogSettings log_settings_from(const config::Config& config) {
    LogSettings settings;
    auto level = config.find_parsed<Level>(
        "log.level", "a log level (trace, debug, info, warn, error or off)",
        [](std::string_view text) -> std::optional<Level> {
            auto parsed = parse_level(text);
            return parsed.ok() ? std::optional(*parsed) : std::nullopt;
        });
    if (level) settings.level = *level;

    auto format =
        config.find_parsed<Format>("log.format", "a log format (json or text)",
                                   [](std::string_view text) -> std::optional<Format> {
                                       auto parsed = parse_format(text);
                                       return parsed.ok() ? std::optional(*parsed) : std::nullopt;
                                   });
    if (format) settings.format = *format;

    settings.file = config.get<std::string>("log.file", "");
    return settings;
}

Logger make_logger(const LogSettings& settings, std::string component) {
    std::shared_ptr<Sink> sink =
        settings.file.empty() ? stderr_sink() : std::make_shared<FileSink>(settings.file);
    return Logger(std::move(component), std::move(sink),
                  Logger::Options{settings.level, settings.format, {}});
}

}  // namespace gate::log
