#include "gate/scanner/Demo.h"

#include <atomic>
#include <chrono>
#include <iomanip>
#include <map>
#include <string>
#include <vector>

#include "gate/codec/Base45.h"
#include "gate/crypto/KeyFile.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/domain/Reason.h"
#include "gate/domain/SyncSignature.h"
#include "gate/qr/Png.h"
#include "gate/qr/Render.h"
#include "gate/scanner/Display.h"
#include "gate/scanner/Gate.h"
#include "gate/scanner/ScanLoop.h"

namespace gate::scanner {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kEvent = 1001;

struct Sample {
    std::string name;      // file name of the QR image, played in name order
    std::string text;      // what the QR holds
    std::string expected;  // the reason the scan must give ("" = suppressed by hold-off)
    std::string story;     // one line for the report
};

// A genuine code with one claim changed after signing: a forger's edit.
std::string tampered(const std::string& code) {
    auto raw = codec::base45_decode(std::string_view(code).substr(ticket::kPrefix.size())).value();
    raw[16] ^= 0x01;  // last byte of ticket_id
    return std::string(ticket::kPrefix) + codec::base45_encode(raw);
}

// What the backend would have sent in the first snapshot: one event, one gate, a few tickets.
domain::Snapshot seed(const crypto::PublicKey& issuer, std::int64_t now_ms) {
    domain::Snapshot s;
    s.cursor = 1;
    s.server_time = now_ms;
    s.assignment.device_id = 1;
    s.assignment.event_id = kEvent;
    s.assignment.gate = "north-1";
    s.assignment.checkin_list = {
        1, "North entrance", {0, 1, 2}, domain::Reentry::EntryAfterExit, true};
    s.assignment.event = {kEvent, "Summer Night", now_ms - 3'600'000, now_ms + 6 * 3'600'000};
    s.assignment.server_time = now_ms;
    s.issuer_keys = {{issuer, kEvent, false}};
    s.tickets = {
        {42, 2, 0, domain::TicketStatus::Valid},
        {43, 1, 0, domain::TicketStatus::Revoked},  // refunded
        {44, 1, 1, domain::TicketStatus::Valid},    // resold: generation 0 -> 1
    };
    return s;
}

void remove_database(const fs::path& db) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", ".sync-key"})
        fs::remove(db.string() + suffix, ec);
}

}  // namespace

bool run_demo(const DemoOptions& options, std::ostream& out) {
    fs::create_directories(options.out_dir);
    const fs::path codes_dir = options.out_dir / "codes";
    const fs::path db_path = options.out_dir / "scanner.db";
    fs::remove_all(codes_dir);
    fs::create_directories(codes_dir);
    remove_database(db_path);

    out << "gate-scanner demo: the offline gate, from printed QR to committed entry\n\n";

    // 1. The event's issuer key (Solana key file, mode 0600): what signs every ticket.
    const fs::path key_path = options.out_dir / "issuer-key.json";
    if (!fs::exists(key_path)) {
        if (auto saved = crypto::save_keypair(key_path, crypto::KeyPair::generate()); !saved) {
            out << "cannot write the issuer key: " << saved.error().message << "\n";
            return false;
        }
    }
    auto issuer = crypto::load_keypair(key_path);
    if (!issuer) {
        out << "cannot load the issuer key: " << issuer.error().message << "\n";
        return false;
    }

    // 2. The device database as provisioning leaves it: the backend's sync key pinned (here
    // a fresh one plays the backend), and the signed assignment, issuer key and tickets.
    const std::int64_t now_ms = system_clock().now_ms();
    const auto backend_sync_key = crypto::KeyPair::generate();
    auto snapshot = seed(issuer->public_key(), now_ms);
    domain::sign_records(snapshot, backend_sync_key);
    auto store = device::DeviceDatabase::open(db_path);
    if (!store || !store->pin_sync_key(backend_sync_key.public_key()) ||
        !store->cache().apply_snapshot(snapshot)) {
        out << "cannot create the device database " << db_path.string() << "\n";
        return false;
    }
    out << "device database " << db_path.string() << " (SQLite, WAL, synchronous=FULL)\n"
        << "  event 1001 \"Summer Night\", gate north-1, re-entry after exit\n"
        << "  issuer key " << issuer->public_key().to_base58() << "\n"
        << "  cache: ticket 42 valid, ticket 43 revoked (refunded), ticket 44 resold "
           "(generation 1)\n"
        << "  network: none. Every verdict below is decided on the device.\n\n";

    // 3. Tickets as the backend would print them, and a few things that are not tickets.
    const auto now_s = static_cast<std::uint32_t>(now_ms / 1000);
    auto claims = [&](std::uint64_t id, std::uint8_t tier, std::uint32_t generation) {
        return ticket::TicketClaims{.event_id = kEvent,
                                    .ticket_id = id,
                                    .tier = tier,
                                    .generation = generation,
                                    .valid_from = now_s - 3600,
                                    .valid_until = now_s + 86400,
                                    .issued_at = now_s - 86400};
    };
    const std::string t42 = ticket::issue(claims(42, 2, 0), *issuer);
    auto other_event = claims(77, 0, 0);
    other_event.event_id = 2002;
    const std::vector<Sample> samples = {
        {"01-ticket-42.png", t42, "ok", "ticket 42: genuine, in the cache"},
        {"02-ticket-42.png", t42, "", "still in front of the camera: the same scan"},
        {"03-ticket-44-new-owner.png", ticket::issue(claims(44, 1, 1), *issuer), "ok",
         "ticket 44 as re-issued to its buyer"},
        {"04-ticket-44-seller.png", ticket::issue(claims(44, 1, 0), *issuer), "ticket.superseded",
         "the seller's old QR for ticket 44"},
        {"05-ticket-42-again.png", t42, "entry.already_inside", "ticket 42 shown a second time"},
        {"06-ticket-43.png", ticket::issue(claims(43, 1, 0), *issuer), "ticket.revoked",
         "ticket 43, refunded yesterday"},
        {"07-forged-edit.png", tampered(t42), "signature.invalid",
         "ticket 42 with its id edited after signing"},
        {"08-forged-key.png", ticket::issue(claims(45, 2, 0), crypto::KeyPair::generate()),
         "signature.unknown_key", "signed by a key the gate does not trust"},
        {"09-wrong-event.png", ticket::issue(other_event, *issuer), "signature.key_wrong_event",
         "genuine key, signing for another event"},
        {"10-ticket-46-new-sale.png", ticket::issue(claims(46, 0, 0), *issuer), "ok",
         "ticket 46, sold after the last sync (policy: accept)"},
        {"11-not-a-ticket.png", "https://example.com/promo", "malformed.prefix",
         "some other QR code"},
    };
    for (const auto& s : samples) {
        auto qr = qr::render(s.text);
        if (!qr || !qr::write_png(qr->image, codes_dir / s.name)) {
            out << "cannot render " << (codes_dir / s.name).string() << "\n";
            return false;
        }
    }
    out << "printed " << samples.size() << " QR images to " << codes_dir.string()
        << "/ (ticket code: " << t42.size() << " characters, QR version "
        << qr::render(t42)->version << "-M)\n\n";

    // 4. Scan the directory as a camera: decode, hold-off, decide, commit, show.
    auto source = open_image_files(codes_dir.string());
    if (!source) {
        out << source.error().message << "\n";
        return false;
    }
    Gate gate(*store);
    std::map<std::string, std::string> got;  // image -> reason
    ScanOutcome last;
    out << std::left << std::setw(30) << "image" << std::setw(9) << "verdict" << std::setw(28)
        << "reason" << std::setw(10) << "decide" << std::setw(10) << "commit"
        << "what it is\n";
    bool all_as_expected = true;
    auto sink = [&](const ScanOutcome& outcome, const Frame& frame) {
        got[frame.label] = std::string(outcome.decision.reason);
        std::string story, expected;
        for (const auto& s : samples)
            if (s.name == frame.label) story = s.story, expected = s.expected;
        const bool as_expected = expected == outcome.decision.reason && outcome.recorded;
        all_as_expected = all_as_expected && as_expected;
        out << std::left << std::setw(30) << frame.label << std::setw(9)
            << (outcome.accepted() ? "ACCEPT" : "REJECT") << std::setw(28)
            << outcome.decision.reason << std::setw(10)
            << (std::to_string(outcome.decide_time.count()) + " us") << std::setw(10)
            << (std::to_string(outcome.commit_time.count() / 1000) + " ms") << story
            << (as_expected ? "" : "   <-- UNEXPECTED") << "\n";
        last = outcome;
    };
    std::atomic<bool> stop{false};
    auto ran = run_scan_loop(**source, gate, ScanLoopOptions{}, sink, stop);
    if (!ran) {
        out << ran.error().message << "\n";
        return false;
    }
    for (const auto& s : samples) {
        const bool seen = got.count(s.name) != 0;
        if (s.expected.empty() && seen) {
            out << s.name << " counted again although held in view   <-- UNEXPECTED\n";
            all_as_expected = false;
        }
        if (!s.expected.empty() && !seen) {
            out << s.name << " was not scanned   <-- UNEXPECTED\n";
            all_as_expected = false;
        }
    }
    out << "\n"
        << ran->frames << " frames, " << ran->scans
        << " scans (02 was the same code still in view: the hold-off counts it once)\n";

    // 5. What the gate staff saw last, and what is on disk for gate-syncd to push.
    ScreenState screen = screen_for(gate, domain::Direction::In, true);
    screen.last = ScreenState::Verdict{last.accepted(), std::string(last.decision.reason),
                                       last.decision.tier, last.record.ticket_id};
    out << "\nthe handheld's screen after the last scan (gate-scanner scan --display):\n"
        << render_screen(screen, {.color = false, .width = 64});

    auto reopened = device::DeviceDatabase::open(db_path);
    if (!reopened) {
        out << "cannot reopen the device database\n";
        return false;
    }
    auto stats = reopened->scans().stats();
    if (!stats) {
        out << "cannot read back the device database\n";
        return false;
    }
    out << "\ncommitted in " << db_path.string() << " (read back from disk):\n"
        << "  admitted " << stats->accepted << ", refused " << stats->rejected << ", inside now "
        << stats->inside_now << ", waiting for gate-syncd " << stats->pending << "\n";
    for (const auto& [reason, n] : stats->by_reason)
        out << "    " << std::left << std::setw(28) << reason << n << "  "
            << domain::reason::plain_words(reason) << "\n";
    const bool counts_right = stats->accepted == 3 && stats->rejected == 7 && stats->pending == 10;
    all_as_expected = all_as_expected && counts_right;
    out << (all_as_expected ? "\ndemo passed: every verdict as expected, every scan on disk\n"
                            : "\ndemo FAILED: a verdict or count was not as expected\n");
    return all_as_expected;
}

}  // namespace gate::scanner
