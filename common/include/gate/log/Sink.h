#pragma once
// Sink: where a logger's formatted lines go (stderr, a file, memory in tests). Sinks are
// shared by every logger of a process and write each line whole, so lines from several
// threads never interleave.

#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

namespace gate::log {

class Sink {
  public:
    virtual ~Sink() = default;
    /// Writes one record; `line` has no trailing newline. Safe to call from many threads.
    /// Never throws: a log that cannot be written must not stop the gate.
    virtual void write(std::string_view line) = 0;
};

/// The process's stderr (the default sink).
std::shared_ptr<Sink> stderr_sink();

/// Appends to a file opened with O_APPEND, so several processes may share it too.
class FileSink : public Sink {
  public:
    /// Creates the file with mode 0640 if needed. Throws std::system_error naming the path
    /// when it cannot be opened.
    explicit FileSink(const std::filesystem::path& path);
    ~FileSink() override;
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    void write(std::string_view line) override;

  private:
    int fd_;
    std::mutex mutex_;
};

}  // namespace gate::log
