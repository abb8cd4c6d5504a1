# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# Integration tests of the wake order (issue 20; README, "Wake order"): each
# model whose wake-up policy is known by construction must be inferred as
# such, and every accepted connection is counted exactly once among the wake
# columns. Sourced by run.sh (lib.sh's helpers); a few seconds each.

# check_wake_order DIR ORDER MIN_SHARE: summary.csv's wake_order is ORDER,
# explaining at least MIN_SHARE; the wake columns add up to accepted; every
# worker that waited on the listener has idle and busy time.
check_wake_order() {
	order=$(summary "$1" wake_order); share=$(summary "$1" wake_order_share)
	echo "    wake_order $order, share $share (want $2, >= $3)"
	grep -A1 '^wake order' "$1.out" | sed 's/^/    /'
	[ "$order" = "$2" ] || fail "wake_order is $order, not $2" || return 1
	ge "$share" "$3" || fail "wake_order_share $share < $3" || return 1
	accepted=$(summary "$1" accepted); ranked=0
	for col in wake_sole wake_queued wake_unranked wake_rank_0 wake_rank_1 wake_rank_2 wake_rank_3 \
		wake_rank_4 wake_rank_5 wake_rank_6 wake_rank_7; do
		ranked=$((ranked + $(summary "$1" $col)))
	done
	# summary's accepted is over the acceptors; the wake columns over every
	# server process: the same processes here
	[ "$ranked" -eq "$accepted" ] || fail "the wake columns count $ranked connections, accepted $accepted" || return 1
	[ "$(summary "$1" wake_unranked)" -eq 0 ] || fail "wake_unranked is not 0" || return 1
	grep -q "^wake order  *$(echo "$2" | sed 's/-/./g')" "$1.out" || [ "$2" = none ] ||
		fail "the printed summary does not say $2" || return 1
}

# check_idle_time DIR: every worker has listener idle and busy time
check_idle_time() {
	for col in listener_idle_ns listener_busy_ns; do
		zero=$(worker_col "$1" $col | awk '$1 == 0 { n++ } END { print n + 0 }')
		[ "$zero" -eq 0 ] || fail "$zero workers have $col 0" || return 1
	done
}

test_wake_order_shared_accept() {
	# accept() waiters queue exclusively at the tail, the head is woken: FIFO
	run_testbed wo-sa shared-accept --workers 4 --connections 2 --duration 2 || return 1
	check_wake_order "$WORK/wo-sa" fifo 0.9 && check_idle_time "$WORK/wo-sa"
}

test_wake_order_epoll_excl() {
	# EPOLLEXCLUSIVE wakes the first epoll instance queued on the listener
	# that has a waiter: the first-registered idle worker
	run_testbed wo-sx shared-epoll-excl --workers 4 --connections 2 --duration 2 || return 1
	check_wake_order "$WORK/wo-sx" fixed 0.9
}

test_wake_order_fd_dispatch() {
	# the master accepts every connection and hands it over: it chose
	run_testbed wo-fd fd-dispatch --workers 4 --connections 2 --duration 2 || return 1
	check_wake_order "$WORK/wo-fd" by-construction 0.99
}

test_wake_order_reuseport() {
	# the 4-tuple hash picks the listener: no order explains 80 %
	run_testbed wo-rp reuseport --workers 4 --connections 2 --duration 2 || return 1
	check_wake_order "$WORK/wo-rp" none 0 || return 1
	le "$(summary "$WORK/wo-rp" wake_order_share)" 0.6 || fail "an order explains more than 60 % of a hash"
}

test_wake_order_reuseport_bpf() {
	# the steering program's rotation: each worker in its turn (93-97 % here: a
	# worker busy at its turn queues the connection, and the next looks early)
	run_testbed wo-rb reuseport-bpf --workers 4 --connections 2 --duration 2 || return 1
	check_wake_order "$WORK/wo-rb" rotation 0.8
}
