// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "common.h"
#include "collector.h"
#include "tracer.skel.h"

#define TRACEFS "/sys/kernel/tracing"
#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

struct collector {
	struct tracer_bpf *skel;
	struct bpf_link *pool_links[3];
	char tracepoints[512];
	struct ring_buffer *events;
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
	/* libbpf's messages are noise unless -v: our own line says what failed */
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static bool have_capabilities(void)
{
	/* CAP_BPF + CAP_PERFMON would do, but the scenarios also change sysctls
	 * and mount tracefs: ask for root like the design says. */
	return geteuid() == 0;
}

int check_tracing_environment(char *err, size_t err_size)
{
	struct stat st;

	if (!have_capabilities()) {
		snprintf(err, err_size, "tracing needs root (BPF, tracefs): run it with sudo");
		return -1;
	}
	if (stat(VMLINUX_BTF, &st) != 0) {
		snprintf(err, err_size, "this kernel has no BTF (%s missing): it needs CONFIG_DEBUG_INFO_BTF=y",
			 VMLINUX_BTF);
		return -1;
	}
	if (stat(TRACEFS "/events", &st) != 0) {
		/* tracepoint attachment reads event ids from tracefs */
		if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) != 0 && errno != EBUSY) {
			snprintf(err, err_size, "tracefs is not mounted and mounting it on %s failed: %s",
				 TRACEFS, strerror(errno));
			return -1;
		}
		debug_msg("mounted tracefs on %s", TRACEFS);
	}
	return 0;
}

/* Optional tracepoints, switched off where this kernel lacks them (a tp_btf
 * program attaches to the BTF type btf_trace_<name>). */
static void probe_optional_tracepoints(struct collector *c)
{
	static const struct {
		const char *name;  /* category/event, for meta.csv */
		const char *btf;   /* the BTF typedef it needs */
	} optional[] = {
		{ "sock/inet_sock_set_state(btf)", "btf_trace_inet_sock_set_state" },
	};
	struct bpf_program *programs[] = { c->skel->progs.handle_inet_sock_set_state };
	struct btf *vmlinux = btf__load_vmlinux_btf();
	size_t used, i;

	used = snprintf(c->tracepoints, sizeof(c->tracepoints),
			"raw_syscalls/sys_enter;raw_syscalls/sys_exit;sched/sched_wakeup(btf);"
			"sched/sched_switch(btf);sched/sched_process_fork(btf)");
	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		bool present = vmlinux && btf__find_by_name_kind(vmlinux, optional[i].btf, BTF_KIND_TYPEDEF) > 0;

		bpf_program__set_autoload(programs[i], present);
		if (present && used < sizeof(c->tracepoints))
			used += snprintf(c->tracepoints + used, sizeof(c->tracepoints) - used, ";%s", optional[i].name);
		else
			debug_msg("optional tracepoint %s is missing: that metric stays empty", optional[i].name);
	}
	btf__free(vmlinux);
}

struct collector *collector_open(bool stream_events, event_handler on_event, void *ctx, char *err,
				 size_t err_size)
{
	struct collector *c;
	int ret;

	if (check_tracing_environment(err, err_size))
		return NULL;
	libbpf_set_print(libbpf_print);
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	c->on_event = on_event;
	c->ctx = ctx;
	c->skel = tracer_bpf__open();
	if (!c->skel) {
		snprintf(err, err_size, "cannot open the BPF tracer: %s", strerror(errno));
		goto fail;
	}
	c->skel->rodata->stream_events = stream_events;
	probe_optional_tracepoints(c);
	ret = tracer_bpf__load(c->skel);
	if (ret) {
		snprintf(err, err_size, "the kernel refused the BPF tracer (%s); run with -v for the verifier log",
			 strerror(-ret));
		goto fail;
	}
	ret = tracer_bpf__attach(c->skel);
	if (ret) {
		snprintf(err, err_size, "cannot attach the BPF tracer (%s); run with -v for details",
			 strerror(-ret));
		goto fail;
	}
	c->events = ring_buffer__new(bpf_map__fd(c->skel->maps.events), ring_record, c, NULL);
	if (!c->events) {
		snprintf(err, err_size, "cannot open the BPF ring buffer: %s", strerror(errno));
		goto fail;
	}
	return c;
fail:
	collector_close(c);
	return NULL;
}

int collector_attach_pool_probes(struct collector *c, const char *binary, char *err, size_t err_size)
{
	struct bpf_program *programs[] = { c->skel->progs.handle_job_queued, c->skel->progs.handle_job_start,
					   c->skel->progs.handle_job_end };
	static const char *const probes[] = { "job_queued", "job_start", "job_end" };
	size_t i;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		/* pid -1: every process mapping the binary, forked workers included */
		c->pool_links[i] = bpf_program__attach_usdt(programs[i], -1, binary, "testbed", probes[i], NULL);
		if (!c->pool_links[i]) {
			snprintf(err, err_size, "cannot attach the USDT probe testbed:%s in %s: %s", probes[i], binary,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

int collector_trace_tgid(struct collector *c, pid_t tgid)
{
	__u32 key = (__u32)tgid, one = 1;

	if (bpf_map__update_elem(c->skel->maps.traced_tgids, &key, sizeof(key), &one, sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

void collector_set_counting(struct collector *c, bool on)
{
	__atomic_store_n(&c->skel->bss->counting, on ? 1 : 0, __ATOMIC_SEQ_CST);
}

int collector_read_threads(struct collector *c, struct thread_stats **threads, size_t *count)
{
	struct bpf_map *map = c->skel->maps.threads;
	size_t capacity = bpf_map__max_entries(map), n = 0;
	struct thread_stats *out = calloc(capacity, sizeof(*out));
	__u32 key, next;
	__u32 *prev = NULL;

	if (!out)
		return -ENOMEM;
	while (n < capacity && bpf_map__get_next_key(map, prev, &next, sizeof(next)) == 0) {
		if (bpf_map__lookup_elem(map, &next, sizeof(next), &out[n], sizeof(out[n]), 0) == 0)
			n++;
		key = next;
		prev = &key;
	}
	*threads = out;
	*count = n;
	return 0;
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

void collector_close(struct collector *c)
{
	if (!c)
		return;
	ring_buffer__free(c->events);
	for (size_t i = 0; i < sizeof(c->pool_links) / sizeof(c->pool_links[0]); i++)
		bpf_link__destroy(c->pool_links[i]);
	tracer_bpf__destroy(c->skel);
	free(c);
}
