// The one decide(), rule by rule in docs/domain.md's order: each TEST_CASE pins one rule and
// its reason code, and shows that the rule before it wins when both apply.
#include "gate/domain/Decide.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "gate/codec/Base45.h"
#include "gate/domain/Reason.h"

using namespace gate;
using namespace gate::domain;
using domain::Direction;
using domain::InsideRecord;
using domain::Reentry;
using domain::TicketRecord;
using domain::TicketState;
using domain::TicketStatus;

namespace {

constexpr std::uint32_t kEvent = 1001;
constexpr std::uint32_t kNow = 1'767'225'600;  // seconds
constexpr std::int64_t kNowMs = std::int64_t{kNow} * 1000;

struct Fixture {
    crypto::KeyPair issuer = crypto::KeyPair::generate();
    ticket::IssuerKeyring keyring;
    domain::Assignment assignment;
    DecisionContext context{kNowMs, 60'000, Direction::In};

    Fixture() {
        keyring.add({issuer.public_key(), 0});  // trusted for any event: event.wrong can show
        assignment.event_id = kEvent;
        assignment.gate = "north-1";
        assignment.checkin_list = {1, "North", {}, Reentry::Single, true};
        assignment.event = {kEvent, "Summer Night", 0, 0};
    }

    ticket::TicketClaims claims(std::uint64_t id = 42) const {
        return {.event_id = kEvent,
                .ticket_id = id,
                .tier = 2,
                .generation = 1,
                .valid_from = kNow - 3600,
                .valid_until = kNow + 3600,
                .issued_at = kNow - 7200};
    }

    CodeCheck check(const ticket::TicketClaims& c) const {
        return check_code(ticket::issue(c, issuer), keyring);
    }

    Decision decide_claims(const ticket::TicketClaims& c, const TicketState& cached = {}) const {
        return decide(check(c), cached, assignment, context);
    }

    std::string reason_for(const ticket::TicketClaims& c, const TicketState& cached = {}) const {
        const auto d = decide_claims(c, cached);
        CHECK(d.accepted == (d.reason == "ok"));
        return std::string(d.reason);
    }
};

TicketState row(TicketStatus status = TicketStatus::Valid, std::uint32_t generation = 1,
                std::uint8_t tier = 2) {
    return {TicketRecord{42, tier, generation, status}, std::nullopt};
}

TicketState with_last(TicketState state, Direction direction) {
    state.last_scan = InsideRecord{42, direction, kNowMs - 60'000, "south-2"};
    return state;
}

}  // namespace

TEST_CASE("a genuine, known, valid ticket at the right gate is accepted") {
    Fixture f;
    const auto d = f.decide_claims(f.claims(), row());
    CHECK(d.accepted);
    CHECK(d.reason == "ok");
    CHECK(d.tier == 2);
}

TEST_CASE("rule 1: a malformed code is refused with its malformed reason") {
    Fixture f;
    auto reason = [&](std::string_view text) {
        return std::string(
            decide(check_code(text, f.keyring), row(), f.assignment, f.context).reason);
    };
    CHECK(reason("") == "malformed.empty");
    CHECK(reason("https://example.com") == "malformed.prefix");
    CHECK(reason("TK1:ABC") == "malformed.length");
    CHECK(reason("TK1:" + std::string(147, '~')) == "malformed.encoding");
    CHECK(reason("TK1:" + std::string(600, 'A')) == "malformed.too_long");
    CHECK(reason("TK3:" + ticket::issue(f.claims(), f.issuer).substr(4)) == "malformed.version");
    auto backwards = f.claims();
    backwards.valid_until = backwards.valid_from - 1;
    CHECK(reason(ticket::issue(backwards, f.issuer)) == "malformed.window");
    CHECK_FALSE(decide(check_code("", f.keyring), row(), f.assignment, f.context).tier.has_value());
}

TEST_CASE("rule 2: a bad signature, unknown key, retired key or key for another event is refused") {
    Fixture f;
    SUBCASE("unknown key") {
        const auto text = ticket::issue(f.claims(), crypto::KeyPair::generate());
        CHECK(decide(check_code(text, f.keyring), row(), f.assignment, f.context).reason ==
              "signature.unknown_key");
    }
    SUBCASE("retired key") {
        f.keyring.retire(f.issuer.public_key());
        CHECK(f.reason_for(f.claims(), row()) == "signature.key_retired");
    }
    SUBCASE("key bound to another event") {
        ticket::IssuerKeyring bound;
        bound.add({f.issuer.public_key(), 2002});
        const auto d = decide(check_code(ticket::issue(f.claims(), f.issuer), bound), row(),
                              f.assignment, f.context);
        CHECK(d.reason == "signature.key_wrong_event");
    }
    SUBCASE("altered after signing, even when the ticket is also revoked") {
        const auto text = ticket::issue(f.claims(), f.issuer);
        auto raw = codec::base45_decode(std::string_view(text).substr(ticket::kPrefix.size()));
        REQUIRE(raw.ok());
        (*raw)[20] ^= 0x01;  // the tier byte
        const auto forged = std::string(ticket::kPrefix) + codec::base45_encode(*raw);
        const auto d = decide(check_code(forged, f.keyring), row(TicketStatus::Revoked),
                              f.assignment, f.context);
        CHECK_FALSE(d.accepted);
        CHECK(d.reason == "signature.invalid");
    }
}

TEST_CASE("rule 3: a genuine ticket of another event is event.wrong, before its cache state") {
    Fixture f;
    auto c = f.claims();
    c.event_id = 2002;
    CHECK(f.reason_for(c) == "event.wrong");
    CHECK(f.reason_for(c, row(TicketStatus::Revoked)) == "event.wrong");
}

TEST_CASE("rule 4: revoked and frozen tickets are refused, revoked before superseded") {
    Fixture f;
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Revoked)) == "ticket.revoked");
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Frozen)) == "ticket.frozen");
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Revoked, 5)) == "ticket.revoked");
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Frozen, 5)) == "ticket.frozen");
}

TEST_CASE("rule 5: an older ownership generation than the cache's is superseded") {
    Fixture f;
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Valid, 2)) == "ticket.superseded");
    // The same generation passes, and a newer one (cache not yet synced) passes too.
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Valid, 1)) == "ok");
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Valid, 0)) == "ok");
    // Superseded comes before the time window.
    auto expired = f.claims();
    expired.valid_from = kNow - 2 * 86400;
    expired.valid_until = kNow - 86400;
    CHECK(f.reason_for(expired, row(TicketStatus::Valid, 2)) == "ticket.superseded");
}

TEST_CASE("rule 6: outside the validity window is refused, within the clock tolerance passes") {
    Fixture f;  // tolerance 60 s
    auto c = f.claims();
    SUBCASE("not yet valid") {
        c.valid_from = kNow + 61;
        CHECK(f.reason_for(c, row()) == "time.not_yet_valid");
        c.valid_from = kNow + 60;
        CHECK(f.reason_for(c, row()) == "ok");
    }
    SUBCASE("expired") {
        c.valid_until = kNow - 61;
        CHECK(f.reason_for(c, row()) == "time.expired");
        c.valid_until = kNow - 60;
        CHECK(f.reason_for(c, row()) == "ok");
    }
    SUBCASE("open ends") {
        c.valid_from = 0;
        c.valid_until = 0;
        CHECK(f.reason_for(c, row()) == "ok");
    }
    SUBCASE("before the tier rule") {
        c.valid_until = kNow - 3600;
        f.assignment.checkin_list.tiers = {0};
        CHECK(f.reason_for(c, row()) == "time.expired");
    }
}

TEST_CASE(
    "rule 7: a tier the check-in list does not admit is refused, and the cache's tier rules") {
    Fixture f;
    f.assignment.checkin_list.tiers = {0, 1};
    CHECK(f.reason_for(f.claims(), row()) == "tier.not_allowed");
    const auto d = f.decide_claims(f.claims(), row());
    CHECK(d.tier == 2);
    // An upgrade recorded in the cache (tier 1) beats the tier printed in the code (2).
    CHECK(f.reason_for(f.claims(), row(TicketStatus::Valid, 1, 1)) == "ok");
    // No cache row: the code's tier decides.
    CHECK(f.reason_for(f.claims()) == "tier.not_allowed");
    // An empty list admits every tier.
    f.assignment.checkin_list.tiers.clear();
    CHECK(f.reason_for(f.claims(), row()) == "ok");
    // Before re-entry rules.
    f.assignment.checkin_list.tiers = {0};
    CHECK(f.reason_for(f.claims(), with_last(row(), Direction::In)) == "tier.not_allowed");
}

TEST_CASE("rule 8a: single entry admits once: inside is already_inside, after exit already_used") {
    Fixture f;
    f.assignment.checkin_list.reentry = Reentry::Single;
    CHECK(f.reason_for(f.claims(), row()) == "ok");
    CHECK(f.reason_for(f.claims(), with_last(row(), Direction::In)) == "entry.already_inside");
    CHECK(f.reason_for(f.claims(), with_last(row(), Direction::Out)) == "entry.already_used");
}

TEST_CASE("rule 8b: multi entry admits again and again") {
    Fixture f;
    f.assignment.checkin_list.reentry = Reentry::Multi;
    CHECK(f.reason_for(f.claims(), row()) == "ok");
    CHECK(f.reason_for(f.claims(), with_last(row(), Direction::In)) == "ok");
    CHECK(f.reason_for(f.claims(), with_last(row(), Direction::Out)) == "ok");
}

TEST_CASE("rule 8c: entry after exit admits only someone who is outside") {
    Fixture f;
    f.assignment.checkin_list.reentry = Reentry::EntryAfterExit;
    CHECK(f.reason_for(f.claims(), row()) == "ok");
    CHECK(f.reason_for(f.claims(), with_last(row(), Direction::In)) == "entry.already_inside");
    CHECK(f.reason_for(f.claims(), with_last(row(), Direction::Out)) == "ok");
}

TEST_CASE("rule 8d: an exit scan needs the holder inside, whatever the re-entry rule") {
    Fixture f;
    f.context.direction = Direction::Out;
    for (auto rule : {Reentry::Single, Reentry::Multi, Reentry::EntryAfterExit}) {
        CAPTURE(domain::to_string(rule));
        f.assignment.checkin_list.reentry = rule;
        CHECK(f.reason_for(f.claims(), with_last(row(), Direction::In)) == "ok");
        CHECK(f.reason_for(f.claims(), row()) == "entry.not_inside");
        CHECK(f.reason_for(f.claims(), with_last(row(), Direction::Out)) == "entry.not_inside");
    }
}

TEST_CASE("rule 9: a genuine ticket without a cache row follows the event's policy") {
    Fixture f;
    f.assignment.checkin_list.accept_unknown_tickets = true;
    CHECK(f.reason_for(f.claims()) == "ok");
    f.assignment.checkin_list.accept_unknown_tickets = false;
    CHECK(f.reason_for(f.claims()) == "ticket.unknown");
    // Its own earlier admission here still counts for re-entry (cache row or not).
    TicketState seen;
    seen.last_scan = InsideRecord{42, Direction::In, kNowMs, "north-1"};
    CHECK(f.reason_for(f.claims(), seen) == "entry.already_inside");
}

TEST_CASE("every reason code has plain words for the display") {
    std::set<std::string_view> words;
    for (auto code : domain::reason::kAll) {
        CAPTURE(code);
        CHECK(domain::reason::plain_words(code) != "Not accepted");
        words.insert(domain::reason::plain_words(code));
    }
    CHECK(words.size() >= 20);
    CHECK(domain::reason::plain_words("no.such.reason") == "Not accepted");
}

TEST_CASE(
    "a rotating code's step is fresh from its start minus the tolerance to 10 s after, plus it") {
    const std::uint32_t step = 353445840;  // starts at 1767229200 s
    const std::int64_t start = std::int64_t{step} * 5 * 1000;
    for (const std::int64_t tolerance :
         {std::int64_t{0}, std::int64_t{10'000}, std::int64_t{60'000}}) {
        CAPTURE(tolerance);
        CHECK_FALSE(domain::step_fresh(step, start - tolerance - 1, tolerance));
        CHECK(domain::step_fresh(step, start - tolerance, tolerance));
        CHECK(domain::step_fresh(step, start, tolerance));
        CHECK(domain::step_fresh(step, start + domain::kStepWindowMs + tolerance - 1, tolerance));
        CHECK_FALSE(domain::step_fresh(step, start + domain::kStepWindowMs + tolerance, tolerance));
    }
    // The earliest step and the last: no overflow at either end.
    CHECK(domain::step_fresh(0, 0, 0));
    CHECK_FALSE(domain::step_fresh(0, domain::kStepWindowMs, 0));
    const std::int64_t last = std::int64_t{0xFFFFFFFF} * 5 * 1000;
    CHECK(domain::step_fresh(0xFFFFFFFF, last, 0));
    CHECK_FALSE(domain::step_fresh(0xFFFFFFFF, last - 1, 0));
}
