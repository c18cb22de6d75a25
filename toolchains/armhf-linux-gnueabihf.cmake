# 32-bit ARM Linux handhelds (Debian armhf). Needs: scripts/install-deps.sh --armhf
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(GATE_TRIPLET arm-linux-gnueabihf)
set(GATE_QEMU_ARCH arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-multiarch.cmake)
