#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Integration tests of `testbed kernels` (root, network to the Debian archive
# on first use): boot Debian's 6.1 cloud kernel under TCG with a 1 s scenario
# (--accel auto: this machine's qemu fails with KVM, so the guest comes up
# under TCG after one note) and check the guest's accounting as on the host;
# a broken image and a hung guest are reported without stopping the matrix;
# stand-in qemus that abort or hang with KVM fall back to the real one under
# TCG; the verdict logic on hand-made figures.
#
# Sourced by tests/integration/run.sh (uses $TESTBED, $WORK and fail() when
# they are defined), or on its own:
#   sudo TESTBED=build/testbed sh tests/integration/kernels.sh
# Runtime here: ~35 s with the kernel cached (one boot ~10 s, one 3 s timeout,
# a 2 s KVM hang, broken images that fail at once);
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
	# --accel auto with the real qemu: the KVM attempt on the first guest fails
	# (here qemu aborts, or /dev/kvm is missing), one note, TCG for both
	"$TESTBED" kernels --no-host --kernel "$WORK/not-a-kernel" --kernel debian:6.1 --accel auto \
		--scenarios shared-epoll --no-variants --duration 1 --workers 2 --repeat 1 --timeout 120 \
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
	kernels_one_fallback_note "$WORK/kernels.out" || return 1
	run=$WORK/kernels/$label/shared-epoll.1
	[ -f "$run/summary.csv" ] || { cat "$WORK/kernels/$label/shared-epoll.log"; fail "no run folder came back from the guest"; } || return 1
	guest=$(awk -F, '$1 == "kernel_release" { print $2 }' "$run/meta.csv")
	case $guest in 6.1.*) ;; *) fail "the guest's meta.csv names kernel '$guest', not 6.1" || return 1 ;; esac
	[ "$guest" != "$(uname -r)" ] || fail "the guest ran the host's kernel" || return 1
	kernels_check_accounting "$run" || return 1
	status=$(awk -F, '$1 == "shared-epoll.1" { print $4 }' "$WORK/kernels/$label/runs.csv")
	[ "$status" = ok ] || fail "the guest's own cross-check says '$status'" || return 1
	rows=$(awk -F, -v k="$label" '$1 == "shared-epoll" && $2 == "jain_index" && $3 == k && $4 == 1' "$WORK/kernels/verdicts.csv" | wc -l)
	[ "$rows" -eq 1 ] || fail "verdicts.csv has $rows jain_index rows for $label, expected 1" || return 1
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

# exactly one fallback note in a `testbed kernels` output
kernels_one_fallback_note() {
	notes=$(grep -c 'KVM did not reach the guest.s init' "$1")
	grep -m1 'KVM did not reach' "$1" | sed 's/^/    /'
	[ "$notes" -eq 1 ] || fail "$notes KVM fallback notes, expected one" || return 1
}

# kernels_fake_qemu HOW DIR: a qemu-system-x86_64 in DIR that, given KVM
# arguments, aborts (HOW=abort, exit 134 as this machine's qemu does) or hangs
# (HOW=hang, its pid in qemu's -pidfile); otherwise it runs the real qemu.
# Each call is logged to DIR/calls.
kernels_fake_qemu() {
	real=$(command -v qemu-system-x86_64) || { fail "no qemu-system-x86_64"; return 1; }
	mkdir -p "$2"
	cat >"$2/qemu-system-x86_64" <<EOF
#!/bin/sh
echo "\$*" >>"$2/calls"
case " \$* " in
*" -accel kvm "*)
	if [ $1 = abort ]; then
		echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x0" >&2
		echo "qemu-system-x86_64: ../target/i386/kvm/kvm.c: kvm_buf_set_msrs: Assertion failed." >&2
		exit 134
	fi
	while [ \$# -gt 0 ]; do [ "\$1" = -pidfile ] && echo \$\$ >"\$2"; shift; done
	exec sleep 600 ;;
esac
exec "$real" "\$@"
EOF
	chmod 755 "$2/qemu-system-x86_64"
}

# kernels_fallback_with HOW: two broken images under a stand-in qemu; KVM is
# tried once, on the first, then the real qemu runs both under TCG (no boot
# needed: the one guest boot of the suite is test_kernels_debian_guest's)
kernels_fallback_with() {
	kernels_fake_qemu "$1" "$WORK/qemu-$1" || return 1
	head -c 4096 /dev/urandom >"$WORK/not-a-kernel-1"; head -c 4096 /dev/urandom >"$WORK/not-a-kernel-2"
	start=$(date +%s)
	PATH="$WORK/qemu-$1:$PATH" TESTBED_KVM_PROBE_S=2 "$TESTBED" kernels --no-host --kernel "$WORK/not-a-kernel-1" \
		--kernel "$WORK/not-a-kernel-2" --scenarios shared-epoll --no-variants --duration 1 --repeat 1 \
		--out "$WORK/kernels-$1" >"$WORK/kernels-$1.out" 2>&1
	took=$(($(date +%s) - start))
	kvm=$(grep -c -- '-accel kvm' "$WORK/qemu-$1/calls"); tcg=$(grep -c -- '-accel tcg' "$WORK/qemu-$1/calls")
	echo "    $took s; qemu called with KVM $kvm time(s), with TCG $tcg"
	kernels_one_fallback_note "$WORK/kernels-$1.out" || return 1
	[ "$kvm" -eq 1 ] && [ "$tcg" -eq 2 ] || fail "expected KVM once then TCG for both guests" || return 1
	for k in 1 2; do
		row=$(awk -F, -v s="$WORK/not-a-kernel-$k" '$2 == s { print $5 "," $7 }' "$WORK/kernels-$1/kernels.csv")
		[ "$row" = tcg,no-boot ] || fail "image $k: execution,status '$row', expected tcg,no-boot" || return 1
	done
	[ "$took" -le 30 ] || fail "took $took s"
}
test_kernels_kvm_abort_falls_back() {
	kernels_fallback_with abort
}
test_kernels_kvm_hang_falls_back() {
	kernels_fallback_with hang
}

# the verdict logic on hand-made figures: ranges overlap -> same, apart ->
# differs with the ratio of medians, timings across execution kinds -> n/a
test_kernels_verdicts() {
	cat >"$WORK/verdict-in.csv" <<'EOF'
kernel_folder,timings,run,repeat,status,jain_index,throughput_cps
host-a,real,se,1,ok,0.90,1000
host-a,real,se,2,ok,0.95,1100
host-a,real,se,3,ok,0.92,1050
emulated-b,emulated,se,1,ok,0.50,100
emulated-b,emulated,se,2,ok,0.60,120
emulated-b,emulated,se,3,failed,,
emulated-c,emulated,se,1,ok,0.94,90
emulated-c,emulated,se,2,ok,0.99,95
vm-d,virtualised,se,1,unsupported,,
real-e,real,se,1,ok,0.96,2000
EOF
	awk -F, -v reference=host-a -v behaviour=jain_index -v timing=throughput_cps \
		-f "$(dirname "$TESTBED")/../kernels/verdicts.awk" "$WORK/verdict-in.csv" >"$WORK/verdict-out.csv" || return 1
	cat >"$WORK/verdict-want.csv" <<'EOF'
run,metric,kernel,runs,median,min,max,verdict,ratio,reference,statuses
se,jain_index,host-a,3,0.92,0.9,0.95,n/a,,host-a,
se,jain_index,emulated-b,2,0.55,0.5,0.6,differs,0.598,host-a,failed
se,jain_index,emulated-c,2,0.965,0.94,0.99,same,,host-a,
se,jain_index,vm-d,0,,,,n/a,,host-a,unsupported
se,jain_index,real-e,1,0.96,0.96,0.96,differs,1.04,host-a,
se,throughput_cps,host-a,3,1050,1000,1100,n/a,,host-a,
se,throughput_cps,emulated-b,2,110,100,120,n/a,,host-a,failed
se,throughput_cps,emulated-c,2,92.5,90,95,n/a,,host-a,
se,throughput_cps,vm-d,0,,,,n/a,,host-a,unsupported
se,throughput_cps,real-e,1,2000,2000,2000,differs,1.9,host-a,
EOF
	diff "$WORK/verdict-want.csv" "$WORK/verdict-out.csv" || fail "verdicts.csv differs from the expected (above)"
}

# the controls' verdict logic (kernels/controls.awk) on hand-made figures:
# the expectation chosen by version (upstream, or a stable backport in its
# series), alternatives, ranges, a repeat outside, a failed repeat, a run
# refused where a figure was expected, a kernel that gave nothing
test_kernels_controls_verdicts() {
	cat >"$WORK/controls-spec.csv" <<'EOF'
control,change,commit,landed,run,metric,before,after
mig,the sysctl,aaa,5.14 5.10.188,feature,tcp_migrate_req,no,yes
mig,lost,bbb,5.14,kill-migrate,connections_lost,unsupported|>1,<=1
mig,counter,ccc,5.14,kill-migrate,kernel_migrate_req_success,unsupported|empty,>0
neg,herd,ddd,4.5,excl-c1,herd_factor,n/a,0.9..1.2
new,not yet,eee,99.1,excl-c1,herd_factor,>=2,n/a
base,tendency,fff,5.14,kill,connections_lost,median>1,median>1
EOF
	cat >"$WORK/controls-in.csv" <<'EOF'
kernel,version,run,repeat,status,metric,value
a,5.10.223,feature,1,ok,tcp_migrate_req,yes
a,5.10.223,kill-migrate,1,ok,connections_lost,12
a,5.10.223,kill-migrate,2,ok,connections_lost,9
a,5.10.223,kill-migrate,3,ok,connections_lost,10
a,5.10.223,kill-migrate,1,ok,kernel_migrate_req_success,
a,5.10.223,kill-migrate,2,ok,kernel_migrate_req_success,
a,5.10.223,excl-c1,1,ok,herd_factor,1.01
b,5.10.100,feature,1,ok,tcp_migrate_req,no
b,5.10.100,kill-migrate,1,unsupported,connections_lost,
b,5.10.100,kill-migrate,1,unsupported,kernel_migrate_req_success,
b,5.10.100,excl-c1,1,ok,herd_factor,1.3
c,6.1.176,feature,1,ok,tcp_migrate_req,yes
c,6.1.176,kill-migrate,1,ok,connections_lost,1
c,6.1.176,kill-migrate,2,ok,connections_lost,2
c,6.1.176,kill-migrate,1,ok,kernel_migrate_req_success,3
c,6.1.176,kill-migrate,2,ok,kernel_migrate_req_success,0
c,6.1.176,excl-c1,,not-run,herd_factor,
d,6.12.1,feature,1,ok,tcp_migrate_req,yes
d,6.12.1,kill-migrate,1,ok,connections_lost,1
d,6.12.1,kill-migrate,2,failed,connections_lost,
d,6.12.1,kill-migrate,1,unsupported,kernel_migrate_req_success,
d,6.12.1,excl-c1,1,skipped,herd_factor,
e,7.2.13,feature,1,no-boot,tcp_migrate_req,
e,7.2.13,kill-migrate,1,no-boot,connections_lost,
a,5.10.223,kill,1,ok,connections_lost,0
a,5.10.223,kill,2,ok,connections_lost,8
a,5.10.223,kill,3,ok,connections_lost,9
c,6.1.176,kill,1,ok,connections_lost,0
c,6.1.176,kill,2,ok,connections_lost,0
c,6.1.176,kill,3,ok,connections_lost,5
EOF
	awk -F, -f "$(dirname "$TESTBED")/../kernels/controls.awk" "$WORK/controls-spec.csv" "$WORK/controls-in.csv" \
		>"$WORK/controls-out.csv" || return 1
	cat >"$WORK/controls-want.csv" <<'EOF'
control,run,metric,kernel,version,landed,expected,measured,repeats,verdict,commit
mig,feature,tcp_migrate_req,a,5.10.223,5.14 5.10.188,yes,yes,1,ok,aaa
mig,feature,tcp_migrate_req,b,5.10.100,5.14 5.10.188,no,no,1,ok,aaa
mig,feature,tcp_migrate_req,c,6.1.176,5.14 5.10.188,yes,yes,1,ok,aaa
mig,feature,tcp_migrate_req,d,6.12.1,5.14 5.10.188,yes,yes,1,ok,aaa
mig,feature,tcp_migrate_req,e,7.2.13,5.14 5.10.188,yes,no-boot,0,not-run,aaa
mig,kill-migrate,connections_lost,a,5.10.223,5.14,unsupported|>1,10 [9~12],3,ok,bbb
mig,kill-migrate,connections_lost,b,5.10.100,5.14,unsupported|>1,unsupported,0,ok,bbb
mig,kill-migrate,connections_lost,c,6.1.176,5.14,<=1,1.5 [1~2],2,unexpected,bbb
mig,kill-migrate,connections_lost,d,6.12.1,5.14,<=1,1 + failed,1,unexpected,bbb
mig,kill-migrate,connections_lost,e,7.2.13,5.14,<=1,no-boot,0,not-run,bbb
mig,kill-migrate,kernel_migrate_req_success,a,5.10.223,5.14,unsupported|empty,empty,0,ok,ccc
mig,kill-migrate,kernel_migrate_req_success,b,5.10.100,5.14,unsupported|empty,unsupported,0,ok,ccc
mig,kill-migrate,kernel_migrate_req_success,c,6.1.176,5.14,>0,1.5 [0~3],2,unexpected,ccc
mig,kill-migrate,kernel_migrate_req_success,d,6.12.1,5.14,>0,unsupported,0,unexpected,ccc
mig,kill-migrate,kernel_migrate_req_success,e,7.2.13,5.14,>0,-,0,not-run,ccc
neg,excl-c1,herd_factor,a,5.10.223,4.5,0.9..1.2,1.01,1,ok,ddd
neg,excl-c1,herd_factor,b,5.10.100,4.5,0.9..1.2,1.3,1,unexpected,ddd
neg,excl-c1,herd_factor,c,6.1.176,4.5,0.9..1.2,not-run,0,not-run,ddd
neg,excl-c1,herd_factor,d,6.12.1,4.5,0.9..1.2,skipped,0,not-run,ddd
neg,excl-c1,herd_factor,e,7.2.13,4.5,0.9..1.2,-,0,not-run,ddd
new,excl-c1,herd_factor,a,5.10.223,99.1,>=2,1.01,1,unexpected,eee
new,excl-c1,herd_factor,b,5.10.100,99.1,>=2,1.3,1,unexpected,eee
new,excl-c1,herd_factor,c,6.1.176,99.1,>=2,not-run,0,not-run,eee
new,excl-c1,herd_factor,d,6.12.1,99.1,>=2,skipped,0,not-run,eee
new,excl-c1,herd_factor,e,7.2.13,99.1,>=2,-,0,not-run,eee
base,kill,connections_lost,a,5.10.223,5.14,median>1,8 [0~9],3,ok,fff
base,kill,connections_lost,b,5.10.100,5.14,median>1,-,0,not-run,fff
base,kill,connections_lost,c,6.1.176,5.14,median>1,0 [0~5],3,unexpected,fff
base,kill,connections_lost,d,6.12.1,5.14,median>1,-,0,not-run,fff
base,kill,connections_lost,e,7.2.13,5.14,median>1,-,0,not-run,fff
EOF
	diff "$WORK/controls-want.csv" "$WORK/controls-out.csv" || fail "controls.csv differs from the expected (above)"
}

# the controls measured for real on the host kernel alone (the one real
# measurement the test suite makes; the guests' figures are in
# kernels/README.md): every control ok, controls.csv and the table agree
test_kernels_controls_host() {
	start=$(date +%s)
	"$TESTBED" kernels --kernel host --controls-only --repeat 1 --duration 1 --workers 4 --json \
		--out "$WORK/kernels-controls" >"$WORK/kernels-controls.json" 2>"$WORK/kernels-controls.out"
	rc=$?; took=$(($(date +%s) - start))
	c=$WORK/kernels-controls/controls.csv
	sed -n '/^controls (/,$p' "$WORK/kernels-controls.out" | sed 's/^/    /'
	echo "    $took s, exit $rc"
	[ -f "$c" ] || fail "no controls.csv" || return 1
	rows=$(awk 'END { print NR - 1 }' "$c"); want=$(awk 'END { print NR - 1 }' "$(dirname "$TESTBED")/../kernels/controls.csv")
	[ "$rows" -eq "$want" ] || fail "controls.csv has $rows rows, expected $want (one per control row, one kernel)" || return 1
	bad=$(awk -F, 'NR > 1 && $10 != "ok" { printf " %s/%s/%s=%s (%s)", $1, $2, $3, $10, $8 }' "$c")
	[ -z "$bad" ] || fail "controls not ok on the host:$bad" || return 1
	[ $rc -eq 0 ] || { tail -n 20 "$WORK/kernels-controls.out"; fail "testbed kernels exited $rc"; } || return 1
	# measured, not copied: the migration counter and the probe's fraction are real figures
	awk -F, '$2 == "reuseport-kill-migrate" && $3 == "kernel_migrate_req_success" && $8 + 0 > 0 { ok = 1 }
		END { exit !ok }' "$c" || fail "no migrations counted by the kernel" || return 1
	grep -q 'controls: [0-9]* ok, 0 unexpected' "$WORK/kernels-controls.out" || fail "the printed table says otherwise" || return 1
	# --json: stdout is one document holding the same rows, the table went to stderr
	n=$(jq '.controls | length' "$WORK/kernels-controls.json") || fail "--json printed no JSON document" || return 1
	[ "$n" -eq "$rows" ] || fail "--json holds $n controls, controls.csv $rows" || return 1
	[ "$(jq -r '[.controls[] | select(.verdict == "ok")] | length' "$WORK/kernels-controls.json")" -eq "$rows" ] ||
		fail "--json's verdicts differ from controls.csv"
}

# --kernel host --netns: the suite's runs go through suite.sh with --netns
# (the guests' path, on the host kernel): the veth probe in features.csv,
# every run in a namespace of its own with its cross-check ok, the
# namespace's own TCP counters == the tracer's accepts, and nothing left
test_kernels_netns_host() {
	"$TESTBED" kernels --kernel host --netns --scenarios shared-epoll,reuseport --no-variants --repeat 1 \
		--duration 1 --workers 2 --out "$WORK/kernels-netns" >"$WORK/kernels-netns.out" 2>&1
	rc=$?
	dir=$(ls -d "$WORK/kernels-netns"/host-* 2>/dev/null | head -n 1)
	[ $rc -eq 0 ] && [ -n "$dir" ] || { tail -n 20 "$WORK/kernels-netns.out"; fail "testbed kernels --netns exited $rc"; } ||
		return 1
	[ "$(awk -F, '$1 == "netns_veth" { print $2 }' "$dir/features.csv")" = yes ] ||
		fail "features.csv has no netns_veth,yes" || return 1
	for run in shared-epoll.1 reuseport.1; do
		status=$(awk -F, -v r="$run" '$1 == r { print $4 }' "$dir/runs.csv")
		args=$(awk -F, -v r="$run" '$1 == r { print $3 }' "$dir/runs.csv")
		ns=$(awk -F, '$1 == "netns" { print $2 }' "$dir/$run/meta.csv")
		run_id=$(awk -F, '$1 == "run_id" { print $2 }' "$dir/$run/meta.csv")
		opens=$(kernels_csv_value "$dir/$run/summary.csv" run_id "$run_id" kernel_passive_opens)
		accepted=$(kernels_csv_value "$dir/$run/summary.csv" run_id "$run_id" accepted)
		echo "    $run: $status in $ns ($args): passive opens $opens, BPF accepted $accepted"
		[ "$status" = ok ] || { cat "$dir/$run.log"; fail "$run: $status"; } || return 1
		case " $args " in *" --netns "*) ;; *) fail "$run ran without --netns: $args"; return 1 ;; esac
		case $ns in testbed-[0-9]*) ;; *) fail "$run: meta.csv netns '$ns'"; return 1 ;; esac
		[ -n "$opens" ] && [ "$opens" -eq "$accepted" ] || fail "$run: the namespace saw $opens passive opens, BPF $accepted" ||
			return 1
		[ ! -e "/run/netns/$ns" ] && [ ! -e "/sys/class/net/tbh${ns#testbed-}" ] || fail "$ns or its link left behind" ||
			return 1
	done
	[ -z "$(ls /run/netns 2>/dev/null | grep '^tbprobe')" ] || fail "suite.sh's veth probe left its namespace"
}

# --- on its own ----------------------------------------------------------------
if [ "$(basename "$0")" = kernels.sh ]; then
	TESTBED=${TESTBED:-build/testbed}
	case $TESTBED in /*) ;; *) TESTBED=$(pwd)/$TESTBED ;; esac
	WORK=$(mktemp -d /tmp/testbed-kernels-it.XXXXXX)
	trap 'rm -rf "$WORK"' EXIT
	fail() { echo "    $*"; return 1; }
	passed=0; failed=0
	for t in ${*:-test_kernels_debian_guest test_kernels_hung_guest_killed test_kernels_kvm_abort_falls_back \
		test_kernels_kvm_hang_falls_back test_kernels_verdicts test_kernels_controls_verdicts test_kernels_controls_host \
		test_kernels_netns_host}; do
		echo "--- $t"
		if $t; then echo "ok   $t"; passed=$((passed + 1)); else echo "FAIL $t"; failed=$((failed + 1)); fi
	done
	echo "integration: $passed passed, $failed failed"
	[ $failed -eq 0 ]
fi
