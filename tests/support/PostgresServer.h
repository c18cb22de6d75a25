#pragma once
// PostgreSQL for tests. GATE_TEST_DATABASE=postgresql:DIR names the server ctest started for
// the run (its socket directory; tests/support/postgres-server.sh); a bare
// GATE_TEST_DATABASE=postgresql (a test binary run by hand) makes this process start and
// stop one itself. Each test gets a database of its own, dropped after.

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "gate/db/Postgres.h"

namespace gate::test {

/// The tests/support/postgres-server.sh of this source tree.
inline std::filesystem::path postgres_server_script() {
    return std::filesystem::path(__FILE__).parent_path() / "postgres-server.sh";
}

class PostgresServer {
  public:
    /// The server for this process: ctest's, or a private one started on first use.
    static const std::string& conninfo() {
        static PostgresServer server;
        return server.conninfo_;
    }

    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;
    ~PostgresServer() {
        if (!own_dir_.empty()) run("stop", own_dir_);
    }

  private:
    PostgresServer() {
        const char* given = std::getenv("GATE_TEST_DATABASE");
        const std::string setting = given != nullptr ? given : "";
        if (setting.rfind("postgresql:", 0) == 0 && setting.size() > 11) {
            conninfo_ = "host=" + setting.substr(11) + " user=gate dbname=postgres";
            return;
        }
        own_dir_ = "/tmp/gate-pg-" + std::to_string(::getpid());
        conninfo_ = run("start", own_dir_);
        if (conninfo_.empty())
            throw std::runtime_error("could not start PostgreSQL with " +
                                     postgres_server_script().string());
    }

    static std::string run(const std::string& command, const std::string& dir) {
        const std::string line =
            "'" + postgres_server_script().string() + "' " + command + " '" + dir + "'";
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(line.c_str(), "r"), ::pclose);
        if (!pipe) return {};
        std::string out;
        char buffer[512];
        while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr)
            out += buffer;
        while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
            out.pop_back();
        return out;
    }

    std::string conninfo_;
    std::string own_dir_;
};

/// A database of its own on the test server (CREATE DATABASE), dropped when it goes.
class PostgresDatabase {
  public:
    PostgresDatabase() {
        static std::atomic<int> counter{0};
        name_ = "gate_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
        admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        admin("CREATE DATABASE " + name_ + " TEMPLATE template0 ENCODING 'UTF8'");
        conninfo_ = replace_dbname(PostgresServer::conninfo(), name_);
    }
    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;
    ~PostgresDatabase() {
        try {
            admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }

    /// libpq keyword form: "host=... user=gate dbname=gate_test_...".
    const std::string& conninfo() const noexcept { return conninfo_; }
    /// The same as a postgresql:// URL (what database.url takes).
    std::string url() const {
        std::string host;
        const std::string& c = conninfo_;
        if (auto at = c.find("host="); at != std::string::npos)
            host = c.substr(at + 5, c.find(' ', at) - at - 5);
        return "postgresql:///" + name_ + "?host=" + host + "&user=gate";
    }
    const std::string& name() const noexcept { return name_; }

  private:
    static std::string replace_dbname(const std::string& conninfo, const std::string& name) {
        const auto at = conninfo.find("dbname=");
        if (at == std::string::npos) return conninfo + " dbname=" + name;
        const auto end = conninfo.find(' ', at);
        return conninfo.substr(0, at) + "dbname=" + name +
               (end == std::string::npos ? "" : conninfo.substr(end));
    }

    // Database names here are our own constants and counters, never input.
    static void admin(const std::string& sql) {
        auto db = db::open_postgres({PostgresServer::conninfo(), "gate-tests"});
        if (!db.ok()) throw std::runtime_error("PostgreSQL: " + db::to_string(db.error()));
        if (auto done = db->exec(sql); !done.ok())
            throw std::runtime_error("PostgreSQL: " + db::to_string(done.error()));
    }

    std::string name_;
    std::string conninfo_;
};

}  // namespace gate::test
