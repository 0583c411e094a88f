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

export APP_APPLICATION__DATA_DIR="$OUT/data"
export APP_APPLICATION__BIND="127.0.0.1:$PORT"
export APP_APPLICATION__LOG_FORMAT=json
export RUST_LOG="${BENCH_LOG:-warn}"
case "$STORES" in
  postgres)
    export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
    export APP_DATABASE__SCHEMA="bench_$(date +%s)"
    export APP_DATABASE__MAX_CONNECTIONS="${BENCH_DB_CONNECTIONS:-16}"
    export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/}"
    export APP_CACHE__KEY_PREFIX="bench:$(date +%s):"
    ;;
  sqlite) unset DATABASE_URL REDIS_URL ;;
  *) echo "usage: $0 postgres|sqlite"; exit 2 ;;
esac
./target/release/huodongri serve >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; [ -n "${APP_DATABASE__SCHEMA:-}" ] && psql -q "${DATABASE_URL%%\?*}" -c "DROP SCHEMA IF EXISTS $APP_DATABASE__SCHEMA CASCADE" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
ulimit -n 65536 2>/dev/null || true
BENCH_BASE="http://127.0.0.1:$PORT" ./target/release/examples/claims_bench \
  --people "${PEOPLE:-1000}" --items "${ITEMS:-50}" --capacity "${CAPACITY:-10}"
