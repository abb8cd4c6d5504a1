#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Benchmark 1b, observer overhead on a real server: one nginx
# (bench/nginx.conf.in, $NGINX_WORKERS workers, accept_mutex off, no access
# log) under wrk, four ways in every round, alternating: wrk alone; wrk
# while `testbed trace --pid NGINX` watches it with its hooks alone (every
# program attached but returning at once: TESTBED_BENCH_HOOKS_ONLY=1, the
# kernel's cost of the tracepoints, the floor under ours); the same trace in
# full; wrk while bench/nginx.bt (bpftrace) counts comparable things on the
# same nginx. Per round each
# observer's slowdown against the untraced rate of that round, side by
# side; and each observer's own CPU over the load (its process's user +
# system time) per million events it accounted (the traced threads'
# followed syscalls + context switches + wakeups, counted by the testbed).
. bench/lib.sh
NW=${NGINX_WORKERS:-4}
NC=${NGINX_CONNECTIONS:-16}
NT=${NGINX_THREADS:-1}
# Connection: close (a connection per request, the case the tracer pays most
# for); NGINX_KEEPALIVE=1 for wrk's default keep-alive
header="-H Connection:close"; [ "${NGINX_KEEPALIVE:-0}" = 1 ] && header=
csv=$OUT/nginx.csv
mkdir -p "$OUT/runs"
echo "round,variant,requests_per_s,observer_cpu_s,traced_events" >"$csv"
say "== 1b. observer overhead on nginx: $NW workers, wrk -t$NT -c$NC${header:+ (Connection: close)}, ${DURATION} s," \
	"$ROUNDS rounds (median [min, max])"
start_nginx "$OUT/nginx-1b" "$NW" || exit 1
observer=
trap 'kill $observer $ng 2>/dev/null; wait $ng 2>/dev/null' EXIT

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
links() { ls -l "/proc/$1/fd" 2>/dev/null | grep -cE 'perf_event|bpf_link'; }
# wrk_round OUTFILE: the requests per second of one wrk run
wrk_round() {
	wrk -t "$NT" -c "$NC" -d "${DURATION}s" $header "http://127.0.0.1:$port/" >"$1" 2>&1 ||
		{ echo "bench: wrk failed" >&2; cat "$1" >&2; return 1; }
	awk '/^Requests\/sec:/ { print $2 }' "$1"
}

for r in $(seq "$ROUNDS"); do
	for v in untraced hooks ours bpftrace; do
		d=$OUT/runs/nginx-$r-$v
		mkdir -p "$d"
		cpu= events=
		case $v in
		ours | hooks)
			stats=$d/bpf.csv hooks=
			[ $v = hooks ] && stats= hooks=1
			TESTBED_BPF_STATS=$stats TESTBED_BENCH_HOOKS_ONLY=$hooks "$TESTBED" trace --pid $ng --out "$d" --force \
				>"$d/stdout" 2>"$d/stderr" &
			observer=$!
			# attached: its links (a perf event per syscall tracepoint) are open
			i=0
			until [ "$(links $observer)" -ge 10 ]; do
				i=$((i + 1))
				if [ $i -gt 300 ] || ! kill -0 $observer 2>/dev/null; then
					echo "bench: testbed trace did not attach:" >&2; cat "$d/stderr" >&2; exit 1
				fi
				sleep 0.1
			done
			sleep 0.5 ;;
		bpftrace)
			bpftrace bench/nginx.bt >"$d/bpftrace.out" 2>"$d/bpftrace.err" &
			observer=$!
			wait_bpftrace $observer "$d/bpftrace.out" "$d/bpftrace.err" || exit 1 ;;
		esac
		[ -n "$observer" ] && before=$(cpu_ticks $observer)
		rate=$(wrk_round "$d/wrk.out") || exit 1
		if [ -n "$observer" ]; then
			cpu=$(awk -v a="$before" -v b="$(cpu_ticks $observer)" -v hz="$(getconf CLK_TCK)" \
				'BEGIN { printf "%.2f", (b - a) / hz }')
			stop_observer $observer
			# Ctrl-C ends a trace without --duration: 130 (a clean, complete run)
			ok=$?; [ $v != bpftrace ] && [ $ok = 130 ] && ok=0
			[ $ok = 0 ] || { echo "bench: the $v observer failed:" >&2; tail -3 "$d/stderr" "$d/bpftrace.err" 2>/dev/null >&2; exit 1; }
			observer=
		fi
		[ $v = ours ] && events=$(awk -F, '$1 == "traced" && $2 != "threads" { s += $3 } END { print s + 0 }' "$d/bpf.csv")
		echo "$r,$v,$rate,$cpu,$events" >>"$csv"
	done
done

say "$(printf '%-10s %12s %22s %26s' variant requests_s slowdown_% 'observer CPU s/M events')"
for v in untraced hooks ours bpftrace; do
	rows=$(awk -F, -v v="$v" '$2 == "untraced" { u[$1] = $3 } $2 == "ours" { e[$1] = $5 }
		$2 == v { t[$1] = $3; c[$1] = $4 }
		END { for (r in t) print t[r], 100 * (1 - t[r] / u[r]), e[r] ? c[r] * 1e6 / e[r] : "-" }' "$csv")
	slow=-; cpu=-
	[ $v != untraced ] && slow=$(echo "$rows" | awk '{ print $2 }' | med_range 1)
	[ $v != untraced ] && cpu=$(echo "$rows" | awk '$3 != "-" { print $3 }' | med_range 2)
	say "$(printf '%-10s %12.0f %22s %26s' "$v" "$(echo "$rows" | awk '{ print $1 }' | stats | cut -d' ' -f1)" "$slow" "$cpu")"
done
say "  ours / bpftrace slowdown, per round: $(awk -F, '$2 == "untraced" { u[$1] = $3 } $2 == "ours" { o[$1] = $3 }
	$2 == "bpftrace" { b[$1] = $3 } END { for (r in o) { so = 1 - o[r] / u[r]; sb = 1 - b[r] / u[r]
		printf "%s%.2f", sep, (sb > 0 ? so / sb : 0); sep = " " } }' "$csv")"
say "  events: the traced nginx threads' followed syscalls + switches + wakeups (testbed's count, per round:" \
	"$(awk -F, '$2 == "ours" { printf "%s%.0f", sep, $5; sep = " " }' "$csv")); bpftrace's CPU per the same events."
