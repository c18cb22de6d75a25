// Fuzz target for the ticket-code parser and verifier. Besides "no crash, no
// over-read" (the sanitizers' job) it checks properties that must hold for any
// input: a parsed code (either version) re-encodes to the same payload, and base45 text that
// decodes re-encodes to itself.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gate/codec/Base45.h"
#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/RotatingCode.h"
#include "gate/ticket/TicketCode.h"

namespace {

const gate::ticket::IssuerKeyring& keyring() {
    // The issuer of the published test vectors, so seeds built from them reach
    // the signature check.
    static const gate::ticket::IssuerKeyring ring = [] {
        std::array<std::uint8_t, 32> seed{};
        for (std::size_t i = 0; i < seed.size(); ++i)
            seed[i] = static_cast<std::uint8_t>(i);
        gate::ticket::IssuerKeyring r;
        r.add({gate::crypto::KeyPair::from_seed(seed).public_key()});
        return r;
    }();
    return ring;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto decoded = gate::codec::base45_decode(text)) {
        if (gate::codec::base45_encode(*decoded) != text) std::abort();
    }

    auto parsed = gate::ticket::parse(text);
    if (!parsed) return 0;
    if (const auto& rotation = parsed->rotation) {
        const gate::ticket::PassClaims pass{parsed->claims, rotation->holder_key, rotation->binding,
                                            rotation->expires_at};
        const auto payload = gate::ticket::encode_pass_payload(pass, parsed->key_id);
        if (!std::equal(payload.begin(), payload.end(), rotation->pass.begin())) std::abort();
        (void)gate::ticket::holder_signature_valid(*parsed);
    } else if (gate::ticket::encode_payload(parsed->claims, parsed->key_id) != parsed->payload) {
        std::abort();
    }
    (void)keyring().verify(*parsed);
    return 0;
}
