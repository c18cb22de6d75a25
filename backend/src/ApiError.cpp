#include "gate/backend/ApiError.h"

namespace gate::backend {

Response error_response(const ApiError& error) {
    nlohmann::json body{{"code", error.code}, {"message", error.message}};
    if (!error.fields.empty()) {
        auto fields = nlohmann::json::array();
        for (const auto& f : error.fields)
            fields.push_back({{"field", f.field}, {"code", f.code}, {"message", f.message}});
        body["fields"] = std::move(fields);
    }
    Response response = json_response(error.status, {{"error", std::move(body)}});
    if (error.retry_after_s)
        response.headers.set("Retry-After", std::to_string(*error.retry_after_s));
    return response;
}

ApiError bad_request(std::string code, std::string message) {
    return {400, std::move(code), std::move(message), {}, {}};
}
ApiError unauthorized(std::string code, std::string message) {
    return {401, std::move(code), std::move(message), {}, {}};
}
ApiError forbidden(std::string message) {
    return {403, "forbidden", std::move(message), {}, {}};
}
ApiError not_found(std::string what) {
    return {404, "not_found", std::move(what) + " not found", {}, {}};
}
ApiError conflict(std::string code, std::string message) {
    return {409, std::move(code), std::move(message), {}, {}};
}
ApiError internal_error() {
    return {500, "internal", "internal error", {}, {}};
}

}  // namespace gate::backend
