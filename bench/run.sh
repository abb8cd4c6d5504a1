#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# `sudo make bench`: the performance benchmarks of docs/PERFORMANCE.md, in one
# go (about 10 minutes on 2 CPUs) or by name. Loopback only; every load is
# bounded; the only processes stopped are the ones started here.
# Usage: sudo sh bench/run.sh [overhead nginx bpftrace loadgen capacity scaling]
# Environment: ROUNDS (5), DURATION (3 s), WORKERS (nproc), OUT (folder).
set -u
cd "$(dirname "$0")/.." || exit 1
ALL="overhead nginx bpftrace loadgen capacity scaling"
for b in "$@"; do
	case " $ALL " in *" $b "*) ;; *) echo "bench: unknown benchmark '$b'; benchmarks: $ALL" >&2; exit 2 ;; esac
done
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (BPF, bpftrace): run it with sudo" >&2
	exit 1
fi
missing=
for p in bpftrace wrk nginx-light; do
	dpkg-query -W -f='${Status}\n' $p 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bench: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; } ||
		{ echo "bench: apt-get install failed for:$missing" >&2; exit 1; }
fi
export OUT=${OUT:-results/bench-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/runs"
OUT=$(cd "$OUT" && pwd)
start=$(date +%s)
{
	echo "testbed benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs," \
		"kernel $(uname -r), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/summary.txt"
for b in ${*:-$ALL}; do
	echo | tee -a "$OUT/summary.txt"
	sh "bench/$b.sh" || { echo "bench: $b failed" >&2; exit 1; }
done
echo | tee -a "$OUT/summary.txt"
echo "done in $(($(date +%s) - start)) s; load average after: $(cut -d' ' -f1-3 /proc/loadavg); raw data in $OUT" |
	tee -a "$OUT/summary.txt"
