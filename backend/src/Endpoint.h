#pragma once
// Endpoint: one route of the REST API as a named handler over one request preamble. The
// preamble runs before the handler, in this order, and the first step that fails answers:
//   1. authenticate the caller the route admits (anyone, a signed-in user, a gate device);
//   2. authorize: the user's role must be one the route lists;
//   3. rate-limit by the route's rule, keyed by client address, user or device;
//   4. a request body must be JSON (Content-Type: application/json), else 415;
//   5. on routes that take one, an Idempotency-Key: the same key with the same request
//      gets the first answer again, with another body 422 (docs/api.md, "Conventions").
// Handlers then parse their body (JsonBody), authorize per event (Call::event_for) and call
// the store. Handlers are plain functions that tests reach through the Router.

#include <optional>
#include <string>
#include <vector>

#include "gate/backend/Api.h"
#include "gate/backend/ApiError.h"
#include "gate/backend/JsonBody.h"
#include "gate/backend/Router.h"

namespace gate::backend {

enum class Caller {
    Anyone,  ///< no credential needed
    User,    ///< a wallet's bearer token
    Device,  ///< a gate device's bearer token
};

/// What a rate limit counts by.
enum class RateKey { ClientAddress, User, Device };

struct RateLimit {
    std::string name;                      ///< "mint", "validate", "sign-in": the metric label
    RateRule Settings::*rule = nullptr;    ///< the limit in Settings
    RateKey key = RateKey::ClientAddress;  ///< keyed by
};

struct EndpointSpec {
    Method method = Method::Get;
    std::string pattern;
    Caller caller = Caller::Anyone;
    std::vector<Role> roles;  ///< for Caller::User: the roles admitted; empty = every role
    std::optional<RateLimit> rate;
    bool idempotent = false;  ///< honours Idempotency-Key (Caller::User routes)
};

/// One request as its handler sees it, after the preamble.
struct Call {
    Services& s;
    Request& request;
    std::optional<Principal> who;        ///< set for Caller::User
    std::optional<DeviceRecord> device;  ///< set for Caller::Device

    const Principal& user() const { return *who; }
    /// The body as a JSON object (400 malformed_json / not_an_object otherwise).
    ApiResult<JsonBody> body() const { return JsonBody::parse(request.body); }
    /// A positive id from the path; 404 `what` otherwise.
    ApiResult<std::int64_t> id(std::string_view name, std::string_view what) const;
    /// The event, if the user may act on it as its organizer (404 when missing, 403 for
    /// another organizer's).
    ApiResult<Event> organized_event(std::int64_t event_id) const;
    /// A rate limit of the handler's own (e.g. per wallet after the body names it).
    ApiStatus limit(const std::string& key, const RateRule& rule) const;
};

using EndpointFn = ApiResult<Response> (*)(Call& call);

/// Registers `fn` behind the preamble of `spec`.
void add_endpoint(Router& router, Services& s, EndpointSpec spec, EndpointFn fn);

}  // namespace gate::backend
