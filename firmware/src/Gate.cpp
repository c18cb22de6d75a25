#include "gate/scanner/Gate.h"

#include "gate/crypto/Random.h"
#include "gate/domain/Reason.h"

namespace gate::scanner {
namespace {

using Steady = std::chrono::steady_clock;

std::chrono::microseconds since(Steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - start);
}

// Why the cache could not be read, as the reason staff see: an assignment or issuer key
// that fails its sync signature is tampering; no pinned key means never provisioned.
std::string_view reason_for(const db::Error& error) {
    if (error.code == db::ErrorCode::Corrupt) return domain::reason::kCacheTampered;
    if (error.code == db::ErrorCode::Misuse) return domain::reason::kNotProvisioned;
    return domain::reason::kRecordFailed;
}

}  // namespace

Gate::Gate(device::DeviceDatabase& database, GateOptions options, const Clock& clock)
    : database_(database), options_(options), clock_(clock) {
    if (auto stats = database_.scans().stats()) counters_ = {stats->accepted, stats->rejected};
}

Status<db::Error> Gate::refresh() {
    auto version = database_.version();
    if (!version) return fail(version.error());
    if (seen_ && *seen_ == *version) return {};
    auto assignment = database_.cache().assignment();
    if (!assignment) return fail(assignment.error());
    auto keys = database_.cache().issuer_keys();
    if (!keys) return fail(keys.error());
    auto status = database_.sync().sync_status();
    if (!status) return fail(status.error());
    ticket::IssuerKeyring keyring;
    for (const auto& key : *keys)
        keyring.add({key.public_key, key.event_id, key.retired});
    assignment_ = std::move(assignment).value();
    keyring_ = std::move(keyring);
    status_ = std::move(status).value();
    seen_ = *version;
    return {};
}

const std::optional<domain::Assignment>& Gate::assignment() {
    static_cast<void>(refresh());
    return assignment_;
}

const device::SyncStatus& Gate::sync_status() {
    static_cast<void>(refresh());
    return status_;
}

bool Gate::genuine(std::string_view text) {
    static_cast<void>(refresh());  // on failure the last keys read stay in force
    return domain::check_code(text, keyring_).genuine();
}

ScanOutcome Gate::scan(std::string_view text) {
    const auto started = Steady::now();
    ScanOutcome out;
    auto refused = [&](std::string_view reason, std::string error) {
        out.decision = {false, reason, out.decision.tier};
        out.error = std::move(error);
        out.decide_time = since(started);
        ++counters_.rejected;
        return out;
    };

    if (auto refreshed = refresh(); !refreshed)
        return refused(reason_for(refreshed.error()), db::to_string(refreshed.error()));
    if (!assignment_)
        return refused(domain::reason::kNotProvisioned,
                       "no assignment in the device database: run gate-scanner provision");

    const domain::CodeCheck check = domain::check_code(text, keyring_);
    auto parsed = ticket::parse(text);  // claims of a forged code still go into the audit
    if (parsed) out.claims = parsed->claims;
    std::optional<std::uint64_t> ticket_id;
    if (check.genuine()) ticket_id = check.code->claims.ticket_id;

    const std::int64_t now = clock_.now_ms();
    const domain::DecisionContext context{now + status_.clock_offset_ms,
                                          options_.clock_tolerance_ms, options_.direction,
                                          options_.step_tolerance_ms};
    domain::EntryRecord skeleton;
    skeleton.nonce = crypto::random_token(16);
    if (out.claims) {
        skeleton.ticket_id = out.claims->ticket_id;
        skeleton.generation = out.claims->generation;
    }
    // The code itself goes to the backend as proof that it was presented here.
    if (check.genuine()) skeleton.proof = std::string(text);
    skeleton.event_id = assignment_->event_id;
    skeleton.gate = assignment_->gate;
    skeleton.direction = options_.direction;
    skeleton.scanned_at = now;
    skeleton.clock_offset_ms = status_.clock_offset_ms;

    // The ticket's state is read, decided on and the scan committed in one write
    // transaction: another scanner process on this file cannot admit the same ticket in
    // between (a single-entry ticket is admitted once).
    std::optional<Steady::time_point> decided;
    auto committed =
        database_.scans().decide_and_record(ticket_id, [&](const domain::TicketState& cached) {
            out.decision = decide(check, cached, *assignment_, context);
            decided = Steady::now();
            domain::EntryRecord r = skeleton;
            r.verdict =
                out.decision.accepted ? domain::Verdict::Accepted : domain::Verdict::Rejected;
            r.reason = std::string(out.decision.reason);
            out.record = r;  // what is committed, or would have been
            return r;
        });
    // decide_time ends with the decision (it includes the wait for the write lock),
    // commit_time is the durable commit after it.
    const auto finished = Steady::now();
    out.decide_time =
        std::chrono::duration_cast<std::chrono::microseconds>(decided.value_or(finished) - started);
    if (decided)
        out.commit_time =
            std::chrono::duration_cast<std::chrono::microseconds>(finished - *decided);
    if (!committed) {
        // Not on disk, so not green: the holder scans again.
        out.decision = {false, domain::reason::kRecordFailed, out.decision.tier};
        out.error = db::to_string(committed.error());
        ++counters_.rejected;
        return out;
    }
    out.recorded = true;
    ++status_.queue_depth;
    ++(out.decision.accepted ? counters_.accepted : counters_.rejected);
    return out;
}

}  // namespace gate::scanner
