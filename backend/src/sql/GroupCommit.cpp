#include "sql/GroupCommit.h"

#include "sql/SqlStore.h"

namespace gate::backend::sql {

Status<db::Error> GroupCommit::run(const Job& job) {
    Pending me;
    me.job = &job;
    std::unique_lock lock(mutex_);
    queue_.push_back(&me);
    while (!me.done) {
        if (leading_) {
            // Woken alone: when this job's batch is done, or to lead the next one.
            me.wake.wait(lock);
            continue;
        }
        leading_ = true;
        std::deque<Pending*> batch;
        while (!queue_.empty() && batch.size() < max_batch_) {
            batch.push_back(queue_.front());
            queue_.pop_front();
        }
        running_ = batch.size();
        lock.unlock();
        const bool committed = lead(batch);
        lock.lock();
        running_ = 0;
        if (committed) {
            ++totals_.batches;
            totals_.jobs += batch.size();
        }
        leading_ = false;
        for (Pending* p : batch) {
            p->done = true;
            if (p != &me) p->wake.notify_one();
        }
        // The first writer still queued leads next (unless a new arrival gets there first).
        if (!queue_.empty()) queue_.front()->wake.notify_one();
    }
    lock.unlock();
    if (me.thrown) std::rethrow_exception(me.thrown);
    if (me.failed) return fail(*me.failed);
    return {};
}

GroupCommit::Totals GroupCommit::totals() const {
    std::lock_guard lock(mutex_);
    Totals t = totals_;
    t.waiting = queue_.size() + running_;
    return t;
}

bool GroupCommit::lead(const std::deque<Pending*>& batch) {
    std::optional<db::Error> failed;
    try {
        Pool::Lease db(pool_, pool_.take());
        failed = run_batch(*db, batch);
    } catch (...) {
        // Only allocation can throw here (jobs' own exceptions are caught per job); the
        // batch is lost, and its writers hear so rather than waiting for ever.
        failed = db::Error{db::ErrorCode::Other, 0, "the batch could not be run", ""};
    }
    if (!failed) return true;
    for (Pending* p : batch)
        p->failed = failed;
    return false;
}

std::optional<db::Error> GroupCommit::run_batch(db::Database& db,
                                                const std::deque<Pending*>& batch) {
    auto tx = db.begin(db::TransactionKind::Immediate);
    if (!tx.ok()) return tx.error();
    Pending* previous = nullptr;
    for (Pending* p : batch) {
        // One statement round trip per job: close the last job's savepoint, open this one's.
        if (auto opened = next_savepoint(db, previous, "RELEASE SAVEPOINT job; SAVEPOINT job");
            opened)
            return opened;
        bool keep = false;
        try {
            keep = (*p->job)(db);
        } catch (...) {
            p->thrown = std::current_exception();
        }
        // An engine that gave up the whole transaction (disk full, I/O error) took every
        // job's changes with it: the batch is lost, not only this job.
        if (!db.in_transaction())
            return db::Error{db::ErrorCode::Io, 0, "the engine rolled back the batch's transaction",
                             ""};
        if (!keep) {
            if (auto s = db.exec("ROLLBACK TO SAVEPOINT job"); !s.ok()) return s.error();
        }
        previous = p;
    }
    if (auto closed = next_savepoint(db, previous, "RELEASE SAVEPOINT job"); closed) return closed;
    if (auto c = tx->commit(); !c.ok()) return c.error();
    return std::nullopt;
}

std::optional<db::Error> GroupCommit::next_savepoint(db::Database& db, Pending* previous,
                                                     std::string_view sql) {
    if (previous == nullptr) {
        if (auto s = db.exec("SAVEPOINT job"); !s.ok()) return s.error();
        return std::nullopt;
    }
    auto moved_on = db.exec(sql);
    if (moved_on.ok()) return std::nullopt;
    // The last job meant to keep its changes but left the transaction unusable (PostgreSQL
    // refuses every statement after a failed one): undo that job alone, and it fails.
    if (!db.in_transaction()) return moved_on.error();
    if (auto undone = db.exec("ROLLBACK TO SAVEPOINT job"); !undone.ok()) return undone.error();
    previous->failed = moved_on.error();
    if (auto again = db.exec(sql); !again.ok()) return again.error();
    return std::nullopt;
}

}  // namespace gate::backend::sql
