// Transfers: directly to a wallet, or to an email address with a secret claim code that
// is mailed (never returned to the sender), stored hashed, and expires. An email transfer
// is named by an unguessable reference; its sender may cancel it while it is pending.
#include <algorithm>
#include <chrono>

#include "ApiSupport.h"
#include "AsciiCase.h"
#include "Endpoint.h"
#include "TransferReference.h"
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
    return ascii_lower(std::move(email));
}

std::string validity_text(std::chrono::milliseconds ttl) {
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(ttl).count();
    if (hours >= 2) return std::to_string(hours) + " hours";
    return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(ttl).count()) +
           " minutes";
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
        s.logger.info("ticket transferred",
                      {{"ticket_id", *id}, {"from", who->wallet}, {"to", *to_wallet}});
        return json_response(200, {{"status", "completed"}, {"ticket", ticket_json(*moved, s)}});
    }

    if (!s.mailer.configured())
        return fail(
            ApiError{503, "mail_unavailable", "email transfers need mail.smtp_url", {}, {}});
    const std::string email = normalized_email(*to_email);
    const std::string reference = s.random.token(kTransferReferenceBytes);
    const std::string claim_code = s.random.token(32);  // 256 bits
    const auto expires_at = now + s.settings.claim_ttl.count();
    auto pending = s.store.create_email_transfer(*id, who->wallet, reference, hash_hex(email),
                                                 hash_hex(claim_code), now, expires_at);
    if (!pending.ok()) return fail(pending.error());
    auto ticket = s.store.get_ticket(*id);
    if (!ticket.ok()) return fail(ticket.error());
    std::string event_name = "an event";
    if (ticket->has_value()) {
        auto event = s.store.get_event((*ticket)->event_id);
        if (event.ok() && event->has_value()) event_name = (*event)->name;
    }
    // The code rides in the fragment: browsers never send it, so it stays out of request
    // lines, logs and Referer headers; the claim page reads it from there.
    const std::string link =
        s.settings.public_base_url + "/claim/" + reference + "#code=" + claim_code;
    // The holder's page (docs/holder-page.md) signs in with the wallet and claims in one go.
    const std::string app_link =
        s.settings.public_base_url + "/holder/#claim=" + reference + "&code=" + claim_code;
    Mail mail;
    mail.to = *to_email;
    mail.subject = "A ticket for you";
    mail.text = "Someone sent you a ticket for " + event_name + ".\n\n" +
                "Claim it with your wallet: " + link + "\n" + "Or in the ticket app: " + app_link +
                "\n\n" + "Transfer: " + reference + "\nClaim code: " + claim_code +
                "\n\nThe code works once, for this email address, for " +
                validity_text(s.settings.claim_ttl) + ".\n";
    if (auto sent = s.mailer.send(mail); !sent.ok()) {
        // No mail, no transfer: the sender keeps the ticket and may try again.
        static_cast<void>(s.store.cancel_transfer(reference, who->wallet, now));
        s.logger.warn("claim mail failed", {{"transfer_id", pending->id}, {"why", sent.error()}});
        return fail(
            ApiError{502, "mail_failed", "the claim mail could not be sent; try again", {}, {}});
    }
    s.metrics.count("gate_transfers_total", "kind", "email");
    // The recipient's address stays out of the log: a log is read by more people than mail.
    s.logger.info("transfer offered by email", {{"ticket_id", pending->ticket_id},
                                                {"transfer_id", pending->id},
                                                {"from", who->wallet},
                                                {"expires_at", pending->expires_at}});
    return json_response(202, {{"status", "pending"},
                               {"reference", pending->reference},
                               {"ticket_id", std::to_string(pending->ticket_id)},
                               {"expires_at", pending->expires_at}});
}

ApiResult<Response> claim(Call& c) {
    Services& s = c.s;
    const auto& who = c.who;
    // The preamble limited the client address; this limits the claimant, wherever from.
    if (auto limited =
            c.limit("claim:user:" + std::to_string(who->user_id), s.settings.claim_limit);
        !limited.ok())
        return fail(limited.error());
    auto body = c.body();
    if (!body.ok()) return fail(body.error());
    auto reference =
        body->text("reference", Need::Required, kTransferReferenceLength, kTransferReferenceLength);
    auto email = body->text("email", Need::Required, 254, 3);
    auto code = body->text("code", Need::Required, 100);
    if (reference && !is_transfer_reference(*reference))
        body->add_error("reference", jsonio::Problem::Invalid, "is not a transfer reference");
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    auto claimed = s.store.claim_transfer(*reference, hash_hex(normalized_email(*email)),
                                          hash_hex(*code), who->wallet, s.clock.now_ms());
    if (!claimed.ok()) {
        if (claimed.error().code == "claim_invalid") {
            s.metrics.count("gate_transfers_total", "kind", "claim_refused");
            s.logger.info("claim refused", {{"claimant", who->wallet}, {"from", c.request.remote}});
        }
        return fail(claimed.error());
    }
    s.metrics.count("gate_transfers_total", "kind", "claimed");
    s.logger.info("transfer claimed", {{"ticket_id", claimed->id}, {"to", who->wallet}});
    return json_response(200, {{"status", "completed"}, {"ticket", ticket_json(*claimed, s)}});
}

// The sender withdraws a transfer nobody has claimed yet; the ticket is free to move again.
ApiResult<Response> cancel(Call& c) {
    const std::string reference(c.request.param("reference"));
    if (!is_transfer_reference(reference)) return fail(not_found("transfer"));
    auto cancelled = c.s.store.cancel_transfer(reference, c.user().wallet, c.s.clock.now_ms());
    if (!cancelled.ok()) return fail(cancelled.error());
    c.s.metrics.count("gate_transfers_total", "kind", "cancelled");
    c.s.logger.info("transfer cancelled",
                    {{"ticket_id", cancelled->ticket_id}, {"by", c.user().wallet}});
    return json_response(200, {{"status", domain::to_string(cancelled->status)},
                               {"reference", cancelled->reference},
                               {"ticket_id", std::to_string(cancelled->ticket_id)}});
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
                  RateLimit{"claim", &Settings::claim_address_limit, RateKey::ClientAddress}},
                 claim);
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/transfers/{reference}/cancel", Caller::User, {}, {}},
                 cancel);
}

}  // namespace gate::backend
