// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/run_folder.c on the committed fixture run folders
 * (schema 1, and shared-epoll-v2 of schema 2): the numbers read back,
 * cross-checked against each other (Jain index and herd factor recomputed
 * from workers.csv, percentiles from latency.csv), and the one-line errors
 * for folders that are malformed or of another schema. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "metrics.h"
#include "run_folder.h"
#include "unit.h"

static char scratch[PATH_MAX];

static int create_scratch(void)
{
	return make_scratch_dir("run_folder_test", scratch);
}

static int remove_scratch(void)
{
	remove_tree(scratch);
	return 0;
}

static struct run_folder *load_fixture(const char *name)
{
	char dir[PATH_MAX];
	struct error_message err = { "" };
	struct run_folder *run = NULL;

	snprintf(dir, sizeof(dir), "%s/%s", FIXTURES_DIR, name);
	if (run_folder_load(dir, RUN_FOLDER_ALL, &run, &err))
		fprintf(stderr, "%s\n", err.text);
	return run;
}

/* Jain index, max share and herd factor from workers.csv, as the run
 * computed them: per-worker connections, and over the acceptors. */
static void check_recomputed_figures(const struct run_folder *run, bool master_accepts)
{
	double per_worker[16];
	size_t n = 0;
	double wakeups = 0, accepted = 0;

	for (size_t i = 0; i < run->nworker_rows && n < ARRAY_SIZE(per_worker); i++) {
		const struct worker_row *w = &run->worker_rows[i];
		bool worker = !strcmp(w->role, "worker");

		if (worker)
			per_worker[n++] = (double)(w->accepted + w->fds_received);
		if (worker != master_accepts) {
			wakeups += (double)(w->wakeups_accept + w->wakeups_poll);
			accepted += (double)w->accepted;
		}
	}
	CU_ASSERT_DOUBLE_EQUAL(jain_index(per_worker, n), run->summary_row.jain_index, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(max_share(per_worker, n), run->summary_row.max_share, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(wakeups / accepted, run->summary_row.herd_factor, 1e-6);
}

/* A latency.csv metric's percentile agrees with summary.csv's: the same
 * buckets, so equal up to the summary's clamp to the exact maximum. */
static void check_percentile(const struct run_folder *run, const char *metric, double pct,
			     double summary_us)
{
	struct bucket_list buckets;
	double from_buckets;

	CU_ASSERT_EQUAL_FATAL(latency_buckets(run, metric, -1, &buckets), 0);
	from_buckets = bucket_percentile_us(&buckets, pct);
	CU_ASSERT(from_buckets >= summary_us - 0.001);
	CU_ASSERT(from_buckets <= summary_us * (1 + 1.0 / 128) + 0.001);
	free(buckets.buckets);
}

static void test_shared_epoll_fixture(void)
{
	struct run_folder *run = load_fixture("shared-epoll");
	const struct summary_row *s;
	uint64_t timeline_total = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	s = &run->summary_row;
	CU_ASSERT_STRING_EQUAL(s->scenario, "shared-epoll");
	CU_ASSERT_STRING_EQUAL(s->policy, "none");
	CU_ASSERT_STRING_EQUAL(s->kernel, "6.18.44-fc-v657");
	CU_ASSERT_DOUBLE_EQUAL(s->workers, 4, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->jain_index, 0.700397, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s->herd_factor, 3.883750, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s->wasted_wakeup_ratio, 0.764339, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s->throughput_cps, 19912.1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s->connections_completed, 4000, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->connections_lost, 0, 0);
	CU_ASSERT(isnan(s->dispatch_delay_p50_us));       /* empty: no hand-offs */
	CU_ASSERT(isnan(s->pool_utilisation));
	CU_ASSERT_STRING_EQUAL(run_folder_meta(run, "schema_version"), "1");
	CU_ASSERT_STRING_EQUAL(run_folder_meta(run, "scenario"), "shared-epoll");
	CU_ASSERT_PTR_NULL(run_folder_meta(run, "no_such_key"));

	/* workers.csv: the master first (no slot), then 4 workers */
	CU_ASSERT_EQUAL_FATAL(run->nworker_rows, 5);
	CU_ASSERT_EQUAL(run->worker_rows[0].worker_index, -1);
	CU_ASSERT_STRING_EQUAL(run->worker_rows[0].role, "master");
	CU_ASSERT_EQUAL(run->worker_rows[1].worker_index, 0);
	CU_ASSERT_EQUAL(run->worker_rows[1].accepted, 399);
	CU_ASSERT_EQUAL(run->worker_rows[2].accepted, 1653);
	CU_ASSERT_EQUAL(run->worker_rows[2].wasted_wakeups, 2323);
	CU_ASSERT_DOUBLE_EQUAL(run->worker_rows[2].share, 0.41325, 1e-9);
	check_recomputed_figures(run, false);

	/* the timeline accounts for every connection the workers took */
	CU_ASSERT_EQUAL(run->ntimeline_rows, 8);
	for (size_t i = 0; i < run->ntimeline_rows; i++)
		timeline_total += run->timeline_rows[i].connections;
	CU_ASSERT_EQUAL(timeline_total, 4000);
	CU_ASSERT_EQUAL(run->nthread_rows, 5);

	CU_ASSERT_EQUAL(run->nlatency_rows, 749);
	check_percentile(run, "client_latency", 50, s->latency_p50_us);
	check_percentile(run, "client_latency", 99, s->latency_p99_us);
	check_percentile(run, "accept_queue_delay", 50, s->accept_queue_delay_p50_us);
	check_percentile(run, "accept_queue_delay", 99, s->accept_queue_delay_p99_us);
	run_folder_free(run);
}

/* A schema 2 folder from a real run (`run shared-epoll --workers 2
 * --duration 1`): listener_wasted lands where schema 1's wasted_wakeups
 * does, and the figures still agree with each other. */
static void test_schema_2_fixture(void)
{
	struct run_folder *run = load_fixture("shared-epoll-v2");
	const struct summary_row *s;
	uint64_t timeline_wasted = 0, workers_wasted = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	s = &run->summary_row;
	CU_ASSERT_EQUAL(run->schema_version, 2);
	CU_ASSERT_STRING_EQUAL(run_folder_meta(run, "schema_version"), "2");
	CU_ASSERT_DOUBLE_EQUAL(s->wasted_wakeups, 938, 0);          /* column listener_wasted */
	/* schema 2's listener_wakeups was the accept- + poll-class total */
	CU_ASSERT_DOUBLE_EQUAL(s->poll_wakeups, 3763, 0);
	CU_ASSERT(isnan(s->listener_wakeups));
	CU_ASSERT_DOUBLE_EQUAL(s->wasted_wakeup_ratio, wasted_wakeup_ratio(938, 3763), 1e-6);
	CU_ASSERT_EQUAL_FATAL(run->nworker_rows, 3);
	CU_ASSERT_EQUAL(run->worker_rows[1].wasted_wakeups, 506);
	CU_ASSERT_EQUAL(run->worker_rows[2].wasted_wakeups, 432);
	for (size_t i = 0; i < run->nworker_rows; i++)
		workers_wasted += run->worker_rows[i].wasted_wakeups;
	for (size_t i = 0; i < run->ntimeline_rows; i++)
		timeline_wasted += run->timeline_rows[i].wasted_wakeups;
	/* the timeline adds up to the totals */
	CU_ASSERT_EQUAL(timeline_wasted, workers_wasted);
	CU_ASSERT_DOUBLE_EQUAL((double)workers_wasted, s->wasted_wakeups, 0);
	check_recomputed_figures(run, false);
	check_percentile(run, "client_latency", 50, s->latency_p50_us);
	check_percentile(run, "client_latency", 99, s->latency_p99_us);
	check_percentile(run, "accept_queue_delay", 99, s->accept_queue_delay_p99_us);
	run_folder_free(run);
}

static void test_fd_dispatch_fixture(void)
{
	struct run_folder *run = load_fixture("fd-dispatch-idle");
	struct bucket_list one_worker;

	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	CU_ASSERT_STRING_EQUAL(run->summary_row.policy, "idle");
	CU_ASSERT_DOUBLE_EQUAL(run->summary_row.jain_index, 1.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(run->summary_row.herd_factor, 1.62825, 1e-9);
	/* the master accepts, the workers receive */
	CU_ASSERT_EQUAL(run->worker_rows[0].accepted, 4000);
	CU_ASSERT_EQUAL(run->worker_rows[1].fds_received, 1000);
	check_recomputed_figures(run, true);
	check_percentile(run, "dispatch_delay", 50, run->summary_row.dispatch_delay_p50_us);
	check_percentile(run, "dispatch_delay", 99, run->summary_row.dispatch_delay_p99_us);
	/* one worker's buckets: the 1000 connections handed to it */
	CU_ASSERT_EQUAL(latency_buckets(run, "dispatch_delay", (int64_t)run->worker_rows[1].pid,
					&one_worker), 0);
	CU_ASSERT_EQUAL(one_worker.total, 1000);
	for (size_t i = 1; i < one_worker.n; i++)
		CU_ASSERT(one_worker.buckets[i - 1].upper_ns <= one_worker.buckets[i].upper_ns);
	free(one_worker.buckets);
	run_folder_free(run);
}

static void test_reuseport_fixtures(void)
{
	struct run_folder *run = load_fixture("reuseport");
	size_t pool_threads = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	CU_ASSERT_DOUBLE_EQUAL(run->summary_row.jain_index, 0.998259, 1e-9);
	check_recomputed_figures(run, false);
	run_folder_free(run);

	run = load_fixture("reuseport-pool");
	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	check_recomputed_figures(run, false);
	CU_ASSERT_DOUBLE_EQUAL(run->summary_row.pool_threads, 2, 0);
	CU_ASSERT(run->summary_row.pool_utilisation > 0);
	for (size_t i = 0; i < run->nthread_rows; i++) {
		const struct thread_row *t = &run->thread_rows[i];

		if (strcmp(t->role, "pool"))
			continue;
		pool_threads++;
		CU_ASSERT(t->jobs_run > 0);
		CU_ASSERT(t->busy_share > 0 && t->busy_share <= 1);
		CU_ASSERT(t->job_busy_ns > 0);
	}
	CU_ASSERT_EQUAL(pool_threads, 4);
	check_percentile(run, "pool_queue_wait", 50, run->summary_row.pool_queue_wait_p50_us);
	run_folder_free(run);
}

static void test_trailing_slash_and_summary_only(void)
{
	char dir[PATH_MAX], part_scratch[PATH_MAX];
	struct error_message err = { "" };
	struct run_folder *run = NULL;

	snprintf(part_scratch, sizeof(part_scratch), "%s/part", scratch);
	CU_ASSERT_EQUAL_FATAL(mkdir(part_scratch, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(copy_fixture("reuseport", part_scratch, dir), 0);
	/* compare reads only meta and summary: a broken workers.csv is not its business */
	CU_ASSERT_EQUAL(write_text(dir, "workers.csv", "garbage\n\"\n"), 0);
	strcat(dir, "//");
	CU_ASSERT_EQUAL(run_folder_load(dir, RUN_FOLDER_SUMMARY, &run, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(run);
	CU_ASSERT_EQUAL(strlen(run->dir), strlen(dir) - 2);
	CU_ASSERT_STRING_EQUAL(run->summary_row.scenario, "reuseport");
	run_folder_free(run);
	CU_ASSERT_EQUAL(run_folder_load(dir, RUN_FOLDER_ALL, &run, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "/part/reuseport/workers.csv:2: unterminated quoted field"));
}

struct broken_case {
	const char *file;
	const char *content;
	const char *message;    /* after "DIR/" */
};

/* Each case: a fresh copy of the shared-epoll fixture with one file replaced. */
static void test_broken_folders(void)
{
	static const struct broken_case cases[] = {
		{ "meta.csv", "key,value\nschema_version,4\n",
		  "meta.csv:2: schema_version '4' is unknown (this testbed reads 1 to 3)" },
		{ "meta.csv", "key,value\nschema_version,0\n",
		  "meta.csv:2: schema_version '0' is unknown (this testbed reads 1 to 3)" },
		{ "meta.csv", "key,value\nscenario,x\nschema_version,one\n",
		  "meta.csv:3: schema_version 'one' is unknown (this testbed reads 1 to 3)" },
		/* a schema 1 folder claiming 2: read with schema 2's names */
		{ "meta.csv", "key,value\nschema_version,2\n", "workers.csv: no column 'listener_wasted'" },
		{ "meta.csv", "key,value\nscenario,x\n",
		  "meta.csv: no schema_version (not a testbed run folder?)" },
		{ "meta.csv", "name,value\nschema_version,1\n", "meta.csv:1: the header is not key,value" },
		{ "meta.csv", "", "meta.csv: empty file" },
		{ "summary.csv", "scenario,policy\n", "summary.csv: no data row (a run has one)" },
		{ "summary.csv", "scenario,policy\nx,y\nx,y\n",
		  "summary.csv:3: a second data row (a run has one)" },
		{ "summary.csv", "scenario,policy\nx,y\n", "summary.csv: no column 'kernel'" },
		{ "workers.csv", "worker_index,pid\n0,1\n", "workers.csv: no column 'role'" },
		{ "timeline.csv", "start_ms,end_ms,worker_index,pid,connections,listener_wakeups,wasted_wakeups\n"
				  "0,100,0,12,7,8\n",
		  "timeline.csv:2: 6 fields, the header has 7" },
		{ "timeline.csv", "start_ms,end_ms,worker_index,pid,connections,listener_wakeups,wasted_wakeups\n"
				  "0,100,0,12,7x,8,1\n",
		  "timeline.csv:2: connections: '7x' is not a count" },
		{ "latency.csv", "metric,pid,lower_ns,upper_ns,count\nclient_latency,,10,9,1\n",
		  "latency.csv:2: lower_ns 10 is above upper_ns 9" },
		{ "latency.csv", "metric,pid,lower_ns,upper_ns,count\n../../x,,1,2,1\n",
		  "latency.csv:2: metric '../../x' is not a name (letters, digits, _)" },
		{ "threads.csv", "tid,pid,role,comm,oncpu_ns\n1,1,pool,\"x\n",
		  "threads.csv:2: unterminated quoted field" },
	};
	char dir[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char scratch_case[PATH_MAX], expected[2 * PATH_MAX];
		struct error_message err = { "" };
		struct run_folder *run = NULL;

		snprintf(scratch_case, sizeof(scratch_case), "%s/case%zu", scratch, i);
		CU_ASSERT_EQUAL_FATAL(mkdir(scratch_case, 0755), 0);
		CU_ASSERT_EQUAL_FATAL(copy_fixture("shared-epoll", scratch_case, dir), 0);
		CU_ASSERT_EQUAL_FATAL(write_text(dir, cases[i].file, cases[i].content), 0);
		CU_ASSERT_EQUAL(run_folder_load(dir, RUN_FOLDER_ALL, &run, &err), -1);
		CU_ASSERT_PTR_NULL(run);
		snprintf(expected, sizeof(expected), "%s/%s", dir, cases[i].message);
		CU_ASSERT_STRING_EQUAL(err.text, expected);
		if (strcmp(err.text, expected))
			fprintf(stderr, "case %zu: got '%s'\n", i, err.text);
	}
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_shared_epoll_fixture);
	CU_ADD_TEST(suite, test_schema_2_fixture);
	CU_ADD_TEST(suite, test_fd_dispatch_fixture);
	CU_ADD_TEST(suite, test_reuseport_fixtures);
	CU_ADD_TEST(suite, test_trailing_slash_and_summary_only);
	CU_ADD_TEST(suite, test_broken_folders);
}

int main(void)
{
	return run_suite("run_folder", create_scratch, remove_scratch, add_tests);
}
