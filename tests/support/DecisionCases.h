#pragma once
// The decision table (tests/data/decision-cases.json) as C++ values, and the code text each
// case presents. Shared by the runner over domain::decide() and the one over ticket-api and
// gate-scanner, so both present the very same codes.

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gate/codec/Base45.h"
#include "gate/crypto/Ed25519.h"
#include "gate/domain/CheckinList.h"
#include "gate/domain/Entry.h"
#include "gate/domain/SyncMessages.h"
#include "gate/domain/Ticket.h"
#include "gate/ticket/RotatingCode.h"
#include "gate/ticket/TicketCode.h"

namespace gate::test {

struct CaseScan {
    domain::Direction direction = domain::Direction::In;
    std::string reason;
};

struct DecisionCase {
    std::string name;
    bool cancelled = false;          ///< the event is cancelled
    bool rotating_required = false;  ///< the event admits rotating codes only
    domain::CheckinList list;
    struct Ticket {
        bool exists = true;  ///< false: a genuine code whose ticket has no row
        domain::TicketStatus status = domain::TicketStatus::Valid;
        bool transferred = false;  ///< once: the stored generation is 1
        bool tampered = false;     ///< the device's row fails its sync signature
        std::uint8_t tier = 0;
        std::uint32_t binding = 0;  ///< the newest pass binding the gate knows of
        std::uint32_t generation() const { return transferred ? 1 : 0; }
    } ticket;
    struct Code {
        /// genuine | text | version | foreign_key | other_event | retired_key |
        /// wrong_event_key | any_event_key | altered | rotating
        std::string kind = "genuine";
        std::string text;
        int version = 0;
        std::optional<std::uint8_t> tier;  ///< default: the ticket's
        bool old_generation = false;
        std::int64_t valid_from = -3600;  ///< seconds from now
        std::int64_t valid_until = 6 * 3600;
        // kind "rotating" (format version 2):
        std::optional<std::uint32_t> binding;  ///< the pass's; default: the ticket's
        std::int64_t pass_expires = 6 * 3600;  ///< seconds from now
        std::int64_t step = 0;                 ///< the moment the step shows, from now
        bool thief = false;  ///< the step is signed by a key other than the pass's holder key
    } code;
    std::vector<std::string> paths;  ///< empty: every path
    std::vector<CaseScan> scans;

    bool runs_on(std::string_view path) const {
        if (paths.empty()) return true;
        for (const auto& p : paths)
            if (p == path) return true;
        return false;
    }
};

inline std::vector<DecisionCase> load_decision_cases(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    const auto file = nlohmann::json::parse(in);
    std::vector<DecisionCase> out;
    for (const auto& j : file.at("cases")) {
        DecisionCase c;
        c.name = j.at("name").get<std::string>();
        c.cancelled = j.value("event", "active") == "cancelled";
        c.rotating_required = j.value("code_policy", "static_allowed") == "rotating_required";
        c.list.name = "table";
        if (j.contains("list")) {
            const auto& l = j["list"];
            if (l.contains("tiers")) c.list.tiers = l["tiers"].get<std::vector<std::uint8_t>>();
            if (l.contains("reentry")) {
                auto rule = domain::from_string<domain::Reentry>(l["reentry"].get<std::string>());
                REQUIRE_MESSAGE(rule, c.name);
                c.list.reentry = *rule;
            }
            c.list.accept_unknown_tickets = l.value("accept_unknown_tickets", true);
        }
        if (j.contains("ticket")) {
            const auto& t = j["ticket"];
            c.ticket.exists = t.value("exists", true);
            auto status = domain::from_string<domain::TicketStatus>(t.value("status", "valid"));
            REQUIRE_MESSAGE(status, c.name);
            c.ticket.status = *status;
            c.ticket.transferred = t.value("transferred", false);
            c.ticket.tampered = t.value("tampered", false);
            c.ticket.tier = t.value("tier", std::uint8_t{0});
            c.ticket.binding = t.value("binding", std::uint32_t{0});
        }
        if (j.contains("code")) {
            const auto& k = j["code"];
            c.code.kind = k.value("kind", "genuine");
            c.code.text = k.value("text", "");
            c.code.version = k.value("version", 0);
            if (k.contains("tier")) c.code.tier = k["tier"].get<std::uint8_t>();
            c.code.old_generation = k.value("generation", "current") == "old";
            c.code.valid_from = k.value("valid_from", c.code.valid_from);
            c.code.valid_until = k.value("valid_until", c.code.valid_until);
            if (k.contains("binding")) c.code.binding = k["binding"].get<std::uint32_t>();
            c.code.pass_expires = k.value("pass_expires", c.code.pass_expires);
            c.code.step = k.value("step", c.code.step);
            c.code.thief = k.value("holder", "own") == "thief";
        }
        if (j.contains("paths")) c.paths = j["paths"].get<std::vector<std::string>>();
        for (const auto& s : j.at("scans")) {
            auto direction =
                domain::from_string<domain::Direction>(s.at("direction").get<std::string>());
            REQUIRE_MESSAGE(direction, c.name);
            c.scans.push_back({*direction, s.at("reason").get<std::string>()});
        }
        REQUIRE_MESSAGE(!c.scans.empty(), c.name);
        out.push_back(std::move(c));
    }
    return out;
}

/// The keys a case's code may be signed with. The runner decides which of them the gate
/// trusts (and how): `issuer` for the gate's event, `other_event` for another event.
struct CaseKeys {
    crypto::KeyPair issuer = crypto::KeyPair::generate();
    std::uint32_t event_id = 0;
    crypto::KeyPair other_event = crypto::KeyPair::generate();
    std::uint32_t other_event_id = 0;
    crypto::KeyPair foreign = crypto::KeyPair::generate();      ///< trusted by nobody
    crypto::KeyPair retired = crypto::KeyPair::generate();      ///< the event's, retired
    crypto::KeyPair wrong_event = crypto::KeyPair::generate();  ///< another event's key
    crypto::KeyPair any_event = crypto::KeyPair::generate();    ///< trusted for any event
    crypto::KeyPair holder = crypto::KeyPair::generate();       ///< the holder's phone key
    crypto::KeyPair thief = crypto::KeyPair::generate();        ///< someone who copied a pass
};

/// Replaces the byte at `index` of a code's decoded bytes (0 is the format version).
inline std::string patch_code(const std::string& code, std::size_t index, std::uint8_t value) {
    auto bytes = codec::base45_decode(std::string_view(code).substr(ticket::kPrefix.size()));
    REQUIRE(bytes.ok());
    REQUIRE(index < bytes->size());
    (*bytes)[index] = value;
    return std::string(ticket::kPrefix) + codec::base45_encode(*bytes);
}

/// The text the case presents for ticket `ticket_id`, at `now_s` (Unix seconds).
inline std::string case_code(const DecisionCase& c, const CaseKeys& keys, std::uint64_t ticket_id,
                             std::int64_t now_s) {
    if (c.code.kind == "text") return c.code.text;
    ticket::TicketClaims claims;
    claims.event_id = keys.event_id;
    claims.ticket_id = ticket_id;
    claims.tier = c.code.tier.value_or(c.ticket.tier);
    claims.generation = c.ticket.generation() - (c.code.old_generation ? 1 : 0);
    claims.valid_from = static_cast<std::uint32_t>(now_s + c.code.valid_from);
    claims.valid_until = static_cast<std::uint32_t>(now_s + c.code.valid_until);
    claims.issued_at = static_cast<std::uint32_t>(now_s - 86400);
    const crypto::KeyPair* key = &keys.issuer;
    if (c.code.kind == "foreign_key") key = &keys.foreign;
    if (c.code.kind == "retired_key") key = &keys.retired;
    if (c.code.kind == "wrong_event_key") key = &keys.wrong_event;
    if (c.code.kind == "other_event") {
        key = &keys.other_event;
        claims.event_id = keys.other_event_id;
    }
    if (c.code.kind == "any_event_key") {
        key = &keys.any_event;
        claims.event_id = keys.other_event_id;
    }
    if (c.code.kind == "rotating") {
        const ticket::PassClaims pass{claims, keys.holder.public_key(),
                                      c.code.binding.value_or(c.ticket.binding),
                                      static_cast<std::uint32_t>(now_s + c.code.pass_expires)};
        return ticket::rotating_code(ticket::issue_pass(pass, *key),
                                     ticket::step_at((now_s + c.code.step) * 1000),
                                     c.code.thief ? keys.thief : keys.holder);
    }
    const std::string code = ticket::issue(claims, *key);
    if (c.code.kind == "version")
        return patch_code(code, 0, static_cast<std::uint8_t>(c.code.version));
    if (c.code.kind == "altered") {  // the last signature byte, flipped
        const auto size = ticket::kPayloadSize + ticket::kSignatureSize;
        auto bytes = codec::base45_decode(std::string_view(code).substr(ticket::kPrefix.size()));
        REQUIRE(bytes.ok());
        return patch_code(code, size - 1, static_cast<std::uint8_t>((*bytes)[size - 1] ^ 0x01));
    }
    return code;
}

}  // namespace gate::test
