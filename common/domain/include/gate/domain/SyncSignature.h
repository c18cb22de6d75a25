#pragma once
// The backend's device-sync key vouches for everything a gate device trusts offline: the
// issuer keys, each ticket row and the assignment (docs/sync-protocol.md, "Signed
// records"). The device pins the key's public half at provisioning, from the setup code,
// and checks each record against it before storing it and again every time it reads it
// back, so whoever can write the device database still cannot add an issuer key, un-revoke
// or un-freeze a ticket, or move the device to another event or check-in list.
//
// Each record is signed over a domain tag and its fields in a fixed text form, so a
// signature made for one kind of record never verifies as another.

#include <optional>
#include <string>
#include <string_view>

#include "gate/crypto/Ed25519.h"
#include "gate/domain/SyncMessages.h"

namespace gate::domain {

inline constexpr std::string_view kTicketRowSignatureDomain = "gate-sync-ticket-v1:";
inline constexpr std::string_view kIssuerKeySignatureDomain = "gate-sync-issuer-key-v1:";
inline constexpr std::string_view kAssignmentSignatureDomain = "gate-sync-assignment-v1:";

/// "gate-sync-ticket-v1:<ticket_id>:<tier>:<generation>:<status>:<mint base58 or empty>"
std::string signing_input(const TicketRecord& ticket);
/// "gate-sync-issuer-key-v1:<event_id>:<public key base58>:<active|retired>"
std::string signing_input(const IssuerKeyRecord& key);
/// "gate-sync-assignment-v1:" + the assignment's JSON without "sig", as to_json writes it
/// (keys sorted, no spaces).
std::string signing_input(const Assignment& assignment);

/// Sets the record's sync_signature (the backend side).
void sign_record(TicketRecord& ticket, const crypto::KeyPair& sync_key);
void sign_record(IssuerKeyRecord& key, const crypto::KeyPair& sync_key);
void sign_record(Assignment& assignment, const crypto::KeyPair& sync_key);
/// Signs the snapshot's assignment, issuer keys and tickets, or every such change of a page.
void sign_records(Snapshot& snapshot, const crypto::KeyPair& sync_key);
void sign_records(ChangesPage& page, const crypto::KeyPair& sync_key);

/// True when the record carries the sync key's signature over its current fields.
bool verify_record(const TicketRecord& ticket, const crypto::PublicKey& sync_key) noexcept;
bool verify_record(const IssuerKeyRecord& key, const crypto::PublicKey& sync_key) noexcept;
bool verify_record(const Assignment& assignment, const crypto::PublicKey& sync_key) noexcept;

/// The first record of the snapshot or page that is unsigned or whose signature does not
/// verify, as a MessageError naming it ("tickets[3].sig", "changes[0].issuer_key.sig");
/// nothing when all do. Inside records (who is in) are not signed: see the threat model.
std::optional<MessageError> unverified_record(const Snapshot& snapshot,
                                              const crypto::PublicKey& sync_key);
std::optional<MessageError> unverified_record(const ChangesPage& page,
                                              const crypto::PublicKey& sync_key);

}  // namespace gate::domain
