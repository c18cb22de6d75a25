#include "gate/backend/ApiError.h"

namespace gate::backend {

namespace {
int status_of(domain::ErrorKind kind) {
    switch (kind) {
        case domain::ErrorKind::NotFound:
            return 404;
        case domain::ErrorKind::Unauthenticated:
            return 401;
        case domain::ErrorKind::Forbidden:
            return 403;
        case domain::ErrorKind::Conflict:
            return 409;
        case domain::ErrorKind::Gone:
            return 410;
        case domain::ErrorKind::Invalid:
            return 400;
        case domain::ErrorKind::Busy:
            return 503;
        case domain::ErrorKind::Internal:
            return 500;
    }
    return 500;
}
}  // namespace

ApiError::ApiError(const domain::DomainError& error)
    : status(status_of(error.kind)), code(error.code), message(error.message) {
    if (error.kind == domain::ErrorKind::Invalid && !error.field.empty())
        fields.push_back({error.field, "invalid", error.message});
    if (error.kind == domain::ErrorKind::Busy) retry_after_s = 1;
}

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
