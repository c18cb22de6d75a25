// public_status(): the one word the metadata JSON and the chain both show, in decide()'s
// order; chain_status_to_write(): what the reconciler writes, never `used` back to `valid`.
#include <doctest/doctest.h>

#include <algorithm>

#include "gate/domain/PublicStatus.h"
#include "gate/solana/TicketNft.h"

using namespace gate::domain;

namespace {

constexpr PublicStatus kAll[] = {PublicStatus::Valid, PublicStatus::Used, PublicStatus::Frozen,
                                 PublicStatus::Revoked, PublicStatus::Cancelled};

}  // namespace

TEST_CASE("a ticket's public status follows the event, then the organizer, then admission") {
    const auto active = EventStatus::Active;
    CHECK(public_status(TicketStatus::Valid, active, false) == PublicStatus::Valid);
    CHECK(public_status(TicketStatus::Valid, active, true) == PublicStatus::Used);
    CHECK(public_status(TicketStatus::Frozen, active, false) == PublicStatus::Frozen);
    CHECK(public_status(TicketStatus::Revoked, active, false) == PublicStatus::Revoked);
    // The organizer's decision comes after an admission: a used ticket revoked is revoked.
    CHECK(public_status(TicketStatus::Revoked, active, true) == PublicStatus::Revoked);
    CHECK(public_status(TicketStatus::Frozen, active, true) == PublicStatus::Frozen);
    // A cancelled event wins over everything, as at the gate (event.cancelled first).
    for (auto status : {TicketStatus::Valid, TicketStatus::Frozen, TicketStatus::Revoked})
        for (bool admitted : {false, true})
            CHECK(public_status(status, EventStatus::Cancelled, admitted) ==
                  PublicStatus::Cancelled);
}

TEST_CASE("the chain is written only where it differs, and used never goes back to valid") {
    for (auto wanted : kAll)
        CHECK_FALSE(chain_status_to_write(to_string(wanted), wanted));
    // A device's check-in may reach the chain before the backend ingests the entry.
    CHECK_FALSE(chain_status_to_write("used", PublicStatus::Valid));
    // Every other difference is repaired toward the backend's state.
    CHECK(chain_status_to_write("valid", PublicStatus::Used) == PublicStatus::Used);
    CHECK(chain_status_to_write("used", PublicStatus::Revoked) == PublicStatus::Revoked);
    CHECK(chain_status_to_write("revoked", PublicStatus::Valid) == PublicStatus::Valid);
    CHECK(chain_status_to_write("cancelled", PublicStatus::Used) == PublicStatus::Used);
    CHECK(chain_status_to_write("valid", PublicStatus::Cancelled) == PublicStatus::Cancelled);
    // Missing or unreadable values are replaced, even by valid.
    CHECK(chain_status_to_write("", PublicStatus::Valid) == PublicStatus::Valid);
    CHECK(chain_status_to_write("USED", PublicStatus::Valid) == PublicStatus::Valid);
    CHECK(chain_status_to_write("admitted", PublicStatus::Used) == PublicStatus::Used);
}

TEST_CASE("public status names read back, and the chain is funded for the longest") {
    std::size_t longest = 0;
    for (auto s : kAll) {
        CHECK(from_string<PublicStatus>(to_string(s)) == s);
        longest = std::max(longest, to_string(s).size());
    }
    // The mint account is funded at creation for this many bytes of status value.
    CHECK(longest == gate::solana::ticket_nft::kMaxStatusBytes);
    CHECK_FALSE(from_string<PublicStatus>(""));
    CHECK_FALSE(from_string<PublicStatus>("Valid"));
    CHECK_FALSE(from_string<PublicStatus>("inside"));
}
