// The decision table run against domain::decide() directly: every case of
// tests/data/decision-cases.json, its scans in order, each accepted scan becoming the
// ticket's last scan as a gate records it.
#include <doctest/doctest.h>

#include <set>

#include "DecisionCases.h"
#include "gate/domain/Decide.h"
#include "gate/domain/Reason.h"

using namespace gate;
using namespace gate::test;

namespace {

constexpr std::int64_t kNowS = 1'767'225'600;

domain::Assignment gate_of(const DecisionCase& c, const CaseKeys& keys) {
    domain::Assignment a;
    a.event_id = keys.event_id;
    a.gate = "table";
    a.checkin_list = c.list;
    a.event = {keys.event_id,
               "Table",
               0,
               0,
               c.cancelled ? domain::EventStatus::Cancelled : domain::EventStatus::Active,
               c.rotating_required ? domain::CodePolicy::RotatingRequired
                                   : domain::CodePolicy::StaticAllowed};
    return a;
}

ticket::IssuerKeyring keyring_of(const CaseKeys& keys) {
    ticket::IssuerKeyring ring;
    ring.add({keys.issuer.public_key(), keys.event_id});
    ring.add({keys.retired.public_key(), keys.event_id, true});
    ring.add({keys.wrong_event.public_key(), keys.other_event_id});
    ring.add({keys.any_event.public_key(), 0});
    return ring;
}

}  // namespace

TEST_CASE("every case of the decision table gets its reasons from decide()") {
    const auto cases = load_decision_cases(GATE_DECISION_CASES);
    REQUIRE(cases.size() >= 30);
    CaseKeys keys;
    keys.event_id = 7;
    keys.other_event_id = 8;
    const auto ring = keyring_of(keys);
    std::set<std::string> reasons;
    for (const auto& c : cases) {
        CAPTURE(c.name);
        if (!c.runs_on("decide")) continue;
        constexpr std::uint64_t kTicket = 42;
        const std::string code = case_code(c, keys, kTicket, kNowS);
        const auto check = domain::check_code(code, ring);
        const auto assignment = gate_of(c, keys);
        domain::TicketState known;
        known.tampered = c.ticket.tampered;
        if (c.ticket.exists) {
            known.ticket = domain::TicketRecord{kTicket, c.ticket.tier, c.ticket.generation(),
                                                c.ticket.status};
            known.ticket->binding = c.ticket.binding;
        }
        for (std::size_t i = 0; i < c.scans.size(); ++i) {
            CAPTURE(i);
            const auto& scan = c.scans[i];
            const domain::DecisionContext context{kNowS * 1000, domain::kDefaultClockToleranceMs,
                                                  scan.direction};
            const auto decision = domain::decide(check, known, assignment, context);
            CHECK(decision.reason == scan.reason);
            CHECK(decision.accepted == (scan.reason == "ok"));
            reasons.insert(std::string(decision.reason));
            if (decision.accepted)
                known.last_scan =
                    domain::InsideRecord{kTicket, scan.direction, kNowS * 1000, "table"};
        }
    }
    // Adding a rule means adding rows: every reason a decision can give has one.
    for (auto reason : domain::reason::kAll) {
        if (reason == domain::reason::kRecordFailed || reason == domain::reason::kNotProvisioned)
            continue;  // not decisions: the device could not record, or has no assignment
        CHECK_MESSAGE(reasons.count(std::string(reason)) == 1, "no row gives " << reason);
    }
}
