#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Benchmark 1, observer overhead: the highest connection rate (closed loop, a
# new connection per request, 8 clients: saturating) of each scenario with
# the tracer attached and without (--no-trace loads the same BPF object but
# attaches nothing, so setup costs the same), and with the hooks alone (every
# program attached but returning at once: what the kernel's tracepoints cost
# before our code runs, the floor under the tracer's cost). Alternates
# untraced, hooks, traced; per round the slowdowns and the extra CPU per
# connection (busy CPU time of the machine / connections). Then one traced run with
# kernel.bpf_stats_enabled=1 for the BPF run time and the events per
# connection (syscalls + context switches + wakeups of the traced threads).
. bench/lib.sh
SCENARIOS=${SCENARIOS:-shared-epoll reuseport fd-dispatch}
# short runs, many rounds: a pair of runs a few seconds apart sees the same machine
ROUNDS=${OVERHEAD_ROUNDS:-8}
DURATION=${OVERHEAD_DURATION:-2}
CONNECTIONS=${CONNECTIONS:-8}
csv=$OUT/overhead.csv
echo "scenario,round,variant,rate_cps,connections,cpu_ns_per_connection,busy_percent" >"$csv"
say "== 1. observer overhead: $WORKERS workers, $CONNECTIONS connections, ${DURATION} s, $ROUNDS rounds (median [min, max])"
say "$(printf '%-13s %9s %9s %19s %19s %21s %5s %7s %5s %8s %6s' scenario untraced traced hooks_slowdown_% \
	slowdown_% extra_cpu_ns/conn busy% bpf_ns bpf% bpf_runs events)"
for s in $SCENARIOS; do
	for r in $(seq "$ROUNDS"); do
		for v in untraced hooks traced; do
			d=$OUT/runs/overhead-$s-$r-$v
			flag=; [ $v = untraced ] && flag=--no-trace
			hooks=; [ $v = hooks ] && hooks=1
			HOOKS_ONLY=$hooks tb "$d" run "$s" --workers "$WORKERS" --connections "$CONNECTIONS" \
				--duration "$DURATION" --port 0 $flag || exit 1
			echo "$s,$r,$v,$(run_figures "$d" | tr ' ' ,)" >>"$csv"
		done
	done
	d=$OUT/runs/overhead-$s-bpfstats
	was=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
	BPF_STATS=1 tb "$d" run "$s" --workers "$WORKERS" --connections "$CONNECTIONS" --duration "$DURATION" --port 0
	ok=$?
	sysctl -qw kernel.bpf_stats_enabled="$was"
	[ $ok -eq 0 ] || exit 1
	set -- $(bpf_figures "$d" "$(summary "$d" connections_completed)")
	echo "$s,stats,bpf_ns_per_connection,$1,program_runs_per_connection,$2,traced_events_per_connection,$3" >>"$csv"
	# per round: untraced and traced side by side
	rows=$(awk -F, -v s="$s" '$1 == s && $3 == "untraced" { u[$2] = $4; uc[$2] = $6 }
		$1 == s && $3 == "hooks" { h[$2] = $4 }
		$1 == s && $3 == "traced" { t[$2] = $4; tc[$2] = $6; b[$2] = $7 }
		END { for (r in t) print u[r], t[r], 100 * (1 - t[r] / u[r]), tc[r] - uc[r], b[r], 100 * (1 - h[r] / u[r]) }' "$csv")
	base_cpu=$(awk -F, -v s="$s" '$1 == s && $3 == "untraced" { print $6 }' "$csv" | stats | cut -d' ' -f1)
	say "$(printf '%-13s %9.0f %9.0f %19s %19s %21s %5.0f %7s %5.1f %8s %6s' "$s" \
		"$(echo "$rows" | awk '{ print $1 }' | stats | cut -d' ' -f1)" \
		"$(echo "$rows" | awk '{ print $2 }' | stats | cut -d' ' -f1)" \
		"$(echo "$rows" | awk '{ print $6 }' | med_range 1)" \
		"$(echo "$rows" | awk '{ print $3 }' | med_range 1)" \
		"$(echo "$rows" | awk '{ print $4 }' | med_range 0)" \
		"$(echo "$rows" | awk '{ print $5 }' | stats | cut -d' ' -f1)" "$1" \
		"$(awk -v b="$1" -v c="$base_cpu" 'BEGIN { print 100 * b / c }')" "$2" "$3")"
done
say "  untraced, traced: connections/s (medians); slowdown = 1 - traced/untraced rate, per round;"
say "  hooks_slowdown: the same with the hooks alone (TESTBED_BENCH_HOOKS_ONLY=1: every program attached,"
say "  returning at once): the kernel's cost of the tracepoints, which no change to our programs removes;"
say "  extra CPU = traced - untraced busy CPU time of the machine per connection, per round; busy% of"
say "  all CPUs (traced runs); bpf_ns = BPF program run time per connection (kernel.bpf_stats_enabled);"
say "  bpf% = bpf_ns / the untraced busy CPU time per connection (median): the programs' own share;"
say "  bpf_runs = program invocations per connection, machine-wide; events = syscalls + switches +"
say "  wakeups of the traced threads per connection."
