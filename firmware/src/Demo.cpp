#include "gate/scanner/Demo.h"

#include <chrono>
#include <iomanip>
#include <string>
#include <vector>

#include "gate/codec/Base45.h"
#include "gate/crypto/KeyFile.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Png.h"
#include "gate/qr/Render.h"
#include "gate/scanner/CodeCheck.h"

namespace gate::scanner {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Sample {
    std::string name;      // file name of the QR image
    std::string text;      // what the QR holds
    std::string expected;  // the reason the scan must give
    std::string story;     // one line for the report
};

// A genuine code with one claim changed after signing: a forger's edit.
std::string tampered(const std::string& code) {
    auto raw = codec::base45_decode(std::string_view(code).substr(ticket::kPrefix.size())).value();
    raw[16] ^= 0x01;  // last byte of ticket_id
    return std::string(ticket::kPrefix) + codec::base45_encode(raw);
}

}  // namespace

bool run_demo(const DemoOptions& options, std::ostream& out) {
    namespace fs = std::filesystem;
    fs::create_directories(options.out_dir);

    out << "gate-scanner demo: signed ticket codes, printed as QR and scanned back offline\n\n";

    // 1. The event's issuer key, kept in a Solana-format key file (mode 0600).
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
    out << "issuer key   " << issuer->public_key().to_base58() << "  (key id " << std::hex
        << std::setw(8) << std::setfill('0') << ticket::key_id_of(issuer->public_key()) << std::dec
        << std::setfill(' ') << ", " << key_path.string() << ")\n";

    // 2. The scanner trusts that key for event 1001 only.
    ticket::IssuerKeyring keyring;
    keyring.add({issuer->public_key(), 1001});

    const auto now =
        static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
    ticket::TicketClaims claims{.event_id = 1001,
                                .ticket_id = 42,
                                .tier = 2,
                                .generation = 0,
                                .valid_from = now - 3600,
                                .valid_until = now + 86400,
                                .issued_at = now};
    const std::string genuine = ticket::issue(claims, *issuer);
    ticket::TicketClaims other_event = claims;
    other_event.event_id = 2002;

    const std::vector<Sample> samples = {
        {"ticket-42.png", genuine, "ok", "genuine ticket 42"},
        {"forged-edit.png", tampered(genuine), "signature.invalid",
         "ticket 42 with its id edited after signing"},
        {"forged-key.png", ticket::issue(claims, crypto::KeyPair::generate()),
         "signature.unknown_key", "signed by a key the gate does not trust"},
        {"wrong-event.png", ticket::issue(other_event, *issuer), "signature.key_wrong_event",
         "genuine key, but signing for another event"},
        {"not-a-ticket.png", "https://example.com/promo", "malformed.prefix", "some other QR code"},
    };

    out << "\n"
        << std::left << std::setw(18) << "image" << std::setw(9) << "verdict" << std::setw(28)
        << "reason" << std::setw(12) << "decode ms" << std::setw(11) << "check ms"
        << "what it is\n";
    bool all_as_expected = true;
    for (const auto& s : samples) {
        // 3. Print the code as a QR image, as the backend's QR endpoint would.
        const fs::path png = options.out_dir / s.name;
        auto qr = qr::render(s.text);
        if (!qr || !qr::write_png(qr->image, png)) {
            out << "cannot render " << png.string() << "\n";
            return false;
        }
        // 4. Scan it: load the image, find the QR, check the code offline.
        auto image = qr::load_image(png);
        if (!image) {
            out << "cannot read " << png.string() << ": " << image.error().message << "\n";
            return false;
        }
        auto started = Clock::now();
        auto found = qr::decode(image->view());
        const double decode_ms = ms_since(started);
        if (!found) {
            out << "no QR code found in " << png.string() << "\n";
            return false;
        }
        started = Clock::now();
        const CodeCheck check = check_code(found->front().text, keyring);
        const double check_ms = ms_since(started);

        const bool as_expected = check.reason == s.expected;
        all_as_expected = all_as_expected && as_expected;
        out << std::left << std::setw(18) << s.name << std::setw(9)
            << (check.genuine() ? "ACCEPT" : "REJECT") << std::setw(28) << check.reason
            << std::fixed << std::setprecision(2) << std::setw(12) << decode_ms << std::setw(11)
            << check_ms << s.story << (as_expected ? "" : "   <-- UNEXPECTED") << "\n";
    }

    out << "\nticket code: " << genuine.size() << " characters, QR version "
        << qr::render(genuine)->version << "-M\n"
        << "images and key written to " << options.out_dir.string() << "/\n"
        << (all_as_expected ? "demo passed: every verdict as expected\n"
                            : "demo FAILED: a verdict was not as expected\n");
    return all_as_expected;
}

}  // namespace gate::scanner
