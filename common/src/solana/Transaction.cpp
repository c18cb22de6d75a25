#include "gate/solana/Transaction.h"

#include <algorithm>
#include <string>

#include "gate/solana/CompactU16.h"

namespace gate::solana {
namespace {

Error too_large(std::size_t size) {
    return Error{Error::Kind::TooLarge, "transaction is " + std::to_string(size) +
                                            " bytes; the packet limit is " +
                                            std::to_string(kMaxTransactionSize) +
                                            " (split the instructions over more transactions)"};
}

std::size_t wire_size(std::size_t signatures, std::size_t message_size) {
    return compact_u16_size(static_cast<std::uint16_t>(signatures)) +
           signatures * Signature::kSize + message_size;
}

}  // namespace

Result<Transaction, Error> Transaction::sign(Message message,
                                             std::span<const KeyPair* const> signers) {
    const auto required = message.signer_keys();
    for (const KeyPair* kp : signers) {
        if (kp == nullptr) return fail(Error{Error::Kind::InvalidInput, "null signer"});
        if (std::find(required.begin(), required.end(), kp->public_key()) == required.end()) {
            return fail(
                Error{Error::Kind::MissingSigner, "key " + kp->public_key().to_base58() +
                                                      " is not a required signer of this message"});
        }
    }
    const Bytes bytes = message.serialize();
    const std::size_t size = wire_size(required.size(), bytes.size());
    if (size > kMaxTransactionSize) return fail(too_large(size));

    Transaction tx;
    for (const auto& key : required) {
        const auto it = std::find_if(signers.begin(), signers.end(),
                                     [&key](const KeyPair* kp) { return kp->public_key() == key; });
        if (it == signers.end()) {
            return fail(Error{Error::Kind::MissingSigner,
                              "no key pair given for required signer " + key.to_base58()});
        }
        tx.signatures.push_back((*it)->sign(bytes));
    }
    tx.message = std::move(message);
    return tx;
}

Bytes Transaction::serialize() const {
    Bytes out;
    append_compact_u16(out, static_cast<std::uint16_t>(signatures.size()));
    for (const auto& sig : signatures)
        out.insert(out.end(), sig.bytes.begin(), sig.bytes.end());
    const Bytes msg = message.serialize();
    out.insert(out.end(), msg.begin(), msg.end());
    return out;
}

Result<Transaction, Error> Transaction::deserialize(ByteView bytes) {
    if (bytes.size() > kMaxTransactionSize) return fail(too_large(bytes.size()));
    auto count = read_compact_u16(bytes);
    if (!count) return fail(count.error());
    std::size_t pos = count->size;
    Transaction tx;
    for (std::size_t i = 0; i < count->value; ++i) {
        if (bytes.size() - pos < Signature::kSize) {
            return fail(Error{Error::Kind::Malformed, "transaction: truncated signatures"});
        }
        tx.signatures.push_back(
            Signature::from_bytes(bytes.subspan(pos, Signature::kSize)).value());
        pos += Signature::kSize;
    }
    std::size_t used = 0;
    auto message = Message::deserialize(bytes.subspan(pos), &used);
    if (!message) return fail(message.error());
    if (pos + used != bytes.size()) {
        return fail(Error{Error::Kind::Malformed, "transaction: trailing bytes after the message"});
    }
    if (tx.signatures.size() != message->header.num_required_signatures) {
        return fail(Error{Error::Kind::Malformed,
                          "transaction: " + std::to_string(tx.signatures.size()) +
                              " signatures for a message that requires " +
                              std::to_string(message->header.num_required_signatures)});
    }
    tx.message = std::move(*message);
    return tx;
}

bool Transaction::verify() const {
    const auto keys = message.signer_keys();
    if (keys.size() != signatures.size()) return false;
    const Bytes bytes = message.serialize();
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!crypto::verify(keys[i], bytes, signatures[i])) return false;
    }
    return true;
}

Result<Transaction, Error> build_transaction(const Pubkey& fee_payer,
                                             std::span<const Instruction> instructions,
                                             const Blockhash& recent_blockhash,
                                             std::span<const KeyPair* const> signers,
                                             MessageVersion version) {
    auto message = Message::compile(fee_payer, instructions, recent_blockhash, version);
    if (!message) return fail(message.error());
    return Transaction::sign(std::move(*message), signers);
}

}  // namespace gate::solana
