#include "gate/backend/ChainSync.h"

#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <thread>
#include <vector>

#include "gate/codec/Hex.h"
#include "gate/config/ConfigError.h"
#include "gate/crypto/KeyFile.h"
#include "gate/domain/PublicStatus.h"
#include "gate/solana/Memo.h"
#include "gate/solana/ProgramAddress.h"
#include "gate/solana/SystemProgram.h"
#include "gate/solana/TicketNft.h"
#include "gate/solana/TokenState.h"
#include "gate/solana/TransactionSender.h"

namespace gate::backend {

using solana::KeyPair;
using solana::Pubkey;

namespace {

// A name for this process in the lease table: unique among processes on any machine.
std::string random_holder() {
    std::array<std::uint8_t, 12> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    return "ticket-api-" + std::to_string(::getpid()) + "-" +
           codec::hex_encode(ByteView(bytes.data(), bytes.size()));
}

// A round repeats read -> next missing step at most this often per ticket: create, issue,
// thaw, transfer, freeze, status, plus room for a read that raced a change.
constexpr int kMaxStepsPerTicket = 9;
constexpr const char* kSymbol = "GATE";
// Wallets show about this much of a name; it also keeps the transactions small.
constexpr std::size_t kMaxNameBytes = 32;

std::string truncate_utf8(std::string text, std::size_t limit) {
    if (text.size() <= limit) return text;
    std::size_t cut = limit;
    // Never cut inside a multi-byte character (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    text.resize(cut);
    return text;
}

std::unique_ptr<KeyPair> load_or_create_payer(const std::filesystem::path& file) {
    auto loaded = crypto::load_keypair(file);
    if (!loaded.ok() && loaded.error().kind == crypto::KeyFileError::Kind::NotFound) {
        auto fresh = KeyPair::generate();
        auto saved = crypto::save_keypair(file, fresh);
        // Another process may have created it at the same moment: read whatever is there.
        if (!saved.ok() && saved.error().kind != crypto::KeyFileError::Kind::AlreadyExists)
            throw config::ConfigError("chain.payer_key_file: " + saved.error().message);
        loaded = crypto::load_keypair(file);
    }
    if (!loaded.ok()) throw config::ConfigError("chain.payer_key_file: " + loaded.error().message);
    return std::make_unique<KeyPair>(std::move(loaded).value());
}

}  // namespace

struct ChainSync::EventKeys {
    KeyPair authority;
    KeyPair validator;
};

ChainSync::ChainSync(Store& store, const KeyVault& keys, const Settings& settings,
                     const Clock& clock, Metrics& metrics, log::Logger logger,
                     ChainSyncOptions options)
    : store_(store),
      keys_(keys),
      settings_(settings),
      clock_(clock),
      metrics_(metrics),
      logger_(std::move(logger)),
      options_(std::move(options)),
      holder_(random_holder()) {
    solana::RpcOptions rpc;
    rpc.url = settings_.chain_rpc_url;
    rpc.http.connect_timeout = std::chrono::seconds{3};
    rpc.http.timeout = std::chrono::seconds{10};
    rpc_ = std::make_unique<solana::RpcClient>(rpc);
    payer_ = load_or_create_payer(settings_.chain_payer_key_file);
}

ChainSync::~ChainSync() {
    stop();
}

const Pubkey& ChainSync::payer() const {
    return payer_->public_key();
}

void ChainSync::start() {
    if (worker_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    worker_ = std::thread([this] { loop(); });
}

void ChainSync::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
    // Another process may take over at once rather than when the lease runs out.
    if (leading_) static_cast<void>(store_.release_lease(kLeaseName, holder_));
    leading_ = false;
}

bool ChainSync::lead() {
    auto held =
        store_.hold_lease(kLeaseName, holder_, clock_.now_ms(), settings_.chain_lease_ttl.count());
    if (!held.ok()) {
        logger_.warn("chain lease unreadable", {{"error", held.error().message}});
        return false;
    }
    if (*held != leading_)
        logger_.info(*held ? "chain reconciler leads" : "chain reconciler follows another process",
                     {{"holder", holder_}});
    leading_ = *held;
    return leading_;
}

void ChainSync::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wake_.notify_all();
}

void ChainSync::loop() {
    const auto interval = settings_.chain_sync_interval;
    auto backoff = interval;
    for (;;) {
        ChainRound round;
        try {
            if (lead()) round = run_round();
        } catch (const std::exception& e) {
            // A bug must not end the worker silently; the next round starts afresh.
            logger_.error("chain round failed", {{"error", e.what()}});
            round.chain_down = true;
        }
        std::chrono::milliseconds wait = interval;
        if (round.chain_down) {
            wait = backoff;
            backoff = std::min(backoff * 2, settings_.chain_max_backoff);
        } else {
            backoff = interval;
            if (round.tickets >= options_.batch && round.synced > 0) wait = {};  // more queued
        }
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, wait, [&] { return stopping_ || woken_; });
        if (stopping_) return;
        woken_ = false;
    }
}

void ChainSync::refresh_metrics() {
    auto queue = store_.chain_queue();
    if (!queue.ok()) return;
    metrics_.set_gauge("gate_chain_queue_dirty", static_cast<double>(queue->dirty));
    metrics_.set_gauge("gate_chain_queue_failing", static_cast<double>(queue->failing));
    metrics_.set_gauge("gate_chain_tickets_issued", static_cast<double>(queue->issued));
}

std::optional<std::string> ChainSync::ensure_payer_funds() {
    if (settings_.chain_airdrop_lamports == 0) return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_balance_check_) return std::nullopt;
    auto balance = rpc_->get_balance(payer());
    if (!balance) return solana::to_string(balance.error());
    // Top up to the target once below half of it (a test cluster's faucet is not free
    // either); asking for the missing amount keeps two airdrops from being the same
    // transaction.
    if (*balance < settings_.chain_airdrop_lamports / 2) {
        const auto missing = settings_.chain_airdrop_lamports - *balance;
        auto airdrop = rpc_->request_airdrop(payer(), missing);
        if (!airdrop) {
            if (airdrop.error().kind == solana::Error::Kind::Network)
                return "airdrop: " + solana::to_string(airdrop.error());
            // A faucet that refuses is not the chain being down: go on with what there is.
            logger_.warn("airdrop refused", {{"error", solana::to_string(airdrop.error())}});
            next_balance_check_ = now + std::chrono::seconds{10};
            return std::nullopt;
        }
        // The airdrop lands like any transaction; wait for it briefly.
        for (int i = 0; i < 50; ++i) {
            auto now_balance = rpc_->get_balance(payer());
            if (now_balance && *now_balance > *balance) break;
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
        }
        logger_.info("payer topped up by airdrop",
                     {{"payer", payer().to_base58()}, {"lamports", missing}});
    }
    next_balance_check_ = now + std::chrono::seconds{10};
    return std::nullopt;
}

const ChainSync::EventKeys* ChainSync::event_keys(std::int64_t event_id, ChainRound& round,
                                                  std::string& error) {
    if (auto it = events_.find(event_id); it != events_.end()) return it->second.get();
    // Made once per event, stored sealed; a concurrent first use keeps the first stored.
    const auto authority = KeyPair::generate();
    const auto validator = KeyPair::generate();
    EventChainKeys candidate{event_id,
                             authority.public_key().to_base58(),
                             keys_.seal_key(authority),
                             validator.public_key().to_base58(),
                             keys_.seal_key(validator),
                             false};
    auto stored = store_.ensure_chain_keys(candidate, clock_.now_ms());
    if (!stored.ok()) {
        error = "database: " + stored.error().message;
        return nullptr;
    }
    auto a = keys_.open_key(stored->authority_sealed);
    auto v = keys_.open_key(stored->validator_sealed);
    if (!a.ok() || !v.ok()) {
        error = "event keys: " + (a.ok() ? v.error() : a.error());
        return nullptr;
    }
    auto keys = std::make_unique<EventKeys>(EventKeys{std::move(*a), std::move(*v)});
    if (!stored->validator_funded && settings_.chain_validator_lamports > 0) {
        // The validator pays its own check-in fees; top it up to the budget once per event.
        const Pubkey validator_key = keys->validator.public_key();
        auto balance = rpc_->get_balance(validator_key);
        if (!balance) {
            round.chain_down = balance.error().kind == solana::Error::Kind::Network;
            error = "funding the validator: " + solana::to_string(balance.error());
            return nullptr;
        }
        if (*balance < settings_.chain_validator_lamports) {
            solana::TransactionSender sender(*rpc_);
            const std::vector<solana::Instruction> ixs{solana::system::transfer(
                payer(), validator_key, settings_.chain_validator_lamports - *balance)};
            const KeyPair* signers[] = {payer_.get()};
            auto sent = sender.send_and_confirm(payer(), ixs, signers);
            if (!sent) {
                round.chain_down = sent.error().kind == solana::Error::Kind::Network;
                error = "funding the validator: " + solana::to_string(sent.error());
                return nullptr;
            }
            ++round.transactions;
            metrics_.count("gate_chain_transactions_total", "step", "fund_validator");
        }
        if (auto marked = store_.mark_validator_funded(event_id); !marked.ok()) {
            error = "database: " + marked.error().message;
            return nullptr;
        }
    }
    const auto* out = keys.get();
    events_[event_id] = std::move(keys);
    return out;
}

std::int64_t ChainSync::backoff_ms(std::int64_t attempts) const {
    // Doubles per failed round in a row, from the sync interval up to the cap.
    const auto exponent = std::clamp<std::int64_t>(attempts, 0, 16);
    return std::min<std::int64_t>(settings_.chain_sync_interval.count() << exponent,
                                  settings_.chain_max_backoff.count());
}

ChainRound ChainSync::run_round() {
    ChainRound round;
    const auto now = clock_.now_ms();
    auto work = store_.chain_work(now, static_cast<std::int64_t>(options_.batch));
    if (!work.ok()) {
        logger_.warn("chain queue unreadable", {{"error", work.error().message}});
        return round;
    }
    auto audit = store_.chain_audit(now - settings_.chain_audit_interval.count(),
                                    static_cast<std::int64_t>(options_.audit_batch));
    if (!audit.ok()) {
        logger_.warn("chain audit unreadable", {{"error", audit.error().message}});
        audit = std::vector<ChainWork>{};
    }
    if (work->empty() && audit->empty()) {
        refresh_metrics();
        return round;
    }
    if (auto funding = ensure_payer_funds()) {
        logger_.warn("chain unavailable", {{"error", *funding}});
        round.chain_down = true;
        // Each waiting ticket says why it waits.
        for (const auto& item : *work) {
            ChainOutcome outcome;
            outcome.ticket_id = item.ticket.id;
            outcome.dirty_seq = item.dirty_seq;
            outcome.state = item.ticket.chain.state;
            outcome.error = "paying fees: " + *funding;
            outcome.next_attempt_at = clock_.now_ms() + backoff_ms(item.ticket.chain.attempts);
            static_cast<void>(store_.record_chain(outcome, clock_.now_ms()));
            ++round.failed;
        }
        metrics_.count("gate_chain_rounds_total", "result", "chain_down");
        refresh_metrics();
        return round;
    }
    if (sync_all(*work, round, false)) sync_all(*audit, round, true);
    metrics_.count("gate_chain_rounds_total", "result", round.chain_down ? "chain_down" : "ok");
    refresh_metrics();
    return round;
}

bool ChainSync::sync_all(const std::vector<ChainWork>& work, ChainRound& round, bool audit) {
    for (const auto& item : work) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return false;
        }
        ++(audit ? round.audited : round.tickets);
        const auto sent_before = round.transactions;
        auto outcome = sync_ticket(item, round);
        if (!outcome) return false;  // abandoned (test hook): record nothing, as a crash would
        if (auto recorded = store_.record_chain(*outcome, clock_.now_ms()); !recorded.ok())
            logger_.warn("chain result not recorded",
                         {{"ticket_id", item.ticket.id}, {"error", recorded.error().message}});
        if (outcome->synced) {
            ++round.synced;
            if (audit && round.transactions != sent_before)
                logger_.warn("ticket repaired on chain: it had been changed there",
                             {{"ticket_id", item.ticket.id}});
        } else {
            ++round.failed;
            logger_.warn("ticket not on chain yet",
                         {{"ticket_id", item.ticket.id}, {"error", outcome->error.value_or("")}});
        }
        if (round.chain_down) return false;  // the rest would fail the same way; back off
    }
    return true;
}

std::optional<ChainOutcome> ChainSync::sync_ticket(const ChainWork& w, ChainRound& round) {
    const Ticket& t = w.ticket;
    ChainOutcome out;
    out.ticket_id = t.id;
    out.dirty_seq = w.dirty_seq;
    out.state = t.chain.state;
    const auto failed = [&](std::string why) {
        out.synced = false;
        out.error = std::move(why);
        out.next_attempt_at = clock_.now_ms() + backoff_ms(t.chain.attempts);
        return std::optional<ChainOutcome>(out);
    };
    const auto chain_failed = [&](const std::string& what, const solana::Error& e) {
        if (e.kind == solana::Error::Kind::Network) round.chain_down = true;
        return failed(what + ": " + solana::to_string(e));
    };

    std::string why;
    const EventKeys* keys = event_keys(t.event_id, round, why);
    if (keys == nullptr) return failed(why);
    auto owner = solana::parse_pubkey(t.owner_wallet);
    if (!owner) return failed("the owner wallet is not a Solana address");

    // The mint key is stored before anything is sent: after a crash the chain is read
    // for this very mint, so a ticket never gets a second NFT.
    Bytes sealed = w.mint_sealed;
    if (sealed.empty()) {
        const auto fresh = KeyPair::generate();
        auto stored = store_.put_chain_mint(t.id, fresh.public_key().to_base58(),
                                            keys_.seal_key(fresh), clock_.now_ms());
        if (!stored.ok()) return failed("database: " + stored.error().message);
        sealed = std::move(stored->second);
    }
    auto mint = keys_.open_key(sealed);
    if (!mint.ok()) return failed("mint key: " + mint.error());
    const Pubkey mint_key = mint->public_key();

    const std::string id = std::to_string(t.id);
    const solana::ticket_nft::TicketSpec spec{
        payer(),
        mint_key,
        keys->authority.public_key(),
        keys->validator.public_key(),
        *owner,
        truncate_utf8(w.event_name + " #" + id, kMaxNameBytes),
        kSymbol,
        settings_.public_base_url + "/api/v1/tickets/" + id + "/metadata.json",
        std::to_string(t.event_id),
        w.tier_name.empty() ? std::to_string(t.tier) : w.tier_name};

    solana::SenderOptions sender_options;
    sender_options.timeout = std::chrono::seconds{30};
    solana::TransactionSender sender(*rpc_, sender_options);
    const auto send = [&](std::string_view step, const std::vector<solana::Instruction>& ixs,
                          std::vector<const KeyPair*> signers) -> std::optional<solana::Error> {
        auto sent = sender.send_and_confirm(payer(), ixs, signers);
        if (!sent) return sent.error();
        ++round.transactions;
        metrics_.count("gate_chain_transactions_total", "step", std::string(step));
        return std::nullopt;
    };
    const auto abandon = [&](std::string_view step) {
        return options_.after_send && !options_.after_send(step);
    };
    const KeyPair* authority = &keys->authority;
    const KeyPair* validator = &keys->validator;

    for (int attempt = 0; attempt < kMaxStepsPerTicket; ++attempt) {
        auto info = rpc_->get_account_info(mint_key);
        if (!info) return chain_failed("reading the mint", info.error());
        if (!info->has_value()) {
            auto lamports = rpc_->get_minimum_balance_for_rent_exemption(
                solana::ticket_nft::funded_mint_size(spec));
            if (!lamports) return chain_failed("rent", lamports.error());
            if (auto e = send("create", solana::ticket_nft::create_mint(spec, *lamports),
                              {payer_.get(), &*mint, authority}))
                return chain_failed("creating the mint", *e);
            if (abandon("create")) return std::nullopt;
            continue;
        }
        auto m = solana::token2022::parse_mint((*info)->data);
        if (!m) return failed("the mint account is not a mint: " + m.error().message);
        if (m->supply == 0) {
            out.state = "minted";
            // Where the token goes is recorded before it is sent (see locate below).
            if (auto put = store_.put_chain_target(t.id, t.owner_wallet); !put.ok())
                return failed("database: " + put.error().message);
            if (auto e = send("issue", solana::ticket_nft::issue(spec), {payer_.get(), authority}))
                return chain_failed("issuing", *e);
            if (abandon("issue")) return std::nullopt;
            continue;
        }

        // Only our own issue and transfers move the token, and each records its
        // destination first: it is with the owner, the last destination or the last
        // holder seen.
        std::vector<std::string> candidates{t.owner_wallet};
        for (const auto& c : {w.target, t.chain.holder})
            if (c && std::find(candidates.begin(), candidates.end(), *c) == candidates.end())
                candidates.push_back(*c);
        std::optional<std::pair<Pubkey, solana::token2022::TokenAccount>> found;
        std::string found_wallet;
        for (const auto& wallet : candidates) {
            auto key = solana::parse_pubkey(wallet);
            if (!key) continue;
            auto account = rpc_->get_account_info(solana::associated_token_address(*key, mint_key));
            if (!account) return chain_failed("reading the holder's account", account.error());
            if (!account->has_value()) continue;
            auto parsed = solana::token2022::parse_token_account((*account)->data);
            if (parsed && parsed->amount == 1) {
                found.emplace(*key, *parsed);
                found_wallet = wallet;
                break;
            }
        }
        if (!found) return failed("the ticket's token is in none of the accounts it was sent to");
        const Pubkey holder = found->first;
        const bool frozen = found->second.state == solana::token2022::AccountState::Frozen;
        const bool want_frozen = t.status != domain::TicketStatus::Valid;
        const bool moved = found_wallet != t.owner_wallet;
        out.holder = found_wallet;
        out.state = frozen ? "frozen" : "issued";
        if (frozen && (!want_frozen || moved)) {
            if (auto e = send("thaw",
                              {solana::ticket_nft::thaw(holder, mint_key, authority->public_key())},
                              {payer_.get(), authority}))
                return chain_failed("thawing", *e);
            if (abandon("thaw")) return std::nullopt;
            continue;
        }
        if (moved) {
            if (auto put = store_.put_chain_target(t.id, t.owner_wallet); !put.ok())
                return failed("database: " + put.error().message);
            if (auto e = send("transfer",
                              solana::ticket_nft::transfer(payer(), mint_key,
                                                           authority->public_key(), holder, *owner),
                              {payer_.get(), authority}))
                return chain_failed("transferring", *e);
            if (abandon("transfer")) return std::nullopt;
            continue;
        }
        if (want_frozen && !frozen) {
            if (auto e =
                    send("freeze",
                         {solana::ticket_nft::freeze(holder, mint_key, authority->public_key())},
                         {payer_.get(), authority}))
                return chain_failed("freezing", *e);
            if (abandon("freeze")) return std::nullopt;
            continue;
        }
        // The status field says what the metadata JSON says (docs/domain.md, "Public
        // status"); `used` written by a gate device is never put back to valid.
        if (!m->metadata) return failed("the mint has no token metadata");
        const auto wanted = domain::public_status(t.status, w.event_status, t.admitted);
        const auto shown = m->metadata->get(solana::ticket_nft::kStatusField).value_or("");
        if (const auto write = domain::chain_status_to_write(shown, wanted)) {
            if (m->metadata->update_authority != validator->public_key())
                return failed("the metadata update authority is not the event's validator key");
            const std::string value(domain::to_string(*write));
            // Token-2022 grows the account in place and the runtime refuses a transaction
            // that leaves it below rent exemption: a mint funded for less is topped up.
            auto rent = rpc_->get_minimum_balance_for_rent_exemption(
                solana::ticket_nft::size_after_status((*info)->data.size(), *m->metadata, value));
            if (!rent) return chain_failed("rent", rent.error());
            std::vector<solana::Instruction> ixs;
            if (*rent > (*info)->lamports)
                ixs.push_back(
                    solana::system::transfer(payer(), mint_key, *rent - (*info)->lamports));
            ixs.push_back(solana::ticket_nft::set_status(mint_key, validator->public_key(), value));
            // A repair may write a value this ticket had before (tampered, repaired, tampered
            // again): the memo keeps it from being byte for byte an earlier transaction, which
            // the node would answer with AlreadyProcessed while nothing changes.
            ixs.push_back(solana::memo::memo("gate ticket " + id + " status=" + value +
                                             " at=" + std::to_string(clock_.now_ms())));
            if (auto e = send("status", ixs, {payer_.get(), validator}))
                return chain_failed("writing the status " + value, *e);
            if (abandon("status")) return std::nullopt;
            continue;
        }
        out.synced = true;
        out.error.reset();
        out.next_attempt_at = 0;
        return out;
    }
    return failed("the ticket did not settle within " + std::to_string(kMaxStepsPerTicket) +
                  " steps");
}

}  // namespace gate::backend
