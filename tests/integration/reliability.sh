#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Reliability tests (root, real BPF): signals at every stage, SIGKILL of the
# testbed, crashing workers, a table of bad command lines, a hostile
# environment (not root, no BTF, no tracefs, port taken, folder taken, disk
# full), hostile analysis input and the load's safety. run.sh runs them with
# the other integration tests; alone:
#   sudo TESTBED=build/testbed sh tests/integration/reliability.sh [TEST...]
#
# How they look:
# - every testbed that is signalled runs in a cgroup (v2) of its own, so
#   "no orphans" means "the cgroup is empty", however deep or reparented a
#   process is (nginx's workers, a traced command's children);
# - "our BPF programs are gone": the ids of the programs the run's processes
#   hold (/proc/PID/fdinfo prog_id) are no longer loaded, and no program of
#   ours (handle_*, steer) loaded meanwhile is left that no process holds --
#   which is what a pinned or leaked program looks like; programs of a
#   testbed running concurrently elsewhere are held by it and do not count;
# - stages are hit exactly with TESTBED_TEST_PAUSE=STAGE, a test-only
#   variable: the testbed prints "testbed: test pause at STAGE" and waits
#   there for a signal (at most 30 s). Stages: loaded (tracer loaded, run
#   folder made, no server yet), ready (server waiting for load), stopping
#   (load over, server up), writing (two run files written, meta.csv not);
#   the run itself is hit by time, and a sweep of delays from the start
#   catches whatever lies between;
# - "no BTF" cannot be arranged on this kernel (BTF is built in and
#   /sys/kernel/btf/vmlinux cannot be hidden from a running kernel), so the
#   check's path is taken with TESTBED_BTF_PATH=/nonexistent, a test-only
#   variable that names the file the check looks for.
[ -n "$TB_LIB_LOADED" ] || . "$(dirname "$0")/lib.sh"
# this file's scratch space, apart from run.sh's names
RW=$WORK/reliability
mkdir -p "$RW"

# --- processes: a cgroup per testbed ---------------------------------------
CG_ROOT=
cgroup_root() {
	[ -n "$CG_ROOT" ] && return 0
	CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -z "$CG_ROOT" ]; then
		CG_ROOT=$RW/cgroup2
		mkdir -p "$CG_ROOT" && mount -t cgroup2 none "$CG_ROOT" || { CG_ROOT=; fail "cannot mount cgroup2"; return 1; }
		CLEANUP="umount '$CG_ROOT'; $CLEANUP"
	fi
	# a failed test may leave its (empty) cgroup
	CLEANUP="rmdir '$CG_ROOT'/testbed-it-$$-* 2>/dev/null; $CLEANUP"
}

# spawn NAME ARGS...: "$TESTBED" ARGS in the background, in a new cgroup,
# with TESTBED_TEST_PAUSE=$pause (empty: no pause) and no core dumps; sets
# $pid and $cg; stdout and stderr in $RW/NAME.out and .err
spawn() {
	name=$1; shift
	cgroup_root || return 1
	cg=$CG_ROOT/testbed-it-$$-$name
	mkdir "$cg" || { fail "cannot create cgroup $cg"; return 1; }
	(
		ulimit -c 0
		# a background job of a script starts with SIGINT ignored: undo that
		exec sh -c 'echo $$ >"$1/cgroup.procs" || exit 99; shift; exec "$@"' sh "$cg" \
			env --default-signal=INT,QUIT TESTBED_TEST_PAUSE="${pause:-}" "$TESTBED" "$@"
	) >"$RW/$name.out" 2>"$RW/$name.err" &
	pid=$!
	# until the exec chain reaches the testbed: a signal to the shells on the
	# way (SIGINT ignored in a background job) would be lost, not tested
	n=0
	while [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != testbed ] && [ $n -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1)); sleep 0.01
	done
}

# wait_for FILE TEXT SECONDS: until FILE holds TEXT
wait_for() {
	n=0
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		n=$((n + 1)); [ $n -le $(($3 * 20)) ] || return 1
		sleep 0.05
	done
}

# wait_pause STAGE: until the spawned testbed waits at STAGE
wait_pause() {
	wait_for "$RW/$name.err" "test pause at $1" 20 ||
		{ sed 's/^/    /' "$RW/$name.err"; abandon; fail "$name: never reached stage $1"; }
}

# The processes of cgroup $cg, the ids of the BPF programs they hold, and
# the scratch folders of a bundled server (/tmp/testbed-nginx-XXXXXX on
# nginx's command line, /tmp/testbed-node-XXXXXX in node's environment).
cg_procs() { cat "$cg/cgroup.procs" 2>/dev/null; }
scratch_dirs() {
	for p in $(cg_procs); do cat /proc/"$p"/cmdline /proc/"$p"/environ 2>/dev/null; done | tr '\0=' '\n\n' |
		grep -o '/tmp/testbed-[a-z]*-[A-Za-z0-9]\{6\}' | sort -u
}
scratch_gone() {
	for d in $1; do [ ! -e "$d" ] || { fail "$name: scratch folder $d left behind"; return 1; }; done
}
held_progs() {
	for p in $(cg_procs); do grep -h '^prog_id:' /proc/"$p"/fdinfo/* 2>/dev/null; done |
		awk '{ print $2 }' | sort -un | tr '\n' ' '
}

# no_orphans: the cgroup empties within 5 s; leftovers are named, then
# killed (they are this test's) so that later tests start clean
no_orphans() {
	n=0
	while [ -n "$(cg_procs)" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
	left=$(cg_procs)
	for p in $left; do
		echo "    left behind: $(ps -o pid=,ppid=,stat=,comm=,args= -p "$p" | cut -c1-150)"
		kill -KILL "$p" 2>/dev/null
	done
	[ -z "$left" ] || sleep 0.3
	rmdir "$cg" 2>/dev/null
	[ -z "$left" ] || fail "$name: $(echo $left | wc -w) processes outlived the testbed"
}

# abandon: after a failed check, the spawned testbed and all it started go
abandon() {
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	no_orphans >/dev/null
}

# folder_is DIR absent|complete|interrupted: what a signal may leave. A
# complete folder has every file, meta.csv (written last) included, each
# well formed, and no temporary file; interrupted is complete and says so.
folder_is() {
	case $2 in
	absent)
		[ ! -e "$1" ] || fail "$name: $1 exists: $(ls "$1" | tr '\n' ' ')"
		return ;;
	esac
	[ -d "$1" ] || { fail "$name: no run folder $1"; return 1; }
	tmp=$(ls "$1" | grep '\.tmp$')
	[ -z "$tmp" ] || { fail "$name: temporary files left: $tmp"; return 1; }
	for f in meta workers threads timeline latency summary; do
		csv_well_formed "$1/$f.csv" || { fail "$name: $f.csv missing or not well formed"; return 1; }
	done
	want=no; [ "$2" = interrupted ] && want=yes
	[ "$(meta "$1" interrupted)" = $want ] && [ "$(summary "$1" interrupted)" = $want ] ||
		fail "$name: meta.csv/summary.csv interrupted=$(meta "$1" interrupted)/$(summary "$1" interrupted), expected $want"
}

# wait_load: until the spawned testbed's load runs (its load generator
# threads exist: until then it has one thread), then 1 s more
wait_load() {
	n=0
	while [ "$(ls /proc/"$pid"/task 2>/dev/null | wc -l)" -lt 2 ]; do
		n=$((n + 1))
		[ $n -le 600 ] && kill -0 "$pid" 2>/dev/null ||
			{ abandon; sed 's/^/    stderr: /' "$RW/$name.err"
			  fail "$name: the load never started"; return 1; }
		sleep 0.05
	done
	sleep 1
}

# signal_case NAME STAGE SIGNAL FOLDER COMMAND ARGS...: the testbed (--out
# is added) paused at STAGE, or for STAGE "run" one second into the load,
# gets SIGNAL; it must exit 130, leave no process and no program of ours,
# and its folder as FOLDER says.
signal_case() {
	case_name=$1 stage=$2 sig=$3 want=$4 command=$5; shift 5
	out=$RW/$case_name
	if [ "$stage" = run ]; then
		spawn "$case_name" "$command" --out "$out" "$@" && wait_load || return 1
	else
		pause=$stage; spawn "$case_name" "$command" --out "$out" "$@"; ok=$?; pause=
		[ $ok -eq 0 ] && wait_pause "$stage" || return 1
	fi
	ids=$(held_progs); procs=$(cg_procs | wc -l); scratch=$(scratch_dirs)
	# while writing, the tracer is already closed and the server stopped
	[ -n "$ids" ] || [ "$stage" = writing ] || fail "$case_name: the testbed holds no BPF programs at $stage" ||
		{ abandon; return 1; }
	kill -"$sig" "$pid"
	wait "$pid"; rc=$?
	echo "    $case_name: SIG$sig at $stage ($procs processes, programs$(echo " $ids" | tr -s ' ')${scratch:+, $scratch}): exit $rc, folder: $(ls "$out" 2>/dev/null | wc -l) files"
	[ $rc -eq 130 ] || { sed 's/^/    /' "$RW/$case_name.err"; no_orphans; fail "$case_name: exit $rc, expected 130"; return 1; }
	no_orphans || return 1
	progs_gone "$ids" && scratch_gone "$scratch" || return 1
	folder_is "$out" "$want" || { sed 's/^/    stderr: /' "$RW/$case_name.err"; return 1; }
}

# --- signals --------------------------------------------------------------
# SIGINT and SIGTERM to `run` at every stage, each signal at each stage:
# setup (tracer loaded; server ready: nothing measured, no folder), the run
# (folder marked interrupted), after the load and while writing (the data
# are complete: the folder is finished, interrupted=no). Exit 130 always.
# Workers have pool threads.
test_signal_stages_run() {
	for c in loaded:INT:absent ready:TERM:absent run:INT:interrupted stopping:TERM:complete writing:INT:complete \
		loaded:TERM:absent ready:INT:absent run:TERM:interrupted stopping:INT:complete writing:TERM:complete; do
		stage=${c%%:*}; rest=${c#*:}; sig=${rest%%:*}; want=${rest#*:}
		duration=1; [ "$stage" = run ] && duration=20
		signal_case "sig-$stage-$sig" "$stage" "$sig" "$want" run shared-epoll --workers 2 \
			--threads 2 --connections 4 --duration $duration --port 0 || return 1
		if [ "$want" = complete ]; then
			check_self_reports "$RW/sig-$stage-$sig" 2 || return 1
		fi
	done
}

# The same for the real servers we start: `run nginx-*` (master and workers)
# and `trace -- COMMAND` (a Node cluster); the guard process goes too.
test_signal_stages_external() {
	port=$(free_port 11)
	signal_case sig-nginx-run run TERM interrupted run nginx-mutex-on --workers 2 --duration 20 || return 1
	signal_case sig-nginx-ready ready INT absent run nginx-mutex-off --workers 2 --duration 1 || return 1
	signal_case sig-trace-run run INT interrupted trace --load "127.0.0.1:$port" --duration 20 -- \
		node "$(pwd)/scenarios/external/node-cluster.js" "$port" 2 || return 1
	signal_case sig-trace-loaded loaded TERM absent trace --load "127.0.0.1:$port" --duration 1 -- \
		node "$(pwd)/scenarios/external/node-cluster.js" "$port" 2 || return 1
	signal_case sig-trace-writing writing INT complete trace --load "127.0.0.1:$port" --duration 1 -- \
		node "$(pwd)/scenarios/external/node-cluster.js" "$port" 2
}

# Signals at a sweep of delays from the start: whatever lies between the
# stages above (parsing, BPF loading, forking, the first connections). The
# folder is absent or marked interrupted; nothing is left behind.
test_signal_sweep() {
	base=$(max_prog_id); i=0
	for delay in 0.02 0.05 0.1 0.15 0.2 0.25 0.3 0.4 0.5 0.7 1.0; do
		i=$((i + 1)); sig=INT; [ $((i % 2)) -eq 0 ] && sig=TERM
		signum=2; [ $sig = TERM ] && signum=15
		out=$RW/sweep-$i
		spawn "sweep-$i" run reuseport-bpf --workers 2 --threads 1 --duration 5 --port 0 --out "$out" || return 1
		sleep "$delay"
		kill -"$sig" "$pid"
		wait "$pid"; rc=$?
		state=absent; [ -e "$out" ] && state=interrupted
		echo "    SIG$sig after $delay s: exit $rc, folder $state$(sed -n '1s/^/, said: /p' "$RW/sweep-$i.err")"
		# before main() installs its handlers (the first milliseconds after
		# exec) the signal kills: 128 + signal, and nothing was created yet
		[ $rc -eq 130 ] || { [ $rc -eq $((128 + signum)) ] && [ $state = absent ]; } ||
			fail "SIG$sig after $delay s: exit $rc" || { no_orphans; return 1; }
		[ "$(wc -l <"$RW/sweep-$i.err")" -le 1 ] || { sed 's/^/    /' "$RW/sweep-$i.err"; fail "more than one line on stderr"; } ||
			{ no_orphans; return 1; }
		no_orphans || return 1
		[ $state = absent ] || folder_is "$out" interrupted || return 1
	done
	no_unheld_progs "$base"
}

# kill_case NAME STAGE ARGS...: SIGKILL of the testbed at STAGE (as for
# signal_case): the kernel ends what it started (PR_SET_PDEATHSIG, and the
# guard of a command it started) and drops its BPF programs.
kill_case() {
	case_name=$1 stage=$2 command=$3; shift 3
	if [ "$stage" = run ]; then
		spawn "$case_name" "$command" --out "$RW/$case_name" "$@" && wait_load || return 1
	else
		pause=$stage; spawn "$case_name" "$command" --out "$RW/$case_name" "$@"; ok=$?; pause=
		[ $ok -eq 0 ] && wait_pause "$stage" || return 1
	fi
	ids=$(held_progs); procs=$(cg_procs | wc -l); scratch=$(scratch_dirs)
	kill -KILL "$pid"
	{ wait "$pid"; rc=$?; } 2>/dev/null
	echo "    $case_name: SIGKILL at $stage: $procs processes, programs$(echo " $ids" | tr -s ' ')${scratch:+, $scratch}"
	[ $rc -eq 137 ] || fail "$case_name: exit $rc after SIGKILL" || { no_orphans; return 1; }
	no_orphans && progs_gone "$ids" && scratch_gone "$scratch"
}

test_sigkill_leaves_nothing() {
	base=$(max_prog_id)
	kill_case kill-loaded loaded run shared-epoll --workers 2 --duration 1 --port 0 || return 1
	kill_case kill-ready ready run reuseport-bpf --workers 2 --threads 2 --duration 1 --port 0 || return 1
	kill_case kill-run run run shared-epoll --workers 2 --threads 2 --events --duration 20 --port 0 || return 1
	kill_case kill-writing writing run fd-dispatch --workers 2 --duration 1 --port 0 || return 1
	kill_case kill-nginx run run nginx-mutex-off --workers 2 --duration 20 || return 1
	port=$(free_port 12)
	kill_case kill-trace run trace --load "127.0.0.1:$port" --duration 20 -- \
		node "$(pwd)/scenarios/external/node-cluster.js" "$port" 2 || return 1
	no_unheld_progs "$base"
}

# --- crashing workers -----------------------------------------------------
# crash_workers SIGNAL...: one worker of the spawned run per SIGNAL, 0.5 s
# apart, from now on; the workers are the master's children
crash_workers() {
	master=$(pgrep -P "$pid" -x tb-master)
	[ -n "$master" ] || { fail "no master found"; return 1; }
	for sig in "$@"; do
		victim=$(pgrep -P "$master" -x tb-worker | head -1)
		[ -n "$victim" ] || { fail "no worker to crash"; return 1; }
		echo "    SIG$sig to worker $victim"
		kill -"$sig" "$victim"
		sleep 0.5
	done
}

# crash_case NAME WORKERS SIGNALS ARGS...: the run finishes normally; every
# crashed worker was restarted and has its row (exit_status = the signal,
# no self-report), every worker that reported agrees with BPF, and each
# connection counts once: BPF's total is what the clients completed plus at
# most one in flight per crashed worker.
crash_case() {
	case_name=$1 workers=$2 signals=$3; shift 3
	dir=$RW/$case_name
	# an ASan build would turn the worker's SIGSEGV into its own report and an abort
	asan_options=${ASAN_OPTIONS-}
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
	spawn "$case_name" "$@" --workers "$workers" --port 0 --out "$dir"; ok=$?
	ASAN_OPTIONS=$asan_options
	[ $ok -eq 0 ] && wait_load || return 1
	crash_workers $signals || { abandon; return 1; }
	wait "$pid"; rc=$?
	no_orphans || return 1
	[ $rc -eq 0 ] || { sed 's/^/    /' "$RW/$case_name.err"; fail "exit $rc"; return 1; }
	crashes=$(echo $signals | wc -w)
	restarts=$(summary "$dir" worker_restarts)
	[ "$restarts" -eq "$crashes" ] || fail "worker_restarts $restarts, expected $crashes" || return 1
	for sig in $signals; do
		case $sig in KILL) num=9 ;; SEGV) num=11 ;; BUS) num=7 ;; ABRT) num=6 ;; *) num=0 ;; esac
		rows=$(awk -F, -v s="$num" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$h["role"] == "worker" && $h["exit_status"] != "" && $h["exit_status"] % 128 == s &&
				$h["self_reported_accepted"] == "" { n++ }
			END { print n + 0 }' "$dir/workers.csv")
		[ "$rows" -ge 1 ] || fail "no row for the worker killed by SIG$sig (wait status $num)" || return 1
	done
	check_self_reports "$dir" $((workers + crashes)) || return 1
	bpf=$(( $(worker_sum "$dir" accepted) + $(worker_sum "$dir" fds_received) ))
	completed=$(summary "$dir" connections_completed)
	echo "    restarts $restarts; BPF $bpf connections, completed $completed, lost $(summary "$dir" connections_lost)"
	[ "$completed" -gt 0 ] && [ "$bpf" -ge "$completed" ] && [ "$bpf" -le $((completed + crashes)) ] ||
		fail "BPF counted $bpf connections for $completed completed and $crashes crashes"
}

test_worker_crashes() {
	crash_case crash-epoll-pool 3 "SEGV KILL" run shared-epoll --threads 2 --connections 6 --duration 3 || return 1
	crash_case crash-dispatch 2 "SEGV" run fd-dispatch --policy idle --connections 4 --duration 2.5 || return 1
	crash_case crash-reuseport 2 "KILL" run reuseport --connections 4 --duration 2.5
}

# --- bad command lines ----------------------------------------------------
# refused ARGS...: exit 2, exactly one line on stderr ("testbed: ..."),
# nothing on stdout, and nothing started -- under strace: no process or
# thread created, no BPF call, no perf event, no folder made. $HOSTS, when
# set, is bind-mounted on /etc/hosts in a private mount namespace first.
refused() {
	what="'testbed $*'"
	if [ -n "${HOSTS:-}" ]; then
		set -- unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$HOSTS" \
			strace -f -qq -o "$RW/bad.strace" -e trace=clone,clone3,fork,vfork,bpf,perf_event_open,mkdir,mkdirat \
			"$TESTBED" "$@"
	else
		set -- strace -f -qq -o "$RW/bad.strace" \
			-e trace=clone,clone3,fork,vfork,bpf,perf_event_open,mkdir,mkdirat "$TESTBED" "$@"
	fi
	"$@" >"$RW/bad.out" 2>"$RW/bad.err"; rc=$?
	[ $rc -eq 2 ] || { sed 's/^/    stderr: /' "$RW/bad.err"; fail "$what exited $rc, expected 2"; return 1; }
	[ "$(wc -l <"$RW/bad.err")" -eq 1 ] && grep -q '^testbed: ' "$RW/bad.err" ||
		{ sed 's/^/    stderr: /' "$RW/bad.err"; fail "$what: not one 'testbed: ' line on stderr"; return 1; }
	[ ! -s "$RW/bad.out" ] || fail "$what printed on stdout" || return 1
	started=$(grep -E 'clone|fork|bpf\(|perf_event_open|mkdir.*= 0' "$RW/bad.strace")
	[ -z "$started" ] || { echo "$started" | sed 's/^/    /'; fail "$what started something"; return 1; }
	if [ -n "${mention:-}" ]; then
		grep -q -- "$mention" "$RW/bad.err" || { cat "$RW/bad.err"; fail "$what: the message does not name $mention"; return 1; }
	fi
	refused_count=$((refused_count + 1))
}

# table_refused: every line of stdin is an argument list (shell quoting) that must be refused
table_refused() {
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		eval "set -- $line"
		refused "$@" </dev/null || return 1
	done
}

# Every numeric option of run and trace: negative, zero where zero is
# invalid, overflow, trailing junk, empty, and other spellings strtol would
# take (sign, blanks, hex, exponent, inf/nan); the message names the option.
test_bad_numbers_refused() {
	refused_count=0; out=$RW/bad-numbers
	for opt in workers:1 connections:1 duration:1 requests:1 rate:1 backlog:1 timeout:1 interval:1 \
		loadgen-threads:1 kill-worker-after:1 ring-buffer:1 port:0 threads:0; do
		name=${opt%%:*}; zero_invalid=${opt#*:}
		for value in -1 99999999999999999999 5x '' ' 5' +5 0x10 1e3 inf nan 5.5.5 -0; do
			extra=
			[ "$name" = kill-worker-after ] && extra="--duration 10"
			mention="--$name" refused run shared-epoll $extra --"$name" "$value" --out "$out" || return 1
		done
		if [ "$zero_invalid" = 1 ]; then
			mention="--$name" refused run shared-epoll --"$name" 0 --out "$out" || return 1
		fi
	done
	# fractions where a whole number is needed
	for name in workers connections requests backlog timeout interval loadgen-threads port threads ring-buffer; do
		mention="--$name" refused run shared-epoll --"$name" 2.5 --out "$out" || return 1
	done
	for value in 2.5 -1 5x '' 99999999999999999999; do
		mention=--events-max refused run shared-epoll --events --events-max "$value" --out "$out" || return 1
	done
	# out of range (above the limit)
	while IFS=' ' read -r name value; do
		mention="--$name" refused run shared-epoll --"$name" "$value" --out "$out" || return 1
	done <<-EOF
		workers 1025
		connections 20001
		duration 86401
		port 65536
		backlog 65536
		timeout 600001
		interval 9
		interval 60001
		loadgen-threads 257
		threads 65
		ring-buffer 3
		ring-buffer 2097152
		rate 10000001
	EOF
	for value in cpu:-1 cpu:5x cpu: cpu:99999999999999999999 cpu:1000001 sleep:-5 file:0 file:67108865 :5 cpu gpu:5 ''; do
		mention=--work refused run shared-epoll --threads 2 --work "$value" --out "$out" || return 1
	done
	for opt in pid duration connections requests rate timeout interval loadgen-threads ring-buffer; do
		for value in -1 0 99999999999999999999 5x '' 1e3; do
			[ "$opt" = pid ] || set -- --load 127.0.0.1:9
			[ "$opt" != pid ] || set --
			mention="--$opt" refused trace "$@" --"$opt" "$value" --out "$out" -- true || return 1
		done
	done
	[ ! -e "$out" ] || fail "a refused command line made $out" || return 1
	echo "    $refused_count bad numbers refused"
}

# Unknown names, conflicting options, misplaced options, two subjects.
test_bad_combinations_refused() {
	refused_count=0; out=$RW/bad-combinations
	mention= table_refused <<-EOF || return 1
		run
		run nope
		run ''
		run shared-epoll reuseport
		run shared-epoll --bogus
		run shared-epoll --workers
		run shared-epoll --out ''
		run shared-epoll --events-max 10
		trace --pid 1 --events-max 10
		frobnicate
		''
		run shared-epoll --policy rr
		run shared-accept --policy idle
		run reuseport --policy rr
		run fd-dispatch --policy least
		run reuseport-bpf --policy idle
		run reuseport-bpf --policy bogus
		run reuseport-bpf --workers 65
		run shared-epoll --migrate
		run fd-dispatch --migrate
		run shared-epoll --work cpu:100
		run shared-epoll --pool-wake broadcast
		run shared-epoll --pool-notify pipe
		run shared-epoll --threads 2 --pool-wake sometimes
		run shared-epoll --threads 2 --pool-notify carrier-pigeon
		run shared-epoll --threads 2 --work cpu:500000 --timeout 500
		run shared-epoll --arrivals uniform
		run shared-epoll --rate 100 --arrivals sometimes
		run shared-epoll --kill-worker-after 2 --duration 2
		run shared-epoll --kill-worker-after 3 --duration 2
		run shared-epoll --pid 1
		run shared-epoll --cgroup /
		run shared-epoll --load 127.0.0.1:80
		run nginx-mutex-on --threads 2
		run nginx-mutex-on --policy rr
		run node-cluster-rr --migrate
		run node-cluster-rr --kill-worker-after 1
		trace
		trace --load 127.0.0.1:9
		trace --pid 1 --cgroup /
		trace --pid 1 -- true
		trace --cgroup / -- true
		trace --
		trace --load 127.0.0.1:9 --
		trace --pid 1 shared-epoll
		trace --workers 2 --pid 1
		trace --port 80 --pid 1
		trace --threads 2 -- true
		trace --policy rr --pid 1
		trace --kill-worker-after 1 --pid 1
		trace --migrate --pid 1
		trace --connections 4 --pid 1
		trace --requests 4 -- true
		trace --rate 100 -- true
		trace --keepalive -- true
		trace --load 127.0.0.1:9 --arrivals uniform -- true
		trace --cgroup '' --load 127.0.0.1:9
	EOF
	echo "    $refused_count bad combinations refused"
}

# The load goes to loopback only: any other --load target is refused before
# anything starts, also a name that resolves elsewhere (a private
# /etc/hosts in a mount namespace of its own) and malformed targets.
test_load_targets_refused() {
	refused_count=0
	for target in 10.0.0.1:80 192.168.1.1:80 8.8.8.8:53 172.16.0.1:80 '[::2]:80' '[2001:db8::1]:80' \
		0.0.0.0:80 255.255.255.255:80 128.0.0.1:80 126.255.255.255:80 169.254.1.1:80 224.0.0.1:80 \
		'[::ffff:10.0.0.1]:80' '[::]:80' '[fe80::1]:80' '[ff02::1]:80' \
		127.0.0.1 127.0.0.1: 127.0.0.1:0 127.0.0.1:65536 127.0.0.1:80x 127.0.0.1:-1 :80 '[::1]80' '' \
		'[]:80' '[::1:80'; do
		mention=--load refused trace --load "$target" -- true || return 1
	done
	printf '10.1.2.3 evil.test\n2001:db8::5 evil6.test\n127.0.0.2 good.test\n' >"$RW/hosts"
	for target in evil.test:80 evil6.test:80; do
		HOSTS=$RW/hosts mention=--load refused trace --load "$target" -- true || return 1
	done
	# the same names are looked up through that file: a loopback one passes
	# the check (and then fails for want of a listener: exit 1, not 2)
	unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' sh "$RW/hosts" \
		"$TESTBED" trace --load good.test:9 --duration 0.5 --out "$RW/good-host" -- true >/dev/null 2>&1; rc=$?
	[ $rc -eq 1 ] || fail "a name resolving to 127.0.0.2 was not accepted as a target (exit $rc)" || return 1
	echo "    $refused_count non-loopback or malformed targets refused"
}

# --- the environment ------------------------------------------------------

# Not root: one line, exit 1, for run and trace, nothing made.
test_env_not_root() {
	mkdir -p "$RW/nobody" && cp "$TESTBED" "$RW/nobody/testbed" && chmod 755 "$RW" "$RW/nobody" || return 1
	for args in "run shared-epoll|" "trace --load 127.0.0.1:9|-- true" "run nginx-mutex-on|"; do
		setpriv --reuid=65534 --regid=65534 --clear-groups "$RW/nobody/testbed" ${args%|*} --duration 1 \
			--out "$RW/nobody/out" ${args#*|} >/dev/null 2>"$RW/nobody.err"; rc=$?
		one_line_exit 1 "needs root" "$RW/nobody.err" || return 1
		[ ! -e "$RW/nobody/out" ] || fail "'$args' as nobody made a folder" || return 1
	done
	sed 's/^/    /' "$RW/nobody.err"
}

# No BTF: the kernel has it built in, so the check is pointed at a missing
# file (TESTBED_BTF_PATH, tests only): one line, exit 1, nothing started.
test_env_no_btf() {
	for args in "run shared-epoll|" "trace --load 127.0.0.1:9|-- true" "run nginx-mutex-off|"; do
		TESTBED_BTF_PATH=/nonexistent strace -f -qq -o "$RW/nobtf.strace" -e trace=clone,clone3,fork,vfork,bpf,mkdir \
			"$TESTBED" ${args%|*} --duration 1 --out "$RW/nobtf" ${args#*|} >/dev/null 2>"$RW/nobtf.err"; rc=$?
		one_line_exit 1 "no BTF" "$RW/nobtf.err" || return 1
		! grep -qE 'clone|fork|bpf\(|mkdir.*= 0' "$RW/nobtf.strace" || fail "'$args' without BTF started something" || return 1
		[ ! -e "$RW/nobtf" ] || fail "'$args' without BTF made a folder" || return 1
	done
	sed 's/^/    /' "$RW/nobtf.err"
}

# tracefs not mounted: the testbed mounts it and the run works. The mount is
# put back as it was (here: mounted, as the testbed leaves it).
test_env_tracefs_unmounted() {
	tracefs=/sys/kernel/tracing
	was_mounted=no; mountpoint -q "$tracefs" && was_mounted=yes
	if [ $was_mounted = yes ]; then
		umount "$tracefs" 2>/dev/null || umount -l "$tracefs" || { fail "cannot unmount $tracefs"; return 1; }
	fi
	mountpoint -q "$tracefs" && { fail "$tracefs is still mounted"; return 1; }
	run_testbed reliability/notracefs shared-epoll --workers 2 --duration 0.5; ok=$?
	mounted=no; mountpoint -q "$tracefs" && mounted=yes
	[ $was_mounted = yes ] || umount "$tracefs" 2>/dev/null
	[ $was_mounted = no ] || mountpoint -q "$tracefs" || mount -t tracefs tracefs "$tracefs"
	[ $ok -eq 0 ] || return 1
	[ $mounted = yes ] || fail "the testbed did not mount tracefs" || return 1
	[ "$(summary "$RW/notracefs" accepted)" -gt 0 ] || fail "nothing was traced" || return 1
	echo "    tracefs was mounted: $was_mounted; the testbed mounted it and traced $(summary "$RW/notracefs" accepted) accepts"
}

# The port is taken: by our own reuseport group (which another reuseport
# run, or nginx with reuseport, could otherwise join), or anything else.
# Each is refused (exit 1, "in use") and the holder's run is unharmed.
test_env_port_in_use() {
	port=$(free_port 21)
	"$TESTBED" run reuseport --workers 2 --connections 2 --duration 40 --port "$port" --out "$RW/holder" \
		>/dev/null 2>"$RW/holder.err" &
	holder=$!
	n=0
	while [ -z "$(ss -Htln "sport = :$port")" ]; do
		n=$((n + 1))
		[ $n -le 100 ] && kill -0 "$holder" 2>/dev/null ||
			{ kill "$holder" 2>/dev/null; wait "$holder"; cat "$RW/holder.err"; fail "the holder never listened on $port"; return 1; }
		sleep 0.05
	done
	for args in "run reuseport" "run reuseport-bpf" "run shared-epoll" "run shared-accept" "run fd-dispatch" \
		"run nginx-reuseport" "run nginx-mutex-on" "run node-cluster-none"; do
		"$TESTBED" $args --workers 2 --duration 1 --port "$port" --out "$RW/second" >/dev/null 2>"$RW/inuse.err"; rc=$?
		one_line_exit 1 "in use" "$RW/inuse.err" || { kill "$holder"; wait "$holder"; return 1; }
		[ ! -e "$RW/second" ] || fail "'$args' on a taken port left a folder" || { kill "$holder"; wait "$holder"; return 1; }
	done
	"$TESTBED" trace --load "127.0.0.1:$port" --duration 1 --out "$RW/second" -- \
		node "$(pwd)/scenarios/external/node-cluster.js" "$port" 2 >/dev/null 2>"$RW/inuse.err"; rc=$?
	one_line_exit 1 "in use" "$RW/inuse.err" || { kill "$holder"; wait "$holder"; return 1; }
	sed 's/^/    /' "$RW/inuse.err"
	kill -INT "$holder" # the refusals are checked: the holder's run ends now, interrupted
	wait "$holder"; [ $? -eq 130 ] || { cat "$RW/holder.err"; fail "the holder's run failed"; return 1; }
	check_self_reports "$RW/holder" 2 # in flight at Ctrl-C: accepted, not completed (test_interrupt_writes_partial_run)
}

# A results folder that exists: refused unless --force (exit 2, untouched);
# a file in its place is refused even with --force. With --force over an
# earlier run, the new run replaces its files and keeps other files.
test_env_out_folder_exists() {
	mkdir -p "$RW/taken" && echo precious >"$RW/taken/notes.txt"
	for args in "run shared-epoll|" "trace --load 127.0.0.1:9|-- true"; do
		"$TESTBED" ${args%|*} --duration 0.5 --out "$RW/taken" ${args#*|} >/dev/null 2>"$RW/taken.err"; rc=$?
		one_line_exit 2 "--force" "$RW/taken.err" || return 1
		[ "$(ls "$RW/taken")" = notes.txt ] || fail "'$args' wrote into the folder" || return 1
	done
	echo file >"$RW/a-file"
	"$TESTBED" run shared-epoll --duration 0.5 --force --out "$RW/a-file" >/dev/null 2>"$RW/taken.err"; rc=$?
	one_line_exit 2 "not a folder" "$RW/taken.err" || return 1
	[ "$(cat "$RW/a-file")" = file ] || fail "the file was changed" || return 1
	cp tests/fixtures/shared-epoll/*.csv "$RW/taken/"
	run_testbed reliability/taken shared-epoll --workers 2 --duration 0.5 --force || return 1
	[ "$(cat "$RW/taken/notes.txt")" = precious ] || fail "--force lost a file that is not the run's" || return 1
	[ "$(meta "$RW/taken" master_pid)" != "$(meta tests/fixtures/shared-epoll master_pid)" ] ||
		fail "the earlier run's meta.csv is still there" || return 1
	check_self_reports "$RW/taken" 2 && folder_is "$RW/taken" complete
}

# Disk full while writing (a 64 KiB tmpfs): one line naming the file that
# did not fit, exit 1, no temporary file left, the files written before it
# whole, and no meta.csv -- neither the new one nor, with --force, the
# earlier run's -- so that the folder cannot pass for complete. Also report
# and compare --out on a full disk.
test_env_disk_full() {
	full=$RW/full
	mkdir -p "$full" && mount -t tmpfs -o size=64k tmpfs "$full" || { fail "cannot mount a tmpfs"; return 1; }
	CLEANUP="umount '$full' 2>/dev/null; $CLEANUP"
	disk_full_cases; ok=$?
	umount "$full"
	return $ok
}
# A run that cannot write its files leaves nothing of itself (docs/CSV.md):
# no run file, and no folder unless --force kept the
# user's own files in it. --events on a disk this small is capped at once
# (said once, before the failure).
disk_full_cases() {
	for case in plain new events force; do
		rm -rf "${full:?}"/*
		[ $case = new ] || mkdir "$full/run"
		extra=
		case $case in
		events) extra=--events ;;
		force) cp tests/fixtures/shared-epoll/meta.csv "$full/run/" && echo precious >"$full/run/notes.txt"; extra=--force ;;
		esac
		"$TESTBED" run shared-epoll --workers 2 --duration 1 $extra --out "$full/run" >/dev/null 2>"$RW/full.err"; rc=$?
		if [ $case = events ]; then
			grep -q "events.csv stops at 0 rows: the disk under $full/run has room for no more" "$RW/full.err" ||
				fail "--events on a full disk: the cap is not said" || return 1
			sed -i '/events.csv stops at/d' "$RW/full.err"
		fi
		one_line_exit 1 "No space left on device" "$RW/full.err" || return 1
		grep -q "cannot write $full/run/[a-z]*\.csv" "$RW/full.err" || fail "the error does not name the file" || return 1
		sed 's/^/    /' "$RW/full.err"
		if [ $case = force ]; then
			grep -q "this run's files are removed" "$RW/full.err" || fail "the error does not say what was kept" || return 1
			[ "$(ls "$full/run")" = notes.txt ] || fail "left in the folder: $(ls "$full/run")" || return 1
			[ "$(cat "$full/run/notes.txt")" = precious ] || fail "notes.txt was changed" || return 1
		else
			grep -q "the run folder is removed" "$RW/full.err" || fail "the error does not say what was kept" || return 1
			[ ! -e "$full/run" ] || fail "$case: a run folder was left: $(ls -a "$full/run")" || return 1
		fi
	done
	# report and compare --out: the same, for their files
	rm -rf "${full:?}"/*
	cp -r tests/fixtures/shared-epoll "$full/fx"
	"$TESTBED" report "$full/fx" >/dev/null 2>"$RW/full.err"; rc=$?
	one_line_exit 1 "No space left on device" "$RW/full.err" || return 1
	sed 's/^/    /' "$RW/full.err"
	[ -z "$(ls "$full/fx" | grep '\.tmp$')" ] || fail "report left temporary files" || return 1
	for f in meta workers threads timeline latency summary; do
		cmp -s "$full/fx/$f.csv" "tests/fixtures/shared-epoll/$f.csv" || fail "report changed $f.csv" || return 1
	done
	"$TESTBED" compare "$full/fx" tests/fixtures/reuseport --out "$full/cmp" >/dev/null 2>"$RW/full.err"; rc=$?
	one_line_exit 1 "No space left on device" "$RW/full.err" || return 1
	sed 's/^/    /' "$RW/full.err"
	[ -z "$(ls "$full/cmp" | grep '\.tmp$')" ] || fail "compare left temporary files" || return 1
}

# --- hostile analysis input ------------------------------------------------
# mutant NAME: a copy of the fixture run folder as $RW/mutant-NAME ($m)
FIXTURE=tests/fixtures/shared-epoll
mutant() {
	m=$RW/mutant-$1
	rm -rf "$m" && cp -r "$FIXTURE" "$m"
}
# sed_row FILE LINE EXPRESSION: sed EXPRESSION on line LINE of FILE
sed_row() { sed -i "$2s/$3/" "$1"; }

# rejects COMMAND PATTERN: `testbed COMMAND $m [...]` exits 1 (not a
# crash: no signal, no timeout) with one line on stderr matching PATTERN
# (the file, and the line where there is one), writes no report and leaves
# no temporary file
rejects() {
	command=$1 pattern=$2
	if [ "$command" = report ]; then set -- report "$m"; else set -- compare "$m" tests/fixtures/reuseport; fi
	timeout 60 "$TESTBED" "$@" >"$RW/analysis.out" 2>"$RW/analysis.err"; rc=$?
	[ $rc -eq 1 ] && [ "$(wc -l <"$RW/analysis.err")" -eq 1 ] && grep -qE -- "$pattern" "$RW/analysis.err" ||
		{ sed 's/^/    stderr: /' "$RW/analysis.err"; fail "$case: '$*' exited $rc; expected 1 and one line matching '$pattern'"; return 1; }
	[ ! -d "$m" ] || { [ ! -e "$m/report.md" ] && [ -z "$(ls "$m" | grep '\.tmp$')" ]; } ||
		fail "$case: a report or a temporary file was left" || return 1
	printf '    %-22s %s\n' "$case:" "$(cut -c1-110 "$RW/analysis.err")"
	rejected=$((rejected + 1))
}

test_analysis_hostile_input() {
	rejected=0
	# case: what is done to the fixture; then who must refuse it and how
	case=empty; mutant $case; : >"$m/summary.csv"
	rejects report 'summary.csv: empty' && rejects compare 'summary.csv: empty' || return 1
	case=truncated; mutant $case; head -c 700 "$FIXTURE/workers.csv" >"$m/workers.csv"
	rejects report 'workers.csv:[0-9]+: ' || return 1
	case=truncated-quote; mutant $case; printf 'client_latency,"12' >>"$m/latency.csv"
	rejects report 'latency.csv:[0-9]+: ' || return 1
	case=binary; mutant $case; { head -c 1000 /dev/urandom; printf '\0\001\377'; } >"$m/threads.csv"
	rejects report 'threads.csv' || return 1
	case=binary-meta; mutant $case; { printf 'key,value\n'; head -c 3000 /dev/urandom; printf '\0'; } >"$m/meta.csv"
	rejects report 'meta.csv' && rejects compare 'meta.csv' || return 1
	case=huge; mutant $case; truncate -s 300M "$m/timeline.csv"
	rejects report 'timeline.csv: .*limit' || return 1
	case=huge-summary; mutant $case; truncate -s 300M "$m/summary.csv"
	rejects compare 'summary.csv: .*limit' || return 1
	case=schema-4; mutant $case; sed_row "$m/meta.csv" 2 'schema_version,1/schema_version,4'
	rejects report 'meta.csv' && rejects compare 'meta.csv' || return 1
	case=no-schema; mutant $case; sed -i '/^schema_version,/d' "$m/meta.csv"
	rejects report 'meta.csv' && rejects compare 'meta.csv' || return 1
	case=no-column; mutant $case; cut -d, -f11 --complement "$FIXTURE/summary.csv" >"$m/summary.csv"
	rejects report "summary.csv: no column 'herd_factor'" && rejects compare "summary.csv: no column 'herd_factor'" || return 1
	case=not-a-number; mutant $case; sed_row "$m/summary.csv" 2 '^\(\([^,]*,\)\{7\}\)[^,]*/\1abc'
	rejects report 'summary.csv:2: jain_index' && rejects compare 'summary.csv:2: jain_index' || return 1
	case=negative-count; mutant $case; sed_row "$m/workers.csv" 3 '^\([^,]*,[^,]*,[^,]*,\)[0-9]*/\1-5'
	rejects report 'workers.csv:3: ' || return 1
	case=huge-number; mutant $case; sed_row "$m/summary.csv" 2 '^\(\([^,]*,\)\{7\}\)[^,]*/\11e999'
	rejects compare 'summary.csv:2: ' || return 1
	case=stray-quote; mutant $case; sed_row "$m/workers.csv" 4 '^\([^,]*,\)\([0-9]*\)/\1\2"9'
	rejects report 'workers.csv:4: ' || return 1
	case=extra-field; mutant $case; sed_row "$m/timeline.csv" 3 '$/,7'
	rejects report 'timeline.csv:3: ' || return 1
	case=missing-field; mutant $case; sed_row "$m/timeline.csv" 2 ',[^,]*$/'
	rejects report 'timeline.csv:2: ' || return 1
	case=repeated-header; mutant $case; sed_row "$m/threads.csv" 1 '^tid,/tid,tid,' ; sed -i '2,$s/^/0,/' "$m/threads.csv"
	rejects report 'threads.csv:1: ' || return 1
	case=empty-header; mutant $case; sed_row "$m/timeline.csv" 1 '^start_ms,/,'
	rejects report 'timeline.csv:1: ' || return 1
	case=two-summaries; mutant $case; sed -n 2p "$FIXTURE/summary.csv" >>"$m/summary.csv"
	rejects compare 'summary.csv' || return 1
	case=header-only; mutant $case; head -1 "$FIXTURE/summary.csv" >"$m/summary.csv"
	rejects report 'summary.csv' || return 1
	case=bucket-order; mutant $case; sed_row "$m/latency.csv" 2 '^client_latency,,29056,29183/client_latency,,29999,29183'
	rejects report 'latency.csv:2: ' || return 1
	case=metric-name; mutant $case; sed_row "$m/latency.csv" 3 '^client_latency/client latency;rm -rf'
	rejects report 'latency.csv:3: ' || return 1
	case=control-chars; mutant $case; printf 'client_latency,"1\n2\033[31m\r",1,2,3\n' >>"$m/latency.csv"
	rejects report 'latency.csv:[0-9]+: ' || return 1
	case=long-field; mutant $case; { printf 'client_latency,'; head -c 2000000 /dev/zero | tr '\0' 7; printf ',1,2,3\n'; } >>"$m/latency.csv"
	rejects report 'latency.csv:[0-9]+: ' || return 1
	case=wide-row; mutant $case; { head -c 9000 /dev/zero | tr '\0' ,; echo; } >>"$m/timeline.csv"
	rejects report 'timeline.csv:[0-9]+: ' || return 1
	case=no-workers-file; mutant $case; rm "$m/workers.csv"
	rejects report 'workers.csv: ' || return 1
	case=fifo; mutant $case; rm "$m/summary.csv"; mkfifo "$m/summary.csv"
	rejects report 'summary.csv: not a regular file' && rejects compare 'summary.csv: not a regular file' || return 1
	case=dev-zero; mutant $case; ln -sf /dev/zero "$m/workers.csv"
	rejects report 'workers.csv: not a regular file' || return 1
	case=no-folder; m=$RW/no-such-run
	rejects report 'no-such-run' && rejects compare 'no-such-run' || return 1
	case=a-file; m=$RW/a-run-file; echo x >"$m"
	rejects report 'a-run-file' || return 1
	# hand-edited but valid: CRLF line ends, quoted fields, extra columns
	mutant edited; sed -i 's/$/\r/' "$m/timeline.csv"; sed -i '2s/^shared-epoll,/"shared-epoll",/' "$m/summary.csv"
	sed -i '1s/$/,remark/; 2,$s/$/,"hand, edited"/' "$m/workers.csv"
	"$TESTBED" report "$m" >/dev/null 2>"$RW/analysis.err" && "$TESTBED" compare "$m" "$FIXTURE" >/dev/null 2>>"$RW/analysis.err" ||
		{ cat "$RW/analysis.err"; fail "a valid hand-edited folder was refused"; return 1; }
	echo "    $rejected hostile inputs refused with one line, no crash"
}

# report and compare run clean under valgrind (memcheck: no invalid access,
# no uninitialised use, no leak) on a good folder and on refused ones.
test_analysis_valgrind() {
	if nm "$TESTBED" 2>/dev/null | grep -q __asan_init; then
		echo "    $TESTBED is an ASan build: ASan checks it instead (valgrind cannot run it)"; return 0
	fi
	vg() {
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			--show-leak-kinds=definite,indirect "$TESTBED" "$@" >/dev/null 2>"$RW/vg.err"; rc=$?
		[ $rc -ne 99 ] && ! grep -q '^==[0-9]*==' "$RW/vg.err" || { sed 's/^/    /' "$RW/vg.err"; fail "valgrind: testbed $*"; return 1; }
		echo "    valgrind clean: testbed $(echo "$*" | sed "s|$RW/||g") (exit $rc)"
	}
	mutant vg-good
	vg report "$m" || return 1
	[ $rc -eq 0 ] || fail "report failed under valgrind" || return 1
	vg compare "$m" tests/fixtures/reuseport tests/fixtures/fd-dispatch-idle --out "$RW/vg-compare" || return 1
	[ $rc -eq 0 ] || fail "compare failed under valgrind" || return 1
	mutant vg-truncated; head -c 700 "$FIXTURE/workers.csv" >"$m/workers.csv"
	vg report "$m" || return 1
	mutant vg-binary; { printf 'key,value\n'; head -c 3000 /dev/urandom; } >"$m/meta.csv"
	vg compare "$m" "$FIXTURE"
}

# --- the load stays bounded ------------------------------------------------
# The load generator's bounds (load/loadgen.c): every client thread
# loops while it has work and no stop was asked; it stops starting requests
# at --duration (with --requests alone, at most 60 s) or after --requests,
# and every request in flight ends by --timeout (default 2 s), so a load
# lasts at most duration + timeout; epoll_wait waits at most 10 ms, so a
# stop is seen within that; the open loop's arrivals are capped at 65536
# waiting per thread. The testbed's own waits are bounded too: a server
# has 10 s (run) or 15 s (trace) to get ready, 5 s to stop before SIGKILL.
# Here: a server that accepts and never answers, and one that never
# accepts, still end on time, with every request counted as timed out.
test_load_bounded() {
	port=$(free_port 31)
	start=$(date +%s)
	"$TESTBED" trace --load "127.0.0.1:$port" --duration 1 --timeout 500 --out "$RW/mute" -- \
		node -e "require('net').createServer(() => {}).listen($port, '127.0.0.1')" >/dev/null 2>"$RW/mute.err"; rc=$?
	took=$(( $(date +%s) - start ))
	[ $rc -eq 0 ] || { cat "$RW/mute.err"; fail "exit $rc"; return 1; }
	timed_out=$(summary "$RW/mute" connections_timed_out); completed=$(summary "$RW/mute" connections_completed)
	echo "    a server that never answers: $timed_out timed out, $completed completed, done in $took s"
	[ "$timed_out" -gt 0 ] && [ "$completed" -eq 0 ] && [ "$took" -le 8 ] ||
		fail "expected timeouts only, within 8 s" || return 1
	port=$(free_port 32)
	start=$(date +%s)
	"$TESTBED" trace --load "127.0.0.1:$port" --requests 100000000 --duration 1 --timeout 300 --out "$RW/deaf" -- \
		perl -MIO::Socket::INET -e "\$s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'tcp', Listen => 1) or die; sleep 60" \
		>/dev/null 2>"$RW/deaf.err"; rc=$?
	took=$(( $(date +%s) - start ))
	[ $rc -eq 0 ] || { cat "$RW/deaf.err"; fail "exit $rc"; return 1; }
	echo "    a server that never accepts: $(summary "$RW/deaf" connections_timed_out) timed out, done in $took s"
	[ "$took" -le 8 ] || fail "a run of 1 s took $took s"
}

# --- runner (when not sourced by run.sh) ------------------------------------
if [ "${0##*/}" = reliability.sh ]; then
	run_tests "$0" -- "$@"
fi
