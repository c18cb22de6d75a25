#pragma once
// Loads tests/data/ticket-code-vectors.json, the known-answer vectors that
// docs/ticket-code.md publishes.

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gate/codec/Hex.h"
#include "gate/crypto/Ed25519.h"
#include "gate/ticket/TicketCode.h"

namespace gate::test {

struct TicketVector {
    std::string name;
    ticket::TicketClaims claims;
    std::string payload_hex;
    std::string signature_hex;
    std::string code;
};

struct TicketVectors {
    Bytes issuer_seed;
    std::string issuer_public_key_base58;
    std::uint32_t key_id = 0;
    std::vector<TicketVector> vectors;

    crypto::KeyPair issuer() const {
        return crypto::KeyPair::from_seed(
            std::span<const std::uint8_t, 32>(issuer_seed.data(), 32));
    }
};

inline TicketVectors load_ticket_vectors() {
    std::ifstream in(GATE_TEST_DATA_DIR "/ticket-code-vectors.json");
    const auto j = nlohmann::json::parse(in);
    TicketVectors out;
    out.issuer_seed = codec::hex_decode(j.at("issuer_seed_hex").get<std::string>()).value();
    out.issuer_public_key_base58 = j.at("issuer_public_key_base58").get<std::string>();
    out.key_id = j.at("key_id").get<std::uint32_t>();
    for (const auto& v : j.at("vectors")) {
        const auto& c = v.at("claims");
        TicketVector t;
        t.name = v.at("name").get<std::string>();
        t.claims.event_id = c.at("event_id").get<std::uint32_t>();
        // A string: JSON readers that use doubles would round 64-bit ids.
        t.claims.ticket_id = std::stoull(c.at("ticket_id").get<std::string>());
        t.claims.tier = c.at("tier").get<std::uint8_t>();
        t.claims.generation = c.at("generation").get<std::uint32_t>();
        t.claims.valid_from = c.at("valid_from").get<std::uint32_t>();
        t.claims.valid_until = c.at("valid_until").get<std::uint32_t>();
        t.claims.issued_at = c.at("issued_at").get<std::uint32_t>();
        t.payload_hex = v.at("payload_hex").get<std::string>();
        t.signature_hex = v.at("signature_hex").get<std::string>();
        t.code = v.at("code").get<std::string>();
        out.vectors.push_back(std::move(t));
    }
    return out;
}

}  // namespace gate::test
