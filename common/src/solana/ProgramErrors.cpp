#include "gate/solana/ProgramErrors.h"

#include <array>

#include "gate/solana/Programs.h"

namespace gate::solana {
namespace {

// TokenError in Token-2022 (token/program-2022/src/error.rs); the first 20 are shared
// with the original Token program.
constexpr std::array<std::string_view, 49> kTokenErrors = {
    "NotRentExempt",
    "InsufficientFunds",
    "InvalidMint",
    "MintMismatch",
    "OwnerMismatch",
    "FixedSupply",
    "AlreadyInUse",
    "InvalidNumberOfProvidedSigners",
    "InvalidNumberOfRequiredSigners",
    "UninitializedState",
    "NativeNotSupported",
    "NonNativeHasBalance",
    "InvalidInstruction",
    "InvalidState",
    "Overflow",
    "AuthorityTypeNotSupported",
    "MintCannotFreeze",
    "AccountFrozen",
    "MintDecimalsMismatch",
    "NonNativeNotSupported",
    "ExtensionTypeMismatch",
    "ExtensionBaseMismatch",
    "ExtensionAlreadyInitialized",
    "ConfidentialTransferAccountHasBalance",
    "ConfidentialTransferAccountNotApproved",
    "ConfidentialTransferDepositsAndTransfersDisabled",
    "ConfidentialTransferElGamalPubkeyMismatch",
    "ConfidentialTransferBalanceMismatch",
    "MintHasSupply",
    "NoAuthorityExists",
    "TransferFeeExceedsMaximum",
    "MintRequiredForTransfer",
    "FeeMismatch",
    "FeeParametersMismatch",
    "ImmutableOwner",
    "AccountHasWithheldTransferFees",
    "NoMemo",
    "NonTransferable",
    "NonTransferableNeedsImmutableOwnership",
    "MaximumPendingBalanceCounterExceeded",
    "MaximumDepositAmountExceeded",
    "CpiGuardSettingsLocked",
    "CpiGuardTransferBlocked",
    "CpiGuardBurnBlocked",
    "CpiGuardCloseAccountBlocked",
    "CpiGuardApproveBlocked",
    "CpiGuardSetAuthorityBlocked",
    "CpiGuardOwnerChangeBlocked",
    "ExtensionNotFound",
};

// spl-token-metadata-interface errors start at a hashed offset so they do not clash
// with the host program's own codes.
constexpr std::uint32_t kTokenMetadataErrorBase = 901'952'957;
constexpr std::array<std::string_view, 6> kTokenMetadataErrors = {
    "IncorrectAccount",         "MintHasNoMintAuthority", "IncorrectMintAuthority",
    "IncorrectUpdateAuthority", "ImmutableMetadata",      "KeyNotFound",
};

constexpr std::array<std::string_view, 9> kSystemErrors = {
    "AccountAlreadyInUse",      "ResultWithNegativeLamports", "InvalidProgramId",
    "InvalidAccountDataLength", "MaxSeedLengthExceeded",      "AddressWithSeedMismatch",
    "NonceNoRecentBlockhashes", "NonceBlockhashNotExpired",   "NonceUnexpectedBlockhashValue",
};

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& names, std::uint64_t index) {
    return index < N ? names[index] : std::string_view{};
}

}  // namespace

std::optional<InstructionFailure> instruction_failure(const nlohmann::json& err) {
    if (!err.is_object() || !err.contains("InstructionError")) return std::nullopt;
    const auto& pair = err["InstructionError"];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned()) return std::nullopt;
    InstructionFailure f;
    f.index = pair[0].get<std::size_t>();
    const auto& inner = pair[1];
    if (inner.is_string()) {
        f.error = inner.get<std::string>();
    } else if (inner.is_object() && inner.contains("Custom") &&
               inner["Custom"].is_number_unsigned()) {
        f.error = "Custom";
        f.custom_code = inner["Custom"].get<std::uint32_t>();
    } else if (inner.is_object() && !inner.empty()) {
        f.error = inner.begin().key();
    } else {
        f.error = inner.dump();
    }
    return f;
}

std::string_view custom_error_name(const Pubkey& program_id, std::uint32_t code) {
    if (program_id == program::token_2022() || program_id == program::token()) {
        if (code >= kTokenMetadataErrorBase)
            return pick(kTokenMetadataErrors, code - kTokenMetadataErrorBase);
        if (program_id == program::token() && code >= 20) return {};
        return pick(kTokenErrors, code);
    }
    if (program_id == program::system()) return pick(kSystemErrors, code);
    if (program_id == program::associated_token_account() && code == 0) return "InvalidOwner";
    return {};
}

std::string describe_transaction_error(const nlohmann::json& err, const Message* message) {
    if (err.is_null()) return "no error";
    if (err.is_string()) return err.get<std::string>();
    const auto failure = instruction_failure(err);
    if (!failure) return err.dump();
    std::string text = "instruction " + std::to_string(failure->index);
    const Pubkey* program_id = message != nullptr ? message->program_of(failure->index) : nullptr;
    if (program_id != nullptr) text += " (" + program::name_of(*program_id) + ")";
    text += ": ";
    if (failure->custom_code) {
        const auto name = program_id != nullptr
                              ? custom_error_name(*program_id, *failure->custom_code)
                              : std::string_view{};
        if (!name.empty())
            text +=
                std::string(name) + " (custom error " + std::to_string(*failure->custom_code) + ")";
        else
            text += "custom program error " + std::to_string(*failure->custom_code);
    } else {
        text += failure->error;
    }
    return text;
}

}  // namespace gate::solana
