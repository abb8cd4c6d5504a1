/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Wake order (issue 20): who was idle on the listener when a connection came,
 * and where in that idle set the worker that took it stood. Included by
 * tracer.bpf.c, whose programs call the wake_order_*() hooks below at six
 * points (marked "wake order" there): a thread registers as a listener waiter
 * (epoll_ctl ADD of a listening socket, or accept), goes idle (asleep in the
 * accept or poll class), is woken, is woken by a handshake (the herd rule's
 * moment: the idle set is ranked then), accepts (the rank is counted), and
 * exits (its slot stops counting).
 *
 * Aggregated here, per thread, into thread_counters' wake_* fields; nothing
 * is streamed. Bounded: at most WAKE_MAX_WORKERS waiters are tracked, in
 * .bss slots in registration order; an accept by a thread without a slot is
 * counted in wake_unranked, never dropped silently. The slots are written
 * without atomics (an atomic with a result needs BPF ISA v3, Linux 5.12):
 * a slot is its thread's own, and its claim goes through a hash map's
 * BPF_NOEXIST insert, which is atomic; the thread's record keeps its slot
 * (thread_tracking.wake_slot), so the hooks find it without a lookup. What
 * the counts mean: README, "Wake order"; the inference from them:
 * analysis/wake_order.c. */
#ifndef TESTBED_WAKE_ORDER_BPF_H
#define TESTBED_WAKE_ORDER_BPF_H

#include "tracer_state.bpf.h"

#define WAKE_NO_SLOT 0xffffffffu
#define EPOLL_CTL_ADD 1   /* uapi/linux/eventpoll.h; vmlinux.h has no macros */

/* One listener waiter. The ranks are those of its last wakeup by a handshake,
 * kept until its accept (pending) or its next idle sleep (a lost race). */
struct wake_slot {
	__u32 tid;                /* 0: free, or its thread exited */
	__u32 pending;            /* woken from idle by a handshake, not yet accepted */
	__u64 idle_since_ns;      /* asleep in the accept/poll class since; 0 = busy */
	__u64 busy_since_ns;      /* woken from idle (or registered) at; 0 = idle */
	__u64 last_woken_ns;      /* its last wakeup by a handshake: the rotation rule */
	__u32 older;              /* at the wakeup: idle workers idle longer than it */
	__u32 newer;              /* ... idle more recently */
	__u32 lower;              /* ... registered before it */
	__u32 idle;               /* ... all idle workers, it included */
	__u32 least_recent;       /* ... no other waiter had been woken by one for longer */
	__u32 pad;
};

/* Listener waiters, in registration order (EPOLLEXCLUSIVE's wait-queue order:
 * ep_insert() queues each epoll instance on the listener at epoll_ctl ADD). */
static struct wake_slot wake_slots[WAKE_MAX_WORKERS]; /* static: kept out of the skeleton */
static volatile __u32 wake_registered;  /* slots claimed: the idle-set scan's bound */

/* slot -> tid: the claim (BPF_NOEXIST), so two threads registering at once
 * cannot take the same slot */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WAKE_MAX_WORKERS);
	__type(key, __u32);
	__type(value, __u32);
} wake_slot_owner SEC(".maps");

static __always_inline bool wake_listener_class(const struct thread_stats *t)
{
	return t->state.blocked_class == CLASS_ACCEPT || t->state.blocked_class == CLASS_POLL;
}

/* T's slot index, or WAKE_NO_SLOT (not registered, or every slot was taken). */
static __always_inline __u32 wake_slot_index(const struct thread_stats *t)
{
	__u32 slot = t->state.wake_slot;

	return slot && slot <= WAKE_MAX_WORKERS ? slot - 1 : WAKE_NO_SLOT;
}

/* The slot at INDEX, or NULL. The barrier hides that a slot's address is
 * never NULL: else clang turns the callers' NULL tests into this index test
 * again, and 6.1's verifier, which does not see that a second index test
 * cannot go the other way, follows a NULL slot into a load. */
static __always_inline struct wake_slot *wake_slot_at(__u32 index)
{
	struct wake_slot *slot;

	if (index >= WAKE_MAX_WORKERS)
		return NULL;
	slot = &wake_slots[index & (WAKE_MAX_WORKERS - 1)];
	barrier_var(slot);
	return slot;
}

/* T waits on a listener from now: it takes the next free slot, once. */
static __always_inline void wake_register(struct thread_stats *t)
{
	__u32 start = wake_registered, n, index, tid = t->tid;
	struct wake_slot *slot;

	if (t->state.wake_slot)
		return;
	for (n = 0; n < WAKE_MAX_WORKERS; n++) {
		index = start + n;
		if (index >= WAKE_MAX_WORKERS)
			break;
		if (bpf_map_update_elem(&wake_slot_owner, &index, &tid, BPF_NOEXIST))
			continue;
		slot = wake_slot_at(index);
		if (!slot)
			break;
		*slot = (struct wake_slot){ .tid = tid, .busy_since_ns = bpf_ktime_get_ns() };
		t->state.wake_slot = index + 1;
		if (wake_registered <= index)
			wake_registered = index + 1;
		return;
	}
	/* every slot taken: its accepts count as wake_unranked */
	t->state.wake_slot = WAKE_NO_SLOT;
}

/* Hook, an accept first seen (begin_syscall()) or epoll_ctl's successful
 * return (ARG1, ARG2: its op and fd): accept/accept4, or
 * epoll_ctl(EPOLL_CTL_ADD) of a listener, makes the thread a listener
 * waiter. */
static __always_inline void wake_order_note_syscall(struct thread_stats *t, long nr, __u64 arg1, __u64 arg2)
{
	if (nr == NR_accept || nr == NR_accept4) {
		wake_register(t);
	} else if (nr == NR_epoll_ctl && arg1 == EPOLL_CTL_ADD) {
		if (is_tcp_listener(fd_file((int)arg2)))
			wake_register(t);
	}
}

/* Hook, switched out asleep at NOW: in the accept or poll class a waiter is
 * idle from now; its busy stretch ends, and a pending rank is a lost race. */
static __always_inline void wake_order_note_sleep(struct thread_stats *t, __u64 now)
{
	struct wake_slot *slot;
	__u32 index;

	if (!wake_listener_class(t))
		return;
	index = wake_slot_index(t);
	slot = wake_slot_at(index);
	if (!slot)
		return;
	/* two registrations at once can leave the bound one short (its update
	 * is no atomic max): each idle sleep puts its own slot back in range */
	if (index >= wake_registered)
		wake_registered = index + 1;
	if (counting && slot->busy_since_ns)
		t->counters.listener_busy_ns += now - slot->busy_since_ns;
	slot->busy_since_ns = 0;
	slot->pending = 0;
	slot->idle_since_ns = now;
}

/* Hook, sched_wakeup: an idle waiter is busy from now. */
static __always_inline void wake_order_note_woken(struct thread_stats *t)
{
	struct wake_slot *slot;
	__u64 now;

	if (!wake_listener_class(t))
		return;
	slot = wake_slot_at(wake_slot_index(t));
	if (!slot || !slot->idle_since_ns)
		return;
	now = bpf_ktime_get_ns();
	if (counting)
		t->counters.listener_idle_ns += now - slot->idle_since_ns;
	slot->idle_since_ns = 0;
	slot->busy_since_ns = now;
}

/* Hook, note_listener_wakeup(): a handshake wakes T. Its place in the idle
 * set, as it is at this moment, waits in its slot for its accept. */
static __always_inline void wake_order_rank(const struct thread_stats *t)
{
	__u32 mine = wake_slot_index(t), i, older = 0, newer = 0, lower = 0, idle = 1, least_recent = 1;
	struct wake_slot *me = wake_slot_at(mine), *other;
	__u32 registered = wake_registered;
	__u64 now = bpf_ktime_get_ns(), since, last;

	if (!me)
		return;
	since = me->idle_since_ns ? me->idle_since_ns : now;
	last = me->last_woken_ns;
	/* unrolled: a loop whose counters differ on every path makes the
	 * verifier walk each path (1M instructions); straight code prunes */
#pragma unroll
	for (i = 0; i < WAKE_MAX_WORKERS; i++) {
		other = &wake_slots[i];
		if (i >= registered)
			break;
		if (i == mine || !other->tid)
			continue;
		if (other->last_woken_ns < last)
			least_recent = 0;
		if (!other->idle_since_ns)
			continue;
		idle++;
		if (other->idle_since_ns < since)
			older++;
		else
			newer++;
		if (i < mine)
			lower++;
	}
	me->older = older;
	me->newer = newer;
	me->lower = lower;
	me->idle = idle;
	me->least_recent = least_recent;
	me->last_woken_ns = now;
	me->pending = 1;
}

/* Hook, accept returned a connection (IN_WINDOW: counted): the winner's rank
 * at its wakeup, or queued (taken without a wakeup from idle for it: it was
 * busy or already awake), or unranked (no slot); and whether its turn had
 * come, as a rotation (round robin) would give it. */
static __always_inline void wake_order_note_accept(struct thread_stats *t, bool in_window)
{
	__u32 mine = wake_slot_index(t);
	struct wake_slot *slot = wake_slot_at(mine);
	__u32 pending;

	if (!slot) {
		if (in_window)
			t->counters.wake_unranked++;
		return;
	}
	pending = slot->pending;
	slot->pending = 0;
	if (!in_window)
		return;
	if (!pending) {
		t->counters.wake_queued++;
		return;
	}
	if (slot->least_recent && wake_registered > 1)
		t->counters.wake_rotation++;
	if (slot->idle <= 1) {
		t->counters.wake_sole++;
		return;
	}
	t->counters.wake_rank[slot->older < WAKE_RANKS ? slot->older : WAKE_RANKS - 1]++;
	if (!slot->older)
		t->counters.wake_fifo++;
	if (!slot->newer)
		t->counters.wake_lifo++;
	if (!slot->lower)
		t->counters.wake_fixed++;
}

/* Hook, thread exit: its slot stops counting as a waiter (not reused). */
static __always_inline void wake_order_forget(const struct thread_stats *t)
{
	struct wake_slot *slot = wake_slot_at(wake_slot_index(t));

	if (slot) {
		slot->tid = 0;
		slot->idle_since_ns = 0;
		slot->pending = 0;
	}
}

#endif
