#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Integration tests of `testbed kernels` (root, network to the Debian archive
# on first use): boot Debian's 6.1 cloud kernel under TCG with a 1 s scenario
# and check the guest's accounting as on the host; a broken image and a hung
# guest are reported without stopping the matrix.
#
# Sourced by tests/integration/run.sh (uses $TESTBED, $WORK and fail() when
# they are defined), or on its own:
#   sudo TESTBED=build/testbed sh tests/integration/kernels.sh
# Runtime here: ~25 s with the kernel cached (one boot ~10 s, one 3 s timeout);
# first use adds the package lists (~10 s), the kernel package (~26 MB) and,
# on a fresh machine, installing qemu-system-x86.

# kernels_csv_value FILE KEY_COLUMN KEY COLUMN: COLUMN of the row whose KEY_COLUMN is KEY
kernels_csv_value() {
	awk -F, -v kc="$2" -v k="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h[kc] == k { print $h[c]; exit }' "$1"
}

# the guest's run folder: BPF-counted connections (accepted + fds received
# over the workers) == the workers' own counts == the guest's load generator
kernels_check_accounting() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["role"] == "worker" { bpf += $h["accepted"] + $h["fds_received"]; self += $h["self_reported_accepted"]; n++ }
		END { print bpf + 0, self + 0, n + 0 }' "$1/workers.csv" >"$1.sums"
	read -r bpf self workers <"$1.sums"
	completed=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "connections_completed") c = i; next } { print $c }' "$1/summary.csv")
	echo "    guest: $completed connections completed, BPF counted $bpf over $workers workers, workers counted $self"
	[ "$bpf" -gt 0 ] || fail "no connections accepted in the guest" || return 1
	[ "$bpf" -eq "$completed" ] || fail "guest: BPF counted $bpf != load generator completed $completed" || return 1
	[ "$bpf" -eq "$self" ] || fail "guest: BPF counted $bpf != the workers' own count $self"
}

test_kernels_debian_guest() {
	# a broken image first: it must be reported, and the matrix go on to 6.1
	head -c 4096 /dev/urandom >"$WORK/not-a-kernel"
	"$TESTBED" kernels --no-host --kernel "$WORK/not-a-kernel" --kernel debian:6.1 --accel tcg \
		--scenarios shared-epoll --no-variants --duration 1 --workers 2 --timeout 120 \
		--out "$WORK/kernels" >"$WORK/kernels.out" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { tail -n 20 "$WORK/kernels.out"; fail "testbed kernels exited $rc, expected 1 (one image did not boot)"; } || return 1
	k=$WORK/kernels/kernels.csv
	bad=$(kernels_csv_value "$k" spec "$WORK/not-a-kernel" status)
	[ "$bad" = no-boot ] || fail "the broken image's status is '$bad', expected no-boot" || return 1
	label=$(awk -F, '$2 == "debian:6.1" { print $1 }' "$k")
	[ -n "$label" ] || fail "kernels.csv has no debian:6.1 row" || return 1
	status=$(kernels_csv_value "$k" kernel "$label" status); timings=$(kernels_csv_value "$k" kernel "$label" timings)
	boot=$(kernels_csv_value "$k" kernel "$label" boot_s); wall=$(kernels_csv_value "$k" kernel "$label" wall_s)
	echo "    $label: $status, booted in $boot s, $wall s in all, timings $timings"
	[ "$status" = "done" ] || { tail -n 20 "$WORK/kernels.out"; fail "debian:6.1 status '$status'"; } || return 1
	[ "$timings" = emulated ] || fail "a TCG guest's timings are marked '$timings', not emulated" || return 1
	run=$WORK/kernels/$label/shared-epoll
	[ -f "$run/summary.csv" ] || { cat "$WORK/kernels/$label/shared-epoll.log"; fail "no run folder came back from the guest"; } || return 1
	guest=$(awk -F, '$1 == "kernel_release" { print $2 }' "$run/meta.csv")
	case $guest in 6.1.*) ;; *) fail "the guest's meta.csv names kernel '$guest', not 6.1" || return 1 ;; esac
	[ "$guest" != "$(uname -r)" ] || fail "the guest ran the host's kernel" || return 1
	kernels_check_accounting "$run" || return 1
	grep -q "$(echo "$label" | sed 's/^emulated-//; s/-cloud-amd64$//')" "$WORK/kernels/comparison.txt" ||
		fail "comparison.txt has no column for $label"
}

test_kernels_hung_guest_killed() {
	# --timeout 3 ends the guest mid-suite: reported as timeout, qemu gone
	start=$(date +%s)
	"$TESTBED" kernels --no-host --kernel debian:6.1 --accel tcg --scenarios shared-epoll --no-variants \
		--duration 5 --timeout 3 --out "$WORK/kernels-timeout" >"$WORK/kernels-timeout.out" 2>&1
	rc=$?; took=$(($(date +%s) - start))
	status=$(awk -F, '$2 == "debian:6.1" { print $7 }' "$WORK/kernels-timeout/kernels.csv")
	echo "    status $status after $took s (exit $rc)"
	[ "$status" = timeout ] || fail "a guest over its time is '$status', expected timeout" || return 1
	[ $rc -eq 1 ] || fail "exit $rc, expected 1" || return 1
	[ "$took" -le 30 ] || fail "took $took s to give up on a 3 s guest"
}

# --- on its own ----------------------------------------------------------------
if [ "$(basename "$0")" = kernels.sh ]; then
	TESTBED=${TESTBED:-build/testbed}
	case $TESTBED in /*) ;; *) TESTBED=$(pwd)/$TESTBED ;; esac
	WORK=$(mktemp -d /tmp/testbed-kernels-it.XXXXXX)
	trap 'rm -rf "$WORK"' EXIT
	fail() { echo "    $*"; return 1; }
	passed=0; failed=0
	for t in ${*:-test_kernels_debian_guest test_kernels_hung_guest_killed}; do
		echo "--- $t"
		if $t; then echo "ok   $t"; passed=$((passed + 1)); else echo "FAIL $t"; failed=$((failed + 1)); fi
	done
	echo "integration: $passed passed, $failed failed"
	[ $failed -eq 0 ]
fi
