#include "PaymentJson.h"

#include <string>

namespace gate::backend {

namespace {

nlohmann::json optional_text(const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json refund_json(const Refund& r) {
    return {{"id", r.id},
            {"ticket_id", r.ticket_id ? nlohmann::json(std::to_string(*r.ticket_id)) : nullptr},
            {"payment", r.payment},
            {"amount_cents", r.amount_cents},
            {"currency", r.currency},
            {"method", r.method},
            {"reason", r.reason},
            {"status", r.status},
            {"provider_reference", optional_text(r.provider_reference)},
            {"attempts", r.attempts},
            {"last_error", optional_text(r.last_error)},
            {"created_at", r.created_at},
            {"completed_at", r.completed_at ? nlohmann::json(*r.completed_at) : nullptr}};
}

nlohmann::json payment_json(const PaymentRecord& p, bool for_buyer,
                            const std::vector<Refund>& refunds,
                            const std::vector<PaymentEvent>* history) {
    auto tickets = nlohmann::json::array();
    for (auto id : p.ticket_ids)
        tickets.push_back(std::to_string(id));
    nlohmann::json out{{"id", p.external_id},
                       {"status", p.status},
                       {"method", p.method},
                       {"amount_cents", p.amount_cents},
                       {"currency", p.currency},
                       {"event_id", p.event_id},
                       {"tier", p.tier},
                       {"quantity", p.quantity},
                       {"buyer", p.buyer_wallet},
                       {"ticket_ids", std::move(tickets)},
                       {"failure_reason", optional_text(p.failure_reason)},
                       {"provider_reference", optional_text(p.provider_reference)},
                       {"created_at", p.created_at},
                       {"updated_at", p.updated_at},
                       {"expires_at", p.status == "pending" ? nlohmann::json(p.expires_at)
                                                            : nlohmann::json(nullptr)}};
    if (for_buyer && p.status == "pending" && p.client_secret && p.method == "card")
        out["stripe"] = {{"payment_intent", optional_text(p.provider_reference)},
                         {"client_secret", *p.client_secret}};
    auto list = nlohmann::json::array();
    std::int64_t refunded = 0;
    for (const auto& r : refunds) {
        list.push_back(refund_json(r));
        if (r.status == "succeeded") refunded += r.amount_cents;
    }
    out["refunds"] = std::move(list);
    out["refunded_cents"] = refunded;
    if (history) {
        auto events = nlohmann::json::array();
        for (const auto& e : *history) {
            nlohmann::json item{
                {"at", e.at}, {"actor", e.actor}, {"status", e.status}, {"note", e.note}};
            if (e.provider_detail) {
                auto parsed = nlohmann::json::parse(*e.provider_detail, nullptr, false);
                item["provider"] =
                    parsed.is_discarded() ? nlohmann::json(*e.provider_detail) : std::move(parsed);
            }
            events.push_back(std::move(item));
        }
        out["history"] = std::move(events);
    }
    return out;
}

}  // namespace gate::backend
