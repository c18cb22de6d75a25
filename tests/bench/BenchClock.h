#pragma once
// Timing helper for the benchmarks: runs a body many times in batches and
// reports per-call figures. Benchmarks print; they never assert on time.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace gate::bench {

struct Figures {
    double median_us;
    double p99_us;
    double calls_per_second;
};

template <class F>
Figures measure(const char* name, int batches, int per_batch, F&& body) {
    using clock = std::chrono::steady_clock;
    for (int i = 0; i < per_batch; ++i)
        body();  // warm caches
    std::vector<double> per_call;
    per_call.reserve(static_cast<std::size_t>(batches));
    for (int b = 0; b < batches; ++b) {
        const auto start = clock::now();
        for (int i = 0; i < per_batch; ++i)
            body();
        const std::chrono::duration<double, std::micro> took = clock::now() - start;
        per_call.push_back(took.count() / per_batch);
    }
    std::sort(per_call.begin(), per_call.end());
    const Figures f{per_call[per_call.size() / 2], per_call[per_call.size() * 99 / 100],
                    1e6 / per_call[per_call.size() / 2]};
    std::printf("%-34s median %9.2f us   p99 %9.2f us   %10.0f /s\n", name, f.median_us, f.p99_us,
                f.calls_per_second);
    return f;
}

}  // namespace gate::bench
