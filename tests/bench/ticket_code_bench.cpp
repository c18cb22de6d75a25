// How long the gate spends on a ticket code: parse, verify, and both together
// (what a scan costs before the cache lookup), for static (version 1) and rotating
// (version 2: two signatures) codes. Also prints the codes' sizes.
//   ticket_code_bench [--quick]
#include <cstdio>
#include <cstring>

#include "BenchClock.h"
#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/RotatingCode.h"
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

    // Version 2: the phone's pass and the code it shows for one step.
    const auto holder = crypto::KeyPair::generate();
    const ticket::PassClaims pass_claims{claims, holder.public_key(), 3, 1767312000};
    const ticket::PassBytes pass = ticket::issue_pass(pass_claims, issuer);
    const std::uint32_t step = ticket::step_at(1767229200000);
    const std::string rotating = ticket::rotating_code(pass, step, holder);
    std::printf(
        "rotating code: %zu characters (%zu-byte pass + 4-byte step + %zu-byte holder "
        "signature)\n",
        rotating.size(), ticket::kPassSize, ticket::kSignatureSize);
    const auto parsed_rotating = ticket::parse(rotating).value();
    bench::measure("v2: issue pass (issuer signs)", batches, per_batch,
                   [&] { sink = ticket::issue_pass(pass_claims, issuer)[0] == 2; });
    bench::measure("v2: show one step (phone signs + encode)", batches, per_batch,
                   [&] { sink = !ticket::rotating_code(pass, step, holder).empty(); });
    bench::measure("v2: parse (base45 + fields)", batches, per_batch * 10,
                   [&] { sink = ticket::parse(rotating).ok(); });
    bench::measure("v2: verify (two Ed25519)", batches, per_batch,
                   [&] { sink = keyring.verify(parsed_rotating).ok(); });
    bench::measure("v2: parse + verify (one scan)", batches, per_batch, [&] {
        auto p = ticket::parse(rotating);
        sink = p.ok() && keyring.verify(*p).ok();
    });
    (void)sink;
    return 0;
}
