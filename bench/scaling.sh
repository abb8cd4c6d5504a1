#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Benchmark 5, scaling: how the tracer's cost grows, on shared-epoll, along
# three series -- workers (8 clients), clients (--connections, 2 workers)
# and pool threads per worker (2 workers, 8 clients; every request runs one
# empty job, --work cpu:0, so the pool's own traffic is what grows; 0 is the
# run without a pool, since --work needs --threads). Per step and round, three
# runs side by side: untraced (--no-trace) and traced, in alternating order
# from round to round, for the % overhead = 1 - traced/untraced rate of that
# round; then a traced run with kernel.bpf_stats_enabled=1 for the BPF run
# time, program runs and traced events per connection (the stats cost a
# little themselves, so that run is kept apart from the overhead pair, as in
# benchmark 1). Writes scaling.csv (every run), the tables, and scaling.svg
# (bench/scaling.gp on scaling.dat, both copied beside it).
. bench/lib.sh
ROUNDS=${SCALING_ROUNDS:-3}
SDUR=${SCALING_DURATION:-1.5}
WORKER_STEPS=${WORKER_STEPS:-1 2 4 8 16}
CLIENT_STEPS=${CLIENT_STEPS:-1 8 64}
THREAD_STEPS=${THREAD_STEPS:-0 4 16}
csv=$OUT/scaling.csv
echo "series,step,round,variant,rate_cps,connections,cpu_ns_per_connection,busy_percent,bpf_ns_per_connection,program_runs_per_connection,events_per_connection,map_bytes" >"$csv"
say "== 5. scaling: shared-epoll, ${SDUR} s runs, $ROUNDS rounds per step, untraced / traced / traced with bpf_stats (median [min, max])"
was=$(sysctl -n kernel.bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled="$was"' EXIT
sysctl -qw kernel.bpf_stats_enabled=0

# step_args SERIES N: the run options of step N of SERIES.
step_args() {
	case $1 in
	workers) echo "--workers $2 --connections 8" ;;
	clients) echo "--workers 2 --connections $2" ;;
	threads) if [ "$2" = 0 ]; then echo "--workers 2 --connections 8"
		else echo "--workers 2 --connections 8 --threads $2 --work cpu:0"; fi ;;
	esac
}

# one SERIES N ROUND VARIANT: one run, its row in the CSV.
one() {
	d=$OUT/runs/scaling-$1-$2-$3-$4
	flag=; [ "$4" = untraced ] && flag=--no-trace
	stats=; [ "$4" = bpfstats ] && stats=1 && sysctl -qw kernel.bpf_stats_enabled=1
	BPF_STATS=$stats tb "$d" run shared-epoll $(step_args "$1" "$2") --duration "$SDUR" --port 0 $flag
	ok=$?
	sysctl -qw kernel.bpf_stats_enabled=0
	[ $ok -eq 0 ] || exit 1
	fig=$(run_figures "$d")
	bpf=,,,
	[ "$4" = bpfstats ] && bpf=$(bpf_figures "$d" "$(echo "$fig" | cut -d' ' -f2)" | tr ' ' ,)
	echo "$1,$2,$3,$4,$(echo "$fig" | tr ' ' ,),$bpf" >>"$csv"
}

# rounds SERIES STEPS: every step in every round; the pair's order flips
# from round to round so neither variant always follows the other.
rounds() {
	for r in $(seq "$ROUNDS"); do
		for n in $2; do
			if [ $((r % 2)) = 1 ]; then one "$1" "$n" "$r" untraced; one "$1" "$n" "$r" traced
			else one "$1" "$n" "$r" traced; one "$1" "$n" "$r" untraced; fi
			one "$1" "$n" "$r" bpfstats
		done
	done
}

# per_round SERIES N: per round "untraced traced overhead% bpf_ns runs events".
per_round() {
	awk -F, -v s="$1" -v n="$2" '$1 == s && $2 == n { v[$3, $4] = $0; r[$3] = 1 }
		END { for (i in r) { split(v[i, "untraced"], u, ","); split(v[i, "traced"], t, ",")
			split(v[i, "bpfstats"], b, ",")
			print u[5], t[5], u[5] ? 100 * (1 - t[5] / u[5]) : 0, b[9], b[10], b[11] } }' "$csv"
}

dat=$OUT/scaling.dat
: >"$dat"
# report SERIES STEPS: the table, and the series' block of scaling.dat
# (x, BPF ns/conn median min max, overhead % median min max). Pool threads 0
# is drawn at x = 0.5 on the log axis.
report() {
	say "$(printf '%-8s %6s %9s %9s %20s %21s %9s %11s' series "$1" untraced traced overhead_% bpf_ns/conn runs/conn events/conn)"
	echo "# $1" >>"$dat"
	for n in $2; do
		rows=$(per_round "$1" "$n")
		col() { echo "$rows" | awk -v c="$1" '{ print $c }'; }
		med() { col "$1" | stats | cut -d' ' -f1; }
		say "$(printf '%-8s %6s %9.0f %9.0f %20s %21s %9.1f %11.1f' "$1" "$n" "$(med 1)" "$(med 2)" \
			"$(col 3 | med_range 1)" "$(col 4 | med_range 0)" "$(med 5)" "$(med 6)")"
		echo "$(awk -v n="$n" 'BEGIN { print (n > 0 ? n : 0.5) }') $(col 4 | stats | cut -d' ' -f1-3) $(col 3 | stats | cut -d' ' -f1-3)" >>"$dat"
	done
	printf '\n\n' >>"$dat"
}

rounds workers "$WORKER_STEPS"
rounds clients "$CLIENT_STEPS"
rounds threads "$THREAD_STEPS"
report workers "$WORKER_STEPS"
report clients "$CLIENT_STEPS"
report threads "$THREAD_STEPS"
say "  workers: 8 clients; clients: 2 workers; threads: pool threads per worker, 2 workers, 8 clients,"
say "  --work cpu:0 (0: no pool, no --work). untraced, traced: connections/s (medians); overhead ="
say "  1 - traced/untraced rate, per round; bpf_ns/conn: BPF program run time per connection in a third,"
say "  separate traced run with kernel.bpf_stats_enabled=1 (its two clock reads per run included);"
say "  runs/conn: program invocations machine-wide; events/conn: syscalls + switches + wakeups of the"
say "  traced threads. BPF map memlock: $(awk -F, '$4 == "bpfstats" { print $12 / 1048576 }' "$csv" | stats |
	awk '{ printf "%.1f [%.1f, %.1f]", $1, $2, $3 }') MiB."
cp bench/scaling.gp "$OUT/scaling.gp"
if (cd "$OUT" && gnuplot scaling.gp); then
	say "  figure: $OUT/scaling.svg (scaling.gp on scaling.dat)"
else
	echo "bench: gnuplot failed on $OUT/scaling.gp" >&2
	exit 1
fi
