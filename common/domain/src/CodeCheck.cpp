#include "gate/domain/CodeCheck.h"

namespace gate::domain {

CodeCheck check_code(std::string_view text, const ticket::IssuerKeyring& keyring) noexcept {
    auto parsed = ticket::parse(text);
    if (!parsed) return {std::nullopt, ticket::to_string(parsed.error())};
    auto verified = keyring.verify(*parsed);
    if (!verified) return {std::nullopt, ticket::to_string(verified.error())};
    return {std::move(parsed).value(), "ok"};
}

}  // namespace gate::domain
