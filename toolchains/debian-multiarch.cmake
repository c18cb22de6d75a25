# Shared part of the cross toolchains: Debian's cross compilers with the target's
# libraries installed through multiarch (dpkg --add-architecture), so no sysroot
# is needed. The including file sets GATE_TRIPLET and CMAKE_SYSTEM_PROCESSOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${GATE_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${GATE_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${GATE_TRIPLET})

# Headers are shared between architectures in /usr/include; libraries and
# pkg-config files come only from the target's multiarch directory.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${GATE_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(CMAKE_IGNORE_PATH "/usr/lib/x86_64-linux-gnu" "/lib/x86_64-linux-gnu")

# Test binaries run under user-mode qemu with the target's loader, libc and
# libstdc++ from multiarch (/lib/${GATE_TRIPLET}, installed with the -dev
# packages). Not "-L /usr/${GATE_TRIPLET}": mixing the cross toolchain's libc
# with multiarch libraries hangs threaded programs under qemu 7.2.
find_program(GATE_QEMU qemu-${GATE_QEMU_ARCH})
if(GATE_QEMU)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${GATE_QEMU}")
endif()
