# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# The verdicts of the kernel-history controls of `testbed kernels`: expected
# vs measured per control and kernel. Reads two files:
#
#   1. kernels/controls.csv, the controls written down before running:
#      control,change,commit,landed,run,metric,before,after
#      landed: the upstream version (5.14), then any stable backport of the
#      same change as X.Y.Z (5.10.188: from there on in the 5.10 series).
#      `before` is expected on a kernel without the change, `after` on the
#      others. An expectation: yes, no, unsupported (the run was refused),
#      empty (the run gave no figure: a counter the kernel lacks), n/a, >X,
#      >=X, <X, <=X or A..B, which every repeat must meet, or median>X... which
#      the median of the repeats must meet (a tendency, not a guarantee);
#      alternatives joined by | (unsupported|>1).
#   2. the measurements (kernels/controls.sh), one row per kernel, run, repeat
#      and metric: kernel,version,run,repeat,status,metric,value
#      (version: the kernel's upstream X.Y.Z, from which the expectation is
#      chosen)
#
# and writes one row per (control row, kernel):
#
#   control,run,metric,kernel,version,landed,expected,measured,repeats,verdict,commit
#
# verdict: `ok` (every repeat gave a figure within the expectation, or no
# repeat gave one and the statuses are the expected unsupported / empty),
# `unexpected` (anything else: a figure outside it, a failed or mismatched
# repeat, no figure where one was expected), `not-run` (the run was not in the
# suite, a probe skipped it (one CPU), or the kernel gave no results) or
# `n/a` (nothing expected).
# measured: the median [min~max] over the repeats (one figure when all
# agree), yes/no, and any statuses other than ok.
# Pure: no files but its input; tests/integration/kernels.sh tests it on
# hand-made input.
#
#   awk -F, -f kernels/controls.awk kernels/controls.csv measurements.csv

# 5.10.223 -> 5010223; 6.1 -> 6001000; not a version -> -1
function version(v,   p) {
	if (!match(v, /^[0-9]+\.[0-9]+(\.[0-9]+)?/)) return -1
	split(substr(v, 1, RLENGTH), p, ".")
	return p[1] * 1000000 + p[2] * 1000 + p[3]
}
# whether version V has the change LANDED ("5.14 5.10.188"): V >= the upstream
# version, or V in the series of a backport and >= it
function has_change(v, landed,   l, nl, i, kv) {
	kv = version(v); nl = split(landed, l, " ")
	if (kv >= version(l[1])) return 1
	for (i = 2; i <= nl; i++)
		if (int(kv / 1000) == int(version(l[i]) / 1000) && kv >= version(l[i])) return 1
	return 0
}
function num(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
function holds(v, want,   lim) {
	if (want ~ /^>=/) return num(v) && v + 0 >= substr(want, 3) + 0
	if (want ~ /^<=/) return num(v) && v + 0 <= substr(want, 3) + 0
	if (want ~ /^>/) return num(v) && v + 0 > substr(want, 2) + 0
	if (want ~ /^</) return num(v) && v + 0 < substr(want, 2) + 0
	if (want ~ /\.\./) { split(want, lim, /\.\./); return num(v) && v + 0 >= lim[1] + 0 && v + 0 <= lim[2] + 0 }
	return v == want
}
function median(list, n,   v, i, j, t) {
	split(list, v, " ")
	for (i = 2; i <= n; i++) { t = v[i] + 0; for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	return (n % 2) ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
}
function g(v) { return sprintf("%.4g", v) }
function add_status(key, s) { if (index("|" st[key] "|", "|" s "|") == 0) st[key] = st[key] (st[key] == "" ? "" : "|") s }

BEGIN { OFS = "," }
FNR == 1 { next }
FNR == NR { ns++; for (i = 1; i <= 8; i++) spec[ns, i] = $i; next }
{
	k = $1
	if (!(k in seenk)) { seenk[k] = 1; korder[++nk] = k }
	if ($2 != "") kver[k] = $2
	key = k SUBSEP $3 SUBSEP $6
	rows[key]++
	if ($5 != "ok") { add_status(key, $5); next }
	if ($7 == "") { add_status(key, "empty"); next }
	vals[key] = vals[key] " " $7; n[key]++
	if (!num($7)) words[key] = (index(" " words[key] " ", " " $7 " ") ? words[key] : words[key] (words[key] == "" ? "" : " ") $7)
	else {
		if (!(key in lo) || $7 + 0 < lo[key]) lo[key] = $7 + 0
		if (!(key in hi) || $7 + 0 > hi[key]) hi[key] = $7 + 0
	}
}
# every figure in the space-separated LIST holds WANT
function all_hold(list, want,   v, i, nv) {
	nv = split(list, v, " ")
	for (i = 1; i <= nv; i++) if (!holds(v[i], want)) return 0
	return nv > 0
}
function expectation(s, k) {
	if (version(kver[k]) < 0) return ""
	return has_change(kver[k], spec[s, 4]) ? spec[s, 8] : spec[s, 7]
}
# the repeats of KEY meet one of the |-separated expectations in WANT
function meets(key, want,   w, nw, i) {
	nw = split(want, w, "|")
	for (i = 1; i <= nw; i++) {
		if (w[i] == "unsupported" || w[i] == "empty") { if (n[key] == 0 && st[key] == w[i]) return 1 }
		else if (w[i] ~ /^median/) { if (n[key] > 0 && st[key] == "" && holds(median(vals[key], n[key]), substr(w[i], 7))) return 1 }
		else if (n[key] > 0 && st[key] == "" && all_hold(vals[key], w[i])) return 1
	}
	return 0
}
END {
	print "control", "run", "metric", "kernel", "version", "landed", "expected", "measured", "repeats", "verdict", "commit"
	for (s = 1; s <= ns; s++) for (j = 1; j <= nk; j++) {
		k = korder[j]; key = k SUBSEP spec[s, 5] SUBSEP spec[s, 6]
		want = expectation(s, k)
		measured = ""
		if (n[key] > 0 && words[key] != "") measured = words[key]
		else if (n[key] > 0) measured = (lo[key] == hi[key]) ? g(lo[key]) : g(median(vals[key], n[key])) " [" g(lo[key]) "~" g(hi[key]) "]"
		if (st[key] != "") measured = measured (measured == "" ? "" : " + ") st[key]
		if (want == "n/a") verdict = "n/a"
		else if (want == "" || rows[key] == 0 || st[key] ~ /^(not-run|skipped|no-boot|timeout|no-results|fetch-failed)$/) verdict = "not-run"
		else verdict = meets(key, want) ? "ok" : "unexpected"
		print spec[s, 1], spec[s, 5], spec[s, 6], k, kver[k], spec[s, 4], want, (measured == "" ? "-" : measured),
			n[key] + 0, verdict, spec[s, 3]
	}
}
