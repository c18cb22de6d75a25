// An email transfer end to end: ticket-api mails the claim code through a real SMTP
// listener (aiosmtpd), a new wallet claims it with the code read from that mail, and after
// gate-syncd runs the real gate-scanner refuses the seller's code and admits the new owner's.
#include <doctest/doctest.h>

#include <regex>

#include "SyncdHarness.h"

using namespace gate::test;

TEST_CASE("after an email transfer is claimed and synced, the old code is superseded at the gate") {
    TempDir dir;
    const auto smtp_port = free_port();
    ChildProcess smtpd({"/usr/bin/python3", "-u", "-m", "aiosmtpd", "-n", "-l",
                        "127.0.0.1:" + std::to_string(smtp_port)},
                       {}, dir / "smtpd.log");
    REQUIRE_MESSAGE(wait_for_port(smtp_port, std::chrono::seconds{10}), smtpd.output());

    BackendProcess api(dir);
    api.start({"GATE_MAIL_SMTP_URL=smtp://127.0.0.1:" + std::to_string(smtp_port),
               "GATE_MAIL_FROM=tickets@gate.test"});
    const auto organizer = api.sign_in(api.organizer);
    const auto event_id = api.create_event(organizer);
    Wallet seller;
    const auto seller_token = api.sign_in(seller);
    const auto ticket = api.buy(seller_token, event_id);
    const auto bystander = api.code_of(seller_token, api.buy(seller_token, event_id));
    const auto old_code = api.code_of(seller_token, ticket);

    Device gate("north-1-a");
    gate.provision(api.setup_code(organizer, event_id, "north-1"));
    // Before the transfer the seller's code is good: the refusal later is the transfer's doing.
    // (Checked with a copy of the device, so this gate has not admitted the ticket yet.)
    {
        Device probe("probe");
        probe.provision(api.setup_code(organizer, event_id, "north-1"));
        CHECK(probe.check(old_code).reason == "ok");
    }

    const auto sent = api.post("/api/v1/tickets/" + ticket + "/transfer",
                               json{{"to_email", "bob@example.com"}}, seller_token, 202);
    CHECK(sent["status"] == "pending");
    const auto reference = sent["reference"].get<std::string>();

    // The claim code exists only in the mail the SMTP listener received.
    REQUIRE_MESSAGE(smtpd.wait_for_output("Claim code: ", std::chrono::seconds{15}),
                    smtpd.output());
    const std::string mail = smtpd.output();
    CHECK(mail.find("bob@example.com") != std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(mail, m, std::regex("Claim code: ([A-Za-z0-9_-]+)")));
    const std::string claim_code = m[1];
    CHECK(sent.dump().find(claim_code) == std::string::npos);

    // Pending is not yet moved: a sync now changes nothing for the seller's code.
    std::string out;
    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);

    Wallet bob;
    const auto bob_token = api.sign_in(bob);
    const auto claimed =
        api.post("/api/v1/tickets/claim",
                 json{{"reference", reference}, {"email", "Bob@Example.com"}, {"code", claim_code}},
                 bob_token, 200);
    CHECK(claimed["ticket"]["owner"] == bob.address());
    CHECK(claimed["ticket"]["generation"] == 1);
    const auto new_code = api.code_of(bob_token, ticket);
    CHECK(new_code != old_code);

    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    const auto refused = gate.check(old_code);
    CHECK(refused.exit_code == 1);
    CHECK(refused.verdict == "rejected");
    CHECK(refused.reason == "ticket.superseded");
    const auto admitted = gate.check(new_code);
    CHECK_MESSAGE(admitted.exit_code == 0, admitted.output);
    CHECK(admitted.reason == "ok");
    CHECK(gate.check(bystander).reason == "ok");  // the rest of the cache is intact

    // The gate's verdicts reach the backend too: one admission for the ticket, by the new code.
    REQUIRE_MESSAGE(gate.sync_once(&out) == 0, out);
    CHECK(gate.queue_depth() == 0);
    auto backend = read_only(api.db_path());
    const auto rows = backend.query_one<std::int64_t, std::int64_t>(
        "SELECT COUNT(*), COALESCE(MAX(generation), -1) FROM validations "
        "WHERE ticket_id = ? AND verdict = 'accepted' AND offline = 1",
        std::stoll(ticket));
    REQUIRE(rows.ok());
    CHECK(std::get<0>(*rows) == 1);
    CHECK(std::get<1>(*rows) == 1);
}
