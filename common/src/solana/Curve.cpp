#include "gate/solana/Curve.h"

#include <array>

namespace gate::solana {
namespace {

// Arithmetic mod p = 2^255 - 19 on eight 32-bit limbs (little-endian) with 64-bit
// products, so it builds the same on 32-bit ARM (no __int128). Written for clarity,
// not speed or constant time: the input is public (a hash), and a PDA search calls
// this a handful of times.
using Fe = std::array<std::uint32_t, 8>;

constexpr Fe kP = {0xffffffedU, 0xffffffffU, 0xffffffffU, 0xffffffffU,
                   0xffffffffU, 0xffffffffU, 0xffffffffU, 0x7fffffffU};
// (p - 1) / 2 = 2^254 - 10: the Euler-criterion exponent.
constexpr Fe kHalfPMinus1 = {0xfffffff6U, 0xffffffffU, 0xffffffffU, 0xffffffffU,
                             0xffffffffU, 0xffffffffU, 0xffffffffU, 0x3fffffffU};
constexpr Fe kOne = {1, 0, 0, 0, 0, 0, 0, 0};
// d = -121665 / 121666 mod p, the Edwards curve constant.
constexpr Fe kD = {0x135978a3U, 0x75eb4dcaU, 0x4141d8abU, 0x00700a4dU,
                   0x7779e898U, 0x8cc74079U, 0x2b6ffe73U, 0x52036ceeU};

bool greater_or_equal(const Fe& a, const Fe& b) {
    for (std::size_t i = a.size(); i-- > 0;) {
        if (a[i] != b[i]) return a[i] > b[i];
    }
    return true;
}

Fe subtract_raw(const Fe& a, const Fe& b) {  // a - b, requires a >= b
    Fe r{};
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const std::uint64_t d = std::uint64_t{a[i]} - b[i] - borrow;
        r[i] = static_cast<std::uint32_t>(d);
        borrow = (d >> 63) & 1U;  // wrapped below zero
    }
    return r;
}

Fe canonical(Fe a) {  // any value < 2^256 (< 3p) to [0, p)
    while (greater_or_equal(a, kP))
        a = subtract_raw(a, kP);
    return a;
}

Fe add(const Fe& a, const Fe& b) {  // inputs < p, so the sum fits in 256 bits
    Fe r{};
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        carry += std::uint64_t{a[i]} + b[i];
        r[i] = static_cast<std::uint32_t>(carry);
        carry >>= 32;
    }
    return canonical(r);
}

Fe sub(const Fe& a, const Fe& b) {  // inputs < p
    if (greater_or_equal(a, b)) return subtract_raw(a, b);
    return add(a, subtract_raw(kP, b));
}

Fe mul(const Fe& a, const Fe& b) {
    std::array<std::uint32_t, 16> t{};
    for (std::size_t i = 0; i < 8; ++i) {
        std::uint64_t carry = 0;
        for (std::size_t j = 0; j < 8; ++j) {
            // (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1: never overflows.
            carry += std::uint64_t{a[i]} * b[j] + t[i + j];
            t[i + j] = static_cast<std::uint32_t>(carry);
            carry >>= 32;
        }
        t[i + 8] = static_cast<std::uint32_t>(carry);
    }
    // 2^256 = 2p + 38, so the high half folds in times 38.
    Fe r{};
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        carry += std::uint64_t{t[i]} + std::uint64_t{t[i + 8]} * 38;
        r[i] = static_cast<std::uint32_t>(carry);
        carry >>= 32;
    }
    while (carry != 0) {
        std::uint64_t c = carry * 38;
        for (std::size_t i = 0; i < 8; ++i) {
            c += r[i];
            r[i] = static_cast<std::uint32_t>(c);
            c >>= 32;
        }
        carry = c;
    }
    return canonical(r);
}

Fe power(const Fe& base, const Fe& exponent) {
    Fe result = kOne;
    for (std::size_t bit = 256; bit-- > 0;) {
        result = mul(result, result);
        if (((exponent[bit / 32] >> (bit % 32)) & 1U) != 0) result = mul(result, base);
    }
    return result;
}

}  // namespace

bool is_on_curve(std::span<const std::uint8_t, 32> bytes) noexcept {
    Fe y{};
    for (std::size_t i = 0; i < 32; ++i)
        y[i / 4] |= static_cast<std::uint32_t>(bytes[i]) << (8 * (i % 4));
    y[7] &= 0x7fffffffU;  // the top bit is x's sign, not part of y
    y = canonical(y);     // as dalek: a non-canonical y is taken mod p
    const Fe yy = mul(y, y);
    const Fe u = sub(yy, kOne);
    const Fe v = add(mul(kD, yy), kOne);  // never 0: -1/d is not a square
    // x^2 = u / v has a root exactly when u / v is a square or zero. u / v and u * v
    // differ by the square v^2, so Euler's criterion on u * v decides without an inverse.
    const Fe uv = mul(u, v);
    if (uv == Fe{}) return true;
    return power(uv, kHalfPMinus1) == kOne;
}

}  // namespace gate::solana
