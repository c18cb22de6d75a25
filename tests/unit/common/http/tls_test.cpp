// Certificate checks against a real TLS server: `openssl s_server` with a throwaway
// self-signed certificate, both made by the openssl command-line tool at test time.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "TempDir.h"
#include "TestHttpServer.h"
#include "gate/http/Client.h"

extern char** environ;

using Kind = gate::http::Error::Kind;
namespace fs = std::filesystem;
namespace http = gate::http;

namespace {

// Starts `args` with output discarded; returns its pid, or -1 if it could not start.
pid_t start(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

int run(const std::vector<std::string>& args) {
    const pid_t pid = start(args);
    if (pid < 0) return -1;
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

bool accepts_connections(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

// A self-signed certificate for `san` (e.g. "IP:127.0.0.1"); false if openssl is missing.
bool make_certificate(const fs::path& dir, const std::string& name, const std::string& san) {
    return run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=gate-test",
                "-addext", "subjectAltName=" + san, "-keyout", (dir / (name + ".key")).string(),
                "-out", (dir / (name + ".pem")).string()}) == 0;
}

class OpenSslServer {
  public:
    OpenSslServer(const fs::path& cert, const fs::path& key)
        : port_(gate::test::TestHttpServer::closed_port()) {
        pid_ = start({"openssl", "s_server", "-quiet", "-www", "-accept",
                      "127.0.0.1:" + std::to_string(port_), "-cert", cert.string(), "-key",
                      key.string()});
        for (int i = 0; pid_ > 0 && i < 200 && !accepts_connections(port_); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~OpenSslServer() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    OpenSslServer(const OpenSslServer&) = delete;
    OpenSslServer& operator=(const OpenSslServer&) = delete;

    bool ready() const { return pid_ > 0 && accepts_connections(port_); }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }

  private:
    unsigned short port_;
    pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("TLS certificates are verified unless verification is explicitly skipped") {
    gate::test::TempDir dir;
    if (!make_certificate(dir.path(), "good", "IP:127.0.0.1")) {
        FAIL("the openssl command-line tool is needed (scripts/install-deps.sh installs it)");
    }
    OpenSslServer server(dir.path() / "good.pem", dir.path() / "good.key");
    REQUIRE(server.ready());

    SUBCASE("an untrusted self-signed certificate is a Tls error by default") {
        http::Client client;
        auto result = client.get(server.url());
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().kind == Kind::Tls);
        CHECK_FALSE(result.error().retryable());
        CHECK(result.error().message.find(server.url()) != std::string::npos);
    }
    SUBCASE("a CA bundle that holds the certificate makes it trusted") {
        http::ClientOptions options;
        options.ca_bundle_path = (dir.path() / "good.pem").string();
        http::Client client(options);
        auto result = client.get(server.url());
        REQUIRE(result.ok());
        CHECK(result->status == 200);
    }
    SUBCASE("insecure_skip_verify accepts it") {
        http::ClientOptions options;
        options.insecure_skip_verify = true;
        http::Client client(options);
        auto result = client.get(server.url());
        REQUIRE(result.ok());
        CHECK(result->status == 200);
    }
    SUBCASE("a CA bundle that cannot be read is a Tls error") {
        http::ClientOptions options;
        options.ca_bundle_path = (dir.path() / "missing.pem").string();
        http::Client client(options);
        auto result = client.get(server.url());
        REQUIRE_FALSE(result.ok());
        CHECK(result.error().kind == Kind::Tls);
    }
}

TEST_CASE("a trusted certificate for another host is rejected") {
    gate::test::TempDir dir;
    if (!make_certificate(dir.path(), "other", "IP:127.0.0.2")) {
        FAIL("the openssl command-line tool is needed (scripts/install-deps.sh installs it)");
    }
    OpenSslServer server(dir.path() / "other.pem", dir.path() / "other.key");
    REQUIRE(server.ready());

    http::ClientOptions options;
    options.ca_bundle_path = (dir.path() / "other.pem").string();
    http::Client client(options);
    auto result = client.get(server.url());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == Kind::Tls);
}
