# Build step: writes a C++ source holding a file's bytes, so that a binary can serve a
# document (docs/openapi.json) without reading it from disk where it may not be installed.
#   cmake -DIN=<file> -DOUT=<file.cpp> -DNAMESPACE=<ns> -DFUNCTION=<name> -P EmbedFile.cmake
# The source defines `std::string_view <ns>::<name>()`. The bytes go in as an array, not a
# string literal: literals beyond 64 KiB are outside what ISO C++ promises (-Wpedantic).
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" digits)
math(EXPR size "${digits} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)"
       "\\1\n" bytes "${bytes}")
get_filename_component(name ${IN} NAME)
file(WRITE ${OUT}.tmp
"// Generated from ${name} by cmake/EmbedFile.cmake at build time; do not edit.
#include <string_view>

namespace ${NAMESPACE} {
namespace {
constexpr unsigned char kBytes[${size} + 1] = {
${bytes}0};
}  // namespace
std::string_view ${FUNCTION}() { return {reinterpret_cast<const char*>(kBytes), ${size}}; }
}  // namespace ${NAMESPACE}
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
