// Transfers: directly to a wallet, or to an email address with a secret claim code that
// is mailed (never returned to the sender), stored hashed, and expires.
#include <algorithm>
#include <cctype>

#include "ApiSupport.h"
#include "Endpoint.h"
#include "gate/crypto/Ed25519.h"
#include "gate/solana/Curve.h"

namespace gate::backend {

namespace {

// A wallet that can hold a ticket and sign for it: an Ed25519 point (program-derived
// addresses are off the curve and have no key), and not the all-zero system address.
bool is_holder_address(const crypto::PublicKey& key) {
    const bool all_zero =
        std::all_of(key.bytes.begin(), key.bytes.end(), [](std::uint8_t b) { return b == 0; });
    return !all_zero && solana::is_on_curve(key.bytes);
}

std::string normalized_email(std::string email) {
    std::transform(email.begin(), email.end(), email.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return email;
}

ApiResult<Response> transfer(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    const auto& who = c.who;
    auto id = path_id(r, "id", "ticket");
    if (!id.ok()) return fail(id.error());
    auto body = JsonBody::parse(r.body);
    if (!body.ok()) return fail(body.error());
    auto to_wallet = body->text("to_wallet", Need::Optional, 44, 32);
    auto to_email = body->text("to_email", Need::Optional, 254, 3);
    if (to_wallet) {
        auto key = crypto::PublicKey::from_base58(*to_wallet);
        if (!key.ok())
            body->add_error("to_wallet", jsonio::Problem::Invalid,
                            "is not a base58 Ed25519 public key");
        else if (!is_holder_address(*key))
            body->add_error("to_wallet", jsonio::Problem::Invalid,
                            "is not a wallet (the all-zero system address or a program-derived "
                            "address cannot hold or sign for a ticket)");
    }
    if (to_wallet && *to_wallet == who->wallet)
        body->add_error("to_wallet", jsonio::Problem::Invalid, "is the ticket's current owner");
    if (to_email && !is_plausible_email(*to_email))
        body->add_error("to_email", jsonio::Problem::Invalid, "is not an email address");
    if (body->has("to_wallet") == body->has("to_email"))
        body->add_error("to_wallet", jsonio::Problem::Invalid,
                        "give exactly one of to_wallet and to_email");
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    const auto now = s.clock.now_ms();

    if (to_wallet) {
        auto moved = s.store.transfer_direct(*id, who->wallet, *to_wallet, now);
        if (!moved.ok()) return fail(moved.error());
        s.metrics.count("gate_transfers_total", "kind", "direct");
        return json_response(200, {{"status", "completed"}, {"ticket", ticket_json(*moved, s)}});
    }

    if (!s.mailer.configured())
        return fail(
            ApiError{503, "mail_unavailable", "email transfers need mail.smtp_url", {}, {}});
    const std::string email = normalized_email(*to_email);
    const std::string claim_code = s.random.token(32);
    const auto expires_at = now + s.settings.claim_ttl.count();
    auto pending = s.store.create_email_transfer(*id, who->wallet, hash_hex(email),
                                                 hash_hex(claim_code), now, expires_at);
    if (!pending.ok()) return fail(pending.error());
    auto ticket = s.store.get_ticket(*id);
    if (!ticket.ok()) return fail(ticket.error());
    std::string event_name = "an event";
    if (ticket->has_value()) {
        auto event = s.store.get_event((*ticket)->event_id);
        if (event.ok() && event->has_value()) event_name = (*event)->name;
    }
    const std::string link = s.settings.public_base_url +
                             "/claim?transfer=" + std::to_string(pending->id) +
                             "&code=" + claim_code;
    Mail mail;
    mail.to = *to_email;
    mail.subject = "A ticket for you";
    mail.text = "Someone sent you a ticket for " + event_name + ".\n\n" +
                "Claim it with your wallet: " + link + "\n\n" +
                "Transfer: " + std::to_string(pending->id) + "\nClaim code: " + claim_code +
                "\n\nThe code works once, for this email address, for 24 hours.\n";
    if (auto sent = s.mailer.send(mail); !sent.ok()) {
        // No mail, no transfer: the sender keeps the ticket and may try again.
        static_cast<void>(s.store.cancel_transfer(pending->id, now));
        s.logger.warn("claim mail failed", {{"transfer_id", pending->id}, {"why", sent.error()}});
        return fail(
            ApiError{502, "mail_failed", "the claim mail could not be sent; try again", {}, {}});
    }
    s.metrics.count("gate_transfers_total", "kind", "email");
    return json_response(202, {{"status", "pending"},
                               {"transfer_id", pending->id},
                               {"ticket_id", std::to_string(pending->ticket_id)},
                               {"expires_at", pending->expires_at}});
}

ApiResult<Response> claim(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    const auto& who = c.who;
    auto body = JsonBody::parse(r.body);
    if (!body.ok()) return fail(body.error());
    auto transfer_id = body->integer("transfer_id", Need::Required, 1, INT64_MAX);
    auto email = body->text("email", Need::Required, 254, 3);
    auto code = body->text("code", Need::Required, 100);
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    auto claimed = s.store.claim_transfer(*transfer_id, hash_hex(normalized_email(*email)),
                                          hash_hex(*code), who->wallet, s.clock.now_ms());
    if (!claimed.ok()) return fail(claimed.error());
    s.metrics.count("gate_transfers_total", "kind", "claimed");
    return json_response(200, {{"status", "completed"}, {"ticket", ticket_json(*claimed, s)}});
}

}  // namespace

void add_transfer_routes(Router& router, Services& s) {
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/tickets/{id}/transfer", Caller::User, {}, {}, true},
                 transfer);
    add_endpoint(router, s,
                 {Method::Post,
                  "/api/v1/tickets/claim",
                  Caller::User,
                  {},
                  RateLimit{"sign-in", &Settings::sign_in_limit, RateKey::User}},
                 claim);
}

}  // namespace gate::backend
