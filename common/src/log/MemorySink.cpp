#include "gate/log/MemorySink.h"

namespace gate::log {

void MemorySink::write(std::string_view line) {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(line);
}

std::vector<std::string> MemorySink::lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

void MemorySink::clear() {
    std::lock_guard lock(mutex_);
    lines_.clear();
}

}  // namespace gate::log
