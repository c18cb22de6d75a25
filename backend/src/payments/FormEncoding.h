#pragma once
// application/x-www-form-urlencoded bodies as Stripe's API reads them: fields in the order
// given, nested keys written with brackets ("metadata[payment]=pay_x").

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gate::backend::payments {

using FormFields = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes everything but RFC 3986's unreserved characters (and, in keys, the
/// brackets of nested names).
std::string form_encode(const FormFields& fields);

}  // namespace gate::backend::payments
