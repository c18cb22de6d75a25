#pragma once
// RpcClient: the Solana JSON-RPC methods the ticketing system needs, over gate::http.
// Every failure is a solana::Error value: network trouble (retryable), a JSON-RPC error
// with its code (program failures decoded into readable text), or an answer that is not
// the documented shape. Not thread-safe (one http::Client inside), like http::Client.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gate/Bytes.h"
#include "gate/Result.h"
#include "gate/http/Client.h"
#include "gate/solana/Error.h"
#include "gate/solana/Message.h"
#include "gate/solana/Pubkey.h"
#include "gate/solana/Transaction.h"

namespace gate::solana {

struct RpcOptions {
    /// The JSON-RPC endpoint, e.g. "http://127.0.0.1:8899".
    std::string url;
    /// "processed", "confirmed" or "finalized": the state reads and confirmations wait for.
    std::string commitment = "confirmed";
    http::ClientOptions http;
};

struct LatestBlockhash {
    Blockhash blockhash;
    std::uint64_t last_valid_block_height = 0;
};

struct SignatureStatus {
    std::uint64_t slot = 0;
    /// The runtime's error if the transaction failed on chain (it still paid its fee).
    nlohmann::json err;               ///< null on success
    std::string confirmation_status;  ///< "processed", "confirmed" or "finalized"
    bool failed() const { return !err.is_null(); }
};

struct AccountInfo {
    std::uint64_t lamports = 0;
    Pubkey owner;
    Bytes data;
    bool executable = false;
};

struct SimulationResult {
    nlohmann::json err;  ///< null when the simulation succeeded
    std::vector<std::string> logs;
    std::uint64_t units_consumed = 0;
};

/// One entry of getSignaturesForAddress: a landed transaction that names the address, and
/// its status.
struct SignatureInfo : SignatureStatus {
    Signature signature;
};

/// A landed transaction as getTransaction answers it (its static account keys only: the
/// keys an address lookup table adds are not read).
struct TransactionInfo {
    std::uint64_t slot = 0;
    nlohmann::json err;  ///< null on success
    std::uint64_t fee = 0;
    std::uint8_t num_required_signatures = 0;
    std::vector<Pubkey> account_keys;
    std::vector<std::uint64_t> pre_balances, post_balances;  ///< one per account key
    std::vector<CompiledInstruction> instructions;           ///< indexes into account_keys
    bool failed() const { return !err.is_null(); }
};

struct SendOptions {
    /// Skip the node's simulation before forwarding (used when re-broadcasting bytes
    /// already simulated once).
    bool skip_preflight = false;
};

class RpcClient {
  public:
    explicit RpcClient(RpcOptions options);

    Result<LatestBlockhash, Error> get_latest_blockhash();
    Result<bool, Error> is_blockhash_valid(const Blockhash& blockhash);
    Result<std::uint64_t, Error> get_block_height();
    /// Sends the base64 wire form; returns the signature the node reports, which must be
    /// the transaction's own. A preflight failure is a Transaction error whose message
    /// names the instruction and program error.
    Result<Signature, Error> send_transaction(const Transaction& tx, SendOptions options = {});
    Result<SimulationResult, Error> simulate_transaction(const Transaction& tx);
    /// One entry per signature, nullopt where the node knows nothing of it.
    Result<std::vector<std::optional<SignatureStatus>>, Error> get_signature_statuses(
        std::span<const Signature> signatures);
    /// nullopt when the account does not exist.
    Result<std::optional<AccountInfo>, Error> get_account_info(const Pubkey& address);
    Result<std::uint64_t, Error> get_balance(const Pubkey& address);
    Result<Signature, Error> request_airdrop(const Pubkey& address, std::uint64_t lamports);
    Result<std::uint64_t, Error> get_minimum_balance_for_rent_exemption(std::size_t data_size);
    /// Newest first, at most `limit` (1..1000), at the client's commitment.
    Result<std::vector<SignatureInfo>, Error> get_signatures_for_address(const Pubkey& address,
                                                                         std::size_t limit = 1000);
    /// nullopt when the node does not know it (yet). Legacy and version 0 messages.
    Result<std::optional<TransactionInfo>, Error> get_transaction(const Signature& signature);

    /// A raw call: the "result" member, or the error. For methods not wrapped above.
    Result<nlohmann::json, Error> call(const std::string& method, nlohmann::json params);

    const RpcOptions& options() const { return options_; }

  private:
    RpcOptions options_;
    http::Client http_;
    std::uint64_t next_id_ = 1;
};

}  // namespace gate::solana
