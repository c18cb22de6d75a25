#include "gate/log/Format.h"

#include "log/Names.h"

namespace gate::log {

Result<Format, std::string> parse_format(std::string_view name) {
    if (detail::same_name(name, "json")) return Format::Json;
    if (detail::same_name(name, "text")) return Format::Text;
    return fail("unknown log format " + detail::quote(name) + " (expected json or text)");
}

}  // namespace gate::log
