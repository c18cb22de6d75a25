#pragma once
// Logger: structured records (level, component, message, typed fields) written one line
// each to a shared sink. Copies and children share the sink and the level; a record below
// the level is dropped before any formatting, clock read or allocation.

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "gate/log/Field.h"
#include "gate/log/Format.h"
#include "gate/log/Level.h"
#include "gate/log/Sink.h"

namespace gate::log {

using Clock = std::function<std::chrono::system_clock::time_point()>;

class Logger {
  public:
    struct Options {
        Level level = Level::Info;
        Format format = Format::Json;
        Clock clock;  ///< empty: the system clock
    };

    /// A null sink means stderr.
    Logger(std::string component, std::shared_ptr<Sink> sink, Options options);
    explicit Logger(std::string component, std::shared_ptr<Sink> sink = nullptr)
        : Logger(std::move(component), std::move(sink), Options{}) {}

    /// A logger for another component that shares this one's sink, format, clock and level.
    Logger child(std::string component) const;

    bool enabled(Level level) const noexcept {
        return level != Level::Off && level >= level_->load(std::memory_order_relaxed);
    }
    /// Changes the threshold for this logger and every copy and child of it.
    void set_level(Level level) noexcept { level_->store(level, std::memory_order_relaxed); }
    Level level() const noexcept { return level_->load(std::memory_order_relaxed); }
    const std::string& component() const noexcept { return component_; }

    void log(Level level, std::string_view message, std::span<const Field> fields) const {
        if (enabled(level)) write(level, message, fields);
    }
    void log(Level level, std::string_view message,
             std::initializer_list<Field> fields = {}) const {
        if (enabled(level)) write(level, message, {fields.begin(), fields.size()});
    }
    void trace(std::string_view message, std::initializer_list<Field> fields = {}) const {
        log(Level::Trace, message, fields);
    }
    void debug(std::string_view message, std::initializer_list<Field> fields = {}) const {
        log(Level::Debug, message, fields);
    }
    void info(std::string_view message, std::initializer_list<Field> fields = {}) const {
        log(Level::Info, message, fields);
    }
    void warn(std::string_view message, std::initializer_list<Field> fields = {}) const {
        log(Level::Warn, message, fields);
    }
    void error(std::string_view message, std::initializer_list<Field> fields = {}) const {
        log(Level::Error, message, fields);
    }

  private:
    struct Output {
        std::shared_ptr<Sink> sink;
        Format format;
        Clock clock;
    };

    Logger(std::string component, std::shared_ptr<const Output> output,
           std::shared_ptr<std::atomic<Level>> level);
    void write(Level level, std::string_view message, std::span<const Field> fields) const;

    std::string component_;
    std::shared_ptr<const Output> output_;
    std::shared_ptr<std::atomic<Level>> level_;
};

}  // namespace gate::log
