#pragma once
// Who the client is. Behind a load balancer every request comes from the balancer, so the
// peer address says nothing; the balancer says who it serves in X-Forwarded-For. That
// header is believed only from peers in server.trusted_proxies (anyone else could write
// it), and only as far back as the chain of trusted proxies goes.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gate/Result.h"

namespace gate::backend {

/// An IPv4 or IPv6 network in CIDR form ("10.0.0.0/8", "2001:db8::/32"; a bare address is
/// one host). IPv4 addresses seen as IPv6 (::ffff:10.1.2.3) match IPv4 ranges.
class AddressRange {
  public:
    /// Parses `text`; a malformed address or a prefix too long for it is an error saying so.
    static Result<AddressRange, std::string> parse(std::string_view text);

    /// Whether `address` (as text) lies in the range; false for text that is no address.
    bool contains(std::string_view address) const;

    std::string to_string() const;

  private:
    std::array<std::uint8_t, 16> bytes_{};  ///< IPv4 in the first four
    bool v4_ = true;
    int prefix_ = 32;
};

/// True when `address` lies in one of `ranges`.
bool in_ranges(const std::vector<AddressRange>& ranges, std::string_view address);

/// The client's address: `peer` itself, unless `peer` is a trusted proxy and sent
/// `forwarded_for`; then the nearest address in that list (read right to left) that is not
/// a trusted proxy. A malformed entry stops the walk at the last hop that could be trusted.
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<AddressRange>& trusted);

}  // namespace gate::backend
