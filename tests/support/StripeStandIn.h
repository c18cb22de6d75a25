#pragma once
// StripeStandIn: tests/stripe/server.mjs, the local stand-in for Stripe's API, for one
// test: its secret key and webhook signing secret, the files ticket-api reads them from
// (mode 0600), and calls to its /_test/ routes that play the buyer's card and Stripe's
// timing. Needs GATE_NODE_EXECUTABLE and GATE_STRIPE_DIR, and `npm ci` done in
// tests/stripe (the CTest fixture stripe_npm does it).

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "NodeServer.h"
#include "gate/http/Client.h"

namespace gate::test {

class StripeStandIn {
  public:
    static constexpr const char* kSecretKey = "sk_test_gate_stand_in_0123456789";
    static constexpr const char* kWebhookSecret = "whsec_gate_stand_in_abcdefghijkl";

    explicit StripeStandIn(const std::filesystem::path& dir)
        : server_(GATE_NODE_EXECUTABLE, std::string(GATE_STRIPE_DIR) + "/server.mjs",
                  {"--api-key", kSecretKey, "--webhook-secret", kWebhookSecret}, "stripe stand-in",
                  "is npm ci done in tests/stripe?"),
          key_file_(dir / "stripe.key"),
          webhook_file_(dir / "stripe-webhook.secret") {
        write_secret(key_file_, kSecretKey);
        write_secret(webhook_file_, kWebhookSecret);
    }

    std::string url() const { return server_.url(); }
    const std::filesystem::path& key_file() const { return key_file_; }
    const std::filesystem::path& webhook_file() const { return webhook_file_; }

    /// A /_test/ route: POST with a JSON body, or GET without one; the parsed answer.
    nlohmann::json control(const std::string& path, const nlohmann::json& body = nullptr) {
        http::Request r;
        r.url = url() + "/_test/" + path;
        if (!body.is_null()) {
            r.method = http::Method::Post;
            r.body = body.dump();
            r.headers.set("Content-Type", "application/json");
        }
        auto answer = client_.send(r);
        REQUIRE_MESSAGE(answer.ok(), http::to_string(answer.error()));
        auto parsed = answer->json();
        REQUIRE(parsed.ok());
        last_status = answer->status;
        return std::move(parsed).value();
    }
    int last_status = 0;

    void mode(const nlohmann::json& changes) { control("mode", changes); }
    /// The buyer's card settles the intent: "succeeded" or "declined".
    nlohmann::json pay(const std::string& intent, const std::string& outcome = "succeeded") {
        return control("pay", {{"payment_intent", intent}, {"outcome", outcome}});
    }
    nlohmann::json events() { return control("events"); }
    nlohmann::json requests() { return control("requests"); }
    nlohmann::json state() { return control("state"); }
    /// One more delivery of a stored event, spoiled by `tamper` (see server.mjs).
    nlohmann::json deliver(const std::string& event, const std::string& tamper = {}) {
        nlohmann::json body{{"event", event}};
        if (!tamper.empty()) body["tamper"] = tamper;
        return control("deliver", body);
    }

  private:
    static void write_secret(const std::filesystem::path& path, const std::string& secret) {
        std::ofstream(path) << secret << "\n";
        ::chmod(path.c_str(), 0600);
    }

    NodeServer server_;
    std::filesystem::path key_file_, webhook_file_;
    http::Client client_;
};

}  // namespace gate::test
