#include "gate/crypto/KeyFile.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

namespace gate::crypto {
namespace {

// A Solana key file is at most 64 * "255," plus brackets and whitespace.
constexpr std::size_t kMaxKeyFileSize = 4096;

using Kind = KeyFileError::Kind;

Failure<KeyFileError> error(Kind kind, const std::filesystem::path& path, std::string_view what) {
    return fail(KeyFileError{kind, "key file " + path.string() + ": " + std::string(what)});
}

std::string errno_text() {
    return std::strerror(errno);
}

// Closes a descriptor on scope exit.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// Holds secret text and wipes it on scope exit.
struct Wiped {
    std::string text;
    ~Wiped() { sodium_memzero(text.data(), text.size()); }
};

}  // namespace

Result<KeyPair, KeyFileError> load_keypair(const std::filesystem::path& path) {
    Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
    if (file.fd < 0) {
        if (errno == ENOENT) return error(Kind::NotFound, path, "does not exist");
        if (errno == ELOOP) return error(Kind::InsecureMode, path, "is a symbolic link");
        return error(Kind::Unreadable, path, errno_text());
    }
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) return error(Kind::Unreadable, path, errno_text());
    if (!S_ISREG(st.st_mode)) return error(Kind::Unreadable, path, "is not a regular file");
    if (st.st_uid != ::geteuid()) {
        return error(Kind::InsecureMode, path, "is owned by another user");
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777u);
        return error(Kind::InsecureMode, path,
                     std::string("has mode ") + mode +
                         "; a secret key must be readable only by its owner (chmod 600)");
    }
    if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileSize) {
        return error(Kind::Malformed, path, "is too large to be a key file");
    }

    Wiped content;
    content.text.resize(kMaxKeyFileSize + 1);
    std::size_t used = 0;
    for (;;) {
        const ssize_t n = ::read(file.fd, content.text.data() + used, content.text.size() - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            return error(Kind::Unreadable, path, errno_text());
        }
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
        if (used > kMaxKeyFileSize)
            return error(Kind::Malformed, path, "is too large to be a key file");
    }
    content.text.resize(used);

    const auto json = nlohmann::json::parse(content.text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return error(Kind::Malformed, path, "is not valid JSON");
    if (!json.is_array() || json.size() != KeyPair::kSecretSize) {
        return error(Kind::Malformed, path, "must be a JSON array of 64 byte values");
    }
    std::array<std::uint8_t, KeyPair::kSecretSize> secret{};
    for (std::size_t i = 0; i < secret.size(); ++i) {
        const auto& v = json[i];
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 255) {
            sodium_memzero(secret.data(), secret.size());
            return error(Kind::Malformed, path,
                         "element " + std::to_string(i) + " is not an integer 0..255");
        }
        secret[i] = static_cast<std::uint8_t>(v.get<std::uint64_t>());
    }
    auto key = KeyPair::from_secret(secret);
    sodium_memzero(secret.data(), secret.size());
    if (!key) return error(Kind::Malformed, path, to_string(key.error()));
    return std::move(key).value();
}

Status<KeyFileError> save_keypair(const std::filesystem::path& path, const KeyPair& key,
                                  bool overwrite) {
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
        return error(Kind::AlreadyExists, path, "already exists; refusing to overwrite a key");
    }

    Wiped content;
    content.text = "[";
    for (std::size_t i = 0; i < KeyPair::kSecretSize; ++i) {
        if (i > 0) content.text += ',';
        content.text += std::to_string(key.secret()[i]);
    }
    content.text += "]\n";

    // mkstemp creates the file with mode 0600 in the target's directory, so the
    // secret is never visible with wider permissions and rename stays atomic.
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::string tmp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
    Fd file{::mkstemp(tmp.data())};
    if (file.fd < 0) return error(Kind::WriteFailed, path, errno_text());
    auto abandon = [&](std::string_view why) {
        ::unlink(tmp.c_str());
        return error(Kind::WriteFailed, path, why);
    };
    if (::fchmod(file.fd, 0600) != 0) return abandon(errno_text());
    std::size_t done = 0;
    while (done < content.text.size()) {
        const ssize_t n = ::write(file.fd, content.text.data() + done, content.text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return abandon(errno_text());
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(file.fd) != 0) return abandon(errno_text());

    if (overwrite) {
        if (::rename(tmp.c_str(), path.c_str()) != 0) return abandon(errno_text());
    } else {
        // link() fails if the name appeared meanwhile: never replace a key silently.
        if (::link(tmp.c_str(), path.c_str()) != 0) {
            const bool exists = errno == EEXIST;
            ::unlink(tmp.c_str());
            return exists ? error(Kind::AlreadyExists, path,
                                  "already exists; refusing to overwrite a key")
                          : error(Kind::WriteFailed, path, errno_text());
        }
        ::unlink(tmp.c_str());
    }
    Fd dirfd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dirfd.fd >= 0) ::fsync(dirfd.fd);
    return {};
}

}  // namespace gate::crypto
