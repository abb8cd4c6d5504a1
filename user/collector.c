// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The user-space half of bpf/tracer.bpf.c: checks the environment (root,
 * BTF, tracefs), opens the skeleton, sizes its maps, switches off the
 * optional tracepoints this kernel lacks, loads and attaches it -- the
 * syscall programs to each followed syscall's own tracepoints -- (or only
 * loads it, for --no-trace), sets the traced-tgid flags through mmap, opens
 * and closes the counting window, reads the per-thread counters (live, and
 * the retired threads' final records, which it drains) and hands
 * ring-buffer records to the caller's handler, and attaches the probes of
 * a thread pool: ours (USDT) or Node's libuv (uprobes on its symbols). It
 * gives counts no meaning: the run record (record.c) and the CSV writers
 * (output.c) do. The bench hook TESTBED_BPF_STATS comes through
 * test_hooks.h. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "collector.h"
#include "elf_symbols.h"
#include "followed_syscalls.h"
#include "kallsyms.h"
#include "test_hooks.h"
#include "tracer.skel.h"
#include "util.h"

#define TRACEFS "/sys/kernel/tracing"
#define PID_MAX "/proc/sys/kernel/pid_max"
#define PID_MAX_LIMIT (4u << 20) /* include/linux/threads.h, 64-bit */
#define PID_MAX_DEFAULT 32768u   /* ... the default: sized for at least that */
#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* For bench/ (write_bpf_stats()): the traced threads' events in the window. */
struct traced_events {
	unsigned long long threads, syscalls, switches, wakeups;
};

static void add_traced_events(struct traced_events *sum, const struct thread_stats *threads, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct thread_counters *k = &threads[i].counters;

		sum->threads++;
		sum->syscalls += k->syscalls;
		sum->switches += k->voluntary_switches + k->involuntary_switches;
		for (int cls = 0; cls < CLASS_COUNT; cls++)
			sum->wakeups += k->wakeups[cls];
	}
}

/* Appends to the NUL-terminated text BUF (SIZE bytes, *USED in use); text
 * that does not fit is cut, never written past the end. */
static void __attribute__((format(printf, 4, 5))) append_text(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list args;

	if (*used >= size)
		return;
	va_start(args, fmt);
	*used += vsnprintf(buf + *used, size - *used, fmt, args);
	va_end(args);
}

/* The syscalls bpf/tracer.bpf.c follows (bpf/followed_syscalls.h), each on
 * its own tracepoint syscalls:sys_exit_<name> (their entries need no
 * program: the tracer reads a syscall from the thread's registers,
 * begin_syscall()). One this kernel lacks (epoll_pwait2 before 5.11,
 * futex_waitv before 5.16) is left out: nothing blocks in it here. */
#define SYSCALL_NAME(name) #name,
static const char *const followed_syscalls[] = { FOLLOWED_SYSCALLS(SYSCALL_NAME, SYSCALL_NAME) };

struct collector {
	struct tracer_bpf *skel;
	bool followed[ARRAY_SIZE(followed_syscalls)];  /* the kernel has its tracepoints */
	struct bpf_link *syscall_links[ARRAY_SIZE(followed_syscalls)];
	size_t nsyscall_links;
	struct bpf_link *pool_links[3];
	struct bpf_link *libuv_links[16];  /* Node's libuv pool: the uprobes attached */
	size_t nlibuv_links;
	char tracepoints[512];
	struct ring_buffer *events;
	volatile __u8 *traced_tgids;  /* the filter's flag bytes, mmapped */
	size_t traced_tgids_size;
	bool load_only;
	struct traced_events drained;  /* for bench/: the retired threads' events, summed at drain */
	event_handler on_event;
	void *ctx;
};

static int ring_record(void *ctx, void *data, size_t size)
{
	struct collector *c = ctx;

	if (size < sizeof(struct event))
		return 0;
	return c->on_event(c->ctx, data);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* libbpf's messages are noise unless -vv: our own line says what failed */
	if (verbose < 2)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Tgids stay below kernel.pid_max (raising it during a run would leave the new
 * high tgids untraced: the filter has room for at least the default's, so
 * that a pid_max lowered for a while, e.g. by a test, is no trap), and
 * pid_max itself below PID_MAX_LIMIT. */
static unsigned pid_limit(void)
{
	FILE *f = fopen(PID_MAX, "re");
	unsigned pid_max = 0;

	if (f) {
		if (fscanf(f, "%u", &pid_max) != 1)
			pid_max = 0;
		fclose(f);
	}
	if (!pid_max || pid_max > PID_MAX_LIMIT)
		return PID_MAX_LIMIT;
	return pid_max < PID_MAX_DEFAULT ? PID_MAX_DEFAULT : pid_max;
}

static bool have_capabilities(void)
{
	/* CAP_BPF + CAP_PERFMON would do, but the scenarios also change sysctls
	 * and mount tracefs: ask for root like the design says. */
	return geteuid() == 0;
}

int check_tracing_environment(struct error_message *err)
{
	struct stat st;

	if (!have_capabilities()) {
		error_message_set(err, "tracing needs root (BPF, tracefs): run it with sudo");
		return -1;
	}
	if (stat(test_btf_path(VMLINUX_BTF), &st) != 0) {
		error_message_set(err, "this kernel has no BTF (%s missing): it needs CONFIG_DEBUG_INFO_BTF=y",
			 VMLINUX_BTF);
		return -1;
	}
	if (stat(TRACEFS "/events", &st) != 0) {
		/* tracepoint attachment reads event ids from tracefs */
		if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) != 0 && errno != EBUSY) {
			error_message_set(err, "tracefs is not mounted and mounting it on %s failed: %s",
				 TRACEFS, strerror(errno));
			return -1;
		}
		debug_msg("mounted tracefs on %s", TRACEFS);
	}
	return 0;
}

/* Optional tracepoints, switched off where this kernel lacks them (a tp_btf
 * program attaches to the BTF type btf_trace_<name>): inet_sock_set_state,
 * for the accept-queue delay. */
static void probe_optional_tracepoints(struct collector *c)
{
	struct tracer_bpf *skel = c->skel;
	static const struct {
		const char *name;  /* category/event, for meta.csv */
		const char *btf;   /* the BTF typedef it needs */
	} optional[] = {
		{ "sock/inet_sock_set_state(btf)", "btf_trace_inet_sock_set_state" },
	};
	struct bpf_program *programs[][1] = {
		{ skel->progs.handle_inet_sock_set_state },
	};
	struct btf *vmlinux = btf__load_vmlinux_btf();
	size_t used, i, j;

	used = 0;
	for (i = 0; i < ARRAY_SIZE(followed_syscalls); i++) {
		char path[128];
		struct stat st;

		snprintf(path, sizeof(path), TRACEFS "/events/syscalls/sys_exit_%s", followed_syscalls[i]);
		c->followed[i] = stat(path, &st) == 0;
		if (c->followed[i])
			append_text(c->tracepoints, sizeof(c->tracepoints), &used, "%s%s",
				    used ? "," : "syscalls/sys_exit_{", followed_syscalls[i]);
	}
	append_text(c->tracepoints, sizeof(c->tracepoints), &used, "}");
	append_text(c->tracepoints, sizeof(c->tracepoints), &used,
		    ";sched/sched_wakeup(btf);sched/sched_waking(btf);sched/sched_switch(btf);"
		    "sched/sched_process_fork(btf);"
		    "sched/sched_process_exit(btf)");
	for (i = 0; i < ARRAY_SIZE(optional); i++) {
		bool present = vmlinux && btf__find_by_name_kind(vmlinux, optional[i].btf, BTF_KIND_TYPEDEF) > 0;

		for (j = 0; j < ARRAY_SIZE(programs[i]) && programs[i][j]; j++)
			bpf_program__set_autoload(programs[i][j], present);
		if (present)
			append_text(c->tracepoints, sizeof(c->tracepoints), &used, ";%s", optional[i].name);
		else
			debug_msg("optional tracepoint %s is missing: that metric stays empty", optional[i].name);
	}
	btf__free(vmlinux);
}

/* The syscall programs on every followed syscall's tracepoints: 0 or -errno. */
static int attach_syscall_tracepoints(struct collector *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(followed_syscalls); i++) {
		struct bpf_link *link;
		char name[64];

		if (!c->followed[i])
			continue;
		snprintf(name, sizeof(name), "sys_exit_%s", followed_syscalls[i]);
		link = bpf_program__attach_tracepoint(c->skel->progs.handle_sys_exit, "syscalls", name);
		if (!link)
			return -errno;
		c->syscall_links[c->nsyscall_links++] = link;
	}
	return 0;
}

struct collector *collector_open(const struct collector_options *o, event_handler on_event, void *ctx,
				 struct error_message *err)
{
	uint64_t code_start, code_end;
	struct collector *c;
	int ret;

	if (check_tracing_environment(err))
		return NULL;
	libbpf_set_print(libbpf_print);
	c = calloc(1, sizeof(*c));
	if (!c) {
		error_message_set(err, "out of memory");
		return NULL;
	}
	c->on_event = on_event;
	c->ctx = ctx;
	c->load_only = o->load_only;
	c->skel = tracer_bpf__open();
	if (!c->skel) {
		error_message_set(err, "cannot open the BPF tracer: %s", strerror(errno));
		goto fail;
	}
	c->skel->rodata->stream_events = o->stream_events;
	c->skel->rodata->hooks_only = bench_hooks_only();
	if (o->ring_buffer_kb &&
	    (ret = bpf_map__set_max_entries(c->skel->maps.events, o->ring_buffer_kb * 1024u))) {
		error_message_set(err, "cannot size the BPF ring buffer to %u KB: %s", o->ring_buffer_kb,
			 strerror(-ret));
		goto fail;
	}
	/* one flag byte for every possible tgid */
	ret = bpf_map__set_max_entries(c->skel->maps.traced_tgids,
				       (pid_limit() + TGID_FLAGS_PER_ENTRY - 1) / TGID_FLAGS_PER_ENTRY);
	if (ret) {
		error_message_set(err, "cannot size the traced-process filter: %s", strerror(-ret));
		goto fail;
	}
	probe_optional_tracepoints(c);
	if (kallsyms_function_range("/proc/kallsyms", "tcp_child_process", &code_start, &code_end) == 0) {
		c->skel->rodata->handshake_code_start = code_start;
		c->skel->rodata->handshake_code_end = code_end;
	} else {
		error_msg("tcp_child_process() is not in /proc/kallsyms: listener wakeups of threads waiting in "
			 "accept, poll or select are not counted (epoll's are)");
	}
	if (!c->followed[1]) { /* followed_syscalls[1], accept4: every server's */
		error_message_set(err, "this kernel has no syscall tracepoints (%s/events/syscalls/sys_exit_accept4 "
			 "missing): it needs CONFIG_FTRACE_SYSCALLS=y", TRACEFS);
		goto fail;
	}
	/* attached per syscall below, not by the skeleton */
	bpf_program__set_autoattach(c->skel->progs.handle_sys_exit, false);
	ret = tracer_bpf__load(c->skel);
	if (ret) {
		error_message_set(err, "the kernel refused the BPF tracer (%s); run with -v for the verifier log",
			 strerror(-ret));
		goto fail;
	}
	c->traced_tgids_size = (size_t)bpf_map__max_entries(c->skel->maps.traced_tgids) * TGID_FLAGS_PER_ENTRY;
	c->traced_tgids = mmap(NULL, c->traced_tgids_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			       bpf_map__fd(c->skel->maps.traced_tgids), 0);
	if (c->traced_tgids == MAP_FAILED) {
		c->traced_tgids = NULL;
		error_message_set(err, "cannot map the traced-process filter: %s", strerror(errno));
		goto fail;
	}
	/* load_only: the same setup cost, but nothing runs in the kernel */
	if (c->load_only)
		c->tracepoints[0] = '\0';
	ret = c->load_only ? 0 : tracer_bpf__attach(c->skel);
	if (!ret && !c->load_only)
		ret = attach_syscall_tracepoints(c);
	if (ret) {
		error_message_set(err, "cannot attach the BPF tracer (%s); run with -v for details",
			 strerror(-ret));
		goto fail;
	}
	c->events = ring_buffer__new(bpf_map__fd(c->skel->maps.events), ring_record, c, NULL);
	if (!c->events) {
		error_message_set(err, "cannot open the BPF ring buffer: %s", strerror(errno));
		goto fail;
	}
	return c;
fail:
	collector_close(c);
	return NULL;
}

static void detach_libuv_probes(struct collector *c)
{
	while (c->nlibuv_links)
		bpf_link__destroy(c->libuv_links[--c->nlibuv_links]);
}

int collector_attach_pool_probes(struct collector *c, const char *binary, struct error_message *err)
{
	struct bpf_program *programs[] = { c->skel->progs.handle_job_queued, c->skel->progs.handle_job_start,
					   c->skel->progs.handle_job_end };
	static const char *const probes[] = { "job_queued", "job_start", "job_end" };
	size_t i;

	if (c->load_only)
		return 0;
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		/* pid -1: every process mapping the binary, forked workers included */
		c->pool_links[i] = bpf_program__attach_usdt(programs[i], -1, binary, "testbed", probes[i], NULL);
		if (!c->pool_links[i]) {
			error_message_set(err, "cannot attach the USDT probe testbed:%s in %s: %s", probes[i], binary,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* PROGRAM at OFFSET in BINARY (on the function's return with RETPROBE),
 * for every process mapping it: 0 or -errno. */
static int attach_libuv_probe(struct collector *c, struct bpf_program *program, const char *binary,
			      uint64_t offset, bool retprobe)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = retprobe);
	struct bpf_link *link;

	if (c->nlibuv_links == ARRAY_SIZE(c->libuv_links))
		return -E2BIG;
	/* pid -1: every process mapping the binary (cluster workers are new
	 * processes); the programs' tgid filter keeps other processes out */
	link = bpf_program__attach_uprobe_opts(program, -1, binary, offset, &opts);
	if (!link)
		return -errno;
	c->libuv_links[c->nlibuv_links++] = link;
	return 0;
}

int collector_attach_libuv_probes(struct collector *c, const char *binary, struct error_message *err)
{
	struct tracer_bpf *skel = c->skel;
	/* the submits first, then the work functions, each on entry and return */
	static const char *const symbols[] = {
		"uv__work_submit", "uv_queue_work", "uv__fs_work", "uv__queue_work", "uv__getaddrinfo_work",
		"uv__getnameinfo_work", "uv__random_work",
	};
	struct bpf_program *entries[ARRAY_SIZE(symbols)] = {
		skel->progs.handle_libuv_work_submit, skel->progs.handle_libuv_queue_work_submit,
		skel->progs.handle_libuv_fs_work, skel->progs.handle_libuv_queue_work, skel->progs.handle_libuv_dns_work,
		skel->progs.handle_libuv_dns_work, skel->progs.handle_libuv_random_work,
	};
	const size_t submits = 2;
	uint64_t offsets[ARRAY_SIZE(symbols)];
	size_t i, work_probes = 0;
	int ret = 0;

	if (c->load_only)
		return 0;
	if (elf_function_offsets(binary, symbols, ARRAY_SIZE(symbols), offsets, err))
		return -1;
	for (i = 0; i < submits; i++)
		if (!offsets[i]) {
			error_message_set(err, "%s has no libuv symbol %s", binary, symbols[i]);
			return -1;
		}
	for (i = 0; !ret && i < ARRAY_SIZE(symbols); i++) {
		if (!offsets[i]) {
			/* a libuv older or newer than the one we know may lack a kind */
			debug_msg("%s has no libuv symbol %s: those jobs are not seen", binary, symbols[i]);
			continue;
		}
		ret = attach_libuv_probe(c, entries[i], binary, offsets[i], false);
		if (!ret && i >= submits) {
			ret = attach_libuv_probe(c, skel->progs.handle_libuv_work_return, binary, offsets[i], true);
			work_probes++;
		}
	}
	if (ret)
		error_message_set(err, "cannot attach a uprobe to %s's %s: %s", binary, symbols[i - 1], strerror(-ret));
	else if (!work_probes)
		error_message_set(err, "%s has no libuv work function (uv__fs_work, uv__queue_work...)", binary);
	else
		return 0;
	detach_libuv_probes(c);
	return -1;
}

uint64_t collector_libuv_submits_lost(const struct collector *c)
{
	return __atomic_load_n(&c->skel->bss->libuv_submits_lost, __ATOMIC_RELAXED);
}

int collector_trace_tgid(struct collector *c, pid_t tgid)
{
	if (tgid < 0 || (size_t)tgid >= c->traced_tgids_size) {
		errno = EINVAL; /* callers report strerror(errno) */
		return -EINVAL;
	}
	/* a plain byte store, like the fork program's: no neighbour is overwritten */
	__atomic_store_n(&c->traced_tgids[tgid], 1, __ATOMIC_SEQ_CST);
	return 0;
}

void collector_set_counting(struct collector *c, bool on)
{
	__atomic_store_n(&c->skel->bss->counting, on ? 1 : 0, __ATOMIC_SEQ_CST);
}

/* A batch lookup walks the hash bucket by bucket, so entries the tracer
 * deletes meanwhile (exited threads) neither restart nor repeat the walk, as
 * they would a get_next_key() walk. */
int collector_read_threads(struct collector *c, struct thread_stats **threads, size_t *count)
{
	int fd = bpf_map__fd(c->skel->maps.threads);
	size_t capacity = bpf_map__max_entries(c->skel->maps.threads), n = 0;
	struct thread_stats *out = calloc(capacity, sizeof(*out));
	__u32 *keys = calloc(capacity, sizeof(*keys)), batch;
	void *in_batch = NULL;
	int ret = 0;

	while (out && keys && n < capacity) {
		__u32 got = capacity - n;

		ret = bpf_map_lookup_batch(fd, in_batch, &batch, keys + n, out + n, &got, NULL);
		if (ret && errno != ENOENT)
			break;
		n += got;
		in_batch = &batch;
		if (ret) {
			ret = 0; /* ENOENT: the walk is over */
			break;
		}
	}
	free(keys);
	if (!out || !keys || ret) {
		free(out);
		return !out || !keys ? -ENOMEM : -errno;
	}
	*threads = out;
	*count = n;
	return 0;
}

int collector_drain_retired(struct collector *c, struct thread_stats **threads, size_t *count)
{
	struct bpf_map *map = c->skel->maps.retired_threads;
	size_t capacity = bpf_map__max_entries(map), nkeys = 0, n = 0, i;
	struct retired_key *keys = calloc(capacity, sizeof(*keys)), *prev = NULL;
	struct thread_stats *out = calloc(capacity, sizeof(*out));

	if (!keys || !out) {
		free(keys);
		free(out);
		return -ENOMEM;
	}
	/* only we delete here, so the walk is stable; what is added meanwhile
	 * waits for the next drain */
	while (nkeys < capacity && bpf_map__get_next_key(map, prev, &keys[nkeys], sizeof(*keys)) == 0)
		prev = &keys[nkeys++];
	for (i = 0; i < nkeys; i++)
		if (bpf_map__lookup_elem(map, &keys[i], sizeof(keys[i]), &out[n], sizeof(out[n]), 0) == 0 &&
		    bpf_map__delete_elem(map, &keys[i], sizeof(keys[i]), 0) == 0)
			n++;
	free(keys);
	add_traced_events(&c->drained, out, n);
	*threads = out;
	*count = n;
	return 0;
}

struct thread_accounting collector_thread_accounting(const struct collector *c)
{
	const struct tracer_bpf__bss *bss = c->skel->bss;

	return (struct thread_accounting){
		.untracked = __atomic_load_n(&bss->threads_untracked, __ATOMIC_RELAXED),
		.map_peak = __atomic_load_n(&bss->threads_map_peak, __ATOMIC_RELAXED),
		.retire_failed = __atomic_load_n(&bss->threads_retire_failed, __ATOMIC_RELAXED),
	};
}

uint64_t collector_unread_handoffs(struct collector *c)
{
	struct bpf_map *map = c->skel->maps.connections;
	__u64 key, next, *prev = NULL;
	uint64_t unread;

	if (c->load_only)
		return 0;
	/* freed unread and their records overwritten by a new connection */
	unread = __atomic_load_n(&c->skel->bss->handoffs_reused, __ATOMIC_RELAXED);
	while (bpf_map__get_next_key(map, prev, &next, sizeof(next)) == 0) {
		struct conn_record conn;

		/* deleted by us: no sample can follow; deleted meanwhile by the
		 * tracer: its reader took the sample */
		if (bpf_map__lookup_elem(map, &next, sizeof(next), &conn, sizeof(conn), 0) == 0 &&
		    conn.handed_over && bpf_map__delete_elem(map, &next, sizeof(next), 0) == 0)
			unread++;
		key = next;
		prev = &key;
	}
	return unread;
}

const char *collector_tracepoints(const struct collector *c)
{
	return c->tracepoints;
}

int collector_poll_events(struct collector *c)
{
	return ring_buffer__consume(c->events);
}

uint64_t collector_event_drops(const struct collector *c)
{
	return __atomic_load_n(&c->skel->bss->event_drops, __ATOMIC_RELAXED);
}

uint64_t collector_listener_stack_failures(const struct collector *c)
{
	return __atomic_load_n(&c->skel->bss->listener_stack_failures, __ATOMIC_RELAXED);
}

uint64_t collector_recursion_misses(const struct collector *c)
{
	struct bpf_program *prog;
	uint64_t misses = 0;

	bpf_object__for_each_program(prog, c->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) >= 0 && !bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			misses += info.recursion_misses;
	}
	return misses;
}

uint64_t collector_events_produced(const struct collector *c)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *per_cpu;
	uint64_t sum = 0;
	__u32 zero = 0;

	if (ncpus <= 0 || !(per_cpu = calloc(ncpus, sizeof(*per_cpu))))
		return 0;
	if (bpf_map__lookup_elem(c->skel->maps.events_produced, &zero, sizeof(zero), per_cpu,
				 ncpus * sizeof(*per_cpu), 0) == 0)
		for (int i = 0; i < ncpus; i++)
			sum += per_cpu[i];
	free(per_cpu);
	return sum;
}

/* The memlock a map is charged, from /proc/self/fdinfo (what bpftool shows). */
static uint64_t map_memlock(int fd)
{
	char path[64], line[128];
	unsigned long long bytes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &bytes) == 1)
			break;
	fclose(f);
	return bytes;
}

/* For bench/ (bench_bpf_stats_path()): appends each program's run count
 * and run time (non-zero only with sysctl kernel.bpf_stats_enabled=1) and
 * each map's memlock, then the traced threads' followed syscalls, context
 * switches and wakeups in the measurement window (the threads still live
 * and those retired), as CSV rows kind,name,count,value. */
static void write_bpf_stats(struct collector *c)
{
	const char *path = bench_bpf_stats_path();
	struct bpf_program *prog;
	struct bpf_map *map;
	struct thread_stats *threads;
	size_t n;
	FILE *f;

	if (!path || !(f = fopen(path, "ae")))
		return;
	bpf_object__for_each_program(prog, c->skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0 || bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			continue;
		fprintf(f, "program,%s,%llu,%llu\n", bpf_program__name(prog), (unsigned long long)info.run_cnt,
			(unsigned long long)info.run_time_ns);
	}
	bpf_object__for_each_map(map, c->skel->obj)
		if (bpf_map__fd(map) >= 0)
			fprintf(f, "map,%s,%u,%llu\n", bpf_map__name(map), bpf_map__max_entries(map),
				(unsigned long long)map_memlock(bpf_map__fd(map)));
	/* the traced threads' events in the measurement window: live and retired */
	if (collector_read_threads(c, &threads, &n) == 0) {
		struct traced_events sum = c->drained;

		add_traced_events(&sum, threads, n);
		fprintf(f, "traced,threads,%llu,0\ntraced,syscalls,%llu,0\ntraced,switches,%llu,0\n"
			"traced,wakeups,%llu,0\n", sum.threads, sum.syscalls, sum.switches, sum.wakeups);
		free(threads);
	}
	fclose(f);
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/* Closing a syscall tracepoint's perf event waits for RCU grace periods
 * (perf_trace_event_unreg() -> tracepoint_synchronize_unregister(), 40 ms
 * and more each): one by one, the ~31 links took 1.2 s at the end of every
 * run; closed from a thread each, at once, they share the grace periods. */
static void destroy_syscall_links(struct collector *c)
{
	pthread_t threads[ARRAY_SIZE(c->syscall_links)];
	bool started[ARRAY_SIZE(c->syscall_links)];
	size_t i;

	for (i = 0; i < c->nsyscall_links; i++) {
		started[i] = pthread_create(&threads[i], NULL, destroy_link, c->syscall_links[i]) == 0;
		if (!started[i])
			bpf_link__destroy(c->syscall_links[i]);
	}
	for (i = 0; i < c->nsyscall_links; i++)
		if (started[i])
			pthread_join(threads[i], NULL);
	c->nsyscall_links = 0;
}

void collector_close(struct collector *c)
{
	if (!c)
		return;
	if (c->skel)
		write_bpf_stats(c);
	ring_buffer__free(c->events);
	if (c->traced_tgids)
		munmap((void *)c->traced_tgids, c->traced_tgids_size);
	for (size_t i = 0; i < ARRAY_SIZE(c->pool_links); i++)
		bpf_link__destroy(c->pool_links[i]);
	detach_libuv_probes(c);
	destroy_syscall_links(c);
	tracer_bpf__destroy(c->skel);
	free(c);
}
