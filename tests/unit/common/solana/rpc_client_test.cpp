// The RPC client against a scripted HTTP server: answers that are not the documented
// shape are BadResponse values (never exceptions), server trouble is retryable, and
// what the client sends is the JSON-RPC request the node expects.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "TestHttpServer.h"
#include "TestKeys.h"
#include "gate/solana/Memo.h"
#include "gate/solana/RpcClient.h"

using namespace gate;
using namespace gate::solana;
using nlohmann::json;
namespace bhttp = boost::beast::http;

namespace {

test::TestHttpServer::Response answer(bhttp::status status, std::string body) {
    test::TestHttpServer::Response res{status, 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

}  // namespace

TEST_CASE("requests are JSON-RPC 2.0 with the method's documented parameters") {
    std::vector<json> seen;
    test::TestHttpServer server([&](const test::TestHttpServer::Request& req) {
        seen.push_back(json::parse(req.body()));
        return answer(
            bhttp::status::ok,
            R"({"jsonrpc":"2.0","id":1,"result":{"context":{"slot":5},"value":{"blockhash":"4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM","lastValidBlockHeight":300}}})");
    });
    RpcClient rpc(RpcOptions{server.url(), "finalized", {}});
    const auto latest = rpc.get_latest_blockhash();
    REQUIRE(latest);
    CHECK(latest->blockhash.to_base58() == "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM");
    CHECK(latest->last_valid_block_height == 300);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0]["jsonrpc"] == "2.0");
    CHECK(seen[0]["method"] == "getLatestBlockhash");
    CHECK(seen[0]["params"][0]["commitment"] == "finalized");
}

TEST_CASE("sendTransaction sends base64 and checks the returned signature") {
    const auto payer = test::key(1);
    const std::vector<Instruction> ixs{memo::memo("x")};
    const KeyPair* signers[] = {&payer};
    const auto tx = build_transaction(payer.public_key(), ixs, Blockhash{}, signers).value();
    std::string result = tx.id().to_base58();
    json params;
    test::TestHttpServer server([&](const test::TestHttpServer::Request& req) {
        params = json::parse(req.body())["params"];
        return answer(bhttp::status::ok,
                      json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", result}}.dump());
    });
    RpcClient rpc(RpcOptions{server.url(), "confirmed", {}});
    const auto sig = rpc.send_transaction(tx);
    REQUIRE(sig);
    CHECK(*sig == tx.id());
    CHECK(params[1]["encoding"] == "base64");
    CHECK(params[1]["skipPreflight"] == false);
    CHECK(params[0].get<std::string>().size() % 4 == 0);

    result = test::key(2).sign({}).to_base58();  // some other signature
    const auto other = rpc.send_transaction(tx);
    REQUIRE_FALSE(other);
    CHECK(other.error().kind == Error::Kind::BadResponse);
}

TEST_CASE(
    "answers that are not the documented shape are BadResponse, server trouble is retryable") {
    std::string body;
    bhttp::status status = bhttp::status::ok;
    test::TestHttpServer server(
        [&](const test::TestHttpServer::Request&) { return answer(status, body); });
    RpcClient rpc(RpcOptions{server.url(), "confirmed", {}});
    const auto key = test::key(1).public_key();

    const std::pair<const char*, const char*> bad[] = {
        {"not json", "{"},
        {"not an object", "[1]"},
        {"no result", R"({"jsonrpc":"2.0","id":1})"},
        {"balance not a number",
         R"({"jsonrpc":"2.0","id":1,"result":{"context":{},"value":"12"}})"},
        {"no value", R"({"jsonrpc":"2.0","id":1,"result":{"context":{}}})"},
        {"negative balance", R"({"jsonrpc":"2.0","id":1,"result":{"context":{},"value":-1}})"},
    };
    for (const auto& entry : bad) {
        const std::string what = entry.first;
        CAPTURE(what);
        body = entry.second;
        const auto r = rpc.get_balance(key);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == Error::Kind::BadResponse);
        CHECK_FALSE(r.error().retryable());
    }

    SUBCASE("account data that is not base64") {
        body =
            R"({"jsonrpc":"2.0","id":1,"result":{"context":{},"value":{"lamports":1,"owner":"11111111111111111111111111111111","data":["@@@@","base64"],"executable":false}}})";
        const auto r = rpc.get_account_info(key);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == Error::Kind::BadResponse);
    }
    SUBCASE("statuses not one per signature") {
        body = R"({"jsonrpc":"2.0","id":1,"result":{"context":{},"value":[]}})";
        const std::vector<Signature> sigs{test::key(1).sign({})};
        CHECK(rpc.get_signature_statuses(sigs).error().kind == Error::Kind::BadResponse);
    }
    SUBCASE("503 and 429 are retryable network trouble") {
        for (auto s : {bhttp::status::service_unavailable, bhttp::status::too_many_requests}) {
            status = s;
            body = "{}";
            const auto r = rpc.get_balance(key);
            REQUIRE_FALSE(r);
            CHECK(r.error().kind == Error::Kind::Network);
            CHECK(r.error().retryable());
        }
    }
    SUBCASE("a node that is behind answers -32005: retryable") {
        body =
            R"({"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"Node is behind by 42 slots"}})";
        const auto r = rpc.get_balance(key);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == Error::Kind::Rpc);
        CHECK(r.error().rpc_code == -32005);
        CHECK(r.error().retryable());
        CHECK(r.error().message.find("Node is behind") != std::string::npos);
    }
}

TEST_CASE("a preflight failure carries the runtime error, decoded for people") {
    const auto payer = test::key(1);
    const std::vector<Instruction> ixs{memo::memo("x")};
    const KeyPair* signers[] = {&payer};
    const auto tx = build_transaction(payer.public_key(), ixs, Blockhash{}, signers).value();
    test::TestHttpServer server([&](const test::TestHttpServer::Request&) {
        return answer(
            bhttp::status::ok,
            R"({"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"Transaction simulation failed","data":{"err":{"InstructionError":[0,{"Custom":3}]},"logs":[]}}})");
    });
    RpcClient rpc(RpcOptions{server.url(), "confirmed", {}});
    const auto r = rpc.send_transaction(tx);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == Error::Kind::Transaction);
    CHECK(r.error().rpc_code == -32002);
    CHECK(r.error().chain_error.contains("InstructionError"));
    CHECK(r.error().message.find("instruction 0 (Memo): custom program error 3") !=
          std::string::npos);
}
