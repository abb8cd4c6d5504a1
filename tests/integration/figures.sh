# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Integration tests of the figures and the terminal's reading aids (issue
# 16): a real run's report keeps every figure's gnuplot script and data next
# to its SVG, PDF and PNG, and gnuplot alone draws it again there; --hist
# prints log2 histograms whose counts are the run's counters, and so does
# the tracer's run-queue-wait distribution (latency.csv runq_wait); the
# summary ends with a verdict. Sourced by run.sh (lib.sh loaded).

# the slot counts of the histogram under the line starting with $2 in file $1
hist_sum() {
	awk -v head="$2" 'index($0, head) == 1 { on = 1; next } on && /^$/ { exit }
		on && / -> / { split($0, f, ":"); n += f[2] + 0 } END { print n + 0 }' "$1"
}

test_hist_matches_counters() {
	dir=$WORK/hist
	run_testbed hist shared-epoll --workers 2 --connections 4 --duration 1 --hist || return 1
	out=$dir.out
	grep -q '^     usecs               : count    distribution$' "$out" || fail "no bcc-style histogram header" || return 1
	c=$(summary "$dir" connections_completed); h=$(hist_sum "$out" "client latency: ")
	[ "$c" -gt 0 ] && [ "$h" -eq "$c" ] || fail "client latency histogram counts $h, summary.csv completed $c" || return 1
	grep -q "^client latency: $c requests$" "$out" || fail "client latency header does not say $c requests" || return 1
	q=$(latency_count "$dir" accept_queue_delay run); h=$(hist_sum "$out" "accept-queue delay: ")
	[ "$q" -gt 0 ] && [ "$h" -eq "$q" ] || fail "accept-queue histogram counts $h, latency.csv $q" || return 1
	# the run-queue-wait distribution (runq_wait_log2): one sample per runq wait, per process and run-wide
	rq=$(csv_sum "$dir/workers.csv" runq_waits)
	[ "$rq" -gt 0 ] && [ "$(latency_count "$dir" runq_wait run)" -eq "$rq" ] &&
		[ "$(latency_count "$dir" runq_wait process)" -eq "$rq" ] ||
		fail "runq_wait samples $(latency_count "$dir" runq_wait run) / $(latency_count "$dir" runq_wait process), workers.csv runq_waits $rq" || return 1
	# the summary ends with one verdict line; a 1 s run gets a 50 ms timeline interval (>= 20 points)
	[ "$(grep -c '^verdict  ' "$out")" -eq 1 ] || fail "no verdict line" || return 1
	grep -Eq '^verdict              (fair|unfair|herd|one worker): ' "$out" || fail "verdict: $(grep '^verdict' "$out")" || return 1
	[ "$(tail -2 "$out" | head -1 | cut -c1-7)" = verdict ] || fail "the verdict is not the summary's last line" || return 1
	[ "$(meta "$dir" interval_ms)" = 50 ] || fail "interval_ms $(meta "$dir" interval_ms), not 50 for a 1 s run" || return 1
	echo "    $c requests, $q accept-queue delays, $rq runq waits: histograms == counters"
}

test_report_keeps_figure_sources() {
	dir=$WORK/hist
	[ -f "$dir/summary.csv" ] || run_testbed hist shared-epoll --workers 2 --connections 4 --duration 1 || return 1
	"$TESTBED" report --format svg,pdf,png "$dir" >"$WORK/figs.out" 2>&1 || { cat "$WORK/figs.out"; fail "report failed"; return 1; }
	n=0
	for svg in "$dir"/report-*.svg; do
		base=${svg%.svg}; name=${base##*/}
		for ext in gp dat pdf png; do
			[ -s "$base.$ext" ] || fail "$name.$ext missing or empty" || return 1
		done
		[ "$(head -c 4 "$base.pdf")" = "%PDF" ] || fail "$name.pdf is not a PDF" || return 1
		grep -q 'set title' "$base.gp" && { fail "$name.gp sets a title (the heading names it)"; return 1; }
		# re-styleable without the run: gnuplot alone redraws it in the folder
		rm -f "$svg" "$base.pdf"
		(cd "$dir" && gnuplot "$name.gp" && gnuplot -e "format='pdf'" "$name.gp") 2>"$WORK/figs.err" ||
			{ cat "$WORK/figs.err"; fail "gnuplot $name.gp failed"; return 1; }
		grep -q '</svg>' "$svg" && [ -s "$base.pdf" ] || fail "gnuplot $name.gp did not redraw it" || return 1
		n=$((n + 1))
	done
	[ $n -ge 6 ] || fail "only $n figures" || return 1
	[ -s "$dir/report-heatmap-connections.svg" ] || fail "no heat map" || return 1
	grep -q 'Connections per worker over time (heat map)' "$dir/report.html" || fail "report.html lacks the heat map" || return 1
	! grep -q '(us' "$dir/report.md" || fail "report.md says us, not µs" || return 1
	echo "    $n figures, each with .gp .dat .svg .pdf .png, redrawn by gnuplot alone"
}
