#include "config/FileText.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gate::config::detail {

namespace {

class Descriptor {
  public:
    explicit Descriptor(int fd) : fd_(fd) {}
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

  private:
    int fd_;
};

FileText unreadable(int error) {
    FileText result;
    result.problem = FileProblem::Unreadable;
    result.reason = std::strerror(error);
    return result;
}

}  // namespace

FileText read_file_text(const std::string& path) {
    // O_NONBLOCK so a FIFO given by mistake cannot hang start-up before fstat rejects it.
    Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return {FileProblem::Missing, {}, 0, {}};
        return unreadable(errno);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return unreadable(errno);
    if (!S_ISREG(info.st_mode)) return {FileProblem::NotRegular, {}, 0, {}};

    FileText result;
    result.mode = info.st_mode & 07777;
    char buffer[8192];
    while (true) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return unreadable(errno);
        if (n == 0) break;
        result.bytes.append(buffer, static_cast<std::size_t>(n));
    }
    return result;
}

}  // namespace gate::config::detail
