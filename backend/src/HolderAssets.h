#pragma once
// The holder's page files (backend/web/holder/), built into the binary by
// cmake/EmbedFile.cmake (backend/CMakeLists.txt lists them).

#include <string_view>

namespace gate::backend::web {

std::string_view holder_index_html();
std::string_view holder_app_js();
std::string_view holder_qr_js();
std::string_view holder_rotating_js();
std::string_view holder_sw_js();
std::string_view holder_style_css();
std::string_view holder_manifest_json();

}  // namespace gate::backend::web
