#pragma once
// NodeServer: a test's own server written in Node (the local Solana chain, the Stripe
// stand-in): `node <script> <args...>` started on a free loopback port, which the script
// announces as its first line ("PORT <n>"), and killed (SIGKILL) with the object.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace gate::test {

class NodeServer {
  public:
    /// `what` names the server in errors; `hint` says what to check when it dies early.
    NodeServer(const std::string& node, const std::string& script,
               const std::vector<std::string>& args, std::string what, std::string hint)
        : what_(std::move(what)) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        std::vector<std::string> all{node, script};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        const int rc = ::posix_spawn(&pid_, node.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
        if (rc != 0) {
            ::close(out_);
            throw std::runtime_error(what_ + ": cannot start " + node);
        }
        port_ = read_port(hint);
    }

    ~NodeServer() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        ::close(out_);
    }

    NodeServer(const NodeServer&) = delete;
    NodeServer& operator=(const NodeServer&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    // Node takes about a second to load a script with its packages.
    unsigned short read_port(const std::string& hint) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (line.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{out_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                fail("no port announced within 30 s");
            char buf[128];
            const auto n = ::read(out_, buf, sizeof buf);
            if (n <= 0) fail("the server exited before announcing its port (" + hint + ")");
            line.append(buf, static_cast<std::size_t>(n));
        }
        if (line.rfind("PORT ", 0) != 0) fail("unexpected first line: " + line);
        return static_cast<unsigned short>(std::stoi(line.substr(5)));
    }

    [[noreturn]] void fail(const std::string& why) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        ::close(out_);
        throw std::runtime_error(what_ + ": " + why);
    }

    std::string what_;
    pid_t pid_ = -1;
    int out_ = -1;
    unsigned short port_ = 0;
};

}  // namespace gate::test
