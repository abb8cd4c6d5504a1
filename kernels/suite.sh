#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Runs the kernels suite on the kernel it runs on: on the host, or as the
# guest's init step (busybox ash). Probes what the kernel offers, then runs
# each line of SUITE_FILE into OUT/<run>, marking runs that need a missing
# feature `unsupported` instead of failing them (--netns runs where veth or
# `ip netns` is missing among them).
#
#   kernels/suite.sh TESTBED OUT SUITE_FILE [PROBES_DIR]
#
# SUITE_FILE: one run a line, "NAME LIMIT_S SCENARIO ARGS..." (LIMIT_S: the
# run is killed after that many seconds); SCENARIO probe:P runs the program
# PROBES_DIR/P instead (a control's probe, kernels/incoming_cpu.c), its CSV
# output into OUT/<run>/probe.csv. Writes OUT/list.txt (`testbed
# list`), OUT/features.csv, OUT/runs.csv, OUT/<run>/ and OUT/<run>.log
# (stdout and stderr; a failed run is repeated with -vv into <run>.verbose.log
# so libbpf's and the verifier's own words are kept). An ok run is
# cross-checked as the host's tests do -- the tracer's count of each worker's
# connections == the worker's own, and the tracer's total == the load
# generator's completed connections (a killed worker's lost ones aside) -- and
# marked `mismatch` when it is not: never a silent zero.
set -u
testbed=$1 out=$2 suite=$3 probes=${4:-}
mkdir -p "$out"

say() { echo "testbed-guest: $*"; }
csv_field() { case $1 in *[,\"]*) printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')" ;; *) printf '%s' "$1" ;; esac; }
yes_no() { if "$@"; then echo yes; else echo no; fi; }

# --- what this kernel offers ------------------------------------------------
tracefs=/sys/kernel/tracing
[ -d $tracefs/events ] || mount -t tracefs tracefs $tracefs 2>/dev/null
"$testbed" list >"$out/list.txt" 2>&1 </dev/null
uname -r >"$out/uname"
supported() { grep -q "^$1 *yes" "$out/list.txt"; }
# the tracepoints bpf/tracer.bpf.c attaches to (tp_btf/...)
tracepoints="syscalls/sys_enter_accept4 syscalls/sys_exit_accept4 syscalls/sys_enter_epoll_wait syscalls/sys_exit_epoll_wait syscalls/sys_enter_epoll_ctl sched/sched_wakeup sched/sched_waking sched/sched_switch
	sched/sched_process_fork sock/inet_sock_set_state net/netif_receive_skb irq/softirq_exit"
missing_tp=
if [ -d $tracefs/events ]; then
	for tp in $tracepoints; do [ -d $tracefs/events/$tp ] || missing_tp="$missing_tp $tp"; done
else
	missing_tp=" (no tracefs)"
fi
# --netns runs need `ip netns` and a veth pair: tried once with a throwaway
# pair (the kernels.sh guest loaded veth.ko; the host's ip loads it itself)
netns_suite= netns_veth= netns_reason=
grep -q -- ' --netns' "$suite" && netns_suite=1
if [ -n "$netns_suite" ]; then
	probe=tbprobe$$ ip=
	# iproute2's by its path: the guest's busybox shell runs its own ip
	# applet (which has no netns) for a bare `ip`
	for c in /usr/sbin/ip /sbin/ip /usr/bin/ip /bin/ip; do
		[ -x "$c" ] && "$c" -V 2>&1 | grep -q iproute2 && { ip=$c; break; }
	done
	if [ -z "$ip" ]; then
		netns_reason="no ip (iproute2) to make the namespace with"
	elif ! msg=$("$ip" netns add "$probe" 2>&1); then
		netns_reason="ip netns add: $msg"
	elif ! msg=$("$ip" link add "${probe}h" type veth peer name "${probe}n" netns "$probe" 2>&1); then
		netns_reason="no veth in this kernel (ip link add type veth: $msg)"
	fi
	[ -z "$ip" ] || { "$ip" link del "${probe}h" 2>/dev/null; "$ip" netns del "$probe" 2>/dev/null; }
	netns_veth=$(if [ -z "$netns_reason" ]; then echo yes; else echo no; fi)
	[ -z "$netns_reason" ] || say "note: --netns runs cannot run here: $netns_reason"
fi
[ -z "$missing_tp" ] || say "note: this kernel lacks tracepoints the tracer uses:$missing_tp; runs that need them fail with the tracer's message, their figures are left empty"
{
	echo "key,value"
	echo "kernel_release,$(csv_field "$(uname -r)")"
	# the upstream X.Y.Z (Debian's release names only X.Y: its /proc/version has it)
	echo "kernel_version,$(sed -n 's/^.*Debian \([0-9]*\.[0-9]*\.[0-9]*\).*$/\1/p' /proc/version | grep . ||
		uname -r | sed -n 's/^\([0-9]*\.[0-9]*\(\.[0-9]*\)\{0,1\}\).*$/\1/p')"
	echo "btf,$(yes_no test -r /sys/kernel/btf/vmlinux)"
	echo "epoll_exclusive,$(yes_no supported shared-epoll-excl)"
	echo "so_reuseport,$(yes_no supported reuseport)"
	echo "sk_reuseport_program,$(yes_no supported reuseport-bpf)"
	echo "tcp_migrate_req,$(yes_no test -e /proc/sys/net/ipv4/tcp_migrate_req)"
	echo "bpf_jit_enable,$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null)"
	for tp in $tracepoints; do echo "tracepoint:$tp,$(yes_no test -d $tracefs/events/$tp)"; done
	echo "nproc,$(grep -c ^processor /proc/cpuinfo)"
	[ -z "$netns_suite" ] || echo "netns_veth,$netns_veth"
} >"$out/features.csv"

# --- the runs ------------------------------------------------------------------
echo "run,scenario,arguments,status,exit_code,seconds,reason" >"$out/runs.csv"
row() { # run scenario arguments status exit_code seconds reason
	printf '%s,%s,%s,%s,%s,%s,%s\n' "$1" "$2" "$(csv_field "$3")" "$4" "$5" "$6" "$(csv_field "$7")" >>"$out/runs.csv"
}
# cross_check RUN_DIR: prints what disagrees, nothing when all agrees
cross_check() {
	[ -f "$1/workers.csv" ] && [ -f "$1/summary.csv" ] || { echo "no workers.csv or summary.csv"; return; }
	awk -F, 'FNR == 1 { for (i = 1; i <= NF; i++) h[FILENAME, $i] = i; next }
		FILENAME ~ /workers.csv$/ && $h[FILENAME, "role"] == "worker" {
			bpf = $h[FILENAME, "accepted"] + $h[FILENAME, "fds_received"]; tracer += bpf
			self = $h[FILENAME, "self_reported_accepted"]
			if (self != "" && self + 0 != bpf) bad = bad sprintf("; worker %s: tracer %d != its own count %d", $h[FILENAME, "worker_index"], bpf, self)
		}
		FILENAME ~ /summary.csv$/ { done_ = $h[FILENAME, "connections_completed"] + 0; lost = $h[FILENAME, "connections_lost"] + 0 }
		END {
			if (tracer == 0) bad = bad "; the tracer counted no connection"
			if (tracer < done_ || tracer > done_ + lost)
				bad = bad sprintf("; tracer %d != clients completed %d (+ %d lost)", tracer, done_, lost)
			if (bad != "") print substr(bad, 3)
		}' "$1/workers.csv" "$1/summary.csv"
}
while read -r name limit scenario args; do
	case $name in ''|'#'*) continue ;; esac
	reason=
	case $scenario in probe:*)
		say "run $name: ${scenario#probe:}"
		mkdir -p "$out/$name"
		start=$(date +%s)
		timeout "$limit" "$probes/${scenario#probe:}" >"$out/$name/probe.csv" 2>"$out/$name.log" </dev/null
		rc=$?
		status=ok reason=
		# exit 2: the probe cannot apply here (one CPU): skipped, not failed
		[ $rc -eq 0 ] || { [ $rc -eq 2 ] && status=skipped || status=failed; reason=$(tail -n 1 "$out/$name.log"); }
		say "run $name: $status ($(($(date +%s) - start)) s)${reason:+: $reason}"
		row "$name" "$scenario" "" "$status" "$rc" "$(($(date +%s) - start))" "$reason"
		continue ;;
	esac
	if ! supported "$scenario"; then
		reason=$(sed -n "/^$scenario /,/^[a-z]/s/^ *unsupported: //p" "$out/list.txt" | head -n 1)
		reason=${reason:-"testbed list: $scenario not supported here"}
	fi
	case " $args " in *" --netns "*) [ -z "$netns_reason" ] || reason="--netns: $netns_reason" ;; esac
	case " $args " in *" --migrate "*)
		[ -e /proc/sys/net/ipv4/tcp_migrate_req ] || reason="net.ipv4.tcp_migrate_req is missing (Linux >= 5.14)" ;;
	esac
	if [ -n "$reason" ]; then
		say "run $name: unsupported: $reason"
		row "$name" "$scenario" "$args" unsupported "" "" "$reason"
		continue
	fi
	say "run $name: testbed run $scenario $args"
	start=$(date +%s)
	# shellcheck disable=SC2086
	timeout "$limit" "$testbed" run "$scenario" $args --port 0 --out "$out/$name" >"$out/$name.log" 2>&1 </dev/null
	rc=$?
	seconds=$(($(date +%s) - start))
	case $rc in
	0) status=ok reason=$(cross_check "$out/$name")
		[ -z "$reason" ] || status=mismatch reason="cross-check failed: $reason" ;;
	124|143) status=timeout reason="killed after $limit s" ;;
	*) status=failed reason=$(grep -v '^$' "$out/$name.log" | tail -n 1) ;;
	esac
	if [ "$status" = failed ] || [ "$status" = timeout ]; then
		# shellcheck disable=SC2086
		timeout "$limit" "$testbed" run "$scenario" $args --port 0 -vv --out "$out/$name.verbose" \
			>"$out/$name.verbose.log" 2>&1 </dev/null
		rm -rf "$out/$name.verbose"
		# the verifier's verdict, when the kernel refused a program
		detail=$(awk '/BPF program load failed/ { prog = $2 " " $3; sub(/:$/, "", prog) }
			/-- END PROG LOAD LOG --/ { if (prog != "") print prog ": " last; exit }
			!/^processed / { last = $0 }' "$out/$name.verbose.log")
		[ -n "$detail" ] && reason="$reason ($detail)"
	fi
	say "run $name: $status ($seconds s)${reason:+: $reason}"
	row "$name" "$scenario" "$args" "$status" "$rc" "$seconds" "$reason"
done <"$suite"
