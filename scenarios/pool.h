/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A libuv-style thread pool inside one worker process: a fixed set of
 * threads, one mutex-protected FIFO of jobs, one condition variable the idle
 * threads wait on, and completion back to the submitting thread through an
 * eventfd or a pipe. A job is what one request costs: a busy loop, a sleep
 * or a file read.
 *
 * USDT probes (provider "testbed", each with the job id, a u64 unique per
 * pool and so per worker process, counting from 1):
 *   job_queued(id)  the job is in the queue (fired under the queue lock)
 *   job_start(id)   a pool thread took it and starts running it
 *   job_end(id)     it finished; its completion is about to be notified */
#ifndef TESTBED_POOL_H
#define TESTBED_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define POOL_MAX_THREADS     64
#define WORK_MAX_US          1000000u    /* cpu: and sleep: at most one second per job */
#define WORK_FILE_MAX_BYTES  (64u << 20) /* file: the file lives in /tmp, maybe in RAM */
#define DEFAULT_WORK_CPU_US  100         /* --threads without --work */

enum work_kind {
	WORK_CPU,                /* busy loop for work_amount microseconds of thread CPU time */
	WORK_SLEEP,              /* nanosleep for work_amount microseconds */
	WORK_FILE,               /* read a file of work_amount bytes, start to end */
};

/* How enqueueing a job wakes the idle threads. */
enum pool_wake {
	POOL_WAKE_SIGNAL,        /* pthread_cond_signal: one idle thread */
	POOL_WAKE_BROADCAST,     /* pthread_cond_broadcast: all of them, one gets the job */
};

/* How a finished job wakes the thread that submitted it. */
enum pool_notify {
	POOL_NOTIFY_EVENTFD,     /* libuv's uv_async: an eventfd */
	POOL_NOTIFY_PIPE,        /* a pipe (libuv without eventfd); traced as pipe reads */
};

/* CLI names ("cpu", "broadcast", "pipe", ...); "unknown" when out of range. */
const char *work_kind_name(enum work_kind kind);
const char *pool_wake_name(enum pool_wake wake);
const char *pool_notify_name(enum pool_notify notify);
/* Exact names only; 0, or -1 with *OUT untouched. */
int work_kind_parse(const char *name, enum work_kind *out);
int pool_wake_parse(const char *name, enum pool_wake *out);
int pool_notify_parse(const char *name, enum pool_notify *out);

/* Whether the worker's REQUEST-th request (1, 2, ...) gets the work when a
 * share FRACTION of them do: spread evenly and deterministically, so that
 * the first k requests hold exactly floor(k x FRACTION) slow ones (0.25:
 * the 4th, 8th, ...). */
bool work_due(uint64_t request, double fraction);

/* Sleeps US microseconds (a signal does not shorten it): sleep work. */
void work_sleep_us(uint64_t us);

struct pool_config {
	unsigned threads;        /* 1 .. POOL_MAX_THREADS */
	enum work_kind work_kind;
	uint64_t work_amount;    /* microseconds (cpu, sleep) or bytes (file) */
	enum pool_wake wake;
	enum pool_notify notify;
	const char *work_file;   /* WORK_FILE: the file every job reads (see work_file_create) */
};

struct pool;

/* Starts the threads, named "tb-pool-0" ... (what threads.csv shows), with
 * every signal blocked so that signals reach the submitting thread. NULL
 * with a one-line reason in WHY. */
struct pool *pool_start(const struct pool_config *cfg, struct error_message *why);
/* Queues one job and blocks until a pool thread has run it (a signal that
 * interrupts the wait does not end it: the job still references us).
 * 0, or -1 when the job itself failed (file: the read failed). */
int pool_submit_and_wait(struct pool *p);
/* Tells the threads to finish and joins them, then frees the pool. Returns
 * the jobs its threads ran: final, since every thread has ended. NULL: 0. */
uint64_t pool_stop(struct pool *p);

/* WORK_FILE: creates a directory with mkdtemp in /tmp holding one file of
 * BYTES bytes; its path goes into PATH. 0, or -1 with a reason in WHY. */
int work_file_create(uint64_t bytes, char *path, size_t path_size, struct error_message *why);
/* Removes the file and its directory; "" (never created) is a no-op. */
void work_file_remove(const char *path);

#endif
