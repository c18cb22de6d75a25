#!/usr/bin/env bash
# Installs the dependencies, builds and runs every test: the dev build (warnings
# as errors) and the AddressSanitizer + UBSan build. This is the README's test
# command and what CI runs.
#
#   scripts/test.sh               everything
#   scripts/test.sh --no-install  skip the apt step (dependencies already present)
#   scripts/test.sh --no-asan     skip the sanitizer build (faster local loop)
set -euo pipefail
cd "$(dirname "$0")/.."

install=1
asan=1
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    --no-asan) asan=0 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

if [ "$install" = 1 ]; then
  step "installing dependencies"
  bash scripts/install-deps.sh --native
fi

jobs=$(nproc 2>/dev/null || echo 2)
presets=(dev)
[ "$asan" = 1 ] && presets+=(asan)
for preset in "${presets[@]}"; do
  step "configure + build: $preset"
  cmake --preset "$preset"
  cmake --build --preset "$preset" -j "$jobs"
  step "tests: $preset"
  ctest --preset "$preset" -j "$jobs"
done
step "all tests passed (${presets[*]})"
