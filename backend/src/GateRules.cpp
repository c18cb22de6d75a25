#include "GateRules.h"

namespace gate::backend {

ApiResult<domain::Assignment> gate_rules(Services& s, std::int64_t event_id,
                                         std::optional<std::int64_t> checkin_list_id,
                                         std::string gate) {
    auto event = s.store.get_event(event_id);
    if (!event.ok()) return fail(event.error());
    if (!event->has_value()) return fail(not_found("event"));
    auto list = checkin_list_id ? s.store.get_checkin_list(*checkin_list_id)
                                : s.store.default_checkin_list(event_id);
    if (!list.ok()) return fail(list.error());
    if (!list->has_value()) return fail(not_found("check-in list"));
    if ((*list)->event_id != event_id)
        return fail(ApiError{400,
                             "validation_failed",
                             "checkin_list_id is not a list of this event",
                             {{"checkin_list_id", "invalid", "is not a list of this event"}}});
    const Event& e = **event;
    domain::Assignment a;
    a.event_id = static_cast<std::uint32_t>(e.id);
    a.gate = std::move(gate);
    a.checkin_list = (*list)->list;
    a.event = {a.event_id, e.name, e.starts_at, e.ends_at, e.status, e.code_policy};
    a.server_time = s.clock.now_ms();
    return a;
}

ApiResult<ticket::IssuerKeyring> keyring_of(Services& s, std::int64_t event_id) {
    auto keys = s.store.issuer_keys(event_id);
    if (!keys.ok()) return fail(keys.error());
    ticket::IssuerKeyring keyring;
    for (const auto& k : *keys) {
        auto pk = crypto::PublicKey::from_base58(k.public_key);
        if (pk.ok()) keyring.add({*pk, static_cast<std::uint32_t>(k.event_id), k.retired});
    }
    return keyring;
}

}  // namespace gate::backend
