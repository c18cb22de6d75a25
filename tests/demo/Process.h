#pragma once
// One of the project's programs run by the demo as a child process: our environment
// without the user's GATE_* settings (the demo runs on embedded defaults) plus the
// settings the demo gives it, stdout and stderr into log files the reader can open.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "DemoFailure.h"

extern char** environ;

namespace gate::demo {

class Process {
  public:
    /// Starts `argv` (argv[0] is the program's path); `env` holds extra NAME=value pairs.
    Process(std::vector<std::string> argv, const std::vector<std::string>& env,
            std::filesystem::path stdout_file, std::filesystem::path stderr_file)
        : name_(std::filesystem::path(argv.at(0)).filename().string()),
          stdout_file_(std::move(stdout_file)),
          stderr_file_(std::move(stderr_file)) {
        if (::access(argv[0].c_str(), X_OK) != 0)
            throw DemoFailure(argv[0] + " is not built (build the targets ticket-api, " +
                              "gate-scanner and gate-syncd, or run scripts/demo.sh)");
        // Everything the child needs is prepared before fork: the child only execs.
        std::vector<std::string> environment;
        for (char** e = environ; *e != nullptr; ++e)
            if (std::string_view(*e).substr(0, 5) != "GATE_") environment.emplace_back(*e);
        environment.insert(environment.end(), env.begin(), env.end());
        std::vector<char*> args, envp;
        for (auto& a : argv)
            args.push_back(a.data());
        args.push_back(nullptr);
        for (auto& e : environment)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        const int out =
            ::open(stdout_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        const int err =
            ::open(stderr_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0 || err < 0) throw DemoFailure("cannot create " + stdout_file_.string());
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(out, STDOUT_FILENO);
            ::dup2(err, STDERR_FILENO);
            ::execve(args[0], args.data(), envp.data());
            ::_exit(127);
        }
        ::close(out);
        ::close(err);
        if (pid_ < 0) throw DemoFailure("cannot start " + name_ + ": fork failed");
    }
    /// A child still running when the demo stops (it failed half-way) is stopped too.
    ~Process() {
        if (running()) stop(std::chrono::seconds{5});
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    const std::string& name() const { return name_; }
    bool running() const { return pid_ > 0 && !exit_code_; }

    /// The exit code (128 + signal if killed), or -1 if still running after `timeout`.
    int wait(std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (!exit_code_) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            if (std::chrono::steady_clock::now() >= until) return -1;
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        return *exit_code_;
    }

    /// SIGTERM, the way a service manager stops it; SIGKILL if it has not exited in time.
    int stop(std::chrono::milliseconds grace) {
        if (!running()) return exit_code_.value_or(-1);
        ::kill(pid_, SIGTERM);
        if (const int code = wait(grace); code >= 0) return code;
        ::kill(pid_, SIGKILL);
        return wait(std::chrono::seconds{5});
    }

    /// Waits until stdout contains `text`; false if the process exits or time runs out.
    bool wait_for_stdout(const std::string& text, std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            if (stdout_text().find(text) != std::string::npos) return true;
            if (wait(std::chrono::milliseconds{0}) >= 0) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
        return false;
    }

    std::string stdout_text() const { return read(stdout_file_); }
    std::string stderr_text() const { return read(stderr_file_); }

  private:
    static std::string read(const std::filesystem::path& file) {
        std::ifstream in(file);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::string name_;
    std::filesystem::path stdout_file_, stderr_file_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

}  // namespace gate::demo
