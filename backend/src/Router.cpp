#include "gate/backend/Router.h"

#include <exception>

#include "gate/backend/ApiError.h"

namespace gate::backend {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string::npos ? path.size() : slash;
        if (end > start) segments.push_back(path.substr(start, end - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return segments;
}

Router::Router(log::Logger logger) : logger_(std::move(logger)) {}

void Router::add(Method method, std::string pattern, Handler handler) {
    Entry entry{{method, pattern}, split_path(pattern), std::move(handler)};
    entries_.push_back(std::move(entry));
}

bool Router::match(const Entry& entry, const std::vector<std::string>& segments, Params* params) {
    if (entry.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& want = entry.segments[i];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
            if (params) (*params)[want.substr(1, want.size() - 2)] = segments[i];
        } else if (want != segments[i]) {
            return false;
        }
    }
    return true;
}

Response Router::handle(Request request) const {
    const auto segments = split_path(request.path);
    const Method wanted = request.method == Method::Head ? Method::Get : request.method;
    std::string allowed;
    for (const auto& entry : entries_) {
        if (!match(entry, segments, nullptr)) continue;
        if (entry.route.method != wanted) {
            if (!allowed.empty()) allowed += ", ";
            allowed += to_string(entry.route.method);
            continue;
        }
        request.params.clear();
        match(entry, segments, &request.params);
        try {
            Response response = entry.handler(request);
            if (request.method == Method::Head) response.body.clear();
            return response;
        } catch (const std::exception& e) {
            logger_.error("handler failed", {{"route", entry.route.pattern}, {"what", e.what()}});
            return error_response(internal_error());
        }
    }
    if (!allowed.empty()) {
        Response response =
            error_response({405,
                            "method_not_allowed",
                            std::string(to_string(request.method)) + " is not allowed here",
                            {},
                            {}});
        response.headers.set("Allow", allowed);
        return response;
    }
    return error_response(not_found("route " + request.path));
}

std::vector<Route> Router::routes() const {
    std::vector<Route> out;
    for (const auto& entry : entries_)
        out.push_back(entry.route);
    return out;
}

std::string Router::match_pattern(Method method, const std::string& path) const {
    const auto segments = split_path(path);
    for (const auto& entry : entries_)
        if (entry.route.method == method && match(entry, segments, nullptr))
            return entry.route.pattern;
    return {};
}

}  // namespace gate::backend
