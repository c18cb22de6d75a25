#include "gate/scanner/Reports.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gate/domain/Reason.h"

namespace gate::scanner {

Status<db::Error> write_status(device::DeviceDatabase& database, std::ostream& out) {
    auto assignment = database.cache().assignment();
    if (!assignment) return fail(assignment.error());
    auto status = database.sync().sync_status();
    if (!status) return fail(status.error());
    auto tickets = database.cache().ticket_count();
    if (!tickets) return fail(tickets.error());
    std::ostringstream text;
    if (*assignment) {
        const auto& a = **assignment;
        text << "event        " << a.event_id << " " << a.event.name << "\n"
             << "gate         " << a.gate << "\n"
             << "check-in     " << a.checkin_list.name << " (re-entry "
             << domain::to_string(a.checkin_list.reentry) << ", unknown tickets "
             << (a.checkin_list.accept_unknown_tickets ? "accepted" : "refused") << ")\n";
    } else {
        text << "assignment   none (run `gate-scanner provision SETUP_CODE`)\n";
    }
    text << "device id    " << status->device_id << "\n"
         << "backend      " << (status->backend_url.empty() ? "-" : status->backend_url) << "\n"
         << "link         " << (status->online ? "online" : "offline") << "\n"
         << "last sync    "
         << (status->last_sync_at ? std::to_string(*status->last_sync_at) + " (Unix ms)" : "never")
         << "\n"
         << "clock offset " << status->clock_offset_ms << " ms\n"
         << "cursor       " << status->cursor << "\n"
         << "tickets      " << *tickets << " in the cache\n"
         << "queue        " << status->queue_depth << " scans waiting to sync\n";
    if (!status->last_error.empty()) text << "last error   " << status->last_error << "\n";
    // Check-ins gate-syncd records on chain (docs/syncd.md, "Chain check-ins").
    if (auto chain = database.chain().chain_status()) {
        text << "chain        " << chain->queue_depth() << " check-ins waiting ("
             << chain->in_flight << " sent), " << chain->confirmed << " recorded, " << chain->failed
             << " refused\n";
        if (!chain->last_error.empty()) text << "chain error  " << chain->last_error << "\n";
    }
    out << text.str();
    return {};
}

Status<db::Error> write_stats(device::DeviceDatabase& database, bool json, std::ostream& out) {
    auto stats = database.scans().stats();
    if (!stats) return fail(stats.error());
    if (json) {
        nlohmann::json by_reason = nlohmann::json::object();
        for (const auto& [reason, n] : stats->by_reason)
            by_reason[reason] = n;
        out << nlohmann::json{{"accepted", stats->accepted},
                              {"rejected", stats->rejected},
                              {"pending", stats->pending},
                              {"inside_now", stats->inside_now},
                              {"by_reason", by_reason}}
                   .dump()
            << "\n";
        return {};
    }
    out << "admitted     " << stats->accepted << "\n"
        << "refused      " << stats->rejected << "\n"
        << "inside now   " << stats->inside_now << "\n"
        << "not synced   " << stats->pending << "\n";
    for (const auto& [reason, n] : stats->by_reason)
        out << "  " << std::left << std::setw(26) << reason << std::right << std::setw(7) << n
            << "  " << domain::reason::plain_words(reason) << "\n";
    return {};
}

}  // namespace gate::scanner
