/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The tracer's state and lookups, for tracer.bpf.c only: the settings and
 * counters user space reads and writes (.rodata/.bss), the maps, and the
 * lookups every metric rule uses -- the ring buffer (emit), the tgid filter,
 * a thread's record, files and their blocking classes, SCM_RIGHTS messages.
 * The rules themselves and the programs are in tracer.bpf.c. */
#ifndef TESTBED_TRACER_STATE_BPF_H
#define TESTBED_TRACER_STATE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/usdt.bpf.h>
#include "tracer.h"
#include "arch.bpf.h"
#include "compat.bpf.h"

#define EAGAIN 11
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define EEXIST 17
#define PF_EXITING 0x00000004 /* include/linux/sched.h */
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFIFO 0010000
/* fds of one SCM_RIGHTS message looked at one by one; any beyond count as
 * fds_received_other (nginx and Node pass one at a time) */
#define MAX_PASSED_FDS 8

/* The record of a syscalls:sys_exit_<name> tracepoint, as its tracefs
 * format file lays it out (the ABI perf_syscall_exit() fills): 8 bytes of
 * common fields, the syscall's number, the return value. */
struct syscall_exit_record {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

/* Set by user space through the mmapped .bss: counters move only while the
 * measurement window is open; state tracking runs all the time. */
volatile __u32 counting;
/* Ring-buffer records that found no room. */
volatile __u64 event_drops;
/* Connections handed over and never read whose socket's memory a new
 * connection took (its receiver exited first: a crashed worker) before the
 * collector's end-of-run sweep found their records -- seen at the new
 * connection's handshake or, that unseen, its accept: their owed dispatch
 * samples, counted as unmatched (collector_unread_handoffs()). */
volatile __u64 handoffs_reused;
/* Listener wakeups the accept/poll/select rule could not judge: the
 * kernel refused the waker's stack (bpf_get_stack() < 0), so the wakeup
 * was not counted as a listener's (waker_completes_handshake()). */
volatile __u64 listener_stack_failures;
/* libuv jobs started whose submit was no longer in queued_jobs (an LRU
 * eviction): run and busy time counted, queue wait unknown. */
volatile __u64 libuv_submits_lost;
/* The threads map: entries now and at most (a racy max: a thread or two
 * off under contention), threads that found it full (each once, while
 * untracked_threads has room), and exited threads whose record stayed in it
 * because retired_threads was full (counts still read, as a live thread's). */
volatile __u64 threads_live;
volatile __u64 threads_map_peak;
volatile __u64 threads_untracked;
volatile __u64 threads_retire_failed;
/* Set before load by the benchmarks' floor runs (TESTBED_BENCH_HOOKS_ONLY,
 * user/test_hooks.h): every program returns at once, so only the kernel's
 * cost of calling it remains. Known at load, so the verifier drops the test
 * from the programs when it is false. */
const volatile bool hooks_only = false;
/* Set before load: stream every wakeup/accept as an event (--events). */
const volatile bool stream_events = false;
/* tcp_child_process()'s code, [start, end) from /proc/kallsyms, set by the
 * collector before load: a handshake's last packet wakes the listener's
 * waiters from inside it (note_listener_wakeup()); 0 when not found */
const volatile __u64 handshake_code_start = 0;
const volatile __u64 handshake_code_end = 0;

/* The collector may resize it before load (--ring-buffer). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

/* Every record emit() tried to write, counted apart from the ring buffer
 * (per CPU: no shared cache line on the hot path), so that
 * drops + records delivered == records produced can be checked exactly. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} events_produced SEC(".maps");

/* Server-side TCP connections from their handshake to their first read,
 * one entry each: struct sock * -> struct conn_record (tracer.h). Made when
 * the handshake completes (the child socket joins its listener's accept
 * queue) for any process's connection -- we learn whose at accept(); the
 * accept-queue delay is taken at accept, the dispatch delay (a connection
 * another process accepted and handed over) at the first read, which frees
 * the entry. Entries nobody traced accepts or reads age out of the LRU.
 * Keyed by the socket, not the file: the handshake has no file yet, and
 * SCM_RIGHTS carries the same socket wherever the file goes. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);   /* struct sock * */
	__type(value, struct conn_record);
} connections SEC(".maps");

/* Pool jobs queued and not yet started: (tgid, job id) -> when. */
struct job_key {
	__u32 tgid;
	__u32 pad;
	__u64 job_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct job_key);
	__type(value, __u64); /* ns */
} queued_jobs SEC(".maps");

/* The filter every program runs first, on every syscall and context switch
 * of the machine: a flag byte per tgid. An array lookup is inlined by the
 * verifier (a bounds check and an add, where a hash lookup hashes the key
 * and walks a bucket), and a flag is set with a plain store, where a bitmap
 * would need an atomic OR (Linux >= 5.12). User space sets flags through
 * mmap; the collector sizes the array from kernel.pid_max before load. */
struct tgid_flags {
	__u8 traced[TGID_FLAGS_PER_ENTRY];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 32768 / TGID_FLAGS_PER_ENTRY);
	__type(key, __u32);   /* tgid / TGID_FLAGS_PER_ENTRY */
	__type(value, struct tgid_flags);
} traced_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TRACED_THREADS);
	__type(key, __u32);   /* tid */
	__type(value, struct thread_stats);
} threads SEC(".maps");

/* Exited threads' final records, until the collector drains them (it reads
 * them into its process totals exactly like live threads'). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_RETIRED_THREADS);
	__type(key, struct retired_key);
	__type(value, struct thread_stats);
} retired_threads SEC(".maps");

/* Threads of traced processes that found the threads map full, so that each
 * is counted once in threads_untracked; deleted at the thread's exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);   /* tid */
	__type(value, __u8);
} untracked_threads SEC(".maps");

/* Kept off the 512-byte BPF stack: the zeroed template for a new thread. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct thread_stats);
} thread_template SEC(".maps");

/* --- lookups and output: the ring buffer, the tgid filter, a thread's record,
 * files and their classes ------------------------------------------------ */

/* false: the ring buffer was full (counted in event_drops) */
static __always_inline bool emit(__u32 type, __u32 tgid, __u32 tid, __u32 blocked_class, __u64 value)
{
	struct event *e;
	__u32 zero = 0;
	__u64 *produced = bpf_map_lookup_elem(&events_produced, &zero);

	if (produced)
		__sync_fetch_and_add(produced, 1);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&event_drops, 1);
		return false;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->type = type;
	e->tgid = tgid;
	e->tid = tid;
	e->blocked_class = blocked_class;
	e->value = value;
	/* nobody sleeps on the ring buffer: the collector consumes it at every
	 * tick of its loop, so no wakeup (an irq_work) is sent */
	bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	return true;
}

/* The thread's blocked class as an array index the verifier can bound: a
 * 64-bit copy, so clang (without alu32) does not check one zero-extended
 * register and index with another. */
static __always_inline __u64 class_index(const struct thread_stats *t)
{
	__u64 cls = t->state.blocked_class;

	asm volatile("" : "+r"(cls));
	return cls < CLASS_COUNT ? cls : CLASS_OTHER;
}

/* The current task for CO-RE reads. bpf_get_current_task_btf() would need
 * Linux 5.11 (helper 158); every read here goes through BPF_CORE_READ, so
 * the untyped helper of 4.8 does and the object loads on 5.10 too. */
static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* A task's saved user registers (bpf/arch.bpf.h reads the syscall from
 * them): bpf_task_pt_regs() where the kernel has it (Linux >= 5.15, which
 * knows its own stack layout), else the top of the kernel stack. TASK: a
 * tp_btf argument (a trusted BTF pointer). */
static __always_inline struct pt_regs *stack_top_regs(struct task_struct *task)
{
	return (struct pt_regs *)((__u64)BPF_CORE_READ(task, stack) + KERNEL_STACK_SIZE) - 1;
}

static __always_inline struct pt_regs *task_regs(struct task_struct *task)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return (struct pt_regs *)bpf_task_pt_regs(task);
	return stack_top_regs(task);
}

/* The same for the current task, from a program whose task is no BTF pointer
 * (a syscall tracepoint's); bpf_get_current_task_btf() is older (5.11) than
 * bpf_task_pt_regs(). */
static __always_inline struct pt_regs *current_regs(void)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	return stack_top_regs(current_task());
}

static __always_inline bool is_traced(__u32 tgid)
{
	__u32 key = tgid / TGID_FLAGS_PER_ENTRY;
	struct tgid_flags *flags = bpf_map_lookup_elem(&traced_tgids, &key);

	return flags && flags->traced[tgid % TGID_FLAGS_PER_ENTRY];
}

/* A thread of a traced process that found the threads map full: counted
 * once (or, with untracked_threads full too, at each attempt: never 0). */
static __always_inline void note_untracked_thread(__u32 tid)
{
	__u8 one = 1;

	if (bpf_map_update_elem(&untracked_threads, &tid, &one, BPF_NOEXIST) != -EEXIST)
		__sync_fetch_and_add(&threads_untracked, 1);
}

/* A new entry in the threads map: its occupancy and peak. */
static __always_inline void count_thread_entry(void)
{
	__sync_fetch_and_add(&threads_live, 1);
	if (threads_live > threads_map_peak)
		threads_map_peak = threads_live;
}

/* The thread's record, made on first sight -- except for a task already
 * exiting (PF_EXITING): its record was retired at sched_process_exit or is
 * about to be, and its last context switches must not make a new one. */
static __always_inline struct thread_stats *thread_get(__u32 tid, __u32 tgid, struct task_struct *task)
{
	struct thread_stats *t = bpf_map_lookup_elem(&threads, &tid);
	__u32 zero = 0;
	long ret;

	if (t)
		return t;
	if (BPF_CORE_READ(task, flags) & PF_EXITING)
		return NULL;
	t = bpf_map_lookup_elem(&thread_template, &zero);
	if (!t)
		return NULL;
	__builtin_memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tgid;
	t->state.syscall_nr = -1;
	t->state.blocked_class = CLASS_OTHER;
	t->start_ns = BPF_CORE_READ(task, start_time);
	t->process_start_ns = BPF_CORE_READ(task, group_leader, start_time);
	BPF_CORE_READ_STR_INTO(&t->comm, task, comm);
	ret = bpf_map_update_elem(&threads, &tid, t, BPF_NOEXIST);
	if (ret == 0)
		count_thread_entry();
	else if (ret != -EEXIST) /* another CPU made it meanwhile: found below */
		note_untracked_thread(tid);
	return bpf_map_lookup_elem(&threads, &tid);
}

static __always_inline void set_traced(__u32 tgid, __u8 traced)
{
	__u32 key = tgid / TGID_FLAGS_PER_ENTRY;
	struct tgid_flags *flags = bpf_map_lookup_elem(&traced_tgids, &key);

	if (flags)
		flags->traced[tgid % TGID_FLAGS_PER_ENTRY] = traced;
}

/* The current thread's record if its process is traced and the thread known. */
static __always_inline struct thread_stats *current_traced_thread(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;

	return is_traced(pid_tgid >> 32) ? bpf_map_lookup_elem(&threads, &tid) : NULL;
}

/* The file behind fd in the current task, or NULL. */
static __always_inline struct file *task_fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = NULL;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

static __always_inline struct file *fd_file(int fd)
{
	return task_fd_file(current_task(), fd);
}

/* The struct sock of FILE, a socket's file (the caller knows it is one). */
static __always_inline struct sock *socket_sk(struct file *file)
{
	struct socket *sock = BPF_CORE_READ(file, private_data);

	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/* FILE's socket when it is a TCP one (an IPv4 or IPv6 stream socket), else
 * NULL. */
static __always_inline struct sock *tcp_sock_of(struct file *file)
{
	struct sock *sk;
	__u16 family;

	if (!file || (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sk = socket_sk(file);
	if (!sk || BPF_CORE_READ(sk, sk_type) != SOCK_STREAM)
		return NULL;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	return family == AF_INET || family == AF_INET6 ? sk : NULL;
}

/* A listening TCP socket. */
static __always_inline bool is_tcp_listener(struct file *file)
{
	struct sock *sk = tcp_sock_of(file);

	return sk && BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_LISTEN;
}

/* A read's file, as its blocking class needs it: the file's type (S_IFMT
 * bits) and, for a socket, its struct sock. */
struct read_target {
	umode_t mode;
	struct sock *sk;
};

static __always_inline struct read_target read_target_of(struct file *file)
{
	struct read_target r = {};

	if (!file)
		return r;
	r.mode = BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT;
	if (r.mode == S_IFSOCK)
		r.sk = socket_sk(file);
	return r;
}

static __always_inline bool is_unix_sock(struct sock *sk)
{
	return sk && BPF_CORE_READ(sk, __sk_common.skc_family) == AF_UNIX;
}

/* read/readv: a FIFO is pipe-read, an AF_UNIX socket unix-recv. */
static __always_inline __u32 read_class(struct read_target r)
{
	if (r.mode == S_IFIFO)
		return CLASS_PIPE_READ;
	if (is_unix_sock(r.sk))
		return CLASS_UNIX_RECV;
	return CLASS_OTHER;
}

static __always_inline bool reads_from_fd(long nr)
{
	return nr == NR_read || nr == NR_readv || nr == NR_recvfrom || nr == NR_recvmsg;
}

static __always_inline __u32 syscall_class(long nr, struct read_target r)
{
	switch (nr) {
	case NR_accept:
	case NR_accept4:
		return CLASS_ACCEPT;
	case NR_epoll_wait:
	case NR_epoll_pwait:
	case NR_epoll_pwait2:
	case NR_poll:
	case NR_ppoll:
	case NR_select:
	case NR_pselect6:
		return CLASS_POLL;
	case NR_read:
	case NR_readv:
		return read_class(r);
	case NR_recvfrom:
	case NR_recvmsg:
		return is_unix_sock(r.sk) ? CLASS_UNIX_RECV : CLASS_OTHER;
	case NR_futex:
	case NR_futex_waitv:
		return CLASS_FUTEX;
	default:
		return CLASS_OTHER;
	}
}

/* recvmsg returned: the fds an SCM_RIGHTS message carried (now in the
 * receiver's fd table), their number; *FDS points at the first. */
static __always_inline __u64 fds_in_msghdr(__u64 user_msghdr, const int **fds)
{
	struct user_msghdr msg;
	struct cmsghdr cmsg;

	if (bpf_probe_read_user(&msg, sizeof(msg), (void *)user_msghdr) || !msg.msg_control ||
	    msg.msg_controllen < sizeof(cmsg))
		return 0;
	if (bpf_probe_read_user(&cmsg, sizeof(cmsg), msg.msg_control))
		return 0;
	if (cmsg.cmsg_level != SOL_SOCKET || cmsg.cmsg_type != SCM_RIGHTS || cmsg.cmsg_len <= sizeof(cmsg))
		return 0;
	*fds = (const int *)((const char *)msg.msg_control + sizeof(cmsg)); /* CMSG_DATA */
	return (cmsg.cmsg_len - sizeof(cmsg)) / sizeof(int);
}

#endif
