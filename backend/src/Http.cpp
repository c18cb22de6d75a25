#include "gate/backend/Http.h"

namespace gate::backend {

std::optional<std::string> Request::bearer() const {
    auto value = headers.get("Authorization");
    if (!value) return std::nullopt;
    constexpr std::string_view prefix = "Bearer ";
    if (value->size() <= prefix.size() || !http::iequals(value->substr(0, prefix.size()), prefix))
        return std::nullopt;
    return value->substr(prefix.size());
}

std::string_view Request::param(std::string_view name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string_view{} : std::string_view(it->second);
}

std::optional<std::string_view> Request::query_value(std::string_view name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return std::string_view(it->second);
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
    return out;
}

std::string percent_encode(std::string_view text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
            u == '-' || u == '_' || u == '.' || u == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(digits[u >> 4]);
            out.push_back(digits[u & 15]);
        }
    }
    return out;
}

Request make_request(Method method, std::string_view target, std::string body,
                     http::Headers headers) {
    Request request;
    request.method = method;
    request.body = std::move(body);
    request.headers = std::move(headers);
    const auto question = target.find('?');
    request.path = percent_decode(target.substr(0, question), false);
    if (question != std::string_view::npos) {
        std::string_view rest = target.substr(question + 1);
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const std::string_view pair = rest.substr(0, amp);
            rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
            if (pair.empty()) continue;
            const auto eq = pair.find('=');
            std::string key = percent_decode(pair.substr(0, eq), true);
            std::string value = eq == std::string_view::npos
                                    ? std::string{}
                                    : percent_decode(pair.substr(eq + 1), true);
            request.query[std::move(key)] = std::move(value);
        }
    }
    return request;
}

nlohmann::json Response::json() const {
    return nlohmann::json::parse(body, nullptr, false);
}

Response json_response(int status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    response.body = body.dump();
    return response;
}

}  // namespace gate::backend
