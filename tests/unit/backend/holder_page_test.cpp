// The holder's page as ticket-api serves it: its files from the binary, the redirect to the
// slash, revalidation, and the headers that keep other origins' scripts out.
#include <doctest/doctest.h>

#include "BackendFixture.h"

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
