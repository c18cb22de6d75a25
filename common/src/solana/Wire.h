#pragma once
// Little-endian and Borsh helpers for instruction data and account state (private).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gate/Bytes.h"
#include "gate/solana/Pubkey.h"

namespace gate::solana::wire {

template <class T>
void put_le(Bytes& out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i)
        out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8 * i)));
}

inline void put_key(Bytes& out, const Pubkey& key) {
    out.insert(out.end(), key.bytes.begin(), key.bytes.end());
}

/// Borsh string: u32 length, then the UTF-8 bytes.
inline void put_string(Bytes& out, std::string_view s) {
    put_le<std::uint32_t>(out, static_cast<std::uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}

/// A bounds-checked little-endian reader; any short read sets failed() and yields zeros.
class Reader {
  public:
    explicit Reader(ByteView in) : in_(in) {}
    bool failed() const { return failed_; }
    std::size_t offset() const { return pos_; }
    std::size_t remaining() const { return in_.size() - pos_; }

    template <class T>
    T le() {
        if (remaining() < sizeof(T)) return fail_with(T{});
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v |= static_cast<std::uint64_t>(in_[pos_ + i]) << (8 * i);
        pos_ += sizeof(T);
        return static_cast<T>(v);
    }
    Pubkey key() {
        Pubkey k;
        if (remaining() < 32) return fail_with(k);
        std::copy(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                  in_.begin() + static_cast<std::ptrdiff_t>(pos_ + 32), k.bytes.begin());
        pos_ += 32;
        return k;
    }
    ByteView bytes(std::size_t n) {
        if (remaining() < n) return fail_with(ByteView{});
        ByteView v = in_.subspan(pos_, n);
        pos_ += n;
        return v;
    }
    std::string string() {
        const auto n = le<std::uint32_t>();
        const ByteView b = bytes(n);
        return std::string(b.begin(), b.end());
    }
    /// COption<Pubkey> as the token program packs it: u32 tag (0 or 1), then 32 bytes.
    std::optional<Pubkey> coption_key() {
        const auto tag = le<std::uint32_t>();
        const Pubkey k = key();
        if (tag > 1) failed_ = true;
        if (tag == 1) return k;
        return std::nullopt;
    }
    /// OptionalNonZeroPubkey: 32 bytes, all zero meaning none.
    std::optional<Pubkey> nonzero_key() {
        const Pubkey k = key();
        if (k == Pubkey{}) return std::nullopt;
        return k;
    }

  private:
    template <class T>
    T fail_with(T value) {
        failed_ = true;
        pos_ = in_.size();
        return value;
    }
    ByteView in_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

}  // namespace gate::solana::wire
