#pragma once
// Metrics: request counts and latencies per route and status, plus business counters,
// rendered in the Prometheus text format for GET /metrics. Thread-safe.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace gate::backend {

class Metrics {
  public:
    void observe_request(std::string_view method, std::string_view route, int status,
                         double seconds);
    /// Adds to a named counter with one label (e.g. "gate_validations_total", "verdict",
    /// "accepted").
    void count(const std::string& name, const std::string& label, const std::string& value,
               std::int64_t by = 1);
    void set_gauge(const std::string& name, double value);
    /// Sets a counter kept elsewhere (e.g. by the store) to its current total.
    void set_total(const std::string& name, std::uint64_t value);
    std::string render() const;

  private:
    static constexpr std::array<double, 10> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,  0.1,    0.25,  0.5,  1.0};
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::pair<std::string, std::string>, Histogram> latency_;
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counters_;
    std::map<std::string, double> gauges_;
    std::map<std::string, std::uint64_t> totals_;
};

}  // namespace gate::backend
