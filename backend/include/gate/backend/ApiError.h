#pragma once
// ApiError: an expected failure of a request, as the client sees it: an HTTP status, a
// stable code to branch on and a message for people. Rendered as
// {"error": {"code", "message"[, "fields"]}} (docs/api.md, "Errors").

#include <optional>
#include <string>
#include <vector>

#include "gate/Result.h"
#include "gate/backend/Http.h"
#include "gate/domain/DomainError.h"

namespace gate::backend {

struct FieldError {
    std::string field;  ///< dotted path into the body, e.g. "tiers[1].price_cents"
    std::string code;   ///< missing, wrong_type, too_long, too_short, out_of_range, invalid
    std::string message;
};

struct ApiError {
    ApiError() = default;
    ApiError(int status_, std::string code_, std::string message_,
             std::vector<FieldError> fields_ = {}, std::optional<int> retry_after_s_ = {})
        : status(status_),
          code(std::move(code_)),
          message(std::move(message_)),
          fields(std::move(fields_)),
          retry_after_s(retry_after_s_) {}
    /// The HTTP face of a domain refusal: the one place that maps its kind to a status.
    explicit ApiError(const domain::DomainError& error);

    int status = 500;
    std::string code = "internal";
    std::string message;
    std::vector<FieldError> fields;    ///< for validation_failed
    std::optional<int> retry_after_s;  ///< for rate_limited (429) and unavailable (503)
};

template <class T>
using ApiResult = Result<T, ApiError>;
using ApiStatus = Status<ApiError>;

Response error_response(const ApiError& error);

ApiError bad_request(std::string code, std::string message);
ApiError unauthorized(std::string code, std::string message);
ApiError forbidden(std::string message);
ApiError not_found(std::string what);
ApiError conflict(std::string code, std::string message);
ApiError internal_error();

}  // namespace gate::backend
