#include "gate/solana/Error.h"

namespace gate::solana {

bool Error::retryable() const noexcept {
    switch (kind) {
        case Kind::Network:
        case Kind::Unconfirmed:
            return true;
        case Kind::Rpc:
            // -32005 node unhealthy / behind, -32004 block not available, -32007 slot skipped,
            // -32016 min context slot not reached; 429-style limits arrive as Network.
            return rpc_code == -32005 || rpc_code == -32004 || rpc_code == -32007 ||
                   rpc_code == -32016;
        default:
            return false;
    }
}

std::string_view to_string(Error::Kind kind) noexcept {
    switch (kind) {
        case Error::Kind::InvalidInput:
            return "invalid input";
        case Error::Kind::TooLarge:
            return "transaction too large";
        case Error::Kind::MissingSigner:
            return "missing signer";
        case Error::Kind::Malformed:
            return "malformed";
        case Error::Kind::Network:
            return "network";
        case Error::Kind::Rpc:
            return "rpc error";
        case Error::Kind::BadResponse:
            return "bad rpc response";
        case Error::Kind::Transaction:
            return "transaction failed";
        case Error::Kind::Unconfirmed:
            return "unconfirmed";
    }
    return "unknown";
}

std::string to_string(const Error& error) {
    return std::string(to_string(error.kind)) + ": " + error.message;
}

}  // namespace gate::solana
