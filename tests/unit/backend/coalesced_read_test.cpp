// CoalescedRead: callers that arrive while a read is under way share the next read, and
// none is answered by a read that began before it asked.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "CoalescedRead.h"

using gate::backend::CoalescedRead;

namespace {

// A read that blocks until released, so a test decides who arrives while it runs.
struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    int entered = 0;
    bool open = false;
    void enter_and_wait() {
        std::unique_lock lock(mutex);
        ++entered;
        changed.notify_all();
        changed.wait(lock, [&] { return open; });
    }
    void wait_entered(int n) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return entered >= n; });
    }
    void release() {
        std::lock_guard lock(mutex);
        open = true;
        changed.notify_all();
    }
};

}  // namespace

TEST_CASE("callers arriving during a read share the next one and never get the older answer") {
    CoalescedRead<int> reads;
    std::atomic<int> value{1}, calls{0};
    Gate first;
    auto read = [&] {
        const int n = ++calls;
        const int seen = value.load();       // what the database said when the read began
        if (n == 1) first.enter_and_wait();  // the first read hangs until released
        return seen;
    };
    int first_answer = 0;
    std::thread leader([&] { first_answer = reads.get(read); });
    first.wait_entered(1);
    // The data changes after the first read began: whoever asks now must see the change.
    value = 2;
    std::vector<int> answers(3, 0);
    std::vector<std::thread> late;
    for (std::size_t i = 0; i < answers.size(); ++i)
        late.emplace_back([&, i] { answers[i] = reads.get(read); });
    for (int i = 0; i < 2000 && reads.callers() < 4; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds{5});
    REQUIRE(reads.callers() == 4);
    first.release();
    leader.join();
    for (auto& t : late)
        t.join();
    CHECK(first_answer == 1);
    for (int a : answers)
        CHECK(a == 2);
    CHECK(calls == 2);  // the three late callers shared one read
}

TEST_CASE("one caller alone reads every time, and a failed read does not stick") {
    CoalescedRead<int> reads;
    int calls = 0;
    CHECK(reads.get([&] { return ++calls; }) == 1);
    CHECK(reads.get([&] { return ++calls; }) == 2);
    CHECK_THROWS(reads.get([&]() -> int { throw std::runtime_error("down"); }));
    CHECK(reads.get([&] { return ++calls; }) == 3);
}
