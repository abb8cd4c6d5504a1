#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Benchmark 3, load generator vs wrk: one nginx (bench/nginx.conf.in,
# $WORKERS workers), driven alternately by our load generator (`testbed
# trace --pid NGINX --load ... --no-trace`: the load alone, nothing attached)
# and by wrk, both with 8 connections, one request per connection
# (Connection: close), as many client threads as CPUs.
. bench/lib.sh
csv=$OUT/loadgen.csv
echo "round,tool,requests_per_s" >"$csv"
say "== 3. load generator vs wrk: nginx, $WORKERS workers, 8 connections, Connection: close, ${DURATION} s, $ROUNDS rounds"
threads=$(nproc)
start_nginx "$OUT/nginx" "$WORKERS" || exit 1
trap 'kill $ng 2>/dev/null; wait $ng 2>/dev/null' EXIT
for r in $(seq "$ROUNDS"); do
	d=$OUT/runs/loadgen-$r-testbed
	tb "$d" trace --pid $ng --load "127.0.0.1:$port" --connections 8 --loadgen-threads "$threads" \
		--duration "$DURATION" --no-trace || exit 1
	errors=$(summary "$d" connections_lost)
	[ "$errors" = 0 ] || echo "bench: our load generator lost $errors connections" >&2
	echo "$r,testbed,$(run_figures "$d" | cut -d" " -f1)" >>"$csv"
	wrk -t "$threads" -c 8 -d "${DURATION}s" -H 'Connection: close' "http://127.0.0.1:$port/" >"$OUT/runs/loadgen-$r-wrk.out" 2>&1 ||
		{ echo "bench: wrk failed" >&2; cat "$OUT/runs/loadgen-$r-wrk.out" >&2; exit 1; }
	echo "$r,wrk,$(awk '/^Requests\/sec:/ { print $2 }' "$OUT/runs/loadgen-$r-wrk.out")" >>"$csv"
done
say "$(printf '%-8s %s' testbed "$(awk -F, '$2 == "testbed" { print $3 }' "$csv" | med_range 0) req/s")"
say "$(printf '%-8s %s' wrk "$(awk -F, '$2 == "wrk" { print $3 }' "$csv" | med_range 0) req/s")"
say "ratio    $(awk -F, '$2 == "testbed" { t[$1] = $3 } $2 == "wrk" { w[$1] = $3 } END { for (r in t) print t[r] / w[r] }' "$csv" | med_range 3) (testbed / wrk, per round)"
errors=$(cat "$OUT"/runs/loadgen-*-wrk.out | grep -E 'Socket errors|Non-2xx' | tr -s ' ' | tr '\n' ';')
lost=$(for r in $(seq "$ROUNDS"); do summary "$OUT/runs/loadgen-$r-testbed" connections_lost; done | awk '{ s += $1 } END { print s + 0 }')
say "  connections lost: testbed $lost; wrk socket errors / non-2xx: ${errors:-none}"
