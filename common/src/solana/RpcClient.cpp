#include "gate/solana/RpcClient.h"

#include <string>
#include <utility>

#include "Base64.h"
#include "gate/codec/Base58.h"
#include "gate/solana/ProgramErrors.h"

namespace gate::solana {
namespace {

using nlohmann::json;

// JSON-RPC error with which the node reports a failed preflight simulation; its data
// carries the runtime's error.
constexpr std::int64_t kPreflightFailure = -32002;
constexpr std::int64_t kSignatureVerificationFailure = -32003;

Error bad_response(const std::string& method, const std::string& what) {
    return Error{Error::Kind::BadResponse, method + ": " + what};
}

std::optional<std::uint64_t> u64_at(const json& j, const char* key) {
    if (!j.is_object()) return std::nullopt;
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned()) return std::nullopt;
    return it->get<std::uint64_t>();
}

// Most results wrap their value as {"context": {...}, "value": ...}.
// The slot, outcome and confirmation of one status entry (getSignatureStatuses,
// getSignaturesForAddress); false when it has no slot.
bool read_status(const json& entry, SignatureStatus& st) {
    const auto slot = u64_at(entry, "slot");
    if (!slot) return false;
    st.slot = *slot;
    st.err = entry.value("err", json(nullptr));
    const auto cs = entry.find("confirmationStatus");
    st.confirmation_status =
        cs != entry.end() && cs->is_string() ? cs->get<std::string>() : "processed";
    return true;
}

Result<json, Error> value_of(const std::string& method, json result) {
    if (!result.is_object() || !result.contains("value")) {
        return fail(bad_response(method, "result has no \"value\""));
    }
    return std::move(result["value"]);
}

Result<Signature, Error> signature_of(const std::string& method, const json& result) {
    if (!result.is_string()) return fail(bad_response(method, "result is not a signature string"));
    auto sig = Signature::from_base58(result.get<std::string>());
    if (!sig) return fail(bad_response(method, "result is not a base58 signature"));
    return *sig;
}

}  // namespace

RpcClient::RpcClient(RpcOptions options) : options_(std::move(options)), http_(options_.http) {}

Result<json, Error> RpcClient::call(const std::string& method, json params) {
    const json body = {
        {"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}, {"params", std::move(params)}};
    auto response = http_.post_json(options_.url, body);
    if (!response) {
        const auto& e = response.error();
        const auto kind = e.kind == http::Error::Kind::InvalidRequest ? Error::Kind::InvalidInput
                          : e.kind == http::Error::Kind::TooLarge     ? Error::Kind::BadResponse
                                                                      : Error::Kind::Network;
        return fail(Error{kind, method + ": " + http::to_string(e)});
    }
    if (!response->success()) {
        // 429 and 5xx: the node is overloaded or down for now; others are our mistake.
        const int status = response->status;
        const auto kind =
            (status == 429 || status >= 500) ? Error::Kind::Network : Error::Kind::BadResponse;
        return fail(
            Error{kind, method + ": HTTP " + std::to_string(status) + " from " + response->url});
    }
    auto parsed = response->json();
    if (!parsed) return fail(bad_response(method, "answer is not JSON"));
    json& answer = *parsed;
    if (!answer.is_object()) return fail(bad_response(method, "answer is not a JSON object"));
    if (const auto it = answer.find("error"); it != answer.end() && !it->is_null()) {
        const json& err = *it;
        const std::int64_t code = err.contains("code") && err["code"].is_number_integer()
                                      ? err["code"].get<std::int64_t>()
                                      : 0;
        const std::string text = err.contains("message") && err["message"].is_string()
                                     ? err["message"].get<std::string>()
                                     : err.dump();
        json chain_error = nullptr;
        if (err.contains("data") && err["data"].is_object() && err["data"].contains("err")) {
            chain_error = err["data"]["err"];
        }
        const auto kind = (code == kPreflightFailure && !chain_error.is_null()) ||
                                  code == kSignatureVerificationFailure
                              ? Error::Kind::Transaction
                              : Error::Kind::Rpc;
        return fail(Error{kind, method + ": " + text + " (code " + std::to_string(code) + ")", code,
                          std::move(chain_error)});
    }
    if (!answer.contains("result"))
        return fail(bad_response(method, "answer has neither result nor error"));
    return std::move(answer["result"]);
}

Result<LatestBlockhash, Error> RpcClient::get_latest_blockhash() {
    const std::string method = "getLatestBlockhash";
    auto result = call(method, json::array({{{"commitment", options_.commitment}}}));
    if (!result) return fail(result.error());
    auto value = value_of(method, std::move(*result));
    if (!value) return fail(value.error());
    const auto height = u64_at(*value, "lastValidBlockHeight");
    if (!height || !value->contains("blockhash") || !(*value)["blockhash"].is_string()) {
        return fail(bad_response(method, "value lacks blockhash or lastValidBlockHeight"));
    }
    auto hash = Blockhash::from_base58((*value)["blockhash"].get<std::string>());
    if (!hash) return fail(bad_response(method, hash.error().message));
    return LatestBlockhash{*hash, *height};
}

Result<bool, Error> RpcClient::is_blockhash_valid(const Blockhash& blockhash) {
    const std::string method = "isBlockhashValid";
    auto result =
        call(method, json::array({blockhash.to_base58(), {{"commitment", options_.commitment}}}));
    if (!result) return fail(result.error());
    auto value = value_of(method, std::move(*result));
    if (!value) return fail(value.error());
    if (!value->is_boolean()) return fail(bad_response(method, "value is not a boolean"));
    return value->get<bool>();
}

Result<std::uint64_t, Error> RpcClient::get_block_height() {
    const std::string method = "getBlockHeight";
    auto result = call(method, json::array({{{"commitment", options_.commitment}}}));
    if (!result) return fail(result.error());
    if (!result->is_number_unsigned()) return fail(bad_response(method, "result is not a number"));
    return result->get<std::uint64_t>();
}

Result<Signature, Error> RpcClient::send_transaction(const Transaction& tx, SendOptions options) {
    const std::string method = "sendTransaction";
    const json config = {{"encoding", "base64"},
                         {"skipPreflight", options.skip_preflight},
                         {"preflightCommitment", options_.commitment}};
    auto result = call(method, json::array({detail::base64_encode(tx.serialize()), config}));
    if (!result) {
        Error e = result.error();
        if (!e.chain_error.is_null()) {
            e.message = method + ": " + describe_transaction_error(e.chain_error, &tx.message) +
                        " (code " + std::to_string(e.rpc_code) + ")";
        }
        return fail(std::move(e));
    }
    auto sig = signature_of(method, *result);
    if (!sig) return fail(sig.error());
    if (!(*sig == tx.id())) return fail(bad_response(method, "node reported another signature"));
    return *sig;
}

Result<SimulationResult, Error> RpcClient::simulate_transaction(const Transaction& tx) {
    const std::string method = "simulateTransaction";
    const json config = {
        {"encoding", "base64"}, {"commitment", options_.commitment}, {"sigVerify", true}};
    auto result = call(method, json::array({detail::base64_encode(tx.serialize()), config}));
    if (!result) return fail(result.error());
    auto value = value_of(method, std::move(*result));
    if (!value) return fail(value.error());
    if (!value->is_object()) return fail(bad_response(method, "value is not an object"));
    SimulationResult sim;
    sim.err = value->value("err", json(nullptr));
    if (const auto it = value->find("logs"); it != value->end() && it->is_array()) {
        for (const auto& line : *it)
            if (line.is_string()) sim.logs.push_back(line.get<std::string>());
    }
    sim.units_consumed = u64_at(*value, "unitsConsumed").value_or(0);
    return sim;
}

Result<std::vector<std::optional<SignatureStatus>>, Error> RpcClient::get_signature_statuses(
    std::span<const Signature> signatures) {
    const std::string method = "getSignatureStatuses";
    json list = json::array();
    for (const auto& s : signatures)
        list.push_back(s.to_base58());
    auto result = call(method, json::array({list, {{"searchTransactionHistory", true}}}));
    if (!result) return fail(result.error());
    auto value = value_of(method, std::move(*result));
    if (!value) return fail(value.error());
    if (!value->is_array() || value->size() != signatures.size()) {
        return fail(bad_response(method, "value is not one entry per signature"));
    }
    std::vector<std::optional<SignatureStatus>> out;
    for (const auto& entry : *value) {
        if (entry.is_null()) {
            out.emplace_back();
            continue;
        }
        SignatureStatus st;
        if (!read_status(entry, st)) return fail(bad_response(method, "status without a slot"));
        out.emplace_back(std::move(st));
    }
    return out;
}

Result<std::optional<AccountInfo>, Error> RpcClient::get_account_info(const Pubkey& address) {
    const std::string method = "getAccountInfo";
    const json config = {{"encoding", "base64"}, {"commitment", options_.commitment}};
    auto result = call(method, json::array({address.to_base58(), config}));
    if (!result) return fail(result.error());
    auto value = value_of(method, std::move(*result));
    if (!value) return fail(value.error());
    if (value->is_null()) return std::optional<AccountInfo>{};
    const auto lamports = u64_at(*value, "lamports");
    const auto& data = value->contains("data") ? (*value)["data"] : json();
    if (!lamports || !value->contains("owner") || !(*value)["owner"].is_string() ||
        !data.is_array() || data.size() != 2 || !data[0].is_string() || data[1] != "base64") {
        return fail(bad_response(method, "account lacks lamports, owner or base64 data"));
    }
    AccountInfo info;
    info.lamports = *lamports;
    auto owner = Pubkey::from_base58((*value)["owner"].get<std::string>());
    if (!owner) return fail(bad_response(method, "owner is not an address"));
    info.owner = *owner;
    auto bytes = detail::base64_decode(data[0].get<std::string>());
    if (!bytes) return fail(bad_response(method, "account data is not valid base64"));
    info.data = std::move(*bytes);
    info.executable = value->value("executable", false);
    return std::optional<AccountInfo>(std::move(info));
}

Result<std::uint64_t, Error> RpcClient::get_balance(const Pubkey& address) {
    const std::string method = "getBalance";
    auto result =
        call(method, json::array({address.to_base58(), {{"commitment", options_.commitment}}}));
    if (!result) return fail(result.error());
    auto value = value_of(method, std::move(*result));
    if (!value) return fail(value.error());
    if (!value->is_number_unsigned()) return fail(bad_response(method, "value is not a number"));
    return value->get<std::uint64_t>();
}

Result<Signature, Error> RpcClient::request_airdrop(const Pubkey& address, std::uint64_t lamports) {
    const std::string method = "requestAirdrop";
    auto result = call(method, json::array({address.to_base58(), lamports}));
    if (!result) return fail(result.error());
    return signature_of(method, *result);
}

Result<std::uint64_t, Error> RpcClient::get_minimum_balance_for_rent_exemption(
    std::size_t data_size) {
    const std::string method = "getMinimumBalanceForRentExemption";
    auto result = call(method, json::array({data_size}));
    if (!result) return fail(result.error());
    if (!result->is_number_unsigned()) return fail(bad_response(method, "result is not a number"));
    return result->get<std::uint64_t>();
}

Result<std::vector<SignatureInfo>, Error> RpcClient::get_signatures_for_address(
    const Pubkey& address, std::size_t limit) {
    const std::string method = "getSignaturesForAddress";
    const json config = {{"limit", limit}, {"commitment", options_.commitment}};
    auto result = call(method, json::array({address.to_base58(), config}));
    if (!result) return fail(result.error());
    if (!result->is_array()) return fail(bad_response(method, "result is not an array"));
    std::vector<SignatureInfo> out;
    for (const auto& entry : *result) {
        if (!entry.is_object() || !entry.contains("signature"))
            return fail(bad_response(method, "an entry without a signature"));
        auto signature = signature_of(method, entry["signature"]);
        if (!signature) return fail(signature.error());
        SignatureInfo info;
        if (!read_status(entry, info)) return fail(bad_response(method, "an entry without a slot"));
        info.signature = *signature;
        out.push_back(std::move(info));
    }
    return out;
}

Result<std::optional<TransactionInfo>, Error> RpcClient::get_transaction(
    const Signature& signature) {
    const std::string method = "getTransaction";
    const json config = {{"encoding", "json"},
                         {"commitment", options_.commitment},
                         {"maxSupportedTransactionVersion", 0}};
    auto result = call(method, json::array({signature.to_base58(), config}));
    if (!result) return fail(result.error());
    if (result->is_null()) return std::optional<TransactionInfo>{};
    const auto bad = [&](const std::string& what) { return fail(bad_response(method, what)); };
    if (!result->is_object()) return bad("result is not an object");
    const json& r = *result;
    TransactionInfo info;
    const auto slot = u64_at(r, "slot");
    if (!slot) return bad("no slot");
    info.slot = *slot;
    const auto meta = r.find("meta");
    const auto tx = r.find("transaction");
    if (meta == r.end() || !meta->is_object() || tx == r.end() || !tx->is_object() ||
        !tx->contains("message") || !(*tx)["message"].is_object())
        return bad("no meta or message");
    const json& message = (*tx)["message"];
    info.err = meta->value("err", json(nullptr));
    info.fee = u64_at(*meta, "fee").value_or(0);
    const auto keys = message.find("accountKeys");
    if (keys == message.end() || !keys->is_array()) return bad("no accountKeys");
    for (const auto& key : *keys) {
        if (!key.is_string()) return bad("an account key is not a string");
        auto parsed = parse_pubkey(key.get<std::string>());
        if (!parsed) return bad("an account key is not base58");
        info.account_keys.push_back(*parsed);
    }
    if (info.account_keys.size() > 256) return bad("more account keys than a message can hold");
    const auto header = message.find("header");
    if (header != message.end() && header->is_object())
        info.num_required_signatures =
            static_cast<std::uint8_t>(u64_at(*header, "numRequiredSignatures").value_or(0));
    for (const char* name : {"preBalances", "postBalances"}) {
        auto& into =
            std::string_view(name) == "preBalances" ? info.pre_balances : info.post_balances;
        const auto list = meta->find(name);
        if (list == meta->end() || !list->is_array() || list->size() != info.account_keys.size())
            return bad(std::string(name) + " is not one balance per account key");
        for (const auto& b : *list) {
            if (!b.is_number_unsigned()) return bad(std::string(name) + " holds a non-balance");
            into.push_back(b.get<std::uint64_t>());
        }
    }
    const auto instructions = message.find("instructions");
    if (instructions == message.end() || !instructions->is_array()) return bad("no instructions");
    for (const auto& ix : *instructions) {
        CompiledInstruction c;
        const auto program = u64_at(ix, "programIdIndex");
        if (!program || *program >= info.account_keys.size())
            return bad("an instruction's program index is out of range");
        c.program_id_index = static_cast<std::uint8_t>(*program);
        const auto accounts = ix.find("accounts");
        if (accounts == ix.end() || !accounts->is_array())
            return bad("an instruction without accounts");
        for (const auto& a : *accounts) {
            if (!a.is_number_unsigned() || a.get<std::uint64_t>() >= info.account_keys.size())
                return bad("an instruction's account index is out of range");
            c.accounts.push_back(static_cast<std::uint8_t>(a.get<std::uint64_t>()));
        }
        const auto data = ix.find("data");
        if (data == ix.end() || !data->is_string()) return bad("an instruction without data");
        auto bytes = codec::base58_decode(data->get<std::string>());
        if (!bytes) return bad("an instruction's data is not base58");
        c.data = std::move(*bytes);
        info.instructions.push_back(std::move(c));
    }
    return std::optional<TransactionInfo>{std::move(info)};
}

}  // namespace gate::solana
