#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# --netns and CPU placement (issue 18): the server in a namespace of its own
# over veth keeps the accounting exact and leaves no namespace or link
# behind, whatever ends the run; --server-cpus/--load-cpus/--worker-cpus
# pin what they say (each thread's Cpus_allowed_list, read during the run);
# bad CPU lists are refused in one line; `trace --netns -- COMMAND` starts
# the command inside. Sourced by run.sh.
[ -n "$TB_LIB_LOADED" ] || . "$(dirname "$0")/lib.sh"
[ -n "${RW:-}" ] || . "$(dirname "$0")/reliability.sh"

# netns_gone PID: the namespace and the link of testbed PID are gone (the
# guard of a SIGKILLed one may take a moment)
netns_gone() {
	n=0
	while { [ -e "/run/netns/testbed-$1" ] || [ -e "/sys/class/net/tbh$1" ]; } && [ $n -lt 100 ]; do
		n=$((n + 1)); sleep 0.05
	done
	[ ! -e "/run/netns/testbed-$1" ] || fail "namespace testbed-$1 left behind" || return 1
	[ ! -e "/sys/class/net/tbh$1" ] || fail "link tbh$1 left behind"
}

# check_netns_run DIR WORKERS: exact accounting through the namespace, the
# addresses in meta.csv, the namespace's own TCP counters (nobody else's
# connections: PassiveOpens == accepted), and nothing left
check_netns_run() {
	check_accounting "$1" "$2" && check_netns_run_names "$1"
}
check_netns_run_names() {
	ns=$(meta "$1" netns); server=$(meta "$1" netns_server_addr); client=$(meta "$1" netns_client_addr)
	case $ns in testbed-[0-9]*) ;; *) fail "meta.csv netns is '$ns'"; return 1 ;; esac
	case $server/$client in 10.251.*/10.251.*) ;; *) fail "meta.csv addresses $server, $client"; return 1 ;; esac
	opens=$(summary "$1" kernel_passive_opens); accepted=$(summary "$1" accepted)
	[ "$opens" -eq "$accepted" ] || fail "in $ns the kernel saw $opens passive opens, BPF $accepted accepts" || return 1
	echo "    $ns: server $server, client $client, GRO $(meta "$1" netns_gro)"
	netns_gone "${ns#testbed-}"
}

test_netns_accounting_shared_models() {
	for model in shared-accept shared-epoll shared-epoll-excl; do
		run_testbed "ns-$model" "$model" --netns --workers 2 --connections 4 --duration 1 &&
			check_netns_run "$WORK/ns-$model" 2 || return 1
	done
}

test_netns_accounting_reuseport_dispatch() {
	run_testbed ns-rp reuseport --netns --netns-gro on --workers 2 --connections 4 --duration 1 &&
		check_netns_run "$WORK/ns-rp" 2 || return 1
	[ "$(meta "$WORK/ns-rp" netns_gro)" = on ] || fail "--netns-gro on: meta.csv says $(meta "$WORK/ns-rp" netns_gro)" ||
		return 1
	run_testbed ns-rpb reuseport-bpf --netns --workers 2 --threads 1 --connections 4 --duration 1 &&
		check_netns_run "$WORK/ns-rpb" 2 || return 1
	run_testbed ns-fd fd-dispatch --netns --netns-gro off --workers 2 --connections 4 --duration 1 &&
		check_dispatch_accounting "$WORK/ns-fd" 2 && check_netns_run "$WORK/ns-fd" 2
}

# SIGTERM at setup and mid-run, SIGKILL mid-run (the guard); then a
# namespace and a link of a dead testbed swept at the next start.
test_netns_gone_after_signals() {
	signal_case ns-sig-ready ready TERM absent run shared-epoll --netns --workers 2 --duration 1 --port 0 &&
		netns_gone "$pid" || return 1
	signal_case ns-sig-run run TERM interrupted run shared-epoll --netns --workers 2 --threads 1 --duration 20 \
		--port 0 && netns_gone "$pid" || return 1
	kill_case ns-kill-run run run reuseport --netns --workers 2 --duration 20 --port 0 &&
		netns_gone "$pid"
}

test_netns_stale_swept() {
	# what a testbed killed together with its guard leaves: pid $dead is gone
	sh -c 'exit 0' & dead=$!; wait $dead
	ip netns add "testbed-$dead" && ip link add "tbh$dead" type veth peer name "tbn$dead" ||
		fail "cannot make a stale namespace to sweep" || return 1
	run_testbed ns-sweep shared-accept --workers 1 --connections 1 --duration 0.2 || return 1
	netns_gone "$dead" && echo "    a dead testbed's testbed-$dead and tbh$dead were swept at the next start"
}

# allowed PID: its threads' Cpus_allowed_list, one "comm list" line each
allowed() {
	for t in /proc/"$1"/task/*; do
		echo "$(cat "$t/comm" 2>/dev/null) $(awk '/^Cpus_allowed_list/ { print $2 }' "$t/status" 2>/dev/null)"
	done
}
# server_threads: every thread of the spawned run's master, workers and pools
server_threads() {
	for master in $(pgrep -P "$pid" -x tb-master); do
		allowed "$master"
		for worker in $(pgrep -P "$master"); do allowed "$worker"; done
	done
}

test_cpu_pinning() {
	[ "$(nproc)" -ge 2 ] || { echo "    (one CPU: nothing to split)"; return 0; }
	# in a namespace, with receive packet steering to the server's CPU
	spawn pin-split run shared-epoll --workers 2 --threads 2 --connections 4 --duration 20 --port 0 \
		--server-cpus 1 --load-cpus 0 --netns --rps 1 --out "$RW/pin-split" && wait_load || return 1
	server_threads >"$RW/pin-server"; allowed "$pid" >"$RW/pin-load"
	rps=$(ip netns exec "testbed-$pid" cat "/sys/class/net/tbn$pid/queues/rx-0/rps_cpus" | tr -d ',\n' | sed 's/^0*//')
	kill -INT "$pid"; wait "$pid"; no_orphans
	netns_gone "$pid" || return 1
	[ "$rps" = 2 ] || fail "--rps 1: the server's end has rps_cpus '$rps', not the mask 2" || return 1
	sed 's/^/    server: /' "$RW/pin-server" | sort | uniq -c | sed 's/^ */    /'
	[ "$(grep -c ' 1$' "$RW/pin-server")" -eq 7 ] && [ "$(wc -l <"$RW/pin-server")" -eq 7 ] ||
		fail "not all 7 server threads (master, 2 workers, 4 pool threads) on CPU 1" || return 1
	[ "$(grep -c ' 0$' "$RW/pin-load")" -eq "$(wc -l <"$RW/pin-load")" ] && [ "$(wc -l <"$RW/pin-load")" -ge 2 ] ||
		{ sed 's/^/    load: /' "$RW/pin-load"; fail "the testbed's threads are not all on CPU 0"; return 1; }
	[ "$(meta "$RW/pin-split" server_cpus)/$(meta "$RW/pin-split" load_cpus)" = 1/0 ] ||
		fail "meta.csv server_cpus/load_cpus: $(meta "$RW/pin-split" server_cpus)/$(meta "$RW/pin-split" load_cpus)" ||
		return 1
	spawn pin-each run reuseport --workers 2 --threads 1 --connections 4 --duration 20 --port 0 \
		--worker-cpus one-each --out "$RW/pin-each" && wait_load || return 1
	master=$(pgrep -P "$pid" -x tb-master)
	for w in $(pgrep -P "$master"); do echo "$(allowed "$w" | awk '{ print $2 }' | sort -u | tr '\n' ' ')"; done |
		sort >"$RW/pin-workers"
	kill -INT "$pid"; wait "$pid"; no_orphans
	echo "    one-each: workers on $(tr '\n' '|' <"$RW/pin-workers")"
	[ "$(tr -d ' ' <"$RW/pin-workers" | tr '\n' ,)" = "0,1," ] || fail "workers not one on CPU 0, one on CPU 1" ||
		return 1
	# unpinned master and load: meta.csv has the CPUs they inherited (ours), not `any`
	ours=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)
	[ "$(meta "$RW/pin-each" server_cpus)/$(meta "$RW/pin-each" load_cpus)" = "$ours/$ours" ] ||
		fail "unpinned: meta.csv server_cpus/load_cpus $(meta "$RW/pin-each" server_cpus)/$(meta "$RW/pin-each" load_cpus), the CPUs inherited are $ours"
}

test_bad_cpu_lists_refused() {
	refused_count=0
	mention=--server-cpus refused run shared-epoll --server-cpus 0-1 --load-cpus 1 || return 1
	mention=--server-cpus refused run shared-epoll --server-cpus 3-1 || return 1
	mention=--load-cpus refused run shared-epoll --load-cpus 0,,1 || return 1
	mention=--load-cpus refused run shared-epoll --load-cpus x || return 1
	mention="not online" refused run shared-epoll --server-cpus 1000 || return 1
	mention=--rps refused run shared-epoll --rps 0 || return 1
	mention=--netns-gro refused run shared-epoll --netns --netns-gro maybe || return 1
	mention=--worker-cpus refused run shared-epoll --worker-cpus all || return 1
	mention="-- COMMAND" refused trace --netns --pid 1 || return 1
	mention=IPv4 refused trace --netns --load "[::1]:8080" -- true || return 1
	mention=
	echo "    $refused_count bad placements refused in one line, nothing started"
}

# trace --netns -- COMMAND: a Node server (listen(port): every address of
# the namespace) started inside; BPF == its own count == the load's, the
# namespace's own TCP counters, nothing left. One bound to 127.0.0.1 there
# is out of reach, and the message says where it must listen.
test_trace_netns_node() {
	command -v node >/dev/null || { echo "    (no node)"; return 0; }
	port=$(free_port 41); servers=${SERVERS:-$(cd "$(dirname "$0")/servers" && pwd)}
	COUNT_FILE="$WORK/tr-ns.count" "$TESTBED" trace --netns --load "127.0.0.1:$port" --duration 1 \
		--out "$WORK/tr-ns" -- node "$servers/node-hello.js" "$port" >"$WORK/tr-ns.out" 2>&1 ||
		{ cat "$WORK/tr-ns.out"; fail "trace --netns failed"; return 1; }
	bpf=$(worker_sum "$WORK/tr-ns" accepted); completed=$(summary "$WORK/tr-ns" connections_completed)
	own=$(cat "$WORK/tr-ns.count" 2>/dev/null)
	echo "    trace --netns: BPF $bpf, server $own, load generator $completed"
	[ "$completed" -gt 0 ] && [ "$bpf" -eq "$completed" ] && [ "$own" = "$completed" ] ||
		fail "BPF accepted $bpf, the server served ${own:-?}, the load completed $completed" || return 1
	check_netns_run_names "$WORK/tr-ns"
}
