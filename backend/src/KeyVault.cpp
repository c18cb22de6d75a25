#include "gate/backend/KeyVault.h"

#include <fcntl.h>
#include <sodium/utils.h>
#include <unistd.h>

#include "gate/codec/Base64Url.h"
#include "gate/config/ConfigError.h"
#include "gate/config/SecretFile.h"
#include "gate/crypto/Hash.h"

namespace gate::backend {

KeyVault KeyVault::open(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) {
        const auto fresh = crypto::SecretKey::generate();
        const std::string text = codec::base64url_encode(fresh.bytes()) + "\n";
        // O_EXCL: two processes starting at once must not overwrite each other's key.
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            const auto written = ::write(fd, text.data(), text.size());
            const bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
            ::close(fd);
            if (!ok) throw config::ConfigError(file.string() + ": cannot write the master key");
        } else if (errno != EEXIST) {
            throw config::ConfigError(file.string() + ": cannot create the master key file");
        }
    }
    const std::string text = config::read_secret_text(file);
    auto bytes = codec::base64url_decode(text);
    if (!bytes.ok() || bytes->size() != crypto::SecretKey::kSize)
        throw config::ConfigError(file.string() + ": not a master key (base64url of 32 bytes)");
    std::span<const std::uint8_t, crypto::SecretKey::kSize> view(bytes->data(),
                                                                 crypto::SecretKey::kSize);
    return KeyVault(crypto::SecretKey::from_bytes(view));
}

IssuerKeyRecord KeyVault::generate(std::int64_t event_id, std::int64_t now) const {
    const auto pair = crypto::KeyPair::generate();
    IssuerKeyRecord record;
    record.event_id = event_id;
    record.public_key = pair.public_key().to_base58();
    record.sealed_secret = crypto::secretbox_seal(master_, pair.secret());
    record.created_at = now;
    return record;
}

Result<crypto::KeyPair, std::string> KeyVault::unseal(const IssuerKeyRecord& record) const {
    auto secret = crypto::secretbox_open(master_, record.sealed_secret);
    if (!secret.ok()) return fail(std::string("issuer key seal does not open (wrong master key?)"));
    auto pair = crypto::KeyPair::from_secret(*secret);
    if (!pair.ok()) return fail(std::string("sealed issuer key is malformed"));
    return std::move(pair).value();
}

Bytes KeyVault::seal_key(const crypto::KeyPair& pair) const {
    return crypto::secretbox_seal(master_, pair.secret());
}

Result<crypto::KeyPair, std::string> KeyVault::open_key(ByteView sealed) const {
    auto secret = crypto::secretbox_open(master_, sealed);
    if (!secret.ok()) return fail(std::string("key seal does not open (wrong master key?)"));
    auto pair = crypto::KeyPair::from_secret(*secret);
    if (!pair.ok()) return fail(std::string("sealed key is malformed"));
    return std::move(pair).value();
}

crypto::KeyPair KeyVault::device_sync_key() const {
    static constexpr std::string_view kLabel = "gate-device-sync-key-v1";
    Bytes seed = crypto::blake2b(as_bytes(kLabel), crypto::KeyPair::kSeedSize, master_.bytes());
    auto pair = crypto::KeyPair::from_seed(
        std::span<const std::uint8_t, crypto::KeyPair::kSeedSize>(seed.data(), seed.size()));
    sodium_memzero(seed.data(), seed.size());
    return pair;
}

}  // namespace gate::backend
