#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The comparison of a `testbed kernels` results folder: writes OUT/comparison.csv
# (every run's summary.csv row, stacked, after kernel,timings,run,status) and
# prints one table per metric group with a column per kernel; where the build
# has `testbed compare`, also OUT/comparison.md, its tables one per run.
#
#   kernels/compare.sh TESTBED OUT
set -u
testbed=$1 out=$2

# --- comparison.csv: summary rows stacked, the kernel and its timings first ----
labels=$(awk -F, 'NR > 1 { print $1 }' "$out/kernels.csv")
runs=$(awk '{ print $1 }' "$out/suite.txt")
header=
for label in $labels; do
	for run in $runs; do
		f=$out/$label/$run/summary.csv
		[ -f "$f" ] && { header=$(head -n 1 "$f"); break 2; }
	done
done
{
	echo "kernel_folder,timings,run,status${header:+,$header}"
	for label in $labels; do
		timings=$(awk -F, -v l="$label" 'NR > 1 && $1 == l { print $6 }' "$out/kernels.csv")
		kstatus=$(awk -F, -v l="$label" 'NR > 1 && $1 == l { print $7 }' "$out/kernels.csv")
		for run in $runs; do
			status=$(awk -F, -v r="$run" 'NR > 1 && $1 == r { print $4 }' "$out/$label/runs.csv" 2>/dev/null)
			# a kernel that did not boot (or timed out): its status for every run not done
			[ -n "$status" ] || [ "$kstatus" = "done" ] || status=$kstatus
			f=$out/$label/$run/summary.csv
			if [ -f "$f" ] && [ -n "$header" ]; then
				# a later schema's extra columns would not line up: map by name
				awk -F, -v pre="$label,$timings,$run,${status:-ok}" -v want="$header" '
					NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
					{ n = split(want, w, ","); line = pre
					  for (i = 1; i <= n; i++) line = line "," (w[i] in col ? $col[w[i]] : "")
					  print line }' "$f"
			else
				echo "$label,$timings,$run,${status:-not-run}"
			fi
		done
	done
} >"$out/comparison.csv"

# --- the printed tables -----------------------------------------------------------
# a cell: the metric, or the run's status where it has no summary
awk -F, -v runs="$runs" '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		k = $1
		if (!(k in seen)) { seen[k] = 1; order[++nk] = k; timing[k] = $2 }
		for (m in col) if (col[m] > 4) cell[k, $3, m] = $col[m]
		status[k, $3] = ($4 == "unsupported") ? "unsupp." : $4
	}
	# the column head: the release without the execution prefix and flavour
	function short(label) { sub(/^(host|emulated|vm)-/, "", label); sub(/-cloud-amd64$/, "", label); return label }
	function fmt(v) { return (v !~ /^-?[0-9]+\.[0-9]+$/) ? v : sprintf(v >= 100 || v <= -100 ? "%.1f" : "%.3f", v) }
	function table(title, metrics,   nm, m, r, i, j, name, line, any, w) {
		nm = split(metrics, m, " ")
		w = 16
		printf "\n%s\n", title
		line = sprintf("%-24s %-22s", "", "kernel")
		for (j = 1; j <= nk; j++) line = line sprintf(" %" w "s", substr(short(order[j]), 1, w))
		print line
		line = sprintf("%-24s %-22s", "run", "metric")
		for (j = 1; j <= nk; j++) line = line sprintf(" %" w "s", timing[order[j]])
		print line
		for (r = 1; r <= nr; r++) for (i = 1; i <= nm; i++) {
			split(m[i], spec, ":"); name = spec[1]
			if (spec[2] != "" && runlist[r] !~ spec[2]) continue
			line = sprintf("%-24s %-22s", runlist[r], name); any = 0
			for (j = 1; j <= nk; j++) {
				# a run without figures shows its status (failed, unsupp., no-boot, ...)
				v = (status[order[j], runlist[r]] == "ok") ? cell[order[j], runlist[r], name] : status[order[j], runlist[r]]
				if (v != "") any = 1
				line = line sprintf(" %" w "s", v == "" ? "-" : fmt(v))
			}
			if (any) print line
		}
	}
	END {
		nr = split(runs, runlist, "\n")
		table("behaviour (comparable across kernels, emulated or not)",
			"jain_index max_share herd_factor wasted_wakeup_ratio connections_lost:kill connections_completed")
		table("timings (" (has_emulated() ? "columns marked emulated ran under TCG: not comparable with the host" : "real") ")",
			"throughput_cps latency_p99_us restart_ms:kill")
		printf "\nkernels (folders):"
		for (j = 1; j <= nk; j++) printf " %s", order[j]
		printf "\n"
	}
	function has_emulated(   j) { for (j = 1; j <= nk; j++) if (timing[order[j]] == "emulated") return 1; return 0 }
' "$out/comparison.csv"

# what did not work, and why (runs.csv reasons; the -v logs hold the rest)
for label in $labels; do
	[ -f "$out/$label/runs.csv" ] || continue
	awk -F, -v l="$label" 'NR > 1 && ($4 == "failed" || $4 == "timeout") {
		reason = $0; for (i = 0; i < 6; i++) reason = substr(reason, index(reason, ",") + 1)
		gsub(/^"|"$/, "", reason); gsub(/""/, "\"", reason)
		printf "%s %s: %s: %s\n", l, $1, $4, reason }' "$out/$label/runs.csv"
done | { problems=$(cat); [ -z "$problems" ] || printf '\nproblems:\n%s\n' "$problems"; }
awk -F, 'NR > 1 && $7 != "done" { print $1 ": " $7 }' "$out/kernels.csv" | sed 's/^/kernel /'

# `testbed compare` over the same run folders, one table per run, into
# OUT/comparison.md (its rows are kernels; the table above has them as columns)
if "$testbed" help 2>/dev/null | grep -q '^ *compare '; then
	for run in $runs; do
		dirs=
		for label in $labels; do
			[ -f "$out/$label/$run/summary.csv" ] && dirs="$dirs $out/$label/$run"
		done
		[ -n "$dirs" ] || continue
		printf '## %s\n\n' "$run"
		# shellcheck disable=SC2086
		"$testbed" compare $dirs 2>&1
		echo
	done >"$out/comparison.md"
	echo "per-run tables (testbed compare): $out/comparison.md"
fi
exit 0
