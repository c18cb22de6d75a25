// Wallet sign-in: a single-use nonce, an Ed25519 signature by the wallet over a fixed
// message holding it, and a short-lived bearer token (stored hashed).
#include <algorithm>

#include "ApiSupport.h"
#include "Endpoint.h"
#include "gate/crypto/Ed25519.h"

namespace gate::backend {

std::string sign_in_message(std::string_view wallet, std::string_view nonce) {
    return "gate sign-in\nwallet: " + std::string(wallet) + "\nnonce: " + std::string(nonce);
}

namespace {

Role role_of(const Settings& settings, const std::string& wallet) {
    auto listed = [&](const std::vector<std::string>& list) {
        return std::find(list.begin(), list.end(), wallet) != list.end();
    };
    if (listed(settings.organizers)) return Role::Organizer;
    if (listed(settings.validators)) return Role::Validator;
    return Role::Holder;
}

ApiResult<std::string> read_wallet(JsonBody& body) {
    auto wallet = body.text("wallet", Need::Required, 44, 32);
    if (wallet && !crypto::PublicKey::from_base58(*wallet).ok())
        body.add_error("wallet", jsonio::Problem::Invalid, "is not a base58 Ed25519 public key");
    return wallet.value_or("");
}

ApiResult<Response> issue_nonce(Call& c) {
    auto body = c.body();
    if (!body.ok()) return fail(body.error());
    auto wallet = read_wallet(*body);
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    const std::string nonce = c.s.random.token(24);
    const auto expires_at = c.s.clock.now_ms() + c.s.settings.nonce_ttl.count();
    if (auto put = c.s.store.put_nonce(*wallet, hash_hex(nonce), expires_at); !put.ok())
        return fail(put.error());
    return json_response(201, {{"nonce", nonce},
                               {"message", sign_in_message(*wallet, nonce)},
                               {"expires_at", expires_at}});
}

ApiResult<Response> sign_in(Call& c) {
    auto body = c.body();
    if (!body.ok()) return fail(body.error());
    auto wallet = read_wallet(*body);
    auto nonce = body->text("nonce", Need::Required, 64);
    auto signature_text = body->text("signature", Need::Required, 100);
    std::optional<crypto::Signature> signature;
    if (signature_text) {
        auto parsed = crypto::Signature::from_base58(*signature_text);
        if (parsed.ok())
            signature = *parsed;
        else
            body->add_error("signature", jsonio::Problem::Invalid,
                            "is not a base58 Ed25519 signature");
    }
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    if (auto limited = c.limit("sign-in:wallet:" + *wallet, c.s.settings.sign_in_limit);
        !limited.ok())
        return fail(limited.error());
    const auto now = c.s.clock.now_ms();
    // The nonce is spent before the signature is checked: one try per nonce.
    auto taken = c.s.store.take_nonce(*wallet, hash_hex(*nonce), now);
    if (!taken.ok()) return fail(taken.error());
    if (!*taken)
        return fail(unauthorized("nonce_invalid", "the nonce is unknown, used or expired"));
    const auto key = crypto::PublicKey::from_base58(*wallet);
    const std::string message = sign_in_message(*wallet, *nonce);
    if (!crypto::verify(*key, as_bytes(message), *signature)) {
        c.s.metrics.count("gate_sign_in_total", "result", "bad_signature");
        return fail(unauthorized("signature_invalid", "the signature does not match the wallet"));
    }
    const std::string token = c.s.random.token(32);
    const auto expires_at = now + c.s.settings.token_ttl.count();
    auto session = c.s.store.open_session(*wallet, role_of(c.s.settings, *wallet), hash_hex(token),
                                          now, expires_at);
    if (!session.ok()) return fail(session.error());
    c.s.metrics.count("gate_sign_in_total", "result", "ok");
    return json_response(200, {{"token", token},
                               {"token_type", "Bearer"},
                               {"expires_at", expires_at},
                               {"wallet", session->wallet},
                               {"role", to_string(session->role)}});
}

ApiResult<Response> me(Call& c) {
    const Principal& who = c.user();
    return json_response(200, {{"user_id", who.user_id},
                               {"wallet", who.wallet},
                               {"role", to_string(who.role)},
                               {"expires_at", who.expires_at}});
}

}  // namespace

void add_auth_routes(Router& router, Services& s) {
    const RateLimit per_address{"sign-in", &Settings::sign_in_limit, RateKey::ClientAddress};
    add_endpoint(router, s, {Method::Post, "/api/v1/auth/nonce", Caller::Anyone, {}, per_address},
                 issue_nonce);
    add_endpoint(router, s, {Method::Post, "/api/v1/auth/sign-in", Caller::Anyone, {}, per_address},
                 sign_in);
    add_endpoint(router, s, {Method::Get, "/api/v1/auth/me", Caller::User, {}, {}}, me);
}

}  // namespace gate::backend
