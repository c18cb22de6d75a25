// A ticket code as the gate sees it: rendered into a QR image with ZXing-cpp's
// writer, decoded back from the pixels, parsed and verified.
#include <doctest/doctest.h>

#include "TicketVectors.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Render.h"
#include "gate/ticket/IssuerKeyring.h"
#include "gate/ticket/TicketCode.h"

using namespace gate;

TEST_CASE("a ticket code survives rendering to a QR image and decoding back") {
    const auto tv = test::load_ticket_vectors();
    ticket::IssuerKeyring keyring;
    keyring.add({tv.issuer().public_key()});

    for (const auto& v : tv.vectors) {
        CAPTURE(v.name);
        auto qr = qr::render(v.code, {.ec = qr::ErrorCorrection::M, .module_px = 3});
        REQUIRE(qr.ok());
        // 151 alphanumeric characters: version 6 at level M (41 x 41 modules).
        CHECK(qr->version == 6);
        CHECK(qr->modules == 41);
        MESSAGE("ticket code: " << v.code.size() << " characters -> QR version " << qr->version
                                << "-M, " << qr->modules << "x" << qr->modules << " modules");

        auto found = qr::decode(qr->image.view());
        REQUIRE(found.ok());
        REQUIRE(found->size() == 1);
        CHECK(found->front().text == v.code);
        CHECK(found->front().version == 6);

        auto parsed = ticket::parse(found->front().text);
        REQUIRE(parsed.ok());
        CHECK(parsed->claims == v.claims);
        CHECK(keyring.verify(*parsed).ok());
    }
}

TEST_CASE("every ticket code fits QR version 10 or lower at every error-correction level up to Q") {
    const auto tv = test::load_ticket_vectors();
    for (auto ec : {qr::ErrorCorrection::L, qr::ErrorCorrection::M, qr::ErrorCorrection::Q}) {
        auto qr = qr::render(tv.vectors.front().code, {.ec = ec, .module_px = 1});
        REQUIRE(qr.ok());
        CHECK(qr->version <= 10);
    }
}
