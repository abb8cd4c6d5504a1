// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/run_files.c and user/summary_files.c: a run record
 * built by hand is written as a run folder, whose headers must be the column
 * tables, which docs/CSV.md must list in the same order, and which
 * analysis/run_folder.c must read back to the same figures (schema 2). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fixtures.h"

#include "csv_read.h"
#include "metrics.h"
#include "record.h"
#include "run_files.h"
#include "run_folder.h"

#define CSV_DOC "docs/CSV.md"
/* More names than any file has columns. */
#define DOC_COLUMNS_MAX 256

static const char *const documented_files[] = {
	"meta.csv", "workers.csv", "threads.csv", "timeline.csv", "latency.csv", "events.csv", "summary.csv",
};

static char scratch[PATH_MAX];

/* --- a run record built by hand ------------------------------------------- */

static struct scenario_info fake_scenario = { .name = "shared-epoll", .model = MODEL_SHARED_EPOLL };
static struct run_options fake_opts;
static struct loadgen_result fake_load;
static struct process_record fake_procs[4];
static struct thread_stats fake_threads[5];
static struct timeline_sample fake_timeline[2];
static struct histogram fake_accept_queue, fake_dispatch, fake_queue_wait;
static struct keyed_histogram fake_queue_waits[1], fake_accept_queues[1], fake_dispatches[1];
static struct run_record fake;

/* Every counter a different number: BASE, BASE + 1, ... */
static void fill_counters(struct thread_counters *c, uint64_t base)
{
	uint64_t *v = (uint64_t *)c;

	for (size_t k = 0; k < sizeof(*c) / sizeof(uint64_t); k++)
		v[k] = base + k;
}

/* A master, worker 0 (with a pool thread), worker 1 killed and restarted;
 * two timeline samples, delays in every histogram. */
static void make_fake_record(void)
{
	static const char *const comms[] = { "testbed", "testbed", "tb-pool-0", "testbed", "testbed" };
	static const uint32_t tids[] = { 100, 101, 110, 102, 103 }, tgids[] = { 100, 101, 101, 102, 103 };
	struct run_record *r = &fake;

	memset(r, 0, sizeof(*r));
	fake_opts = (struct run_options){ .scenario = &fake_scenario, .workers = 2, .connections = 8,
		.duration_s = 2, .port = 8080, .backlog = 511, .timeout_ms = 2000, .interval_ms = 1000,
		.threads = 1, .work_kind = WORK_CPU, .work_amount = 200 };
	r->opts = &fake_opts;
	r->scenario_name = "shared-epoll";
	snprintf(r->dir, sizeof(r->dir), "%s", scratch);
	snprintf(r->kernel_release, sizeof(r->kernel_release), "6.1.0-test");
	snprintf(r->start_time, sizeof(r->start_time), "2024-01-01T00:00:00Z");
	snprintf(r->end_time, sizeof(r->end_time), "2024-01-01T00:00:02Z");
	snprintf(r->command_line, sizeof(r->command_line), "testbed run shared-epoll \"a, b\"");
	r->port = 8080;
	fake_procs[0] = (struct process_record){ .role = ROLE_MASTER, .pid = 100, .threads = 1 };
	fake_procs[1] = (struct process_record){ .role = ROLE_WORKER, .worker_index = 0, .pid = 101,
		.reported = true, .self_reported = 500, .pool_reported = true, .pool_jobs_reported = 7, .threads = 2 };
	fake_procs[2] = (struct process_record){ .role = ROLE_WORKER, .worker_index = 1, .pid = 102,
		.exited = true, .wait_status = 9, .threads = 1 };
	fake_procs[3] = (struct process_record){ .role = ROLE_WORKER, .worker_index = 1, .pid = 103,
		.reported = true, .self_reported = 300, .threads = 1 };
	for (size_t i = 0; i < ARRAY_SIZE(fake_procs); i++)
		fill_counters(&fake_procs[i].totals, 1000 * (i + 1));
	hist_init(&fake_accept_queue);
	hist_init(&fake_dispatch);
	hist_init(&fake_queue_wait);
	for (uint64_t v = 1000; v < 200000; v = v * 3 / 2) {
		hist_record(&fake_accept_queue, v);
		hist_record(&fake_dispatch, v * 2);
		hist_record(&fake_queue_wait, v / 3);
	}
	fake_accept_queues[0] = (struct keyed_histogram){ .id = 101, .h = &fake_accept_queue };
	r->accept_queue_delays = (struct histogram_set){ .items = fake_accept_queues, .n = 1, .capacity = 1 };
	fake_dispatches[0] = (struct keyed_histogram){ .id = 103, .h = &fake_dispatch };
	r->dispatch_delays = (struct histogram_set){ .items = fake_dispatches, .n = 1, .capacity = 1 };
	r->procs = fake_procs;
	r->nprocs = ARRAY_SIZE(fake_procs);
	for (size_t i = 0; i < ARRAY_SIZE(fake_threads); i++) {
		fake_threads[i] = (struct thread_stats){ .tid = tids[i], .tgid = tgids[i] };
		memcpy(fake_threads[i].comm, comms[i], strlen(comms[i]));
		fill_counters(&fake_threads[i].counters, 10 * (i + 1));
	}
	r->threads = fake_threads;
	r->nthreads = ARRAY_SIZE(fake_threads);
	fake_queue_waits[0] = (struct keyed_histogram){ .id = 110, .h = &fake_queue_wait };
	r->queue_waits = (struct histogram_set){ .items = fake_queue_waits, .n = 1, .capacity = 1 };
	hist_init(&r->dispatch_delay_ns);
	hist_init(&r->accept_queue_delay_ns);
	hist_init(&r->queue_wait_ns);
	hist_record(&r->dispatch_delay_ns, 3000);
	hist_record(&r->accept_queue_delay_ns, 5000);
	hist_record(&r->queue_wait_ns, 7000);
	fake_load = (struct loadgen_result){ .completed = 800, .refused = 1, .reset = 2, .timed_out = 3,
		.other_errors = 4, .not_started = 5 };
	hist_init(&fake_load.latency_ns);
	for (uint64_t v = 10000; v < 900000; v += 7000)
		hist_record(&fake_load.latency_ns, v);
	r->load = &fake_load;
	r->duration_s = 2.0;
	fake_timeline[0] = (struct timeline_sample){ .start_ms = 0, .end_ms = 1000, .worker_index = 0, .pid = 101,
		.connections = 250, .listener_wakeups = 300, .poll_wakeups = 310, .listener_wasted = 40 };
	fake_timeline[1] = (struct timeline_sample){ .start_ms = 1000, .end_ms = 2000, .worker_index = 1,
		.pid = 103, .connections = 150, .listener_wakeups = 200, .poll_wakeups = 900,
		.listener_wasted = 230 };
	r->timeline = fake_timeline;
	r->ntimeline = ARRAY_SIZE(fake_timeline);
	r->killed_worker_index = 1;
	r->killed_pid = 102;
	r->restart_ms = 12.5;
	r->event_drops = 3;
	r->events_produced = 10;
	r->tracepoints = "a;b";
	summarize_record(r);
}

/* Writes the fake run into the scratch folder, with two events. */
static int write_fake_run(void)
{
	struct error_message err = { "" };
	struct event wasted = { .ts_ns = 5000, .type = EVENT_WASTED_WAKEUP, .tgid = 101, .tid = 101,
				.blocked_class = CLASS_POLL };
	struct event accept = { .ts_ns = 500, .type = EVENT_ACCEPT, .tgid = 101, .tid = 101,
				.blocked_class = 99, .value = 7 };

	make_fake_record();
	fake.load_start_ns = 1000;
	if (open_events_csv(&fake, &err))
		return -1;
	write_event(&fake, &wasted);
	write_event(&fake, &accept);
	if (write_run_files(&fake, &err)) {
		fprintf(stderr, "write_run_files: %s\n", err.text);
		return -1;
	}
	return 0;
}

static int init(void)
{
	if (make_scratch_dir("run_files_test", scratch))
		return -1;
	return write_fake_run();
}

static int cleanup(void)
{
	remove_tree(scratch);
	return 0;
}

/* --- the headers are the tables -------------------------------------------- */

static void test_headers_are_the_tables(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(documented_files); i++) {
		const struct run_file *file = run_file_find(documented_files[i]);
		struct error_message err = { "" };
		struct csv_table *t = NULL;
		bool meta;

		CU_ASSERT_PTR_NOT_NULL_FATAL(file);
		CU_ASSERT_EQUAL_FATAL(csv_table_read(path_of(scratch, file->name), &t, &err), 0);
		meta = !strcmp(file->name, "meta.csv");
		if (meta) {
			/* key,value: the keys are the table's, in order, those this run has */
			size_t k = 0;

			CU_ASSERT_EQUAL(t->ncolumns, 2);
			for (size_t row = 0; row < t->nrows; row++) {
				while (k < file->ncolumns && strcmp(file->columns[k].name, csv_table_field(t, row, 0)))
					k++;
				CU_ASSERT(k < file->ncolumns);
			}
			/* no traced, server_version, libuv_probes, libuv_submits_lost (trace only),
			 * netns_client_addr, netns_server_addr, netns_gro, rps_cpus (--netns only) */
			CU_ASSERT_EQUAL(t->nrows, file->ncolumns - 8);
		} else {
			CU_ASSERT_EQUAL(t->ncolumns, file->ncolumns);
			for (size_t c = 0; c < t->ncolumns && c < file->ncolumns; c++)
				CU_ASSERT_STRING_EQUAL(t->fields[c], file->columns[c].name);
			CU_ASSERT(t->nrows > 0);
		}
		csv_table_free(t);
	}
	CU_ASSERT_PTR_NULL(run_file_find("nothing.csv"));
}

/* Per-class columns come from the class list, in its order. */
static void test_class_columns(void)
{
	const struct run_file *threads = run_file_find("threads.csv");
	char expected[64];
	size_t at = 0;

	while (at < threads->ncolumns && strcmp(threads->columns[at].name, "wakeups_accept"))
		at++;
	CU_ASSERT_FATAL(at + 2 * CLASS_COUNT + 1 <= threads->ncolumns);
	for (unsigned k = 0; k < CLASS_COUNT; k++) {
		snprintf(expected, sizeof(expected), "wakeups_%s", class_name(k));
		CU_ASSERT_STRING_EQUAL(threads->columns[at + k].name, expected);
		snprintf(expected, sizeof(expected), "wasted_wakeups_%s", class_name(k));
		/* listener_wakeups sits between the two */
		CU_ASSERT_STRING_EQUAL(threads->columns[at + CLASS_COUNT + 1 + k].name, expected);
	}
	CU_ASSERT_STRING_EQUAL(class_name(CLASS_UNIX_RECV), "unix_recv");
	CU_ASSERT_STRING_EQUAL(class_name(CLASS_COUNT), "none");
}

/* --- docs/CSV.md lists the same columns ------------------------------------- */

struct name_list {
	char *names[DOC_COLUMNS_MAX];
	size_t n;
};

static void add_name(struct name_list *list, const char *name, size_t length)
{
	if (list->n < DOC_COLUMNS_MAX)
		list->names[list->n++] = strndup(name, length);
}

/* One documented name; a `<class>` in it stands for every class. */
static void add_documented(struct name_list *list, const char *name, size_t length)
{
	const char *placeholder;
	char expanded[128];

	while (length && (*name == '`' || *name == ' '))
		name++, length--;
	while (length && (name[length - 1] == '`' || name[length - 1] == ' '))
		length--;
	placeholder = memmem(name, length, "<class>", 7);
	if (!placeholder) {
		add_name(list, name, length);
		return;
	}
	for (unsigned k = 0; k < CLASS_COUNT; k++) {
		int n = snprintf(expanded, sizeof(expanded), "%.*s%s%.*s", (int)(placeholder - name), name,
				 class_name(k), (int)(name + length - placeholder - 7), placeholder + 7);

		add_name(list, expanded, (size_t)n);
	}
}

/* The first cells of the table in FILE's section ("## FILE ...") of TEXT,
 * split at commas. */
static void documented_columns(const char *text, const char *file, struct name_list *list)
{
	bool in_section = false, in_table = false;

	list->n = 0;
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t length = strcspn(line, "\n");

		if (line[0] == '#') {
			in_section = !strncmp(line, "## ", 3) && !strncmp(line + 3, file, strlen(file)) &&
				     line[3 + strlen(file)] == ' ';
			in_table = false;
			continue;
		}
		if (!in_section || line[0] != '|') {
			if (in_table)
				in_section = false; /* one table per section */
			continue;
		}
		if (!strncmp(line, "|---", 4)) {
			in_table = true; /* the rows after the header */
			continue;
		}
		if (!in_table)
			continue;

		const char *cell = line + 1, *end = memchr(cell, '|', length - 1);

		while (cell < end) {
			const char *comma = memchr(cell, ',', (size_t)(end - cell));
			const char *stop = comma ? comma : end;

			add_documented(list, cell, (size_t)(stop - cell));
			cell = stop + 1;
		}
	}
}

static void free_names(struct name_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->names[i]);
	list->n = 0;
}

static void test_docs_list_the_columns(void)
{
	char *doc = read_text(".", CSV_DOC);
	struct name_list list;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	for (size_t i = 0; i < ARRAY_SIZE(documented_files); i++) {
		const struct run_file *file = run_file_find(documented_files[i]);
		size_t same = 0;

		documented_columns(doc, file->name, &list);
		while (same < list.n && same < file->ncolumns && !strcmp(list.names[same], file->columns[same].name))
			same++;
		CU_ASSERT_EQUAL(list.n, file->ncolumns);
		CU_ASSERT_EQUAL(same, file->ncolumns);
		if (same != file->ncolumns || list.n != file->ncolumns)
			fprintf(stderr, "%s: %s lists %zu columns, the writer has %zu; first difference at %zu: "
				"documented '%s', written '%s'\n", CSV_DOC, file->name, list.n, file->ncolumns, same,
				same < list.n ? list.names[same] : "(none)",
				same < file->ncolumns ? file->columns[same].name : "(none)");
		free_names(&list);
	}
	free(doc);
}

/* The parser itself, on a small document. */
static void test_docs_parser(void)
{
	static const char doc[] =
		"# title\n\n## a.csv — x\n\ntext | not a table\n\n| column | meaning |\n|---|---|\n"
		"| one, `two` | m, with a comma |\n| x_<class> | per class |\n\nafter\n| stray | row |\n"
		"## a.csv.old\n| column | meaning |\n|---|---|\n| other | y |\n";
	struct name_list list;

	documented_columns(doc, "a.csv", &list);
	CU_ASSERT_EQUAL_FATAL(list.n, 2 + CLASS_COUNT);
	CU_ASSERT_STRING_EQUAL(list.names[0], "one");
	CU_ASSERT_STRING_EQUAL(list.names[1], "two");
	CU_ASSERT_STRING_EQUAL(list.names[2], "x_accept");
	CU_ASSERT_STRING_EQUAL(list.names[1 + CLASS_COUNT], "x_other");
	free_names(&list);
}

/* --- read back: the figures survive the round trip -------------------------- */

static void test_read_back(void)
{
	struct error_message err = { "" };
	struct run_folder *run = NULL;
	const struct summary_row *s;

	CU_ASSERT_EQUAL_FATAL(run_folder_load(scratch, RUN_FOLDER_ALL, &run, &err), 0);
	CU_ASSERT_EQUAL(run->schema_version, 3);
	CU_ASSERT_STRING_EQUAL(run_folder_meta(run, "schema_version"), "3");
	CU_ASSERT_STRING_EQUAL(run_folder_meta(run, "command_line"), "testbed run shared-epoll \"a, b\"");
	CU_ASSERT_STRING_EQUAL(run_folder_meta(run, "work"), "cpu:200");
	CU_ASSERT_PTR_NULL(run_folder_meta(run, "traced")); /* only for trace */

	s = &run->summary_row;
	CU_ASSERT_STRING_EQUAL(s->scenario, "shared-epoll");
	CU_ASSERT_DOUBLE_EQUAL(s->accepted, fake.summary.accepted, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->listener_wakeups, fake.summary.listener_wakeups, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->poll_wakeups, fake.summary.poll_wakeups, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->wasted_wakeups, fake.summary.listener_wasted, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->herd_factor, fake.summary.herd_factor, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(s->wasted_wakeup_ratio,
			       wasted_wakeup_ratio(fake.summary.listener_wasted, fake.summary.poll_wakeups), 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(s->jain_index, fake.summary.jain_index, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(s->connections_lost, 6, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->worker_restarts, 1, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->pool_threads, 1, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->pool_jobs, fake_threads[2].counters.jobs_run, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->pool_futex_wakeups, fake_threads[2].counters.wakeups[CLASS_FUTEX], 0);
	CU_ASSERT_DOUBLE_EQUAL(s->pool_wasted_futex_wakeups, fake_threads[2].counters.wasted_wakeups[CLASS_FUTEX], 0);
	CU_ASSERT_DOUBLE_EQUAL(s->dispatch_delay_max_us, 3.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s->accept_queue_delay_max_us, 5.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(s->pool_queue_wait_max_us, 7.0, 1e-9);
	CU_ASSERT_STRING_EQUAL(s->interrupted, "no");

	CU_ASSERT_EQUAL_FATAL(run->nworker_rows, fake.nprocs);
	for (size_t i = 0; i < fake.nprocs; i++) {
		const struct worker_row *w = &run->worker_rows[i];
		const struct process_record *p = &fake.procs[i];

		CU_ASSERT_EQUAL(w->pid, (uint64_t)p->pid);
		CU_ASSERT_EQUAL(w->worker_index, p->role == ROLE_WORKER ? (int64_t)p->worker_index : -1);
		CU_ASSERT_EQUAL(w->accepted, p->totals.accepted);
		CU_ASSERT_EQUAL(w->wakeups_poll, p->totals.wakeups[CLASS_POLL]);
		CU_ASSERT_EQUAL(w->wasted_wakeups, process_listener_wasted(p));
		if (p->role == ROLE_WORKER) {
			CU_ASSERT_DOUBLE_EQUAL(w->share, connection_share(process_connections(p),
									  worker_connections_total(&fake)), 1e-6);
		} else {
			CU_ASSERT(isnan(w->share));
		}
	}
	CU_ASSERT_EQUAL_FATAL(run->ntimeline_rows, fake.ntimeline);
	CU_ASSERT_EQUAL(run->timeline_rows[1].wasted_wakeups, 230);
	CU_ASSERT_DOUBLE_EQUAL(run->timeline_rows[1].listener_wakeups, 200, 0);
	CU_ASSERT_EQUAL(run->timeline_rows[1].poll_wakeups, 900);
	CU_ASSERT_EQUAL_FATAL(run->nthread_rows, fake.nthreads);
	CU_ASSERT_STRING_EQUAL(run->thread_rows[2].role, "pool");
	CU_ASSERT_STRING_EQUAL(run->thread_rows[2].comm, "tb-pool-0");
	CU_ASSERT_DOUBLE_EQUAL(run->thread_rows[2].busy_share,
			       pool_utilisation(fake_threads[2].counters.job_busy_ns, 1, fake.duration_s), 1e-6);
	CU_ASSERT(isnan(run->thread_rows[0].busy_share));
	run_folder_free(run);
}

/* Per-worker fields read from the folder match a v1 fixture's meaning:
 * the same field whichever the schema. */
static void test_v1_and_v2_same_fields(void)
{
	struct error_message err = { "" };
	struct run_folder *v1 = NULL;

	CU_ASSERT_EQUAL_FATAL(run_folder_load(FIXTURES_DIR "/shared-epoll", RUN_FOLDER_ALL, &v1, &err), 0);
	CU_ASSERT_EQUAL(v1->schema_version, 1);
	/* schema 1's wasted_wakeups column: the listener sum */
	CU_ASSERT_EQUAL(v1->worker_rows[2].wasted_wakeups, 2323);
	run_folder_free(v1);
}

static void test_events(void)
{
	struct error_message err = { "" };
	struct csv_table *t = NULL;

	CU_ASSERT_EQUAL_FATAL(csv_table_read(path_of(scratch, "events.csv"), &t, &err), 0);
	CU_ASSERT_EQUAL_FATAL(t->nrows, 2);
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 0, csv_table_column(t, "time_ns")), "4000");
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 0, csv_table_column(t, "type")), "wasted_wakeup");
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 0, csv_table_column(t, "blocked_class")), "poll");
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 1, csv_table_column(t, "time_ns")), "-500");
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 1, csv_table_column(t, "blocked_class")), "none");
	CU_ASSERT_STRING_EQUAL(csv_table_field(t, 1, csv_table_column(t, "value")), "7");
	csv_table_free(t);
}

/* Undefined stays empty, unknown stays empty, never 0. */
static void test_empty_fields(void)
{
	char *workers = read_text(scratch, "workers.csv");
	char *meta = read_text(scratch, "meta.csv");

	CU_ASSERT_PTR_NOT_NULL_FATAL(workers);
	CU_ASSERT_PTR_NOT_NULL_FATAL(meta);
	/* the master: no worker index, no share; the killed worker: no self count */
	CU_ASSERT_PTR_NOT_NULL(strstr(workers, "\n,100,master,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(workers, "\n1,102,worker,3031,3030,,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(workers, ",yes,9,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(meta, "\ncommand_line,\"testbed run shared-epoll \"\"a, b\"\"\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(meta, "\nschema_version,3\n"));
	free(workers);
	free(meta);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_headers_are_the_tables);
	CU_ADD_TEST(suite, test_class_columns);
	CU_ADD_TEST(suite, test_docs_parser);
	CU_ADD_TEST(suite, test_docs_list_the_columns);
	CU_ADD_TEST(suite, test_read_back);
	CU_ADD_TEST(suite, test_v1_and_v2_same_fields);
	CU_ADD_TEST(suite, test_events);
	CU_ADD_TEST(suite, test_empty_fields);
}

int main(void)
{
	return run_suite("run_files", init, cleanup, add_tests);
}
