#pragma once
// CoalescedRead: one read serves every caller that asked while it waited to start. A
// caller is answered by a read that began after the caller asked, never by an older one,
// so the answer is as fresh as if it had read alone; but callers arriving together share
// one trip to the database. (The read of the events' version behind GET /api/v1/events:
// one PostgreSQL round trip per burst of requests, not per request.) Thread-safe.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

namespace gate::backend {

template <class Answer>
class CoalescedRead {
  public:
    /// `read()`'s answer, from a call of it that started after this call began.
    template <class Read>
    Answer get(Read&& read) {
        std::unique_lock lock(mutex_);
        ++callers_;
        struct Leave {
            std::size_t& n;
            ~Leave() { --n; }  // under the lock: every exit below holds it
        } leave{callers_};
        // Reads are numbered as they start; the one under way (if any) started before us.
        const std::uint64_t needed = started_ + 1;
        while (finished_ < needed) {
            if (reading_) {
                done_.wait(lock);
                continue;
            }
            reading_ = true;
            const std::uint64_t mine = ++started_;
            lock.unlock();
            std::optional<Answer> answer;
            try {
                answer.emplace(read());
            } catch (...) {
                lock.lock();
                reading_ = false;
                done_.notify_all();
                throw;
            }
            lock.lock();
            last_ = std::move(answer);
            finished_ = mine;
            reading_ = false;
            done_.notify_all();
        }
        return *last_;
    }

    /// Callers inside get() now (for tests and diagnostics).
    std::size_t callers() const {
        std::lock_guard lock(mutex_);
        return callers_;
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable done_;
    bool reading_ = false;
    std::uint64_t started_ = 0;   // reads begun
    std::uint64_t finished_ = 0;  // the number of the last read finished
    std::optional<Answer> last_;  // its answer
    std::size_t callers_ = 0;
};

}  // namespace gate::backend
