// How long the gate spends on a ticket code: parse, verify, and both together
// (what a scan costs before the cache lookup). Also prints the code's size.
//   ticket_code_bench [--quick]
#include <cstdio>
#include <cstring>

#include "BenchClock.h"
#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/TicketCode.h"

using namespace gate;

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int batches = quick ? 5 : 200;
    const int per_batch = quick ? 10 : 100;

    const auto issuer = crypto::KeyPair::generate();
    ticket::IssuerKeyring keyring;
    // A realistic keyring: a few events, each with a current and a rotated key.
    for (int i = 0; i < 7; ++i)
        keyring.add({crypto::KeyPair::generate().public_key()});
    keyring.add({issuer.public_key()});

    const ticket::TicketClaims claims{.event_id = 1001,
                                      .ticket_id = 4242424242,
                                      .tier = 2,
                                      .generation = 1,
                                      .valid_from = 1767225600,
                                      .valid_until = 1767312000,
                                      .issued_at = 1764547200};
    const std::string code = ticket::issue(claims, issuer);
    std::printf("ticket code: %zu characters (%zu-byte payload + %zu-byte signature), e.g.\n  %s\n",
                code.size(), ticket::kPayloadSize, ticket::kSignatureSize, code.c_str());

    const auto parsed = ticket::parse(code).value();
    volatile bool sink = false;
    bench::measure("issue (sign + encode)", batches, per_batch,
                   [&] { sink = !ticket::issue(claims, issuer).empty(); });
    bench::measure("parse (base45 + fields)", batches, per_batch * 10,
                   [&] { sink = ticket::parse(code).ok(); });
    bench::measure("verify (Ed25519)", batches, per_batch,
                   [&] { sink = keyring.verify(parsed).ok(); });
    bench::measure("parse + verify (one scan)", batches, per_batch, [&] {
        auto p = ticket::parse(code);
        sink = p.ok() && keyring.verify(*p).ok();
    });
    (void)sink;
    return 0;
}
