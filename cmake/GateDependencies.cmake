# Finds the Debian 12 packages the project builds on (scripts/install-deps.sh
# installs them). Works natively and in the multiarch cross builds of toolchains/.
find_package(PkgConfig REQUIRED)

find_package(SQLite3 3.40 REQUIRED)
find_package(CURL 7.88 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(ZXing 1.4 REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)

# zbar, the decode pipeline's second QR decoder (libzbar-dev), found through zbar.pc.
# Debian 12's libzbar-dev cannot be installed for two architectures at once (it drags in
# gir1.2-zbar-1.0 and ImageMagick's -dev packages, which are not multiarch), so a cross build
# that finds no zbar.pc for its target uses the target's runtime library (libzbar0:<arch>,
# from scripts/install-deps.sh) with the architecture-independent header.
if(NOT TARGET gate::zbar)
    pkg_check_modules(ZBAR IMPORTED_TARGET zbar>=0.23)
    add_library(gate_zbar INTERFACE)
    add_library(gate::zbar ALIAS gate_zbar)
    if(ZBAR_FOUND)
        target_link_libraries(gate_zbar INTERFACE PkgConfig::ZBAR)
    elseif(CMAKE_CROSSCOMPILING)
        find_path(GATE_ZBAR_INCLUDE_DIR zbar.h)
        find_library(GATE_ZBAR_LIBRARY NAMES zbar libzbar.so.0)
        if(NOT GATE_ZBAR_INCLUDE_DIR OR NOT GATE_ZBAR_LIBRARY)
            message(FATAL_ERROR "zbar for ${CMAKE_LIBRARY_ARCHITECTURE} not found (zbar.h: "
                                "${GATE_ZBAR_INCLUDE_DIR}, library: ${GATE_ZBAR_LIBRARY}); "
                                "run scripts/install-deps.sh")
        endif()
        target_include_directories(gate_zbar SYSTEM INTERFACE "${GATE_ZBAR_INCLUDE_DIR}")
        target_link_libraries(gate_zbar INTERFACE "${GATE_ZBAR_LIBRARY}")
    else()
        message(FATAL_ERROR "zbar (zbar.pc) not found: run scripts/install-deps.sh "
                            "(Debian package libzbar-dev)")
    endif()
endif()

# Asio and Beast are header-only; the headers are architecture-independent, so
# the cross builds use them too.
find_path(GATE_BOOST_INCLUDE_DIR boost/beast/version.hpp REQUIRED)
file(STRINGS "${GATE_BOOST_INCLUDE_DIR}/boost/version.hpp" _gate_boost_version
     REGEX "^#define BOOST_VERSION [0-9]+")
string(REGEX REPLACE ".* ([0-9]+)" "\\1" _gate_boost_version "${_gate_boost_version}")
if(_gate_boost_version LESS 108100)
    message(FATAL_ERROR "Boost 1.81 or newer is needed (found ${_gate_boost_version}); "
                        "run scripts/install-deps.sh")
endif()
if(NOT TARGET gate::boost_headers)
    add_library(gate_boost_headers INTERFACE)
    add_library(gate::boost_headers ALIAS gate_boost_headers)
    target_include_directories(gate_boost_headers SYSTEM INTERFACE "${GATE_BOOST_INCLUDE_DIR}")
    target_compile_definitions(gate_boost_headers INTERFACE
        BOOST_ASIO_NO_DEPRECATED)
    find_package(Threads REQUIRED)
    target_link_libraries(gate_boost_headers INTERFACE Threads::Threads)
endif()

# Command lines of the executables (header-only).
find_package(CLI11 2.1 REQUIRED)
