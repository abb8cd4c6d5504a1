#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Where the tracer's time goes (docs/PERFORMANCE.md, "Profile"); not part of
# `make bench`. A traced run and a hooks-only run (every program returning at
# once) with kernel.bpf_stats_enabled=1: per program, runs and run time per
# connection, and our code's share (traced minus empty, which leaves out
# bpf_stats' own clock reads, 50-110 ns a run on a VM's kvm-clock); then
# `perf record -a` over a traced run
# and the share of the samples spent in tracing: BPF programs and the
# kernel's BPF/tracepoint machinery (raw tracepoints' bpf_trace_run*, the syscall
# tracepoints' perf_syscall_enter/exit and trace_call_bpf). Other sessions' tracers
# count too: check `bpftool prog show` first on a shared machine.
# Usage: sudo sh bench/profile.sh [SCENARIO]   (default shared-epoll)
cd "$(dirname "$0")/.." || exit 1
export OUT=${OUT:-results/profile-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
. bench/lib.sh
S=${1:-shared-epoll}
d=$OUT/bpfstats
e=$OUT/bpfstats-hooks
was=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
# traced, then the hooks alone (every program returning at once): bpf_stats'
# own clock reads and the call cost, which the difference leaves out
BPF_STATS=1 tb "$d" run "$S" --workers "$WORKERS" --connections 8 --duration "$DURATION" --port 0 &&
	BPF_STATS=1 HOOKS_ONLY=1 tb "$e" run "$S" --workers "$WORKERS" --connections 8 --duration "$DURATION" --port 0
ok=$?
sysctl -qw kernel.bpf_stats_enabled="$was"
[ $ok -eq 0 ] || exit 1
n=$(summary "$d" connections_completed)
echo "$S: $n connections; per program, traced and with every program empty (bpf_stats adds two clock"
echo "reads to each run, in both; ours = runs/conn x the difference: our code's time per connection):"
printf '%-28s %10s %10s %10s %10s %10s
' program runs/conn ns/run ns/conn empty_ns ours_ns
awk -F, -v n="$n" 'FNR == NR { if ($1 == "program" && $3 > 0) empty[$2] = $4 / $3; next }
	$1 == "program" && $3 > 0 { per = $4 / $3; base = ($2 in empty) ? empty[$2] : 0
		ours = $3 / n * (per - base)
		printf "%-28s %10.2f %10.0f %10.0f %10.0f %10.0f\n", $2, $3 / n, per, $4 / n, base, ours
		r += $3; t += $4; o += ours }
	END { printf "%-28s %10.2f %10.0f %10.0f %10s %10.0f\n", "all", r / n, r ? t / r : 0, t / n, "", o }' \
	"$e/bpf.csv" "$d/bpf.csv"
awk -F, '$1 == "map" { b += $4 } END { printf "BPF map memory (memlock): %.1f MiB\n", b / 1048576 }' "$d/bpf.csv"

command -v perf >/dev/null || { echo "perf is not installed: no sample profile"; exit 0; }
d=$OUT/perf
mkdir -p "$d"
"$TESTBED" run "$S" --workers "$WORKERS" --connections 8 --duration 4 --port 0 --out "$d" --force >/dev/null 2>&1 &
tbpid=$!
sleep 1.5
perf record -a -g -o "$d/perf.data" -- sleep 2 >/dev/null 2>&1
wait $tbpid
perf report -i "$d/perf.data" --no-children --sort symbol -g none 2>/dev/null | grep '%' >"$d/symbols.txt"
echo "perf: samples in the tracer (BPF programs, tracepoint trampolines, BPF maps and ring buffer):"
grep -E 'bpf_prog_|bpf_trace_run|__bpf_trace|htab_|lookup_nulls_elem|bpf_lru|ringbuf|syscall_trace_enter|syscall_exit_work|perf_syscall_|perf_trace_buf|trace_call_bpf|copy_from_kernel_nofault|bpf_get_current|bpf_ktime|bpf_probe_read|bpf_map_' \
	"$d/symbols.txt" | awk '{ s += $1; printf "  %s\n", $0 } END { printf "  total %.2f%% of all samples\n", s }' | sed 's/  *- *- *$//'
