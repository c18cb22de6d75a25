#pragma once
// Runs an executable this project built, from inside a test: directly, or under
// the cross build's emulator (qemu-user) when the tests run for another
// architecture, since the kernel cannot start a foreign binary by itself.

#include <unistd.h>

#include <string>
#include <vector>

#ifndef GATE_TEST_EMULATOR
#define GATE_TEST_EMULATOR ""
#endif

namespace gate::test {

/// Replaces the calling (child) process with `program args...`; returns only on failure.
inline void exec_built(const std::string& program, const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    const std::string emulator = GATE_TEST_EMULATOR;
    if (!emulator.empty()) argv.push_back(emulator);
    argv.push_back(program);
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv)
        raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
}

/// The start of a shell command line that runs `program`.
inline std::string shell_command(const std::string& program) {
    const std::string emulator = GATE_TEST_EMULATOR;
    return emulator.empty() ? program : emulator + " " + program;
}

}  // namespace gate::test
