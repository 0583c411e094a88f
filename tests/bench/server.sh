# Sourced by the benchmark scripts: starts the release server on $PORT against the stores
# named by $STORES (postgres: the local PostgreSQL and Redis in a fresh schema and key
# prefix, dropped on exit; sqlite: the embedded default in $OUT/data) and waits until it
# answers. Leaves the server's pid in $SERVER; its log is $OUT/server.log.
# BENCH_DB_CONNECTIONS sizes the pool (16 by default).
start_bench_server() {
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
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "!! the server did not answer on port $PORT; see $OUT/server.log" >&2
  exit 1
}
