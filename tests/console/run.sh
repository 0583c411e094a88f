#!/usr/bin/env bash
# The console's browser tests: every journey in journeys/ in headless Chromium against the real server, once on the
# embedded stores (SQLite + in-process cache) and once on PostgreSQL + Redis. The second run FAILS — it is never
# skipped — when TEST_DATABASE_URL / TEST_REDIS_URL are unset or do not answer.
#
#   bash tests/console/run.sh
#   HUODONGRI_BIN=… WECHAT_FAKE_BIN=… bash tests/console/run.sh     # other binaries
#   cd tests/console && CONSOLE_STORE=embedded npm test              # one store pair only, while developing
#
# The binaries default to ${CARGO_TARGET_DIR:-<repo>/target}/debug/{huodongri,wechat-fake}; this script does not
# build them. Screenshots: tests/console/artifacts/<store>/*.png (emptied at the start of each store's run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin_dir="${CARGO_TARGET_DIR:-$repo/target}/debug"
export HUODONGRI_BIN="${HUODONGRI_BIN:-$bin_dir/huodongri}"
export WECHAT_FAKE_BIN="${WECHAT_FAKE_BIN:-$bin_dir/wechat-fake}"

for bin in "$HUODONGRI_BIN" "$WECHAT_FAKE_BIN"; do
  if [ ! -x "$bin" ]; then
    echo "!! $bin is missing: build it first (cd $repo && cargo build -p huodongri -p wechat-fake)" >&2
    exit 1
  fi
done

echo "== Chromium and a CJK font (Debian's packages)"
bash "$here/install-chromium.sh"

echo "== npm ci (playwright-core; it never downloads a browser of its own)"
(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

stores="embedded production"
failed=()
ran=()
for store in $stores; do
  echo
  echo "== console journeys on the $store stores"
  rm -rf "$here/artifacts/$store"
  mkdir -p "$here/artifacts/$store"
  if [ "$store" = production ] && { [ -z "${TEST_DATABASE_URL:-}" ] || [ -z "${TEST_REDIS_URL:-}" ]; } \
      && [ "${TEST_REQUIRE_STORES:-}" != 1 ]; then
    # As the Rust tests do: without the stores configured (a laptop without PostgreSQL), only
    # the embedded half runs; .ci/run sets TEST_REQUIRE_STORES=1, so CI fails instead.
    echo "!! production: TEST_DATABASE_URL / TEST_REDIS_URL unset: only the embedded half ran" >&2
    continue
  fi
  if [ "$store" = production ] && { [ -z "${TEST_DATABASE_URL:-}" ] || [ -z "${TEST_REDIS_URL:-}" ]; }; then
    echo "!! production: TEST_DATABASE_URL and TEST_REDIS_URL must both be set (e.g." >&2
    echo "!!   postgres://postgres@127.0.0.1:5432/test?sslmode=disable and redis://127.0.0.1:6379/); not skipping: FAILED" >&2
    failed+=("$store")
    continue
  fi
  started=$(date +%s)
  if (cd "$here" && CONSOLE_STORE="$store" npm test --silent); then
    echo "== $store: passed in $(( $(date +%s) - started )) s; screenshots in $here/artifacts/$store"
    ran+=("$store")
  else
    echo "!! $store: FAILED after $(( $(date +%s) - started )) s; screenshots in $here/artifacts/$store" >&2
    failed+=("$store")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "!! console journeys failed on: ${failed[*]}" >&2
  exit 1
fi
echo "== console journeys passed on: ${ran[*]}"
