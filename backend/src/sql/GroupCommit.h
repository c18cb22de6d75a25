#pragma once
// GroupCommit: many writers, one commit. Every write the store batches is a job that runs
// inside one shared IMMEDIATE transaction, each job in its own savepoint (a job that fails
// undoes only itself), and one COMMIT makes the whole batch durable: one fsync on SQLite,
// one WAL flush on PostgreSQL, for every request that was waiting for it.
//
// Writers queue their jobs; the first writer to find no batch running leads: it takes the
// queue (up to max_batch jobs), runs them in order on one pooled connection and commits.
// Writers that arrive meanwhile wait and form the next batch. A job's caller gets its
// answer only after the batch committed, so no answer goes out before its commit is on
// disk; if BEGIN or COMMIT fails, every job of the batch fails with that error and none of
// its changes stay. The jobs of a batch run one after another in one transaction, so each
// sees the ones before it exactly as if they had committed one by one: the checks a job
// makes (seats left, ticket not inside) hold as they do with one transaction per write.
//
// A job must not call back into the store (it would wait for the batch it is part of).

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include "gate/Result.h"
#include "gate/db/Database.h"

namespace gate::backend::sql {

class Pool;

class GroupCommit {
  public:
    /// Runs in the batch's transaction; true keeps its changes, false undoes them.
    using Job = std::function<bool(db::Database&)>;

    /// Jobs per batch by default. On PostgreSQL a batch of many sales updates the same rows
    /// (the event's count, its tier, the events' version) many times in one transaction,
    /// and each update walks the row's earlier versions: smaller batches sell faster there.
    static constexpr std::size_t kSqliteBatch = 64;
    static constexpr std::size_t kPostgresBatch = 8;

    GroupCommit(Pool& pool, std::size_t max_batch)
        : pool_(pool), max_batch_(max_batch == 0 ? 1 : max_batch) {}

    /// Queues `job` and returns once its batch is committed (or failed to commit). A job
    /// that throws is undone and its exception rethrown here, on its own caller's thread.
    Status<db::Error> run(const Job& job);

    /// Batches committed and the jobs they carried (a batch that failed counts in neither),
    /// for metrics and benchmarks; and the jobs queued or in the batch running now.
    struct Totals {
        std::uint64_t batches = 0;
        std::uint64_t jobs = 0;
        std::uint64_t waiting = 0;
    };
    Totals totals() const;

  private:
    struct Pending {
        const Job* job = nullptr;
        bool done = false;
        std::optional<db::Error> failed;  // the job or its batch did not commit
        std::exception_ptr thrown;
        std::condition_variable wake;  // each waiter its own: no herd wakes for a batch
    };

    // Runs and commits `batch`; false (each job told why) when it did not commit.
    bool lead(const std::deque<Pending*>& batch);
    static std::optional<db::Error> run_batch(db::Database& db, const std::deque<Pending*>& batch);
    // Runs `sql` (which ends the savepoint of `previous` and perhaps opens the next); or
    // opens the first savepoint when there is no previous job.
    static std::optional<db::Error> next_savepoint(db::Database& db, Pending* previous,
                                                   std::string_view sql);

    Pool& pool_;
    const std::size_t max_batch_;
    mutable std::mutex mutex_;
    std::deque<Pending*> queue_;
    bool leading_ = false;
    std::size_t running_ = 0;  // jobs in the batch being run
    Totals totals_;
};

}  // namespace gate::backend::sql
