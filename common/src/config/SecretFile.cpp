#include "gate/config/SecretFile.h"

#include "config/FileText.h"
#include "gate/config/ConfigError.h"

namespace gate::config {

namespace {

std::string octal_mode(mode_t mode) {
    std::string text(4, '0');
    for (std::size_t i = 4; i-- > 0; mode >>= 3)
        text[i] = static_cast<char>('0' + (mode & 07));
    return text;
}

}  // namespace

std::string read_secret_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    detail::FileText file = detail::read_file_text(name);
    switch (file.problem) {
        case detail::FileProblem::None:
            break;
        case detail::FileProblem::Missing:
            throw ConfigError("secret file " + name + " does not exist");
        case detail::FileProblem::NotRegular:
            throw ConfigError("secret file " + name + " is not a regular file");
        case detail::FileProblem::Unreadable:
            throw ConfigError("cannot read secret file " + name + ": " + file.reason);
    }
    if ((file.mode & 077) != 0) {
        throw ConfigError("secret file " + name + " has mode " + octal_mode(file.mode) +
                          ", so group or others can access it; it must be 0600 or stricter "
                          "(run: chmod 600 " +
                          name + ")");
    }
    return std::move(file.bytes);
}

std::string read_secret_text(const std::filesystem::path& path) {
    std::string text = read_secret_file(path);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                             text.back() == '\t')) {
        text.pop_back();
    }
    if (text.empty()) throw ConfigError("secret file " + path.string() + " is empty");
    return text;
}

}  // namespace gate::config
