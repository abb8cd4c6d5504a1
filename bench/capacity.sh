#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Benchmark 4, collector capacity: the most events a run can make -- a
# thundering herd, 32 idle workers on one level-triggered epoll, a single
# client: every connection wakes them all -- streamed with --events through
# ring buffers from the default down to a tiny one. Per run the event rate,
# the drops, and the exact check: drops + records delivered (rows in
# events.csv) == records produced (a per-CPU counter in the kernel, counted
# at every attempt, apart from the ring buffer).
. bench/lib.sh
SIZES=${CAPACITY_SIZES:-16384 4096 1024 256 64 16}
CAP_ROUNDS=${CAPACITY_ROUNDS:-2}
csv=$OUT/capacity.csv
echo "round,ring_buffer_kb,events_per_s,produced,delivered,drops,exact" >"$csv"
say "== 4. collector capacity: shared-epoll, 32 workers, 1 connection, --events, ${DURATION} s, $CAP_ROUNDS rounds per size"
for r in $(seq "$CAP_ROUNDS"); do
	for kb in $SIZES; do
		d=$OUT/runs/capacity-$r-$kb
		tb "$d" run shared-epoll --workers 32 --connections 1 --duration "$DURATION" --port 0 --events \
			--ring-buffer "$kb" || exit 1
		produced=$(meta "$d" events_produced); delivered=$(meta "$d" events_written); drops=$(meta "$d" event_drops)
		rows=$(($(wc -l <"$d/events.csv") - 1))
		exact=no
		[ $((drops + delivered)) -eq "$produced" ] && [ "$rows" -eq "$delivered" ] && exact=yes
		echo "$r,$kb,$(awk -v p="$produced" -v s="$(meta "$d" load_duration_s)" 'BEGIN { printf "%.0f", p / s }'),$produced,$delivered,$drops,$exact" >>"$csv"
		rm -f "$d/events.csv" # up to a few hundred MB; the counts are kept above
	done
done
say "$(printf '%8s %22s %12s %12s %12s  %s' ring_KB events_per_s produced delivered drops 'drops+delivered==produced')"
awk -F, 'NR > 1 { printf "%8s %22s %12s %12s %12s  %s\n", $2, $3, $4, $5, $6, $7 }' "$csv" | tee -a "$OUT/summary.txt"
say "highest event rate with zero drops: $(awk -F, 'NR > 1 && $6 == 0 && $3 > m { m = $3; kb = $2 } END { printf "%d events/s (ring %s KB)", m, kb }' "$csv");" \
	"every run exact: $(awk -F, 'NR > 1 && $7 != "yes" { bad++ } END { print bad ? "NO (" bad " runs off)" : "yes" }' "$csv")"
