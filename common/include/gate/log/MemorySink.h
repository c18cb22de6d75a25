#pragma once
// MemorySink: keeps every line in memory, for tests that read back what was logged.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gate/log/Sink.h"

namespace gate::log {

class MemorySink : public Sink {
  public:
    void write(std::string_view line) override;
    /// A copy of the lines written so far, in order.
    std::vector<std::string> lines() const;
    void clear();

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

}  // namespace gate::log
