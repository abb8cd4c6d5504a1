#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Real servers written the way users write them, traced with `testbed trace`
# (scripts in tests/integration/servers/): each run is checked against the
# server's own count and the load generator's. Sourced by run.sh.
HERE=${HERE:-$(dirname "$0")}
. "$HERE/lib.sh"
SERVERS=$(cd "$HERE/servers" && pwd)

# trace_node NAME LOAD_TARGET ARGS...: traces node-hello.js ARGS under load
# for 1 s into $WORK/NAME; then BPF accepts == the script's count == the
# load generator's completions.
trace_node() {
	name=$1 target=$2; shift 2
	COUNT_FILE="$WORK/$name.count" "$TESTBED" trace --load "$target" --duration 1 --out "$WORK/$name" -- \
		node "$SERVERS/node-hello.js" "$@" >"$WORK/$name.out" 2>&1 ||
		{ cat "$WORK/$name.out"; fail "trace --load $target -- node node-hello.js $* failed"; return 1; }
	bpf=$(worker_sum "$WORK/$name" accepted)
	completed=$(summary "$WORK/$name" connections_completed)
	own=$(cat "$WORK/$name.count" 2>/dev/null)
	echo "    --load $target, listen(${*}): BPF $bpf, server $own, load generator $completed"
	[ "$completed" -gt 0 ] && [ "$bpf" -eq "$completed" ] && [ "$own" = "$completed" ] ||
		fail "BPF accepted $bpf, the server served ${own:-?}, the load completed $completed"
}

# server.listen(port): Node binds :: dual-stack; IPv4 and IPv6 targets both reach it.
test_trace_node_dual_stack() {
	port=$(free_port 31)
	trace_node dual4 "127.0.0.1:$port" "$port" || return 1
	trace_node dual6 "[::1]:$port" "$port" || return 1
	trace_node host6 "[::1]:$port" "$port" ::1 || return 1
	trace_node host4 "127.0.0.1:$port" "$port" 127.0.0.1
}

# A V6ONLY listener does not serve an IPv4 target: trace says nothing
# listens there (after its wait), rather than loading someone else.
test_trace_node_v6only_refuses_ipv4() {
	port=$(free_port 37)
	"$TESTBED" trace --load "127.0.0.1:$port" --duration 1 --out "$WORK/v6only" -- \
		node "$SERVERS/node-hello.js" "$port" v6only >/dev/null 2>"$WORK/v6only.err"; rc=$?
	one_line_exit 1 "nothing listens on the --load target" "$WORK/v6only.err" || return 1
	[ ! -e "$WORK/v6only/meta.csv" ] || fail "a refused trace left a complete run folder"
}

# A pre-fork C server as users write one: every worker's own level-triggered
# epoll set holds the listener and its clients' sockets, so each connection
# wakes all 4 workers (one client at a time); under keep-alive the client I/O
# in the same sets adds poll wakeups, not listener ones.
test_trace_prefork_epoll_herd() {
	cc -O2 -Wall -o "$WORK/prefork-epoll" "$SERVERS/prefork-epoll.c" || fail "cc prefork-epoll.c failed" || return 1
	port=$(free_port 41)
	"$TESTBED" trace --load "127.0.0.1:$port" --connections 1 --duration 2 --out "$WORK/prefork" -- \
		"$WORK/prefork-epoll" "$port" 4 >"$WORK/prefork.out" 2>&1 ||
		{ cat "$WORK/prefork.out"; fail "trace -- prefork-epoll failed"; return 1; }
	herd=$(summary "$WORK/prefork" herd_factor); bpf=$(worker_sum "$WORK/prefork" accepted)
	completed=$(summary "$WORK/prefork" connections_completed)
	echo "    one client: herd factor $herd, BPF accepted $bpf, load completed $completed"
	[ "$completed" -gt 0 ] && [ "$bpf" -eq "$completed" ] || fail "BPF accepted $bpf, the load completed $completed" || return 1
	ge "$herd" 3.3 && le "$herd" 4.3 || fail "herd factor $herd outside [3.3, 4.3]" || return 1
	port=$(free_port 43)
	"$TESTBED" trace --load "127.0.0.1:$port" --connections 8 --duration 2 --keepalive --out "$WORK/prefork-ka" -- \
		"$WORK/prefork-epoll" "$port" 4 >"$WORK/prefork-ka.out" 2>&1 ||
		{ cat "$WORK/prefork-ka.out"; fail "trace --keepalive -- prefork-epoll failed"; return 1; }
	herd=$(summary "$WORK/prefork-ka" herd_factor); accepted=$(summary "$WORK/prefork-ka" accepted)
	pw=$(summary "$WORK/prefork-ka" poll_wakeups)
	echo "    8 keep-alive clients: herd factor $herd, $pw poll wakeups for $accepted accepts"
	le "$herd" 4.3 || fail "keep-alive: herd factor $herd > 4.3" || return 1
	[ "$pw" -ge $((10 * accepted)) ] || fail "keep-alive: poll wakeups $pw < 10 x accepted $accepted"
}
