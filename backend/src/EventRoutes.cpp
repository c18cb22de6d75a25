// Events: create (organizer), list and get (public), update and statistics (the owner).
// Cancelling refunds the paid tickets; a refunded event cannot be reopened.
#include <algorithm>

#include "ApiSupport.h"
#include "ConditionalGet.h"
#include "Endpoint.h"
#include "EventListCache.h"
#include "Refunds.h"
#include "gate/http/Url.h"

namespace gate::backend {

namespace {

constexpr std::int64_t kMaxTime = 4102444800000;  // 2100-01-01: codes hold 32-bit seconds

void check_image_url(JsonBody& body, const std::optional<std::string>& url) {
    if (!url || url->empty()) return;
    if (auto problem = http::url_problem(*url); !problem.empty())
        body.add_error("image_url", jsonio::Problem::Invalid,
                       "expected an http:// or https:// URL (" + problem + ")");
}

ApiResult<Event> read_new_event(Services& s, const std::string& text, const Principal& who) {
    auto parsed = JsonBody::parse(text);
    if (!parsed.ok()) return fail(parsed.error());
    JsonBody& body = *parsed;
    const auto now = s.clock.now_ms();
    Event e;
    auto name = body.label("name", Need::Required, 100);
    auto venue = body.label("venue", Need::Required, 100);
    auto description = body.text("description", Need::Optional, 2000, 0);
    auto image_url = body.text("image_url", Need::Optional, 500, 0);
    check_image_url(body, image_url);
    auto starts = body.integer("starts_at", Need::Required, 0, kMaxTime);
    auto ends = body.integer("ends_at", Need::Required, 0, kMaxTime);
    auto capacity = body.integer("capacity", Need::Required, 1, 100000);
    auto code_policy = body.choice<domain::CodePolicy>("code_policy", Need::Optional);
    auto currency = body.text("currency", Need::Optional, 3, 3);
    if (currency && !std::all_of(currency->begin(), currency->end(),
                                 [](char c) { return c >= 'A' && c <= 'Z'; }))
        body.add_error("currency", jsonio::Problem::Invalid,
                       "must be an ISO 4217 code in capitals, like USD or EUR");
    if (starts && *starts <= now)
        body.add_error("starts_at", jsonio::Problem::Invalid, "must be in the future");
    if (starts && ends && *ends <= *starts)
        body.add_error("ends_at", jsonio::Problem::Invalid, "must be after starts_at");
    auto tiers = body.array("tiers", Need::Required, 1, 16);
    if (tiers) {
        for (std::size_t i = 0; i < tiers->size(); ++i) {
            const std::string prefix = "tiers[" + std::to_string(i) + "]";
            if (!(*tiers)[i].is_object()) {
                body.add_error(prefix, jsonio::Problem::WrongType, "must be an object");
                continue;
            }
            JsonBody tier((*tiers)[i], prefix);
            auto tier_name = tier.label("name", Need::Required, 50);
            auto price = tier.integer("price_cents", Need::Required, 0, 100000000);
            auto limit = tier.integer("limit", Need::Optional, 1, 100000);
            if (limit && capacity && *limit > *capacity)
                tier.add_error(prefix + ".limit", jsonio::Problem::OutOfRange,
                               "must not exceed capacity");
            for (const auto& earlier : e.tiers)
                if (tier_name && earlier.name == *tier_name)
                    tier.add_error(prefix + ".name", jsonio::Problem::Invalid,
                                   "is the name of another tier");
            body.absorb(tier);
            if (tier_name && price)
                e.tiers.push_back({static_cast<int>(i), *tier_name, *price,
                                   limit.value_or(capacity.value_or(1)), 0});
        }
    }
    if (capacity && tiers && !e.tiers.empty()) {
        std::int64_t sellable = 0;
        for (const auto& t : e.tiers)
            sellable += t.limit;
        if (sellable < *capacity)
            body.add_error("capacity", jsonio::Problem::OutOfRange,
                           "is more than the tiers can sell (" + std::to_string(sellable) + ")");
    }
    if (auto done = body.finish(); !done.ok()) return fail(done.error());
    e.organizer_id = who.user_id;
    e.organizer_wallet = who.wallet;
    e.name = *name;
    e.venue = *venue;
    e.description = description.value_or("");
    e.image_url = image_url.value_or("");
    e.starts_at = *starts;
    e.ends_at = *ends;
    e.capacity = *capacity;
    e.code_policy = code_policy.value_or(domain::CodePolicy::StaticAllowed);
    e.currency = currency.value_or("USD");
    e.created_at = now;
    e.updated_at = now;
    return e;
}

ApiResult<EventPatch> read_patch(Services& s, const std::string& text) {
    auto parsed = JsonBody::parse(text);
    if (!parsed.ok()) return fail(parsed.error());
    JsonBody& body = *parsed;
    EventPatch p;
    p.name = body.label("name", Need::Optional, 100);
    p.venue = body.label("venue", Need::Optional, 100);
    p.description = body.text("description", Need::Optional, 2000, 0);
    p.image_url = body.text("image_url", Need::Optional, 500, 0);
    check_image_url(body, p.image_url);
    p.starts_at = body.integer("starts_at", Need::Optional, 0, kMaxTime);
    p.ends_at = body.integer("ends_at", Need::Optional, 0, kMaxTime);
    p.capacity = body.integer("capacity", Need::Optional, 1, 100000);
    p.status = body.choice<domain::EventStatus>("status", Need::Optional);
    p.code_policy = body.choice<domain::CodePolicy>("code_policy", Need::Optional);
    if (p.starts_at && *p.starts_at <= s.clock.now_ms())
        body.add_error("starts_at", jsonio::Problem::Invalid, "must be in the future");
    if (body.has("tiers"))
        body.add_error("tiers", jsonio::Problem::Invalid, "tiers cannot change after creation");
    if (auto done = body.finish(); !done.ok()) return fail(done.error());
    return p;
}

ApiResult<EventFilter> read_filter(Services& s, const Request& r) {
    EventFilter f;
    f.now = s.clock.now_ms();
    JsonBody errors(nlohmann::json::object(), "");
    auto integer = [&](std::string_view name, std::int64_t min,
                       std::int64_t max) -> std::optional<std::int64_t> {
        auto text = r.query_value(name);
        if (!text) return std::nullopt;
        auto v = parse_int(*text);
        if (!v || *v < min || *v > max) {
            errors.add_error(std::string(name), jsonio::Problem::OutOfRange,
                             "must be an integer between " + std::to_string(min) + " and " +
                                 std::to_string(max));
            return std::nullopt;
        }
        return v;
    };
    if (auto when = r.query_value("when")) {
        if (*when != "upcoming" && *when != "active" && *when != "current" && *when != "past" &&
            *when != "all")
            errors.add_error("when", jsonio::Problem::Invalid,
                             "must be upcoming, active, current, past or all");
        else
            f.when = std::string(*when);
    }
    if (auto status = r.query_value("status")) f.status = std::string(*status);
    if (auto venue = r.query_value("venue")) f.venue = std::string(*venue);
    if (auto q = r.query_value("q")) f.name_contains = std::string(*q);
    f.starts_after = integer("starts_after", 0, kMaxTime);
    f.starts_before = integer("starts_before", 0, kMaxTime);
    f.limit = integer("limit", 1, 100).value_or(50);
    f.offset = integer("offset", 0, 1000000000).value_or(0);
    if (auto organizer = integer("organizer_id", 1, INT64_MAX)) f.organizer_id = organizer;
    if (auto done = errors.finish(); !done.ok()) return fail(done.error());
    return f;
}

ApiResult<Response> create_event(Call& c) {
    auto event = read_new_event(c.s, c.request.body, c.user());
    if (!event.ok()) return fail(event.error());
    auto created = c.s.store.create_event(*event, c.s.keys.generate(0, event->created_at));
    if (!created.ok()) return fail(created.error());
    c.s.logger.info("event created", {{"event_id", created->id}, {"organizer", c.user().wallet}});
    Response response = json_response(201, event_json(*created));
    response.headers.set("Location", "/api/v1/events/" + std::to_string(created->id));
    return response;
}

// The list a filter gives, from EventListCache while no event changed; clients that
// send If-None-Match with the list's ETag get 304.
ApiResult<Response> list_events(Call& c) {
    auto filter = read_filter(c.s, c.request);
    if (!filter.ok()) return fail(filter.error());
    const std::string key = EventListCache::key(*filter);
    auto version = c.s.event_lists.version(c.s.store);
    if (!version.ok()) return fail(version.error());
    auto cached = c.s.event_lists.find(key, *version, filter->now);
    if (!cached) {
        auto page = c.s.store.list_events(*filter);
        if (!page.ok()) return fail(page.error());
        auto events = nlohmann::json::array();
        for (const auto& e : page->events)
            events.push_back(event_json(e));
        auto body = std::make_shared<const std::string>(nlohmann::json{
            {"events", std::move(events)},
            {"total", page->total},
            {"limit", filter->limit},
            {"offset", filter->offset}}.dump());
        cached = EventListCache::Entry{*version, filter->now, body, etag_of(*body)};
        c.s.event_lists.put(key, *cached);
    }
    return conditional_answer(c.request, cached->etag, *cached->body, "no-cache",
                              "application/json");
}

ApiResult<Response> get_event(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.s.store.get_event(*id);
    if (!event.ok()) return fail(event.error());
    if (!event->has_value()) return fail(not_found("event"));
    return json_response(200, event_json(**event));
}

ApiResult<Response> update_event(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    auto patch = read_patch(c.s, c.request.body);
    if (!patch.ok()) return fail(patch.error());
    auto updated = c.s.store.update_event(event->id, *patch, c.s.clock.now_ms());
    if (!updated.ok()) return fail(updated.error());
    // The store opened the refunds with the cancel; the money goes back now. A refund that
    // could not be settled stays pending; the payment sweeper retries it (PaymentSweep.h).
    if (updated->status == domain::EventStatus::Cancelled)
        if (auto settled = settle_refunds(c.s, updated->id); !settled.ok())
            c.s.logger.warn("refunds not settled",
                            {{"event_id", updated->id}, {"why", settled.error().message}});
    return json_response(200, event_json(*updated));
}

ApiResult<Response> event_stats(Call& c) {
    auto id = c.id("id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    auto stats = c.s.store.event_stats(event->id);
    if (!stats.ok()) return fail(stats.error());
    auto tiers = nlohmann::json::array();
    for (const auto& t : stats->tiers)
        tiers.push_back({{"tier", t.tier}, {"name", t.name}, {"sold", t.sold}, {"limit", t.limit}});
    auto gates = nlohmann::json::array();
    for (const auto& g : stats->gates)
        gates.push_back({{"gate", g.gate}, {"entries", g.entries}});
    return json_response(200, {{"event_id", event->id},
                               {"capacity", stats->capacity},
                               {"sold", stats->sold},
                               {"tiers", std::move(tiers)},
                               {"inside_now", stats->inside_now},
                               {"gates", std::move(gates)},
                               {"conflicts", stats->conflicts},
                               {"rejected_scans", stats->rejected_scans},
                               {"clock_flagged", stats->clock_flagged}});
}

}  // namespace

void add_event_routes(Router& router, Services& s) {
    const std::vector<Role> organizer{Role::Organizer};
    add_endpoint(router, s, {Method::Post, "/api/v1/events", Caller::User, organizer, {}},
                 create_event);
    add_endpoint(router, s, {Method::Get, "/api/v1/events", Caller::Anyone, {}, {}}, list_events);
    add_endpoint(router, s, {Method::Get, "/api/v1/events/{id}", Caller::Anyone, {}, {}},
                 get_event);
    add_endpoint(router, s, {Method::Put, "/api/v1/events/{id}", Caller::User, organizer, {}},
                 update_event);
    add_endpoint(router, s, {Method::Get, "/api/v1/events/{id}/stats", Caller::User, organizer, {}},
                 event_stats);
}

}  // namespace gate::backend
