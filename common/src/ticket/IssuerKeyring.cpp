#include "gate/ticket/IssuerKeyring.h"

#include <algorithm>

#include "CodeVersions.h"
#include "gate/ticket/RotatingCode.h"

namespace gate::ticket {

void IssuerKeyring::add(const IssuerKey& key) {
    auto same = [&](const Entry& e) { return e.key.key == key.key; };
    if (auto it = std::find_if(keys_.begin(), keys_.end(), same); it != keys_.end()) {
        it->key = key;
        return;
    }
    keys_.push_back({key_id_of(key.key), key});
}

bool IssuerKeyring::retire(const crypto::PublicKey& key) {
    for (auto& e : keys_) {
        if (e.key.key == key) {
            e.key.retired = true;
            return true;
        }
    }
    return false;
}

Result<const IssuerKey*, VerifyError> IssuerKeyring::verify(const ParsedCode& code) const noexcept {
    bool known = false;
    for (const auto& e : keys_) {
        if (e.key_id != code.key_id) continue;
        known = true;
        if (!issuer_signature_valid(code, e.key.key)) continue;
        // Only a genuine signature earns a reason about the key's status, so a
        // forger learns nothing about which keys are retired.
        if (e.key.retired) return fail(VerifyError::KeyRetired);
        if (e.key.event_id != 0 && e.key.event_id != code.claims.event_id) {
            return fail(VerifyError::KeyNotForEvent);
        }
        // A genuine pass shown by someone without its holder key: a forged step.
        if (code.rotation && !holder_signature_valid(code))
            return fail(VerifyError::BadHolderSignature);
        return &e.key;
    }
    return fail(known ? VerifyError::BadSignature : VerifyError::UnknownKey);
}

}  // namespace gate::ticket
