#include "gate/backend/Metrics.h"

#include <sstream>

namespace gate::backend {

namespace {
std::string escape(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}
}  // namespace

void Metrics::observe_request(std::string_view method, std::string_view route, int status,
                              double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{std::string(method), std::string(route), status}];
    auto& h = latency_[{std::string(method), std::string(route)}];
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
}

void Metrics::count(const std::string& name, const std::string& label, const std::string& value,
                    std::int64_t by) {
    std::lock_guard lock(mutex_);
    counters_[{name, label, value}] += by;
}

void Metrics::set_gauge(const std::string& name, double value) {
    std::lock_guard lock(mutex_);
    gauges_[name] = value;
}

void Metrics::set_total(const std::string& name, std::uint64_t value) {
    std::lock_guard lock(mutex_);
    totals_[name] = value;
}

std::string Metrics::render() const {
    std::lock_guard lock(mutex_);
    std::ostringstream out;
    out << "# HELP gate_http_requests_total HTTP requests answered, by route and status.\n"
        << "# TYPE gate_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        const auto& [method, route, status] = key;
        out << "gate_http_requests_total{method=\"" << method << "\",route=\"" << escape(route)
            << "\",status=\"" << status << "\"} " << n << "\n";
    }
    out << "# HELP gate_http_request_duration_seconds Time to answer, by route.\n"
        << "# TYPE gate_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
        const std::string labels =
            "method=\"" + key.first + "\",route=\"" + escape(key.second) + "\"";
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            out << "gate_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[i]
                << "\"} " << h.buckets[i] << "\n";
        out << "gate_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << h.count
            << "\n";
        out << "gate_http_request_duration_seconds_sum{" << labels << "} " << h.sum << "\n";
        out << "gate_http_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
    }
    std::string last;
    for (const auto& [key, n] : counters_) {
        const auto& [name, label, value] = key;
        if (name != last) {
            out << "# TYPE " << name << " counter\n";
            last = name;
        }
        out << name << "{" << label << "=\"" << escape(value) << "\"} " << n << "\n";
    }
    for (const auto& [name, v] : gauges_)
        out << "# TYPE " << name << " gauge\n" << name << " " << v << "\n";
    for (const auto& [name, n] : totals_)
        out << "# TYPE " << name << " counter\n" << name << " " << n << "\n";
    return out.str();
}

}  // namespace gate::backend
