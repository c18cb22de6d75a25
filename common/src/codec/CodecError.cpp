#include "gate/codec/CodecError.h"

namespace gate::codec {

std::string CodecError::message() const {
    std::string what;
    switch (kind) {
        case CodecErrorKind::InvalidCharacter:
            what = "invalid character";
            break;
        case CodecErrorKind::InvalidLength:
            what = "invalid length";
            break;
        case CodecErrorKind::NonCanonical:
            what = "non-canonical encoding";
            break;
        case CodecErrorKind::ValueOutOfRange:
            what = "value out of range";
            break;
    }
    return what + " at offset " + std::to_string(position);
}

}  // namespace gate::codec
