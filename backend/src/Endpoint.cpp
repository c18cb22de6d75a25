#include "Endpoint.h"

#include "ApiSupport.h"

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
    for (auto& c : media)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return media == "application/json";
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
