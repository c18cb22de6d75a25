#include "Endpoint.h"

#include "ApiSupport.h"
#include "AsciiCase.h"

namespace gate::backend {

namespace {

ApiResult<DeviceRecord> authenticate_device(Services& s, const Request& r) {
    const auto token = r.bearer();
    if (!token) return fail(unauthorized("unauthorized", "a device token is required"));
    auto device = s.store.find_device(hash_hex(*token));
    if (!device.ok()) return fail(device.error());
    if (!device->has_value())
        return fail(unauthorized("unauthorized", "the device token is unknown"));
    if ((*device)->revoked)
        return fail(unauthorized("device_token_revoked", "this device was revoked"));
    return std::move(**device);
}

std::string rate_key(const RateLimit& limit, const Call& call) {
    switch (limit.key) {
        case RateKey::User:
            return limit.name + ":user:" + std::to_string(call.who->user_id);
        case RateKey::Device:
            return limit.name + ":device:" + std::to_string(call.device->id);
        case RateKey::ClientAddress:
            break;
    }
    return limit.name + ":ip:" + call.request.remote;
}

bool is_json(const Request& r) {
    auto type = r.header("Content-Type");
    if (!type) return false;
    const std::string_view value = *type;
    const auto end = value.find(';');
    std::string media(value.substr(0, end));
    while (!media.empty() && media.back() == ' ')
        media.pop_back();
    return ascii_lower(std::move(media)) == "application/json";
}

constexpr std::int64_t kKeepKeysMs = 24 * 3600 * 1000;
constexpr std::int64_t kStaleFirstMs = 5 * 60 * 1000;

bool is_valid_key(std::string_view key) {
    if (key.empty() || key.size() > 255) return false;
    for (const char c : key)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

// The first request with a key runs; its answer (unless a server failure) is kept for
// the ones that repeat it.
ApiResult<Response> idempotent_call(const EndpointSpec& spec, EndpointFn fn, Call& call,
                                    const std::string& key) {
    Services& s = call.s;
    if (!is_valid_key(key))
        return fail(ApiError{400,
                             "validation_failed",
                             "Idempotency-Key must be 1..255 visible ASCII characters",
                             {{"Idempotency-Key", "invalid", "must be 1..255 visible ASCII"}}});
    const std::string route = std::string(to_string(spec.method)) + " " + spec.pattern;
    const std::string hash = hash_hex(call.request.path + "\n" + call.request.body);
    auto start = s.store.start_idempotent(call.who->user_id, route, key, hash, s.clock.now_ms(),
                                          kKeepKeysMs, kStaleFirstMs);
    if (!start.ok()) return fail(start.error());
    switch (start->outcome) {
        case IdempotentStart::Outcome::Replay: {
            Response replay;
            replay.status = start->status;
            replay.body = std::move(start->response);
            replay.headers.set("Idempotent-Replayed", "true");
            return replay;
        }
        case IdempotentStart::Outcome::OtherBody:
            return fail(ApiError{422, "idempotency_key_reused",
                                 "this Idempotency-Key was used with another request"});
        case IdempotentStart::Outcome::Running:
            return fail(ApiError{409,
                                 "idempotency_in_progress",
                                 "a request with this Idempotency-Key is still running",
                                 {},
                                 1});
        case IdempotentStart::Outcome::First:
            break;
    }
    auto result = fn(call);
    Response response = result.ok() ? std::move(result).value() : error_response(result.error());
    const int keep = response.status >= 500 ? 0 : response.status;  // a failure may be retried
    if (auto stored = s.store.finish_idempotent(call.who->user_id, route, key, keep, response.body);
        !stored.ok())
        s.logger.warn("idempotency answer not stored", {{"route", route}});
    return response;
}

ApiResult<Response> preamble_then(const EndpointSpec& spec, EndpointFn fn, Services& s,
                                  Request& r) {
    Call call{s, r, std::nullopt, std::nullopt};
    if (spec.caller == Caller::User) {
        auto who = spec.roles.empty() ? authenticate(s, r) : require_role(s, r, spec.roles);
        if (!who.ok()) return fail(who.error());
        call.who = std::move(*who);
    } else if (spec.caller == Caller::Device) {
        auto device = authenticate_device(s, r);
        if (!device.ok()) return fail(device.error());
        call.device = std::move(*device);
    }
    if (spec.rate) {
        if (auto limited = check_rate(s, rate_key(*spec.rate, call), s.settings.*(spec.rate->rule));
            !limited.ok())
            return fail(limited.error());
    }
    if (!r.body.empty() && !is_json(r))
        return fail(ApiError{415, "unsupported_media_type",
                             "the body must be JSON, sent as Content-Type: application/json"});
    if (spec.idempotent && call.who)
        if (auto key = r.header("Idempotency-Key")) return idempotent_call(spec, fn, call, *key);
    return fn(call);
}

}  // namespace

ApiResult<std::int64_t> Call::id(std::string_view name, std::string_view what) const {
    return path_id(request, name, what);
}

ApiResult<Event> Call::organized_event(std::int64_t event_id) const {
    auto event = s.store.get_event(event_id);
    if (!event.ok()) return fail(event.error());
    if (!event->has_value()) return fail(not_found("event"));
    if (!who || (*event)->organizer_id != who->user_id)
        return fail(forbidden("this event belongs to another organizer"));
    return std::move(**event);
}

ApiStatus Call::limit(const std::string& key, const RateRule& rule) const {
    return check_rate(s, key, rule);
}

void add_endpoint(Router& router, Services& s, EndpointSpec spec, EndpointFn fn) {
    const Method method = spec.method;
    std::string pattern = spec.pattern;
    router.add(method, std::move(pattern),
               [&s, spec = std::move(spec), fn](Request& r) -> Response {
                   ApiResult<Response> result = preamble_then(spec, fn, s, r);
                   if (!result.ok()) return error_response(result.error());
                   return std::move(result).value();
               });
}

}  // namespace gate::backend
