#pragma once
// Big-endian field writer and reader over a fixed byte buffer, for the ticket code
// layouts in docs/ticket-code.md. Callers size the buffers; nothing here checks bounds
// beyond what the layouts' static sizes guarantee.

#include <cstddef>
#include <cstdint>
#include <span>

namespace gate::ticket {

class BigEndianWriter {
  public:
    explicit BigEndianWriter(std::span<std::uint8_t> out) : out_(out) {}
    template <class T>
    BigEndianWriter& put(T value) {
        for (std::size_t i = sizeof(T); i-- > 0;) {
            out_[pos_++] = static_cast<std::uint8_t>(value >> (8 * i));
        }
        return *this;
    }
    BigEndianWriter& put_bytes(std::span<const std::uint8_t> bytes) {
        for (auto b : bytes)
            out_[pos_++] = b;
        return *this;
    }

  private:
    std::span<std::uint8_t> out_;
    std::size_t pos_ = 0;
};

class BigEndianReader {
  public:
    explicit BigEndianReader(std::span<const std::uint8_t> in) : in_(in) {}
    template <class T>
    T get() {
        T value = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            value = static_cast<T>(static_cast<T>(value << 8) | in_[pos_++]);
        }
        return value;
    }
    void get_bytes(std::span<std::uint8_t> into) {
        for (auto& b : into)
            b = in_[pos_++];
    }

  private:
    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
};

}  // namespace gate::ticket
