#include "gate/solana/TransactionSender.h"

#include <string>
#include <thread>

#include "gate/solana/ProgramErrors.h"
#include "gate/solana/Transaction.h"

namespace gate::solana {
namespace {

using Clock = std::chrono::steady_clock;

int commitment_rank(const std::string& level) {
    if (level == "finalized") return 2;
    if (level == "confirmed") return 1;
    return 0;
}

std::string list(const std::vector<Signature>& sigs) {
    std::string out;
    for (const auto& s : sigs)
        out += (out.empty() ? "" : ", ") + s.to_base58();
    return out;
}

}  // namespace

TransactionSender::TransactionSender(RpcClient& rpc, SenderOptions options)
    : rpc_(rpc), options_(std::move(options)) {
    if (!options_.sleep)
        options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

Result<Confirmation, Error> TransactionSender::send_and_confirm(
    const Pubkey& fee_payer, std::span<const Instruction> instructions,
    std::span<const KeyPair* const> signers) {
    const auto deadline = Clock::now() + options_.timeout;
    const int wanted = commitment_rank(rpc_.options().commitment);
    Confirmation out;
    Transaction current;
    Blockhash blockhash;
    auto last_broadcast = Clock::now();
    bool landed = false;  // seen on chain, waiting for the wanted commitment

    // Signs the message with a fresh blockhash and sends it. Only called when no
    // earlier attempt can land any more.
    auto attempt = [&]() -> Status<Error> {
        auto latest = rpc_.get_latest_blockhash();
        if (!latest) return fail(latest.error());
        auto tx = build_transaction(fee_payer, instructions, latest->blockhash, signers,
                                    options_.version);
        if (!tx) return fail(tx.error());
        current = std::move(*tx);
        blockhash = latest->blockhash;
        ++out.attempts;
        out.sent.push_back(current.id());
        last_broadcast = Clock::now();
        auto sent = rpc_.send_transaction(current);
        if (sent) return {};
        const Error& e = sent.error();
        // Expired between fetch and send, or already landed: the status loop sorts it out.
        if (e.chain_error == "BlockhashNotFound" || e.chain_error == "AlreadyProcessed") return {};
        // The answer was lost: the transaction may or may not have arrived; polling tells.
        if (e.retryable()) return {};
        return fail(e);
    };

    // The first attempt whose status is known, if any: landed (Ok) or failed on chain.
    auto check = [&]() -> Result<std::optional<Result<Confirmation, Error>>, Error> {
        auto statuses = rpc_.get_signature_statuses(out.sent);
        if (!statuses) return fail(statuses.error());
        for (std::size_t i = 0; i < statuses->size(); ++i) {
            const auto& st = (*statuses)[i];
            if (!st) continue;
            if (st->failed()) {
                Error e{Error::Kind::Transaction,
                        "transaction " + out.sent[i].to_base58() +
                            " failed: " + describe_transaction_error(st->err, &current.message),
                        0, st->err};
                return std::optional<Result<Confirmation, Error>>(fail(std::move(e)));
            }
            if (commitment_rank(st->confirmation_status) < wanted) {
                landed = true;
                return std::optional<Result<Confirmation, Error>>();  // landed; wait for depth
            }
            Confirmation done = out;
            done.signature = out.sent[i];
            done.slot = st->slot;
            return std::optional<Result<Confirmation, Error>>(std::move(done));
        }
        return std::optional<Result<Confirmation, Error>>();
    };

    if (auto first = attempt(); !first) return fail(first.error());
    for (;;) {
        if (Clock::now() >= deadline) {
            return fail(Error{Error::Kind::Unconfirmed,
                              "not confirmed in time; sent " + list(out.sent) +
                                  " (check their status before building the same change again)"});
        }
        auto found = check();
        if (found && *found) return std::move(**found);
        if (found && !landed) {
            auto valid = rpc_.is_blockhash_valid(blockhash);
            if (valid && !*valid) {
                // It can no longer land. Look once more (it may have landed just before
                // expiring), and only then build a new one.
                auto again = check();
                if (again && *again) return std::move(**again);
                if (again) {
                    if (out.attempts >= options_.max_attempts) {
                        return fail(Error{Error::Kind::Unconfirmed,
                                          "blockhash expired " + std::to_string(out.attempts) +
                                              " times without the transaction landing; sent " +
                                              list(out.sent)});
                    }
                    if (auto next = attempt(); !next) return fail(next.error());
                    continue;
                }
            } else if (valid && Clock::now() - last_broadcast >= options_.rebroadcast_interval) {
                // Same bytes, same signature: a node that dropped it gets another chance.
                last_broadcast = Clock::now();
                (void)rpc_.send_transaction(current, SendOptions{true});
            } else if (!valid && !valid.error().retryable()) {
                return fail(valid.error());
            }
        } else if (!found && !found.error().retryable()) {
            return fail(found.error());
        }
        options_.sleep(options_.poll_interval);
    }
}

}  // namespace gate::solana
