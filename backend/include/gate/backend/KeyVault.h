#pragma once
// KeyVault: the events' issuer keys and chain keys (event authority, validator, ticket
// mints). New keys are generated here and their secret halves sealed (XSalsa20-Poly1305)
// with the server's master key before they reach the database; the master key lives in a
// 0600 file beside it, created on first start.

#include <filesystem>
#include <string>

#include "gate/Result.h"
#include "gate/backend/Model.h"
#include "gate/crypto/Ed25519.h"
#include "gate/crypto/SecretBox.h"

namespace gate::backend {

class KeyVault {
  public:
    explicit KeyVault(crypto::SecretKey master) : master_(master) {}

    /// Reads the master key file (base64url of 32 bytes, mode 0600), creating it with a
    /// fresh key when missing. Throws config::ConfigError for an insecure or broken file.
    static KeyVault open(const std::filesystem::path& master_key_file);

    /// A fresh issuer key pair, sealed for storage.
    IssuerKeyRecord generate(std::int64_t event_id, std::int64_t now) const;
    /// The key pair of a stored record; an error if the seal does not open (wrong master key).
    Result<crypto::KeyPair, std::string> unseal(const IssuerKeyRecord& record) const;

    /// Any key pair's 64-byte secret, sealed for storage (chain keys).
    Bytes seal_key(const crypto::KeyPair& pair) const;
    /// The key pair of a sealed secret; an error if the seal does not open.
    Result<crypto::KeyPair, std::string> open_key(ByteView sealed) const;

    /// The device-sync key: signs what gate devices trust (issuer keys, ticket rows,
    /// assignments; docs/sync-protocol.md, "Signed records"). Derived from the master key
    /// (keyed BLAKE2b of a fixed label), so it is stable across restarts and never stored;
    /// its public half travels in setup codes.
    crypto::KeyPair device_sync_key() const;

  private:
    crypto::SecretKey master_;
};

}  // namespace gate::backend
