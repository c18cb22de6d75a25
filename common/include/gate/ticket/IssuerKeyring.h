#pragma once
// The issuer public keys a scanner trusts, by key id. Keys rotate: a new key is
// added beside the old one, and the old one keeps verifying until it is retired.

#include <cstdint>
#include <vector>

#include "gate/Result.h"
#include "gate/crypto/Ed25519.h"
#include "gate/ticket/TicketCode.h"

namespace gate::ticket {

struct IssuerKey {
    crypto::PublicKey key;
    std::uint32_t event_id = 0;  ///< the only event it may sign for; 0 = any event
    bool retired = false;
};

class IssuerKeyring {
  public:
    /// Adds a key, or replaces the entry with the same public key.
    void add(const IssuerKey& key);
    /// Marks a key retired; codes it signed stop verifying. False if unknown.
    bool retire(const crypto::PublicKey& key);
    std::size_t size() const noexcept { return keys_.size(); }

    /// Checks the code's issuer signature against the key its key id names, and a
    /// version-2 code's holder signature. Key ids are
    /// 32 bits, so two keys may share one; each candidate is tried.
    Result<const IssuerKey*, VerifyError> verify(const ParsedCode& code) const noexcept;

  private:
    struct Entry {
        std::uint32_t key_id;
        IssuerKey key;
    };
    std::vector<Entry> keys_;  // few keys per device: a flat vector beats a map
};

}  // namespace gate::ticket
