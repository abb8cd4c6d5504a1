#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# `sudo ./testbed kernels`: the same scenario suite on the host kernel and on
# other kernels booted under qemu, then one comparison. See kernels/README.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

usage() {
	cat <<'USAGE'
usage: sudo ./testbed kernels [options]

Runs the scenario suite on the host kernel and on other kernels booted under
qemu (2 vCPUs, busybox initramfs, loopback only), then compares them.

  --kernel SPEC        a kernel to boot; repeatable. SPEC: debian:VERSION (5.10, 6.1,
                       6.12, 7.2: Debian's cloud kernels), debian:SUITE (bullseye,
                       bookworm, trixie, sid), host, or a path to a bzImage.
                       Default: host and every Debian kernel the archive offers.
  --no-host            leave out the host kernel (default: it runs first, directly,
                       whatever --kernel says)
  --scenarios LIST     comma-separated (default shared-epoll,shared-epoll-excl,reuseport,fd-dispatch)
  --no-variants        only the listed scenarios, not the variants below
  --controls-only      only the runs the kernel-history controls need (below)
  --duration S         seconds of load per run (default 2)
  --repeat N           run each scenario N times per kernel (default 3); verdicts.csv
                       compares the [min, max] ranges with the reference's
  --reference KERNEL   the kernel the others are compared with: a --kernel SPEC
                       (default: the host, else the first kernel)
  --workers N          worker processes per run (default 4)
  --netns              every run with --netns: the server in a network namespace of its
                       own, reached over veth (guests load the kernel's veth module)
  --out DIR            results folder (default results/kernels-UTC_TIME)
  --accel HOW          auto (KVM if the first guest's init speaks under it, else TCG
                       for every guest), kvm or tcg (default auto)
  --timeout S          kill a guest after S seconds (default: from the suite's length)
  --memory MIB         guest memory (default 1024)
  --json               print kernels.csv, verdicts.csv and controls.csv as one JSON
                       document on stdout (every other line goes to stderr)
  -h, --help           this text

Besides each scenario at default load, the suite adds (unless --no-variants)
shared-epoll-c1 (shared-epoll, one client: the herd factor), reuseport-kill and
reuseport-kill-migrate (a worker killed mid-run, without and with
net.ipv4.tcp_migrate_req: connections lost), shared-epoll-excl-c1 and the
incoming-cpu probe (kernels/incoming_cpu.c). From these the controls
(kernels/controls.csv: a kernel change, the version it landed in, the figure
expected before and after) are judged per kernel into controls.csv: ok or
unexpected; an unexpected one makes the command fail.
Timings from emulated guests (TCG) are marked `emulated` and compared only
with other emulated guests; the behavioural figures are compared everywhere.
A run whose tracer, servers and clients disagree is marked `mismatch` and
makes the command fail.
USAGE
}
die_usage() { echo "testbed kernels: $*" >&2; exit 2; }
die() { echo "testbed kernels: $*" >&2; exit 1; }
note() { echo "testbed kernels: $*" >&2; }

# --- options -------------------------------------------------------------------
kernels="" no_host="" variants=1 controls_only="" scenarios=shared-epoll,shared-epoll-excl,reuseport,fd-dispatch
duration=2 workers=4 out="" accel=auto timeout="" memory=1024 repeat=3 reference="" json="" netns=""
need() { [ $# -ge 2 ] || die_usage "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) need "$@"; kernels="$kernels $2"; shift 2 ;;
	--kernel=*) kernels="$kernels ${1#*=}"; shift ;;
	--no-host) no_host=1; shift ;;
	--no-variants) variants=; shift ;;
	--netns) netns=1; shift ;;
	--controls-only) controls_only=1; shift ;;
	--scenarios) need "$@"; scenarios=$2; shift 2 ;;
	--duration) need "$@"; duration=$2; shift 2 ;;
	--workers) need "$@"; workers=$2; shift 2 ;;
	--repeat) need "$@"; repeat=$2; shift 2 ;;
	--reference) need "$@"; reference=$2; shift 2 ;;
	--out) need "$@"; out=$2; shift 2 ;;
	--accel) need "$@"; accel=$2; shift 2 ;;
	--timeout) need "$@"; timeout=$2; shift 2 ;;
	--memory) need "$@"; memory=$2; shift 2 ;;
	--json) json=1; exec 3>&1 1>&2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) die_usage "unknown option '$1' (see ./testbed kernels --help)" ;;
	esac
done
is_uint() { case $1 in ''|*[!0-9]*) return 1 ;; esac; [ ${#1} -le 6 ]; }
echo "$duration" | grep -Eq '^[0-9]{1,3}(\.[0-9]+)?$' && awk -v d="$duration" 'BEGIN { exit !(d >= 0.5 && d <= 60) }' ||
	die_usage "--duration '$duration': seconds from 0.5 to 60"
is_uint "$workers" && [ "$workers" -ge 1 ] && [ "$workers" -le 64 ] || die_usage "--workers '$workers': 1 to 64"
is_uint "$repeat" && [ "$repeat" -ge 1 ] && [ "$repeat" -le 100 ] || die_usage "--repeat '$repeat': 1 to 100"
is_uint "$memory" && [ "$memory" -ge 256 ] || die_usage "--memory '$memory': MiB, at least 256"
[ -z "$timeout" ] || { is_uint "$timeout" && [ "$timeout" -ge 1 ]; } || die_usage "--timeout '$timeout': whole seconds"
case $accel in auto|kvm|tcg) ;; *) die_usage "--accel '$accel': auto, kvm or tcg" ;; esac
for k in $kernels; do
	case $k in host|debian:?*|/*|./*|../*) ;; *) [ -f "$k" ] || die_usage "--kernel '$k': debian:VERSION, debian:SUITE, host or a bzImage path" ;; esac
	case $k in debian:*|host) ;; *) [ -r "$k" ] || die_usage "--kernel '$k': no such file" ;; esac
done
[ "$(id -u)" = 0 ] || die "needs root (BPF tracing, and qemu's guests are booted as root): run with sudo"

# --- build: the host binary, the static one for the guests ---------------------
make -s --no-print-directory -C "$root" build/testbed build/static/testbed >"$root/build/kernels-build.log" 2>&1 ||
	{ cat "$root/build/kernels-build.log" >&2; die "build failed (log above)"; }
testbed=$root/build/testbed
static=$root/build/static/testbed
# the controls' probes, static so that the guests can run them
probes=$root/build/kernels
mkdir -p "$probes"
${CC:-cc} -O2 -Wall -Wextra -static -o "$probes/incoming_cpu" "$here/incoming_cpu.c" >>"$root/build/kernels-build.log" 2>&1 ||
	note "cannot build kernels/incoming_cpu.c (log: build/kernels-build.log): the incoming-cpu runs will fail"

known=$("$testbed" list | awk '/^[a-z]/ && $1 != "scenario" { print $1 }')
scenarios=$(echo "$scenarios" | tr ',' ' ')
[ -n "$scenarios" ] || die_usage "--scenarios is empty"
for s in $scenarios; do
	echo "$known" | grep -qx "$s" || die_usage "--scenarios: unknown scenario '$s' (known: $(echo $known | tr ' ' ','))"
done

# The suite: "NAME LIMIT_S SCENARIO ARGS". LIMIT_S bounds a run in the slowest
# (emulated) case: setup and teardown under TCG take seconds.
limit=$(awk -v d="$duration" 'BEGIN { printf "%d", d * 3 + 60 }')
kill_after=$(awk -v d="$duration" 'BEGIN { printf "%g", d / 2 }')
base="--workers $workers --duration $duration${netns:+ --netns}"
# a variant run of scenario $1 (the controls' runs among them)
variant_runs() {
	case $1 in
	shared-epoll) echo "shared-epoll-c1 $limit shared-epoll $base --connections 1" ;;
	shared-epoll-excl) echo "shared-epoll-excl-c1 $limit shared-epoll-excl $base --connections 1" ;;
	reuseport)
		echo "reuseport-kill $limit reuseport $base --connections 256 --kill-worker-after $kill_after"
		echo "reuseport-kill-migrate $limit reuseport $base --connections 256 --kill-worker-after $kill_after --migrate" ;;
	esac
}
suite_runs() {
	if [ -n "$controls_only" ]; then
		for s in shared-epoll shared-epoll-excl reuseport; do variant_runs "$s"; done
		echo "incoming-cpu 30 probe:incoming_cpu"
		return
	fi
	for s in $scenarios; do
		echo "$s $limit $s $base"
		[ -z "$variants" ] || variant_runs "$s"
	done
	# the SO_INCOMING_CPU control: a probe, not a scenario (kernels/incoming_cpu.c)
	[ -z "$variants" ] || echo "incoming-cpu 30 probe:incoming_cpu"
}
# every run --repeat times, the repeats interleaved (drift hits all runs
# alike); its folders are <run>.<repeat>
suite_lines() {
	r=1
	while [ "$r" -le "$repeat" ]; do suite_runs | sed "s/^\([^ ]*\) /\1.$r /"; r=$((r + 1)); done
}
runs=$(suite_lines | awk '{ print $1 }')
nruns=$(echo "$runs" | wc -l)
[ -n "$timeout" ] || timeout=$(awk -v n="$nruns" -v d="$duration" 'BEGIN { printf "%d", 90 + n * (d + 25) }')

# --- the kernels ---------------------------------------------------------------
if [ -z "$kernels" ]; then
	kernels=host
	for v in $("$here/fetch.sh" --list | awk '{ split($1, v, "."); print v[1] "." v[2] }'); do
		kernels="$kernels debian:$v"
	done
fi
# the host runs first, beside whatever was asked for, unless --no-host
case " $kernels " in *" host "*) ;; *) kernels="host $kernels" ;; esac
[ -n "$no_host" ] && kernels=$(echo $kernels | tr ' ' '\n' | grep -vx host | tr '\n' ' ')
[ -n "$(echo $kernels)" ] || die_usage "no kernel to run (--no-host and no --kernel)"
if [ -n "$reference" ]; then
	case " $kernels " in *" $reference "*) ;; *) die_usage "--reference '$reference' is not one of the kernels run (${kernels# })" ;; esac
else
	reference=$(echo $kernels | cut -d' ' -f1)
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-results/kernels-$stamp}
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then die_usage "--out $out exists and is not empty"; fi
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
work=$out/.work
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
# Ctrl-C or SIGTERM: end the guest being booted (by its pid), keep what is written
interrupted() {
	for f in "$work"/guest-*/qemu.pid; do
		[ -f "$f" ] && [ ! -f "${f%qemu.pid}qemu.rc" ] && kill "$(cat "$f")" 2>/dev/null
	done
	echo "testbed kernels: interrupted; partial results in $out" >&2
	exit 130
}
trap interrupted INT TERM
suite_lines >"$out/suite.txt"

# guests need qemu; installed on first use (not part of `make deps`)
guests=$(echo "$kernels" | tr ' ' '\n' | grep -v -e '^host$' -e '^$' | head -n 1)
if [ -n "$guests" ] && ! command -v qemu-system-x86_64 >/dev/null; then
	note "installing qemu-system-x86 (first use of testbed kernels)"
	install_qemu() {
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
			qemu-system-x86 >"$work/apt.log" 2>&1
	}
	# stale or missing package lists on a fresh machine: update once and retry
	install_qemu || { apt-get -o DPkg::Lock::Timeout=300 -qq update >/dev/null 2>&1; install_qemu; } ||
		{ cat "$work/apt.log" >&2; die "apt-get install qemu-system-x86 failed"; }
fi

# The initramfs: busybox-static (from the cache), the static testbed, init,
# suite.sh and the suite; packed with busybox's own cpio (newc).
if [ -n "$guests" ]; then
	busybox=$("$here/fetch.sh" --busybox) || die "cannot get busybox-static"
	rootfs=$work/rootfs
	mkdir -p "$rootfs/bin" "$rootfs/dev" "$rootfs/run" # /run: --migrate's lock
	cp "$busybox" "$rootfs/bin/busybox"
	cp "$static" "$rootfs/bin/testbed"
	[ ! -x "$probes/incoming_cpu" ] || cp "$probes/incoming_cpu" "$rootfs/bin/incoming_cpu"
	cp "$here/init" "$rootfs/init"
	# --netns: iproute2's ip (the testbed makes namespaces with `ip netns`,
	# which busybox's ip lacks) with its shared libraries and loader
	if [ -n "$netns" ]; then
		ip=$(command -v ip || echo /usr/sbin/ip)
		[ -x "$ip" ] || die "--netns needs iproute2's ip on this machine (apt-get install iproute2)"
		mkdir -p "$rootfs/usr/sbin" "$rootfs/var"
		ln -s ../run "$rootfs/var/run"
		cp -L "$ip" "$rootfs/usr/sbin/ip"
		for lib in $(ldd "$ip" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
			mkdir -p "$rootfs$(dirname "$lib")"
			cp -L "$lib" "$rootfs$lib" || die "--netns: cannot copy $lib (a library of $ip)"
		done
	fi
	cp "$here/suite.sh" "$rootfs/suite.sh"
	cp "$out/suite.txt" "$rootfs/suite"
	chmod 755 "$rootfs/init"
	mknod -m 600 "$rootfs/dev/console" c 5 1
	(cd "$rootfs" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz" ||
		die "cannot pack the initramfs"
fi

# --- running ---------------------------------------------------------------------
# kernels.csv: one row per kernel
echo "kernel,spec,release,package,execution,timings,status,boot_s,wall_s,runs_ok,runs_unsupported,runs_failed,message" >"$work/kernels.csv"
csv_field() { case $1 in *[,\"]*) printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')" ;; *) printf '%s' "$1" ;; esac; }
count_runs() { awk -F, -v s="$2" 'NR > 1 && $4 == s { n++ } END { print n + 0 }' "$1/runs.csv" 2>/dev/null || echo 0; }
kernel_row() { # label spec release package execution status boot wall message
	dir=$out/$1
	# a kernel without some of the tracer's tracepoints: said, not hidden
	tp=$(awk -F, '$1 ~ /^tracepoint:/ && $2 == "no" { sub(/^tracepoint:/, "", $1); printf " %s", $1 }' "$dir/features.csv" 2>/dev/null)
	[ -z "$tp" ] || set -- "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "${9:+$9; }tracepoints missing:$tp"
	timings=real; case $5 in tcg) timings=emulated ;; kvm) timings=virtualised ;; esac
	set -- "$@" "$(count_runs "$dir" ok)" "$(count_runs "$dir" unsupported)" \
		"$(( $(count_runs "$dir" failed) + $(count_runs "$dir" timeout) + $(count_runs "$dir" mismatch) ))"
	printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$1" "$(csv_field "$2")" "$3" "$4" "$5" "$timings" "$6" "$7" "$8" \
		"${10}" "${11}" "${12}" "$(csv_field "$9")" >>"$work/kernels.csv"
	# the same facts beside the runs, key,value
	[ -d "$dir" ] && printf 'key,value\nspec,%s\nrelease,%s\npackage,%s\nexecution,%s\ntimings,%s\nstatus,%s\nboot_s,%s\nwall_s,%s\nmessage,%s\n' \
		"$(csv_field "$2")" "$3" "$4" "$5" "$timings" "$6" "$7" "$8" "$(csv_field "$9")" >"$dir/kernel.csv"
	return 0
}

run_host() {
	release=$(uname -r)
	label=host-$release
	note "host $release: running the suite ($nruns runs)"
	t0=$(date +%s)
	sh "$here/suite.sh" "$testbed" "$out/$label" "$out/suite.txt" "$probes" | sed 's/^testbed-guest: /    /'
	kernel_row "$label" host "$release" "" host "done" "" $(($(date +%s) - t0)) ""
}

# --accel auto: the first guest tries KVM; any failure before its init speaks
# (qemu's exit, an abort such as "failed to set MSR 0x10a", a panic, nothing
# within TESTBED_KVM_PROBE_S, default 10 s) boots it again under TCG, with
# one note, and every later guest goes straight to TCG.
kvm_ok=unknown
probe_s=${TESTBED_KVM_PROBE_S:-10}
# guest_initrd VMLINUZ DIR: the initramfs for this kernel: the common one,
# and with --netns a second archive after it (the kernel unpacks both) with
# the modules fetch.sh kept beside a cached image (none for a bzImage path:
# veth must be built in there), which init loads. Its path on stdout.
guest_initrd() {
	modules=$(dirname "$1")/modules
	if [ -z "$netns" ] || [ ! -s "$modules/order" ]; then echo "$work/initrd.gz"; return; fi
	mkdir -p "$2.modules/lib/modules/testbed"
	cp "$modules"/*.ko "$modules/order" "$2.modules/lib/modules/testbed/" || return 1
	(cd "$2.modules" && find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$2.modules.gz" || return 1
	cat "$work/initrd.gz" "$2.modules.gz" >"$2.initrd.gz" && rm -rf "$2.modules" "$2.modules.gz" && echo "$2.initrd.gz"
}

# boot_guest SPEC RELEASE VMLINUZ PACKAGE
boot_guest() {
	spec=$1 release=$2 vmlinuz=$3 package=$4
	n=$((n + 1)); g=$work/guest-$n
	initrd=$(guest_initrd "$vmlinuz" "$g") || die "cannot pack the modules of $spec into its initramfs"
	mode=$accel
	[ "$mode" = auto ] && [ "$kvm_ok" = no ] && mode=tcg
	[ "$mode" = auto ] && mode=kvm probe=1 || probe=
	tcg_threads=multi retried= fallback=
	while :; do
		rm -rf "$g"; mkdir -p "$g"
		case $mode in
		kvm) accel_args="-accel kvm -cpu host" ;;
		tcg) accel_args="-accel tcg,thread=$tcg_threads -cpu max" ;;
		esac
		note "$spec ($release): booting under qemu ($mode), at most $timeout s"
		t0=$(date +%s)
		# the subshell records qemu's exit status; qemu itself is killed by its pid
		(
			# shellcheck disable=SC2086
			qemu-system-x86_64 $accel_args -smp 2 -m "$memory" -no-reboot -net none \
				-display none -vga none -monitor none -pidfile "$g/qemu.pid" \
				-serial "file:$g/console.log" -serial "file:$g/channel" \
				-kernel "$vmlinuz" -initrd "$initrd" \
				-append "console=ttyS0 panic=-1 quiet mitigations=off" </dev/null >"$g/qemu.log" 2>&1
			echo $? >"$g/qemu.rc"
		) &
		shown=0 status="" message=""
		while [ ! -f "$g/qemu.rc" ]; do
			sleep 0.5
			lines=$(grep -a 'testbed-guest: ' "$g/console.log" 2>/dev/null | tr -d '\r')
			total=$(printf '%s\n' "$lines" | grep -c .)
			[ "$total" -gt "$shown" ] && printf '%s\n' "$lines" | sed -n "$((shown + 1)),\$p" | sed 's/^.*testbed-guest: /    /'
			shown=$total
			elapsed=$(($(date +%s) - t0))
			if [ -n "$probe" ] && [ "$elapsed" -ge "$probe_s" ] && [ "$total" -eq 0 ]; then
				status=kvm-hang; break
			fi
			[ "$elapsed" -ge "$timeout" ] && { status=timeout; break; }
		done
		if [ -n "$status" ]; then
			pid=$(cat "$g/qemu.pid" 2>/dev/null)
			[ -n "$pid" ] && kill "$pid" 2>/dev/null
			sleep 1; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
			wait
		fi
		wall=$(($(date +%s) - t0))
		if [ -n "$probe" ] && ! grep -aq 'testbed-guest: init' "$g/console.log" 2>/dev/null; then
			if [ "$status" = kvm-hang ]; then why="nothing within $probe_s s"
			else why="qemu exit $(cat "$g/qemu.rc" 2>/dev/null)$(tail -n 1 "$g/qemu.log" 2>/dev/null | tr -d '\r' | sed 's/^/: /')"
			fi
			note "KVM did not reach the guest's init ($why): TCG (emulation) for this and every later guest"
			fallback="KVM failed before init ($why): TCG"
			kvm_ok=no mode=tcg probe= status=; continue
		fi
		[ -n "$probe" ] && kvm_ok=yes
		# Multi-threaded TCG can lose a race with the kernel patching its own
		# text (seen once with 7.2: an int3 oops before init); such a panic is
		# retried once with one host thread for both vCPUs.
		if [ -z "$status" ] && [ "$mode" = tcg ] && [ "$tcg_threads" = multi ] &&
			! grep -aq 'testbed-guest: init' "$g/console.log" && grep -aq 'Kernel panic' "$g/console.log"; then
			retried="retried with single-threaded TCG after a panic before init: $(grep -a -m1 'Oops\|BUG\|Kernel panic' "$g/console.log" | tr -d '\r' | sed 's/^\[[ 0-9.]*\] //')"
			note "$spec: $retried"
			cp "$g/console.log" "$work/panic-$n.log"
			tcg_threads=single; continue
		fi
		break
	done

	label=$release
	case $mode in tcg) label=emulated-$release ;; kvm) label=vm-$release ;; esac
	dir=$out/$label
	mkdir -p "$g/results"
	if sed -n '/^TESTBED-RESULTS-BEGIN/,/^TESTBED-RESULTS-END/p' "$g/channel" 2>/dev/null | tr -d '\r' |
		sed '1d;$d' | base64 -d 2>/dev/null | tar -xz -C "$g/results" 2>/dev/null &&
		grep -q '^TESTBED-RESULTS-END' "$g/channel"; then
		# a bzImage path names its folder by the release the guest reported
		[ -s "$g/results/uname" ] && release=$(cat "$g/results/uname") &&
			case $mode in tcg) label=emulated-$release ;; kvm) label=vm-$release ;; esac && dir=$out/$label
		mkdir -p "$dir"
		cp -a "$g/results/." "$dir/"
		status="done"
	else
		mkdir -p "$dir"
		if [ "$status" = timeout ]; then
			message="killed after $timeout s; last console lines in console.log"
		elif ! grep -aq 'testbed-guest: init' "$g/console.log" 2>/dev/null; then
			status=no-boot
			message="did not reach init (qemu exit $(cat "$g/qemu.rc" 2>/dev/null)): $(tail -n 1 "$g/qemu.log" 2>/dev/null; grep -a -m1 -i 'panic' "$g/console.log" 2>/dev/null)"
		else
			status=no-results message="the guest's results did not come back complete"
		fi
		note "$spec ($release): $status: $message"
	fi
	cp "$g/console.log" "$dir/console.log" 2>/dev/null
	[ -f "$work/panic-$n.log" ] && cp "$work/panic-$n.log" "$dir/console-panic.log"
	[ -n "$retried" ] && message="${message:+$message; }$retried"
	[ -n "$fallback" ] && message="${message:+$message; }$fallback"
	[ -s "$g/qemu.log" ] && cp "$g/qemu.log" "$dir/qemu.log"
	boot=$(cat "$dir/boot_s" 2>/dev/null)
	if [ "$status" = "done" ]; then note "$spec ($release): done, booted in $boot s, $wall s in all"
	else note "$spec ($release): $status after $wall s"; fi
	kernel_row "$label" "$spec" "$release" "$package" "$mode" "$status" "$boot" "$wall" "$message"
}

n=0
for k in $kernels; do
	case $k in
	host) run_host ;;
	debian:*)
		if ! line=$("$here/fetch.sh" "$k"); then
			kernel_row "$k" "$k" "" "" "" fetch-failed "" "" "could not fetch the kernel (see the messages above)"
			continue
		fi
		set -- $line
		boot_guest "$k" "$1" "$2" "$3" ;;
	*)
		path=$(cd "$(dirname "$k")" && pwd)/$(basename "$k")
		boot_guest "$k" "$(basename "$k")" "$path" "" ;;
	esac
done
mv "$work/kernels.csv" "$out/kernels.csv"

# --- comparison --------------------------------------------------------------------
ref_label=$(awk -F, -v r="$reference" 'NR > 1 && $2 == r { print $1; exit }' "$out/kernels.csv")
sh "$here/compare.sh" "$testbed" "$out" "$ref_label" >"$work/comparison.txt"
sh "$here/controls.sh" "$out" >>"$work/comparison.txt"
controls_rc=$?
tee "$out/comparison.txt" <"$work/comparison.txt"
failed=$(awk -F, 'NR > 1 && ($7 != "done" || $12 > 0) { n++ } END { print n + 0 }' "$out/kernels.csv")
echo "results: $out"
[ -z "$json" ] || "$testbed" csv-json "$out/kernels.csv" "$out/verdicts.csv" $(ls "$out/controls.csv" 2>/dev/null) >&3
[ "$failed" -eq 0 ] && [ "$controls_rc" -eq 0 ]
