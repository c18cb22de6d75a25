// The decision table through the real programs: every case of tests/data/decision-cases.json
// is set up in a running ticket-api, scanned online (POST /api/v1/validate) and offline
// (gate-scanner check on a device provisioned for the case's check-in list), and both must
// give the reason the table names, scan after scan.
#include <doctest/doctest.h>

#include <map>

#include "DecisionCases.h"
#include "SyncdHarness.h"
#include "gate/backend/KeyVault.h"

using namespace gate;
using namespace gate::test;
using json = nlohmann::json;

namespace {

// An event starting within the hour with a general (0) and a vip (1) tier.
std::int64_t table_event(BackendProcess& api, const std::string& organizer, const char* name,
                         bool rotating_required = false) {
    const auto start = wall_now_ms() + kHour;
    return api
        .post("/api/v1/events",
              json{{"name", name},
                   {"venue", "Hall"},
                   {"starts_at", start},
                   {"ends_at", start + 4 * kHour},
                   {"capacity", 500},
                   {"code_policy", rotating_required ? "rotating_required" : "static_allowed"},
                   {"tiers", json::array({{{"name", "general"}, {"price_cents", 100}},
                                          {{"name", "vip"}, {"price_cents", 300}}})}},
              organizer, 201)["id"]
        .get<std::int64_t>();
}

// The event's issuer key pair, opened from ticket-api's database with its master key: the
// table signs codes with windows and tiers the shop would never issue.
crypto::KeyPair issuer_of(const BackendProcess& api, const TempDir& dir, std::int64_t event) {
    auto db = read_only(api.db_path());
    auto sealed =
        db.query_one<Bytes>("SELECT sealed_secret FROM issuer_keys WHERE event_id = ?", event);
    REQUIRE(sealed.ok());
    auto pair = backend::KeyVault::open(dir / "master.key").open_key(*sealed);
    REQUIRE(pair.ok());
    return std::move(pair).value();
}

struct Prepared {
    const DecisionCase* c = nullptr;
    std::int64_t event = 0;
    std::int64_t list = 0;
    std::uint64_t ticket_id = 0;
    CaseKeys keys;
};

// The reason `gate-scanner check` gives (with --exit for exits).
std::string offline_reason(Device& device, const std::string& code, domain::Direction direction) {
    std::vector<std::string> argv{GATE_SCANNER, "--db", device.db().string(),
                                  "check",      code,   "--json"};
    if (direction == domain::Direction::Out) argv.push_back("--exit");
    std::string output;
    device.run(argv, {}, "check.log", &output);
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        auto parsed = json::parse(line, nullptr, false);
        if (parsed.is_object() && parsed.contains("verdict")) return parsed.value("reason", "");
    }
    FAIL("no verdict from gate-scanner check: " << output);
    return {};
}

}  // namespace

TEST_CASE("the decision table: ticket-api online and gate-scanner offline agree row by row") {
    TempDir dir;
    BackendProcess api(dir);
    api.start({"GATE_LIMITS_SIGN_IN_PER_MINUTE=0"});  // a device registers for every case
    const auto organizer = api.sign_in(api.organizer);
    const Wallet alice, bob;
    const auto holder = api.sign_in(alice);
    const auto bob_token = api.sign_in(bob);
    const auto other = table_event(api, organizer, "Other");
    // One event per (cancelled, rotating codes only) a case asks for.
    std::map<std::pair<bool, bool>, std::int64_t> events;
    auto event_for = [&](const DecisionCase& c) {
        const std::pair<bool, bool> kind{c.cancelled, c.rotating_required};
        if (!events.count(kind))
            events[kind] = table_event(api, organizer, "Table", c.rotating_required);
        return events[kind];
    };
    const auto cases = load_decision_cases(GATE_DECISION_CASES);

    std::vector<Prepared> prepared;
    std::uint64_t unknown_id = 9'000'000;
    for (const auto& c : cases) {
        if (!c.runs_on("online") || !c.runs_on("offline")) continue;
        CAPTURE(c.name);
        Prepared p{&c, event_for(c), 0, 0, {}};
        std::uint64_t ticket_id = ++unknown_id;  // no row unless bought below
        if (c.ticket.exists) {
            const auto id = api.post("/api/v1/tickets/mint",
                                     json{{"event_id", p.event},
                                          {"tier", c.ticket.tier},
                                          {"payment_method", "test"}},
                                     holder, 201)["ticket"]["ticket_id"]
                                .get<std::string>();
            ticket_id = std::stoull(id);
            if (c.ticket.transferred)
                api.post("/api/v1/tickets/" + id + "/transfer", json{{"to_wallet", bob.address()}},
                         holder, 200);
            // The ticket's newest pass binding, as the holder's phones asked for them.
            for (std::uint32_t b = 0; b < c.ticket.binding; ++b)
                api.post("/api/v1/tickets/" + id + "/pass",
                         json{{"holder_key", crypto::KeyPair::generate().public_key().to_base58()}},
                         c.ticket.transferred ? bob_token : holder, 201);
            if (c.ticket.status != domain::TicketStatus::Valid)
                api.post("/api/v1/tickets/" + id + "/status",
                         json{{"status", domain::to_string(c.ticket.status)}}, organizer, 200);
        }
        p.ticket_id = ticket_id;
        p.keys.issuer = issuer_of(api, dir, p.event);
        p.keys.event_id = static_cast<std::uint32_t>(p.event);
        p.keys.other_event = issuer_of(api, dir, other);
        p.keys.other_event_id = static_cast<std::uint32_t>(other);
        p.list = api.post("/api/v1/events/" + std::to_string(p.event) + "/checkin-lists",
                          json{{"name", "table"},
                               {"tiers", c.list.tiers},
                               {"reentry", domain::to_string(c.list.reentry)},
                               {"accept_unknown_tickets", c.list.accept_unknown_tickets}},
                          organizer, 201)["id"]
                     .get<std::int64_t>();
        prepared.push_back(std::move(p));
    }
    REQUIRE(prepared.size() >= 30);
    // Cancelled after their tickets were sold; their devices learn it from the assignment.
    for (const auto& [kind, event] : events)
        if (kind.first)
            api.send(http::Method::Put, "/api/v1/events/" + std::to_string(event), organizer,
                     json{{"status", "cancelled"}});

    for (std::size_t i = 0; i < prepared.size(); ++i) {
        const auto& p = prepared[i];
        CAPTURE(p.c->name);
        const std::string gate = "table-" + std::to_string(i);
        const auto setup =
            api.post("/api/v1/devices/setup-codes",
                     json{{"event_id", p.event}, {"gate", gate}, {"checkin_list_id", p.list}},
                     organizer, 201)["setup_code"]
                .get<std::string>();
        Device device("table-" + std::to_string(i));
        device.provision(setup);
        // Made just before its scans: a rotating code's step is relative to now.
        const std::string code = case_code(*p.c, p.keys, p.ticket_id, wall_now_ms() / 1000);
        for (std::size_t n = 0; n < p.c->scans.size(); ++n) {
            const auto& scan = p.c->scans[n];
            CAPTURE(n);
            const auto online = api.post("/api/v1/validate",
                                         json{{"code", code},
                                              {"gate", gate},
                                              {"event_id", p.event},
                                              {"checkin_list_id", p.list},
                                              {"direction", domain::to_string(scan.direction)}},
                                         organizer, 200);
            CHECK(online["reason"].get<std::string>() == scan.reason);
            CHECK(online["verdict"] == (scan.reason == "ok" ? "accepted" : "rejected"));
            CHECK(offline_reason(device, code, scan.direction) == scan.reason);
        }
    }
    api.stop();
}
