#include "gate/log/Logger.h"

#include "log/RecordFormat.h"

namespace gate::log {

Logger::Logger(std::string component, std::shared_ptr<Sink> sink, Options options)
    : component_(std::move(component)),
      output_(std::make_shared<const Output>(
          Output{sink ? std::move(sink) : stderr_sink(), options.format,
                 options.clock ? std::move(options.clock)
                               : Clock([] { return std::chrono::system_clock::now(); })})),
      level_(std::make_shared<std::atomic<Level>>(options.level)) {}

Logger::Logger(std::string component, std::shared_ptr<const Output> output,
               std::shared_ptr<std::atomic<Level>> level)
    : component_(std::move(component)), output_(std::move(output)), level_(std::move(level)) {}

Logger Logger::child(std::string component) const {
    return Logger(std::move(component), output_, level_);
}

void Logger::write(Level level, std::string_view message, std::span<const Field> fields) const {
    const detail::Record record{output_->clock(), level, component_, message, fields};
    std::string line;
    try {
        line = output_->format == Format::Json ? detail::format_json(record)
                                               : detail::format_text(record);
    } catch (...) {
        return;  // only allocation can fail here; logging never takes the caller down
    }
    output_->sink->write(line);
}

}  // namespace gate::log
