#pragma once
// Turns the runtime's transaction errors (the RPC's JSON form, e.g.
// {"InstructionError":[2,{"Custom":17}]}) into readable text: which instruction, which
// program, and the program's own name for a custom error code (Token-2022's TokenError,
// the token-metadata interface, System, Associated Token Account).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "gate/solana/Message.h"
#include "gate/solana/Pubkey.h"

namespace gate::solana {

/// The instruction that failed and how, when the error is an InstructionError.
struct InstructionFailure {
    std::size_t index = 0;
    std::optional<std::uint32_t> custom_code;  ///< {"Custom": n}
    std::string error;  ///< "Custom", or the runtime's name ("InvalidAccountData")
};

std::optional<InstructionFailure> instruction_failure(const nlohmann::json& err);

/// The program's name for a custom error code ("AccountFrozen"), or empty if unknown.
std::string_view custom_error_name(const Pubkey& program_id, std::uint32_t code);

/// One line, e.g. "instruction 1 (Token-2022): AccountFrozen (custom error 17)" or
/// "BlockhashNotFound". `message` (optional) names the program of the failing instruction.
std::string describe_transaction_error(const nlohmann::json& err, const Message* message = nullptr);

}  // namespace gate::solana
