// Wallet sign-in: a single-use nonce, an Ed25519 signature by the wallet over a fixed
// message holding it, and a short-lived bearer token (stored hashed).
#include <algorithm>

#include "ApiSupport.h"
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
        body.add_error("wallet", "invalid", "is not a base58 Ed25519 public key");
    return wallet.value_or("");
}

}  // namespace

void add_auth_routes(Router& router, Services& s) {
    router.add(
        Method::Post, "/api/v1/auth/nonce", handler([&s](Request& r) -> ApiResult<Response> {
            if (auto limited = check_rate(s, "sign-in:ip:" + r.remote, s.settings.sign_in_limit);
                !limited.ok())
                return fail(limited.error());
            auto body = JsonBody::parse(r.body);
            if (!body.ok()) return fail(body.error());
            auto wallet = read_wallet(*body);
            if (auto done = body->finish(); !done.ok()) return fail(done.error());
            const std::string nonce = s.random.token(24);
            const auto expires_at = s.clock.now_ms() + s.settings.nonce_ttl.count();
            if (auto put = s.store.put_nonce(*wallet, hash_hex(nonce), expires_at); !put.ok())
                return fail(put.error());
            return json_response(201, {{"nonce", nonce},
                                       {"message", sign_in_message(*wallet, nonce)},
                                       {"expires_at", expires_at}});
        }));

    router.add(
        Method::Post, "/api/v1/auth/sign-in", handler([&s](Request& r) -> ApiResult<Response> {
            if (auto limited = check_rate(s, "sign-in:ip:" + r.remote, s.settings.sign_in_limit);
                !limited.ok())
                return fail(limited.error());
            auto body = JsonBody::parse(r.body);
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
                    body->add_error("signature", "invalid", "is not a base58 Ed25519 signature");
            }
            if (auto done = body->finish(); !done.ok()) return fail(done.error());
            if (auto limited = check_rate(s, "sign-in:wallet:" + *wallet, s.settings.sign_in_limit);
                !limited.ok())
                return fail(limited.error());
            const auto now = s.clock.now_ms();
            // The nonce is spent before the signature is checked: one try per nonce.
            auto taken = s.store.take_nonce(*wallet, hash_hex(*nonce), now);
            if (!taken.ok()) return fail(taken.error());
            if (!*taken)
                return fail(unauthorized("nonce_invalid", "the nonce is unknown, used or expired"));
            const auto key = crypto::PublicKey::from_base58(*wallet);
            const std::string message = sign_in_message(*wallet, *nonce);
            if (!crypto::verify(*key, as_bytes(message), *signature)) {
                s.metrics.count("gate_sign_in_total", "result", "bad_signature");
                return fail(
                    unauthorized("signature_invalid", "the signature does not match the wallet"));
            }
            const std::string token = s.random.token(32);
            const auto expires_at = now + s.settings.token_ttl.count();
            auto session = s.store.open_session(*wallet, role_of(s.settings, *wallet),
                                                hash_hex(token), now, expires_at);
            if (!session.ok()) return fail(session.error());
            s.metrics.count("gate_sign_in_total", "result", "ok");
            return json_response(200, {{"token", token},
                                       {"token_type", "Bearer"},
                                       {"expires_at", expires_at},
                                       {"wallet", session->wallet},
                                       {"role", to_string(session->role)}});
        }));

    router.add(Method::Get, "/api/v1/auth/me", handler([&s](Request& r) -> ApiResult<Response> {
                   auto who = authenticate(s, r);
                   if (!who.ok()) return fail(who.error());
                   return json_response(200, {{"user_id", who->user_id},
                                              {"wallet", who->wallet},
                                              {"role", to_string(who->role)},
                                              {"expires_at", who->expires_at}});
               }));
}

}  // namespace gate::backend
