// The lifecycle rules of Lifecycle.h that are not about the gate: an email transfer's states
// and what may still be done with it, which tickets a cancelled event refunds, and when a
// cancelled event may be reopened.
#include "gate/domain/Lifecycle.h"

#include <doctest/doctest.h>

using namespace gate::domain;

TEST_CASE("only a pending email transfer can be claimed or cancelled, each refusal with its code") {
    CHECK_FALSE(claim_refusal(TransferStatus::Pending));
    CHECK_FALSE(transfer_cancel_refusal(TransferStatus::Pending));
    struct Row {
        TransferStatus status;
        ErrorKind claim_kind;
        const char* claim_code;
        ErrorKind cancel_kind;
        const char* cancel_code;
    };
    for (const Row& row : {
             Row{TransferStatus::Completed, ErrorKind::Conflict, "claim_used", ErrorKind::Conflict,
                 "transfer_claimed"},
             Row{TransferStatus::Cancelled, ErrorKind::Gone, "claim_cancelled", ErrorKind::Conflict,
                 "transfer_cancelled"},
             Row{TransferStatus::Expired, ErrorKind::Gone, "claim_expired", ErrorKind::Gone,
                 "transfer_expired"},
         }) {
        CAPTURE(to_string(row.status));
        const auto claim = claim_refusal(row.status);
        REQUIRE(claim);
        CHECK(claim->kind == row.claim_kind);
        CHECK(claim->code == row.claim_code);
        const auto cancel = transfer_cancel_refusal(row.status);
        REQUIRE(cancel);
        CHECK(cancel->kind == row.cancel_kind);
        CHECK(cancel->code == row.cancel_code);
    }
}

TEST_CASE("a pending transfer whose time is up is expired; other states stay as they are") {
    CHECK(transfer_status_at(TransferStatus::Pending, 1000, 999) == TransferStatus::Pending);
    CHECK(transfer_status_at(TransferStatus::Pending, 1000, 1000) == TransferStatus::Expired);
    CHECK(transfer_status_at(TransferStatus::Completed, 1000, 5000) == TransferStatus::Completed);
    CHECK(transfer_status_at(TransferStatus::Cancelled, 1000, 5000) == TransferStatus::Cancelled);
}

TEST_CASE("transfer states have one spelling each, and nothing else reads as one") {
    for (auto status : {TransferStatus::Pending, TransferStatus::Completed,
                        TransferStatus::Cancelled, TransferStatus::Expired})
        CHECK(transfer_status_from_string(to_string(status)) == status);
    CHECK_FALSE(transfer_status_from_string("Pending"));
    CHECK_FALSE(transfer_status_from_string(""));
}

TEST_CASE("a cancelled event refunds paid tickets that are not revoked") {
    CHECK(refund_due(TicketStatus::Valid, 5000));
    CHECK(refund_due(TicketStatus::Frozen, 5000));
    CHECK_FALSE(refund_due(TicketStatus::Revoked, 5000));
    CHECK_FALSE(refund_due(TicketStatus::Valid, 0));
}

TEST_CASE("a cancelled event may be reopened only while nothing was refunded") {
    CHECK_FALSE(event_status_change_refusal(EventStatus::Cancelled, EventStatus::Active, false));
    const auto refused =
        event_status_change_refusal(EventStatus::Cancelled, EventStatus::Active, true);
    REQUIRE(refused);
    CHECK(refused->kind == ErrorKind::Conflict);
    CHECK(refused->code == "event_refunded");
    CHECK_FALSE(event_status_change_refusal(EventStatus::Cancelled, EventStatus::Cancelled, true));
    CHECK_FALSE(event_status_change_refusal(EventStatus::Active, EventStatus::Cancelled, true));
}
