/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Shared between tracer.bpf.c and user space: per-thread counters keyed by
 * tid in the `threads` hash map. __u32/__u64 only. */
#ifndef TESTBED_TRACER_H
#define TESTBED_TRACER_H

#define TASK_COMM_LEN 16
/* The traced-tgid filter: one flag byte per tgid, this many per array
 * element (a page); the collector sizes the array from kernel.pid_max. */
#define TGID_FLAGS_PER_ENTRY 4096
#define MAX_TRACED_THREADS 16384
/* Exited threads' final records waiting for the collector (drained at every
 * counter read, each --interval) */
#define MAX_RETIRED_THREADS 8192
/* Wake order (bpf/wake_order.bpf.h): listener waiters tracked per run, and
 * the winner's rank buckets in the idle set (the last: this rank or more). */
#define WAKE_MAX_WORKERS 64
#define WAKE_RANKS 8

/* What a thread is blocked in, from the syscall it entered (README.md,
 * "What is measured"; the rule: syscall_class() in tracer.bpf.c). */
enum block_class {
	CLASS_ACCEPT,     /* accept, accept4 */
	CLASS_POLL,       /* epoll_wait/pwait/pwait2, poll, ppoll, select, pselect6 */
	CLASS_PIPE_READ,  /* read/readv on a FIFO */
	CLASS_UNIX_RECV,  /* recvmsg/recvfrom/read/readv on an AF_UNIX socket */
	CLASS_FUTEX,      /* futex, futex_waitv */
	CLASS_OTHER,      /* any other syscall, or asleep outside a syscall */
	CLASS_COUNT,
};

/* A libuv pool job's kind, from the work function the pool thread runs
 * (bpf/tracer.bpf.c, "Node's libuv pool"). */
enum libuv_job_kind {
	LIBUV_FS,         /* uv__fs_work: fs.* with a callback */
	LIBUV_WORK,       /* uv__queue_work: uv_queue_work (Node's crypto, zlib, N-API async work) */
	LIBUV_DNS,        /* uv__getaddrinfo_work, uv__getnameinfo_work: dns.lookup, dns.lookupService */
	LIBUV_RANDOM,     /* uv__random_work: crypto.randomFill and friends */
	LIBUV_KIND_COUNT,
};

/* Power-of-two slots of a thread's run-queue-wait distribution: up to 2^31 ns
 * (2.1 s), longer waits in the last slot. A power of two itself (the BPF
 * side masks the index with it). */
#define RUNQ_WAIT_SLOTS 32

/* What the tracer counts per thread. All __u64, so a process's totals are
 * the element-wise sum of its threads' (thread_counters_add()). Counted only
 * while the run's measurement window (the load) is open, except reads,
 * read_bytes and blocked_ns: the IPC counters cover the whole run. */
struct thread_counters {
	__u64 wakeups[CLASS_COUNT];        /* sched_wakeup while blocked in class */
	__u64 wasted_wakeups[CLASS_COUNT]; /* woken, then asleep again in the same syscall */
	__u64 reads[CLASS_COUNT];          /* syscalls of the class that returned > 0 (data) */
	__u64 read_bytes[CLASS_COUNT];     /* what those returned, summed */
	__u64 blocked_ns[CLASS_COUNT];     /* asleep in the class: switched out -> woken */
	__u64 fds_received;                /* fds passed to it with SCM_RIGHTS (recvmsg) */
	__u64 accepted;                    /* accept/accept4 returned >= 0 */
	__u64 accept_eagain;               /* accept/accept4 returned -EAGAIN */
	__u64 accept_eagain_wasted;        /* ... with nothing accepted since the last poll
	                                      returned: the wakeup found nothing (a drain
	                                      loop's closing EAGAIN is not a waste) */
	__u64 oncpu_ns;
	__u64 runq_wait_ns;                /* woken or preempted -> switched in */
	__u64 runq_waits;
	__u64 jobs_run;                    /* our pool (USDT) or libuv's (uprobes): jobs started and ended */
	__u64 job_busy_ns;                 /* job start -> job end */
	__u64 syscalls;                    /* followed syscalls (the classes', prctl) that returned
	                                      (bench/: events per connection) */
	__u64 voluntary_switches;          /* switched out asleep */
	__u64 involuntary_switches;        /* preempted */
	__u64 fds_received_other;          /* fds passed to it with SCM_RIGHTS that are no TCP
	                                      connection (channels, listening sockets, files) */
	/* Samples lost, so that each delay metric adds up exactly: its counter ==
	 * the samples in latency.csv + these (README, "What is measured"). */
	__u64 accept_queue_unmatched;      /* accepted, but no accept_queue_delay sample: no
	                                      handshake seen (before tracing, LRU eviction, no
	                                      tracepoint) or the ring buffer was full */
	__u64 dispatch_unmatched;          /* fds_received with no dispatch_delay sample: not
	                                      accepted by a traced process (or already read
	                                      there) or the ring buffer was full */
	__u64 pool_queue_unmatched;        /* jobs_run with no pool_queue_wait sample: no
	                                      job_queued seen, or the ring buffer was full */
	__u64 libuv_jobs[LIBUV_KIND_COUNT]; /* Node's libuv pool (uprobes): jobs_run by kind */
	__u64 libuv_jobs_whole_run;        /* libuv jobs started over the whole run: a pool thread */
	__u64 listener_wakeups;            /* accept- or poll-class wakeups caused by a listening
	                                      socket becoming readable: in epoll, the item its
	                                      wakeup made ready is a TCP listener; in accept, poll
	                                      or select, woken from inside tcp_child_process()
	                                      (note_listener_wakeup()) */
	/* Wake order (bpf/wake_order.bpf.h), by the accepting thread, in the window:
	 * each accepted connection is sole + sum(wake_rank) + queued + unranked */
	__u64 wake_sole;                   /* woken from idle by its handshake, the only idle waiter */
	__u64 wake_rank[WAKE_RANKS];       /* ... one of several: by how many were idle longer */
	__u64 wake_fifo;                   /* ... of several: it was the longest idle */
	__u64 wake_lifo;                   /* ... the most recently idle */
	__u64 wake_fixed;                  /* ... the first registered (epoll_ctl/accept order) */
	__u64 wake_queued;                 /* taken with no wakeup from idle for it: it was busy */
	__u64 wake_unranked;               /* taken by a thread beyond WAKE_MAX_WORKERS waiters */
	__u64 wake_rotation;               /* sole or a choice, and no other waiter had been woken by a
	                                      handshake for longer: its turn (round robin) */
	__u64 listener_idle_ns;            /* a listener waiter asleep in the accept/poll class */
	__u64 listener_busy_ns;            /* ... and between such sleeps (woken -> idle again) */
	__u64 runq_wait_log2[RUNQ_WAIT_SLOTS]; /* the runq waits by length (runqlat's
	                                      distribution): slot k holds 2^k .. 2^(k+1)-1 ns
	                                      (slot 0: 0-1 ns), the last one also longer
	                                      waits; sums to runq_waits (note_runq_wait()) */
};

/* Where a thread is now, for the rules that turn events into counts.
 * Written and read by the BPF side only. */
struct thread_tracking {
	__u64 oncpu_since_ns;
	__u64 runnable_since_ns;
	__u64 asleep_since_ns;
	__u64 job_started_ns;              /* 0 outside a job */
	__u32 futex_wakeups_since_job;     /* pool threads: woken in futex since the last job_start */
	__s32 syscall_fd;                  /* its first argument (epoll_wait: the epoll instance) */
	__u64 syscall_arg;                 /* recvmsg: the user msghdr */
	__s32 syscall_nr;                  /* -1 outside a syscall */
	__u32 blocked_class;               /* enum block_class of syscall_nr */
	__u32 wakeup_pending;              /* woken in this syscall, not yet returned or asleep again */
	__u32 accepted_since_poll;         /* an accept succeeded since a poll-class syscall returned */
	__u32 libuv_job_kind;              /* enum libuv_job_kind of the running libuv job */
	__u32 libuv_nested_calls;          /* work functions entered inside it (a synchronous uv_fs call) */
	__u32 job_queue_matched;           /* the running job's job_queued was seen: */
	__u32 wake_slot;                   /* wake order: 0, or its listener-waiter slot + 1 (WAKE_NO_SLOT: none was free) */
	__u64 job_queue_wait_ns;           /* ... its queue wait, sent as a sample at job_end */
};

/* The `threads` map's value, keyed by tid. */
struct thread_stats {
	__u32 tid;
	__u32 tgid;
	char comm[TASK_COMM_LEN];
	struct thread_counters counters;
	struct thread_tracking state;
	__u64 start_ns;                    /* the task's start_time: a reused tid's threads differ */
	__u64 process_start_ns;            /* its group leader's: a reused pid's processes differ */
	__u32 process_exited;              /* retired as its process's last thread */
	__u32 pad_end;
};

/* The `retired_threads` map's key: an exited thread (its value, the final
 * struct thread_stats) until the collector drains it. */
struct retired_key {
	__u32 tid;
	__u32 pad;
	__u64 start_ns;
};

/* The connections map's value (tracer_state.bpf.h), one per server-side TCP
 * connection from its handshake to its first read: when the handshake
 * completed (0: not seen), when and by which process it was accepted
 * (accepted_ns 0: not yet, or not by a traced process), and whether another
 * process received it in the window (its dispatch delay is then owed a
 * sample at the receiver's first read; those never read are counted at the
 * end: collector_unread_handoffs()). */
struct conn_record {
	__u64 established_ns;
	__u64 accepted_ns;
	__u32 tgid;
	__u32 handed_over;
};

/* Ring-buffer records. Dispatch and accept-queue delays and pool queue waits
 * always flow (one per connection or job); the others only with --events. */
enum event_type {
	EVENT_DISPATCH_DELAY = 1,          /* value = ns from the accept to the receiver's first read */
	EVENT_WAKEUP,                      /* class = what it was blocked in */
	EVENT_WASTED_WAKEUP,               /* class as above */
	EVENT_ACCEPT,                      /* value = the new fd */
	EVENT_ACCEPT_EAGAIN,
	EVENT_FDS_RECEIVED,                /* value = number of fds */
	EVENT_ACCEPT_QUEUE_DELAY,          /* value = ns from handshake completion to accept */
	EVENT_POOL_QUEUE_WAIT,             /* tid = the pool thread; value = ns job_queued -> job_start */
};

struct event {
	__u64 ts_ns;                       /* bpf_ktime_get_ns (CLOCK_MONOTONIC) */
	__u32 type;                        /* enum event_type */
	__u32 tgid;
	__u32 tid;
	__u32 blocked_class;
	__u64 value;
};

#endif
