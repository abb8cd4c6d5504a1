# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Shared by the benchmarks (sourced): running the testbed, reading its run
# folders, and the statistics. Every benchmark alternates its variants
# (A B A B ...) so that the machine's drift hits all of them alike.
TESTBED=${TESTBED:-$(pwd)/build/testbed}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-3}
OUT=${OUT:?OUT must name the benchmark folder}
WORKERS=${WORKERS:-$(nproc)}

# csv_col FILE COLUMN: the column's values (numeric files: no quoting).
csv_col() {
	awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; if (!c) exit 3; next }
		{ print $c }' "$1"
}
meta() { awk -F, -v k="$2" '$1 == k { print $2 }' "$1/meta.csv"; }
summary() { csv_col "$1/summary.csv" "$2"; }

# busy_ticks: "busy total" clock ticks of all CPUs so far (/proc/stat; busy
# is everything but idle and iowait, softirq included: loopback TCP).
busy_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat; }

# tb DIR ARGS...: `testbed ARGS --out DIR --force`; leaves DIR/cpu, the busy
# and total CPU ticks of the machine over the run, and with BPF_STATS=1
# DIR/bpf.csv (see collector.c); with HOOKS_ONLY=1 the tracer's programs are
# attached but return at once (user/test_hooks.h). Fails loudly.
tb() {
	dir=$1; shift
	mkdir -p "$dir"
	before=$(busy_ticks)
	if ! TESTBED_BPF_STATS=${BPF_STATS:+$dir/bpf.csv} TESTBED_BENCH_HOOKS_ONLY=${HOOKS_ONLY:-} \
		"$TESTBED" "$@" --out "$dir" --force \
		>"$dir/stdout" 2>"$dir/stderr"; then
		echo "bench: testbed $* failed:" >&2
		tail -3 "$dir/stderr" >&2
		return 1
	fi
	echo "$before $(busy_ticks)" >"$dir/cpu"
}

# run_figures DIR: "rate_cps connections cpu_ns_per_connection busy_percent".
# The rate is over the requested duration: closed-loop clients start no
# request after it and the few in flight end within a millisecond, while the
# run's own load_duration_s also holds the measuring loop's last tick (up
# to 250 ms). CPU per connection: the machine's busy time over the whole
# run (setup included, the same with and without the tracer) / connections.
run_figures() {
	awk -v n="$(summary "$1" connections_completed)" -v d="$(meta "$1" duration_s)" \
		-v hz="$(getconf CLK_TCK)" '{ busy = $3 - $1; total = $4 - $2 }
		END { printf "%.1f %d %.0f %.1f\n", n / d, n, n ? busy * 1e9 / hz / n : 0, total ? 100 * busy / total : 0 }' "$1/cpu"
}

# bpf_figures DIR CONNECTIONS: from DIR/bpf.csv, "bpf_ns_per_connection
# program_runs_per_connection traced_events_per_connection map_bytes".
bpf_figures() {
	awk -F, -v n="$2" '$1 == "program" { ns += $4; runs += $3 }
		$1 == "traced" && $2 != "threads" { events += $3 }
		$1 == "map" { bytes += $4 }
		END { printf "%.0f %.1f %.1f %d\n", ns / n, runs / n, events / n, bytes }' "$1/bpf.csv"
}

# stats: numbers on stdin -> "median min max count".
stats() {
	sort -g | awk '{ v[NR] = $1 } END { if (!NR) { print "- - - 0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%g %g %g %d\n", m, v[1], v[NR], NR }'
}
# med_range: numbers on stdin -> "median [min, max]" with D decimals.
med_range() {
	stats | awk -v d="${1:-1}" '{ fmt = "%." d "f [%." d "f, %." d "f]"; printf fmt, $1, $2, $3 }'
}

# A free loopback port (for servers the benchmarks start themselves).
free_port() {
	for p in $(seq 18080 18180); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
	echo 18181
}

say() { echo "$@" | tee -a "$OUT/summary.txt"; }

# start_nginx PREFIX WORKERS: an nginx from bench/nginx.conf.in under PREFIX,
# on a free loopback port; sets ng (its pid) and port. Fails loudly.
start_nginx() {
	port=$(free_port)
	mkdir -p "$1/tmp"
	sed -e "s|@WORKERS@|$2|; s|@PREFIX@|$1|g; s|@PORT@|$port|" bench/nginx.conf.in >"$1/nginx.conf"
	nginx -p "$1" -c "$1/nginx.conf" -e "$1/error.log" &
	ng=$!
	i=0
	until ss -Htln "sport = :$port" | grep -q .; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $ng 2>/dev/null; then
			echo "bench: nginx did not start" >&2; cat "$1/error.log" >&2; kill $ng 2>/dev/null; return 1
		fi
		sleep 0.1
	done
}

# wait_bpftrace PID OUT ERR: until bpftrace PID has said "Attaching" in OUT
# (compiling and attaching takes a few seconds; 30 s at most). Fails loudly.
wait_bpftrace() {
	i=0
	until grep -q '^Attaching' "$2" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 300 ] || ! kill -0 "$1" 2>/dev/null; then
			echo "bench: bpftrace did not attach:" >&2; cat "$3" >&2; kill "$1" 2>/dev/null; return 1
		fi
		sleep 0.1
	done
}

# stop_observer PID: SIGINT, and SIGTERM if it is still running 10 s later
# (bpftrace once hung on SIGINT here); its exit status.
stop_observer() {
	kill -INT "$1"
	i=0
	while [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ] && [ -e "/proc/$1" ] && [ $i -lt 100 ]; do
		i=$((i + 1)); sleep 0.1
	done
	[ $i -lt 100 ] || { echo "bench: pid $1 still running 10 s after SIGINT: SIGTERM" >&2; kill -TERM "$1"; }
	wait "$1"
}
