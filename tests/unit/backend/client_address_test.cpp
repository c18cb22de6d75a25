// Who the client is behind a load balancer: X-Forwarded-For is believed only from trusted
// proxies, and only as far back as trusted proxies wrote it.
#include <doctest/doctest.h>

#include "gate/backend/ClientAddress.h"

using gate::backend::AddressRange;
using gate::backend::client_address;

namespace {
std::vector<AddressRange> ranges(std::initializer_list<const char*> texts) {
    std::vector<AddressRange> out;
    for (const char* text : texts) {
        auto range = AddressRange::parse(text);
        REQUIRE_MESSAGE(range.ok(), text);
        out.push_back(*range);
    }
    return out;
}
}  // namespace

TEST_CASE("address ranges: CIDR for IPv4 and IPv6, bare addresses, mapped IPv4") {
    auto lan = AddressRange::parse("10.0.0.0/8").value();
    CHECK(lan.contains("10.200.3.4"));
    CHECK_FALSE(lan.contains("11.0.0.1"));
    CHECK(lan.contains("::ffff:10.1.2.3"));  // how a dual-stack socket shows IPv4 peers
    CHECK_FALSE(lan.contains("not an address"));
    CHECK_FALSE(lan.contains(""));
    CHECK(AddressRange::parse("10.9.8.7/8").value().to_string() == "10.0.0.0/8");
    auto host = AddressRange::parse("192.0.2.7").value();
    CHECK(host.contains("192.0.2.7"));
    CHECK_FALSE(host.contains("192.0.2.8"));
    CHECK(host.to_string() == "192.0.2.7/32");
    auto v6 = AddressRange::parse("2001:db8::/32").value();
    CHECK(v6.contains("2001:db8:ffff::1"));
    CHECK_FALSE(v6.contains("2001:db9::1"));
    CHECK_FALSE(v6.contains("10.0.0.1"));
    CHECK(AddressRange::parse("0.0.0.0/0").value().contains("198.51.100.1"));
    CHECK(AddressRange::parse("203.0.113.0/25").value().contains("203.0.113.127"));
    CHECK_FALSE(AddressRange::parse("203.0.113.0/25").value().contains("203.0.113.128"));
}

TEST_CASE("malformed ranges are refused with what is wrong") {
    for (const char* bad : {"", "10.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/8x", "::/129",
                            "10.0.0.0/-1", "example.com", "10.0.0.0/8/8", "1.2.3.4 "}) {
        CAPTURE(bad);
        auto range = AddressRange::parse(bad);
        REQUIRE_FALSE(range.ok());
        CHECK(range.error().find(std::string(bad).substr(0, 4)) != std::string::npos);
    }
    CHECK(AddressRange::parse("10.0.0.0/33").error().find("0..32") != std::string::npos);
}

TEST_CASE("X-Forwarded-For counts only when a trusted proxy sent it") {
    const auto trusted = ranges({"10.0.0.0/8"});
    // No trusted proxies configured, or a peer outside them: the peer is the client, whatever
    // it claims.
    CHECK(client_address("198.51.100.4", "203.0.113.9", {}) == "198.51.100.4");
    CHECK(client_address("198.51.100.4", "203.0.113.9", trusted) == "198.51.100.4");
    // The balancer at 10.0.0.2 says who it serves.
    CHECK(client_address("10.0.0.2", "203.0.113.9", trusted) == "203.0.113.9");
    CHECK(client_address("10.0.0.2", std::nullopt, trusted) == "10.0.0.2");
    // A client that writes its own header cannot hide behind it: the balancer appends the
    // real peer, and the walk stops at the first address no trusted proxy is.
    CHECK(client_address("10.0.0.2", "1.1.1.1, 203.0.113.9", trusted) == "203.0.113.9");
    // Two trusted proxies in a row (edge, then internal balancer).
    CHECK(client_address("10.0.0.2", "203.0.113.9, 10.0.5.5", trusted) == "203.0.113.9");
    // Garbage stops the walk at the last hop a trusted proxy vouched for.
    CHECK(client_address("10.0.0.2", "203.0.113.9, junk", trusted) == "10.0.0.2");
    CHECK(client_address("10.0.0.2", "junk, 10.0.5.5", trusted) == "10.0.5.5");
    CHECK(client_address("10.0.0.2", "", trusted) == "10.0.0.2");
    // Everything trusted: the farthest trusted hop.
    CHECK(client_address("10.0.0.2", "10.0.9.9,10.0.5.5", trusted) == "10.0.9.9");
    CHECK(client_address("10.0.0.2", " 2001:db8::7 ", trusted) == "2001:db8::7");
}
