#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Benchmark 5, scaling: the tracer's cost per connection -- its BPF programs'
# run time (kernel.bpf_stats_enabled) and invocations per connection, and the
# traced threads' events (syscalls + switches + wakeups) per connection --
# and its BPF map memory (the memlock of every map, what bpftool map show
# reports) as shared-epoll's workers go 1..32, and as pool threads per
# worker grow (2 workers; every request runs one empty job, --work cpu:0, so
# the pool's own traffic is what grows). The steps alternate within each
# round. Run time, not the busy-CPU difference of benchmark 1: on a shared
# machine that difference drowns in noise, while the programs' own run time
# is measured where it is spent.
. bench/lib.sh
SDUR=${SCALING_DURATION:-1.5}
WORKER_STEPS=${WORKER_STEPS:-1 2 4 8 16 32}
THREAD_STEPS=${THREAD_STEPS:-1 2 4 8 16 32}
csv=$OUT/scaling.csv
echo "series,step,round,rate_cps,connections,bpf_ns_per_connection,program_runs_per_connection,events_per_connection,map_bytes" >"$csv"
say "== 5. scaling: shared-epoll, 8 connections, ${SDUR} s, $ROUNDS rounds per step (median [min, max])"
was=$(sysctl -n kernel.bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled="$was"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1

# series NAME STEPS ARGS-WITH-@ (@ = the step): one round of every step
rounds() {
	series=$1 steps=$2 args=$3
	for r in $(seq "$ROUNDS"); do
		for n in $steps; do
			d=$OUT/runs/scaling-$series-$n-$r
			BPF_STATS=1 tb "$d" run shared-epoll --connections 8 --duration "$SDUR" --port 0 \
				$(echo "$args" | sed "s/@/$n/g") || exit 1
			fig=$(run_figures "$d")
			n_conn=$(echo "$fig" | cut -d' ' -f2)
			echo "$series,$n,$r,$(echo "$fig" | cut -d' ' -f1),$n_conn,$(bpf_figures "$d" "$n_conn" | tr ' ' ,)" >>"$csv"
		done
	done
}

report() {
	series=$1
	say "$(printf '%-8s %7s %9s %21s %9s %11s %8s %9s' series "$1" rate_cps bpf_ns/conn runs/conn events/conn ns/event map_MiB)"
	for n in $2; do
		rows=$(awk -F, -v s="$series" -v n="$n" '$1 == s && $2 == n { print $4, $6, $7, $8, $6 / $8, $9 / 1048576 }' "$csv")
		col() { echo "$rows" | awk -v c="$1" '{ print $c }' | stats | cut -d' ' -f1; }
		say "$(printf '%-8s %7s %9.0f %21s %9.1f %11.1f %8.0f %9.1f' "$series" "$n" "$(col 1)" \
			"$(echo "$rows" | awk '{ print $2 }' | med_range 0)" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)")"
	done
}

rounds workers "$WORKER_STEPS" "--workers @"
rounds threads "$THREAD_STEPS" "--workers 2 --threads @ --work cpu:0"
report workers "$WORKER_STEPS"
report threads "$THREAD_STEPS"
say "  bpf_ns/conn: BPF program run time per connection (includes kernel.bpf_stats_enabled's two clock"
say "  reads per run); runs/conn: program invocations machine-wide; events/conn: syscalls + switches +"
say "  wakeups of the traced threads; ns/event = bpf_ns/conn / events/conn; map_MiB: all maps' memlock."
