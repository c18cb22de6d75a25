#pragma once
// solana::Error: why building, sending or confirming a Solana transaction failed, as a
// value with a stable kind, so callers can tell "fix the input" from "retry later" from
// "the chain refused it".

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace gate::solana {

struct Error {
    enum class Kind {
        InvalidInput,   ///< a malformed key, seed, instruction or message: fix the caller
        TooLarge,       ///< the transaction exceeds the 1232-byte packet limit
        MissingSigner,  ///< a required signer's key was not supplied (or an extra one was)
        Malformed,      ///< bytes that do not decode as a message or transaction
        Network,        ///< the RPC endpoint could not be reached or timed out (retryable)
        Rpc,            ///< the RPC node answered with a JSON-RPC error (see rpc_code)
        BadResponse,    ///< the RPC node answered with something that is not the documented shape
        Transaction,    ///< the transaction was rejected or failed on chain (see chain_error)
        Unconfirmed,    ///< not confirmed within the time allowed; it may still land later
    };

    Error() = default;
    Error(Kind k, std::string text, std::int64_t code = 0, nlohmann::json err = nullptr)
        : kind(k), message(std::move(text)), rpc_code(code), chain_error(std::move(err)) {}

    Kind kind = Kind::InvalidInput;
    /// One line for people and logs; for chain errors it names the instruction and the
    /// program's error (e.g. "instruction 2 (Token-2022): AccountFrozen (custom 17)").
    std::string message;
    /// The JSON-RPC error code when kind is Rpc or Transaction (e.g. -32002), else 0.
    std::int64_t rpc_code = 0;
    /// The runtime's error as the RPC reports it, e.g. {"InstructionError":[0,{"Custom":17}]};
    /// null when there is none.
    nlohmann::json chain_error;

    /// True when the same call may succeed later unchanged (network trouble, rate limits,
    /// node behind). A failed transaction is not retryable as such: rebuild it.
    bool retryable() const noexcept;
};

std::string_view to_string(Error::Kind kind) noexcept;
/// "<kind>: <message>", for logs.
std::string to_string(const Error& error);

}  // namespace gate::solana
