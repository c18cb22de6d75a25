// Packing check-ins into transactions, mapping a failed instruction back to its check-in,
// and opening the validator key the backend sealed for this device. No chain needed.
#include <doctest/doctest.h>

#include "gate/codec/Base64Url.h"
#include "gate/crypto/SealedBox.h"
#include "gate/solana/Programs.h"
#include "gate/syncd/ChainRecorder.h"
#include "gate/syncd/CheckinBatch.h"

using namespace gate;
using namespace gate::syncd;

namespace {

std::vector<device::ChainCheckin> queue_of(std::size_t n, std::string gate = "north-1") {
    std::vector<device::ChainCheckin> q;
    for (std::size_t i = 0; i < n; ++i) {
        q.push_back({i + 1, crypto::KeyPair::generate().public_key(), gate,
                     1'767'225'601'000 + static_cast<std::int64_t>(i),
                     device::CheckinState::Pending, "", ""});
    }
    return q;
}

solana::Blockhash some_blockhash() {
    solana::Blockhash b;
    b.bytes.fill(7);
    return b;
}

}  // namespace

TEST_CASE("as many check-ins as fit go into one signed transaction of at most 1232 bytes") {
    const auto validator = crypto::KeyPair::generate();
    const auto queue = queue_of(20);
    const auto packed = pack_checkins(queue, validator, some_blockhash());
    REQUIRE(packed);
    MESSAGE(packed->ticket_ids.size() << " check-ins in " << packed->size << " bytes");
    CHECK(packed->ticket_ids.size() >= 5);
    CHECK(packed->size <= solana::kMaxTransactionSize);
    CHECK(packed->size == packed->transaction.serialize().size());
    CHECK(packed->transaction.verify());
    CHECK(packed->transaction.message.account_keys.at(0) == validator.public_key());  // pays
    // Oldest first, in order; three instructions each (status, gate, at).
    for (std::size_t i = 0; i < packed->ticket_ids.size(); ++i)
        CHECK(packed->ticket_ids[i] == i + 1);
    CHECK(packed->transaction.message.instructions.size() == 3 * packed->ticket_ids.size());
    // One more would not fit.
    const auto one_more = std::span(queue).first(packed->ticket_ids.size() + 1);
    auto ixs = checkin_instructions(one_more, validator.public_key(), {});
    auto message = solana::Message::compile(validator.public_key(), ixs, some_blockhash());
    REQUIRE(message);
    CHECK(1 + 64 + message->serialize().size() > solana::kMaxTransactionSize);

    SUBCASE("a smaller queue goes whole") {
        const auto two = pack_checkins(std::span(queue).first(2), validator, some_blockhash());
        REQUIRE(two);
        CHECK(two->ticket_ids == std::vector<std::uint64_t>{1, 2});
    }
    SUBCASE("max_checkins caps a batch") {
        const auto capped = pack_checkins(queue, validator, some_blockhash(), {.max_checkins = 3});
        REQUIRE(capped);
        CHECK(capped->ticket_ids.size() == 3);
    }
    SUBCASE("a priority fee adds a compute-unit limit and price, and costs room") {
        const auto priced =
            pack_checkins(queue, validator, some_blockhash(), {.compute_unit_price = 1000});
        REQUIRE(priced);
        const auto& m = priced->transaction.message;
        CHECK(*m.program_of(0) == solana::program::compute_budget());
        CHECK(*m.program_of(1) == solana::program::compute_budget());
        CHECK(priced->ticket_ids.size() <= packed->ticket_ids.size());
        CHECK(priced->size <= solana::kMaxTransactionSize);
    }
}

TEST_CASE("the check-in time goes on chain as Unix milliseconds in decimal") {
    CHECK(chain_time(1'767'225'601'000) == "1767225601000");
    const auto validator = crypto::KeyPair::generate();
    const auto queue = queue_of(1);
    const auto ixs = checkin_instructions(queue, validator.public_key(), {});
    REQUIRE(ixs.size() == 3);
    const std::string tail(ixs[2].data.end() - 13, ixs[2].data.end());
    CHECK(tail == "1767225601000");
}

TEST_CASE("an oversized gate name is cut to fit, an empty queue is InvalidInput") {
    const auto validator = crypto::KeyPair::generate();
    // The gate written on chain is cut to the mint's funded room (ticket_nft::chain_gate),
    // so even a gate name far beyond any allowed one still packs into one transaction.
    const auto huge = queue_of(1, std::string(1200, 'g'));
    const auto r = pack_checkins(huge, validator, some_blockhash());
    REQUIRE(r);
    CHECK(r->transaction.message.instructions.size() == 3);
    const auto none = pack_checkins({}, validator, some_blockhash());
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == solana::Error::Kind::InvalidInput);
}

TEST_CASE("a failed instruction names the mint of its check-in") {
    const auto validator = crypto::KeyPair::generate();
    const auto queue = queue_of(3);
    const auto packed =
        pack_checkins(queue, validator, some_blockhash(), {.compute_unit_price = 5});
    REQUIRE(packed);
    const auto& m = packed->transaction.message;
    CHECK_FALSE(failing_mint(m, 0).has_value());  // compute budget
    CHECK(failing_mint(m, 2) == queue[0].mint);
    CHECK(failing_mint(m, 4) == queue[0].mint);
    CHECK(failing_mint(m, 5) == queue[1].mint);
    CHECK(failing_mint(m, 10) == queue[2].mint);
    CHECK_FALSE(failing_mint(m, 11).has_value());
}

TEST_CASE("the validator key opens only with the device key it was sealed for") {
    const auto device_key = crypto::KeyPair::generate();
    const auto validator = crypto::KeyPair::generate();
    domain::ChainAssignment chain{
        "http://127.0.0.1:8899", validator.public_key(),
        codec::base64url_encode(crypto::seal_for(device_key.public_key(), validator.secret()))};
    const auto opened = open_validator_key(chain, device_key);
    REQUIRE(opened);
    CHECK(opened->public_key() == validator.public_key());

    SUBCASE("another device's key") {
        const auto r = open_validator_key(chain, crypto::KeyPair::generate());
        REQUIRE_FALSE(r);
        CHECK(r.error().find("cannot open the validator key sealed for this device") !=
              std::string::npos);
    }
    SUBCASE("not base64url") {
        chain.validator_key_sealed = "%%%";
        CHECK(open_validator_key(chain, device_key).error().find("base64url") != std::string::npos);
    }
    SUBCASE("a secret of the wrong size") {
        const Bytes short_secret(32, 1);
        chain.validator_key_sealed =
            codec::base64url_encode(crypto::seal_for(device_key.public_key(), short_secret));
        CHECK(open_validator_key(chain, device_key).error().find("64-byte") != std::string::npos);
    }
    SUBCASE("a key that is not the assignment's validator") {
        chain.validator = crypto::KeyPair::generate().public_key();
        CHECK(
            open_validator_key(chain, device_key).error().find("not the assignment's validator") !=
            std::string::npos);
    }
}
