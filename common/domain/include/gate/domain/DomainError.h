#pragma once
// DomainError: an expected refusal of a business rule or a storage operation, as a value.
// It says what kind of failure it is and gives a stable code and plain words; it knows
// nothing of HTTP (ticket-api's handlers map the kind to a status, docs/api.md "Errors").

#include <optional>
#include <string>

#include "gate/Result.h"

namespace gate::domain {

enum class ErrorKind {
    NotFound,         ///< the thing asked for does not exist
    Unauthenticated,  ///< the credential presented is unknown, used up or expired
    Forbidden,        ///< it exists, but not for this caller
    Conflict,         ///< the current state does not allow it (sold out, not transferable, ...)
    Gone,             ///< it existed and is over (expired reservation or claim)
    Invalid,          ///< a value breaks a rule (`field` names it)
    Busy,             ///< the storage is busy; retrying shortly may succeed
    Internal,         ///< a failure the caller cannot fix (logged where it happened)
};

struct DomainError {
    ErrorKind kind = ErrorKind::Internal;
    std::string code;     ///< stable, e.g. "sold_out", "ticket_not_transferable"
    std::string message;  ///< for people
    std::string field;    ///< for Invalid: the offending field
    /// For NotFound: what was not found ("event", "ticket"), for the caller's message.
    std::string what;
};

template <class T>
using DomainResult = Result<T, DomainError>;
using DomainStatus = Status<DomainError>;

DomainError not_found(std::string what);
DomainError unauthenticated(std::string code, std::string message);
DomainError forbidden(std::string message);
/// A refusal for this caller with its own code (e.g. "claim_invalid").
DomainError forbidden(std::string code, std::string message);
DomainError conflict(std::string code, std::string message);
DomainError gone(std::string code, std::string message);
DomainError invalid(std::string field, std::string message);
DomainError busy();
DomainError internal();

}  // namespace gate::domain
