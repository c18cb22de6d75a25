#pragma once
// Transaction: the scope of one SQLite transaction; it rolls back unless commit() succeeded.
// Transactions do not nest: Database::begin() inside one is ErrorCode::Misuse. It borrows
// its Database: destroy it first.

#include "gate/Result.h"
#include "gate/db/Error.h"

namespace gate::db {

class Database;

namespace detail {
class Connection;
}

/// How BEGIN takes its locks. Writers use Immediate: the write lock is taken (waiting up to
/// the busy timeout) at BEGIN, so a later write cannot fail with an unrecoverable Busy.
enum class TransactionKind { Deferred, Immediate, Exclusive };

class Transaction {
  public:
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&& other) noexcept;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();  // rolls back if still open

    /// Makes the changes durable. On Busy the transaction stays open (retry or drop it);
    /// on any other failure SQLite has already rolled back.
    Status<Error> commit();

    /// Undoes the changes now rather than at scope exit.
    Status<Error> rollback();

    /// True until commit() or rollback() has finished it.
    bool active() const noexcept { return conn_ != nullptr; }

  private:
    friend class Database;
    explicit Transaction(detail::Connection* conn) noexcept : conn_(conn) {}

    detail::Connection* conn_ = nullptr;  // borrowed; null once finished
};

}  // namespace gate::db
