#pragma once
// A provisioned device in a temp dir: a real device database seeded with an assignment,
// an issuer key and tickets, plus helpers to issue codes and put them in camera frames.

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "SyncKey.h"
#include "TempDir.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/qr/Render.h"
#include "gate/scanner/Gate.h"
#include "gate/ticket/TicketCode.h"

namespace gate::test {

inline constexpr std::uint32_t kEvent = 1001;
inline constexpr std::int64_t kNowMs = 1'767'225'600'000;

struct ScannerFixture {
    TempDir dir;
    std::filesystem::path db_path = dir / "scanner.db";
    crypto::KeyPair issuer = crypto::KeyPair::generate();
    device::DeviceDatabase store = open();
    gate::ManualClock clock{kNowMs};  ///< the device wall clock the fixture's gates read

    explicit ScannerFixture(domain::Reentry reentry = domain::Reentry::Single,
                            std::vector<domain::TicketRecord> tickets = {
                                {42, 2, 0, domain::TicketStatus::Valid},
                                {43, 1, 0, domain::TicketStatus::Revoked}}) {
        domain::Snapshot s;
        s.cursor = 1;
        s.server_time = kNowMs;
        s.assignment.device_id = 17;
        s.assignment.event_id = kEvent;
        s.assignment.gate = "north-1";
        s.assignment.checkin_list = {1, "North", {}, reentry, true};
        s.assignment.event = {kEvent, "Summer Night", 0, 0};
        s.issuer_keys = {{issuer.public_key(), kEvent, false}};
        s.tickets = std::move(tickets);
        REQUIRE(store.cache().apply_snapshot(gate::test::signed_copy(s)).ok());
        REQUIRE(store.sync().set_identity(17, "http://127.0.0.1:1").ok());
    }

    device::DeviceDatabase open(const db::OpenOptions& options = {}) {
        auto opened = device::DeviceDatabase::open(db_path, options);
        if (!opened) FAIL("open: " << db::to_string(opened.error()));
        return pinned(std::move(opened).value());
    }

    std::string code(std::uint64_t ticket_id, std::uint32_t generation = 0,
                     std::uint32_t event = kEvent) const {
        const auto now_s = static_cast<std::uint32_t>(kNowMs / 1000);
        return ticket::issue({.event_id = event,
                              .ticket_id = ticket_id,
                              .tier = 2,
                              .generation = generation,
                              .valid_from = now_s - 3600,
                              .valid_until = now_s + 3600,
                              .issued_at = now_s - 7200},
                             issuer);
    }

    scanner::Gate gate(domain::Direction direction = domain::Direction::In) {
        return scanner::Gate(store, {direction, 60'000}, clock);
    }
};

/// A width x height light-grey frame with the QR of `text` pasted at (x, y).
inline std::vector<std::uint8_t> frame_with(const std::string& text, int width, int height,
                                            int x = 20, int y = 20, int module_px = 3) {
    std::vector<std::uint8_t> frame(
        static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 200);
    if (text.empty()) return frame;
    auto qr = qr::render(text, {.module_px = module_px});
    REQUIRE(qr.ok());
    for (int row = 0; row < qr->image.height && y + row < height; ++row)
        std::memcpy(frame.data() + static_cast<std::size_t>((y + row) * width + x),
                    qr->image.pixels.data() + static_cast<std::size_t>(row * qr->image.width),
                    static_cast<std::size_t>(std::min(qr->image.width, width - x)));
    return frame;
}

}  // namespace gate::test
