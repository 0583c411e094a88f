#!/usr/bin/env bash
# The cluster suite: three instances (started from server/deploy/systemd/huodongri@.service)
# behind HAProxy (server/deploy/haproxy/huodongri.cfg) on the local PostgreSQL and Redis.
# See tests/cluster/suite.rs for what it shows. Installs Debian's haproxy when missing.
#
#   bash tests/cluster/run.sh
#   options (environment): CLUSTER_MEMBERS=6000 CLUSTER_CONNECTIONS=32
#   TEST_DATABASE_URL / TEST_REDIS_URL as for the API tests
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v haproxy >/dev/null; then
  echo "installing haproxy (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q haproxy >/dev/null; else sudo apt-get install -y -q haproxy >/dev/null; fi
fi
echo "haproxy: $(haproxy -v | head -1)"

for port in 8180 8181 8182 8183 9191 9192 9193; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "!! port $port is taken; the cluster suite needs 8180-8183 and 9191-9193 free" >&2
    exit 1
  fi
done

# Both targets named: with --example alone cargo would leave the server binary as it was.
cargo build -q --locked -p huodongri -p api-tests --bin huodongri --example cluster_suite
bin_dir="${CARGO_TARGET_DIR:-$PWD/target}/debug"
"$bin_dir/examples/cluster_suite" --bin "$bin_dir/huodongri"
