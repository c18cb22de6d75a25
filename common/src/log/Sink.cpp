#include "gate/log/Sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace gate::log {

namespace {

// One write(2) per line where the kernel allows it; the mutex covers the rare partial
// write, so no other thread's line lands in the middle. A line that cannot be written
// (disk full, closed pipe, no memory) is dropped: losing it beats stopping the gate.
void write_line(int fd, std::mutex& mutex, std::string_view line) noexcept {
    try {
        std::string buffer;
        buffer.reserve(line.size() + 1);
        buffer.append(line);
        buffer += '\n';
        std::lock_guard lock(mutex);
        std::size_t done = 0;
        while (done < buffer.size()) {
            ssize_t n = ::write(fd, buffer.data() + done, buffer.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            done += static_cast<std::size_t>(n);
        }
    } catch (...) {
    }
}

class StderrSink : public Sink {
  public:
    void write(std::string_view line) override { write_line(STDERR_FILENO, mutex_, line); }

  private:
    std::mutex mutex_;
};

}  // namespace

std::shared_ptr<Sink> stderr_sink() {
    // One instance, so every logger writing to stderr shares one lock.
    static const std::shared_ptr<Sink> sink = std::make_shared<StderrSink>();
    return sink;
}

FileSink::FileSink(const std::filesystem::path& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)) {
    if (fd_ < 0) {
        throw std::system_error(errno, std::generic_category(),
                                "cannot open log file " + path.string());
    }
}

FileSink::~FileSink() {
    ::close(fd_);
}

void FileSink::write(std::string_view line) {
    write_line(fd_, mutex_, line);
}

}  // namespace gate::log
