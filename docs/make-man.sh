#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# docs/make-man.sh BINARY > docs/testbed.1: the man page, made from the
# --help texts of BINARY (testbed, run, trace, study, report, compare), so
# that it says what the program says. `make man` runs it; a test checks that
# docs/testbed.1 is current. Option lines become tagged paragraphs, headings
# subsections, indented tables stay as they are, the rest is filled text.
set -e
bin=${1:?usage: make-man.sh BINARY}
version=$("$bin" --version | awk '{ print $2 }')

# roff for one help text on stdin
to_roff() {
	awk '
	function esc(s) { gsub(/\\/, "\\e", s); gsub(/\.\/testbed/, "testbed", s); gsub(/-/, "\\-", s); sub(/^[.'"'"']/, "\\\\\\&&", s); return s }
	function close_block() { if (verbatim) print ".fi"; verbatim = 0 }
	/^usage:/ || (/^       [a-z.\/]/ && in_usage) { in_usage = 1; sub(/^usage: +/, ""); sub(/^ +/, "");
		close_block(); print ".PP"; print ".B " esc($0); next }
	{ in_usage = 0 }
	/^$/ { close_block(); last = ""; next }
	/^  +-/ && !/^          / {                       # an option: "  -w, --workers N   help"
		close_block()
		line = $0; sub(/^ +/, "", line)
		gap = index(line, "  ")
		opt = gap ? substr(line, 1, gap - 1) : line
		text = gap ? substr(line, gap) : ""; sub(/^ +/, "", text)
		print ".TP"; print ".B " esc(opt); if (text != "") print esc(text)
		last = "option"; next
	}
	/^          / && last == "option" { line = $0; sub(/^ +/, "", line); print esc(line); next }
	/^[^ ].*:$/ { close_block(); h = $0; sub(/:$/, "", h); print ".SS " esc(h); last = ""; next }
	/^ / { if (!verbatim) { print ".nf"; verbatim = 1 } print esc($0); last = "table"; next }
	{ close_block(); if (last != "text") print ".PP"; print esc($0); last = "text" }
	END { close_block() }'
}

cat <<HEAD
.\\" SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
.\\" Made by docs/make-man.sh from testbed's --help texts: edit those, then run make man.
.TH TESTBED 1 "" "testbed $version" "User Commands"
.SH NAME
testbed \\- run multi\\-process server models and real servers under eBPF observation
.SH SYNOPSIS
.B testbed
.I COMMAND
[\\fIoptions\\fR]
.SH DESCRIPTION
HEAD
"$bin" --help | to_roff
for command in run trace study report compare; do
	echo ".SH \"$(echo "$command" | tr a-z A-Z)\""
	"$bin" "$command" --help | to_roff
done
cat <<'TAIL'
.SH FILES
.TP
.I PREFIX/share/testbed/scenarios/external
the bundled servers' scripts and nginx configuration template
.TP
.I results/
run folders, by default under the current folder
.SH SEE ALSO
.BR bpftool (8),
.BR nginx (8),
.BR node (1);
README.md and docs/ in the source tree
TAIL
