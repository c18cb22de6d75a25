#pragma once
// The demo's side of ticket-api's REST API (docs/api.md): the calls a wallet app and an
// organizer's dashboard would make, each expecting one status and failing the demo with
// the backend's own error body when the answer is different.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "DemoFailure.h"
#include "gate/Bytes.h"
#include "gate/crypto/Ed25519.h"
#include "gate/http/Client.h"

namespace gate::demo {

using nlohmann::json;

/// A wallet is an Ed25519 key pair; its address is the base58 public key.
struct Wallet {
    explicit Wallet(std::string who) : name(std::move(who)) {}

    std::string name;
    crypto::KeyPair key = crypto::KeyPair::generate();
    std::string token;  // the bearer token once signed in

    std::string address() const { return key.public_key().to_base58(); }
};

class BackendApi {
  public:
    explicit BackendApi(std::string base_url) : base_(std::move(base_url)) {}

    const std::string& base_url() const { return base_; }

    /// Sends one request and returns the answer's body if its status is `expected`.
    std::string call(http::Method method, const std::string& path, const std::string& token,
                     const std::optional<json>& body, int expected) {
        http::Request r;
        r.method = method;
        r.url = base_ + path;
        if (body) {
            r.body = body->dump();
            r.headers.set("Content-Type", "application/json");
        }
        if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
        auto answer = client_.send(r);
        const std::string what = std::string(http::to_string(method)) + " " + path;
        if (!answer) throw DemoFailure(what + ": " + http::to_string(answer.error()));
        if (answer->status != expected)
            throw DemoFailure(what + " answered " + std::to_string(answer->status) + " (expected " +
                              std::to_string(expected) + "): " + answer->body);
        return std::move(answer->body);
    }
    json post(const std::string& path, const json& body, const std::string& token,
              int expected = 201) {
        return json::parse(call(http::Method::Post, path, token, body, expected));
    }
    json get(const std::string& path, const std::string& token) {
        return json::parse(call(http::Method::Get, path, token, std::nullopt, 200));
    }

    /// Wallet sign-in: ask for a nonce, sign the exact message with the wallet's key.
    void sign_in(Wallet& wallet) {
        const auto nonce = post("/api/v1/auth/nonce", {{"wallet", wallet.address()}}, {});
        const auto message = nonce["message"].get<std::string>();
        const auto signature = wallet.key.sign(as_bytes(message));
        const auto session = post("/api/v1/auth/sign-in",
                                  {{"wallet", wallet.address()},
                                   {"nonce", nonce["nonce"]},
                                   {"signature", signature.to_base58()}},
                                  {}, 200);
        wallet.token = session["token"].get<std::string>();
    }

  private:
    std::string base_;
    http::Client client_;
};

}  // namespace gate::demo
