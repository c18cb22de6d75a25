#include "gate/solana/Message.h"

#include <algorithm>
#include <limits>
#include <string>

#include "gate/solana/CompactU16.h"

namespace gate::solana {
namespace {

constexpr std::uint8_t kVersionPrefix = 0x80;
constexpr std::size_t kMaxAccountKeys = 256;  // indices are one byte

Error malformed(std::string what) {
    return Error{Error::Kind::Malformed, "message: " + std::move(what)};
}

// Primary collation weight of a base58 character: digits, then letters ignoring case.
int primary_weight(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return 10 + (c - 'a');
    return 10 + (c - 'A');
}

struct KeyEntry {
    Pubkey key;
    bool signer = false;
    bool writable = false;
    bool fee_payer = false;
};

// Reads from a byte view with bounds checks; every read reports truncation as a value.
class Reader {
  public:
    explicit Reader(ByteView in) : in_(in) {}
    std::size_t offset() const { return pos_; }
    bool take(std::size_t n, ByteView& out) {
        if (in_.size() - pos_ < n) return false;
        out = in_.subspan(pos_, n);
        pos_ += n;
        return true;
    }
    bool byte(std::uint8_t& out) {
        if (pos_ >= in_.size()) return false;
        out = in_[pos_++];
        return true;
    }
    Result<std::uint16_t, Error> length() {
        auto v = read_compact_u16(in_.subspan(pos_));
        if (!v) return fail(v.error());
        pos_ += v->size;
        return v->value;
    }

  private:
    ByteView in_;
    std::size_t pos_ = 0;
};

}  // namespace

bool kit_address_less(const Pubkey& a, const Pubkey& b) {
    const std::string x = a.to_base58();
    const std::string y = b.to_base58();
    const std::size_t n = std::min(x.size(), y.size());
    for (std::size_t i = 0; i < n; ++i) {
        const int wx = primary_weight(x[i]);
        const int wy = primary_weight(y[i]);
        if (wx != wy) return wx < wy;
    }
    if (x.size() != y.size()) return x.size() < y.size();
    // Same letters: the first case difference decides, lower case first.
    for (std::size_t i = 0; i < n; ++i) {
        if (x[i] != y[i]) return x[i] > y[i];  // 'a' (0x61) > 'A' (0x41): lower sorts first
    }
    return false;
}

Result<Message, Error> Message::compile(const Pubkey& fee_payer,
                                        std::span<const Instruction> instructions,
                                        const Blockhash& recent_blockhash, MessageVersion version) {
    if (instructions.empty()) {
        return fail(Error{Error::Kind::InvalidInput, "a message needs at least one instruction"});
    }
    std::vector<KeyEntry> entries;
    auto add = [&entries](const Pubkey& key, bool signer, bool writable) {
        auto it = std::find_if(entries.begin(), entries.end(),
                               [&key](const KeyEntry& e) { return e.key == key; });
        if (it == entries.end()) {
            entries.push_back({key, signer, writable, false});
        } else {
            it->signer = it->signer || signer;
            it->writable = it->writable || writable;
        }
    };
    entries.push_back({fee_payer, true, true, true});
    for (const auto& ix : instructions) {
        if (ix.accounts.size() > std::numeric_limits<std::uint16_t>::max() ||
            ix.data.size() > std::numeric_limits<std::uint16_t>::max()) {
            return fail(Error{Error::Kind::InvalidInput,
                              "an instruction has too many accounts or too much data"});
        }
        add(ix.program_id, false, false);
        for (const auto& meta : ix.accounts)
            add(meta.pubkey, meta.is_signer, meta.is_writable);
    }
    if (entries.size() > kMaxAccountKeys) {
        return fail(Error{Error::Kind::InvalidInput, "the message references " +
                                                         std::to_string(entries.size()) +
                                                         " accounts; at most 256 fit"});
    }
    std::stable_sort(entries.begin(), entries.end(), [](const KeyEntry& l, const KeyEntry& r) {
        if (l.fee_payer != r.fee_payer) return l.fee_payer;
        if (l.signer != r.signer) return l.signer;
        if (l.writable != r.writable) return l.writable;
        return kit_address_less(l.key, r.key);
    });

    Message m;
    m.version = version;
    m.recent_blockhash = recent_blockhash;
    for (const auto& e : entries) {
        m.account_keys.push_back(e.key);
        if (e.signer) {
            ++m.header.num_required_signatures;
            if (!e.writable) ++m.header.num_readonly_signed;
        } else if (!e.writable) {
            ++m.header.num_readonly_unsigned;
        }
    }
    auto index_of = [&m](const Pubkey& key) {
        const auto it = std::find(m.account_keys.begin(), m.account_keys.end(), key);
        return static_cast<std::uint8_t>(it - m.account_keys.begin());
    };
    for (const auto& ix : instructions) {
        CompiledInstruction ci;
        ci.program_id_index = index_of(ix.program_id);
        for (const auto& meta : ix.accounts)
            ci.accounts.push_back(index_of(meta.pubkey));
        ci.data = ix.data;
        m.instructions.push_back(std::move(ci));
    }
    return m;
}

Bytes Message::serialize() const {
    Bytes out;
    out.reserve(3 + 1 + account_keys.size() * 32 + 32 + 64 * instructions.size());
    if (version == MessageVersion::V0) out.push_back(kVersionPrefix);
    out.push_back(header.num_required_signatures);
    out.push_back(header.num_readonly_signed);
    out.push_back(header.num_readonly_unsigned);
    append_compact_u16(out, static_cast<std::uint16_t>(account_keys.size()));
    for (const auto& key : account_keys)
        out.insert(out.end(), key.bytes.begin(), key.bytes.end());
    out.insert(out.end(), recent_blockhash.bytes.begin(), recent_blockhash.bytes.end());
    append_compact_u16(out, static_cast<std::uint16_t>(instructions.size()));
    for (const auto& ix : instructions) {
        out.push_back(ix.program_id_index);
        append_compact_u16(out, static_cast<std::uint16_t>(ix.accounts.size()));
        out.insert(out.end(), ix.accounts.begin(), ix.accounts.end());
        append_compact_u16(out, static_cast<std::uint16_t>(ix.data.size()));
        out.insert(out.end(), ix.data.begin(), ix.data.end());
    }
    if (version == MessageVersion::V0) append_compact_u16(out, 0);  // no address lookup tables
    return out;
}

Result<Message, Error> Message::deserialize(ByteView bytes, std::size_t* consumed) {
    Reader r(bytes);
    Message m;
    std::uint8_t first = 0;
    if (!r.byte(first)) return fail(malformed("empty"));
    if ((first & kVersionPrefix) != 0) {
        const unsigned v = first & 0x7fU;
        if (v != 0) return fail(malformed("unsupported message version " + std::to_string(v)));
        m.version = MessageVersion::V0;
        if (!r.byte(m.header.num_required_signatures)) return fail(malformed("truncated header"));
    } else {
        m.header.num_required_signatures = first;
    }
    if (!r.byte(m.header.num_readonly_signed) || !r.byte(m.header.num_readonly_unsigned)) {
        return fail(malformed("truncated header"));
    }
    auto key_count = r.length();
    if (!key_count) return fail(key_count.error());
    if (*key_count > kMaxAccountKeys) return fail(malformed("more than 256 account keys"));
    for (std::size_t i = 0; i < *key_count; ++i) {
        ByteView raw;
        if (!r.take(32, raw)) return fail(malformed("truncated account keys"));
        m.account_keys.push_back(Pubkey::from_bytes(raw).value());
    }
    const auto& h = m.header;
    if (h.num_required_signatures == 0 || h.num_readonly_signed >= h.num_required_signatures ||
        std::size_t{h.num_required_signatures} + h.num_readonly_unsigned > m.account_keys.size()) {
        return fail(malformed("header does not fit the account keys"));
    }
    ByteView hash;
    if (!r.take(32, hash)) return fail(malformed("truncated blockhash"));
    std::copy(hash.begin(), hash.end(), m.recent_blockhash.bytes.begin());
    auto ix_count = r.length();
    if (!ix_count) return fail(ix_count.error());
    for (std::size_t i = 0; i < *ix_count; ++i) {
        CompiledInstruction ci;
        if (!r.byte(ci.program_id_index)) return fail(malformed("truncated instruction"));
        auto n = r.length();
        if (!n) return fail(n.error());
        ByteView idx;
        if (!r.take(*n, idx)) return fail(malformed("truncated instruction accounts"));
        ci.accounts.assign(idx.begin(), idx.end());
        auto len = r.length();
        if (!len) return fail(len.error());
        ByteView data;
        if (!r.take(*len, data)) return fail(malformed("truncated instruction data"));
        ci.data.assign(data.begin(), data.end());
        const auto bad = [&m](std::uint8_t index) { return index >= m.account_keys.size(); };
        if (bad(ci.program_id_index) || std::any_of(ci.accounts.begin(), ci.accounts.end(), bad)) {
            return fail(
                malformed("instruction " + std::to_string(i) + " refers to a missing account"));
        }
        m.instructions.push_back(std::move(ci));
    }
    if (m.version == MessageVersion::V0) {
        auto lookups = r.length();
        if (!lookups) return fail(lookups.error());
        if (*lookups != 0) return fail(malformed("address lookup tables are not supported"));
    }
    if (consumed != nullptr) *consumed = r.offset();
    return m;
}

std::span<const Pubkey> Message::signer_keys() const {
    return std::span<const Pubkey>(account_keys)
        .first(std::min<std::size_t>(header.num_required_signatures, account_keys.size()));
}

bool Message::is_signer(std::size_t index) const noexcept {
    return index < header.num_required_signatures;
}

bool Message::is_writable(std::size_t index) const noexcept {
    const std::size_t n = account_keys.size();
    const std::size_t signers = header.num_required_signatures;
    if (index >= n) return false;
    if (index < signers) return index < signers - header.num_readonly_signed;
    return index < n - header.num_readonly_unsigned;
}

const Pubkey* Message::program_of(std::size_t instruction_index) const noexcept {
    if (instruction_index >= instructions.size()) return nullptr;
    const auto idx = instructions[instruction_index].program_id_index;
    if (idx >= account_keys.size()) return nullptr;
    return &account_keys[idx];
}

}  // namespace gate::solana
