#pragma once
// LocalChain: a fresh local Solana chain for one test — `node tests/chain/server.mjs 0`
// (JSON-RPC over LiteSVM) on a free loopback port, killed with the fixture. Needs the
// compile definitions GATE_NODE_EXECUTABLE and GATE_CHAIN_DIR, and `npm ci` done in
// tests/chain (the CTest fixture solana_chain does it).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

extern char** environ;

namespace gate::test {

class LocalChain {
  public:
    LocalChain() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        const std::string node = GATE_NODE_EXECUTABLE;
        const std::string script = std::string(GATE_CHAIN_DIR) + "/server.mjs";
        std::string port_arg = "0";
        char* argv[] = {const_cast<char*>(node.c_str()), const_cast<char*>(script.c_str()),
                        port_arg.data(), nullptr};
        const int rc = ::posix_spawn(&pid_, node.c_str(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_ = fds[0];
        if (rc != 0) {
            ::close(out_);
            throw std::runtime_error("cannot start " + node);
        }
        port_ = read_port();
    }

    ~LocalChain() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        ::close(out_);
    }

    LocalChain(const LocalChain&) = delete;
    LocalChain& operator=(const LocalChain&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  private:
    // The server prints "PORT <n>" once it accepts connections; Node and LiteSVM take
    // about a second to load.
    unsigned short read_port() {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (line.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{out_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                fail("no port announced within 30 s");
            }
            char buf[128];
            const auto n = ::read(out_, buf, sizeof buf);
            if (n <= 0)
                fail(
                    "the server exited before announcing its port (is npm ci done in "
                    "tests/chain?)");
            line.append(buf, static_cast<std::size_t>(n));
        }
        if (line.rfind("PORT ", 0) != 0) fail("unexpected first line: " + line);
        return static_cast<unsigned short>(std::stoi(line.substr(5)));
    }

    [[noreturn]] void fail(const std::string& what) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        ::close(out_);
        throw std::runtime_error("local chain: " + what);
    }

    pid_t pid_ = -1;
    int out_ = -1;
    unsigned short port_ = 0;
};

}  // namespace gate::test
