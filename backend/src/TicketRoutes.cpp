// Tickets: buy one or a batch (seats reserved while the payment runs: the test method at
// once, a card through Stripe until its webhook; payments/CardPayments.h), list mine, and each
// ticket's signed code, QR image, pass for a rotating code and NFT metadata.
#include "ApiSupport.h"
#include "Endpoint.h"
#include "Refunds.h"
#include "gate/domain/PublicStatus.h"
#include "gate/qr/Png.h"
#include "gate/qr/Render.h"
#include "gate/ticket/RotatingCode.h"
#include "gate/ticket/TicketCode.h"
#include "payments/CardPayments.h"
#include "payments/StripeAccount.h"

namespace gate::backend {

namespace {

struct PurchaseRequest {
    std::int64_t event_id = 0;
    std::optional<std::int64_t> tier_index;
    std::optional<std::string> tier_name;
    std::int64_t quantity = 1;
    std::string method;
};

ApiResult<PurchaseRequest> read_purchase(const std::string& text, bool batch, bool card) {
    auto parsed = JsonBody::parse(text);
    if (!parsed.ok()) return fail(parsed.error());
    JsonBody& body = *parsed;
    PurchaseRequest p;
    auto event_id = body.integer("event_id", Need::Required, 1, INT64_MAX);
    if (body.has("tier") && body.raw()["tier"].is_string())
        p.tier_name = body.text("tier", Need::Required, 50);
    else
        p.tier_index = body.integer("tier", Need::Required, 0, 255);
    if (batch) {
        auto quantity = body.integer("quantity", Need::Required, 1, 100);
        p.quantity = quantity.value_or(1);
    } else if (body.has("quantity")) {
        body.add_error("quantity", jsonio::Problem::Invalid,
                       "mint buys one ticket; use batch-mint for more");
    }
    auto method = body.text("payment_method", Need::Required, 32);
    if (method && *method != "test" && *method != "test-decline" && !(card && *method == "card"))
        body.add_error("payment_method", jsonio::Problem::Invalid,
                       card ? "supported: card, test, test-decline"
                            : "supported: test, test-decline (card payments are not configured)");
    if (auto done = body.finish(); !done.ok()) return fail(done.error());
    p.event_id = *event_id;
    p.method = *method;
    return p;
}

ApiResult<Response> purchase(Call& c, bool batch) {
    Services& s = c.s;
    const Principal* who = &c.user();
    auto request = read_purchase(c.request.body, batch, s.stripe.configured());
    if (!request.ok()) return fail(request.error());
    int tier = static_cast<int>(request->tier_index.value_or(-1));
    if (request->tier_name) {
        auto event = s.store.get_event(request->event_id);
        if (!event.ok()) return fail(event.error());
        if (!event->has_value()) return fail(not_found("event"));
        for (const auto& t : (*event)->tiers)
            if (t.name == *request->tier_name) tier = t.index;
        if (tier < 0)
            return fail(ApiError{400,
                                 "validation_failed",
                                 "tier does not exist for this event",
                                 {{"tier", "invalid", "does not exist for this event"}},
                                 {}});
    }
    if (request->method == "card")
        return payments::start_card_purchase(s, *who, request->event_id, tier, request->quantity);
    const auto now = s.clock.now_ms();
    auto reservation = s.store.reserve(request->event_id, tier, request->quantity, who->user_id,
                                       now, now + s.settings.reservation_ttl.count());
    if (!reservation.ok()) return fail(reservation.error());
    Payment payment;
    payment.external_id = "test_" + s.random.token(12);
    payment.amount_cents = reservation->unit_price_cents * reservation->quantity;
    payment.method = request->method;
    payment.currency = reservation->currency;
    // The test method settles at once: "test" succeeds, "test-decline" is refused.
    if (request->method == "test-decline") {
        payment.status = "failed";
        if (auto released = s.store.release(*reservation, payment, s.clock.now_ms());
            !released.ok())
            return fail(released.error());
        s.metrics.count("gate_payments_total", "status", "failed");
        s.logger.info("payment declined", {{"event_id", request->event_id},
                                           {"buyer", who->wallet},
                                           {"payment_id", payment.external_id},
                                           {"amount_cents", payment.amount_cents}});
        return fail(ApiError{
            402, "payment_declined", "the payment was declined; nothing was charged", {}, {}});
    }
    payment.status = "completed";
    auto tickets = s.store.complete_purchase(*reservation, payment, who->wallet, s.clock.now_ms());
    if (!tickets.ok()) {
        static_cast<void>(s.store.release(*reservation, std::nullopt, s.clock.now_ms()));
        return fail(tickets.error());
    }
    s.metrics.count("gate_payments_total", "status", "completed");
    s.metrics.count("gate_tickets_sold_total", "event", std::to_string(request->event_id),
                    static_cast<std::int64_t>(tickets->size()));
    s.logger.info("sale", {{"event_id", request->event_id},
                           {"tier", tier},
                           {"quantity", static_cast<std::int64_t>(tickets->size())},
                           {"first_ticket_id", tickets->front().id},
                           {"buyer", who->wallet},
                           {"payment_id", payment.external_id},
                           {"amount_cents", payment.amount_cents}});
    const nlohmann::json payment_json{{"id", payment.external_id},
                                      {"amount_cents", payment.amount_cents},
                                      {"currency", payment.currency},
                                      {"method", payment.method},
                                      {"status", payment.status}};
    if (!batch)
        return json_response(
            201, {{"ticket", ticket_json(tickets->front(), s)}, {"payment", payment_json}});
    auto list = nlohmann::json::array();
    for (const auto& t : *tickets)
        list.push_back(ticket_json(t, s));
    return json_response(201, {{"tickets", std::move(list)}, {"payment", payment_json}});
}

ApiResult<Response> mint(Call& c) {
    return purchase(c, false);
}

ApiResult<Response> batch_mint(Call& c) {
    return purchase(c, true);
}

/// The ticket if the caller owns it (404 otherwise, so ids of others' tickets leak nothing).
ApiResult<Ticket> own_ticket(const Call& c) {
    auto id = c.id("id", "ticket");
    if (!id.ok()) return fail(id.error());
    auto ticket = c.s.store.get_ticket(*id);
    if (!ticket.ok()) return fail(ticket.error());
    if (!ticket->has_value() || (*ticket)->owner_wallet != c.user().wallet)
        return fail(not_found("ticket"));
    return std::move(**ticket);
}

/// What the event's current issuer key vouches for about a ticket, and that key.
struct Signer {
    ticket::TicketClaims claims;
    crypto::KeyPair key;
};

ApiResult<Signer> signer_for(Services& s, const Ticket& t) {
    auto event = s.store.get_event(t.event_id);
    if (!event.ok()) return fail(event.error());
    if (!event->has_value()) return fail(not_found("event"));
    auto keys = s.store.issuer_keys(t.event_id);
    if (!keys.ok()) return fail(keys.error());
    const IssuerKeyRecord* current = nullptr;
    for (const auto& k : *keys)
        if (!k.retired) current = &k;  // the newest key that is still in use
    if (!current)
        return fail(ApiError{409, "no_issuer_key", "the event has no active issuer key", {}, {}});
    auto pair = s.keys.unseal(*current);
    if (!pair.ok()) {
        s.logger.error("issuer key unusable", {{"event_id", t.event_id}, {"why", pair.error()}});
        return fail(internal_error());
    }
    ticket::TicketClaims claims;
    claims.event_id = static_cast<std::uint32_t>(t.event_id);
    claims.ticket_id = static_cast<std::uint64_t>(t.id);
    claims.tier = static_cast<std::uint8_t>(t.tier);
    claims.generation = static_cast<std::uint32_t>(t.generation);
    const std::int64_t from = (*event)->starts_at - s.settings.code_valid_before_start.count();
    claims.valid_from = static_cast<std::uint32_t>(std::max<std::int64_t>(0, from) / 1000);
    claims.valid_until = static_cast<std::uint32_t>((*event)->ends_at / 1000);
    claims.issued_at = static_cast<std::uint32_t>(s.clock.now_ms() / 1000);
    return Signer{claims, std::move(*pair)};
}

struct IssuedCode {
    std::string text;
    ticket::TicketClaims claims;
};

ApiResult<IssuedCode> issue_code(Services& s, const Ticket& t) {
    auto signer = signer_for(s, t);
    if (!signer.ok()) return fail(signer.error());
    return IssuedCode{ticket::issue(signer->claims, signer->key), signer->claims};
}

ApiResult<Response> my_tickets(Call& c) {
    auto tickets = c.s.store.tickets_of(c.user().wallet);
    if (!tickets.ok()) return fail(tickets.error());
    auto list = nlohmann::json::array();
    for (const auto& t : *tickets)
        list.push_back(ticket_json(t, c.s));
    return json_response(200, {{"tickets", std::move(list)}});
}

ApiResult<Response> ticket_code(Call& c) {
    auto t = own_ticket(c);
    if (!t.ok()) return fail(t.error());
    auto code = issue_code(c.s, *t);
    if (!code.ok()) return fail(code.error());
    Response response = json_response(200, {{"ticket_id", std::to_string(t->id)},
                                            {"code", code->text},
                                            {"generation", t->generation},
                                            {"valid_from", code->claims.valid_from},
                                            {"valid_until", code->claims.valid_until}});
    response.headers.set("Cache-Control", "no-store");
    return response;
}

ApiResult<Response> ticket_qr(Call& c) {
    auto t = own_ticket(c);
    if (!t.ok()) return fail(t.error());
    auto code = issue_code(c.s, *t);
    if (!code.ok()) return fail(code.error());
    auto symbol = qr::render(code->text);
    if (!symbol.ok()) return fail(internal_error());
    auto png = qr::encode_png(symbol->image);
    if (!png.ok()) return fail(internal_error());
    Response response;
    response.content_type = "image/png";
    response.body.assign(png->begin(), png->end());
    response.headers.set("Cache-Control", "no-store");
    return response;
}

ApiResult<crypto::PublicKey> read_holder_key(const std::string& text) {
    auto parsed = JsonBody::parse(text);
    if (!parsed.ok()) return fail(parsed.error());
    JsonBody& body = *parsed;
    auto key_text = body.text("holder_key", Need::Required, 64);
    std::optional<crypto::PublicKey> key;
    if (key_text) {
        auto decoded = crypto::PublicKey::from_base58(*key_text);
        if (!decoded.ok())
            body.add_error("holder_key", jsonio::Problem::Invalid,
                           "must be a base58 Ed25519 public key (32 bytes)");
        else if (!crypto::is_usable_public_key(*decoded))
            body.add_error("holder_key", jsonio::Problem::Invalid,
                           "is not a usable Ed25519 public key (small order or off the curve)");
        else
            key = *decoded;
    }
    if (auto done = body.finish(); !done.ok()) return fail(done.error());
    return *key;
}

// The holder's phone asks for a pass bound to a key it made (docs/ticket-code.md, "Format
// version 2"); every new pass supersedes the ticket's older ones at the gates.
ApiResult<Response> ticket_pass(Call& c) {
    auto holder_key = read_holder_key(c.request.body);
    if (!holder_key.ok()) return fail(holder_key.error());
    // The issuer key first: a ticket whose event cannot sign keeps its current binding.
    auto owned = own_ticket(c);
    if (!owned.ok()) return fail(owned.error());
    auto signer = signer_for(c.s, *owned);
    if (!signer.ok()) return fail(signer.error());
    const std::int64_t now = c.s.clock.now_ms();
    auto bound = c.s.store.bind_pass(owned->id, c.user().wallet, now);
    if (!bound.ok()) return fail(bound.error());
    // As the binding left it (a transfer in between would have moved the owner, and then
    // bind_pass refuses).
    signer->claims.tier = static_cast<std::uint8_t>(bound->tier);
    signer->claims.generation = static_cast<std::uint32_t>(bound->generation);
    ticket::PassClaims claims;
    claims.ticket = signer->claims;
    claims.ticket.issued_at = 0;  // not carried in a pass
    claims.holder_key = *holder_key;
    claims.binding = static_cast<std::uint32_t>(bound->binding);
    claims.expires_at = static_cast<std::uint32_t>(std::min<std::int64_t>(
        (now + c.s.settings.pass_ttl.count()) / 1000, std::int64_t{0xFFFFFFFF}));
    const ticket::PassBytes pass = ticket::issue_pass(claims, signer->key);
    c.s.metrics.count("gate_passes_issued_total", "event", std::to_string(bound->event_id));
    c.s.logger.info(
        "pass issued",
        {{"ticket_id", bound->id}, {"binding", bound->binding}, {"holder", c.user().wallet}});
    Response response = json_response(201, {{"ticket_id", std::to_string(bound->id)},
                                            {"pass", ticket::pass_to_text(pass)},
                                            {"binding", bound->binding},
                                            {"holder_key", holder_key->to_base58()},
                                            {"expires_at", claims.expires_at},
                                            {"step_seconds", ticket::kStepSeconds},
                                            {"server_time", now},
                                            {"generation", bound->generation},
                                            {"valid_from", claims.ticket.valid_from},
                                            {"valid_until", claims.ticket.valid_until}});
    response.headers.set("Cache-Control", "no-store");
    return response;
}

// The event's organizer revokes (for good) or freezes (for now) a ticket; devices
// learn it from their next delta.
ApiResult<Response> set_ticket_status(Call& c) {
    auto id = c.id("id", "ticket");
    if (!id.ok()) return fail(id.error());
    auto body = c.body();
    if (!body.ok()) return fail(body.error());
    auto status = body->choice<domain::TicketStatus>("status", Need::Required);
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    auto ticket = c.s.store.get_ticket(*id);
    if (!ticket.ok()) return fail(ticket.error());
    if (!ticket->has_value()) return fail(not_found("ticket"));
    auto event = c.s.store.get_event((*ticket)->event_id);
    if (!event.ok()) return fail(event.error());
    if (!event->has_value() || (*event)->organizer_id != c.user().user_id)
        return fail(forbidden("this ticket belongs to another organizer's event"));
    auto changed = c.s.store.set_ticket_status(*id, *status, c.s.clock.now_ms());
    if (!changed.ok()) return fail(changed.error());
    // Revoking a paid ticket opened its refund in the same transaction; pay it out now (a
    // refund the method does not settle now is retried by the payment sweeper).
    if (*status == domain::TicketStatus::Revoked)
        if (auto settled = settle_refunds(c.s, (*event)->id); !settled.ok())
            c.s.logger.warn("refunds not settled",
                            {{"ticket_id", *id}, {"why", settled.error().message}});
    c.s.logger.info("ticket status changed", {{"ticket_id", *id},
                                              {"event_id", (*event)->id},
                                              {"status", domain::to_string(*status)},
                                              {"by", c.user().wallet}});
    return json_response(200, ticket_json(*changed, c.s));
}

// Public: wallets and marketplaces fetch it. It never holds the signed code.
ApiResult<Response> ticket_metadata(Call& c) {
    auto id = c.id("id", "ticket");
    if (!id.ok()) return fail(id.error());
    auto t = c.s.store.get_ticket(*id);
    if (!t.ok()) return fail(t.error());
    if (!t->has_value()) return fail(not_found("ticket"));
    auto event = c.s.store.get_event((*t)->event_id);
    if (!event.ok()) return fail(event.error());
    if (!event->has_value()) return fail(not_found("event"));
    const Event& e = **event;
    std::string tier_name = std::to_string((*t)->tier);
    for (const auto& tier : e.tiers)
        if (tier.index == (*t)->tier) tier_name = tier.name;
    nlohmann::json attributes = nlohmann::json::array({
        {{"trait_type", "Event"}, {"value", e.name}},
        {{"trait_type", "Venue"}, {"value", e.venue}},
        {{"trait_type", "Tier"}, {"value", tier_name}},
        {{"trait_type", "Starts"}, {"display_type", "date"}, {"value", e.starts_at / 1000}},
        // The same word the NFT's on-chain `status` field carries (ChainSync writes it).
        {{"trait_type", "Status"},
         {"value",
          domain::to_string(domain::public_status((*t)->status, e.status, (*t)->admitted))}},
    });
    return json_response(200, {{"name", e.name + " #" + std::to_string((*t)->id)},
                               {"symbol", "GATE"},
                               {"description", "Ticket for " + e.name + " at " + e.venue},
                               {"image", e.image_url},
                               {"external_url", c.s.settings.public_base_url + "/api/v1/events/" +
                                                    std::to_string(e.id)},
                               {"attributes", std::move(attributes)}});
}

}  // namespace

void add_ticket_routes(Router& router, Services& s) {
    const RateLimit per_user{"mint", &Settings::mint_limit, RateKey::User};
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/tickets/mint", Caller::User, {}, per_user, true}, mint);
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/tickets/batch-mint", Caller::User, {}, per_user, true},
                 batch_mint);
    add_endpoint(router, s, {Method::Get, "/api/v1/tickets/my", Caller::User, {}, {}}, my_tickets);
    add_endpoint(router, s, {Method::Get, "/api/v1/tickets/{id}/code", Caller::User, {}, {}},
                 ticket_code);
    add_endpoint(router, s, {Method::Get, "/api/v1/tickets/{id}/qr.png", Caller::User, {}, {}},
                 ticket_qr);
    const RateLimit passes{"pass", &Settings::pass_limit, RateKey::User};
    add_endpoint(router, s, {Method::Post, "/api/v1/tickets/{id}/pass", Caller::User, {}, passes},
                 ticket_pass);
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/tickets/{id}/status", Caller::User, {Role::Organizer}, {}},
                 set_ticket_status);
    add_endpoint(router, s,
                 {Method::Get, "/api/v1/tickets/{id}/metadata.json", Caller::Anyone, {}, {}},
                 ticket_metadata);
}

}  // namespace gate::backend
