#!/usr/bin/env bash
# Claim storm: PEOPLE members claim ITEMS items of CAPACITY places at the same moment; exactly
# ITEMS × CAPACITY must succeed and no item may hold more than its capacity.
#
#   bash tests/bench/claims.sh postgres   # PostgreSQL + Redis
#   bash tests/bench/claims.sh sqlite     # the embedded default
#   options (environment): PEOPLE=1000 ITEMS=50 CAPACITY=10
set -euo pipefail
cd "$(dirname "$0")/../.."
STORES="${1:-postgres}"
PORT="${PORT:-18080}"
OUT="$(mktemp -d /tmp/hdr-claims-XXXXXX)"

echo "building (release server, benchmark client)"
cargo build --release -q -p huodongri
cargo build --release -q -p api-tests --example claims_bench

source tests/bench/server.sh
start_bench_server
ulimit -n 65536 2>/dev/null || true
BENCH_BASE="http://127.0.0.1:$PORT" ./target/release/examples/claims_bench \
  --people "${PEOPLE:-1000}" --items "${ITEMS:-50}" --capacity "${CAPACITY:-10}"
