#pragma once
// ProcessApi: JSON calls to a ticket-api process over real HTTP, and the wallet sign-in.

#include <string>

#include "LoopbackServer.h"

namespace gate::test {

/// Calls to one ticket-api process at `base` (http://127.0.0.1:PORT).
struct ProcessApi {
    std::string base;
    gate::http::Client client;
    gate::http::Response post(const std::string& path, const json& body,
                              const std::string& token = {}) {
        gate::http::Request r;
        r.method = gate::http::Method::Post;
        r.url = base + path;
        r.body = body.dump();
        r.headers.set("Content-Type", "application/json");
        if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
        auto answer = client.send(r);
        REQUIRE(answer.ok());
        return std::move(answer).value();
    }
    gate::http::Response get(const std::string& path, const std::string& token) {
        gate::http::Request r;
        r.url = base + path;
        r.headers.set("Authorization", "Bearer " + token);
        auto answer = client.send(r);
        REQUIRE(answer.ok());
        return std::move(answer).value();
    }
    std::string sign_in(const Wallet& w) {
        auto nonce = post("/api/v1/auth/nonce", json{{"wallet", w.address()}}).json().value();
        const auto message = nonce["message"].get<std::string>();
        auto r = post("/api/v1/auth/sign-in",
                      json{{"wallet", w.address()},
                           {"nonce", nonce["nonce"]},
                           {"signature", w.key.sign(gate::as_bytes(message)).to_base58()}});
        REQUIRE(r.status == 200);
        return r.json().value()["token"].get<std::string>();
    }
};

}  // namespace gate::test
