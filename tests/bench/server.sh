# Sourced by the benchmark scripts: starts the release server on $PORT against the stores
# named by $STORES (postgres: the local PostgreSQL and Redis in a fresh schema and key
# prefix, dropped on exit; sqlite: the embedded default in $OUT/data) and waits until it
# answers. Leaves the server's pid in $SERVER; its log is $OUT/server.log.
# BENCH_DB_CONNECTIONS sizes the pool (16 by default).
# BALANCER=3 (postgres only) starts three instances on PORT+1..PORT+3 instead, behind HAProxy
# on $PORT with server/deploy/haproxy/huodongri.cfg; $SERVER is then HAProxy's pid.
start_bench_server() {
  # A server from a previous run may still be shutting down on the port: wait for it, or this
  # run would measure the old server (on a schema already dropped).
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
    sleep 0.1
  done
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
  if [ -n "${BALANCER:-}" ]; then
    [ "$STORES" = postgres ] || { echo "BALANCER needs postgres"; exit 2; }
    command -v haproxy >/dev/null || apt-get install -y -q haproxy >/dev/null
    # The instances share the secrets the first one would otherwise generate alone.
    export APP_SECRETS__JWT_SECRET="bench-jwt-$(date +%s%N)-$(date +%s%N)"
    export APP_SECRETS__QR_SECRET="bench-qr-$(date +%s%N)-$(date +%s%N)"
    INSTANCES=()
    for n in 1 2 3; do
      APP_APPLICATION__BIND="127.0.0.1:$((PORT + n))" APP_APPLICATION__DATA_DIR="$OUT/data-$n" \
        ./target/release/huodongri serve >"$OUT/server-$n.log" 2>&1 &
      INSTANCES+=($!)
      # One at a time: each migrates at start.
      for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$((PORT + n))/healthz" >/dev/null 2>&1 && break
        sleep 0.1
      done
    done
    HDR_FRONTEND="127.0.0.1:$PORT" HDR_APP1="127.0.0.1:$((PORT + 1))" HDR_APP2="127.0.0.1:$((PORT + 2))" \
      HDR_APP3="127.0.0.1:$((PORT + 3))" haproxy -db -f server/deploy/haproxy/huodongri.cfg >"$OUT/haproxy.log" 2>&1 &
    SERVER=$!
    sleep 1.5 # two health checks mark the instances up
  else
    ./target/release/huodongri serve >"$OUT/server.log" 2>&1 &
    SERVER=$!
  fi
  trap 'kill $SERVER ${INSTANCES[*]:-} 2>/dev/null || true; wait $SERVER ${INSTANCES[*]:-} 2>/dev/null || true; [ -n "${APP_DATABASE__SCHEMA:-}" ] && psql -q "${DATABASE_URL%%\?*}" -c "DROP SCHEMA IF EXISTS $APP_DATABASE__SCHEMA CASCADE" >/dev/null 2>&1 || true' EXIT
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
      kill -0 "$SERVER" 2>/dev/null && return 0
      echo "!! the server exited at start; see $OUT/server.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "!! the server did not answer on port $PORT; see $OUT/server.log" >&2
  exit 1
}
