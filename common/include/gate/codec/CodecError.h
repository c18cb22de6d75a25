#pragma once
// Why a text could not be decoded, and where: every decoder in gate::codec
// reports failures as this value instead of throwing.

#include <cstddef>
#include <string>

namespace gate::codec {

enum class CodecErrorKind {
    InvalidCharacter,  ///< a character outside the alphabet
    InvalidLength,     ///< a length no valid encoding can have
    NonCanonical,      ///< decodes, but is not what the encoder would produce
    ValueOutOfRange,   ///< a group decodes to a value too large for its bytes (base45)
};

struct CodecError {
    CodecErrorKind kind;
    std::size_t position;  ///< offset of the offending character in the input

    std::string message() const;
    bool operator==(const CodecError&) const = default;
};

}  // namespace gate::codec
