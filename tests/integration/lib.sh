#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# What the integration test files share (sourced by run.sh and
# reliability.sh): the testbed under test, a scratch folder, CSV helpers,
# the accounting checks and the runner.
[ -z "$TB_LIB_LOADED" ] || return 0
TB_LIB_LOADED=1
TESTBED=${TESTBED:-build/testbed}
case $TESTBED in /*) ;; *) TESTBED=$(pwd)/$TESTBED ;; esac
WORK=$(mktemp -d /tmp/testbed-it.XXXXXX)
# CLEANUP: commands the tests add (unmounts, cgroups) run before WORK goes
CLEANUP=
trap 'eval "$CLEANUP"; rm -rf "$WORK"' EXIT
passed=0; failed=0

# --- helpers --------------------------------------------------------------
# csv_col FILE COLUMN: the column's values, one per data row (no quoting in
# the numeric files these read).
csv_col() {
	awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; if (!c) exit 3; next }
		{ print $c }' "$1"
}
csv_sum() { csv_col "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }
summary() { csv_col "$1/summary.csv" "$2"; }
meta() { awk -F, -v k="$2" '$1 == k { print $2 }' "$1/meta.csv"; }
# RFC 4180 field count of every record equals the header's (quotes honoured).
csv_well_formed() {
	awk 'function fields(line,   n, i, q, ch) { n = 1; q = 0
			for (i = 1; i <= length(line); i++) { ch = substr(line, i, 1)
				if (ch == "\"") q = !q; else if (ch == "," && !q) n++ }
			return n }
		NR == 1 { want = fields($0); next }
		fields($0) != want { printf "%s:%d: %d fields, header has %d\n", FILENAME, NR, fields($0), want; bad = 1 }
		END { exit bad || NR < 2 }' "$1"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
close_to() { awk -v a="$1" -v b="$2" -v tol="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= tol) }'; }

fail() { echo "    $*"; return 1; }
# one_line_exit RC TEXT FILE: the command exited RC ($rc) and said one line
# holding TEXT on stderr (FILE).
one_line_exit() {
	[ "$rc" -eq "$1" ] && [ "$(wc -l <"$3")" -eq 1 ] && grep -q -- "$2" "$3" ||
		{ sed 's/^/    stderr: /' "$3"; fail "exit $rc, expected $1 and one line saying '$2'"; }
}

# A loopback port nothing listens on (for servers the tests start
# themselves): below the ephemeral range, so no client connection of an
# earlier load holds it, and with no socket on it in any state.
free_port() {
	low=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[ "${low:-0}" -gt 21000 ] || low=32768
	p=$((20000 + ($$ * 7 + ${1:-0} * 131) % (low - 20000)))
	while [ -n "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; do p=$((p + 1)); done
	echo "$p"
}

# run_testbed NAME ARGS...: runs a scenario into $WORK/NAME, stdout in $WORK/NAME.out
run_testbed() {
	name=$1; shift
	"$TESTBED" run "$@" --port 0 --out "$WORK/$name" >"$WORK/$name.out" 2>"$WORK/$name.err"
	rc=$?
	[ $rc -eq 0 ] || { cat "$WORK/$name.err"; fail "testbed run $* exited $rc"; }
}

# worker_col DIR COLUMN: the column's values over the worker rows of workers.csv
worker_col() {
	awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; if (!(col in h)) exit 3; next }
		$h["role"] == "worker" { print $h[col] }' "$1/workers.csv"
}
worker_sum() { worker_col "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }
master_value() {
	awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["role"] == "master" { print $h[col] }' "$1/workers.csv"
}

# per worker: connections counted by BPF (accepted + fds received) == its own count
check_self_reports() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["role"] == "worker" && $h["self_reported_accepted"] != "" {
			bpf = $h["accepted"] + $h["fds_received"]
			if (bpf != $h["self_reported_accepted"]) {
				printf "    worker %s (pid %s): BPF counted %s != self-reported %s\n",
					$h["worker_index"], $h["pid"], bpf, $h["self_reported_accepted"]; bad = 1 } }
		END { exit bad }' "$1/workers.csv" || return 1
	workers=$(worker_col "$1" pid | wc -l)
	[ "$workers" -eq "$2" ] || fail "workers.csv has $workers workers, expected $2"
}

# latency_count DIR METRIC run|process: the samples in its run-wide rows
# (empty pid) or in its per-process rows
latency_count() {
	awk -F, -v m="$2" -v which="$3" '$1 == m && (($2 == "") == (which == "run")) { n += $5 } END { print n + 0 }' \
		"$1/latency.csv"
}
# check_samples DIR: every sample kept -- per delay metric, the run-wide rows
# and the per-process rows each hold counter - counted losses
check_samples() {
	all_accepted=$(csv_sum "$1/workers.csv" accepted)
	for spec in "dispatch_delay $(summary "$1" fds_received) $(summary "$1" dispatch_unmatched)" \
		"accept_queue_delay $all_accepted $(summary "$1" accept_queue_unmatched)" \
		"pool_queue_wait $(summary "$1" pool_jobs) $(summary "$1" pool_queue_unmatched)"; do
		set -- "$1" $spec
		run_wide=$(latency_count "$1" "$2" run); per_process=$(latency_count "$1" "$2" process)
		[ "$run_wide" -eq $(($3 - $4)) ] && [ "$per_process" -eq "$run_wide" ] ||
			fail "$2: counter $3, unmatched $4, samples run-wide $run_wide, per process $per_process" || return 1
		[ "$3" -eq 0 ] || echo "    $2: $3 counted = $run_wide samples + $4 unmatched"
	done
}

# ... and their sum == the load generator's completed connections
check_accounting() {
	check_samples "$1" || return 1
	check_self_reports "$1" "$2" || return 1
	bpf=$(( $(worker_sum "$1" accepted) + $(worker_sum "$1" fds_received) ))
	completed=$(summary "$1" connections_completed)
	[ "$bpf" -gt 0 ] || fail "no connections accepted" || return 1
	[ "$bpf" -eq "$completed" ] || fail "BPF counted $bpf connections in the workers != load generator completed $completed" || return 1
	echo "    $completed connections: BPF == self-reported == load generator"
	misses=$(meta "$1" recursion_misses)
	[ "$misses" = 0 ] || fail "meta.csv recursion_misses is '$misses': the kernel skipped tracer runs" || return 1
	check_kernel_counters "$1"
}

# The kernel's own count bounds ours: every connection a traced process
# accepted went through a listener (PassiveOpens counts the whole network
# namespace, so others' connections only add to it).
check_kernel_counters() {
	opens=$(summary "$1" kernel_passive_opens); accepted=$(summary "$1" accepted)
	[ -n "$opens" ] || fail "summary.csv has no kernel_passive_opens" || return 1
	[ "$opens" -ge "$accepted" ] || fail "the kernel saw $opens passive opens, BPF $accepted accepts" || return 1
	echo "    kernel: $opens passive opens >= $accepted accepted; listen overflows $(summary "$1" kernel_listen_overflows)"
}

# --- BPF programs left behind ---------------------------------------------
# Ours are named handle_* (the tracer) and steer (reuseport-bpf). Another
# testbed may run meanwhile (its programs are held by its fds), so "left
# behind" means: not held by any process, or by ids known to be ours.
# progs_gone IDS: every one unloaded within 5 s (the kernel frees them
# shortly after the last fd closes)
progs_gone() {
	for id in $1; do
		n=0
		while bpftool prog show id "$id" >/dev/null 2>&1; do
			n=$((n + 1))
			[ $n -le 100 ] || { fail "$name: BPF program $(bpftool prog show id "$id" | head -1) is still loaded"; return 1; }
			sleep 0.05
		done
	done
}

# wait_serving PID: waits (up to 30 s) until the testbed PID has started its
# load generator's client threads (load/loadgen.c: the only threads it makes
# before the end) -- the run's load has begun, however busy the machine; 1
# if it never does or PID ends first.
wait_serving() {
	n=0
	while [ $n -lt 300 ] && kill -0 "$1" 2>/dev/null; do
		[ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -gt 1 ] && return 0
		n=$((n + 1)); sleep 0.1
	done
	return 1
}
max_prog_id() { bpftool prog list 2>/dev/null | awk -F: '/^[0-9]+:/ { if ($1 + 0 > max) max = $1 + 0 } END { print max + 0 }'; }
# our programs loaded after id $1 that no process holds (pinned or leaked)
unheld_progs() {
	grep -h '^prog_id:' /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un >"$WORK/held-progs"
	bpftool prog list 2>/dev/null | awk -v base="$1" -v held="$WORK/held-progs" '
		BEGIN { while ((getline id < held) > 0) h[id] = 1 }
		/^[0-9]+:/ { id = $1 + 0; name = ""
			for (i = 1; i < NF; i++) if ($i == "name") name = $(i + 1)
			if (id > base && (name ~ /^handle_/ || name == "steer") && !(id in h)) printf " %d(%s)", id, name }'
}
no_unheld_progs() {
	n=0
	while [ -n "$(unheld_progs "$1")" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
	left=$(unheld_progs "$1")
	[ -z "$left" ] || fail "$name: BPF programs left loaded with no process holding them:$left"
}

# --- runner ---------------------------------------------------------------
# run_tests FILE... [-- TEST...]: the named tests, or every test_*() in FILEs
# in order, then one line "integration: N passed, M failed".
run_tests() {
	files=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do files="$files $1"; shift; done
	[ "$1" = -- ] && shift
	tests=${*:-$(for f in $files; do sed -n 's/^\(test_[a-z0-9_]*\)() {$/\1/p' "$f"; done)}
	for test_name in $tests; do
		echo "--- $test_name"
		if $test_name; then
			echo "ok   $test_name"; passed=$((passed + 1))
		else
			echo "FAIL $test_name"; failed=$((failed + 1))
		fi
	done
	echo "integration: $passed passed, $failed failed"
	[ $failed -eq 0 ]
}
