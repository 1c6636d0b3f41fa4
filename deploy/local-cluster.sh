#!/usr/bin/env bash
# Starts a coordinator (no in-process workers) and N node processes on this machine.
#   deploy/local-cluster.sh [N=2]        (Ctrl-C stops everything; logs in ./data/logs)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2}
[ -f coordinator/target/assetgrid-coordinator.jar ] || mvn -B -q package -DskipTests
mkdir -p data/logs
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
java -jar coordinator/target/assetgrid-coordinator.jar --workers 0 --cluster-port 5701 > data/logs/coordinator.log 2>&1 &
pids+=($!)
until curl -sf localhost:8080/ready >/dev/null; do sleep 1; done
for i in $(seq 1 "$n"); do
  java -jar node/target/assetgrid-node.jar --join 127.0.0.1:5701 --cluster-secret-file data/cluster.secret \
    --work-dir "data/work-$i" > "data/logs/node-$i.log" 2>&1 &
  pids+=($!)
done
echo "coordinator on http://localhost:8080 with $n node(s); admin key in data/admin.key; Ctrl-C to stop"
wait
