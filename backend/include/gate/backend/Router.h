#pragma once
// Router: maps a method and a path pattern ("/api/v1/events/{id}") to a handler, a plain
// function from Request to Response. Knows nothing about sockets; unknown paths are 404,
// known paths with another method 405, and a handler that throws is a logged 500.

#include <functional>
#include <string>
#include <vector>

#include "gate/backend/Http.h"
#include "gate/log/Logger.h"

namespace gate::backend {

using Handler = std::function<Response(Request&)>;

struct Route {
    Method method;
    std::string pattern;
};

class Router {
  public:
    explicit Router(log::Logger logger = log::Logger("router"));

    /// Segments written {name} match one non-empty path segment and land in Request::params.
    void add(Method method, std::string pattern, Handler handler);

    /// Dispatches the request. Never throws.
    Response handle(Request request) const;

    /// Every registered route, in registration order (docs/api.md must list them all).
    std::vector<Route> routes() const;

    /// The pattern that would serve `method` + `path`, or "" (metrics label by route).
    std::string match_pattern(Method method, const std::string& path) const;

  private:
    struct Entry {
        Route route;
        std::vector<std::string> segments;
        Handler handler;
    };
    static bool match(const Entry& entry, const std::vector<std::string>& segments, Params* params);

    std::vector<Entry> entries_;
    log::Logger logger_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace gate::backend
