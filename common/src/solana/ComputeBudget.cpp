#include "gate/solana/ComputeBudget.h"

#include "Wire.h"
#include "gate/solana/Programs.h"

namespace gate::solana::compute_budget {

Instruction set_compute_unit_limit(std::uint32_t units) {
    Bytes data{2};
    wire::put_le(data, units);
    return {program::compute_budget(), {}, std::move(data)};
}

Instruction set_compute_unit_price(std::uint64_t micro_lamports) {
    Bytes data{3};
    wire::put_le(data, micro_lamports);
    return {program::compute_budget(), {}, std::move(data)};
}

}  // namespace gate::solana::compute_budget
