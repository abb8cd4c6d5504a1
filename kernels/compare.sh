#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The comparison of a `testbed kernels` results folder: writes OUT/comparison.csv
# (every run's summary.csv row, stacked, after kernel_folder,timings,run,repeat,
# status), OUT/verdicts.csv (kernels/verdicts.awk: per run, metric and kernel
# the median [min-max] over the repeats and the verdict against the reference
# kernel) and prints one table per metric group with a column per kernel;
# where the build has `testbed compare`, also OUT/comparison.md.
#
#   kernels/compare.sh TESTBED OUT REFERENCE_LABEL
set -u
testbed=$1 out=$2 reference=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
behaviour="jain_index max_share herd_factor wasted_wakeup_ratio connections_lost"
timing="throughput_cps latency_p99_us restart_ms connections_completed"

# --- comparison.csv: summary rows stacked, the kernel and its timings first ----
labels=$(awk -F, 'NR > 1 { print $1 }' "$out/kernels.csv")
folders=$(awk '{ print $1 }' "$out/suite.txt")     # <run>.<repeat>
runs=$(echo "$folders" | sed 's/\.[0-9]*$//' | awk '!seen[$0]++')
header=
for label in $labels; do
	for folder in $folders; do
		f=$out/$label/$folder/summary.csv
		[ -f "$f" ] && { header=$(head -n 1 "$f"); break 2; }
	done
done
{
	echo "kernel_folder,timings,run,repeat,status${header:+,$header}"
	for label in $labels; do
		timings=$(awk -F, -v l="$label" 'NR > 1 && $1 == l { print $6 }' "$out/kernels.csv")
		kstatus=$(awk -F, -v l="$label" 'NR > 1 && $1 == l { print $7 }' "$out/kernels.csv")
		for folder in $folders; do
			run=${folder%.*} repeat=${folder##*.}
			status=$(awk -F, -v r="$folder" 'NR > 1 && $1 == r { print $4 }' "$out/$label/runs.csv" 2>/dev/null)
			# a kernel that did not boot (or timed out): its status for every run not done
			[ -n "$status" ] || [ "$kstatus" = "done" ] || status=$kstatus
			f=$out/$label/$folder/summary.csv
			if [ -f "$f" ] && [ -n "$header" ]; then
				# a later schema's extra columns would not line up: map by name
				awk -F, -v pre="$label,$timings,$run,$repeat,${status:-ok}" -v want="$header" '
					NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
					{ n = split(want, w, ","); line = pre
					  for (i = 1; i <= n; i++) line = line "," (w[i] in col ? $col[w[i]] : "")
					  print line }' "$f"
			else
				echo "$label,$timings,$run,$repeat,${status:-not-run}"
			fi
		done
	done
} >"$out/comparison.csv"
awk -F, -v reference="$reference" -v behaviour="$behaviour" -v timing="$timing" \
	-f "$here/verdicts.awk" "$out/comparison.csv" >"$out/verdicts.csv"

# --- the printed tables -----------------------------------------------------------
# a cell: median [min-max] over the repeats (one figure when all agree), `!`
# after a verdict `differs`; a run without figures shows its status
awk -F, -v runs="$runs" -v reference="$reference" -v kernels="$out/kernels.csv" '
	BEGIN { while ((getline line <kernels) > 0) if (++nl > 1) { split(line, f, ","); order[++nk] = f[1]; timing[f[1]] = f[6] } }
	NR == 1 { next }
	{ key = $1 SUBSEP $2 SUBSEP $3; has[$1, $2] = 1
	  if ($4 > 0) cell[key] = ($6 == $7 ? fmt($5) : fmt($5) " [" fmt($6) "~" fmt($7) "]") ($8 == "differs" ? " !" : "")
	  else cell[key] = ($11 == "") ? "-" : short_status($11)
	  if ($8 == "differs") ndiff++ }
	function short_status(s) { gsub(/unsupported/, "unsupp.", s); return s }
	function short(label) { sub(/^(host|emulated|vm)-/, "", label); sub(/-cloud-amd64$/, "", label); return label }
	function fmt(v) { return (v !~ /^-?[0-9]+\.[0-9]+$/) ? v : sprintf(v >= 100 || v <= -100 ? "%.1f" : "%.3f", v) }
	# pad to w characters, the ~ standing for a one-character en dash
	function pad(s, w) { while (length(s) < w) s = " " s; gsub(/~/, "–", s); return s }
	function table(title, metrics,   nm, m, r, i, j, name, line, w, tag) {
		nm = split(metrics, m, " ")
		w = 26
		printf "\n%s\n", title
		line = sprintf("%-24s %-22s", "", "kernel")
		for (j = 1; j <= nk; j++) line = line " " pad(substr(short(order[j]), 1, w), w)
		print line
		line = sprintf("%-24s %-22s", "run", "metric")
		for (j = 1; j <= nk; j++) { tag = timing[order[j]] (order[j] == reference ? " (ref.)" : ""); line = line " " pad(tag, w) }
		print line
		for (r = 1; r <= nr; r++) for (i = 1; i <= nm; i++) {
			split(m[i], spec, ":"); name = spec[1]
			if (spec[2] != "" && runlist[r] !~ spec[2]) continue
			if (!has[runlist[r], name]) continue
			line = sprintf("%-24s %-22s", runlist[r], name)
			for (j = 1; j <= nk; j++) line = line " " pad(cell[runlist[r], name, order[j]], w)
			print line
		}
	}
	END {
		nr = split(runs, runlist, "\n")
		table("behaviour (comparable across kernels, emulated or not; median [min" "–" "max] over the repeats)",
			"jain_index max_share herd_factor wasted_wakeup_ratio connections_lost:kill connections_completed")
		table("timings (compared only between kernels run the same way: real, emulated, virtualised)",
			"throughput_cps latency_p99_us restart_ms:kill")
		printf "\n%d figure(s) differ from the reference (%s): marked !, ratios in verdicts.csv\n", ndiff, reference
		printf "kernels (folders):"
		for (j = 1; j <= nk; j++) printf " %s", order[j]
		printf "\n"
	}
' "$out/verdicts.csv"

# what did not work, and why (runs.csv reasons; the -v logs hold the rest)
for label in $labels; do
	[ -f "$out/$label/runs.csv" ] || continue
	awk -F, -v l="$label" 'NR > 1 && ($4 == "failed" || $4 == "timeout" || $4 == "mismatch") {
		reason = $0; for (i = 0; i < 6; i++) reason = substr(reason, index(reason, ",") + 1)
		gsub(/^"|"$/, "", reason); gsub(/""/, "\"", reason)
		printf "%s %s: %s: %s\n", l, $1, $4, reason }' "$out/$label/runs.csv"
done | { problems=$(cat); [ -z "$problems" ] || printf '\nproblems:\n%s\n' "$problems"; }
awk -F, 'NR > 1 && $7 != "done" { print $1 ": " $7 }' "$out/kernels.csv" | sed 's/^/kernel /'

# `testbed compare` over the same run folders, one table per run, into
# OUT/comparison.md (its rows are kernels; the table above has them as columns)
if "$testbed" help 2>/dev/null | grep -q '^ *compare '; then
	for run in $folders; do
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
