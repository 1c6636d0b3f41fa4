#!/usr/bin/env bash
# A grid across separate hosts on one machine: network namespaces with their own addresses on one
# bridge (agbr0, 10.77.0.0/24, this machine 10.77.0.1): PostgreSQL (Debian's server, not the
# embedded one) in ag-db (10.77.0.10), the coordinator in ag-coord (10.77.0.11, API on :8080),
# nodes in ag-node1 (10.77.0.21) and ag-node2 (10.77.0.22) that join by the coordinator's address,
# and with --s3 an S3 server (s3proxy, on the classpath) in ag-s3 (10.77.0.12:9000) holding the
# blobs, which the nodes then read and write directly. Needs root, iproute2 and the postgresql
# package. MultiHostTest runs it; by hand:
#
#   deploy/netns/multi-host.sh up   DIR "JAVA_CLASSPATH" [--s3]   # DIR: logs, data, the admin key
#   deploy/netns/multi-host.sh cut  node1                  # the node's link down
#   deploy/netns/multi-host.sh heal node1                  # and up again
#   deploy/netns/multi-host.sh down DIR
#
# JAVA_CLASSPATH holds the coordinator's and the node's classes (the coordinator's shaded jar does);
# JAVA (default: java) and JAVA_OPTS (the module flags Hazelcast wants) are taken from the environment.
set -euo pipefail

NET=10.77.0
BRIDGE=agbr0
HOSTS="db:10 coord:11 s3:12 node1:21 node2:22"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
JAVA="${JAVA:-java}"

addr() { for h in $HOSTS; do [ "${h%%:*}" = "$1" ] && echo "$NET.${h##*:}"; done; return 0; }

can() {
  [ "$(id -u)" = 0 ] || { echo "multi-host: needs root (network namespaces)"; return 1; }
  command -v ip >/dev/null || { echo "multi-host: needs iproute2 (ip)"; return 1; }
  [ -x "$PG_BIN/postgres" ] || { echo "multi-host: needs Debian's postgresql server (postgres under /usr/lib/postgresql/*/bin)"; return 1; }
  ip netns add ag-probe-$$ 2>/dev/null || { echo "multi-host: cannot make network namespaces here"; return 1; }
  ip netns del ag-probe-$$
}

net_up() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  for h in $HOSTS; do
    local name="${h%%:*}" ip="$NET.${h##*:}"
    ip netns add "ag-$name"
    ip link add "ag-$name" type veth peer name eth0 netns "ag-$name"
    ip link set "ag-$name" master "$BRIDGE" up
    ip -n "ag-$name" addr add "$ip/24" dev eth0
    ip -n "ag-$name" link set eth0 up
    ip -n "ag-$name" link set lo up
  done
}

net_down() {
  for h in $HOSTS; do
    ip netns pids "ag-${h%%:*}" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "ag-${h%%:*}" 2>/dev/null || true
    ip link del "ag-${h%%:*}" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}

wait_http() { # url seconds
  for _ in $(seq 1 "$2"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "multi-host: $1 did not answer in $2 s" >&2
  return 1
}

up() {
  local dir="$1" cp="$2" s3="${3:-}"
  can
  net_down
  mkdir -p "$dir"/{logs,coord,node1,node2}
  net_up
  # PostgreSQL in ag-db, for the coordinator's host only, with a password; its files in a folder
  # of its own user (DIR may be one only root can enter)
  local pg pw
  pg="$(mktemp -d /tmp/ag-netns-pg.XXXXXX)"
  echo "$pg" > "$dir/pg.dir"
  chown postgres "$pg"
  pw="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
  (umask 077 && printf '%s\n' "$pw" > "$pg/pw") && chown postgres "$pg/pw"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$pg/data" -U assetgrid --pwfile="$pg/pw" -A scram-sha-256 >"$dir/logs/initdb.log"
  rm -f "$pg/pw"
  cat >> "$pg/data/postgresql.conf" <<CONF
listen_addresses = '$(addr db)'
unix_socket_directories = '$pg'
CONF
  echo "host all assetgrid $(addr coord)/32 scram-sha-256" >> "$pg/data/pg_hba.conf"
  ip netns exec ag-db runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w start >/dev/null
  PGPASSWORD="$pw" ip netns exec ag-db runuser -u postgres -- "$PG_BIN/createdb" -h "$pg" -U assetgrid assetgrid
  # with --s3: s3proxy in ag-s3, a filesystem-backed bucket "assetgrid"
  local store=()
  if [ "$s3" = "--s3" ]; then
    local key secret
    key="grid$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    secret="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"
    mkdir -p "$dir/s3/buckets/assetgrid"
    (umask 077 && cat > "$dir/s3/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://$(addr s3):9000
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$key
s3proxy.credential=$secret
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem-nio2
jclouds.identity=identity
jclouds.credential=credential
jclouds.filesystem.basedir=$dir/s3/buckets
PROPS
)
    # shellcheck disable=SC2086
    ip netns exec ag-s3 "$JAVA" ${JAVA_OPTS:-} -cp "$cp" org.gaul.s3proxy.Main \
      --properties "$dir/s3/s3proxy.properties" >"$dir/logs/s3proxy.log" 2>&1 &
    echo $! > "$dir/s3proxy.pid"
    for _ in $(seq 1 60); do
      curl -s -o /dev/null "http://$(addr s3):9000/" && break
      sleep 1
    done
    store=(--s3-bucket assetgrid --s3-endpoint "http://$(addr s3):9000" --s3-region us-east-1 --s3-path-style)
    export AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret"
  fi
  # the coordinator in ag-coord: API and cluster on its own address
  # shellcheck disable=SC2086
  # (the database URL in the environment, not on the command line where ps shows it)
  ip netns exec ag-coord env ASSETGRID_DB_URL="postgresql://assetgrid:$pw@$(addr db):5432/assetgrid" \
    "$JAVA" ${JAVA_OPTS:-} -cp "$cp" dev.assetgrid.coordinator.CoordinatorMain \
    --host "$(addr coord)" --cluster-host "$(addr coord)" --cluster-port 5701 --workers 0 \
    --data-dir "$dir/coord" --log-format json "${store[@]}" \
    >"$dir/logs/coordinator.log" 2>&1 &
  echo $! > "$dir/coordinator.pid"
  wait_http "http://$(addr coord):8080/ready" 120
  # two nodes, each in its own namespace, joining by the coordinator's address
  for n in node1 node2; do
    # shellcheck disable=SC2086
    ip netns exec "ag-$n" "$JAVA" ${JAVA_OPTS:-} -cp "$cp" dev.assetgrid.node.NodeMain \
      --join "$(addr coord):5701" --slots 2 --work-dir "$dir/$n" --log-format json \
      --cluster-secret-file "$dir/coord/cluster.secret" --metrics-port 9400 --metrics-host "$(addr $n)" \
      >"$dir/logs/$n.log" 2>&1 &
    echo $! > "$dir/$n.pid"
  done
  for n in node1 node2; do wait_http "http://$(addr $n):9400/ready" 120; done
  echo "api http://$(addr coord):8080 key $dir/coord/admin.key"
}

case "${1:-}" in
  can) can ;;
  up) up "$2" "$3" "${4:-}" ;;
  cut) ip link set "ag-$2" down ;;
  heal) ip link set "ag-$2" up ;;
  addr) addr "$2" ;;
  down)
    for p in "${2:-/nonexistent}"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    sleep 1
    if [ -f "${2:-/nonexistent}/pg.dir" ]; then
      pg="$(cat "$2/pg.dir")"
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pg/data" -m immediate stop >/dev/null 2>&1 || true
      cp "$pg/postgres.log" "$2/logs/" 2>/dev/null || true
      rm -rf "$pg"
    fi
    net_down
    ;;
  *) echo "usage: $0 can | up DIR CLASSPATH [--s3] | cut NODE | heal NODE | addr HOST | down DIR" >&2; exit 2 ;;
esac
