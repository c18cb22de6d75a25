#include "payments/FormEncoding.h"

namespace gate::backend::payments {

namespace {

void append_encoded(std::string& out, std::string_view text, bool brackets_literal) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved || (brackets_literal && (c == '[' || c == ']'))) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0f]);
        }
    }
}

}  // namespace

std::string form_encode(const FormFields& fields) {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (!out.empty()) out.push_back('&');
        append_encoded(out, key, true);
        out.push_back('=');
        append_encoded(out, value, false);
    }
    return out;
}

}  // namespace gate::backend::payments
