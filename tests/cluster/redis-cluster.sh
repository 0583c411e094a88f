#!/usr/bin/env bash
# The check-in, claim and cache suites against a three-master Redis Cluster on loopback
# (redis-server in cluster mode on ports 7101-7103, created with redis-cli --cluster create),
# with PostgreSQL as the database. The server takes the nodes as a comma-separated REDIS_URL.
#
#   bash tests/cluster/redis-cluster.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

ports=(7101 7102 7103)
dir="$(mktemp -d /tmp/hdr-redis-cluster-XXXXXX)"
stop_nodes() {
  for port in "${ports[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap stop_nodes EXIT

for port in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "!! port $port is taken; the Redis Cluster needs 7101-7103" >&2
    exit 1
  fi
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "$dir/nodes-$port.conf" --cluster-node-timeout 5000 \
    --save "" --appendonly no --dir "$dir" --daemonize yes --logfile "$dir/redis-$port.log"
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create 127.0.0.1:7101 127.0.0.1:7102 127.0.0.1:7103 \
  --cluster-replicas 0 --cluster-yes >"$dir/create.log"
for _ in $(seq 1 100); do
  redis-cli -p 7101 cluster info | grep -q 'cluster_state:ok' && break
  sleep 0.1
done
redis-cli -p 7101 cluster info | grep -q 'cluster_state:ok' || { cat "$dir/create.log"; echo "!! the cluster did not form" >&2; exit 1; }
echo "Redis Cluster: $(redis-cli -p 7101 cluster nodes | grep -c master) masters on 7101-7103"

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
export TEST_REDIS_URL="redis://127.0.0.1:7101/,redis://127.0.0.1:7102/,redis://127.0.0.1:7103/"
export TEST_REQUIRE_STORES=1
# Only the PostgreSQL + Redis half: the embedded half has no Redis to change.
cargo test -q --locked --test api -- checkin:: community:: cache:: --skip embedded
# The keys really were spread over the three masters.
for port in "${ports[@]}"; do
  echo "  node $port holds $(redis-cli -p "$port" dbsize) keys"
done
