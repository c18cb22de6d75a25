#include <curl/curl.h>

#include <cstring>
#include <memory>

#include "gate/backend/Mailer.h"

namespace gate::backend {

namespace {

struct Upload {
    std::string data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t room = size * count;
    const std::size_t left = upload->data.size() - upload->offset;
    const std::size_t n = std::min(room, left);
    std::memcpy(buffer, upload->data.data() + upload->offset, n);
    upload->offset += n;
    return n;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::string mail_date() {
    char buffer[64];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buffer;
}

}  // namespace

bool is_plausible_email(std::string_view a) {
    if (a.empty() || a.size() > 254) return false;
    const auto at = a.find('@');
    if (at == 0 || at == std::string_view::npos || at != a.rfind('@') || at + 1 >= a.size())
        return false;
    for (char c : a) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
            c == '\\' || c == '(' || c == ')')
            return false;
    }
    return a.find('.', at) != std::string_view::npos;
}

SmtpMailer::SmtpMailer(std::string url, std::string from, std::chrono::milliseconds timeout)
    : url_(std::move(url)), from_(std::move(from)), timeout_(timeout) {}

Status<std::string> SmtpMailer::send(const Mail& mail) {
    if (!configured()) return fail(std::string("mail is not configured (mail.smtp_url)"));
    if (!is_plausible_email(mail.to)) return fail(std::string("recipient is not a plain address"));
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return fail(std::string("libcurl could not start"));
    Upload upload;
    upload.data = "Date: " + mail_date() + "\r\nTo: <" + mail.to + ">\r\nFrom: <" + from_ +
                  ">\r\nSubject: " + mail.subject +
                  "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
    // SMTP bodies use CRLF line ends.
    for (char c : mail.text) {
        if (c == '\n')
            upload.data += "\r\n";
        else if (c != '\r')
            upload.data.push_back(c);
    }
    upload.data += "\r\n";
    std::unique_ptr<curl_slist, ListDeleter> rcpt(
        curl_slist_append(nullptr, ("<" + mail.to + ">").c_str()));
    const std::string from = "<" + from_ + ">";
    curl_easy_setopt(curl.get(), CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl.get(), CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, timeout_.count());
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, timeout_.count());
    const CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK) return fail(std::string("smtp: ") + curl_easy_strerror(rc));
    return {};
}

Status<std::string> SmtpMailer::check() {
    if (!configured()) return fail(std::string("not configured"));
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return fail(std::string("libcurl could not start"));
    curl_easy_setopt(curl.get(), CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 3000L);
    const CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK) return fail(std::string(curl_easy_strerror(rc)));
    return {};
}

}  // namespace gate::backend
