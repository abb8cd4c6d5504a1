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

# check_per_process DIR COUNTS [CRASHED]: per worker process of workers.csv,
# connections (accepted + fds_received) == the server's own count in COUNTS
# ("pid count" lines; a process missing there served none). A worker that
# exited may have been handed up to CRASHED connections it never answered
# (in flight when it crashed: the load generator lost them); their sum goes
# to $unanswered.
check_per_process() {
	awk -F, -v crashed="${3:-0}" 'FNR == NR { split($0, w, " "); own[w[1]] = w[2]; next }
		FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["role"] == "worker" { bpf = $h["accepted"] + $h["fds_received"]; mine = own[$h["pid"]] + 0
		  printf "    pid %s (%s, exited %s): BPF %d, own %d, other fds %d\n", $h["pid"], $h["role"],
			$h["exited"], bpf, mine, $h["fds_received_other"]
		  if ($h["exited"] == "yes" && bpf >= mine && bpf - mine <= crashed) gone += bpf - mine
		  else if (bpf != mine) bad = 1 }
		END { print gone + 0; exit bad }' "$2" "$1/workers.csv" >"$1.per-process"; rc=$?
	sed '$d' "$1.per-process"; unanswered=$(tail -n 1 "$1.per-process")
	[ $rc -eq 0 ] || fail "BPF's per-process connections differ from the server's own"
}

# nginx reloaded (`nginx -s reload`) under load while traced: the master
# passes channel sockets to old and new workers (fds_received_other, not
# connections); the new workers get their rows, the old keep theirs; per
# process BPF connections == its access-log lines; sum == the load's.
test_trace_nginx_reload() {
	port=$(free_port 41); prefix="$WORK/ngx-reload"
	mkdir -p "$prefix/tmp"
	sed -e "s|@WORKERS@|3|; s|@PREFIX@|$prefix|g; s|@PORT@|$port|; s|@ACCEPT_MUTEX@|off|; s|@LISTEN_OPTIONS@||" \
		scenarios/external/nginx.conf.in >"$prefix/nginx.conf"
	set -- nginx -c "$prefix/nginx.conf" -p "$prefix" -e "$prefix/error.log"
	"$TESTBED" trace --load "127.0.0.1:$port" --connections 4 --duration 3 --out "$WORK/ngxr" -- "$@" \
		>"$WORK/ngxr.out" 2>&1 &
	tracer=$!
	for _ in $(seq 100); do [ -s "$prefix/access.log" ] && break; sleep 0.05; done
	sleep 1
	"$@" -s reload 2>"$WORK/ngxr.reload" || { cat "$WORK/ngxr.reload"; fail "nginx -s reload failed"; }
	wait "$tracer" || { cat "$WORK/ngxr.out"; fail "trace -- nginx exited non-zero"; return 1; }
	sort "$prefix/access.log" | uniq -c | awk '{ print $2, $1 }' >"$WORK/ngxr.own"
	check_per_process "$WORK/ngxr" "$WORK/ngxr.own" || return 1
	workers=$(worker_col "$WORK/ngxr" pid | wc -l)
	[ "$workers" -ge 6 ] || fail "$workers worker rows: the reload's new workers are missing" || return 1
	other=$(csv_sum "$WORK/ngxr/workers.csv" fds_received_other)
	[ "$other" -gt 0 ] || fail "no channel socket counted as fds_received_other" || return 1
	bpf=$(( $(csv_sum "$WORK/ngxr/workers.csv" accepted) + $(csv_sum "$WORK/ngxr/workers.csv" fds_received) ))
	completed=$(summary "$WORK/ngxr" connections_completed); lines=$(wc -l <"$prefix/access.log")
	echo "    reload: $workers worker rows, $other other fds, BPF $bpf, log $lines, load generator $completed"
	[ "$bpf" -eq "$lines" ] && [ "$bpf" -eq "$completed" ] || fail "totals disagree" || return 1
	check_samples "$WORK/ngxr"
}

# A Node cluster worker crashes under load (process.exit) and the primary
# restarts it: the new worker gets its row, the crashed one keeps its own
# (exited), and per process BPF connections == the worker's own count.
test_trace_node_cluster_crash() {
	port=$(free_port 43); mkdir -p "$WORK/ncrash.counts"
	COUNT_DIR="$WORK/ncrash.counts" "$TESTBED" trace --load "127.0.0.1:$port" --connections 4 --duration 2 \
		--out "$WORK/ncrash" -- node "$SERVERS/node-crash.js" "$port" 2 100 >"$WORK/ncrash.out" 2>&1 ||
		{ cat "$WORK/ncrash.out"; fail "trace -- node node-crash.js failed"; return 1; }
	for f in "$WORK/ncrash.counts"/*.count; do echo "$(basename "$f" .count) $(cat "$f")"; done >"$WORK/ncrash.own"
	lost=$(summary "$WORK/ncrash" connections_lost)
	check_per_process "$WORK/ncrash" "$WORK/ncrash.own" "$lost" || return 1
	workers=$(worker_col "$WORK/ncrash" pid | wc -l); exited=$(worker_col "$WORK/ncrash" exited | grep -c yes)
	[ "$workers" -eq 3 ] && [ "$exited" -eq 1 ] ||
		fail "$workers worker rows ($exited exited): expected 2 workers and the restarted one, the crashed exited" ||
		return 1
	bpf=$(worker_sum "$WORK/ncrash" fds_received); completed=$(summary "$WORK/ncrash" connections_completed)
	echo "    crash: workers received $bpf ($unanswered unanswered by the crashed worker), load generator completed $completed (lost $lost)"
	[ $((bpf - unanswered)) -eq "$completed" ] || fail "workers answered $((bpf - unanswered)), load completed $completed" ||
		return 1
	check_samples "$WORK/ncrash"
}

# trace_pbkdf2 NAME THREADS K: node-pbkdf2.js (K crypto.pbkdf2 and one
# fs.stat per request) with UV_THREADPOOL_SIZE=THREADS traced under load for
# 1 s into $WORK/NAME; then libuv's pool threads are the pool rows, and the
# pool's jobs of kind `work` (uv_queue_work) == the pbkdf2 jobs the script
# submitted, those of kind `fs` == its fs.stat calls, exactly; Node's own
# jobs (its startup reads) come outside the window.
trace_pbkdf2() {
	name=$1 threads=$2 per_request=$3 dir=$WORK/$1
	port=$(free_port 41)
	UV_THREADPOOL_SIZE=$threads COUNT_FILE="$WORK/$name.count" "$TESTBED" trace --load "127.0.0.1:$port" \
		--duration 1 --out "$dir" -- node "$SERVERS/node-pbkdf2.js" "$port" "$per_request" >"$WORK/$name.out" 2>&1 ||
		{ cat "$WORK/$name.out"; fail "trace -- node node-pbkdf2.js failed"; return 1; }
	node=$(readlink -f "$(command -v node)")
	[ "$(meta "$dir" libuv_probes)" = "attached $node" ] ||
		fail "meta.csv libuv_probes is '$(meta "$dir" libuv_probes)', not 'attached $node'" || return 1
	read -r submitted stats served <"$WORK/$name.count"
	completed=$(summary "$dir" connections_completed)
	# the pool rows: count, jobs, jobs by kind, jobs outside the window
	set -- $(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["role"] == "pool" { n++; jobs += $h["jobs_run"]; work += $h["jobs_work"]; fs += $h["jobs_fs"]
			outside += $h["jobs_whole_run"] - $h["jobs_run"]
			if ($h["jobs_run"] > 0 && $h["queue_wait_p50_us"] == "") empty++ }
		END { print n + 0, jobs + 0, work + 0, fs + 0, outside + 0, empty + 0 }' "$dir/threads.csv")
	rows=$1 jobs=$2 work=$3 fs=$4 outside=$5 no_wait=$6
	waits=$(latency_count "$dir" pool_queue_wait process)
	lost=$(meta "$dir" libuv_submits_lost)
	echo "    UV_THREADPOOL_SIZE=$threads: $rows pool threads; $jobs jobs ($work work, $fs fs," \
		"$((jobs - work - fs)) other; $outside outside the window); the script: $submitted pbkdf2, $stats fs.stat," \
		"$served requests; load completed $completed"
	[ "$rows" -eq "$threads" ] || fail "threads.csv has $rows pool threads, UV_THREADPOOL_SIZE=$threads" || return 1
	[ "$submitted" -gt 0 ] && [ "$work" -eq "$submitted" ] ||
		fail "libuv work jobs $work != pbkdf2 jobs the script submitted $submitted" || return 1
	[ "$fs" -eq "$stats" ] || fail "libuv fs jobs $fs != the script's fs.stat calls $stats" || return 1
	[ $((jobs - work - fs)) -le 20 ] || fail "$((jobs - work - fs)) jobs of other kinds: more than Node's own handful" || return 1
	[ "$served" -eq "$completed" ] && [ "$submitted" -eq $((served * per_request)) ] && [ "$stats" -eq "$served" ] ||
		fail "the script served $served requests ($submitted jobs), the load completed $completed" || return 1
	[ "$(summary "$dir" pool_jobs)" -eq "$jobs" ] && [ "$(summary "$dir" pool_threads)" -eq "$threads" ] ||
		fail "summary.csv pool_jobs/pool_threads disagree with threads.csv" || return 1
	# every job's queue wait, submit -> start, unless its submit was lost (counted)
	[ "$lost" -eq 0 ] && [ "$waits" -eq "$jobs" ] && [ "$no_wait" -eq 0 ] ||
		fail "$waits queue waits for $jobs jobs ($lost submits lost)"
}

# Node's libuv pool, in a real Node process, through uprobes on its symbols.
test_trace_node_libuv_pool() {
	trace_pbkdf2 uv4 4 4 || return 1
	trace_pbkdf2 uv2 2 3
}

# A Node binary without its symbol table: trace says so in one line and
# runs on without pool rows.
test_trace_node_without_libuv_symbols() {
	strip -o "$WORK/node" "$(readlink -f "$(command -v node)")" || { fail "cannot strip a copy of node"; return 1; }
	port=$(free_port 43)
	"$TESTBED" trace --load "127.0.0.1:$port" --duration 1 --out "$WORK/uvnone" -- \
		"$WORK/node" "$SERVERS/node-pbkdf2.js" "$port" 1 >/dev/null 2>"$WORK/uvnone.err"; rc=$?
	rm -f "$WORK/node"
	one_line_exit 0 "no libuv thread-pool probes" "$WORK/uvnone.err" || return 1
	[ "$(meta "$WORK/uvnone" libuv_probes)" = "none $WORK/node" ] ||
		fail "meta.csv libuv_probes is '$(meta "$WORK/uvnone" libuv_probes)'" || return 1
	rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["role"] == "pool"' "$WORK/uvnone/threads.csv" | wc -l)
	[ "$rows" -eq 0 ] || fail "$rows pool rows without libuv probes"
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

# The herd of a server whose workers wait in poll() or select() on the
# listener (gunicorn's sync workers): poll's wait entries do not say which
# file woke a thread, so the listener rule reads the waker's kernel stack
# (inside tcp_child_process()). One client at a time wakes all 4 idle
# workers: herd factor ~4, BPF accepted == the load's completed; the
# 1 s timeouts' wakeups are poll wakeups but never the listener's.
test_trace_prefork_poll_herd() {
	cc -O2 -Wall -o "$WORK/prefork-poll" "$SERVERS/prefork-poll.c" || fail "cc prefork-poll.c failed" || return 1
	for mode in poll select; do
		port=$(free_port 49)
		"$TESTBED" trace --load "127.0.0.1:$port" --connections 1 --duration 2 --out "$WORK/herd-$mode" -- \
			"$WORK/prefork-poll" "$port" 4 "$mode" >"$WORK/herd-$mode.out" 2>&1 ||
			{ cat "$WORK/herd-$mode.out"; fail "trace -- prefork-poll $mode failed"; return 1; }
		herd=$(summary "$WORK/herd-$mode" herd_factor); bpf=$(worker_sum "$WORK/herd-$mode" accepted)
		completed=$(summary "$WORK/herd-$mode" connections_completed)
		lw=$(summary "$WORK/herd-$mode" listener_wakeups); pw=$(summary "$WORK/herd-$mode" poll_wakeups)
		echo "    $mode: herd factor $herd ($lw listener of $pw poll wakeups), BPF accepted $bpf, load completed $completed"
		[ "$completed" -gt 0 ] && [ "$bpf" -eq "$completed" ] || fail "$mode: BPF accepted $bpf, the load completed $completed" || return 1
		ge "$herd" 3.3 && le "$herd" 4.3 || fail "$mode: herd factor $herd outside [3.3, 4.3]" || return 1
		[ "$lw" -le "$pw" ] || fail "$mode: listener wakeups $lw > poll wakeups $pw" || return 1
	done
}

# Process churn and pid reuse (issue 19.1): a pre-fork server that replaces
# each worker after one connection, traced while kernel.pid_max is lowered
# to 1024 (restored on every exit path) so that pids wrap several times
# (issue 19 asks for 10 x pid_max forks; a fork here takes ~5 ms, so a
# CI-sized run does ~2000: every pid used about three times). Per process (a
# reused pid's processes in the order they lived) BPF connections == the
# server's own count; sum == the load generator's; the tracer's threads map
# stays small (exited threads are retired).
CHURN_PID_MAX=1024
test_trace_process_churn() {
	cc -O2 -Wall -o "$WORK/prefork-recycle" "$SERVERS/prefork-recycle.c" || fail "cc prefork-recycle.c failed" || return 1
	port=$(free_port 47); counts="$WORK/churn.counts"; rm -f "$counts"
	old_pid_max=$(cat /proc/sys/kernel/pid_max)
	(
		trap 'echo "$old_pid_max" >/proc/sys/kernel/pid_max' EXIT
		trap 'exit 130' INT TERM
		echo "$CHURN_PID_MAX" >/proc/sys/kernel/pid_max || exit 1
		"$TESTBED" trace --load "127.0.0.1:$port" --connections 4 --duration 12 --out "$WORK/churn" -- \
			"$WORK/prefork-recycle" "$port" 4 1 "$counts"
	) >"$WORK/churn.out" 2>&1; rc=$?
	[ "$(cat /proc/sys/kernel/pid_max)" = "$old_pid_max" ] || fail "kernel.pid_max was not restored" || return 1
	[ $rc -eq 0 ] || { cat "$WORK/churn.out"; fail "trace -- prefork-recycle failed"; return 1; }
	processes=$(wc -l <"$counts"); pids=$(awk '{ print $1 }' "$counts" | sort -u | wc -l)
	completed=$(summary "$WORK/churn" connections_completed); bpf=$(worker_sum "$WORK/churn" accepted)
	own=$(awk '{ s += $2 } END { print s + 0 }' "$counts")
	peak=$(meta "$WORK/churn" threads_map_peak); retired=$(meta "$WORK/churn" threads_retired)
	untracked=$(meta "$WORK/churn" threads_untracked); unretired=$(meta "$WORK/churn" threads_retire_failed)
	echo "    $processes worker processes on $pids pids (pid_max $CHURN_PID_MAX); BPF $bpf, server $own," \
		"load generator $completed; threads retired $retired, map peak $peak, untracked $untracked," \
		"retire failed $unretired"
	[ "$processes" -ge $((2 * pids)) ] || fail "$processes processes on $pids pids: pids were not reused enough" || return 1
	[ "$completed" -gt 0 ] && [ "$bpf" -eq "$completed" ] && [ "$own" -eq "$completed" ] ||
		fail "BPF accepted $bpf, the server served $own, the load completed $completed" || return 1
	[ "$untracked" -eq 0 ] && [ "$unretired" -eq 0 ] || fail "threads untracked or not retired" || return 1
	[ "$retired" -ge "$processes" ] || fail "threads_retired $retired < $processes exited workers" || return 1
	[ "$peak" -le 64 ] || fail "the threads map held $peak entries for 5 processes" || return 1
	# per pid, the counts of its processes in the order they lived (the
	# oldest beyond the testbed's 1000 kept ones folded into one row)
	awk -f "$(dirname "$SERVERS")/per_pid_counts.awk" FS=' ' "$counts" FS=, "$WORK/churn/workers.csv" ||
		{ fail "per process, BPF connections differ from the server's own"; return 1; }
}

# A long trace of a server that recycles its workers stays bounded (issue
# 19.4): beyond the last N finished processes (1000; 20 here through
# TESTBED_FINISHED_ROWS) the older are folded into one row, pid 0 in
# workers.csv and tid 0 in threads.csv. The rows stay few while every total
# stays exact: BPF == the server's own == the load generator's, the
# timeline sums to them, and per process (the folded ones together).
test_trace_churn_folded() {
	cc -O2 -Wall -o "$WORK/prefork-recycle" "$SERVERS/prefork-recycle.c" || fail "cc prefork-recycle.c failed" || return 1
	port=$(free_port 48); counts="$WORK/folded.counts"; rm -f "$counts"
	TESTBED_FINISHED_ROWS=20 "$TESTBED" trace --load "127.0.0.1:$port" --connections 4 --duration 4 \
		--out "$WORK/folded" -- "$WORK/prefork-recycle" "$port" 4 5 "$counts" >"$WORK/folded.out" 2>&1 ||
		{ cat "$WORK/folded.out"; fail "trace -- prefork-recycle failed"; return 1; }
	processes=$(wc -l <"$counts"); rows=$(awk -F, 'NR > 1' "$WORK/folded/workers.csv" | wc -l)
	threads=$(awk -F, 'NR > 1' "$WORK/folded/threads.csv" | wc -l)
	completed=$(summary "$WORK/folded" connections_completed); bpf=$(worker_sum "$WORK/folded" accepted)
	own=$(awk '{ s += $2 } END { print s + 0 }' "$counts"); timeline=$(csv_sum "$WORK/folded/timeline.csv" connections)
	echo "    $processes worker processes: $rows rows in workers.csv, $threads in threads.csv; BPF $bpf," \
		"server $own, load generator $completed, timeline $timeline"
	[ "$processes" -ge 100 ] || fail "only $processes worker processes: too few to fold" || return 1
	[ "$rows" -le 40 ] && [ "$threads" -le 40 ] || fail "$rows workers.csv rows, $threads threads.csv rows for 20 kept" || return 1
	grep -q 'folded into one row' "$WORK/folded.out" || fail "the terminal does not say that processes were folded" || return 1
	retired=$(meta "$WORK/folded" threads_retired)
	[ "$retired" -ge "$processes" ] || fail "threads_retired $retired < $processes exited workers (folded ones uncounted)" || return 1
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h["tid"] == 0 { found = 1 } END { exit !found }' \
		"$WORK/folded/threads.csv" || fail "threads.csv has no folded row (tid 0)" || return 1
	[ "$completed" -gt 0 ] && [ "$bpf" -eq "$completed" ] && [ "$own" -eq "$completed" ] && [ "$timeline" -eq "$bpf" ] ||
		fail "BPF $bpf, server $own, load generator $completed, timeline $timeline differ" || return 1
	awk -f "$(dirname "$SERVERS")/per_pid_counts.awk" FS=' ' "$counts" FS=, "$WORK/folded/workers.csv" ||
		{ fail "per process, BPF connections differ from the server's own"; return 1; }
	# the per-pid accept-queue histograms fold with their processes: no more
	# pids in latency.csv than rows in workers.csv, the folded row's (pid 0)
	# among them, and their samples still add up to the run-wide count
	set -- $(awk -F, '$1 == "accept_queue_delay" && $2 != "" { pids[$2] = 1; n += $5 }
		$1 == "accept_queue_delay" && $2 == "" { all += $5 }
		END { k = 0; for (p in pids) k++; print k, ("0" in pids), n + 0, all + 0 }' "$WORK/folded/latency.csv")
	echo "    latency.csv: accept-queue delay for $1 pids (folded row: $2), $3 samples per pid, $4 run-wide"
	[ "$1" -le "$rows" ] && [ "$2" -eq 1 ] && [ "$3" -eq "$4" ] && [ "$4" -gt 0 ] ||
		fail "per-pid histograms not folded with their processes, or their samples differ from the run's" || return 1
}
