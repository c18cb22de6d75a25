// Leases: one holder at a time across every process on the database; another takes over
// only once the holder stopped renewing.
#include <doctest/doctest.h>

#include "BackendFixture.h"

using namespace gate::test;

TEST_CASE("a lease has one holder until it expires, then the next asker takes it") {
    Backend b;
    auto& store = b.app->store();
    const std::int64_t now = 1'000'000;
    CHECK(store.hold_lease("chain-reconciler", "a", now, 5000).value());
    CHECK_FALSE(store.hold_lease("chain-reconciler", "b", now + 1000, 5000).value());
    CHECK(store.hold_lease("chain-reconciler", "a", now + 4000, 5000).value());  // renewed
    CHECK_FALSE(store.hold_lease("chain-reconciler", "b", now + 8999, 5000).value());
    CHECK(store.hold_lease("other-work", "b", now, 5000).value());  // leases are per name
    // "a" stopped renewing (its process died): "b" takes over once the lease ran out.
    CHECK(store.hold_lease("chain-reconciler", "b", now + 9000, 5000).value());
    CHECK_FALSE(store.hold_lease("chain-reconciler", "a", now + 9001, 5000).value());
    // Only the holder can give it up; then anyone may take it at once.
    REQUIRE(store.release_lease("chain-reconciler", "a").ok());
    CHECK_FALSE(store.hold_lease("chain-reconciler", "c", now + 9002, 5000).value());
    REQUIRE(store.release_lease("chain-reconciler", "b").ok());
    CHECK(store.hold_lease("chain-reconciler", "c", now + 9003, 5000).value());
}
