#pragma once
// LocalChain: a fresh local Solana chain for one test — `node tests/chain/server.mjs 0`
// (JSON-RPC over LiteSVM) on a free loopback port, killed with the fixture. Needs the
// compile definitions GATE_NODE_EXECUTABLE and GATE_CHAIN_DIR, and `npm ci` done in
// tests/chain (the CTest fixture solana_chain does it).

#include <string>

#include "NodeServer.h"

namespace gate::test {

class LocalChain {
  public:
    LocalChain()
        : server_(GATE_NODE_EXECUTABLE, std::string(GATE_CHAIN_DIR) + "/server.mjs", {"0"},
                  "local chain", "is npm ci done in tests/chain?") {}

    unsigned short port() const { return server_.port(); }
    std::string url() const { return server_.url(); }

  private:
    NodeServer server_;
};

}  // namespace gate::test
