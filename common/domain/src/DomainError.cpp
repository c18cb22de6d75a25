#include "gate/domain/DomainError.h"

namespace gate::domain {

DomainError not_found(std::string what) {
    auto message = what + " not found";
    return {ErrorKind::NotFound, "not_found", std::move(message), {}, std::move(what)};
}

DomainError unauthenticated(std::string code, std::string message) {
    return {ErrorKind::Unauthenticated, std::move(code), std::move(message), {}, {}};
}

DomainError forbidden(std::string message) {
    return forbidden("forbidden", std::move(message));
}

DomainError forbidden(std::string code, std::string message) {
    return {ErrorKind::Forbidden, std::move(code), std::move(message), {}, {}};
}

DomainError conflict(std::string code, std::string message) {
    return {ErrorKind::Conflict, std::move(code), std::move(message), {}, {}};
}

DomainError gone(std::string code, std::string message) {
    return {ErrorKind::Gone, std::move(code), std::move(message), {}, {}};
}

DomainError invalid(std::string field, std::string message) {
    return {ErrorKind::Invalid, "validation_failed", std::move(message), std::move(field), {}};
}

DomainError busy() {
    return {ErrorKind::Busy, "busy", "the database is busy; retry shortly", {}, {}};
}

DomainError internal() {
    return {ErrorKind::Internal, "internal", "internal error", {}, {}};
}

}  // namespace gate::domain
