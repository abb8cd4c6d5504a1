#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The kernel-history controls of a `testbed kernels` results folder: gathers
# the figures kernels/controls.csv names (features.csv, each repeat's
# summary.csv, the probes' probe.csv) into OUT/controls-input.csv, lets
# kernels/controls.awk judge expected vs measured per kernel into
# OUT/controls.csv and prints the table. Exit 1 when a control came out
# `unexpected`, else 0. It measures nothing itself.
#
#   kernels/controls.sh OUT
set -u
out=$1
here=$(cd "$(dirname "$0")" && pwd)
spec=$here/controls.csv

# column NAME of a header + rows CSV file's first row; empty when missing
csv_column() {
	awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		NR == 2 { if (k) print $k; exit }' "$1" 2>/dev/null
}
# kernel_version DIR PACKAGE RELEASE
kernel_version() {
	v=$(awk -F, '$1 == "kernel_version" { print $2 }' "$1/features.csv" 2>/dev/null)
	[ -n "$v" ] || v=$(echo "$2" | sed -n 's/^.*=\([0-9]*\.[0-9]*\.[0-9]*\).*$/\1/p')
	[ -n "$v" ] || v=$(echo "$3" | sed -n 's/^\([0-9]*\.[0-9]*\(\.[0-9]*\)\{0,1\}\).*$/\1/p')
	echo "$v"
}
pairs=$(awk -F, 'NR > 1 && !seen[$5 FS $6]++ { print $5 "," $6 }' "$spec")
folders=$(awk '{ print $1 }' "$out/suite.txt")
{
	echo "kernel,version,run,repeat,status,metric,value"
	awk -F, 'NR > 1 { print $1, $3, $7, ($4 == "" ? "-" : $4) }' "$out/kernels.csv" | while read -r label release kstatus package; do
		dir=$out/$label
		# the upstream X.Y.Z the expectations go by: what the kernel said
		# (features.csv), else the Debian package's version, else the release
		release=$(kernel_version "$dir" "$package" "$release")
		for pair in $pairs; do
			run=${pair%,*} metric=${pair#*,}
			if [ "$run" = feature ]; then
				if [ -f "$dir/features.csv" ]; then
					value=$(awk -F, -v k="$metric" '$1 == k { print $2; exit }' "$dir/features.csv")
					echo "$label,$release,$run,1,ok,$metric,$value"
				else
					echo "$label,$release,$run,1,$kstatus,$metric,"
				fi
				continue
			fi
			mine=$(echo "$folders" | grep -x "$run\.[0-9]*")
			[ -n "$mine" ] || { echo "$label,$release,$run,,not-run,$metric,"; continue; }
			for folder in $mine; do
				status=$(awk -F, -v r="$folder" 'NR > 1 && $1 == r { print $4 }' "$dir/runs.csv" 2>/dev/null)
				[ -n "$status" ] || { [ "$kstatus" = "done" ] && status=not-run || status=$kstatus; }
				value=
				if [ "$status" = ok ]; then
					value=$(csv_column "$dir/$folder/summary.csv" "$metric")
					[ -n "$value" ] || value=$(csv_column "$dir/$folder/probe.csv" "$metric")
				fi
				echo "$label,$release,$run,${folder##*.},$status,$metric,$value"
			done
		done
	done
} >"$out/controls-input.csv"
awk -F, -f "$here/controls.awk" "$spec" "$out/controls-input.csv" >"$out/controls.csv"

# the table: one line per control row and kernel, under a heading per control
# with its upstream version and any stable backport its rows name (a first
# pass over the file collects those)
awk -F, 'FNR == 1 { next }
	FNR == NR { nf = split($6, f, " "); if (!($1 in up)) up[$1] = f[1]
		for (i = 2; i <= nf; i++) if (index(" " bp[$1] " ", " " f[i] " ") == 0) bp[$1] = bp[$1] (bp[$1] == "" ? "" : " ") f[i]
		next }
	function short(label) { sub(/-cloud-amd64$/, "", label); return label }
	{ if ($1 != last) printf "\n%s (upstream %s%s)\n", $1, up[$1], (bp[$1] == "" ? "" : "; stable backport: " bp[$1])
	  last = $1
	  line = sprintf("  %-22s %-26s %-34s %-18s %-24s %s", $2, $3, short($4) " (" $5 ")", $7, $8, ($10 == "unexpected" ? "UNEXPECTED" : $10))
	  gsub(/~/, "–", line); print line
	  if ($10 == "unexpected") bad++; if ($10 == "ok") good++ }
	BEGIN { printf "\ncontrols (kernels/controls.csv: expected before/after the change, measured per kernel)\n"
		printf "  %-22s %-26s %-34s %-18s %-24s %s\n", "run", "metric", "kernel (version)", "expected", "measured", "verdict" }
	END { printf "\ncontrols: %d ok, %d unexpected (controls.csv)\n", good, bad; exit bad > 0 }' "$out/controls.csv" "$out/controls.csv"
