#include "HandlerPool.h"

namespace gate::backend {

HandlerPool::HandlerPool(std::size_t threads, std::size_t queue_limit) : queue_limit_(queue_limit) {
    for (std::size_t i = 0; i < threads; ++i)
        threads_.emplace_back([this] { run(); });
}

HandlerPool::~HandlerPool() {
    stop();
}

bool HandlerPool::submit(std::function<void()> work) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= queue_limit_) return false;
        queue_.push_back(std::move(work));
    }
    ready_.notify_one();
    return true;
}

void HandlerPool::stop() {
    std::deque<std::function<void()>> dropped;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
    {
        std::lock_guard lock(mutex_);
        dropped.swap(queue_);
    }
    // `dropped` goes here, outside the lock: what it holds may take locks of its own.
}

std::size_t HandlerPool::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void HandlerPool::run() {
    for (;;) {
        std::function<void()> work;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            work = std::move(queue_.front());
            queue_.pop_front();
        }
        work();
    }
}

}  // namespace gate::backend
