#pragma once
// Loads tests/data/ticket-code-vectors.json, the known-answer vectors that
// docs/ticket-code.md publishes.

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gate/codec/Hex.h"
#include "gate/crypto/Ed25519.h"
#include "gate/ticket/RotatingCode.h"
#include "gate/ticket/TicketCode.h"

namespace gate::test {

struct TicketVector {
    std::string name;
    ticket::TicketClaims claims;
    std::string payload_hex;
    std::string signature_hex;
    std::string code;
};

struct RotatingVector {
    std::string name;
    ticket::PassClaims claims;
    std::uint32_t step = 0;
    std::string pass_payload_hex;
    std::string pass_hex;
    std::string pass_text;
    std::string code;
};

struct TicketVectors {
    Bytes issuer_seed;
    std::string issuer_public_key_base58;
    std::uint32_t key_id = 0;
    std::vector<TicketVector> vectors;
    Bytes holder_seed;
    std::vector<RotatingVector> rotating;

    crypto::KeyPair issuer() const {
        return crypto::KeyPair::from_seed(
            std::span<const std::uint8_t, 32>(issuer_seed.data(), 32));
    }
    crypto::KeyPair holder() const {
        return crypto::KeyPair::from_seed(
            std::span<const std::uint8_t, 32>(holder_seed.data(), 32));
    }
};

inline ticket::TicketClaims claims_from(const nlohmann::json& c) {
    ticket::TicketClaims out;
    out.event_id = c.at("event_id").get<std::uint32_t>();
    // A string: JSON readers that use doubles would round 64-bit ids.
    out.ticket_id = std::stoull(c.at("ticket_id").get<std::string>());
    out.tier = c.at("tier").get<std::uint8_t>();
    out.generation = c.at("generation").get<std::uint32_t>();
    out.valid_from = c.at("valid_from").get<std::uint32_t>();
    out.valid_until = c.at("valid_until").get<std::uint32_t>();
    if (c.contains("issued_at")) out.issued_at = c.at("issued_at").get<std::uint32_t>();
    return out;
}

inline TicketVectors load_ticket_vectors() {
    std::ifstream in(GATE_TEST_DATA_DIR "/ticket-code-vectors.json");
    const auto j = nlohmann::json::parse(in);
    TicketVectors out;
    out.issuer_seed = codec::hex_decode(j.at("issuer_seed_hex").get<std::string>()).value();
    out.issuer_public_key_base58 = j.at("issuer_public_key_base58").get<std::string>();
    out.key_id = j.at("key_id").get<std::uint32_t>();
    for (const auto& v : j.at("vectors")) {
        TicketVector t;
        t.name = v.at("name").get<std::string>();
        t.claims = claims_from(v.at("claims"));
        t.payload_hex = v.at("payload_hex").get<std::string>();
        t.signature_hex = v.at("signature_hex").get<std::string>();
        t.code = v.at("code").get<std::string>();
        out.vectors.push_back(std::move(t));
    }
    const auto& rotating = j.at("rotating");
    out.holder_seed = codec::hex_decode(rotating.at("holder_seed_hex").get<std::string>()).value();
    for (const auto& v : rotating.at("vectors")) {
        RotatingVector r;
        r.name = v.at("name").get<std::string>();
        r.claims.ticket = claims_from(v.at("claims"));
        r.claims.holder_key = out.holder().public_key();
        r.claims.binding = v.at("binding").get<std::uint32_t>();
        r.claims.expires_at = v.at("expires_at").get<std::uint32_t>();
        r.step = v.at("step").get<std::uint32_t>();
        r.pass_payload_hex = v.at("pass_payload_hex").get<std::string>();
        r.pass_hex = v.at("pass_hex").get<std::string>();
        r.pass_text = v.at("pass_text").get<std::string>();
        r.code = v.at("code").get<std::string>();
        out.rotating.push_back(std::move(r));
    }
    return out;
}

}  // namespace gate::test
