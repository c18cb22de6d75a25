#pragma once
// Compute Budget instructions: the compute-unit limit a transaction asks for and the
// priority fee it offers per unit.

#include <cstdint>

#include "gate/solana/Instruction.h"

namespace gate::solana::compute_budget {

Instruction set_compute_unit_limit(std::uint32_t units);
/// Price in micro-lamports per compute unit (the priority fee).
Instruction set_compute_unit_price(std::uint64_t micro_lamports);

}  // namespace gate::solana::compute_budget
