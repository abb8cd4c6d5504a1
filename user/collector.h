/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Loads and attaches the tracer, manages the traced-tgid filter and reads the
 * in-kernel per-thread counters. */
#ifndef TESTBED_COLLECTOR_H
#define TESTBED_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h> /* __u32/__u64 for tracer.h */
#include "error.h"
#include "tracer.h"

struct collector;

/* Called for each ring-buffer record; a non-zero return stops the poll. */
typedef int (*event_handler)(void *ctx, const struct event *e);

struct collector_options {
	bool stream_events;       /* --events: every wakeup/accept is also a ring-buffer record */
	bool load_only;           /* --no-trace: load the tracer but attach nothing, so the
	                             run is the untraced baseline (counters stay zero) */
	unsigned ring_buffer_kb;  /* --ring-buffer: a power of two >= the page size; 0 = default */
};

/* Checks privileges and BTF, mounts tracefs if needed, then opens, loads and
 * attaches the tracer as O says. Records go to ON_EVENT(CTX). NULL with a
 * one-line reason in ERR. */
struct collector *collector_open(const struct collector_options *o, event_handler on_event, void *ctx,
				 struct error_message *err);
/* Hands every waiting ring-buffer record to the handler; count or -errno. */
int collector_poll_events(struct collector *c);
int collector_trace_tgid(struct collector *c, pid_t tgid);
/* Attaches the thread-pool USDT probes (provider "testbed") in BINARY, for
 * every process running it. 0, or -1 with a one-line reason in ERR. */
int collector_attach_pool_probes(struct collector *c, const char *binary, struct error_message *err);
/* Attaches the libuv thread-pool uprobes (Node's pool) in BINARY, an
 * executable or a shared libuv with libuv's internal symbols, for every
 * process mapping it. 0, or -1 with a one-line reason in ERR and nothing
 * attached. */
int collector_attach_libuv_probes(struct collector *c, const char *binary, struct error_message *err);
/* libuv jobs whose submit was evicted from the LRU map before they started. */
uint64_t collector_libuv_submits_lost(const struct collector *c);
/* Opens or closes the measurement window (counters move only while open). */
void collector_set_counting(struct collector *c, bool on);
/* Every live traced thread's counters, in a malloc'ed array the caller
 * frees. 0 or -errno. */
int collector_read_threads(struct collector *c, struct thread_stats **threads, size_t *count);
/* The final records of the threads that exited since the last call (each
 * handed over once: they leave the tracer's map), in a malloc'ed array the
 * caller frees. A thread may also still be in a collector_read_threads()
 * snapshot taken just before: same tid and start_ns, the retired record is
 * the one to keep. 0 or -errno. */
int collector_drain_retired(struct collector *c, struct thread_stats **threads, size_t *count);
struct thread_accounting {
	uint64_t untracked;        /* threads that found the threads map full: not counted */
	uint64_t map_peak;         /* the threads map's highest occupancy */
	uint64_t retire_failed;    /* exited threads left in the threads map (retired map full) */
};
struct thread_accounting collector_thread_accounting(const struct collector *c);
/* Hand-offs received in the window whose receiver never read them (so no
 * dispatch-delay sample will come): counted and forgotten, so that a read
 * after this call sends no sample. Call when the window is closed. */
uint64_t collector_unread_handoffs(struct collector *c);
/* Semicolon-separated list of the tracepoints attached, for meta.csv. */
const char *collector_tracepoints(const struct collector *c);
uint64_t collector_event_drops(const struct collector *c);
/* Every record the tracer tried to write (delivered + in the buffer + dropped),
 * counted in the kernel apart from the ring buffer. */
uint64_t collector_events_produced(const struct collector *c);
/* Runs of the tracer's programs the kernel skipped because one was already
 * active on that CPU (bpf_prog_info.recursion_misses, Linux >= 5.12; 0
 * before): events the counters never saw. */
uint64_t collector_recursion_misses(const struct collector *c);
/* Wakeups of threads waiting in accept, poll or select whose waker's kernel
 * stack the kernel did not give (bpf_get_stack() failed): not judged, so
 * not counted as listener wakeups even if a handshake made them. */
uint64_t collector_listener_stack_failures(const struct collector *c);
void collector_close(struct collector *c); /* NULL is fine */

/* Pre-flight checks shared by every tracing command: 0, or -1 with a reason. */
int check_tracing_environment(struct error_message *err);

#endif
