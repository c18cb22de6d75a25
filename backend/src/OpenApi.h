#pragma once
// The REST API's OpenAPI 3.1 description, docs/openapi.json, built into the binary
// (cmake/EmbedFile.cmake) and served at GET /api/v1/openapi.json.

#include <string_view>

namespace gate::backend {

std::string_view openapi_document();

}  // namespace gate::backend
