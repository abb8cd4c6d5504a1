#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Integration test of `testbed study` (root): the thundering-herd study cut
# to N <= 2, one 1 s run each (~20 s): study.md has the claim, the measured
# numbers and a verdict, and that verdict is the one docs/STUDY.md's rule
# gives for the herd factors in the runs' own summary.csv. Sourced by run.sh.
HERE=${HERE:-$(dirname "$0")}
. "$HERE/lib.sh"

test_study_thundering_herd_short() {
	out=$WORK/study-herd
	"$TESTBED" study thundering-herd --duration 1 --repeat 1 --max-workers 2 --out "$out" \
		>"$WORK/study-herd.out" 2>&1 || { cat "$WORK/study-herd.out"; fail "study failed"; return 1; }
	md=$out/study.md
	for part in '## Claim' '## Measured' '## Verdict' 'shortened' 'CPUs'; do
		grep -q "$part" "$md" || fail "study.md has no '$part'" || return 1
	done
	[ -s "$out/study.html" ] && [ -s "$out/study.svg" ] || fail "no study.html or study.svg" || return 1
	[ ! -e "$out/runs/shared-epoll-n4-1" ] || fail "--max-workers 2 ran N=4" || return 1
	e=$(summary "$out/runs/shared-epoll-n2-1" herd_factor)
	a=$(summary "$out/runs/shared-accept-n2-1" herd_factor)
	x=$(summary "$out/runs/shared-epoll-excl-n2-1" herd_factor)
	# the rule (docs/STUDY.md), on the runs' own numbers
	want=$(awk -v e="$e" -v a="$a" -v x="$x" 'BEGIN {
		w = a > x ? a : x; one = w <= 1.25; some = e >= 1.1 * w; n = e >= 1.0 && some
		if (one && n) print "reproduced"; else if (one && some || n || some) print "partly"
		else print "not reproduced" }')
	got=$(awk '/^## Verdict/ { v = 1; next } v && NF { sub(/\.$/, ""); print; exit }' "$md")
	echo "    N=2 herd: shared-epoll $e, accept $a, exclusive $x: verdict '$got' (rule: '$want')"
	[ "$got" = "$want" ] || fail "study.md's verdict '$got', the rule on summary.csv gives '$want'" || return 1
	shown=$(printf '%.3f' "$e")
	grep -q "^| shared-epoll-n2 .*| *$shown |" "$md" ||
		fail "study.md does not show shared-epoll N=2's herd factor $shown" || return 1
	grep -q "verdict: $want" "$WORK/study-herd.out" || fail "the terminal does not say the verdict"
}

# `study list` reads every file in studies/ (from the executable's tree): all
# five studies, each with its runs x repeats
test_study_list() {
	"$TESTBED" study list >"$WORK/study-list.out" 2>&1 || { cat "$WORK/study-list.out"; fail "study list failed"; return 1; }
	for name in thundering-herd node-cluster-balance nginx-accept-mutex worker-restart pool-herd; do
		grep -q "^$name " "$WORK/study-list.out" || fail "study list does not name $name" || return 1
	done
	grep -q "^worker-restart  *12 " "$WORK/study-list.out" || fail "worker-restart is not 4 runs x 3" || return 1
}

# --work sleep:US@F (no pool: the worker sleeps): exactly every 4th request of
# the one worker is slow, so the median stays fast, the p99 is slow, and the
# slow quarter's sleeps fit in the load window
test_work_mix_sleep() {
	out=$WORK/work-mix
	"$TESTBED" run reuseport --workers 1 --connections 1 --work sleep:20000@0.25 --duration 1 --out "$out" \
		>"$WORK/work-mix.out" 2>&1 || { cat "$WORK/work-mix.out"; fail "run with --work sleep:20000@0.25 failed"; return 1; }
	n=$(summary "$out" connections_completed)
	p50=$(summary "$out" latency_p50_us)
	p99=$(summary "$out" latency_p99_us)
	d=$(summary "$out" duration_s)
	work=$(summary "$out" work)
	echo "    $n connections, p50 $p50 us, p99 $p99 us in $d s ($work)"
	[ "$work" = "sleep:20000@0.25" ] || fail "summary.csv work '$work', not sleep:20000@0.25" || return 1
	awk -v n="$n" -v a="$p50" -v b="$p99" -v d="$d" 'BEGIN {
		exit !(n >= 8 && a < 20000 && b >= 20000 && int(n / 4) * 0.020 <= d + 0.05) }' ||
		fail "not every 4th request slept 20 ms: $n connections, p50 $p50, p99 $p99 us in $d s"
}
