#!/usr/bin/env bash
# Cross-builds common, firmware and syncd for ARM and runs their unit tests
# under qemu-user through CTest.
#
#   scripts/cross-test.sh            aarch64
#   scripts/cross-test.sh armhf      32-bit ARM (needs install-deps.sh --armhf)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-aarch64}
case "$preset" in
  aarch64) bash scripts/install-deps.sh ;;
  armhf) bash scripts/install-deps.sh --armhf ;;
  *) echo "cross-test.sh: unknown target '$preset' (aarch64 or armhf)" >&2; exit 2 ;;
esac
jobs=$(nproc 2>/dev/null || echo 2)
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs"
echo "cross tests passed ($preset)"
