#!/usr/bin/env bash
# Starts a coordinator (no in-process workers) and N node processes on this machine.
#   deploy/local-cluster.sh [N=2]        (Ctrl-C stops everything; logs in ./data/logs)
# Env: ASSETGRID_PORT (HTTP, 8080) and ASSETGRID_CLUSTER_PORT (Hazelcast, 5701).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2}
http_port=${ASSETGRID_PORT:-8080}
cluster_port=${ASSETGRID_CLUSTER_PORT:-5701}

# a port somebody else holds would make the coordinator fail after its start, or the nodes join
# another grid: refuse at once, naming the port and its holder
taken() {
  local holder
  if command -v ss >/dev/null; then
    holder=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n1)
    [ -n "$holder" ] && { echo "$holder"; return 0; }
    return 1
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && { echo "something listens there"; return 0; }
  return 1
}
for port in "$http_port" "$cluster_port"; do
  if holder=$(taken "$port"); then
    echo "local-cluster: port $port is taken ($holder); stop what holds it, or set" \
      "ASSETGRID_PORT / ASSETGRID_CLUSTER_PORT" >&2
    exit 2
  fi
done

[ -f coordinator/target/assetgrid-coordinator.jar ] || mvn -B -q package -DskipTests
mkdir -p data/logs
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
java -jar coordinator/target/assetgrid-coordinator.jar --workers 0 --port "$http_port" \
  --cluster-port "$cluster_port" > data/logs/coordinator.log 2>&1 &
pids+=($!)
until curl -sf "localhost:$http_port/ready" >/dev/null; do
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "local-cluster: the coordinator stopped; data/logs/coordinator.log says:" >&2
    tail -n 20 data/logs/coordinator.log >&2
    exit 1
  fi
  sleep 1
done
for i in $(seq 1 "$n"); do
  java -jar node/target/assetgrid-node.jar --join "127.0.0.1:$cluster_port" \
    --cluster-secret-file data/cluster.secret --work-dir "data/work-$i" > "data/logs/node-$i.log" 2>&1 &
  pids+=($!)
done
echo "coordinator on http://localhost:$http_port with $n node(s); admin key in data/admin.key; Ctrl-C to stop"
wait
