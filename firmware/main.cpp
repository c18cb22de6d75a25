// gate-scanner: command-line wiring over gate::firmware.
#include <CLI/CLI.hpp>
#include <iostream>

#include "gate/crypto/Ed25519.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Png.h"
#include "gate/scanner/CodeCheck.h"
#include "gate/scanner/Demo.h"

namespace {

// Exit codes: 0 accepted / success, 1 rejected / failed, 2 usage or input error.
int check_command(const std::vector<std::string>& issuer_keys, const std::string& code,
                  const std::string& image_path) {
    gate::ticket::IssuerKeyring keyring;
    for (const auto& text : issuer_keys) {
        auto key = gate::crypto::PublicKey::from_base58(text);
        if (!key) {
            std::cerr << "error: --issuer-key '" << text << "': " << to_string(key.error()) << "\n";
            return 2;
        }
        keyring.add({*key});
    }
    std::string text = code;
    if (!image_path.empty()) {
        auto image = gate::qr::load_image(image_path);
        if (!image) {
            std::cerr << "error: " << image.error().message << "\n";
            return 2;
        }
        auto found = gate::qr::decode(image->view());
        if (!found) {
            std::cerr << "error: " << image_path << ": " << found.error().message << "\n";
            return 2;
        }
        text = found->front().text;
    }
    const auto check = gate::scanner::check_code(text, keyring);
    if (!check.genuine()) {
        std::cout << "REJECT " << check.reason << "\n";
        return 1;
    }
    const auto& c = check.code->claims;
    std::cout << "GENUINE event " << c.event_id << " ticket " << c.ticket_id << " tier "
              << unsigned{c.tier} << " generation " << c.generation << " valid " << c.valid_from
              << ".." << c.valid_until << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"gate-scanner: offline-first ticket checks at the gate"};
    app.require_subcommand(1);

    gate::scanner::DemoOptions demo;
    auto* demo_cmd = app.add_subcommand("demo", "Issue, print and scan sample tickets end to end");
    demo_cmd->add_option("--out", demo.out_dir, "Directory for the key and QR images")
        ->capture_default_str();

    std::vector<std::string> issuer_keys;
    std::string code;
    std::string image;
    auto* check_cmd = app.add_subcommand(
        "check", "Check one ticket code (text or QR image) against issuer public keys");
    check_cmd->add_option("--issuer-key", issuer_keys, "Trusted issuer public key (base58)")
        ->required();
    auto* code_opt = check_cmd->add_option("code", code, "The ticket code text (quote it)");
    check_cmd->add_option("--image", image, "A PNG/JPEG image holding the QR code")
        ->excludes(code_opt);

    CLI11_PARSE(app, argc, argv);

    if (*demo_cmd) return gate::scanner::run_demo(demo, std::cout) ? 0 : 1;
    if (*check_cmd) {
        if (code.empty() && image.empty()) {
            std::cerr << "error: give a ticket code or --image FILE\n";
            return 2;
        }
        return check_command(issuer_keys, code, image);
    }
    return 2;
}
