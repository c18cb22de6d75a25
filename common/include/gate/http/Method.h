#pragma once
// The HTTP methods the project speaks, one enum for the client (gate::http::Client) and the
// server (ticket-api's router), with their names as they go on the wire ("GET").

#include "gate/json/WireEnum.h"

namespace gate::http {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options };
GATE_WIRE_ENUM(Method, {{Method::Get, "GET"},
                        {Method::Head, "HEAD"},
                        {Method::Post, "POST"},
                        {Method::Put, "PUT"},
                        {Method::Patch, "PATCH"},
                        {Method::Delete, "DELETE"},
                        {Method::Options, "OPTIONS"}})

using jsonio::to_string;

/// The method named exactly `name` (methods are case-sensitive); nullopt for any other.
inline std::optional<Method> method_from(std::string_view name) noexcept {
    return jsonio::from_string<Method>(name);
}

}  // namespace gate::http
