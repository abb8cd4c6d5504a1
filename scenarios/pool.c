// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The worker's thread pool (see pool.h), shaped like libuv's threadpool.c:
 * threads wait on one condition variable for a FIFO of jobs; a finished job
 * is announced to the submitter through an eventfd or a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/sdt.h>

#include "pool.h"
#include "util.h"


#define FILE_CHUNK       (64 * 1024) /* read and write size for file: jobs */
#define CPU_CHECK_US     20          /* cpu: jobs read their CPU clock this often */
#define CALIBRATION_LOOPS (1u << 18)
#define WORK_FILE_NAME   "work"

/* Lives on the submitter's stack: the submitter waits until it has run. */
struct pool_job {
	uint64_t id;
	struct pool_job *next;   /* the queue's link */
	int result;              /* 0, or -1 when the work failed */
};

struct pool {
	struct pool_config cfg;
	pthread_mutex_t lock;    /* guards the queue and stopping */
	pthread_cond_t work_available;
	struct pool_job *head, *tail;
	bool stopping;
	int notify_read_fd;      /* the submitter blocks here; an eventfd or a pipe's read end */
	int notify_write_fd;     /* the same eventfd, or the pipe's write end */
	uint64_t next_job_id;    /* only the submitting thread touches it */
	uint64_t jobs_run;       /* atomic: jobs the threads finished */
	uint64_t spin_loops_per_us; /* cpu: calibrated at start */
	unsigned started;        /* threads created (and to join) */
	pthread_t *threads;
};

struct pool_thread_arg {
	struct pool *pool;
	unsigned index;
};

/* ---- names ---- */

static const char *const work_kind_names[] = {
	[WORK_CPU] = "cpu",
	[WORK_SLEEP] = "sleep",
	[WORK_FILE] = "file",
};

static const char *const pool_wake_names[] = {
	[POOL_WAKE_SIGNAL] = "signal",
	[POOL_WAKE_BROADCAST] = "broadcast",
};

static const char *const pool_notify_names[] = {
	[POOL_NOTIFY_EVENTFD] = "eventfd",
	[POOL_NOTIFY_PIPE] = "pipe",
};

/* The one lookup behind the three name tables. */
static const char *table_name(const char *const *names, size_t n, unsigned value)
{
	return value < n && names[value] ? names[value] : "unknown";
}

static int table_parse(const char *const *names, size_t n, const char *name, unsigned *value)
{
	for (size_t i = 0; name && i < n; i++) {
		if (names[i] && strcmp(names[i], name) == 0) {
			*value = (unsigned)i;
			return 0;
		}
	}
	return -1;
}

const char *work_kind_name(enum work_kind kind)
{
	return table_name(work_kind_names, ARRAY_SIZE(work_kind_names), kind);
}

const char *pool_wake_name(enum pool_wake wake)
{
	return table_name(pool_wake_names, ARRAY_SIZE(pool_wake_names), wake);
}

const char *pool_notify_name(enum pool_notify notify)
{
	return table_name(pool_notify_names, ARRAY_SIZE(pool_notify_names), notify);
}

int work_kind_parse(const char *name, enum work_kind *out)
{
	unsigned value;

	if (table_parse(work_kind_names, ARRAY_SIZE(work_kind_names), name, &value))
		return -1;
	*out = (enum work_kind)value;
	return 0;
}

int pool_wake_parse(const char *name, enum pool_wake *out)
{
	unsigned value;

	if (table_parse(pool_wake_names, ARRAY_SIZE(pool_wake_names), name, &value))
		return -1;
	*out = (enum pool_wake)value;
	return 0;
}

int pool_notify_parse(const char *name, enum pool_notify *out)
{
	unsigned value;

	if (table_parse(pool_notify_names, ARRAY_SIZE(pool_notify_names), name, &value))
		return -1;
	*out = (enum pool_notify)value;
	return 0;
}

/* ---- the work ---- */

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Pure CPU, no system calls; volatile keeps the compiler from removing it. */
static void spin(uint64_t loops)
{
	for (volatile uint64_t i = 0; i < loops; i++)
		;
}

/* Spin loops per microsecond of this thread's CPU time (at least 1). */
static uint64_t calibrate_spin(void)
{
	uint64_t start = thread_cpu_ns(), used;

	spin(CALIBRATION_LOOPS);
	used = thread_cpu_ns() - start;
	return used ? (CALIBRATION_LOOPS * 1000ull) / used + 1 : 1;
}

/* US microseconds of this thread's CPU time, preemption not counted. The
 * CPU-time clock is not in the vDSO: every read is a system call the tracer
 * sees, so the job spins in calibrated chunks and reads it between them. */
static void burn_cpu(const struct pool *p, uint64_t us)
{
	uint64_t start = thread_cpu_ns(), target_ns = us * 1000;

	for (;;) {
		uint64_t used = thread_cpu_ns() - start, left_us;

		if (used >= target_ns)
			return;
		left_us = (target_ns - used + 999) / 1000;
		spin((left_us < CPU_CHECK_US ? left_us : CPU_CHECK_US) * p->spin_loops_per_us);
	}
}

bool work_due(uint64_t request, double fraction)
{
	/* +1e-9: 0.1 x 10 must give 1, not 0.9999... */
	return request && (uint64_t)((double)request * fraction + 1e-9) >
			  (uint64_t)((double)(request - 1) * fraction + 1e-9);
}

void work_sleep_us(uint64_t us)
{
	struct timespec left = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	/* pool threads block every signal, but stay correct if one gets through */
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

/* Reads PATH from start to end, like fs.readFile; 0 or -1. */
static int read_file(const char *path)
{
	char buf[FILE_CHUNK];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));
	close(fd);
	return n == 0 ? 0 : -1;
}

static int run_job(const struct pool *p)
{
	switch (p->cfg.work_kind) {
	case WORK_CPU:
		burn_cpu(p, p->cfg.work_amount);
		return 0;
	case WORK_SLEEP:
		work_sleep_us(p->cfg.work_amount);
		return 0;
	case WORK_FILE:
		return read_file(p->cfg.work_file);
	}
	return -1;
}

/* ---- the pool ---- */

/* Tells the submitter that a job finished: one eventfd increment, or the
 * job id down the pipe (8 bytes, under PIPE_BUF: one atomic write). */
static void notify_done(const struct pool *p, uint64_t id)
{
	uint64_t token = p->cfg.notify == POOL_NOTIFY_EVENTFD ? 1 : id;

	while (write(p->notify_write_fd, &token, sizeof(token)) < 0 && errno == EINTR)
		;
}

static void *pool_thread(void *arg)
{
	struct pool_thread_arg *a = arg;
	struct pool *p = a->pool;
	char name[16];

	/* from the thread itself: glibc then uses prctl(PR_SET_NAME), on whose
	 * return the tracer reads the new name */
	snprintf(name, sizeof(name), "tb-pool-%u", a->index);
	pthread_setname_np(pthread_self(), name);
	free(a);

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct pool_job *job;
		uint64_t id;

		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->work_available, &p->lock);
		if (!p->head)
			break; /* stopping, and nothing left to run */
		job = p->head;
		p->head = job->next;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&p->lock);

		id = job->id;
		DTRACE_PROBE1(testbed, job_start, id);
		job->result = run_job(p);
		DTRACE_PROBE1(testbed, job_end, id);
		__atomic_add_fetch(&p->jobs_run, 1, __ATOMIC_RELAXED);
		/* the last touch of JOB: once notified, the submitter returns and it is gone */
		notify_done(p, id);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int open_notify(struct pool *p)
{
	int fds[2];

	if (p->cfg.notify == POOL_NOTIFY_EVENTFD) {
		/* blocking: the submitter sleeps in read() until a job is done */
		p->notify_read_fd = p->notify_write_fd = eventfd(0, EFD_CLOEXEC);
		return p->notify_read_fd < 0 ? -1 : 0;
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	p->notify_read_fd = fds[0];
	p->notify_write_fd = fds[1];
	return 0;
}

static void pool_free(struct pool *p)
{
	if (p->notify_read_fd >= 0)
		close(p->notify_read_fd);
	if (p->notify_write_fd >= 0 && p->notify_write_fd != p->notify_read_fd)
		close(p->notify_write_fd);
	pthread_cond_destroy(&p->work_available);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

struct pool *pool_start(const struct pool_config *cfg, struct error_message *why)
{
	struct pool *p;
	sigset_t all, old;
	int err = 0;

	if (cfg->threads == 0 || cfg->threads > POOL_MAX_THREADS ||
	    (cfg->work_kind == WORK_FILE && !cfg->work_file)) {
		error_message_set(why, "bad pool configuration (%u threads)", cfg->threads);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->threads = calloc(cfg->threads, sizeof(*p->threads)))) {
		free(p);
		error_message_set(why, "out of memory for a pool of %u threads", cfg->threads);
		return NULL;
	}
	p->cfg = *cfg;
	p->notify_read_fd = p->notify_write_fd = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work_available, NULL);
	if (open_notify(p) < 0) {
		error_message_set(why, "cannot create the pool's %s (%s)", pool_notify_name(cfg->notify),
			 strerror(errno));
		pool_free(p);
		return NULL;
	}
	if (cfg->work_kind == WORK_CPU)
		p->spin_loops_per_us = calibrate_spin();

	/* threads inherit this mask: SIGTERM must reach the submitting thread,
	 * whose blocking calls it interrupts */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; p->started < cfg->threads; p->started++) {
		struct pool_thread_arg *arg = malloc(sizeof(*arg));

		if (!arg) {
			err = ENOMEM;
			break;
		}
		*arg = (struct pool_thread_arg){ .pool = p, .index = p->started };
		err = pthread_create(&p->threads[p->started], NULL, pool_thread, arg);
		if (err) {
			free(arg);
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		error_message_set(why, "cannot start pool thread %u of %u (%s)", p->started, cfg->threads,
			 strerror(err));
		pool_stop(p);
		return NULL;
	}
	return p;
}

int pool_submit_and_wait(struct pool *p)
{
	struct pool_job job = { .id = ++p->next_job_id };
	uint64_t token;

	pthread_mutex_lock(&p->lock);
	if (p->tail)
		p->tail->next = &job;
	else
		p->head = &job;
	p->tail = &job;
	DTRACE_PROBE1(testbed, job_queued, job.id);
	if (p->cfg.wake == POOL_WAKE_BROADCAST)
		pthread_cond_broadcast(&p->work_available);
	else
		pthread_cond_signal(&p->work_available);
	pthread_mutex_unlock(&p->lock);

	/* one job in flight per submitter: the next token is this job's. An
	 * EINTR (SIGTERM) only means: wait on, the job still points at us. */
	for (;;) {
		ssize_t n = read(p->notify_read_fd, &token, sizeof(token));

		if (n == sizeof(token))
			return job.result; /* the token's read orders the job's writes before ours */
		if (n < 0 && errno == EINTR)
			continue;
		/* cannot happen on a blocking eventfd or pipe we own; returning would
		 * leave the job pointing into a dead stack frame */
		_exit(1);
	}
}

uint64_t pool_stop(struct pool *p)
{
	uint64_t jobs_run;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->work_available);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->threads[i], NULL);
	jobs_run = __atomic_load_n(&p->jobs_run, __ATOMIC_RELAXED);
	pool_free(p);
	return jobs_run;
}

/* ---- the file that file: jobs read ---- */

int work_file_create(uint64_t bytes, char *path, size_t path_size, struct error_message *why)
{
	char dir[] = "/tmp/testbed-pool-XXXXXX", chunk[FILE_CHUNK];
	int fd;

	path[0] = '\0';
	if (!mkdtemp(dir)) {
		error_message_set(why, "cannot create a directory in /tmp for file: work (mkdtemp: %s)",
			 strerror(errno));
		return -1;
	}
	snprintf(path, path_size, "%s/" WORK_FILE_NAME, dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	memset(chunk, 'x', sizeof(chunk));
	while (bytes) {
		size_t len = bytes < sizeof(chunk) ? (size_t)bytes : sizeof(chunk);
		ssize_t n = write(fd, chunk, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			close(fd);
			goto fail;
		}
		bytes -= (uint64_t)n;
	}
	if (close(fd) == 0)
		return 0;
fail:
	error_message_set(why, "cannot write the file for file: work, %s (%s)", path, strerror(errno));
	work_file_remove(path);
	return -1;
}

void work_file_remove(const char *path)
{
	char dir[PATH_MAX];

	if (!path || !path[0])
		return;
	unlink(path);
	snprintf(dir, sizeof(dir), "%s", path);
	rmdir(dirname(dir));
}
