#pragma once
// TransactionSender: build, sign, send and confirm, surviving blockhash expiry without
// ever applying a transaction twice.
//
// A transaction can only land while its blockhash is valid. So when a sent transaction
// is not found and its blockhash has expired, it can never land any more; only then is
// the message re-signed with a fresh blockhash and sent again. Before each resend the
// signatures of all earlier attempts are checked once more, so one that landed late is
// reported instead of sending a second copy.

#include <chrono>
#include <functional>
#include <span>
#include <vector>

#include "gate/Result.h"
#include "gate/solana/Error.h"
#include "gate/solana/Instruction.h"
#include "gate/solana/Message.h"
#include "gate/solana/RpcClient.h"

namespace gate::solana {

struct SenderOptions {
    MessageVersion version = MessageVersion::Legacy;
    /// Time between status polls.
    std::chrono::milliseconds poll_interval{100};
    /// Re-send the same bytes (same signature, so harmless) this often while waiting.
    std::chrono::milliseconds rebroadcast_interval{2000};
    /// Give up (Unconfirmed) after this long in total.
    std::chrono::milliseconds timeout{60000};
    /// Fresh-blockhash attempts at most (the first send counts).
    int max_attempts = 5;
    /// Waits between polls; tests and benchmarks may replace it.
    std::function<void(std::chrono::milliseconds)> sleep;
};

struct Confirmation {
    Signature signature;  ///< of the attempt that landed
    std::uint64_t slot = 0;
    int attempts = 0;             ///< blockhashes used (1 when the first send landed)
    std::vector<Signature> sent;  ///< every signature sent, in order
};

class TransactionSender {
  public:
    TransactionSender(RpcClient& rpc, SenderOptions options = {});

    /// Sends `instructions` paid by `fee_payer` and signed by `signers`, and waits until
    /// the node reports it at the client's commitment. A transaction that executed and
    /// failed is a Transaction error (it will not be retried: rebuild it).
    Result<Confirmation, Error> send_and_confirm(const Pubkey& fee_payer,
                                                 std::span<const Instruction> instructions,
                                                 std::span<const KeyPair* const> signers);

  private:
    RpcClient& rpc_;
    SenderOptions options_;
};

}  // namespace gate::solana
