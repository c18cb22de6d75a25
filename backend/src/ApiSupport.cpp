#include "ApiSupport.h"

#include "gate/codec/Hex.h"
#include "gate/crypto/Hash.h"

namespace gate::backend {

std::string hash_hex(std::string_view secret) {
    const auto digest = crypto::sha256(as_bytes(secret));
    return codec::hex_encode(digest);
}

std::optional<std::int64_t> parse_int(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
    return value;
}

ApiResult<Principal> authenticate(Services& s, const Request& request) {
    const auto token = request.bearer();
    if (!token) return fail(unauthorized("unauthorized", "a bearer token is required"));
    auto session = s.store.find_session(hash_hex(*token), s.clock.now_ms());
    if (!session.ok()) return fail(session.error());
    if (!session->has_value())
        return fail(unauthorized("unauthorized", "the bearer token is unknown or has expired"));
    return std::move(**session);
}

ApiResult<Principal> require_role(Services& s, const Request& request,
                                  const std::vector<Role>& roles) {
    auto principal = authenticate(s, request);
    if (!principal.ok()) return principal;
    for (Role r : roles)
        if (principal->role == r) return principal;
    return fail(forbidden("this needs the role " + std::string(to_string(*roles.begin()))));
}

ApiResult<std::int64_t> path_id(const Request& request, std::string_view name,
                                std::string_view what) {
    const auto id = parse_int(request.param(name));
    if (!id || *id <= 0) return fail(not_found(std::string(what)));
    return *id;
}

ApiStatus check_rate(Services& s, const std::string& key, const RateRule& rule) {
    if (auto wait = s.limiter.take(key, rule)) {
        s.metrics.count("gate_rate_limited_total", "limit", key.substr(0, key.find(':')));
        return fail(ApiError{429, "rate_limited", "too many requests; retry later", {}, *wait});
    }
    return {};
}

nlohmann::json event_json(const Event& e) {
    auto tiers = nlohmann::json::array();
    for (const auto& t : e.tiers)
        tiers.push_back({{"tier", t.index},
                         {"name", t.name},
                         {"price_cents", t.price_cents},
                         {"limit", t.limit},
                         {"available", t.limit - t.sold}});
    return {{"id", e.id},
            {"name", e.name},
            {"venue", e.venue},
            {"description", e.description},
            {"image_url", e.image_url},
            {"starts_at", e.starts_at},
            {"ends_at", e.ends_at},
            {"capacity", e.capacity},
            {"available", e.capacity - e.sold},
            {"status", domain::to_string(e.status)},
            {"code_policy", domain::to_string(e.code_policy)},
            {"currency", e.currency},
            {"organizer", e.organizer_wallet},
            {"tiers", std::move(tiers)},
            {"created_at", e.created_at},
            {"updated_at", e.updated_at}};
}

nlohmann::json ticket_json(const Ticket& t, const Services& s) {
    const std::string id = std::to_string(t.id);
    const std::string base = s.settings.public_base_url + "/api/v1/tickets/" + id;
    nlohmann::json out{{"ticket_id", id},
                       {"event_id", t.event_id},
                       {"tier", t.tier},
                       {"owner", t.owner_wallet},
                       {"generation", t.generation},
                       {"status", domain::to_string(t.status)},
                       {"price_cents", t.price_cents},
                       {"transfer_pending", t.transfer_pending},
                       {"used", t.used},
                       {"inside", t.inside},
                       {"binding", t.binding},
                       {"created_at", t.created_at},
                       {"code_url", base + "/code"},
                       {"pass_url", base + "/pass"},
                       {"qr_url", base + "/qr.png"},
                       {"metadata_url", base + "/metadata.json"},
                       {"refund", nullptr}};
    if (t.refund)
        out["refund"] = {
            {"status", t.refund->status},
            {"amount_cents", t.refund->amount_cents},
            {"currency", t.refund->currency},
            {"completed_at", t.refund->completed_at ? nlohmann::json(*t.refund->completed_at)
                                                    : nlohmann::json(nullptr)}};
    if (!s.settings.chain_rpc_url.empty()) {
        const auto optional = [](const std::optional<std::string>& v) -> nlohmann::json {
            return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
        };
        out["chain"] = {
            {"mint", optional(t.chain.mint)},     {"state", t.chain.state},
            {"holder", optional(t.chain.holder)}, {"in_sync", !t.chain.dirty},
            {"attempts", t.chain.attempts},       {"last_error", optional(t.chain.last_error)}};
    }
    return out;
}

}  // namespace gate::backend
