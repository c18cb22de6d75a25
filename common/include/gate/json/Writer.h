#pragma once
// GATE_JSON_WRITER(Type, field, ...): defines the ADL hook nlohmann_json uses to write a
// record, `void to_json(nlohmann::json&, const Type&)`, one JSON member per named field,
// with the field's own name. It is the writing half of nlohmann's
// NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE, built from the same helper macros. The reading half is
// left out on purpose: nlohmann's from_json throws on a missing field and reads any integer
// into an enum; records are read with gate::jsonio::FieldReader instead.
//
// Use it in a .cpp beside a `void to_json(nlohmann::json&, const Type&);` declaration.

#include <nlohmann/json.hpp>

#define GATE_JSON_WRITER(Type, ...)                                              \
    void to_json(nlohmann::json& nlohmann_json_j, const Type& nlohmann_json_t) { \
        nlohmann_json_j = nlohmann::json::object();                              \
        NLOHMANN_JSON_EXPAND(NLOHMANN_JSON_PASTE(NLOHMANN_JSON_TO, __VA_ARGS__)) \
    }
