#include "gate/backend/ClientAddress.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace gate::backend {

namespace {

namespace ip = boost::asio::ip;

// The address as 16 bytes (IPv4 in the first four), with whether it is IPv4; IPv4-mapped
// IPv6 counts as IPv4.
std::optional<std::pair<std::array<std::uint8_t, 16>, bool>> address_bytes(std::string_view text) {
    boost::system::error_code ec;
    auto address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    std::array<std::uint8_t, 16> bytes{};
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = ip::make_address_v4(ip::v4_mapped, address.to_v6());
    if (address.is_v4()) {
        const auto v4 = address.to_v4().to_bytes();
        std::copy(v4.begin(), v4.end(), bytes.begin());
        return std::pair{bytes, true};
    }
    const auto v6 = address.to_v6().to_bytes();
    std::copy(v6.begin(), v6.end(), bytes.begin());
    return std::pair{bytes, false};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

Result<AddressRange, std::string> AddressRange::parse(std::string_view text) {
    const auto slash = text.find('/');
    const std::string_view host = text.substr(0, slash);
    auto bytes = address_bytes(host);
    if (!bytes) return fail("\"" + std::string(text) + "\" is not an IP address or CIDR range");
    AddressRange range;
    range.bytes_ = bytes->first;
    range.v4_ = bytes->second;
    const int max = range.v4_ ? 32 : 128;
    range.prefix_ = max;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        int prefix = -1;
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
            prefix < 0 || prefix > max)
            return fail("\"" + std::string(text) + "\": the prefix length must be 0.." +
                        std::to_string(max));
        range.prefix_ = prefix;
    }
    // Keep only the network part, so that "10.1.2.3/8" means 10.0.0.0/8.
    for (int bit = range.prefix_; bit < 128; ++bit)
        range.bytes_[static_cast<std::size_t>(bit / 8)] &=
            static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    return range;
}

bool AddressRange::contains(std::string_view address) const {
    auto bytes = address_bytes(trim(address));
    if (!bytes || bytes->second != v4_) return false;
    for (int bit = 0; bit < prefix_; ++bit) {
        const auto i = static_cast<std::size_t>(bit / 8);
        const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
        if ((bytes->first[i] & mask) != (bytes_[i] & mask)) return false;
    }
    return true;
}

std::string AddressRange::to_string() const {
    std::string host;
    if (v4_) {
        ip::address_v4::bytes_type b;
        std::copy_n(bytes_.begin(), 4, b.begin());
        host = ip::address_v4(b).to_string();
    } else {
        ip::address_v6::bytes_type b;
        std::copy(bytes_.begin(), bytes_.end(), b.begin());
        host = ip::address_v6(b).to_string();
    }
    return host + "/" + std::to_string(prefix_);
}

bool in_ranges(const std::vector<AddressRange>& ranges, std::string_view address) {
    for (const auto& range : ranges)
        if (range.contains(address)) return true;
    return false;
}

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<AddressRange>& trusted) {
    std::string client(peer);
    if (!forwarded_for || !in_ranges(trusted, peer)) return client;
    std::string_view rest = *forwarded_for;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        const std::string_view hop =
            trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        if (!address_bytes(hop)) break;  // written by someone we cannot vouch for
        client = std::string(hop);
        if (!in_ranges(trusted, hop)) break;  // the first hop no trusted proxy made
    }
    return client;
}

}  // namespace gate::backend
