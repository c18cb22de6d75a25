#include "ConditionalGet.h"

#include "ApiSupport.h"

namespace gate::backend {

std::string etag_of(std::string_view body) {
    return "\"" + hash_hex(body).substr(0, 32) + "\"";
}

bool client_has(const Request& r, const std::string& etag) {
    const auto header = r.header("If-None-Match");
    if (!header) return false;
    std::string_view rest = *header;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view tag = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t'))
            tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t'))
            tag.remove_suffix(1);
        if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);  // weak comparison
        if (tag == "*" || tag == etag) return true;
    }
    return false;
}

Response conditional_answer(const Request& r, const std::string& etag, std::string body,
                            std::string_view cache_control, std::string content_type) {
    Response response;
    response.headers.set("ETag", etag);
    response.headers.set("Cache-Control", std::string(cache_control));
    if (client_has(r, etag)) {
        response.status = 304;
        response.content_type.clear();
        return response;
    }
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    return response;
}

}  // namespace gate::backend
