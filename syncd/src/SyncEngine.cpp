#include "gate/syncd/SyncEngine.h"

#include "gate/device/ClockOffset.h"
#include "gate/device/LoadSnapshot.h"

namespace gate::syncd {

using device::LinkError;

SyncEngine::SyncEngine(device::DeviceDatabase& database, device::BackendLink& link,
                       const Clock& clock, EngineOptions options)
    : database_(database), link_(link), clock_(clock), options_(options) {}

CycleReport SyncEngine::run_cycle(const std::atomic<bool>& stop) {
    CycleReport report;
    std::optional<std::int64_t> offset;
    std::int64_t measured = 0;
    report.error = push(report, stop);
    if (!report.error && !stop) {
        report.error = pull(report, measured);
        if (!report.error) offset = measured;
    }
    const auto now = clock_.now_ms();
    if (report.error) {
        (void)database_.sync().record_sync_failure(now, report.error->message);
    } else if (offset) {
        (void)database_.sync().record_sync_success(now, *offset);
    } else if (auto status = database_.sync().sync_status()) {
        // Stopped after pushing: still a successful exchange; keep the last offset.
        (void)database_.sync().record_sync_success(now, status->clock_offset_ms);
    }
    return report;
}

std::optional<LinkError> SyncEngine::confirm(const domain::IngestResult& answer,
                                             CycleReport& report, std::int64_t& marked) {
    std::vector<std::string> confirmed = answer.stored;
    confirmed.insert(confirmed.end(), answer.duplicates.begin(), answer.duplicates.end());
    auto changed = database_.scans().mark_synced(confirmed);
    if (!changed) return device::database_error(changed.error());
    marked = *changed;
    // Refused for a reason that will not change (no valid proof): kept on the device with
    // the backend's reason, out of the queue.
    for (const auto& note : answer.refused) {
        if (auto set_aside =
                database_.scans().mark_refused(note.nonce, note.reason, clock_.now_ms());
            !set_aside)
            return device::database_error(set_aside.error());
        ++marked;
        ++report.refused;
    }
    report.flagged += answer.flagged.size();
    report.pushed += answer.stored.size();
    report.duplicates += answer.duplicates.size();
    report.conflicts += answer.conflicts.size();
    return std::nullopt;
}

std::optional<LinkError> SyncEngine::push(CycleReport& report, const std::atomic<bool>& stop) {
    while (!stop) {
        auto pending = database_.scans().pending_scans(options_.batch_size);
        if (!pending) return device::database_error(pending.error());
        if (pending->empty()) return std::nullopt;

        domain::EntryBatch batch{std::move(pending).value()};
        auto answer = link_.push(batch);
        if (!answer) {
            // The backend refuses a whole batch when one record in it is unacceptable.
            // Find that one, so a single bad record can never block the queue.
            if (answer.error().kind != LinkError::Kind::Refused) return answer.error();
            if (auto e = push_one_by_one(batch, report)) return e;
            continue;
        }
        std::int64_t marked = 0;
        if (auto e = confirm(*answer, report, marked)) return e;
        // The backend confirmed none of them: sending the batch again now would
        // loop forever. Leave them queued and say so.
        if (marked == 0) {
            return LinkError{LinkError::Kind::BadAnswer, "backend confirmed none of " +
                                                             std::to_string(batch.entries.size()) +
                                                             " scans; will retry"};
        }
    }
    return std::nullopt;
}

std::optional<LinkError> SyncEngine::push_one_by_one(const domain::EntryBatch& batch,
                                                     CycleReport& report) {
    for (const auto& entry : batch.entries) {
        auto answer = link_.push(domain::EntryBatch{{entry}});
        if (!answer) {
            if (answer.error().kind != LinkError::Kind::Refused) return answer.error();
            // Kept on the device with the reason; only its place in the queue goes.
            if (auto set_aside = database_.scans().mark_refused(entry.nonce, answer.error().message,
                                                                clock_.now_ms());
                !set_aside) {
                return device::database_error(set_aside.error());
            }
            ++report.refused;
            continue;
        }
        std::int64_t marked = 0;
        if (auto e = confirm(*answer, report, marked)) return e;
        if (marked == 0) {
            return LinkError{LinkError::Kind::BadAnswer, "backend confirmed no scan; will retry"};
        }
    }
    return std::nullopt;
}

std::optional<LinkError> SyncEngine::take_snapshot(CycleReport& report, std::int64_t& offset) {
    auto loaded = device::load_snapshot(link_, database_.cache());
    if (!loaded) return loaded.error();
    offset = loaded->clock_offset_ms;
    report.snapshot = true;
    return std::nullopt;
}

bool SyncEngine::cache_tampered() {
    auto cache = database_.cache();
    auto assignment = cache.assignment();
    if (!assignment) return assignment.error().code == db::ErrorCode::Corrupt;
    auto keys = cache.issuer_keys();
    return !keys && keys.error().code == db::ErrorCode::Corrupt;
}

std::optional<LinkError> SyncEngine::pull(CycleReport& report, std::int64_t& offset) {
    auto status = database_.sync().sync_status();
    if (!status) return device::database_error(status.error());
    if (status->cursor == 0) return take_snapshot(report, offset);
    // An assignment or issuer key that fails its sync signature stops every scan; deltas
    // would never remove an inserted key, a snapshot replaces them all.
    if (cache_tampered()) return take_snapshot(report, offset);

    std::int64_t cursor = status->cursor;
    for (;;) {
        auto page = link_.changes(cursor, options_.page_limit);
        if (!page) {
            if (page.error().kind == LinkError::Kind::CursorExpired) {
                return take_snapshot(report, offset);
            }
            return page.error();
        }
        if (auto applied = database_.cache().apply_changes(page->value); !applied) {
            return device::database_error(applied.error());
        }
        report.changes += page->value.changes.size();
        offset =
            device::clock_offset(page->value.server_time, page->sent_at_ms, page->received_at_ms);
        // Stop unless the page moved us forward: a backend that says "more" without
        // progress must not keep us looping.
        if (!page->value.more || page->value.cursor <= cursor) return std::nullopt;
        cursor = page->value.cursor;
    }
}

}  // namespace gate::syncd
