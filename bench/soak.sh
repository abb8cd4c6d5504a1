#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# `sudo make soak [SOAK_SECONDS=3600]`: the testbed in long use (issue 19,
# item 4). Two measurements at once, each SOAK_SECONDS long and rate-limited
# so that the machine stays usable:
#   trace: `testbed trace --pid` of prefork-recycle (a pre-fork server whose
#          workers exit after SOAK_RECYCLE connections; the parent forks
#          replacements), under an open-loop load of SOAK_RATE requests/s;
#   run:   `testbed run SOAK_SCENARIO` under the same rate.
# Every SOAK_INTERVAL seconds each testbed's RSS, fds, the rows its run
# record holds (TESTBED_SOAK_STATS) and its BPF maps' occupancy (bpftool,
# maps found through the process's own fds) go into soak.csv. At the end, per
# testbed and figure: the slope after warm-up (the first quarter) and the
# verdict, bounded (|slope| below the threshold) or growing; then the
# cross-checks, tracer == server == client, run-wide and per process.
# Not part of `make test`. Loopback only; stops only what it started.
set -u
cd "$(dirname "$0")/.." || exit 1
SECONDS_EACH=${SOAK_SECONDS:-3600}
INTERVAL=${SOAK_INTERVAL:-10}
RATE=${SOAK_RATE:-1500}
RECYCLE=${SOAK_RECYCLE:-200}
WORKERS=${SOAK_WORKERS:-4}
SCENARIO=${SOAK_SCENARIO:-shared-epoll}
# growth per hour above which a figure is "growing": RSS in KiB, the others in rows/entries
RSS_SLOPE_KIB_H=${SOAK_RSS_SLOPE_KIB_H:-2048}
ROWS_SLOPE_H=${SOAK_ROWS_SLOPE_H:-100}
OUT=${OUT:-results/soak-$(date -u +%Y%m%d-%H%M%S)}
TESTBED=${TESTBED:-$(pwd)/build/testbed}
. bench/lib.sh

[ "$(id -u)" = 0 ] || { echo "soak: needs root (BPF): run it with sudo" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "soak: bpftool is missing (make deps)" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
csv=$OUT/soak.csv
cc -O2 -Wall -o "$OUT/prefork-recycle" tests/integration/servers/prefork-recycle.c || exit 1

server= trace= run=
stop_all() {
	for p in $trace $run; do kill -INT "$p" 2>/dev/null; done
	[ -n "$server" ] && kill -TERM "$server" 2>/dev/null
}
trap 'stop_all; exit 130' INT TERM

# testbed_pid JOB: the testbed process of a background job (the job itself,
# or its child when the shell forked once more).
testbed_pid() {
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = testbed ] && { echo "$1"; return; }
		c=$(pgrep -P "$1" -x testbed) && { echo "$c"; return; }
		sleep 0.2
	done
	echo "$1"
}

# map_counts PID: "threads retired_threads untracked_threads connections
# queued_jobs traced_tgids" entries in the testbed PID's maps
# (found through its fds; bpftool prints each entry's "key" once).
map_counts() {
	ids=" $(cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^map_id:/ { printf "%s ", $2 }')"
	maps=$(bpftool map show 2>/dev/null | awk -v ids="$ids" '/^[0-9]+:/ { id = $1; sub(":", "", id)
		for (i = 2; i < NF; i++) if ($i == "name" && index(ids, " " id " ")) print id, $(i + 1) }')
	for name in threads retired_threads untracked_threa connections queued_jobs traced_tgids; do
		id=$(echo "$maps" | awk -v n=$name '$2 == n { print $1; exit }')
		if [ -z "$id" ]; then
			n=-
		elif [ $name = traced_tgids ]; then
			# a flag byte per tgid: count the set ones
			n=$(bpftool map dump id "$id" -j 2>/dev/null | tr -c '0-9\n' ' ' |
				awk '{ for (i = 1; i <= NF; i++) if ($i == "1") s++ } END { print s + 0 }')
		else
			n=$(bpftool map dump id "$id" 2>/dev/null | grep -cE '^ *"key": ')
		fi
		printf ' %s' "$n"
	done
}

# sample WHAT PID ELAPSED: one soak.csv row.
sample() {
	[ -d "/proc/$2" ] || return 0
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$2/status" 2>/dev/null)
	fds=$(ls "/proc/$2/fd" 2>/dev/null | wc -l)
	rows=$(tail -1 "$OUT/$1.rows" 2>/dev/null | cut -d, -f2-)
	[ -n "$rows" ] || rows=-,-,-,-
	echo "$1,$3,${rss:--},$fds,$rows,$(map_counts "$2" | sed 's/^ //; s/ /,/g')" >>"$csv"
}

port=$(free_port)
counts=$OUT/server.counts
rm -f "$counts" "$OUT/trace.rows" "$OUT/run.rows"
echo "what,elapsed_s,rss_kib,fds,record_processes,record_threads,record_timeline,record_histograms,map_threads,map_retired_threads,map_untracked_threads,map_connections,map_queued_jobs,map_traced_tgids" >"$csv"
{
	echo "soak: ${SECONDS_EACH} s each, trace --pid of prefork-recycle ($WORKERS workers, recycled every" \
		"$RECYCLE connections) and run $SCENARIO, both at $RATE requests/s, sampled every $INTERVAL s"
	echo "machine: $(nproc) CPUs, kernel $(uname -r), pid_max $(cat /proc/sys/kernel/pid_max)"
} | tee "$OUT/summary.txt"

"$OUT/prefork-recycle" "$port" "$WORKERS" "$RECYCLE" "$counts" &
server=$!
sleep 0.5
TESTBED_SOAK_STATS=$OUT/trace.rows "$TESTBED" trace --pid "$server" --load "127.0.0.1:$port" --rate "$RATE" \
	--duration "$SECONDS_EACH" --out "$OUT/trace" --force >"$OUT/trace.stdout" 2>"$OUT/trace.stderr" &
trace_job=$!
TESTBED_SOAK_STATS=$OUT/run.rows "$TESTBED" run "$SCENARIO" --workers "$WORKERS" --rate "$RATE" --port 0 \
	--duration "$SECONDS_EACH" --out "$OUT/run" --force >"$OUT/run.stdout" 2>"$OUT/run.stderr" &
run_job=$!
trace=$(testbed_pid $trace_job) run=$(testbed_pid $run_job)
start=$(date +%s)
while kill -0 $trace_job 2>/dev/null || kill -0 $run_job 2>/dev/null; do
	elapsed=$(($(date +%s) - start))
	sample trace "$trace" "$elapsed"
	sample run "$run" "$elapsed"
	sleep "$INTERVAL"
done
wait $trace_job; trace_rc=$?
wait $run_job; run_rc=$?
kill -TERM "$server"; wait "$server"; server=
trap - INT TERM

# verdict WHAT: per column, the least-squares slope per hour over the samples
# after the first quarter (warm-up), and bounded / growing. The LRU maps fill
# to their size and stay there (bounded by it); the timeline grows with time
# by design (a row per worker per interval), so for it the test is that its
# rate does not grow: the slope over the later half of the samples against
# the earlier half's.
verdict() {
	awk -F, -v what="$1" -v total="$SECONDS_EACH" -v rss_max="$RSS_SLOPE_KIB_H" -v rows_max="$ROWS_SLOPE_H" '
		function fit(k, lo, hi,   j, c, sx, sy, sxx, sxy, d) {
			for (j = lo; j <= hi; j++) if (v[k, j] != "-") {
				c++; sx += t[j]; sy += v[k, j]; sxx += t[j] * t[j]; sxy += t[j] * v[k, j] }
			if (c < 3) return "nan"
			d = c * sxx - sx * sx
			return d ? (c * sxy - sx * sy) / d * 3600 : 0
		}
		NR == 1 { for (i = 3; i <= NF; i++) name[i] = $i; n = NF; next }
		$1 != what || $2 < total / 4 { next }
		{ t[++m] = $2; for (i = 3; i <= n; i++) { v[i, m] = $i; if (!(i in first) && $i != "-") first[i] = $i; if ($i != "-") last[i] = $i } }
		END { for (i = 3; i <= n; i++) {
				slope = fit(i, 1, m)
				if (slope == "nan") { printf "  %-22s too few samples after warm-up\n", name[i]; grew++; continue }
				max = name[i] == "rss_kib" ? rss_max : rows_max
				verdict = (slope < max && slope > -max) ? "bounded" : "GROWING"
				if (name[i] ~ /^map_(connections|queued_jobs)$/)
					verdict = "LRU: bounded by its size"
				if (name[i] == "record_histograms" && verdict != "bounded")
					verdict = "one per pid met: bounded by pid_max (sparse, ~" \
						"100 B + 16 B per bucket used)"
				if (name[i] == "record_timeline") {
					early = fit(i, 1, int(m / 2)); late = fit(i, int(m / 2) + 1, m)
					if (early != "nan" && late != "nan" && late <= early * 1.5 + rows_max)
						verdict = sprintf("linear in time (rate %.0f -> %.0f /h): bounded rate", early, late)
					else
						verdict = sprintf("rate GROWING (%s -> %s /h)", early, late)
				}
				if (verdict ~ /GROWING/) grew++
				printf "  %-22s %10s -> %-10s slope %+12.1f /h  %s\n", name[i], first[i], last[i], slope, verdict }
			exit grew > 0 }' "$csv"
}

# crosscheck DIR trace|run: BPF accepted == the server's own == the load's completed.
crosscheck() {
	completed=$(summary "$1" connections_completed)
	bpf=$(csv_col "$1/workers.csv" accepted | awk '{ s += $1 } END { print s + 0 }')
	if [ "$2" = trace ]; then
		own=$(awk '{ s += $2 } END { print s + 0 }' "$counts")
	else
		own=$(csv_col "$1/workers.csv" self_reported_accepted | awk '{ s += $1 } END { print s + 0 }')
	fi
	# a request the client gave up on (timed out, reset) may have been accepted
	lost=$(summary "$1" connections_lost)
	ok=yes; [ "$bpf" = "$own" ] && [ "$completed" -le "$bpf" ] && [ "$bpf" -le $((completed + lost)) ] || ok=NO
	echo "  run-wide: tracer $bpf, server $own, client $completed completed + $lost lost:" \
		"tracer == server, client completed <= tracer <= completed + lost: $ok"
	echo "  drops: events $(meta "$1" event_drops), threads untracked $(meta "$1" threads_untracked)," \
		"retire failed $(meta "$1" threads_retire_failed), threads map peak $(meta "$1" threads_map_peak)"
	echo "  rows written: workers.csv $(($(wc -l <"$1/workers.csv") - 1)), threads.csv $(($(wc -l <"$1/threads.csv") - 1))," \
		"timeline.csv $(($(wc -l <"$1/timeline.csv") - 1)), latency.csv $(($(wc -l <"$1/latency.csv") - 1))"
	[ $ok = yes ]
}

# per process, trace: for each pid, its processes' counts in the order they
# lived (a pid the kernel gave again has several; the folded ones together)
per_process_trace() {
	awk -f tests/integration/per_pid_counts.awk FS=' ' "$counts" FS=, "$OUT/trace/workers.csv"
}
per_process_run() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["role"] == "worker" { n++; if ($h["self_reported_accepted"] != $h["accepted"] + $h["fds_received"]) bad++ }
		END { printf "  per process: %d workers, %d differ\n", n, bad; exit bad > 0 }' "$OUT/run/workers.csv"
}

rm -f "$OUT/failed"
for what in trace run; do
	eval rc=\$${what}_rc
	{
		echo
		echo "== $what (exit $rc): after warm-up, first sample -> last, slope per hour"
		verdict $what || touch "$OUT/failed"
		crosscheck "$OUT/$what" $what || touch "$OUT/failed"
		per_process_$what || touch "$OUT/failed"
		[ "$rc" = 0 ] || touch "$OUT/failed"
	} 2>&1 | tee -a "$OUT/summary.txt"
done
[ -e "$OUT/failed" ] && result=FAIL || result=PASS
echo "soak: $result; $OUT/summary.txt, $csv" | tee -a "$OUT/summary.txt"
[ $result = PASS ]
