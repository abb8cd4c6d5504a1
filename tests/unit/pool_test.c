// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for scenarios/pool.c: names, and a real pool in this process
 * (threads, jobs, wake and notify variants, the work kinds, the file). */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "pool.h"
#include "unit.h"

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void test_names_round_trip(void)
{
	const enum work_kind kinds[] = { WORK_CPU, WORK_SLEEP, WORK_FILE };
	const enum pool_wake wakes[] = { POOL_WAKE_SIGNAL, POOL_WAKE_BROADCAST };
	const enum pool_notify notifies[] = { POOL_NOTIFY_EVENTFD, POOL_NOTIFY_PIPE };

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		enum work_kind parsed = (enum work_kind)-1;

		CU_ASSERT_EQUAL(work_kind_parse(work_kind_name(kinds[i]), &parsed), 0);
		CU_ASSERT_EQUAL(parsed, kinds[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(wakes); i++) {
		enum pool_wake parsed = (enum pool_wake)-1;

		CU_ASSERT_EQUAL(pool_wake_parse(pool_wake_name(wakes[i]), &parsed), 0);
		CU_ASSERT_EQUAL(parsed, wakes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(notifies); i++) {
		enum pool_notify parsed = (enum pool_notify)-1;

		CU_ASSERT_EQUAL(pool_notify_parse(pool_notify_name(notifies[i]), &parsed), 0);
		CU_ASSERT_EQUAL(parsed, notifies[i]);
	}
	CU_ASSERT_STRING_EQUAL(work_kind_name(WORK_CPU), "cpu");
	CU_ASSERT_STRING_EQUAL(work_kind_name(WORK_FILE), "file");
	CU_ASSERT_STRING_EQUAL(pool_wake_name(POOL_WAKE_BROADCAST), "broadcast");
	CU_ASSERT_STRING_EQUAL(pool_notify_name(POOL_NOTIFY_PIPE), "pipe");
	CU_ASSERT_STRING_EQUAL(work_kind_name((enum work_kind)7), "unknown");
	CU_ASSERT_STRING_EQUAL(pool_wake_name((enum pool_wake)-1), "unknown");
}

static void test_parse_rejects(void)
{
	enum work_kind kind = WORK_SLEEP;
	enum pool_wake wake = POOL_WAKE_BROADCAST;
	enum pool_notify notify = POOL_NOTIFY_PIPE;

	CU_ASSERT_EQUAL(work_kind_parse("CPU", &kind), -1); /* exact, like scenario names */
	CU_ASSERT_EQUAL(work_kind_parse("cpu:100", &kind), -1);
	CU_ASSERT_EQUAL(work_kind_parse("", &kind), -1);
	CU_ASSERT_EQUAL(work_kind_parse("unknown", &kind), -1);
	CU_ASSERT_EQUAL(work_kind_parse(NULL, &kind), -1);
	CU_ASSERT_EQUAL(pool_wake_parse("signal ", &wake), -1);
	CU_ASSERT_EQUAL(pool_wake_parse("all", &wake), -1);
	CU_ASSERT_EQUAL(pool_notify_parse("fifo", &notify), -1);
	CU_ASSERT_EQUAL(kind, WORK_SLEEP); /* untouched on error */
	CU_ASSERT_EQUAL(wake, POOL_WAKE_BROADCAST);
	CU_ASSERT_EQUAL(notify, POOL_NOTIFY_PIPE);
}

static void test_bad_config(void)
{
	struct pool_config cfg = { .threads = 0, .work_kind = WORK_CPU };
	struct error_message why = { "" };

	CU_ASSERT_PTR_NULL(pool_start(&cfg, &why));
	CU_ASSERT_NOT_EQUAL(why.text[0], '\0');
	cfg.threads = POOL_MAX_THREADS + 1;
	CU_ASSERT_PTR_NULL(pool_start(&cfg, &why));
	cfg = (struct pool_config){ .threads = 1, .work_kind = WORK_FILE, .work_amount = 1 }; /* no file */
	CU_ASSERT_PTR_NULL(pool_start(&cfg, &why));
	CU_ASSERT_EQUAL(pool_stop(NULL), 0);
}

/* Every wake and notify variant runs every job exactly once. */
static void test_every_job_runs_once(void)
{
	const enum pool_wake wakes[] = { POOL_WAKE_SIGNAL, POOL_WAKE_BROADCAST };
	const enum pool_notify notifies[] = { POOL_NOTIFY_EVENTFD, POOL_NOTIFY_PIPE };

	for (size_t i = 0; i < ARRAY_SIZE(wakes); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(notifies); j++) {
			struct pool_config cfg = {
				.threads = 4,
				.work_kind = WORK_CPU,
				.work_amount = 0,
				.wake = wakes[i],
				.notify = notifies[j],
			};
			struct error_message why = { "" };
			struct pool *p = pool_start(&cfg, &why);
			int failed = 0;

			CU_ASSERT_PTR_NOT_NULL_FATAL(p);
			for (int k = 0; k < 500; k++)
				failed += pool_submit_and_wait(p) != 0;
			CU_ASSERT_EQUAL(failed, 0);
			CU_ASSERT_EQUAL(pool_stop(p), 500);
		}
	}
}

/* cpu:US is US of CPU time on a pool thread, not on the submitter. */
static void test_cpu_work_burns_cpu(void)
{
	struct pool_config cfg = { .threads = 2, .work_kind = WORK_CPU, .work_amount = 3000 };
	struct error_message why = { "" };
	struct pool *p = pool_start(&cfg, &why);
	uint64_t process_start, submitter_start, process_ns, submitter_ns;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	process_start = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	submitter_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (int k = 0; k < 5; k++)
		CU_ASSERT_EQUAL(pool_submit_and_wait(p), 0);
	process_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - process_start;
	submitter_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) - submitter_start;
	CU_ASSERT_EQUAL(pool_stop(p), 5);
	CU_ASSERT(process_ns >= 5 * 3000 * 1000ull);
	CU_ASSERT(submitter_ns < 5 * 3000 * 1000ull / 2); /* it waited, it did not spin */
}

static void test_sleep_work_waits(void)
{
	struct pool_config cfg = { .threads = 3, .work_kind = WORK_SLEEP, .work_amount = 5000 };
	struct error_message why = { "" };
	struct pool *p = pool_start(&cfg, &why);
	uint64_t start;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	start = clock_ns(CLOCK_MONOTONIC);
	for (int k = 0; k < 3; k++)
		CU_ASSERT_EQUAL(pool_submit_and_wait(p), 0);
	CU_ASSERT(clock_ns(CLOCK_MONOTONIC) - start >= 3 * 5000 * 1000ull);
	CU_ASSERT_EQUAL(pool_stop(p), 3);
}

static void test_file_work(void)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct error_message why = { "" };
	struct stat st;
	struct pool_config cfg = { .threads = 2, .work_kind = WORK_FILE, .work_amount = 200000 };
	struct pool *p;

	CU_ASSERT_EQUAL_FATAL(work_file_create(200000, path, sizeof(path), &why), 0);
	CU_ASSERT_EQUAL(strncmp(path, "/tmp/testbed-pool-", 18), 0);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_size, 200000);
	cfg.work_file = path;
	p = pool_start(&cfg, &why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pool_submit_and_wait(p), 0);
	CU_ASSERT_EQUAL(pool_submit_and_wait(p), 0);

	snprintf(dir, sizeof(dir), "%s", path);
	dirname(dir);
	work_file_remove(path);
	CU_ASSERT_EQUAL(stat(path, &st), -1);
	CU_ASSERT_EQUAL(stat(dir, &st), -1); /* the directory went too */
	/* a failed read is a failed job, still a job run */
	CU_ASSERT_EQUAL(pool_submit_and_wait(p), -1);
	CU_ASSERT_EQUAL(pool_stop(p), 3);
	work_file_remove(""); /* never created: nothing to do */
}

/* Whether every pool thread of this process carries its name yet. */
static bool pool_threads_named(unsigned threads)
{
	unsigned named = 0;
	DIR *tasks = opendir("/proc/self/task");
	struct dirent *entry;

	if (!tasks)
		return false;
	while ((entry = readdir(tasks))) {
		char path[300], comm[32] = "";
		FILE *f;

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", entry->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && strncmp(comm, "tb-pool-", 8) == 0)
			named++;
		fclose(f);
	}
	closedir(tasks);
	return named == threads;
}

static void test_threads_named(void)
{
	struct pool_config cfg = { .threads = 3, .work_kind = WORK_CPU };
	const struct timespec tick = { .tv_nsec = 1000000 };
	struct error_message why = { "" };
	struct pool *p = pool_start(&cfg, &why);
	int waited_ms = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* each thread names itself when it starts */
	while (!pool_threads_named(3) && waited_ms++ < 2000)
		nanosleep(&tick, NULL);
	CU_ASSERT_TRUE(pool_threads_named(3));
	pool_stop(p);
	CU_ASSERT_TRUE(pool_threads_named(0)); /* joined: gone */
}

static void on_signal(int sig)
{
}

static void *interrupt_after_10ms(void *arg)
{
	const struct timespec delay = { .tv_nsec = 10 * 1000 * 1000 };

	nanosleep(&delay, NULL);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return NULL;
}

/* A signal (SIGTERM in a worker) interrupts the submitter's read, not its
 * wait: the job still points into its stack. */
static void test_signal_does_not_end_wait(void)
{
	struct sigaction sa = { .sa_handler = on_signal }, old; /* no SA_RESTART */
	struct pool_config cfg = { .threads = 1, .work_kind = WORK_SLEEP, .work_amount = 50000 };
	pthread_t self = pthread_self(), interrupter;
	struct error_message why = { "" };
	struct pool *p;
	uint64_t start;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, &old);
	p = pool_start(&cfg, &why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	start = clock_ns(CLOCK_MONOTONIC);
	pthread_create(&interrupter, NULL, interrupt_after_10ms, &self);
	CU_ASSERT_EQUAL(pool_submit_and_wait(p), 0);
	CU_ASSERT(clock_ns(CLOCK_MONOTONIC) - start >= 50000 * 1000ull);
	pthread_join(interrupter, NULL);
	CU_ASSERT_EQUAL(pool_stop(p), 1);
	sigaction(SIGUSR1, &old, NULL);
}

/* --work ...@FRACTION: exactly floor(k x F) of the first k requests, evenly. */
static void test_work_due(void)
{
	static const double fractions[] = { 0.1, 0.25, 0.5, 1.0, 0.3333, 0.07 };

	for (size_t f = 0; f < ARRAY_SIZE(fractions); f++) {
		uint64_t due = 0;

		for (uint64_t k = 1; k <= 1000; k++) {
			due += work_due(k, fractions[f]);
			CU_ASSERT_EQUAL(due, (uint64_t)((double)k * fractions[f] + 1e-9));
		}
	}
	CU_ASSERT(!work_due(1, 0.25) && !work_due(3, 0.25) && work_due(4, 0.25) && work_due(8, 0.25));
	CU_ASSERT(work_due(10, 0.1) && !work_due(11, 0.1) && work_due(20, 0.1));
	CU_ASSERT(work_due(1, 1.0) && work_due(2, 1.0));
	CU_ASSERT(!work_due(0, 1.0));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_work_due);
	CU_ADD_TEST(suite, test_names_round_trip);
	CU_ADD_TEST(suite, test_parse_rejects);
	CU_ADD_TEST(suite, test_bad_config);
	CU_ADD_TEST(suite, test_every_job_runs_once);
	CU_ADD_TEST(suite, test_cpu_work_burns_cpu);
	CU_ADD_TEST(suite, test_sleep_work_waits);
	CU_ADD_TEST(suite, test_file_work);
	CU_ADD_TEST(suite, test_threads_named);
	CU_ADD_TEST(suite, test_signal_does_not_end_wait);
}

int main(void)
{
	return run_suite("pool", NULL, NULL, add_tests);
}
