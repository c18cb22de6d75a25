# 64-bit ARM Linux handhelds (Debian arm64). Needs: scripts/install-deps.sh
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(GATE_TRIPLET aarch64-linux-gnu)
set(GATE_QEMU_ARCH aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
