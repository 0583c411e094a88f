#!/usr/bin/env bash
# Check-in load benchmark: durable check-ins per second and latency, then proof that nothing
# acknowledged was lost and that the live counters equal the database.
#
#   bash tests/bench/checkin.sh postgres   # PostgreSQL + Redis (local services)
#   bash tests/bench/checkin.sh sqlite     # the embedded default: SQLite + in-process cache
#   options (environment): PEOPLE=150000 CONNECTIONS=64 DURATION=10 REDIS_RESTART_AT=4
#   BALANCER=3: three instances behind HAProxy (server/deploy/haproxy/huodongri.cfg) instead of one
#   PROFILE=1: samples the whole machine (perf, cpu-clock) during the loaded run and prints
#   where the time went: the CPU share of each process (server, PostgreSQL, Redis, wrk) and
#   the server's hottest functions (perf.data and profile-*.txt stay in the output folder).
#
# REDIS_RESTART_AT=N restarts the local Redis N seconds into the loaded run (postgres only;
# it stops the machine's shared Redis, so do not run it while tests are running).
set -euo pipefail
cd "$(dirname "$0")/../.."

STORES="${1:-postgres}"
PEOPLE="${PEOPLE:-150000}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-10}"
UNLOADED_PEOPLE="${UNLOADED_PEOPLE:-10000}"
PORT="${PORT:-18080}"
OUT="$(mktemp -d /tmp/hdr-bench-XXXXXX)"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)"
  apt-get install -y wrk >/dev/null || sudo apt-get install -y wrk >/dev/null
fi

echo "building (release server, benchmark helper)"
cargo build --release -q -p huodongri
cargo build -q -p api-tests --example checkin_bench

source tests/bench/server.sh
start_bench_server

./target/debug/examples/checkin_bench provision --people "$PEOPLE" --out "$OUT"

run() { # tag threads connections seconds from to
  BENCH_TAG="$1" BENCH_THREADS="$2" BENCH_FROM="$5" BENCH_TO="$6" BENCH_REQUESTS="$OUT/requests.txt" BENCH_OUT="$OUT" \
    wrk -t"$2" -c"$3" -d"$4"s --latency -s tests/bench/checkin.lua "http://127.0.0.1:$PORT" | sed -n '/^requests\/s/,$p'
}

# Warm-up: the first read of the activity loads its roster (150,000 people here) and fills the
# live counters; real activities have dozens of people, so this is not part of the figures.
curl -fs -H "Authorization: Bearer $(cat "$OUT/organiser.token")" \
  "http://127.0.0.1:$PORT/api/v1/activities/$(cat "$OUT/activity.id")/live" >/dev/null
echo "== $STORES: unloaded, 1 connection, 5 s"
run unloaded 1 1 5 1 "$UNLOADED_PEOPLE"
if [ -n "${REDIS_RESTART_AT:-}" ] && [ "$STORES" = postgres ]; then
  (sleep "$REDIS_RESTART_AT"
   echo "-- restarting Redis"
   redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true
   sleep 1
   redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
     --dir /var/lib/redis --logfile /var/log/redis/ci.log
   echo "-- Redis is back") &
  RESTARTER=$!
fi
if [ -n "${PROFILE:-}" ]; then
  command -v perf >/dev/null || apt-get install -y -q linux-perf >/dev/null
  # Software clock sampling: hardware counters are not offered on every virtual machine.
  perf record -q -a -g -e cpu-clock -F 499 -o "$OUT/perf.data" -- sleep "$DURATION" 2>/dev/null &
  PROFILER=$!
fi
echo "== $STORES: $CONNECTIONS connections, 2 threads, $DURATION s"
run loaded 2 "$CONNECTIONS" "$DURATION" "$((UNLOADED_PEOPLE + 1))" "$PEOPLE"
if [ -n "${PROFILER:-}" ]; then
  wait "$PROFILER" || true
  perf report -i "$OUT/perf.data" --stdio --no-children --sort comm --percent-limit 1 2>/dev/null \
    | grep -v '^#' | grep -v '^$' > "$OUT/profile-processes.txt" || true
  perf report -i "$OUT/perf.data" --stdio --no-children --comm huodongri --sort dso,symbol \
    -g none --percent-limit 0.7 2>/dev/null | grep -v '^#' | grep -v '^$' > "$OUT/profile-server.txt" || true
  echo "== where the CPU went (share of all samples, both cores)"
  head -12 "$OUT/profile-processes.txt"
  echo "== the server's hottest functions (share of all samples)"
  head -30 "$OUT/profile-server.txt"
fi
[ -n "${RESTARTER:-}" ] && wait "$RESTARTER"
echo "== verification"
./target/debug/examples/checkin_bench verify --out "$OUT" --base "http://127.0.0.1:$PORT"
echo "(files in $OUT)"
