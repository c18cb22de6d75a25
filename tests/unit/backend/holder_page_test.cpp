// The holder's page as ticket-api serves it: its files from the binary, the redirect to the
// slash, revalidation, and the headers that keep other origins' scripts out.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "BackendFixture.h"
#include "gate/qr/Decode.h"
#include "gate/qr/Png.h"

using namespace gate::test;
using gate::backend::Method;

TEST_CASE("ticket-api serves the holder's page and each of its files") {
    Backend b;
    auto moved = b.call(Method::Get, "/holder");
    CHECK(moved.status == 308);
    CHECK(moved.headers.get("Location") == "/holder/");

    auto index = b.call(Method::Get, "/holder/");
    REQUIRE(index.status == 200);
    CHECK(index.content_type == "text/html; charset=utf-8");
    CHECK(index.body.find("<script type=\"module\" src=\"app.js\">") != std::string::npos);
    const auto policy = index.headers.get("Content-Security-Policy").value_or("");
    CHECK(policy.find("script-src 'self'") != std::string::npos);
    CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(policy.find("unsafe-inline") == std::string::npos);
    CHECK(index.headers.get("X-Content-Type-Options") == "nosniff");
    CHECK(b.call(Method::Get, "/holder/index.html").body == index.body);

    const std::pair<const char*, const char*> files[] = {
        {"app.js", "text/javascript; charset=utf-8"},
        {"qr.js", "text/javascript; charset=utf-8"},
        {"rotating.js", "text/javascript; charset=utf-8"},
        {"sw.js", "text/javascript; charset=utf-8"},
        {"style.css", "text/css; charset=utf-8"},
        {"manifest.json", "application/manifest+json"},
    };
    for (const auto& [file, type] : files) {
        CAPTURE(file);
        auto r = b.call(Method::Get, std::string("/holder/") + file);
        CHECK(r.status == 200);
        CHECK(r.content_type == type);
        CHECK(r.body.size() > 100);
    }
    CHECK(b.call(Method::Get, "/holder/sw.js").headers.get("Service-Worker-Allowed") == "/holder/");
    CHECK(b.call(Method::Get, "/holder/manifest.json").json()["start_url"] == "/holder/");
}

TEST_CASE("holder page files revalidate, and nothing else is served under /holder") {
    Backend b;
    auto first = b.call(Method::Get, "/holder/app.js");
    const auto etag = first.headers.get("ETag");
    REQUIRE(etag.has_value());
    gate::http::Headers again;
    again.set("If-None-Match", *etag);
    auto cached = b.call_with(Method::Get, "/holder/app.js", {}, again);
    CHECK(cached.status == 304);
    CHECK(cached.body.empty());
    CHECK(b.call(Method::Get, "/holder/qr.js").headers.get("ETag") != etag);

    for (const char* path : {"/holder/secret.key", "/holder/..", "/holder/%2e%2e%2fapi.db",
                             "/holder/app.js.map", "/holder/APP.JS"}) {
        CAPTURE(path);
        CHECK(b.call(Method::Get, path).status == 404);
    }
    CHECK(b.call(Method::Post, "/holder/app.js", std::string("{}")).status == 405);
}

TEST_CASE("the holder page's QR encoder is read back by ZXing, every version up to 10") {
    const std::string node = GATE_NODE_BIN;
    if (node.empty()) {
        MESSAGE("skipped: no Node to run the holder page's encoder");
        return;
    }
    TempDir dir;
    const std::string command = node + " " + GATE_HOLDER_CODE_CHECK + " " + GATE_TEST_DATA_DIR +
                                "/ticket-code-vectors.json " + (dir / "qr").string() + " > " +
                                (dir / "node.log").string() + " 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    int read = 0;
    std::set<int> versions;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "qr")) {
        if (entry.path().extension() != ".pgm") continue;
        CAPTURE(entry.path().filename().string());
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        auto image = gate::qr::decode_image(gate::as_bytes(bytes));
        REQUIRE(image.ok());
        auto found = gate::qr::decode(image->view());
        REQUIRE(found.ok());
        REQUIRE(found->size() == 1);
        auto text_path = entry.path();
        text_path.replace_extension(".txt");
        std::ifstream text_in(text_path);
        const std::string text((std::istreambuf_iterator<char>(text_in)), {});
        CHECK(found->front().text == text);
        versions.insert(found->front().version.value_or(0));
        ++read;
    }
    CHECK(read == 20);
    CHECK(versions.count(1) == 1);
    CHECK(versions.count(6) == 1);
    CHECK(versions.count(10) == 1);
}
