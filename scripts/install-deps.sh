#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages.
# Idempotent; must run as root (or through sudo). Adds the arm64 architecture so
# the aarch64 cross build finds its libraries through multiarch.
#
#   scripts/install-deps.sh            native build + tests + aarch64 cross build
#   scripts/install-deps.sh --native   native build + tests only
#   scripts/install-deps.sh --armhf    also the 32-bit ARM (armhf) cross build
set -euo pipefail

cross=1
armhf=0
for arg in "$@"; do
  case "$arg" in
    --native) cross=0 ;;
    --armhf) armhf=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-deps: run as root (apt-get needs it)" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive

native=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  clang libclang-rt-14-dev clang-format
  libsqlite3-dev sqlite3 libcurl4-openssl-dev libzxing-dev libsodium-dev
  nlohmann-json3-dev libboost1.81-dev doctest-dev libstb-dev libcli11-dev libzbar-dev
  libpq-dev postgresql-15
  python3 python3-aiosmtpd wrk openssl
  # The holder page's browser test (tests/browser): Debian's Chromium, driven by
  # playwright-core from npm (which cannot download a browser here).
  chromium fonts-dejavu-core
)
arm64=(
  crossbuild-essential-arm64 qemu-user
  libsqlite3-dev:arm64 libcurl4-openssl-dev:arm64 libzxing-dev:arm64
  libsodium-dev:arm64 libstb-dev:arm64 libzbar0:arm64
)
armhf_pkgs=(
  crossbuild-essential-armhf qemu-user
  libsqlite3-dev:armhf libcurl4-openssl-dev:armhf libzxing-dev:armhf
  libsodium-dev:armhf libstb-dev:armhf libzbar0:armhf
)

# zbar: the cross lists take the runtime library (libzbar0:<arch>), not libzbar-dev:<arch>.
# Debian 12's libzbar-dev pulls gir1.2-zbar-1.0 and ImageMagick's -dev packages, which
# cannot be installed for two architectures at once, so libzbar-dev:arm64 would remove the
# native libzbar-dev. cmake/GateDependencies.cmake links the target's libzbar.so.0 with the
# shared /usr/include/zbar.h when the target has no zbar.pc.

missing() {
  local out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out+=("$p")
  done
  echo "${out[@]:-}"
}

if [ "$cross" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
if [ "$armhf" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx armhf; then
  $SUDO dpkg --add-architecture armhf
fi

want=("${native[@]}")
# The chain tests need Node.js 20 with npm; images that ship their own Node keep it.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || want+=(nodejs npm)
[ "$cross" = 1 ] && want+=("${arm64[@]}")
[ "$armhf" = 1 ] && want+=("${armhf_pkgs[@]}")
todo=$(missing "${want[@]}")
# Mirrors are sometimes caught mid-sync; retry rather than fail the whole build.
retry() {
  local n
  for n in 1 2 3 4; do
    "$@" && return 0
    echo "install-deps: '$*' failed (attempt $n); retrying" >&2
    sleep $((n * 5))
  done
  return 1
}
if [ -n "$todo" ]; then
  # An index that still fails after the retries is left stale: the install below
  # says clearly if a package is really missing.
  retry $SUDO apt-get update -q || echo "install-deps: apt-get update incomplete; going on" >&2
  # shellcheck disable=SC2086
  retry $SUDO apt-get install -y -q --no-install-recommends $todo
fi
echo "install-deps: all dependencies present"
