# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The verdicts of a `testbed kernels` study: reads comparison.csv (one row per
# kernel, run and repeat: kernel_folder,timings,run,repeat,status,<summary.csv
# columns>) and writes one row per (run, metric, kernel):
#
#   run,metric,kernel,runs,median,min,max,verdict,ratio,reference,statuses
#
# runs: the repeats with a figure; verdict against the reference kernel:
# `same` (the [min, max] ranges overlap), `differs` (they do not; ratio =
# median / the reference's median) or `n/a` (the reference itself, no figures
# on either side, or a timing compared across execution kinds: real, emulated
# and virtualised timings are never compared). statuses: the repeats' statuses
# other than ok (unsupported, failed, mismatch, no-boot...), `|`-separated.
# Pure: no files but its input, no state; kernels/compare.sh runs it and
# tests/integration/kernels.sh tests it on hand-made input.
#
#   awk -F, -v reference=LABEL -v behaviour="jain_index ..." -v timing="throughput_cps ..." \
#       -f kernels/verdicts.awk comparison.csv
# A (run, metric) that no kernel has a figure for is left out.

function median(list, n,   v, i, j, t) {
	split(list, v, " ")
	for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	return (n % 2) ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
}
function num(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
# six significant digits, never an exponent (a p99 of 1862270 us stays a number)
function g(v) { return (v >= 1e6 || v <= -1e6) ? sprintf("%.0f", v) : sprintf("%.6g", v) }

BEGIN { OFS = ","; nmet = split(behaviour, bm, " "); for (i = 1; i <= nmet; i++) { met[i] = bm[i]; kind[bm[i]] = "behaviour" }
	nt = split(timing, tm, " "); for (i = 1; i <= nt; i++) { met[nmet + i] = tm[i]; kind[tm[i]] = "timing" }; nmet += nt }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
	k = $1; r = $3
	if (!(k in seenk)) { seenk[k] = 1; korder[++nk] = k; timings[k] = $2 }
	if (!(r in seenr)) { seenr[r] = 1; rorder[++nr] = r }
	if ($5 != "ok") { if (index("|" st[r, k] "|", "|" $5 "|") == 0) st[r, k] = st[r, k] (st[r, k] == "" ? "" : "|") $5; next }
	for (i = 1; i <= nmet; i++) {
		m = met[i]
		if (!(m in col) || !num($col[m])) continue
		v = $col[m] + 0; key = r SUBSEP m SUBSEP k
		vals[key] = vals[key] " " v; n[key]++
		if (!(key in lo) || v < lo[key]) lo[key] = v
		if (!(key in hi) || v > hi[key]) hi[key] = v
	}
}
END {
	print "run", "metric", "kernel", "runs", "median", "min", "max", "verdict", "ratio", "reference", "statuses"
	for (ri = 1; ri <= nr; ri++) for (i = 1; i <= nmet; i++) {
		r = rorder[ri]; m = met[i]; any = 0
		for (j = 1; j <= nk; j++) if (n[r, m, korder[j]] > 0) any = 1
		if (!any) continue   # a metric no kernel has for this run (restart_ms without a kill)
		for (j = 1; j <= nk; j++) verdict_row(r, m, korder[j])
	}
}
function verdict_row(r, m, k,   key, rkey, med, mn, mx, verdict, ratio, rmed) {
		key = r SUBSEP m SUBSEP k; rkey = r SUBSEP m SUBSEP reference
		med = mn = mx = ""; verdict = "n/a"; ratio = ""
		if (n[key] > 0) { med = median(vals[key], n[key]); mn = lo[key]; mx = hi[key] }
		if (k != reference && n[key] > 0 && n[rkey] > 0 &&
			(kind[m] == "behaviour" || timings[k] == timings[reference])) {
			if (lo[key] <= hi[rkey] && lo[rkey] <= hi[key]) verdict = "same"
			else {
				verdict = "differs"; rmed = median(vals[rkey], n[rkey])
				ratio = (rmed != 0) ? sprintf("%.3g", med / rmed) : "inf"
			}
		}
		print r, m, k, n[key] + 0, (med == "" ? "" : g(med)), (mn == "" ? "" : g(mn)), (mx == "" ? "" : g(mx)),
			verdict, ratio, reference, st[r, k]
}
