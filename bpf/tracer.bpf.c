// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Per-thread blocking classes, wakeups, wasted wakeups, accepts, on-CPU time
 * and run-queue latency of a set of traced processes. Tracepoints only (no
 * kprobes/fentry), so the same object loads on every kernel we compare.
 * Read top to bottom: one small helper per metric rule, named after what it
 * accounts; then the programs, each a list of rule calls. The maps and the
 * lookups the rules use: tracer_state.bpf.h; what the counters mean:
 * tracer.h; architecture specifics: arch.bpf.h; kernel shims: compat.bpf.h. */
#include "tracer_state.bpf.h"
#include "followed_syscalls.h"
#include "wake_order.bpf.h" /* wake order (issue 20): its hooks are marked "wake order" */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* --- the rules: one per metric, named after what it accounts ------------- */

/* Syscalls and where the thread blocks. */

/* The thread is in syscall NR (FD, ARG: its first two arguments; ARG kept
 * for recvmsg's msghdr) on TARGET, which decides the blocking class of reads. */
static __always_inline void track_syscall_entry(struct thread_stats *t, long nr, __u64 fd, __u64 arg,
						struct read_target target)
{
	t->state.syscall_nr = nr;
	t->state.syscall_fd = (__s32)fd;
	t->state.syscall_arg = arg;
	t->state.blocked_class = syscall_class(nr, target);
	t->state.wakeup_pending = 0;
}

/* The syscall returned: a wakeup inside it was not wasted; after a poll a
 * new round of accepts starts. */
static __always_inline void track_syscall_exit(struct thread_stats *t)
{
	if (t->state.blocked_class == CLASS_POLL)
		t->state.accepted_since_poll = 0;
	t->state.syscall_nr = -1;
	t->state.blocked_class = CLASS_OTHER;
	t->state.wakeup_pending = 0;
}

static __always_inline void count_syscall(struct thread_stats *t)
{
	if (counting)
		t->counters.syscalls++;
}

/* Accepts and their delays. */

/* accept() returned FD: the connection's accept-queue delay (handshake
 * done -> accepted now) when inet_sock_set_state saw its handshake, and its
 * record marked accepted by TGID now, for the dispatch delay. One counted in
 * the window (IN_WINDOW) without a sample is counted as unmatched, so
 * accepted == samples + unmatched. A record already marked accepted is an
 * earlier connection's whose socket memory this one reuses, its handshake
 * unseen: if it was handed over, it was freed unread (its receiver exited
 * first: a crashed worker), and the sample it owed is unmatched. */
static __always_inline void note_accepted_connection(struct thread_stats *t, int fd, __u32 tgid, __u32 tid,
						     bool in_window)
{
	struct file *file = fd_file(fd);
	__u64 key = file ? (__u64)socket_sk(file) : 0, now = bpf_ktime_get_ns();
	struct conn_record *conn, fresh = { .accepted_ns = now, .tgid = tgid };
	bool sampled = false;

	conn = key ? bpf_map_lookup_elem(&connections, &key) : NULL;
	if (conn) {
		if (conn->accepted_ns && conn->handed_over)
			__sync_fetch_and_add(&handoffs_reused, 1);
		else if (!conn->accepted_ns && conn->established_ns && in_window)
			sampled = emit(EVENT_ACCEPT_QUEUE_DELAY, tgid, tid, CLASS_ACCEPT, now - conn->established_ns);
		*conn = fresh;
	} else if (key) {
		bpf_map_update_elem(&connections, &key, &fresh, BPF_ANY);
	}
	if (in_window && !sampled)
		__sync_fetch_and_add(&t->counters.accept_queue_unmatched, 1);
}

/* accept/accept4 returned RET: a connection taken, or -EAGAIN, which is a
 * wasted wakeup when nothing was accepted since the thread's last poll
 * returned (the herd's losers; a drain loop's closing EAGAIN found
 * connections before it and is only counted in accept_eagain). The window
 * flag is read once: the accept and its delay sample count together. */
static __always_inline void count_accept_result(struct thread_stats *t, long ret, __u32 tgid, __u32 tid)
{
	bool in_window = counting;

	if (ret >= 0) {
		note_accepted_connection(t, (int)ret, tgid, tid, in_window);
		wake_order_note_accept(t, in_window); /* wake order */
		t->state.accepted_since_poll = 1;
	}
	if (!in_window)
		return;
	if (ret >= 0) {
		__sync_fetch_and_add(&t->counters.accepted, 1);
		if (stream_events)
			emit(EVENT_ACCEPT, tgid, tid, CLASS_ACCEPT, ret);
	} else if (ret == -EAGAIN) {
		__sync_fetch_and_add(&t->counters.accept_eagain, 1);
		if (!t->state.accepted_since_poll)
			__sync_fetch_and_add(&t->counters.accept_eagain_wasted, 1);
		if (stream_events)
			emit(EVENT_ACCEPT_EAGAIN, tgid, tid, CLASS_ACCEPT, 0);
	}
}

/* The first read of connection SK: its record goes. If another process
 * accepted it and it was handed over (received in the window: the sample is
 * owed even if the read comes after the window closed), this is how long the
 * hand-off took. The reader's own sleep and its waker can both be first to
 * see the read (begin_syscall()): the one whose delete removes the record
 * takes the sample. */
static __always_inline void account_dispatch_delay(struct thread_stats *t, struct sock *sk, __u32 tgid, __u32 tid)
{
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns();
	struct conn_record *conn, seen;

	if (!sk)
		return;
	conn = bpf_map_lookup_elem(&connections, &key);
	if (!conn)
		return;
	seen = *conn;
	if (bpf_map_delete_elem(&connections, &key))
		return;
	if (seen.accepted_ns && seen.tgid != tgid && seen.handed_over &&
	    !emit(EVENT_DISPATCH_DELAY, tgid, tid, CLASS_OTHER, now - seen.accepted_ns))
		__sync_fetch_and_add(&t->counters.dispatch_unmatched, 1);
}

/* IPC reads. */

/* One fd received with SCM_RIGHTS: a TCP connection is a hand-off
 * (fds_received), owed a dispatch-delay sample at its first read when a
 * traced process accepted it -- else that sample is unmatched; anything
 * else (nginx's channel sockets, a listening socket passed by Node's cluster
 * or child_process.send(server)) is fds_received_other. True: a hand-off. */
static __always_inline bool classify_received_fd(struct thread_stats *t, int fd, __u32 tgid)
{
	struct sock *sk = tcp_sock_of(fd_file(fd));
	struct conn_record *conn;
	__u64 key = (__u64)sk;

	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_LISTEN) {
		t->counters.fds_received_other++;
		return false;
	}
	conn = bpf_map_lookup_elem(&connections, &key);
	if (conn && conn->accepted_ns && conn->tgid != tgid) {
		/* sent again before anyone read it (Node's primary hands a
		 * connection its dead worker never took to another): the
		 * earlier receipt's sample can no longer come */
		if (conn->handed_over)
			t->counters.dispatch_unmatched++;
		conn->handed_over = 1;
	} else {
		t->counters.dispatch_unmatched++;
	}
	return true;
}

/* recvmsg on a Unix socket returned: the fds it carried, each a connection
 * handed over or another file, counted in the window like accepts. */
static __always_inline void count_fds_received(struct thread_stats *t, __u32 tgid, __u32 tid)
{
	const int *passed = NULL;
	__u64 fds, connections = 0;
	int i;

	if (!counting)
		return;
	fds = fds_in_msghdr(t->state.syscall_arg, &passed);
	for (i = 0; i < MAX_PASSED_FDS && i < fds; i++) {
		int fd;

		if (bpf_probe_read_user(&fd, sizeof(fd), &passed[i]))
			fd = -1;
		connections += classify_received_fd(t, fd, tgid);
	}
	if (fds > MAX_PASSED_FDS)
		t->counters.fds_received_other += fds - MAX_PASSED_FDS;
	t->counters.fds_received += connections;
	if (connections && stream_events)
		emit(EVENT_FDS_RECEIVED, tgid, tid, CLASS_UNIX_RECV, connections);
}

/* Syscall NR returned RET: a read that returned data counts, with its bytes,
 * in the class it blocked in -- over the whole run, like the other IPC
 * counters: control messages flow at setup and stop. */
static __always_inline void count_read_result(struct thread_stats *t, long nr, long ret, __u32 tgid, __u32 tid)
{
	__u64 cls;

	if (ret <= 0 || !reads_from_fd(nr))
		return;
	cls = class_index(t);
	t->counters.reads[cls]++;
	t->counters.read_bytes[cls] += ret;
	if (nr == NR_recvmsg && t->state.blocked_class == CLASS_UNIX_RECV)
		count_fds_received(t, tgid, tid);
}

/* PR_SET_NAME may have renamed the thread. */
static __always_inline void refresh_comm(struct thread_stats *t, long nr)
{
	if (nr == NR_prctl)
		bpf_get_current_comm(&t->comm, sizeof(t->comm));
}

static __always_inline bool is_epoll_wait(long nr)
{
	return nr == NR_epoll_wait || nr == NR_epoll_pwait || nr == NR_epoll_pwait2;
}

/* The syscalls the blocking classes follow (bpf/followed_syscalls.h, the
 * list the collector attaches handle_sys_exit to: their exits end the
 * invocation's tracking). */
#define FOLLOWED_CASE(name) case NR_##name:
#define NOT_TRACKED(name)

static __always_inline bool is_followed_syscall(long nr)
{
	switch (nr) {
	FOLLOWED_SYSCALLS(FOLLOWED_CASE, NOT_TRACKED)
		return true;
	default:
		return false;
	}
}

/* No sys_enter program: a thread's syscall is tracked from the first
 * moment it matters -- its first sleep in it, a wakeup in it, or its return
 * without having slept -- as sys_enter did, with the number and arguments
 * read from the thread's saved registers. The invocation's sys_exit resets
 * syscall_nr, so finding the same number again means the same invocation:
 * asleep again in it (a wasted wakeup's test) is not a new one. A thread
 * asleep in a syscall nobody follows (write, nanosleep...) is class other,
 * as before. The dispatch delay of a handed-over connection ends here too:
 * at its first read's first sleep or return, not at its entry (at most that
 * read's run time later, a few microseconds). */

/* TASK (the current task when REGS is NULL) is in syscall NR, first seen:
 * the arguments are read only where a rule needs them (a read's file, an
 * epoll_wait's epoll instance, recvmsg's msghdr). */
static __always_inline void begin_syscall(struct thread_stats *t, struct task_struct *task, struct pt_regs *regs,
					  long nr, __u32 tgid, __u32 tid)
{
	struct read_target target = {};
	__u64 fd = (__u64)-1, arg = 0;

	if (!is_followed_syscall(nr)) {
		t->state.syscall_nr = -1;
		t->state.blocked_class = CLASS_OTHER;
		t->state.wakeup_pending = 0;
		return;
	}
	if (reads_from_fd(nr) || is_epoll_wait(nr)) {
		if (!regs)
			regs = current_regs();
		fd = SYSCALL_ARG0(regs);
		arg = SYSCALL_ARG1(regs);
	}
	if (reads_from_fd(nr)) {
		target = read_target_of(task_fd_file(task, (int)fd));
		account_dispatch_delay(t, target.sk, tgid, tid);
	}
	track_syscall_entry(t, nr, fd, arg, target);
	if (nr == NR_accept || nr == NR_accept4)
		wake_order_note_syscall(t, nr, 0, 0); /* wake order: accept registers a waiter */
}

/* Asleep or woken: TASK (REGS) is in the syscall its registers name. */
static __always_inline void track_syscall(struct thread_stats *t, struct task_struct *task, struct pt_regs *regs,
					  __u32 tgid, __u32 tid)
{
	long nr = SYSCALL_NR(regs);

	if (nr != t->state.syscall_nr)
		begin_syscall(t, task, regs, nr, tgid, tid);
}

/* Wakeups and the scheduler. */

/* Woken: a task woken before it left the CPU is not waiting in the run queue. */
static __always_inline void start_runq_wait(struct thread_stats *t)
{
	if (!t->state.runnable_since_ns && !t->state.oncpu_since_ns)
		t->state.runnable_since_ns = bpf_ktime_get_ns();
}

/* Woken: the time asleep ends, counted in the class it slept in, over the
 * whole run like the other IPC counters. */
static __always_inline void account_blocked_time(struct thread_stats *t)
{
	if (!t->state.asleep_since_ns)
		return;
	t->counters.blocked_ns[class_index(t)] += bpf_ktime_get_ns() - t->state.asleep_since_ns;
	t->state.asleep_since_ns = 0;
}

/* Woken in its blocking class; inside a syscall the wakeup is pending until
 * the syscall returns (used) or the thread sleeps again in it (wasted). */
static __always_inline void count_wakeup(struct thread_stats *t, __u32 tgid, __u32 tid)
{
	if (!counting)
		return;
	__sync_fetch_and_add(&t->counters.wakeups[class_index(t)], 1);
	if (t->state.blocked_class == CLASS_FUTEX)
		t->state.futex_wakeups_since_job++;
	if (t->state.syscall_nr >= 0)
		t->state.wakeup_pending = 1;
	if (stream_events)
		emit(EVENT_WAKEUP, tgid, tid, t->state.blocked_class, 0);
}

/* Listener wakeups (herd_factor's numerator), decided at sched_waking, in
 * the waker's context, from what the wakeup itself shows -- no per-packet
 * hook. */

#define EP_UNACTIVE_PTR ((void *)-1L) /* fs/eventpoll.c: ovflist when no scan runs */
/* frames walked: tcp_child_process() is the 9th-10th from the tracepoint
 * on 6.18 (tracepoint, try_to_wake_up, the wait entry's function, pollwake
 * or autoremove_wake_function, __wake_up_common, __wake_up_sync_key,
 * sock_def_readable); the walk's cost grows with the frames it reads */
#define HANDSHAKE_STACK_DEPTH 16


/* TASK sleeps in epoll_wait on EPFD: ep_poll_callback() queued the item
 * that became ready just before it woke the waiters -- at the ready list's
 * tail, or, while a waiter is harvesting the list, at the head of ovflist --
 * so that item is what woke TASK. True if it is a listening TCP socket. (An
 * item already queued is not queued again: a listener whose earlier
 * connection was not yet harvested reads as the tail item it is behind.) */
static __always_inline bool epoll_woken_by_listener(struct task_struct *task, int epfd)
{
	struct file *file = task_fd_file(task, epfd);
	struct eventpoll *ep = file ? BPF_CORE_READ(file, private_data) : NULL;
	struct list_head *tail;
	struct epitem *item;

	if (!ep)
		return false;
	item = BPF_CORE_READ(ep, ovflist);
	if (!item || item == EP_UNACTIVE_PTR) {
		tail = BPF_CORE_READ(ep, rdllist.prev);
		if (!tail || tail == (void *)ep + bpf_core_field_offset(struct eventpoll, rdllist))
			return false; /* nothing ready: a timeout or a signal */
		item = (void *)tail - bpf_core_field_offset(struct epitem, rdllink);
	}
	return is_tcp_listener(BPF_CORE_READ(item, ffd.file));
}

/* The waker is inside tcp_child_process(): the handshake's last packet,
 * whose child socket has just joined the listener's accept queue, is waking
 * the listener's waiters (parent->sk_data_ready()). For accept, poll and
 * select, whose wait entries do not say which file woke them; the kernel
 * stack walk costs ~1 us, paid only for these classes' wakeups. */
static __always_inline bool waker_completes_handshake(void *ctx)
{
	__u64 ips[HANDSHAKE_STACK_DEPTH];
	long bytes;
	__u32 i;

	if (!handshake_code_start)
		return false;
	bytes = bpf_get_stack(ctx, ips, sizeof(ips), 0);
	if (bytes < 0) {
		__sync_fetch_and_add(&listener_stack_failures, 1);
		return false;
	}
	for (i = 0; i < HANDSHAKE_STACK_DEPTH; i++) {
		if ((long)(i * sizeof(__u64)) >= bytes)
			break;
		if (ips[i] >= handshake_code_start && ips[i] < handshake_code_end)
			return true;
	}
	return false;
}

/* TASK (thread T, blocked in the accept or poll class) is being woken: by a
 * listener? */
static __always_inline void note_listener_wakeup(void *ctx, struct thread_stats *t, struct task_struct *task)
{
	bool listener;

	if (!counting || (t->state.blocked_class != CLASS_ACCEPT && t->state.blocked_class != CLASS_POLL))
		return;
	if (is_epoll_wait(t->state.syscall_nr))
		listener = epoll_woken_by_listener(task, t->state.syscall_fd);
	else
		listener = waker_completes_handshake(ctx);
	if (listener) {
		__sync_fetch_and_add(&t->counters.listener_wakeups, 1);
		wake_order_rank(t); /* wake order */
	}
}

/* Asleep again in the syscall it was woken in: the wakeup found nothing. */
static __always_inline void note_wasted_wakeup(struct thread_stats *t, __u32 tgid, __u32 tid)
{
	__sync_fetch_and_add(&t->counters.wasted_wakeups[class_index(t)], 1);
	/* already wasted here: the pool's job rule must not count it again */
	if (t->state.blocked_class == CLASS_FUTEX && t->state.futex_wakeups_since_job)
		t->state.futex_wakeups_since_job--;
	if (stream_events)
		emit(EVENT_WASTED_WAKEUP, tgid, tid, t->state.blocked_class, 0);
}

/* The thread leaves the CPU at NOW, ASLEEP (voluntarily) or preempted: its
 * on-CPU time, the switch, a wasted wakeup; then it sleeps or waits in the
 * run queue from now. */
static __always_inline void account_switch_out(struct thread_stats *t, struct task_struct *task, bool asleep,
					       __u64 now, __u32 tgid, __u32 tid)
{
	if (asleep)
		track_syscall(t, task, task_regs(task), tgid, tid);
	if (counting) {
		if (t->state.oncpu_since_ns)
			t->counters.oncpu_ns += now - t->state.oncpu_since_ns;
		if (asleep)
			t->counters.voluntary_switches++;
		else
			t->counters.involuntary_switches++;
		if (asleep && t->state.wakeup_pending)
			note_wasted_wakeup(t, tgid, tid);
	}
	if (asleep) {
		t->state.wakeup_pending = 0;
		t->state.asleep_since_ns = now;
		wake_order_note_sleep(t, now); /* wake order */
	}
	t->state.oncpu_since_ns = 0;
	t->state.runnable_since_ns = asleep ? 0 : now;
}

/* runqlat's distribution, per thread: WAIT_NS into its power-of-two slot
 * (floor(log2), without a loop or a clz the BPF ISA lacks), the last slot
 * also for longer waits; one slot per runq_waits, so they sum to it. */
static __always_inline void note_runq_wait(struct thread_stats *t, __u64 wait_ns)
{
	__u32 slot = 0, shift;

	shift = (wait_ns > 0xFFFFFFFFULL) << 5; wait_ns >>= shift; slot |= shift;
	shift = (wait_ns > 0xFFFF) << 4; wait_ns >>= shift; slot |= shift;
	shift = (wait_ns > 0xFF) << 3; wait_ns >>= shift; slot |= shift;
	shift = (wait_ns > 0xF) << 2; wait_ns >>= shift; slot |= shift;
	shift = (wait_ns > 0x3) << 1; wait_ns >>= shift; slot |= shift;
	slot |= (__u32)(wait_ns >> 1);
	if (slot >= RUNQ_WAIT_SLOTS)
		slot = RUNQ_WAIT_SLOTS - 1;
	/* a no-op after the clamp, but one that 6.1's verifier sees on the
	 * register that indexes (clang would drop it, and 6.1 loses the
	 * clamp's bound through a copy): the barrier keeps it */
	barrier_var(slot);
	slot &= RUNQ_WAIT_SLOTS - 1;
	t->counters.runq_wait_log2[slot]++;
}

/* The thread gets the CPU at NOW: its run-queue wait ends. */
static __always_inline void account_switch_in(struct thread_stats *t, __u64 now)
{
	if (counting && t->state.runnable_since_ns) {
		t->counters.runq_wait_ns += now - t->state.runnable_since_ns;
		t->counters.runq_waits++;
		note_runq_wait(t, now - t->state.runnable_since_ns);
	}
	t->state.runnable_since_ns = 0;
	t->state.oncpu_since_ns = now;
}

/* Our thread pool. */

/* The pool's own herd, at a job's start: woken more than once in futex since
 * the last job (a broadcast wakes every idle thread, one gets the job). */
static __always_inline void note_wasted_futex_wakeups(struct thread_stats *t)
{
	if (counting && t->state.futex_wakeups_since_job > 1)
		__sync_fetch_and_add(&t->counters.wasted_wakeups[CLASS_FUTEX], t->state.futex_wakeups_since_job - 1);
	t->state.futex_wakeups_since_job = 0;
}

/* A job queued now: JOB_ID in the current process. */
static __always_inline void note_job_queued(__u64 job_id)
{
	__u64 now = bpf_ktime_get_ns();
	struct job_key key = { .tgid = bpf_get_current_pid_tgid() >> 32, .job_id = job_id };

	if (is_traced(key.tgid))
		bpf_map_update_elem(&queued_jobs, &key, &now, BPF_ANY);
}

/* job_queued -> job_start (at NOW) of the job KEY names, kept in thread
 * TID's state until job_end sends it: the sample counts where jobs_run does.
 * False if the job was not seen queued. */
static __always_inline bool account_pool_queue_wait(struct job_key *key, __u64 now, __u32 tid)
{
	__u64 *queued = bpf_map_lookup_elem(&queued_jobs, key);
	struct thread_stats *t = bpf_map_lookup_elem(&threads, &tid);

	if (t)
		t->state.job_queue_matched = queued != NULL;
	if (!queued)
		return false;
	if (t)
		t->state.job_queue_wait_ns = now - *queued;
	bpf_map_delete_elem(&queued_jobs, key);
	return true;
}

/* job_end: the job run, its busy time since job_start and its queue wait
 * (or, without one, an unmatched job: jobs_run == samples + unmatched). */
static __always_inline void account_job_run(struct thread_stats *t, __u32 tgid, __u32 tid)
{
	if (!t->state.job_started_ns)
		return;
	if (counting) {
		t->counters.jobs_run++;
		t->counters.job_busy_ns += bpf_ktime_get_ns() - t->state.job_started_ns;
		if (!t->state.job_queue_matched ||
		    !emit(EVENT_POOL_QUEUE_WAIT, tgid, tid, CLASS_FUTEX, t->state.job_queue_wait_ns))
			t->counters.pool_queue_unmatched++;
	}
	t->state.job_started_ns = 0;
	t->state.job_queue_matched = 0;
}

/* Node's libuv pool. A job is a struct uv__work, named by its address:
 * queued by uv__work_submit (or uv_queue_work, where it is inlined), run on a
 * pool thread by a work function that takes it as its first argument. The
 * same work functions also run synchronously (uv_fs_* without a callback,
 * on the caller's thread): a call is a job only when its item was seen
 * queued, or -- its submit evicted from the LRU map -- on a thread that has
 * run libuv jobs before (counted in libuv_submits_lost). */

/* A work function entered with WORK_ITEM: a job of KIND starts, unless it is
 * a synchronous call or one nested in a running job. */
static __always_inline void start_libuv_job(__u64 work_item, __u32 kind)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct job_key key = { .tgid = pid_tgid >> 32, .job_id = work_item };
	struct thread_stats *t;

	if (!is_traced(key.tgid))
		return;
	t = thread_get((__u32)pid_tgid, key.tgid, current_task());
	if (!t)
		return;
	if (t->state.job_started_ns) {
		t->state.libuv_nested_calls++;
		return;
	}
	if (!account_pool_queue_wait(&key, now, (__u32)pid_tgid)) {
		if (!t->counters.libuv_jobs_whole_run)
			return; /* a synchronous call */
		__sync_fetch_and_add(&libuv_submits_lost, 1);
	}
	note_wasted_futex_wakeups(t);
	t->state.job_started_ns = now;
	t->state.libuv_job_kind = kind;
	t->counters.libuv_jobs_whole_run++;
}

/* A work function returned: the job ends, unless the call was nested. */
static __always_inline void end_libuv_job(struct thread_stats *t)
{
	__u32 kind = t->state.libuv_job_kind;

	if (t->state.libuv_nested_calls) {
		t->state.libuv_nested_calls--;
		return;
	}
	if (t->state.job_started_ns && counting && kind < LIBUV_KIND_COUNT)
		t->counters.libuv_jobs[kind]++;
	account_job_run(t, t->tgid, t->tid);
}

/* Exits. */

/* Thread TID exits (GROUP_DEAD: the last of its process): its final record
 * goes to retired_threads for the collector, and its entry is freed, so a
 * reused tid starts afresh. With retired_threads full (the collector drains
 * it at every read) the entry stays, its counts read as a live thread's
 * (threads_retire_failed). Inserted before the delete: a reader that sees
 * both drops the live copy (same tid and start_ns). */
static __always_inline void retire_thread(__u32 tid, bool group_dead)
{
	struct thread_stats *t = bpf_map_lookup_elem(&threads, &tid);
	struct retired_key key = { .tid = tid };

	bpf_map_delete_elem(&untracked_threads, &tid);
	if (!t)
		return;
	wake_order_forget(t); /* wake order */
	key.start_ns = t->start_ns;
	t->process_exited = group_dead;
	if (bpf_map_update_elem(&retired_threads, &key, t, BPF_NOEXIST)) {
		__sync_fetch_and_add(&threads_retire_failed, 1);
		return;
	}
	if (bpf_map_delete_elem(&threads, &tid) == 0)
		__sync_fetch_and_add(&threads_live, -1);
}

/* --- the programs ---------------------------------------------------------- */

/* The syscalls the blocking classes need (syscall_class()), prctl's
 * PR_SET_NAME and epoll_ctl (wake order's registration) each have their own
 * tracepoint, syscalls:sys_exit_<name>: the collector attaches this program
 * to every one (collector.c, followed_syscalls[]). The kernel runs it for
 * those syscalls only: any other syscall of the machine costs it a bit test
 * (perf_syscall_exit()). Their entries need no program (begin_syscall()),
 * so no sys_enter probe runs on the machine's syscalls at all. */
SEC("tracepoint")
int handle_sys_exit(struct syscall_exit_record *ctx)
{
	long nr = ctx->nr, ret = ctx->ret;
	struct task_struct *task;
	struct thread_stats *t;
	__u64 pid_tgid;
	__u32 tgid, tid;

	if (hooks_only)
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	tgid = pid_tgid >> 32;
	tid = (__u32)pid_tgid;
	if (!is_traced(tgid))
		return 0;
	task = current_task();
	t = thread_get(tid, tgid, task);
	if (!t)
		return 0;
	if (nr == NR_epoll_ctl) {
		struct pt_regs *regs = current_regs();

		if (ret == 0) /* wake order: an added listener registers a waiter */
			wake_order_note_syscall(t, nr, SYSCALL_ARG1(regs), SYSCALL_ARG2(regs));
		return 0;
	}
	if (t->state.syscall_nr != nr)
		begin_syscall(t, task, NULL, nr, tgid, tid); /* returned without sleeping */
	count_syscall(t);
	if (nr == NR_accept || nr == NR_accept4)
		count_accept_result(t, ret, tgid, tid);
	count_read_result(t, nr, ret, tgid, tid);
	refresh_comm(t, nr);
	track_syscall_exit(t);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	__u32 tgid = p->tgid, tid = p->pid; /* tp_btf arguments: direct BTF loads */
	struct thread_stats *t;

	if (hooks_only)
		return 0;
	if (!is_traced(tgid))
		return 0;
	t = thread_get(tid, tgid, p);
	if (!t)
		return 0;
	if (t->state.syscall_nr < 0)
		track_syscall(t, p, task_regs(p), tgid, tid); /* woken before it slept */
	start_runq_wait(t);
	account_blocked_time(t);
	wake_order_note_woken(t); /* wake order */
	count_wakeup(t, tgid, tid);
	return 0;
}

/* The waker's side of a wakeup: unlike sched_wakeup, which a remote wakeup
 * queued to the target CPU (ttwu_queue_wakelist()) fires there, later,
 * sched_waking fires where try_to_wake_up() is called -- inside the
 * listener's wakeup. Only the listener rule runs here. */
SEC("tp_btf/sched_waking")
int BPF_PROG(handle_sched_waking, struct task_struct *p)
{
	__u32 tgid = p->tgid, tid = p->pid;
	struct thread_stats *t;

	if (hooks_only)
		return 0;
	if (!counting || !is_traced(tgid))
		return 0;
	t = bpf_map_lookup_elem(&threads, &tid);
	if (!t)
		return 0;
	if (t->state.syscall_nr < 0)
		track_syscall(t, p, task_regs(p), tgid, tid); /* woken before it slept */
	note_listener_wakeup(ctx, t, p);
	return 0;
}

/* sched_switch's prev_state argument only exists since 5.18; read the state
 * from the task instead so the program attaches on older kernels too. */
SEC("tp_btf/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 prev_tgid = prev->tgid, next_tgid = next->tgid;
	bool prev_traced, next_traced;
	struct thread_stats *t;
	__u64 now;

	if (hooks_only)
		return 0;
	prev_traced = is_traced(prev_tgid);
	next_traced = is_traced(next_tgid);
	/* every context switch of the machine comes here: the clock only for ours */
	if (!prev_traced && !next_traced)
		return 0;
	now = bpf_ktime_get_ns();
	if (prev_traced && (t = thread_get(prev->pid, prev_tgid, prev)))
		account_switch_out(t, prev, !preempt && task_state(prev) != 0, now, prev_tgid, prev->pid);
	if (next_traced && (t = thread_get(next->pid, next_tgid, next)))
		account_switch_in(t, now);
	return 0;
}

/* USDT probes in our thread pool (scenarios/pool.c), provider "testbed".
 * Attached by the collector to the testbed binary for every process. */
SEC("usdt")
int BPF_USDT(handle_job_queued, __u64 job_id)
{
	if (hooks_only)
		return 0;
	note_job_queued(job_id);
	return 0;
}

SEC("usdt")
int BPF_USDT(handle_job_start, __u64 job_id)
{
	struct job_key key = { .job_id = job_id };
	struct thread_stats *t;
	__u64 pid_tgid, now;

	if (hooks_only)
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	now = bpf_ktime_get_ns();
	key.tgid = pid_tgid >> 32;
	if (!is_traced(key.tgid))
		return 0;
	t = thread_get((__u32)pid_tgid, key.tgid, current_task());
	if (!t)
		return 0;
	note_wasted_futex_wakeups(t);
	t->state.job_started_ns = now;
	account_pool_queue_wait(&key, now, (__u32)pid_tgid);
	return 0;
}

SEC("usdt")
int BPF_USDT(handle_job_end, __u64 job_id)
{
	struct thread_stats *t;

	if (hooks_only)
		return 0;
	t = current_traced_thread();
	if (t)
		account_job_run(t, t->tgid, t->tid);
	return 0;
}

/* Uprobes in Node's libuv (the functions' symbols, in the node binary or a
 * libuv.so). Attached by the collector, for every process mapping it.
 * BPF_KPROBE reads the same pt_regs a uprobe gets (libbpf 1.1 has no
 * BPF_UPROBE). */
SEC("uprobe")
int BPF_KPROBE(handle_libuv_work_submit, void *loop, void *work_item)
{
	if (hooks_only)
		return 0;
	note_job_queued((__u64)work_item);
	return 0;
}

/* offsetof(uv_work_t, work_req), the libuv 1.x ABI on 64-bit: UV_REQ_FIELDS
 * (64 bytes), then loop, work_cb, after_work_cb. */
#define UV_WORK_T_WORK_REQ 88

/* uv_queue_work(loop, req, ...): uv__work_submit is inlined into it in
 * Node's build; where it is not, both probes note the same item. */
SEC("uprobe")
int BPF_KPROBE(handle_libuv_queue_work_submit, void *loop, void *req)
{
	if (hooks_only)
		return 0;
	note_job_queued((__u64)req + UV_WORK_T_WORK_REQ);
	return 0;
}

/* A work function's entry, one program per kind: a uprobe program cannot
 * tell which function it is on without an attach cookie (Linux 5.15), and
 * this object loads on 5.10. */
#define LIBUV_WORK_FUNCTION(program, kind)                  \
	SEC("uprobe")                                        \
	int BPF_KPROBE(program, void *work_item)             \
	{                                                    \
		if (hooks_only)                              \
			return 0;                            \
		start_libuv_job((__u64)work_item, kind);     \
		return 0;                                    \
	}

LIBUV_WORK_FUNCTION(handle_libuv_fs_work, LIBUV_FS)
LIBUV_WORK_FUNCTION(handle_libuv_queue_work, LIBUV_WORK)
LIBUV_WORK_FUNCTION(handle_libuv_dns_work, LIBUV_DNS)
LIBUV_WORK_FUNCTION(handle_libuv_random_work, LIBUV_RANDOM)

/* The return of every work function above. */
SEC("uretprobe")
int BPF_KRETPROBE(handle_libuv_work_return)
{
	struct thread_stats *t;

	if (hooks_only)
		return 0;
	t = current_traced_thread();
	if (t)
		end_libuv_job(t);
	return 0;
}

/* A passive open completing its handshake (SYN_RECV -> ESTABLISHED): the
 * child socket enters its listener's accept queue now, and its record
 * starts. A record already there is an earlier connection's whose socket
 * memory this one reuses: one handed over and never read (its receiver
 * exited first) owed a sample that cannot come. Optional: loaded only where
 * the kernel has the tracepoint (Linux >= 4.16). */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_inet_sock_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct conn_record fresh = {}, *stale;
	__u64 key = (__u64)sk;

	if (hooks_only)
		return 0;
	if (oldstate != TCP_SYN_RECV || newstate != TCP_ESTABLISHED)
		return 0;
	fresh.established_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&connections, &key, &fresh, BPF_NOEXIST) == 0)
		return 0;
	stale = bpf_map_lookup_elem(&connections, &key);
	if (!stale)
		return 0;
	if (stale->accepted_ns && stale->handed_over)
		__sync_fetch_and_add(&handoffs_reused, 1);
	*stale = fresh;
	return 0;
}

/* Follow the traced process tree: a child of a traced process is traced. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = parent->tgid, child_tgid = child->tgid;

	if (hooks_only)
		return 0;
	if (child_tgid != parent_tgid && is_traced(parent_tgid))
		set_traced(child_tgid, 1);
	return 0;
}

/* Every task's exit (do_exit(), after its signal->live was counted down, so
 * live == 0 says the last thread of the process goes): a traced thread is
 * retired, and with the process gone its tgid stops being traced, so that a
 * process that reuses the pid is not. Linux >= 5.5 like every tp_btf here. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid, tid = p->pid;
	bool group_dead;

	if (hooks_only)
		return 0;
	if (!is_traced(tgid))
		return 0;
	group_dead = BPF_CORE_READ(p, signal, live.counter) == 0;
	retire_thread(tid, group_dead);
	if (group_dead)
		set_traced(tgid, 0);
	return 0;
}
