#include "gate/syncd/ChainRecorder.h"

#include <algorithm>
#include <thread>

#include "gate/codec/Base64Url.h"
#include "gate/crypto/KeyFile.h"
#include "gate/crypto/SealedBox.h"
#include "gate/solana/ProgramErrors.h"

namespace gate::syncd {

namespace {

using SteadyClock = std::chrono::steady_clock;

// getSignatureStatuses takes at most 256 signatures per call.
constexpr std::size_t kStatusBatch = 256;
// Check-ins read per packing; far more than one transaction holds.
constexpr std::size_t kPackWindow = 64;

int commitment_rank(const std::string& level) {
    if (level == "finalized") return 2;
    if (level == "confirmed") return 1;
    return 0;
}

std::string db_problem(const db::Error& e) {
    return "device database: " + db::to_string(e);
}

}  // namespace

Result<solana::KeyPair, std::string> open_validator_key(const domain::ChainAssignment& chain,
                                                        const crypto::KeyPair& device_key) {
    auto sealed = codec::base64url_decode(chain.validator_key_sealed);
    if (!sealed) {
        return fail(std::string(
            "the assignment's validator key is not base64url text (ask the backend operator)"));
    }
    auto opened = crypto::open_sealed(device_key, *sealed);
    if (!opened) {
        return fail("cannot open the validator key sealed for this device: " + opened.error() +
                    " (the backend sealed it for another device key; provision this device "
                    "again)");
    }
    auto key = crypto::KeyPair::from_secret(*opened);
    std::fill(opened->begin(), opened->end(), std::uint8_t{0});
    if (!key) {
        return fail(std::string(
            "the opened validator key is not a 64-byte Solana secret key (ask the backend "
            "operator)"));
    }
    if (key->public_key() != chain.validator) {
        return fail("the opened validator key is " + key->public_key().to_base58() +
                    ", not the assignment's validator " + chain.validator.to_base58());
    }
    return std::move(key).value();
}

struct ChainRecorder::Context {
    solana::RpcClient* rpc = nullptr;
    const solana::KeyPair* validator = nullptr;
    std::string url;
};

ChainRecorder::ChainRecorder(device::DeviceDatabase& database, RecorderOptions options,
                             const Clock& clock)
    : database_(database), options_(std::move(options)), clock_(clock) {
    if (options_.max_in_flight == 0) options_.max_in_flight = 1;
}

ChainRecorder::~ChainRecorder() = default;

void ChainRecorder::pause(const std::atomic<bool>& stop) const {
    const auto until = SteadyClock::now() + options_.poll_interval;
    while (!stop && SteadyClock::now() < until) {
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            options_.poll_interval, std::chrono::milliseconds(20)));
    }
}

std::optional<std::string> ChainRecorder::prepare(Context& ctx, ChainReport& report) {
    auto assignment = database_.cache().assignment();
    if (!assignment) return db_problem(assignment.error());
    if (!*assignment || !(*assignment)->chain) {
        report.configured = false;
        return std::nullopt;
    }
    const auto& chain = *(*assignment)->chain;
    ctx.url = options_.rpc_url.empty() ? chain.rpc_url : options_.rpc_url;
    if (ctx.url.empty()) {
        return std::string(
            "no chain RPC URL: the assignment names none and chain.rpc_url is unset");
    }
    if (!rpc_ || rpc_->options().url != ctx.url) {
        solana::RpcOptions rpc_options;
        rpc_options.url = ctx.url;
        rpc_options.http.timeout = options_.request_timeout;
        rpc_ = std::make_unique<solana::RpcClient>(std::move(rpc_options));
    }
    if (!validator_ || sealed_ != chain.validator_key_sealed) {
        validator_.reset();
        auto device_key = crypto::load_keypair(options_.device_key_file);
        if (!device_key) {
            return "cannot read the device key: " + device_key.error().message +
                   " (gate-scanner provision writes it; set device.key_file)";
        }
        auto validator = open_validator_key(chain, *device_key);
        if (!validator) return validator.error();
        validator_.emplace(std::move(validator).value());
        sealed_ = chain.validator_key_sealed;
    }
    ctx.rpc = rpc_.get();
    ctx.validator = &*validator_;
    return std::nullopt;
}

std::optional<std::string> ChainRecorder::settle_failure(const device::ChainTransaction& tx,
                                                         const nlohmann::json& err,
                                                         const std::string& text,
                                                         ChainReport& report) {
    const auto now = clock_.now_ms();
    broadcast_.erase(tx.signature);
    // A transaction is atomic: nothing of it applied. Find the check-in whose instruction
    // failed; it alone is refused, the others go back to the queue.
    std::optional<std::uint64_t> culprit;
    if (auto failure = solana::instruction_failure(err)) {
        auto parsed = solana::Transaction::deserialize(tx.body);
        if (parsed) {
            if (auto mint = failing_mint(parsed->message, failure->index)) {
                for (const auto ticket : tx.ticket_ids) {
                    auto row = database_.chain().checkin(ticket);
                    if (row && *row && (*row)->mint == *mint) culprit = ticket;
                }
            }
        }
    }
    if (culprit) {
        if (auto s = database_.chain().settle_failed(tx.signature, *culprit, text, now); !s)
            return db_problem(s.error());
        ++report.failed;
        report.requeued += tx.ticket_ids.size() - 1;
        return std::nullopt;
    }
    if (auto s = database_.chain().settle_dropped(tx.signature, now); !s)
        return db_problem(s.error());
    report.requeued += tx.ticket_ids.size();
    return "the chain refused a check-in transaction: " + text;
}

std::optional<std::string> ChainRecorder::reconcile(Context& ctx, ChainReport& report) {
    auto in_flight = database_.chain().in_flight_transactions();
    if (!in_flight) return db_problem(in_flight.error());
    if (in_flight->empty()) return std::nullopt;
    const auto unreachable = [&](const solana::Error& e) {
        return "chain RPC " + ctx.url + ": " + e.message;
    };
    const int wanted = commitment_rank(ctx.rpc->options().commitment);
    std::optional<std::uint64_t> height;

    for (std::size_t from = 0; from < in_flight->size(); from += kStatusBatch) {
        const auto batch =
            std::span(*in_flight).subspan(from, std::min(kStatusBatch, in_flight->size() - from));
        std::vector<solana::Signature> signatures;
        for (const auto& tx : batch) {
            auto sig = solana::Signature::from_base58(tx.signature);
            if (!sig) return "device database: stored signature " + tx.signature + " is not base58";
            signatures.push_back(*sig);
        }
        auto statuses = ctx.rpc->get_signature_statuses(signatures);
        if (!statuses) return unreachable(statuses.error());
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto& tx = batch[i];
            const auto& status = (*statuses)[i];
            if (status) {
                if (status->failed()) {
                    auto parsed = solana::Transaction::deserialize(tx.body);
                    const std::string text = solana::describe_transaction_error(
                        status->err, parsed ? &parsed->message : nullptr);
                    if (auto e = settle_failure(tx, status->err, text, report)) return e;
                } else if (commitment_rank(status->confirmation_status) >= wanted) {
                    if (auto s = database_.chain().settle_landed(tx.signature, clock_.now_ms()); !s)
                        return db_problem(s.error());
                    broadcast_.erase(tx.signature);
                    report.confirmed += tx.ticket_ids.size();
                }
                continue;  // landed, not deep enough yet: wait
            }
            // Unseen. It can still land while its blockhash is valid: send the same bytes
            // again (same signature: at most one of them lands). Only once the chain is past
            // its last valid block height and no longer knows the blockhash can it never land.
            if (!height) {
                auto h = ctx.rpc->get_block_height();
                if (!h) return unreachable(h.error());
                height = *h;
            }
            auto blockhash = solana::Blockhash::from_base58(tx.blockhash);
            if (!blockhash)
                return "device database: stored blockhash " + tx.blockhash + " is not base58";
            bool expired = false;
            if (*height > tx.last_valid_block_height) {
                auto valid = ctx.rpc->is_blockhash_valid(*blockhash);
                if (!valid) return unreachable(valid.error());
                expired = !*valid;
            }
            if (expired) {
                // One last look: it may have landed just before its blockhash expired.
                const solana::Signature one[] = {signatures[i]};
                auto again = ctx.rpc->get_signature_statuses(one);
                if (!again) return unreachable(again.error());
                if (again->at(0)) continue;  // it did: the next pass settles it
                if (auto s = database_.chain().settle_dropped(tx.signature, clock_.now_ms()); !s)
                    return db_problem(s.error());
                broadcast_.erase(tx.signature);
                report.requeued += tx.ticket_ids.size();
                continue;
            }
            const auto now = SteadyClock::now();
            auto last = broadcast_.find(tx.signature);
            if (last == broadcast_.end() || now - last->second >= options_.rebroadcast_interval) {
                auto parsed = solana::Transaction::deserialize(tx.body);
                if (!parsed)
                    return "device database: stored transaction " + tx.signature +
                           " does not parse";
                broadcast_[tx.signature] = now;
                auto sent = ctx.rpc->send_transaction(*parsed, solana::SendOptions{true});
                if (!sent && sent.error().retryable()) return unreachable(sent.error());
            }
        }
    }
    return std::nullopt;
}

std::optional<std::string> ChainRecorder::send_next(Context& ctx, ChainReport& report) {
    auto latest = ctx.rpc->get_latest_blockhash();
    if (!latest) return "chain RPC " + ctx.url + ": " + latest.error().message;
    auto queue = database_.chain().pending_checkins(kPackWindow);
    if (!queue) return db_problem(queue.error());
    if (queue->empty()) return std::nullopt;
    auto packed = pack_checkins(*queue, *ctx.validator, latest->blockhash, options_.pack);
    if (!packed) {
        if (packed.error().kind == solana::Error::Kind::TooLarge) {
            // This one can never be sent; set it aside so it does not block the others.
            if (auto s = database_.chain().fail_checkin(queue->front().ticket_id,
                                                        packed.error().message);
                !s)
                return db_problem(s.error());
            ++report.failed;
            return std::nullopt;
        }
        return "cannot build a check-in transaction: " + packed.error().message;
    }
    device::ChainTransaction record;
    record.signature = packed->transaction.id().to_base58();
    record.body = packed->transaction.serialize();
    record.blockhash = latest->blockhash.to_base58();
    record.last_valid_block_height = latest->last_valid_block_height;
    record.sent_at = clock_.now_ms();
    record.ticket_ids = packed->ticket_ids;
    // Stored before it leaves: after a crash the next round finds it and checks its fate.
    if (auto s = database_.chain().begin_chain_transaction(record); !s)
        return db_problem(s.error());
    ++report.transactions_sent;
    broadcast_[record.signature] = SteadyClock::now();
    auto sent = ctx.rpc->send_transaction(packed->transaction);
    if (sent) return std::nullopt;
    const auto& e = sent.error();
    if (e.kind == solana::Error::Kind::Transaction) {
        // Expired between fetch and send, or landed already: reconciling sorts it out.
        if (e.chain_error == "BlockhashNotFound" || e.chain_error == "AlreadyProcessed")
            return std::nullopt;
        // The node's preflight refused it, so it was not forwarded and cannot land.
        return settle_failure(record, e.chain_error, e.message, report);
    }
    // The answer was lost or refused without executing: it may or may not have arrived.
    // It stays in flight; the next reconcile finds out.
    return "chain RPC " + ctx.url + ": " + e.message;
}

ChainReport ChainRecorder::run_round(const std::atomic<bool>& stop) {
    ChainReport report;
    Context ctx;
    std::optional<std::string> error = prepare(ctx, report);
    auto status = database_.chain().chain_status();
    if (!status && !error) error = db_problem(status.error());
    if (!error && !report.configured && status && status->queue_depth() > 0) {
        error = std::to_string(status->queue_depth()) +
                " check-ins wait, but the backend assigned no chain to this device";
    }
    if (!error && report.configured && status && status->queue_depth() > 0) {
        const auto deadline = SteadyClock::now() + options_.confirm_timeout;
        while (!error) {
            error = reconcile(ctx, report);
            if (error) break;
            auto now_status = database_.chain().chain_status();
            if (!now_status) {
                error = db_problem(now_status.error());
                break;
            }
            // max_in_flight counts transactions (each carries several check-ins).
            auto in_flight = static_cast<std::size_t>(now_status->transactions_in_flight);
            auto pending = now_status->pending;
            while (!stop && in_flight < options_.max_in_flight && pending > 0 && !error) {
                const auto before = report.transactions_sent;
                error = send_next(ctx, report);
                auto after = database_.chain().chain_status();
                if (!after) {
                    error = db_problem(after.error());
                    break;
                }
                in_flight = static_cast<std::size_t>(after->transactions_in_flight);
                pending = after->pending;
                if (report.transactions_sent == before) break;  // set one aside: look again
            }
            if (error || stop) break;
            if (in_flight == 0 && pending == 0) break;  // all recorded
            if (SteadyClock::now() >= deadline) break;  // still in flight: next round
            if (in_flight > 0) pause(stop);
        }
    }
    if (auto after = database_.chain().chain_status())
        report.waiting = static_cast<std::size_t>(after->queue_depth());
    report.error = error;
    const auto now = clock_.now_ms();
    if (error) {
        (void)database_.chain().record_chain_failure(now, *error);
    } else if (report.configured) {
        (void)database_.chain().record_chain_success(now);
    }
    return report;
}

}  // namespace gate::syncd
