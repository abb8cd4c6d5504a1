# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Integration tests of the install and the command line's manners (issue 16):
# `make install DESTDIR=...` gives a binary that works from its new place,
# the man page renders and says what --help says, bash completion offers
# run's options and scenarios, a mistyped scenario gets a "did you mean".
# Sourced by run.sh (lib.sh's helpers); about a second each, no load.

# the source tree of the binary under test (TREE/build/testbed)
TREE=$(dirname "$(dirname "$TESTBED")")
BUILD_DIR=$(basename "$(dirname "$TESTBED")")

# Installed under DESTDIR, the binary runs `list` and `--version` and finds
# its bundled server files there; uninstall takes every file away again.
test_install_destdir() {
	dest=$WORK/install
	make -s --no-print-directory -C "$TREE" install DESTDIR="$dest" PREFIX=/usr BUILD="$BUILD_DIR" \
		-o "$BUILD_DIR/testbed" >"$WORK/install.out" 2>&1 ||
		{ cat "$WORK/install.out"; fail "make install exited $?"; return 1; }
	bin=$dest/usr/bin/testbed
	for f in "$bin" "$dest/usr/share/man/man1/testbed.1" "$dest/usr/share/bash-completion/completions/testbed" \
		"$dest/usr/share/testbed/scenarios/external/nginx.conf.in" \
		"$dest/usr/share/testbed/scenarios/external/node-cluster.js"; do
		[ -f "$f" ] || fail "make install did not install $f" || return 1
	done
	[ "$("$bin" --version)" = "$("$TESTBED" version)" ] && [ "$("$bin" -V)" = "$("$TESTBED" version)" ] ||
		fail "the installed --version/-V differ from version: $("$bin" --version)" || return 1
	"$bin" list >"$WORK/install-list.out" 2>&1 && grep -q '^shared-epoll ' "$WORK/install-list.out" ||
		{ cat "$WORK/install-list.out"; fail "the installed testbed list failed"; return 1; }
	# moved away from the tree, bundled servers read PREFIX/share/testbed
	if "$bin" list | grep -q '^nginx-reuseport  *yes'; then
		"$bin" run nginx-reuseport --workers 1 --connections 1 --duration 0.5 --out "$WORK/install-run" \
			>"$WORK/install-run.out" 2>&1 ||
			{ tail -5 "$WORK/install-run.out"; fail "the installed binary cannot run a bundled server"; return 1; }
	fi
	make -s --no-print-directory -C "$TREE" uninstall DESTDIR="$dest" PREFIX=/usr BUILD="$BUILD_DIR" \
		-o "$BUILD_DIR/testbed" >/dev/null 2>&1 || fail "make uninstall failed" || return 1
	left=$(find "$dest" -type f)
	[ -z "$left" ] || fail "make uninstall left: $left"
}

# docs/testbed.1 renders without warnings, is what make-man.sh makes of this
# binary's --help (else: make man), and documents run's options and exit codes.
test_man_page() {
	sh "$TREE/docs/make-man.sh" "$TESTBED" >"$WORK/testbed.1" || fail "make-man.sh failed" || return 1
	cmp -s "$WORK/testbed.1" "$TREE/docs/testbed.1" ||
		{ diff "$TREE/docs/testbed.1" "$WORK/testbed.1" | head -10; fail "docs/testbed.1 is out of date: make man"
		  return 1; }
	groff -man -ww -z "$WORK/testbed.1" 2>"$WORK/man.err" && [ ! -s "$WORK/man.err" ] ||
		{ cat "$WORK/man.err"; fail "groff warns about the man page"; return 1; }
	groff -man -Tascii "$WORK/testbed.1" 2>/dev/null | sed 's/.\x08//g' >"$WORK/man.txt"
	for text in 'run multi-process server' '--workers N' '--kill-worker-after S' 'exit codes' '130 interrupted' \
		'--pid PID' 'RUN' 'TRACE'; do
		grep -q -- "$text" "$WORK/man.txt" || fail "the rendered man page lacks '$text'" || return 1
	done
	echo "    $(wc -l <"$WORK/man.txt") lines rendered"
}

# complete WORDS...: what the bash completion offers for the last word
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _testbed; echo "${COMPREPLY[*]}"' \
		complete "$TREE/docs/testbed.bash-completion" "$@"
}

test_completion() {
	out=$(complete_words "$TESTBED" run shared-epoll --wo)
	[ "$out" = "--work --worker-cpus --workers" ] || fail "run --wo completes to '$out'" || return 1
	out=$(complete_words "$TESTBED" run shared-epo)
	[ "$out" = "shared-epoll shared-epoll-excl" ] || fail "run shared-epo completes to '$out'" || return 1
	out=$(complete_words "$TESTBED" tr)
	[ "$out" = "trace" ] || fail "tr completes to '$out'" || return 1
	out=$(complete_words "$TESTBED" trace --pi)
	[ "$out" = "--pid" ] || fail "trace --pi completes to '$out'" || return 1
	out=$(complete_words "$TESTBED" run shared-epoll --policy "")
	[ -n "$out" ] || fail "--policy completes to nothing" || return 1
}

# A mistyped scenario, option or command: exit 2 and one line naming the closest.
test_did_you_mean() {
	"$TESTBED" run shared-epol --duration 1 >"$WORK/dym.out" 2>"$WORK/dym.err"; rc=$?
	one_line_exit 2 "unknown scenario 'shared-epol'; did you mean 'shared-epoll'?" "$WORK/dym.err" || return 1
	[ ! -s "$WORK/dym.out" ] || fail "a mistyped scenario printed on stdout" || return 1
	"$TESTBED" run reuseport --wokers 2 >"$WORK/dym.out" 2>"$WORK/dym.err"; rc=$?
	one_line_exit 2 "did you mean --workers?" "$WORK/dym.err" || return 1
	"$TESTBED" rnu >"$WORK/dym.out" 2>"$WORK/dym.err"; rc=$?
	one_line_exit 2 "did you mean 'run'?" "$WORK/dym.err"
}
