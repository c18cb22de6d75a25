#pragma once
// The backend device-sync key of the tests (a fixed seed, so runs repeat), and the two
// things every device test does with it: sign what it feeds the cache as the backend would,
// and pin the key in the device database as provisioning would.

#include <array>
#include <cstdint>
#include <stdexcept>

#include "SyncKey.h"
#include "gate/crypto/Ed25519.h"
#include "gate/domain/SyncSignature.h"

namespace gate::test {

inline const crypto::KeyPair& test_sync_key() {
    static const crypto::KeyPair key = [] {
        std::array<std::uint8_t, crypto::KeyPair::kSeedSize> seed{};
        seed.fill(0x5c);
        return crypto::KeyPair::from_seed(seed);
    }();
    return key;
}

/// A copy of the snapshot, page or assignment signed by test_sync_key().
inline domain::Snapshot signed_copy(domain::Snapshot snapshot) {
    domain::sign_records(snapshot, test_sync_key());
    return snapshot;
}
inline domain::ChangesPage signed_copy(domain::ChangesPage page) {
    domain::sign_records(page, test_sync_key());
    return page;
}
inline domain::Assignment signed_copy(domain::Assignment assignment) {
    domain::sign_record(assignment, test_sync_key());
    return assignment;
}

/// Pins test_sync_key() in a device database (anything with pin_sync_key); throws when it
/// cannot (doctest reports the exception as the test's failure).
template <class DeviceDatabase>
DeviceDatabase& pin_test_key(DeviceDatabase& database) {
    if (!database.pin_sync_key(test_sync_key().public_key()).ok())
        throw std::runtime_error("cannot pin the test sync key");
    return database;
}

/// The database, with test_sync_key() pinned:
/// `pinned(gate::test::pinned(DeviceDatabase::open(path).value()))`.
template <class DeviceDatabase>
DeviceDatabase pinned(DeviceDatabase database) {
    pin_test_key(database);
    return database;
}

}  // namespace gate::test
