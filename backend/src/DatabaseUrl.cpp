#include "gate/backend/DatabaseUrl.h"

#include <algorithm>
#include <cctype>

namespace gate::backend {

namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return std::iscntrl(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

Result<DatabaseUrl, std::string> DatabaseUrl::parse(std::string_view text) {
    if (text.empty()) return fail(std::string("is empty (give a file path or postgresql://...)"));
    if (has_control(text)) return fail(std::string("holds a control character"));
    DatabaseUrl url;
    if (starts_with_ci(text, "postgresql://") || starts_with_ci(text, "postgres://")) {
        const std::string_view rest = text.substr(text.find("://") + 3);
        // postgresql:///db?host=/run/postgresql names a socket directory instead of a host.
        const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
        const bool socket = text.find("host=") != std::string_view::npos;
        if (authority.empty() && !socket)
            return fail(std::string("names no host (postgresql://HOST/DB, or ?host=/socket/dir)"));
        url.engine = Engine::Postgres;
        url.conninfo = std::string(text);
        return url;
    }
    if (starts_with_ci(text, "sqlite:")) text.remove_prefix(7);
    if (text.find("://") != std::string_view::npos)
        return fail("has an unknown scheme '" + std::string(text.substr(0, text.find("://"))) +
                    "' (sqlite:PATH or postgresql://...)");
    if (text.empty()) return fail(std::string("sqlite: needs a file path"));
    url.path = std::string(text);
    return url;
}

std::string DatabaseUrl::redacted() const {
    if (engine == Engine::Sqlite) return "sqlite:" + path.string();
    std::string out = conninfo;
    const auto scheme = out.find("://");
    const auto at = out.find('@', scheme + 3);
    const auto slash = out.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
        const auto colon = out.find(':', scheme + 3);
        if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
    // A password given as a query parameter.
    if (const auto p = out.find("password="); p != std::string::npos) {
        const auto end = out.find('&', p);
        out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
    }
    return out;
}

}  // namespace gate::backend
