#!/usr/bin/env bash
# The main job, on embedded defaults: installs what is missing, builds the
# release binaries and runs the gate flow end to end with the real programs
# (gate-demo: ticket-api, gate-scanner and gate-syncd as processes, plus a local
# Solana chain when tests/chain can be installed; files in build/demo/).
#
#   scripts/demo.sh                 run the demonstration
#   scripts/demo.sh --no-install    skip the apt step
set -euo pipefail
cd "$(dirname "$0")/.."

install=1
for arg in "$@"; do
  case "$arg" in
    --no-install) install=0 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$install" = 1 ]; then
  bash scripts/install-deps.sh --native
fi
# The local Solana chain (tests/chain: Node + LiteSVM, x86-64 only) from the committed
# lockfile; without it the demo runs with the tickets off chain.
if command -v npm >/dev/null 2>&1 && [ "$(uname -m)" = x86_64 ]; then
  cmake -DNPM="$(command -v npm)" -DDIR="$PWD/tests/chain" -P cmake/NpmCi.cmake ||
    echo "demo.sh: the local chain could not be installed; the demo runs without it" >&2
fi
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc 2>/dev/null || echo 2)" \
  --target gate-demo ticket-api gate-scanner gate-syncd
echo
build/release/tests/gate-demo --out build/demo
