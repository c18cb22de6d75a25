// Gate devices (docs/sync-protocol.md): setup codes and check-in lists (organizer),
// registration with proof of key possession, assignment, snapshot, deltas by cursor and
// idempotent entry ingest. Bodies are the shared gate::device message types. Everything a
// device trusts offline (assignment, issuer keys, ticket rows) leaves signed by the
// device-sync key whose public half is in the setup code.
#include "ApiSupport.h"
#include "Endpoint.h"
#include "GateRules.h"
#include "IngestChecks.h"
#include "gate/codec/Base64Url.h"
#include "gate/crypto/SealedBox.h"
#include "gate/domain/Decide.h"
#include "gate/domain/SyncMessages.h"
#include "gate/domain/SyncSignature.h"

namespace gate::backend {

namespace {

ApiError message_error(const domain::MessageError& e) {
    return {400, "validation_failed", e.message, {{e.field, "invalid", e.message}}, {}};
}

// The event's validator key, sealed to this device's registered key: only the device
// opens it, and it signs check-ins on chain with it (docs/sync-protocol.md, "Chain").
ApiResult<domain::ChainAssignment> chain_assignment(Services& s, const DeviceRecord& d) {
    const auto authority = crypto::KeyPair::generate();
    const auto validator = crypto::KeyPair::generate();
    auto keys = s.store.ensure_chain_keys(
        {d.event_id, authority.public_key().to_base58(), s.keys.seal_key(authority),
         validator.public_key().to_base58(), s.keys.seal_key(validator), false},
        s.clock.now_ms());
    if (!keys.ok()) return fail(keys.error());
    auto pair = s.keys.open_key(keys->validator_sealed);
    auto device_key = crypto::PublicKey::from_base58(d.public_key);
    if (!pair.ok() || !device_key.ok()) {
        s.logger.error("chain assignment impossible",
                       {{"device_id", d.id}, {"why", pair.ok() ? "device key" : pair.error()}});
        return fail(internal_error());
    }
    domain::ChainAssignment chain;
    chain.rpc_url = s.settings.chain_device_rpc_url.empty() ? s.settings.chain_rpc_url
                                                            : s.settings.chain_device_rpc_url;
    chain.validator = pair->public_key();
    chain.validator_key_sealed =
        codec::base64url_encode(crypto::seal_for(*device_key, pair->secret()));
    return chain;
}

ApiResult<domain::Assignment> assignment_of(Services& s, const DeviceRecord& d) {
    auto a = gate_rules(s, d.event_id, d.checkin_list_id, d.gate);
    if (!a.ok()) return a;
    a->device_id = d.id;
    if (!s.settings.chain_rpc_url.empty()) {
        auto chain = chain_assignment(s, d);
        if (!chain.ok()) return fail(chain.error());
        a->chain = std::move(*chain);
    }
    return a;
}

ApiResult<Response> create_checkin_list(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    auto id = path_id(r, "id", "event");
    if (!id.ok()) return fail(id.error());
    auto event = c.organized_event(*id);
    if (!event.ok()) return fail(event.error());
    auto body = JsonBody::parse(r.body);
    if (!body.ok()) return fail(body.error());
    StoredCheckinList stored;
    stored.event_id = event->id;
    domain::CheckinList& list = stored.list;
    auto name = body->label("name", Need::Required, 100);
    auto& reader = body->reader();
    reader.array("tiers",
                 [&](const nlohmann::json& element, const std::string& where) {
                     std::uint8_t tier = 0;
                     if (!reader.integer_at<std::uint8_t>(element, where, tier, 0, 255)) return;
                     if (std::none_of(event->tiers.begin(), event->tiers.end(),
                                      [&](const Tier& known) { return known.index == tier; }))
                         body->add_error(
                             where, jsonio::Problem::Invalid,
                             "tier " + std::to_string(tier) + " does not exist for this event");
                     else
                         list.tiers.push_back(tier);
                 },
                 Need::Optional, {.max_items = 256});
    list.reentry =
        body->choice<domain::Reentry>("reentry", Need::Optional).value_or(domain::Reentry::Single);
    auto accept = body->boolean("accept_unknown_tickets", Need::Optional);
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    list.name = *name;
    if (accept) list.accept_unknown_tickets = *accept;
    auto created = s.store.create_checkin_list(stored);
    if (!created.ok()) return fail(created.error());
    auto out = nlohmann::json(created->list);
    out["event_id"] = created->event_id;
    return json_response(201, out);
}

ApiResult<Response> create_setup_code(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    const auto& who = c.who;
    auto body = JsonBody::parse(r.body);
    if (!body.ok()) return fail(body.error());
    auto event_id = body->integer("event_id", Need::Required, 1, UINT32_MAX);
    auto gate = body->label("gate", Need::Required, 64);
    auto list_id = body->integer("checkin_list_id", Need::Optional, 1, INT64_MAX);
    auto expires_in = body->integer("expires_in_s", Need::Optional, 60, 7 * 86400);
    if (auto done = body->finish(); !done.ok()) return fail(done.error());
    auto event = c.organized_event(*event_id);
    if (!event.ok()) return fail(event.error());
    std::int64_t checkin_list_id = 0;
    if (list_id) {
        auto list = s.store.get_checkin_list(*list_id);
        if (!list.ok()) return fail(list.error());
        if (!list->has_value() || (*list)->event_id != event->id)
            return fail(ApiError{400,
                                 "validation_failed",
                                 "checkin_list_id is not a list of this event",
                                 {{"checkin_list_id", "invalid", "is not a list of this event"}},
                                 {}});
        checkin_list_id = *list_id;
    } else {
        auto list = s.store.default_checkin_list(event->id);
        if (!list.ok()) return fail(list.error());
        if (!list->has_value()) return fail(not_found("check-in list"));
        checkin_list_id = (*list)->list.id;
    }
    const std::string token = s.random.token(32);
    const auto expires_at = s.clock.now_ms() + expires_in.value_or(86400) * 1000;
    SetupCodeRecord record{hash_hex(token), event->id,    *gate,
                           checkin_list_id, who->user_id, expires_at};
    if (auto put = s.store.put_setup_code(record); !put.ok()) return fail(put.error());
    return json_response(
        201, {{"setup_code", domain::format_setup_code({s.settings.public_base_url, token,
                                                        s.keys.device_sync_key().public_key()})},
              {"expires_at", expires_at}});
}

ApiResult<Response> register_device(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    auto request = domain::parse_message<domain::RegisterRequest>(r.body);
    if (!request.ok()) return fail(message_error(request.error()));
    if (request->name.empty() || request->name.size() > 100)
        return fail(ApiError{400,
                             "validation_failed",
                             "name must be 1..100 characters",
                             {{"name", "invalid", "must be 1..100 characters"}},
                             {}});
    const std::string signed_text = domain::register_signing_input(request->setup_token);
    if (!crypto::verify(request->public_key, as_bytes(signed_text), request->signature))
        return fail(
            bad_request("signature_invalid", "the signature does not prove the device key"));
    const std::string token = s.random.token(32);
    auto device =
        s.store.register_device(hash_hex(request->setup_token), request->name,
                                request->public_key.to_base58(), hash_hex(token), s.clock.now_ms());
    if (!device.ok()) return fail(device.error());
    auto assignment = assignment_of(s, *device);
    if (!assignment.ok()) return fail(assignment.error());
    domain::sign_record(*assignment, s.keys.device_sync_key());
    s.logger.info("device registered", {{"device_id", device->id}, {"event_id", device->event_id}});
    return json_response(201,
                         nlohmann::json(domain::RegisterResponse{device->id, token, *assignment}));
}

ApiResult<Response> revoke_device(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    auto id = path_id(r, "id", "device");
    if (!id.ok()) return fail(id.error());
    auto device = s.store.get_device(*id);
    if (!device.ok()) return fail(device.error());
    if (!device->has_value()) return fail(not_found("device"));
    auto event = c.organized_event((*device)->event_id);
    if (!event.ok()) return fail(event.error());
    if (auto revoked = s.store.revoke_device(*id, s.clock.now_ms()); !revoked.ok())
        return fail(revoked.error());
    s.logger.info("device revoked", {{"device_id", *id}, {"by", c.user().wallet}});
    return json_response(200, {{"device_id", *id}, {"revoked", true}});
}

ApiResult<Response> device_assignment(Call& c) {
    Services& s = c.s;
    const auto& device = c.device;
    auto assignment = assignment_of(s, *device);
    if (!assignment.ok()) return fail(assignment.error());
    domain::sign_record(*assignment, s.keys.device_sync_key());
    return json_response(200, nlohmann::json(*assignment));
}

ApiResult<Response> device_snapshot(Call& c) {
    Services& s = c.s;
    const auto& device = c.device;
    auto assignment = assignment_of(s, *device);
    if (!assignment.ok()) return fail(assignment.error());
    auto cache = s.store.snapshot(device->event_id);
    if (!cache.ok()) return fail(cache.error());
    domain::Snapshot out{cache->cursor,
                         s.clock.now_ms(),
                         std::move(*assignment),
                         std::move(cache->issuer_keys),
                         std::move(cache->tickets),
                         std::move(cache->inside)};
    domain::sign_records(out, s.keys.device_sync_key());
    return json_response(200, nlohmann::json(out));
}

ApiResult<Response> device_changes(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    const auto& device = c.device;
    std::int64_t after = 0;
    std::int64_t limit = 1000;
    if (auto text = r.query_value("after")) {
        auto v = parse_int(*text);
        if (!v || *v < 0)
            return fail(ApiError{400,
                                 "validation_failed",
                                 "after must be a cursor (integer >= 0)",
                                 {{"after", "invalid", "must be an integer >= 0"}},
                                 {}});
        after = *v;
    }
    if (auto text = r.query_value("limit")) {
        auto v = parse_int(*text);
        if (!v || *v < 1 || *v > static_cast<std::int64_t>(domain::kMaxChangesPerPage))
            return fail(ApiError{400,
                                 "validation_failed",
                                 "limit must be 1..5000",
                                 {{"limit", "out_of_range", "must be 1..5000"}},
                                 {}});
        limit = *v;
    }
    auto page = s.store.changes(device->event_id, after, limit);
    if (!page.ok()) return fail(page.error());
    if (!page->has_value())
        return fail(ApiError{410,
                             "cursor_expired",
                             "the cursor is older than the change log; take a new snapshot",
                             {},
                             {}});
    domain::ChangesPage& out = **page;
    out.server_time = s.clock.now_ms();
    for (auto& change : out.changes) {
        if (change.kind() != domain::ChangeKind::Assignment) continue;
        auto assignment = assignment_of(s, *device);
        if (!assignment.ok()) return fail(assignment.error());
        change.payload = std::move(*assignment);
    }
    domain::sign_records(out, s.keys.device_sync_key());
    return json_response(200, nlohmann::json(out));
}

// The batch is this device's own: its registered key signed the exact body, so a stolen
// token alone cannot push anything.
bool signed_by_device(const Request& r, const DeviceRecord& device) {
    auto text = r.header(domain::kBatchSignatureHeader);
    if (!text) return false;
    auto signature = crypto::Signature::from_base58(*text);
    auto key = crypto::PublicKey::from_base58(device.public_key);
    return signature.ok() && key.ok() &&
           crypto::verify(*key, as_bytes(domain::batch_signing_input(r.body)), *signature);
}

ApiResult<Response> ingest_entries(Call& c) {
    Services& s = c.s;
    Request& r = c.request;
    const auto& device = c.device;
    if (!signed_by_device(r, *device))
        return fail(ApiError{401,
                             "batch_signature_invalid",
                             "the batch is not signed by this device's key (header " +
                                 std::string(domain::kBatchSignatureHeader) +
                                 "; docs/sync-protocol.md, \"Entry ingest\")",
                             {},
                             {}});
    auto batch = domain::parse_message<domain::EntryBatch>(r.body);
    if (!batch.ok()) return fail(message_error(batch.error()));
    for (std::size_t i = 0; i < batch->entries.size(); ++i) {
        const auto& e = batch->entries[i];
        const std::string at = "entries[" + std::to_string(i) + "]";
        if (e.gate.empty() || e.gate.size() > 64)
            return fail(ApiError{400,
                                 "validation_failed",
                                 at + ".gate must be 1..64 characters",
                                 {{at + ".gate", "invalid", "must be 1..64 characters"}},
                                 {}});
        if (e.reason.size() > 64)
            return fail(ApiError{400,
                                 "validation_failed",
                                 at + ".reason is too long",
                                 {{at + ".reason", "too_long", "must be at most 64 characters"}},
                                 {}});
        if (e.verdict == domain::Verdict::Accepted &&
            (!e.ticket_id || static_cast<std::int64_t>(e.event_id) != device->event_id))
            return fail(ApiError{400,
                                 "validation_failed",
                                 at + ": an accepted entry needs a ticket of the device's event",
                                 {{at + ".event_id", "invalid", "is not the device's event"}},
                                 {}});
    }
    // An admission counts only with a genuine code behind it; a time that does not fit the
    // device's real clock is stored ("it happened") but flagged.
    auto keyring = keyring_of(s, device->event_id);
    if (!keyring.ok()) return fail(keyring.error());
    const std::int64_t now = s.clock.now_ms();
    std::optional<std::int64_t> observed_offset;
    if (batch->sent_at != 0) observed_offset = now - batch->sent_at;
    std::vector<IngestEntry> kept;
    std::vector<domain::IngestNote> refused;
    for (auto& e : batch->entries) {
        if (auto problem = proof_problem(e, *keyring)) {
            refused.push_back({e.nonce, std::string(*problem)});
            continue;
        }
        auto flag = clock_flag(e, observed_offset, now, domain::kDefaultClockToleranceMs);
        kept.push_back({std::move(e), flag ? std::string(*flag) : std::string()});
    }
    auto result = s.store.ingest(*device, kept, now);
    if (!result.ok()) return fail(result.error());
    domain::IngestResult& out = *result;
    out.refused = std::move(refused);
    if (!out.refused.empty())
        s.logger.warn("device entries refused",
                      {{"device_id", device->id},
                       {"refused", static_cast<std::int64_t>(out.refused.size())},
                       {"first_reason", out.refused.front().reason}});
    if (!out.flagged.empty())
        s.logger.warn("device entries flagged",
                      {{"device_id", device->id},
                       {"flagged", static_cast<std::int64_t>(out.flagged.size())},
                       {"first_reason", out.flagged.front().reason}});
    s.logger.info("entries ingested",
                  {{"device_id", device->id},
                   {"event_id", device->event_id},
                   {"stored", static_cast<std::int64_t>(out.stored.size())},
                   {"duplicates", static_cast<std::int64_t>(out.duplicates.size())},
                   {"conflicts", static_cast<std::int64_t>(out.conflicts.size())},
                   {"refused", static_cast<std::int64_t>(out.refused.size())},
                   {"flagged", static_cast<std::int64_t>(out.flagged.size())}});
    for (const auto& conflict : out.conflicts)
        s.logger.warn("entry conflict",
                      {{"device_id", device->id},
                       {"ticket_id", static_cast<std::int64_t>(conflict.ticket_id)},
                       {"other_gate", conflict.other_gate}});
    s.metrics.count("gate_entries_ingested_total", "result", "refused",
                    static_cast<std::int64_t>(out.refused.size()));
    s.metrics.count("gate_entries_ingested_total", "result", "flagged",
                    static_cast<std::int64_t>(out.flagged.size()));
    s.metrics.count("gate_entries_ingested_total", "result", "stored",
                    static_cast<std::int64_t>(out.stored.size()));
    s.metrics.count("gate_entries_ingested_total", "result", "duplicate",
                    static_cast<std::int64_t>(out.duplicates.size()));
    return json_response(200, nlohmann::json(out));
}

}  // namespace

void add_device_routes(Router& router, Services& s) {
    add_endpoint(
        router, s,
        {Method::Post, "/api/v1/events/{id}/checkin-lists", Caller::User, {Role::Organizer}, {}},
        create_checkin_list);
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/devices/setup-codes", Caller::User, {Role::Organizer}, {}},
                 create_setup_code);
    add_endpoint(router, s,
                 {Method::Post,
                  "/api/v1/devices/register",
                  Caller::Anyone,
                  {},
                  RateLimit{"sign-in", &Settings::sign_in_limit, RateKey::ClientAddress}},
                 register_device);
    add_endpoint(router, s,
                 {Method::Post, "/api/v1/devices/{id}/revoke", Caller::User, {Role::Organizer}, {}},
                 revoke_device);
    add_endpoint(router, s, {Method::Get, "/api/v1/devices/me/assignment", Caller::Device, {}, {}},
                 device_assignment);
    add_endpoint(router, s, {Method::Get, "/api/v1/devices/me/snapshot", Caller::Device, {}, {}},
                 device_snapshot);
    add_endpoint(router, s, {Method::Get, "/api/v1/devices/me/changes", Caller::Device, {}, {}},
                 device_changes);
    add_endpoint(router, s,
                 {Method::Post,
                  "/api/v1/devices/me/entries",
                  Caller::Device,
                  {},
                  RateLimit{"validate", &Settings::validate_limit, RateKey::Device}},
                 ingest_entries);
}

}  // namespace gate::backend
