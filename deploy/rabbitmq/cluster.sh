#!/usr/bin/env bash
# A three-node RabbitMQ cluster on this machine, beside (never touching) the shared broker on 5672/15672/25672.
#
#   cluster.sh start              start the three nodes (fresh data) and join them, unless they run as a cluster
#                                 already; prints the endpoints
#   cluster.sh stop               stop the nodes (SIGKILL when a stop hangs) and delete their data
#   cluster.sh status             cluster_status as the first node sees it
#   cluster.sh start-node N       start node N again with its data (after a kill) and wait until it runs
#   cluster.sh pid N              the OS pid of node N's Erlang VM
#   cluster.sh partition N        cut node N's Erlang distribution from the other two (iptables, loopback only)
#   cluster.sh heal               remove every rule `partition` added
#
# Settings (environment): NOP_CLUSTER_DIR (default .nop/cluster), NOP_CLUSTER_NAME (node name prefix, default nop:
# nop1@localhost...), NOP_CLUSTER_PORT (first AMQP port, default 5681: AMQP P..P+2, management 10000 more,
# Prometheus metrics 10100 more, distribution 20000 more). Needs root: Debian's wrapper runs each node as the
# rabbitmq user, and iptables.
#
# Each node makes its outgoing distribution connections from its own loopback address (127.0.0.1N, e.g. 127.0.0.11)
# while listening on 127.0.0.1; so iptables can tell one node's traffic from another's, and `partition` drops exactly
# the links between node N and its peers (rabbitmqctl, which connects from 127.0.0.1, still reaches every node).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${NOP_CLUSTER_DIR:-$ROOT/.nop/cluster}"
NAME="${NOP_CLUSTER_NAME:-nop}"
PORT="${NOP_CLUSTER_PORT:-5681}"
NODES=(1 2 3)
CHAIN="NOP-PARTITION-$PORT"   # one chain per cluster, so two clusters' rules never mix

die() { echo "cluster.sh: $*" >&2; exit 1; }
node() { echo "$NAME$1@localhost"; }
amqp_port() { echo $((PORT + $1 - 1)); }
dist_port() { echo $((PORT + 20000 + $1 - 1)); }
mgmt_port() { echo $((PORT + 10000 + $1 - 1)); }
# rabbitmq_prometheus: not its default 15692, which is the shared broker's (and three nodes need three ports).
metrics_port() { echo $((PORT + 10100 + $1 - 1)); }
ctl() { local n="$1"; shift; rabbitmqctl -q -n "$(node "$n")" "$@"; }

# Never the shared broker's ports (and its node name is rabbit@...).
for n in 1 2 3; do
  for p in "$(amqp_port "$n")" "$(mgmt_port "$n")" "$(metrics_port "$n")" "$(dist_port "$n")"; do
    case "$p" in 5672|15672|15692|25672) die "NOP_CLUSTER_PORT=$PORT would use the shared broker's port $p" ;; esac
  done
done
[[ "$NAME" != rabbit ]] || die "NOP_CLUSTER_NAME=rabbit is the shared broker's name"

write_config() {
  local n="$1" d="$DIR/node$1"
  mkdir -p "$d/mnesia" "$d/log"
  cat >"$d/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$(amqp_port "$n")
management.tcp.ip = 127.0.0.1
management.tcp.port = $(mgmt_port "$n")
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $(metrics_port "$n")
distribution.listener.interface = 127.0.0.1
# The side that sees fewer than half of the nodes pauses (refuses clients) until it sees a majority again.
cluster_partition_handling = pause_minority
EOF
  # Outgoing distribution connections from the node's own loopback address (see the top of this file), and members of
  # every quorum queue on all three nodes (quorum_cluster_size: 3.10 has no rabbitmq.conf key for it).
  cat >"$d/advanced.config" <<EOF
[{kernel, [{inet_dist_connect_options, [{ip, {127,0,0,1$n}}]}]},
 {rabbit, [{quorum_cluster_size, 3}]}].
EOF
  echo '[rabbitmq_consistent_hash_exchange,rabbitmq_management,rabbitmq_prometheus].' >"$d/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$DIR"
}

start_node() {
  local n="$1" d="$DIR/node$1"
  [[ -f "$d/rabbitmq.conf" ]] || die "node $n has no configuration in $d (run start first)"
  if ctl "$n" ping >/dev/null 2>&1; then return; fi
  RABBITMQ_NODENAME="$(node "$n")" RABBITMQ_NODE_PORT="$(amqp_port "$n")" RABBITMQ_DIST_PORT="$(dist_port "$n")" \
  RABBITMQ_CONFIG_FILE="$d/rabbitmq" RABBITMQ_ADVANCED_CONFIG_FILE="$d/advanced.config" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$d/enabled_plugins" RABBITMQ_MNESIA_BASE="$d/mnesia" RABBITMQ_LOG_BASE="$d/log" \
  RABBITMQ_PID_FILE="$d/pid" rabbitmq-server -detached
}

# await_startup fails at once while a node is still booting: retry it, for a minute at most.
await_node() {
  local n="$1" deadline=$((SECONDS + 60))
  while [[ $SECONDS -lt $deadline ]]; do
    ctl "$n" await_startup --timeout 5 >/dev/null 2>&1 && return
    sleep 0.5
  done
  die "node $(node "$n") did not start; see $DIR/node$n/log"
}

cmd_start() {
  command -v rabbitmq-server >/dev/null || die "rabbitmq-server is not installed (apt-get install rabbitmq-server)"
  [[ "$(id -u)" -eq 0 ]] || die "needs root"
  local n
  # Already running as one cluster of three: keep it (and its data).
  if [[ "$(ctl 1 eval 'length(rabbit_nodes:all_running()).' 2>/dev/null)" == 3 ]]; then
    cmd_heal
    print_endpoints
    return
  fi
  cmd_stop >/dev/null 2>&1 || true
  for n in "${NODES[@]}"; do write_config "$n"; start_node "$n"; done
  for n in "${NODES[@]}"; do await_node "$n"; done
  for n in 2 3; do
    ctl "$n" stop_app
    ctl "$n" join_cluster "$(node 1)"
    ctl "$n" start_app
  done
  for n in "${NODES[@]}"; do await_node "$n"; done
  local running
  running="$(ctl 1 eval 'length(rabbit_nodes:all_running()).')"
  [[ "$running" == 3 ]] || die "the cluster runs $running nodes, not 3"
  print_endpoints
}

print_endpoints() {
  local n
  for n in "${NODES[@]}"; do
    echo "$(node "$n") amqp 127.0.0.1:$(amqp_port "$n") management 127.0.0.1:$(mgmt_port "$n")" \
      "metrics 127.0.0.1:$(metrics_port "$n")"
  done
}

# SIGTERM to all three at once (the Erlang VM shuts down cleanly on it), SIGKILL what still runs after 20 s; the data
# goes with them, so a stopped cluster leaves nothing behind.
cmd_stop() {
  local n pid pids=() i
  cmd_heal 2>/dev/null || true
  for n in "${NODES[@]}"; do
    pid="$(cat "$DIR/node$n/pid" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; pids+=("$pid"); fi
  done
  for i in $(seq 40); do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && break; pid=""; done
    [[ -z "${pid:-}" ]] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$DIR"
}

cmd_pid() {
  local pid
  pid="$(cat "$DIR/node$1/pid" 2>/dev/null)" || die "node $1 has no pid file"
  echo "$pid"
}

# Both directions of both kinds of link: node N connecting to a peer's listener, and a peer connecting to node N's.
# REJECT with a TCP reset ends established connections at once (a DROP would wait for net_ticktime, about a minute);
# the resets themselves pass, or the far end of each link would never hear of it. All rules in one iptables-restore
# transaction: cut one link after the other and a peer that still reaches N when the other peer reports N down makes
# RabbitMQ see a partial partition and disconnect the two peers from each other too (then every node pauses).
cmd_partition() {
  local n="$1" m rules
  [[ " ${NODES[*]} " == *" $n "* ]] || die "no node $n"
  cmd_heal
  rules="*filter"$'\n'":$CHAIN - [0:0]"$'\n'"-A $CHAIN -p tcp --tcp-flags RST RST -j RETURN"$'\n'
  for m in "${NODES[@]}"; do
    [[ "$m" != "$n" ]] || continue
    rules+="-A $CHAIN -p tcp -s 127.0.0.1$n --dport $(dist_port "$m") -j REJECT --reject-with tcp-reset"$'\n'
    rules+="-A $CHAIN -p tcp -d 127.0.0.1$n --sport $(dist_port "$m") -j REJECT --reject-with tcp-reset"$'\n'
    rules+="-A $CHAIN -p tcp -s 127.0.0.1$m --dport $(dist_port "$n") -j REJECT --reject-with tcp-reset"$'\n'
    rules+="-A $CHAIN -p tcp -d 127.0.0.1$m --sport $(dist_port "$n") -j REJECT --reject-with tcp-reset"$'\n'
  done
  rules+="-I INPUT -i lo -j $CHAIN"$'\n'"COMMIT"$'\n'
  iptables-restore --noflush <<<"$rules"
}

cmd_heal() {
  iptables -D INPUT -i lo -j "$CHAIN" 2>/dev/null || true
  iptables -F "$CHAIN" 2>/dev/null || true
  iptables -X "$CHAIN" 2>/dev/null || true
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) ctl 1 cluster_status ;;
  start-node) [[ -n "${2:-}" ]] || die "start-node N"; start_node "$2"; await_node "$2" ;;
  pid) [[ -n "${2:-}" ]] || die "pid N"; cmd_pid "$2" ;;
  partition) [[ -n "${2:-}" ]] || die "partition N"; cmd_partition "$2" ;;
  heal) cmd_heal ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
