#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Benchmark 2, against bpftrace: shared-epoll under the same load three ways,
# alternating: untraced (--no-trace), our tracer, and untraced by us but
# watched by bench/herd.bt (accepts and wakeups per worker). Both overheads
# against the untraced rate of the same round; bpftrace's accept count is
# checked against the load generator's.
. bench/lib.sh
S=${BPFTRACE_SCENARIO:-shared-epoll}
csv=$OUT/bpftrace.csv
echo "round,variant,rate_cps,connections,cpu_ns_per_connection,busy_percent,bpftrace_accepted" >"$csv"
say "== 2. against bpftrace: $S, $WORKERS workers, 8 connections, ${DURATION} s, $ROUNDS rounds (median [min, max])"
for r in $(seq "$ROUNDS"); do
	for v in untraced ours bpftrace; do
		d=$OUT/runs/bpftrace-$r-$v
		flag=--no-trace; [ $v = ours ] && flag=
		accepted=
		if [ $v = bpftrace ]; then
			mkdir -p "$d"
			bpftrace bench/herd.bt >"$d/bpftrace.out" 2>"$d/bpftrace.err" &
			bt=$!
			wait_bpftrace $bt "$d/bpftrace.out" "$d/bpftrace.err" || exit 1
		fi
		tb "$d" run "$S" --workers "$WORKERS" --connections 8 --duration "$DURATION" --port 0 $flag
		ok=$?
		if [ $v = bpftrace ]; then
			stop_observer $bt
			# only this run's workers (other tb-workers on the machine count too)
			accepted=$(csv_col "$d/workers.csv" pid | awk -v f="$d/bpftrace.out" '
				BEGIN { while ((getline line < f) > 0) if (line ~ /^@accepted\[/) {
						split(line, a, /[][]|: /); n[a[2]] = a[4] } }
				{ s += n[$1] } END { print s + 0 }')
		fi
		[ $ok -eq 0 ] || exit 1
		echo "$r,$v,$(run_figures "$d" | tr ' ' ,),$accepted" >>"$csv"
	done
done
say "$(printf '%-10s %14s %20s %24s' variant rate_cps slowdown_% extra_cpu_ns_per_conn)"
for v in untraced ours bpftrace; do
	rows=$(awk -F, -v v="$v" '$2 == "untraced" { u[$1] = $3; uc[$1] = $5 } $2 == v { t[$1] = $3; tc[$1] = $5 }
		END { for (r in t) print t[r], 100 * (1 - t[r] / u[r]), tc[r] - uc[r] }' "$csv")
	say "$(printf '%-10s %14s %20s %24s' "$v" "$(echo "$rows" | awk '{ print $1 }' | stats | cut -d' ' -f1)" \
		"$(echo "$rows" | awk '{ print $2 }' | med_range 1)" "$(echo "$rows" | awk '{ print $3 }' | med_range 0)")"
done
say "  bpftrace's accepts vs the load generator's connections, per round: $(awk -F, '$2 == "bpftrace" {
	printf "%s%s/%s", sep, $7, $4; sep = " " }' "$csv")"

# The tax on everyone else: both observers hook syscalls of the whole machine
# (ours: the per-syscall tracepoints of the syscalls its classes name -- dd's
# reads run our program, its writes only the kernel's bit test; bpftrace:
# the classic raw_syscalls tracepoints, then its comm filter). A process
# neither traces -- dd copying byte by byte, two syscalls a byte -- timed
# alone, under our tracer (`testbed trace` of an idle process) and under
# herd.bt, alternating.
BYTES=${TAX_BYTES:-1000000}
dd_seconds() {
	dd if=/dev/zero of=/dev/null bs=1 count="$BYTES" 2>&1 | awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) print $(i - 1) }'
}
progs() { bpftool prog show 2>/dev/null | grep -c 'name handle_sys_exit'; }
tax=$OUT/syscall_tax.csv
echo "round,variant,seconds" >"$tax"
sleep 600 &
idle=$!
for r in $(seq "$ROUNDS"); do
	echo "$r,none,$(dd_seconds)" >>"$tax"
	before=$(progs)
	"$TESTBED" trace --pid $idle --duration 60 --out "$OUT/runs/tax-$r" --force >/dev/null 2>&1 &
	tr=$!
	i=0
	until [ "$(progs)" -gt "$before" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
	sleep 0.5 # loaded; the syscall tracepoints are attached one by one after
	echo "$r,ours,$(dd_seconds)" >>"$tax"
	kill -INT $tr; wait $tr
	bpftrace bench/herd.bt >"$OUT/runs/tax-$r.bt" 2>&1 &
	bt=$!
	i=0
	until grep -q '^Attaching' "$OUT/runs/tax-$r.bt" || [ $i -gt 300 ]; do i=$((i + 1)); sleep 0.1; done
	echo "$r,bpftrace,$(dd_seconds)" >>"$tax"
	kill -INT $bt; wait $bt
done
kill $idle; wait $idle 2>/dev/null
say "syscall tax on an untraced process (dd, $((2 * BYTES)) syscalls; ns per syscall over dd alone, median [min, max]):"
for v in ours bpftrace; do
	say "$(printf '  %-9s' $v)$(awk -F, -v v=$v -v n=$((2 * BYTES)) '$2 == "none" { a[$1] = $3 } $2 == v { b[$1] = $3 }
		END { for (r in b) print (b[r] - a[r]) * 1e9 / n }' "$tax" | med_range 1) ns" \
		"(dd alone: $(awk -F, '$2 == "none" { print $3 * 1e9 / n }' n=$((2 * BYTES)) "$tax" | med_range 1) ns per syscall)"
done
