#!/usr/bin/env bash
# Claim storm: PEOPLE members claim ITEMS items of CAPACITY places at the same moment; exactly
# ITEMS × CAPACITY must succeed and no item may hold more than its capacity.
#
#   bash tests/bench/claims.sh postgres   # PostgreSQL + Redis
#   bash tests/bench/claims.sh sqlite     # the embedded default
#   options (environment): PEOPLE=1000 ITEMS=50 CAPACITY=10
#   PROFILE=1: samples the whole machine (perf, cpu-clock) for PROFILE_SECONDS (3) from the
#   moment the claims are released, and prints where the CPU went.
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
if [ -n "${PROFILE:-}" ]; then
  command -v perf >/dev/null || apt-get install -y -q linux-perf >/dev/null
  export PROFILE_OUT="$OUT/perf.data"
fi
BENCH_BASE="http://127.0.0.1:$PORT" ./target/release/examples/claims_bench \
  --people "${PEOPLE:-1000}" --items "${ITEMS:-50}" --capacity "${CAPACITY:-10}"
if [ -n "${PROFILE:-}" ]; then
  echo "== where the CPU went (share of all samples, both cores; by process and binary)"
  perf report -i "$OUT/perf.data" --stdio --no-children --sort comm,dso -g none --percent-limit 1 \
    2>/dev/null | grep -v '^#' | grep -v '^$' | head -20 || true
fi
