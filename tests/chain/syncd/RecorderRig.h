#pragma once
// A gate device beside a fresh local chain: its database (assignment naming the chain and
// the validator key sealed for the device key), its device key file, and ticket NFTs
// minted for real with the validator as metadata update authority.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ChainTest.h"
#include "SyncKey.h"
#include "TempDir.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/KeyFile.h"
#include "gate/crypto/Random.h"
#include "gate/crypto/SealedBox.h"
#include "gate/device/DeviceDatabase.h"
#include "gate/solana/TokenState.h"
#include "gate/syncd/ChainRecorder.h"

namespace gate::test {

/// The validator's 64-byte secret sealed for `device`, as the backend puts it in the
/// assignment.
inline std::string sealed_validator(const crypto::KeyPair& validator,
                                    const crypto::PublicKey& device) {
    return codec::base64url_encode(crypto::seal_for(device, validator.secret()));
}

struct RecorderRig : ChainFixture {
    TempDir dir;
    crypto::KeyPair device_key = crypto::KeyPair::generate();
    std::filesystem::path key_file = dir / "device-key.json";
    std::filesystem::path db_file = dir / "device.db";
    device::DeviceDatabase store =
        gate::test::pinned(device::DeviceDatabase::open(db_file).value());
    std::vector<crypto::KeyPair> mints;  ///< ticket i+1's mint

    /// `tickets` tickets (ids 1..n) in the cache, each with a mint; none minted yet.
    explicit RecorderRig(std::size_t tickets) {
        REQUIRE(crypto::save_keypair(key_file, device_key));
        domain::Snapshot snapshot;
        snapshot.cursor = 1;
        snapshot.assignment = assignment(chain.url());
        for (std::size_t i = 0; i < tickets; ++i) {
            mints.push_back(crypto::KeyPair::generate());
            snapshot.tickets.push_back(
                {i + 1, 0, 0, domain::TicketStatus::Valid, mints.back().public_key()});
        }
        REQUIRE(store.cache().apply_snapshot(gate::test::signed_copy(snapshot)));
    }

    domain::Assignment assignment(const std::string& rpc_url) const {
        domain::Assignment a;
        a.device_id = 17;
        a.event_id = 1001;
        a.gate = "north-1";
        a.checkin_list = {1, "North", {}, domain::Reentry::EntryAfterExit, false};
        a.event = {1001, "Summer Night", 0, 0};
        a.chain = domain::ChainAssignment{rpc_url, validator.public_key(),
                                          sealed_validator(validator, device_key.public_key())};
        return a;
    }

    /// Mints tickets [from, to) on chain (two transactions each).
    void mint_tickets(std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i)
            mint_ticket(mints[i]);
    }
    void mint_all() { mint_tickets(0, mints.size()); }

    /// What the scanner does when it admits a ticket.
    domain::EntryRecord admit(std::uint64_t ticket, std::int64_t at,
                              domain::Direction direction = domain::Direction::In) {
        domain::EntryRecord r;
        r.nonce = crypto::random_token(16);
        r.ticket_id = ticket;
        r.event_id = 1001;
        r.gate = "north-1";
        r.direction = direction;
        r.verdict = domain::Verdict::Accepted;
        r.reason = "ok";
        r.scanned_at = at;
        REQUIRE(store.scans().record_scan(r));
        return r;
    }

    syncd::RecorderOptions options() const {
        syncd::RecorderOptions o;
        o.device_key_file = key_file;
        o.poll_interval = std::chrono::milliseconds(10);
        o.confirm_timeout = std::chrono::seconds(20);
        return o;
    }

    solana::token2022::Mint read_mint(const solana::Pubkey& mint) {
        const auto info = rpc.get_account_info(mint).value();
        REQUIRE(info);
        auto parsed = solana::token2022::parse_mint(info->data);
        REQUIRE(parsed);
        REQUIRE(parsed->metadata);
        return *parsed;
    }

    std::uint64_t validator_balance() { return rpc.get_balance(validator.public_key()).value(); }

    std::int64_t count(const std::string& sql) {
        return store.connection().query_one<std::int64_t>(sql).value();
    }
};

/// The Solana base fee: 5000 lamports per signature; check-in transactions carry one.
inline constexpr std::uint64_t kFeePerTransaction = 5000;

}  // namespace gate::test
