// The holder's page (docs/holder-page.md): GET /holder/ and its files, from the binary.
// Public: it holds no data; everything it shows comes from the API with the holder's
// session. Each answer carries a strict Content-Security-Policy (scripts and connections
// to this origin only) and an ETag, so a phone revalidates instead of downloading again.
#include <array>

#include "ApiSupport.h"
#include "ConditionalGet.h"
#include "Endpoint.h"
#include "HolderAssets.h"

namespace gate::backend {

namespace {

struct Asset {
    std::string_view name;
    std::string_view content_type;
    std::string_view (*body)();
};

constexpr std::array<Asset, 7> kAssets{{
    {"index.html", "text/html; charset=utf-8", web::holder_index_html},
    {"app.js", "text/javascript; charset=utf-8", web::holder_app_js},
    {"qr.js", "text/javascript; charset=utf-8", web::holder_qr_js},
    {"rotating.js", "text/javascript; charset=utf-8", web::holder_rotating_js},
    {"sw.js", "text/javascript; charset=utf-8", web::holder_sw_js},
    {"style.css", "text/css; charset=utf-8", web::holder_style_css},
    {"manifest.json", "application/manifest+json", web::holder_manifest_json},
}};

constexpr std::string_view kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

Response serve(const Request& request, const Asset& asset) {
    const std::string_view body = asset.body();
    // Computed once per file: the bytes never change while the process runs.
    static const std::array<std::string, kAssets.size()> etags = [] {
        std::array<std::string, kAssets.size()> out;
        for (std::size_t i = 0; i < kAssets.size(); ++i)
            out[i] = etag_of(kAssets[i].body());
        return out;
    }();
    const auto index = static_cast<std::size_t>(&asset - kAssets.data());
    Response response = conditional_answer(request, etags[index], std::string(body), "no-cache",
                                           std::string(asset.content_type));
    response.headers.set("Content-Security-Policy", std::string(kPolicy));
    response.headers.set("X-Content-Type-Options", "nosniff");
    response.headers.set("Referrer-Policy", "no-referrer");
    if (asset.name == "sw.js") response.headers.set("Service-Worker-Allowed", "/holder/");
    return response;
}

ApiResult<Response> holder_index(Call& c) {
    // "/holder" and "/holder/" reach this route alike; the page's relative links need the
    // slash, so the first is sent to the second.
    if (!c.request.path.ends_with('/')) {
        Response moved;
        moved.status = 308;
        moved.content_type = "text/plain; charset=utf-8";
        moved.body = "see /holder/\n";
        moved.headers.set("Location", "/holder/");
        return moved;
    }
    return serve(c.request, kAssets[0]);
}

ApiResult<Response> holder_file(Call& c) {
    const std::string_view name = c.request.param("file");
    for (const auto& asset : kAssets)
        if (asset.name == name) return serve(c.request, asset);
    return fail(not_found("file"));
}

}  // namespace

void add_holder_page_routes(Router& router, Services& s) {
    add_endpoint(router, s, {Method::Get, "/holder", Caller::Anyone, {}, {}}, holder_index);
    add_endpoint(router, s, {Method::Get, "/holder/{file}", Caller::Anyone, {}, {}}, holder_file);
}

}  // namespace gate::backend
