#pragma once
// Why the demonstration stopped: a step did not do what the story says it does. The
// demo doubles as a test, so any surprise ends it with this message and exit code 1.

#include <stdexcept>
#include <string>

namespace gate::demo {

struct DemoFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace gate::demo
