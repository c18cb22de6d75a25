#pragma once
// CheckinBatch: packs queued check-ins into one signed transaction, as many as fit in
// the 1232-byte packet limit (each is ticket_nft::check_in with gate and time, signed and
// paid by the event's validator key), and maps a failed instruction back to its check-in.
// Pure: no RPC, no database.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gate/Result.h"
#include "gate/device/ChainQueue.h"
#include "gate/solana/Instruction.h"
#include "gate/solana/Transaction.h"

namespace gate::syncd {

struct PackOptions {
    /// At most this many check-ins per transaction (0: as many as fit).
    std::size_t max_checkins = 0;
    /// Priority fee in micro-lamports per compute unit; 0 adds no compute-budget
    /// instructions. When set, a compute-unit limit sized for the batch goes with it.
    std::uint64_t compute_unit_price = 0;
};

/// Compute units asked for per check-in when a limit is set (status, gate and time
/// fields measure ~21 000 on the runtime; the rest is headroom).
inline constexpr std::uint32_t kComputeUnitsPerCheckin = 30'000;

struct PackedCheckins {
    solana::Transaction transaction;
    std::vector<std::uint64_t> ticket_ids;  ///< the check-ins it carries, in order
    std::size_t size = 0;                   ///< wire bytes (<= 1232)
};

/// The instructions of check-ins `checkins` (in order), with the compute-budget prefix.
std::vector<solana::Instruction> checkin_instructions(
    std::span<const device::ChainCheckin> checkins, const solana::Pubkey& validator,
    const PackOptions& options);

/// Signs the longest prefix of `queue` that fits one transaction. TooLarge when not even
/// the first check-in fits (its gate name is too long), InvalidInput when `queue` is empty.
Result<PackedCheckins, solana::Error> pack_checkins(std::span<const device::ChainCheckin> queue,
                                                    const solana::KeyPair& validator,
                                                    const solana::Blockhash& blockhash,
                                                    const PackOptions& options = {});

/// The mint the failing instruction `index` of `message` writes (a check-in's first
/// account), or nullopt when that instruction is not a check-in's.
std::optional<solana::Pubkey> failing_mint(const solana::Message& message, std::size_t index);

/// The check-in time as the chain records it: Unix ms as decimal text.
std::string chain_time(std::int64_t at_ms);

}  // namespace gate::syncd
