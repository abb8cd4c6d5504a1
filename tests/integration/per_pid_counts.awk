# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Per process, a traced server's own counts against the tracer's:
#   awk -f per_pid_counts.awk FS=' ' COUNTS FS=, RUN/workers.csv
# COUNTS: "pid count" per process that ended (prefork-recycle's file). Per
# pid, the tracer's rows (its processes in the order they lived) must be the
# last lives of the server's for that pid; the earlier lives are the ones
# the testbed folded into the pid-0 row, whose accepted must be their sum.
# Prints one line per difference (at most 20) and a summary; exit 1 if any.
FNR == NR { own[$1] = own[$1] " " $2; lives++; next }
FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
$h["role"] == "worker" && $h["pid"] == 0 { folded_row = $h["accepted"] + $h["fds_received"]; next }
$h["role"] == "worker" { bpf[$h["pid"]] = bpf[$h["pid"]] " " ($h["accepted"] + $h["fds_received"]); rows++ }
function sum(s,   n, a, i, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) t += a[i]; return t }
function words(s,   a) { return split(s, a, " ") }
function report(text) { if (++bad <= 20) print "    " text }
END {
	for (p in bpf)
		if (!(p in own))
			report("pid " p ": BPF" bpf[p] ", server none")
	for (p in own) {
		tail = bpf[p]
		if (length(own[p]) < length(tail) || substr(own[p], length(own[p]) - length(tail) + 1) != tail) {
			report("pid " p ": server" own[p] ", BPF" tail)
			continue
		}
		folded_lives += words(own[p]) - words(tail)
		folded_own += sum(own[p]) - sum(tail)
	}
	if (folded_own != folded_row + 0)
		report("folded: " folded_lives " server processes took " folded_own ", the pid-0 row " folded_row + 0)
	printf "    per process: %d server processes, %d with rows of their own, %d folded (%d connections);" \
		" %d differ\n", lives, rows, folded_lives, folded_own, bad
	exit bad > 0
}
