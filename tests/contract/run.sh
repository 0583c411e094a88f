#!/usr/bin/env bash
# The contract test: schemathesis (property-based, from PyPI) generates requests from the
# server's own /openapi.json and checks every answer against it — no 5xx, only documented
# statuses, content types, headers and bodies, schema-violating input refused, 405 with
# Allow, auth not ignored. It runs the real server (embedded stores, the demo city) with the
# WeChat fake, as a city administrator. Part of .ci/test; exits non-zero on any failure.
#
#   bash tests/contract/run.sh            # uses target/debug binaries (built if missing)
#   MAX_EXAMPLES=50 bash tests/contract/run.sh
#
# One check is left out: positive_data_acceptance ("schema-valid data must be accepted").
# The document states every per-field constraint (ranges, patterns, lengths, choices), but
# some rules span fields or state (the end after the start; another day needs a reason;
# people belong to branches), and unknown JSON fields are still refused when they carry
# control characters; such requests are schema-valid and rightly refused.
set -euo pipefail
cd "$(dirname "$0")/../.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
bin="$target/debug"
if [ ! -x "$bin/huodongri" ] || [ ! -x "$bin/wechat-fake" ]; then
  cargo build -p huodongri -p wechat-fake --locked
fi

venv="$target/contract-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "== installing schemathesis into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/wechat-fake" --bind 127.0.0.1:0 > "$work/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q "listening on" "$work/fake.log" 2>/dev/null && break; sleep 0.1; done
fake_url=$(grep -oE "listening on http://[^ ]+" "$work/fake.log" | awk '{print $3}')
appid=$(awk '$1 == "appid" {print $2}' "$work/fake.log")
secret=$(awk '$1 == "secret" {print $2}' "$work/fake.log")
[ -n "$fake_url" ] && [ -n "$appid" ] || { echo "!! the WeChat fake did not start"; cat "$work/fake.log"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Only this run's settings: nothing from the caller's environment selects other stores.
run() {
  env -u DATABASE_URL -u REDIS_URL -u HUODONGRI_CONFIG \
    APP_WECHAT__BASE_URL="$fake_url" APP_WECHAT__APPID="$appid" APP_WECHAT__APP_SECRET="$secret" \
    APP_SCHEDULER__ENABLED=false RUST_LOG=warn "$@"
}
run "$bin/huodongri" demo --data-dir "$work/data" > "$work/demo.log" 2>&1
token=$(run "$bin/huodongri" admin token --phone 13900009001 --ttl 2h --data-dir "$work/data" 2>/dev/null)
run "$bin/huodongri" serve --bind "127.0.0.1:$port" --data-dir "$work/data" > "$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
  sleep 0.1
done

echo "== schemathesis against http://127.0.0.1:$port/openapi.json"
status=0
# From the scratch dir: schemathesis and hypothesis keep their caches in the working directory.
cd "$work"
# One worker: hypothesis describes strategies with ast.parse, which CPython 3.11 cannot run on
# two threads at once ("AST constructor recursion depth mismatch", seen here with --workers 2).
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance \
  --phases examples,coverage,fuzzing \
  --max-examples "${MAX_EXAMPLES:-10}" --seed "${SEED:-20261201}" \
  --workers 1 --max-failures 1000 --request-timeout 20 \
  --warnings off || status=$?
# actix logs a request it cannot even parse (a fuzzed header) at ERROR before answering 400;
# that is the client's fault, anything else logged at ERROR is ours.
if grep -E "panicked|ERROR" "$work/server.log" | grep -v "request parse error" | grep -q .; then
  echo "!! the server logged errors during the contract test:"
  grep -E "panicked|ERROR" "$work/server.log" | grep -v "request parse error" | head -20
  status=1
fi
exit "$status"
