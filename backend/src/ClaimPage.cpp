// The page the claim mail links to (GET /claim/{reference}): a small self-contained HTML
// page for the recipient. For a pending transfer it holds a form that posts the claim to
// POST /api/v1/tickets/claim; the claim code comes from the link's fragment (#code=...),
// which browsers never send, so the code is not in this request. For a transfer that is
// over it says why, with the status the claim API would answer.
#include <ctime>

#include "ApiSupport.h"
#include "Endpoint.h"
#include "TransferReference.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/Hash.h"

namespace gate::backend {

namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.4}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;"
    "box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}";

// Reads the code from the fragment and posts the claim as JSON with the session token.
constexpr std::string_view kScript =
    "const f=document.getElementById('claim'),out=document.getElementById('result');"
    "const h=new URLSearchParams(location.hash.slice(1));"
    "if(h.get('code'))f.code.value=h.get('code');"
    "f.addEventListener('submit',async e=>{e.preventDefault();out.textContent='Claiming...';"
    "try{const r=await fetch(f.action,{method:'POST',headers:{'Content-Type':"
    "'application/json','Authorization':'Bearer '+f.token.value.trim()},body:JSON.stringify("
    "{reference:f.dataset.reference,email:f.email.value.trim(),code:f.code.value.trim()})});"
    "const j=await r.json();out.textContent=r.ok?'Done: ticket '+j.ticket.ticket_id+"
    "' is now in your wallet.':(j.error&&j.error.message)||('Refused (HTTP '+r.status+')');}"
    "catch(x){out.textContent='The server could not be reached; try again.';}});";

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A Content-Security-Policy source for one inline element: 'sha256-<standard base64>'.
std::string csp_hash(std::string_view inline_text) {
    std::string b64 = codec::base64url_encode(crypto::sha256(as_bytes(inline_text)));
    for (auto& c : b64)
        c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (b64.size() % 4 != 0)
        b64 += '=';
    return "'sha256-" + b64 + "'";
}

std::string utc_text(std::int64_t ms) {
    const std::time_t seconds = ms / 1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
    return buffer;
}

Response page(int status, std::string_view title, const std::string& content) {
    Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta name=\"robots\" content=\"noindex\"><title>" +
        html_escape(title) + "</title><style>" + std::string(kStyle) +
        "</style></head>\n<body>\n<h1>" + html_escape(title) + "</h1>\n" + content +
        "</body></html>\n";
    // Nothing but this page's own style and script, talking only to this server.
    r.headers.set("Content-Security-Policy",
                  "default-src 'none'; style-src " + csp_hash(kStyle) + "; script-src " +
                      csp_hash(kScript) +
                      "; connect-src 'self'; form-action 'self'; base-uri 'none'; "
                      "frame-ancestors 'none'");
    r.headers.set("Cache-Control", "no-store");
    r.headers.set("Referrer-Policy", "no-referrer");
    r.headers.set("X-Content-Type-Options", "nosniff");
    return r;
}

Response claim_form(const EmailTransfer& t) {
    const std::string content =
        "<p>Someone sent you a ticket for <strong>" + html_escape(t.event_name) +
        "</strong>. Claim it before " + utc_text(t.expires_at) + ".</p>\n" +
        "<form id=\"claim\" method=\"post\" action=\"/api/v1/tickets/claim\" "
        "data-reference=\"" +
        html_escape(t.reference) + "\">\n" +
        "<label for=\"email\">Your email address (the one this mail was sent to)</label>"
        "<input id=\"email\" name=\"email\" type=\"email\" required maxlength=\"254\" "
        "autocomplete=\"email\">\n"
        "<label for=\"code\">Claim code (from the mail)</label>"
        "<input id=\"code\" name=\"code\" required maxlength=\"100\" autocomplete=\"off\">\n"
        "<label for=\"token\">Your wallet's session token (sign in: POST /api/v1/auth/nonce, "
        "then /api/v1/auth/sign-in)</label>"
        "<input id=\"token\" name=\"token\" required autocomplete=\"off\">\n"
        "<button type=\"submit\">Claim the ticket</button>\n</form>\n"
        "<p id=\"result\" role=\"status\"></p>\n<script>" +
        std::string(kScript) + "</script>\n";
    return page(200, "A ticket for you", content);
}

// Answers like the claim API would: 404 unknown, 409 claimed, 410 cancelled or expired.
Response over(const EmailTransfer& t) {
    switch (t.status) {
        case domain::TransferStatus::Completed:
            return page(409, "Already claimed",
                        "<p>This ticket was already claimed. A ticket can be claimed once.</p>\n");
        case domain::TransferStatus::Cancelled:
            return page(
                410, "Transfer cancelled",
                "<p>The sender cancelled this transfer; the ticket stayed with them.</p>\n");
        case domain::TransferStatus::Pending:
        case domain::TransferStatus::Expired:
            break;
    }
    return page(410, "Transfer expired",
                "<p>This transfer expired before it was claimed. Ask the sender to send the "
                "ticket again.</p>\n");
}

Response unknown() {
    return page(404, "Claim link not valid",
                "<p>This claim link does not name a transfer. Check that the whole link from "
                "the mail was opened.</p>\n");
}

ApiResult<Response> claim_page(Call& c) {
    const std::string reference(c.request.param("reference"));
    if (!is_transfer_reference(reference)) return unknown();
    auto found = c.s.store.find_email_transfer(reference, c.s.clock.now_ms());
    if (!found.ok()) return fail(found.error());
    if (!found->has_value()) return unknown();
    const EmailTransfer& t = **found;
    if (t.status != domain::TransferStatus::Pending) return over(t);
    return claim_form(t);
}

}  // namespace

void add_claim_page_routes(Router& router, Services& s) {
    add_endpoint(router, s,
                 {Method::Get,
                  "/claim/{reference}",
                  Caller::Anyone,
                  {},
                  RateLimit{"claim-page", &Settings::claim_address_limit, RateKey::ClientAddress}},
                 claim_page);
}

}  // namespace gate::backend
