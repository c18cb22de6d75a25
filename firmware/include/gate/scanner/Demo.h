#pragma once
// The end-to-end demonstration that `gate-scanner demo` runs on embedded
// defaults: issue signed tickets, print them as QR images, scan the images back
// and show each verdict, genuine and forged alike.

#include <filesystem>
#include <ostream>

namespace gate::scanner {

struct DemoOptions {
    std::filesystem::path out_dir = "demo-out";  ///< where key and QR images go
};

/// Runs the demonstration, writing a report to `out`. Returns true when every
/// scan got the verdict it should (genuine accepted, every forgery refused).
bool run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace gate::scanner
