// The one strict reader of JSON fields (protocol, API bodies, config): what it accepts, what
// it refuses, and how it names the field.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gate/json/FieldReader.h"

using namespace gate::jsonio;
using nlohmann::json;

namespace {

enum class Lane { In, Out };
GATE_WIRE_ENUM(Lane, {{Lane::In, "in"}, {Lane::Out, "out"}})

std::vector<std::string> codes(const Problems& problems) {
    std::vector<std::string> out;
    for (const auto& e : problems.all())
        out.push_back(e.field + ":" + std::string(to_string(e.problem)));
    return out;
}

}  // namespace

TEST_CASE("a well-formed object reads field by field") {
    const json doc = {
        {"name", "North gate"}, {"tier", 3}, {"open", true}, {"lane", "out"}, {"ratio", 0.5}};
    Problems problems;
    FieldReader r(doc, "", problems);
    std::string name;
    std::uint8_t tier = 0;
    bool open = false;
    Lane lane = Lane::In;
    double ratio = 0;
    CHECK(r.text("name", name));
    CHECK(r.integer("tier", tier));
    CHECK(r.boolean("open", open));
    CHECK(r.choice("lane", lane));
    CHECK(r.number("ratio", ratio));
    r.reject_unknown();
    CHECK_FALSE(problems.any());
    CHECK(name == "North gate");
    CHECK(tier == 3);
    CHECK(open);
    CHECK(lane == Lane::Out);
    CHECK(ratio == 0.5);
}

TEST_CASE("every problem names its field and a stable code") {
    const json doc = {{"name", 5},   {"tier", 300}, {"count", 1.5},  {"lane", "sideways"},
                      {"title", ""}, {"extra", 1},  {"open", "yes"}, {"big", -1}};
    Problems problems;
    FieldReader r(doc, "gate", problems);
    std::string name, title, absent;
    std::uint8_t tier = 7;
    std::int64_t count = 0;
    std::uint64_t big = 0;
    Lane lane = Lane::In;
    bool open = false;
    CHECK_FALSE(r.text("name", name));
    CHECK_FALSE(r.integer("tier", tier));
    CHECK_FALSE(r.integer("count", count));
    CHECK_FALSE(r.choice("lane", lane));
    CHECK_FALSE(r.text("title", title));
    CHECK_FALSE(r.text("absent", absent));
    CHECK_FALSE(r.boolean("open", open));
    CHECK_FALSE(r.integer("big", big));
    CHECK_FALSE(r.text("optional", absent, Need::Optional));
    r.reject_unknown();
    CHECK(codes(problems) ==
          std::vector<std::string>{
              "gate.name:wrong_type", "gate.tier:out_of_range", "gate.count:wrong_type",
              "gate.lane:invalid", "gate.title:too_short", "gate.absent:missing",
              "gate.open:wrong_type", "gate.big:out_of_range", "gate.extra:unknown"});
    CHECK(tier == 7);  // untouched on failure
    CHECK(problems.all()[0].message == "expected a string, got an integer");
    CHECK(problems.all()[1].message == "expected an integer from 0 to 255");
    CHECK(problems.all()[3].message == "expected one of in, out");
    CHECK(problems.all()[5].message == "is required");
}

TEST_CASE("integers are never wrapped, clamped or read from other types") {
    const json doc = json::parse(
        R"({"max": 18446744073709551615, "neg": -5, "float": 2.0, "text": "7", "ok": 9223372036854775807})");
    Problems problems;
    FieldReader r(doc, "", problems);
    std::int64_t i = 0;
    std::uint32_t u = 0;
    std::uint64_t big = 0;
    CHECK_FALSE(r.integer("max", i));
    CHECK(r.integer("max", big));
    CHECK(big == UINT64_MAX);
    CHECK_FALSE(r.integer("neg", u));
    CHECK_FALSE(r.integer("float", i));
    CHECK_FALSE(r.integer("text", i));
    CHECK(r.integer("ok", i));
    CHECK(i == INT64_MAX);
    CHECK(problems.all().size() == 4);
}

TEST_CASE("text is measured in code points, checked as UTF-8, and labels are printable") {
    std::string hundred;
    for (int k = 0; k < 100; ++k)
        hundred += "\xC3\xBC";
    const json doc = {{"ok", hundred}, {"long", hundred + "x"}, {"spaces", "   "},
                      {"ctl", "a\tb"}, {"del", "a\x7f"},        {"empty", ""}};
    Problems problems;
    FieldReader r(doc, "", problems);
    std::string s;
    CHECK(r.text("ok", s, Need::Required, {.max_chars = 100}));
    CHECK_FALSE(r.text("long", s, Need::Required, {.max_chars = 100}));
    CHECK_FALSE(r.text("spaces", s, Need::Required, {.label = true}));
    CHECK_FALSE(r.text("ctl", s, Need::Required, {.label = true}));
    CHECK_FALSE(r.text("del", s, Need::Required, {.label = true}));
    CHECK(r.text("empty", s, Need::Required, {.min_chars = 0}));
    CHECK(codes(problems) == std::vector<std::string>{"long:too_long", "spaces:invalid",
                                                      "ctl:invalid", "del:invalid"});
    CHECK(problems.all()[0].message == "expected at most 100 characters, got 101 characters");
    CHECK(utf8_length("\xC3") == std::nullopt);
    CHECK(utf8_length("\xFF") == std::nullopt);
    CHECK(utf8_length("\xED\xA0\x80") == 1u);  // a lone surrogate is left to nlohmann's parser
    CHECK(utf8_length("ab\xE2\x82\xAC") == 3u);
}

TEST_CASE("arrays, nested objects and element paths") {
    const json doc = json::parse(
        R"({"tiers": [1, 2, 900], "event": {"id": "x"}, "list": [{"n": 1}, {"n": "two"}], "many": [1,2,3]})");
    Problems problems;
    FieldReader r(doc, "", problems);
    std::vector<int> tiers;
    r.array("tiers", [&](const json& e, const std::string& where) {
        int t = 0;
        if (r.integer_at(e, where, t, 0, 255)) tiers.push_back(t);
    });
    auto event = r.object("event");
    std::int64_t id = 0;
    event.integer("id", id);
    std::vector<std::int64_t> ns;
    r.array("list", [&](const json& e, const std::string& where) {
        FieldReader item(e, where, problems);
        std::int64_t n = 0;
        if (item.integer("n", n)) ns.push_back(n);
    });
    CHECK_FALSE(
        r.array("many", [](const json&, const std::string&) {}, Need::Required, {.max_items = 2}));
    auto absent = r.object("nothing", Need::Optional);
    std::string ignored;
    CHECK_FALSE(absent.text("anything", ignored));  // an absent optional object reads nothing
    CHECK(tiers == std::vector<int>{1, 2});
    CHECK(ns == std::vector<std::int64_t>{1});
    CHECK(codes(problems) == std::vector<std::string>{"tiers[2]:out_of_range",
                                                      "event.id:wrong_type", "list[1].n:wrong_type",
                                                      "many:too_long"});
}

TEST_CASE("keeping the first problem stops reading at it") {
    const json doc = {{"a", "x"}, {"b", "y"}};
    Problems problems(Problems::Keep::First);
    FieldReader r(doc, "", problems);
    std::int64_t a = 0, b = 0;
    CHECK_FALSE(r.integer("a", a));
    CHECK_FALSE(r.integer("b", b));
    REQUIRE(problems.all().size() == 1);
    CHECK(problems.first().field == "a");
}

TEST_CASE("anything but an object is a problem of the object itself") {
    const json not_an_object = json::array({1});
    Problems problems;
    FieldReader r(not_an_object, "assignment", problems);
    std::int64_t id = 0;
    CHECK_FALSE(r.integer("id", id));
    REQUIRE(problems.all().size() == 1);
    CHECK(problems.first().field == "assignment");
    CHECK(problems.first().message == "expected an object, got an array");
}

TEST_CASE("parsed text: the content check is the caller's, the message says what was expected") {
    const json doc = {{"id", "042"}, {"key", 5}};
    Problems problems;
    FieldReader r(doc, "", problems);
    int id = 0, key = 0;
    auto digits = [](std::string_view s) -> std::optional<int> {
        if (s.empty() || s.front() == '0') return std::nullopt;
        return static_cast<int>(s.size());
    };
    CHECK_FALSE(r.parsed("id", id, "an id without leading zeros", digits));
    CHECK_FALSE(r.parsed("key", key, "a key", digits));
    CHECK(problems.all()[0].message == "expected an id without leading zeros");
    CHECK(problems.all()[0].problem == Problem::Invalid);
    CHECK(problems.all()[1].message == "expected a key, got an integer");
}
