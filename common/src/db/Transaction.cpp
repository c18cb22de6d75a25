#include "gate/db/Transaction.h"

#include <utility>

#include "gate/db/Engine.h"

namespace gate::db {

namespace {

bool still_open(detail::Connection* conn) noexcept {
    return conn->in_transaction();
}

}  // namespace

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

Transaction& Transaction::operator=(Transaction&& other) noexcept {
    if (this != &other) {
        static_cast<void>(rollback());
        conn_ = std::exchange(other.conn_, nullptr);
    }
    return *this;
}

Transaction::~Transaction() {
    static_cast<void>(rollback());
}

Status<Error> Transaction::commit() {
    if (conn_ == nullptr)
        return fail(Error{ErrorCode::Misuse, 0, "transaction already finished", "COMMIT"});
    auto committed = conn_->commit();
    // On Busy the engine may keep the transaction open so the commit can be retried; on other
    // failures it has rolled back already and there is nothing left to finish.
    if (committed.ok() || !still_open(conn_)) conn_ = nullptr;
    return committed;
}

Status<Error> Transaction::rollback() {
    if (conn_ == nullptr) return {};
    detail::Connection* conn = std::exchange(conn_, nullptr);
    if (!still_open(conn)) return {};  // SQLite rolled back on its own (e.g. disk full)
    return conn->rollback();
}

}  // namespace gate::db
