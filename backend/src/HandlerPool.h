#pragma once
// HandlerPool: the threads that run request handlers, apart from the network threads, so
// that a slow query holds one handler and never the connections of everyone else. Work
// waits in a bounded queue; when it is full, submit() refuses at once and the server
// answers 503 busy with Retry-After instead of letting latency grow without bound.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gate::backend {

class HandlerPool {
  public:
    HandlerPool(std::size_t threads, std::size_t queue_limit);
    ~HandlerPool();  // stop()s
    HandlerPool(const HandlerPool&) = delete;
    HandlerPool& operator=(const HandlerPool&) = delete;

    /// Queues `work`; false (and `work` dropped) when `queue_limit` items already wait or
    /// the pool stopped.
    bool submit(std::function<void()> work);

    /// Lets the work already taken finish, drops what still waits, joins the threads.
    /// Idempotent.
    void stop();

    /// Items waiting right now (not counting those running).
    std::size_t waiting() const;

  private:
    void run();

    const std::size_t queue_limit_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace gate::backend
