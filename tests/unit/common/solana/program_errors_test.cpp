// Chain errors as people read them: the instruction, its program, the program's name
// for a custom code.
#include <doctest/doctest.h>

#include <vector>

#include "TestKeys.h"
#include "gate/solana/Message.h"
#include "gate/solana/ProgramErrors.h"
#include "gate/solana/Programs.h"
#include "gate/solana/SystemProgram.h"
#include "gate/solana/Token2022.h"

using namespace gate;
using namespace gate::solana;
using nlohmann::json;

TEST_CASE("custom error codes are named per program") {
    CHECK(custom_error_name(program::token_2022(), 17) == "AccountFrozen");
    CHECK(custom_error_name(program::token_2022(), 5) == "FixedSupply");
    CHECK(custom_error_name(program::token_2022(), 0) == "NotRentExempt");
    CHECK(custom_error_name(program::token_2022(), 901'952'960) == "IncorrectUpdateAuthority");
    CHECK(custom_error_name(program::token_2022(), 901'952'962) == "KeyNotFound");
    CHECK(custom_error_name(program::token(), 17) == "AccountFrozen");
    CHECK(custom_error_name(program::token(), 30).empty());  // Token-2022 only
    CHECK(custom_error_name(program::system(), 0) == "AccountAlreadyInUse");
    CHECK(custom_error_name(program::associated_token_account(), 0) == "InvalidOwner");
    CHECK(custom_error_name(program::token_2022(), 999).empty());
    CHECK(custom_error_name(program::memo(), 1).empty());
}

TEST_CASE("transaction errors become one readable line") {
    const auto payer = test::key(1).public_key();
    const std::vector<Instruction> ixs{
        system::transfer(payer, test::key(2).public_key(), 1),
        token2022::freeze_account(test::key(5).public_key(), test::key(10).public_key(), payer)};
    const auto m = Message::compile(payer, ixs, Blockhash{}).value();

    const json frozen = json::parse(R"({"InstructionError":[1,{"Custom":17}]})");
    CHECK(describe_transaction_error(frozen, &m) ==
          "instruction 1 (Token-2022): AccountFrozen (custom error 17)");
    CHECK(describe_transaction_error(frozen) == "instruction 1: custom program error 17");

    const json builtin = json::parse(R"({"InstructionError":[0,"InvalidAccountData"]})");
    CHECK(describe_transaction_error(builtin, &m) == "instruction 0 (System): InvalidAccountData");
    const json borsh = json::parse(R"({"InstructionError":[0,{"BorshIoError":"x"}]})");
    CHECK(describe_transaction_error(borsh, &m) == "instruction 0 (System): BorshIoError");

    CHECK(describe_transaction_error(json("BlockhashNotFound"), &m) == "BlockhashNotFound");
    const json rent = json::parse(R"({"InsufficientFundsForRent":{"account_index":1}})");
    CHECK(describe_transaction_error(rent, &m) == rent.dump());

    const auto f = instruction_failure(frozen);
    REQUIRE(f);
    CHECK(f->index == 1);
    CHECK(f->custom_code == 17u);
    CHECK_FALSE(instruction_failure(json("AccountInUse")));
    CHECK_FALSE(instruction_failure(json::parse(R"({"InstructionError":["x",1]})")));
}
