#pragma once
// ApiCluster: several real ticket-api processes on one database, as behind a load balancer:
// a PostgreSQL database of their own (when the run tests PostgreSQL, or when asked), else
// one SQLite file. They start one at a time, so the first creates the master key (and any
// key file the settings name) and migrates; each logs to api-N.log in the folder.

#include <memory>
#include <string>
#include <vector>

#include "LoopbackServer.h"
#include "PostgresServer.h"

namespace gate::test {

struct ApiCluster {
    enum class Engine { AsTested, Postgres };

    std::unique_ptr<PostgresDatabase> pg;
    std::vector<unsigned short> ports;
    std::vector<std::unique_ptr<ChildProcess>> apis;

    ApiCluster(const TempDir& dir, int count, const std::vector<std::string>& settings,
               Engine engine = Engine::AsTested) {
        std::string database = "GATE_DATABASE_PATH=" + (dir / "api.db").string();
        if (engine == Engine::Postgres || testing_postgres()) {
            pg = std::make_unique<PostgresDatabase>();
            database = "GATE_DATABASE_URL=" + pg->url();
        }
        for (int i = 0; i < count; ++i) {
            ports.push_back(free_port());
            std::vector<std::string> env{
                "GATE_SERVER_PORT=" + std::to_string(ports.back()), database,
                "GATE_KEYS_MASTER_KEY_FILE=" + (dir / "master.key").string(),
                "GATE_LOG_LEVEL=warn"};
            env.insert(env.end(), settings.begin(), settings.end());
            apis.push_back(
                std::make_unique<ChildProcess>(std::vector<std::string>{GATE_TICKET_API}, env,
                                               dir / ("api-" + std::to_string(i) + ".log")));
            REQUIRE_MESSAGE(apis.back()->wait_for_output(
                                "listening on 127.0.0.1:" + std::to_string(ports.back()),
                                std::chrono::seconds{20}),
                            apis.back()->output());
        }
    }

    std::string base(int i) const {
        return "http://127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(i)]);
    }
};

}  // namespace gate::test
