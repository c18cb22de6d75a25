// Reads a --source spec and opens the source it names.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "Concat.h"
#include "gate/scanner/FrameSource.h"

namespace gate::scanner {
namespace {

bool parse_size(std::string_view text, int& width, int& height) {
    const auto x = text.find('x');
    if (x == std::string_view::npos) return false;
    auto number = [](std::string_view s, int& out) {
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc{} && end == s.data() + s.size() && out > 0 && out <= 8192;
    };
    return number(text.substr(0, x), width) && number(text.substr(x + 1), height);
}

}  // namespace

Result<std::unique_ptr<FrameSource>, SourceError> open_source(std::string_view spec) {
    if (spec.starts_with("y8:")) {
        std::string_view rest = spec.substr(3);
        const auto colon = rest.find(':');
        const std::string_view size = rest.substr(0, colon);
        int width = 0, height = 0;
        if (!parse_size(size, width, height))
            return fail(SourceError{
                concat({"'", spec, "': give the frame size as y8:WIDTHxHEIGHT, e.g. y8:640x480"})});
        if (colon == std::string_view::npos || rest.substr(colon + 1) == "-")
            return open_y8_stream(STDIN_FILENO, width, height);
        const std::string path(rest.substr(colon + 1));
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return fail(SourceError{concat({"cannot open '", path, "': ", std::strerror(errno)})});
        return open_y8_stream(fd, width, height, true);
    }
    if (spec.starts_with("v4l2:")) {
        std::string_view rest = spec.substr(5);
        int width = 640, height = 480;
        const auto colon = rest.find(':');
        if (colon != std::string_view::npos) {
            if (!parse_size(rest.substr(colon + 1), width, height))
                return fail(SourceError{
                    concat({"'", spec, "': write v4l2:/dev/videoN or v4l2:/dev/videoN:WxH"})});
            rest = rest.substr(0, colon);
        }
        if (rest.empty())
            return fail(
                SourceError{concat({"'", spec, "': name the device, e.g. v4l2:/dev/video0"})});
        return open_v4l2(std::string(rest), width, height);
    }
    if (spec.starts_with("file:")) return open_image_files(spec.substr(5));
    if (spec.starts_with("dir:")) return open_image_files(spec.substr(4));
    if (spec.empty())
        return fail(
            SourceError{"no source: give --source PATH, dir:PATH, y8:WxH or v4l2:/dev/video0"});
    return open_image_files(spec);
}

}  // namespace gate::scanner
