// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/report.c and its figures (report_figures.c) on
 * copies of the committed fixture run folders (report writes into its
 * folder): the figures each run gets, the numbers the text states, valid
 * self-contained output, and one-line errors with nothing written for
 * malformed, truncated, empty, binary or wrong-schema input. Needs gnuplot
 * (make deps), not root. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "plot.h"
#include "report.h"
#include "unit.h"

static char scratch[PATH_MAX];
static unsigned copies;

static int create_scratch(void)
{
	return make_scratch_dir("report_test", scratch);
}

static int remove_scratch(void)
{
	remove_tree(scratch);
	return 0;
}

/* A fresh copy of fixture NAME into DIR. */
static void fresh_copy(const char *name, char *dir)
{
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s/%u", scratch, copies++);
	CU_ASSERT_EQUAL_FATAL(mkdir(parent, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(copy_fixture(name, parent, dir), 0);
}

/* Figure SVG_NAME (report-NAME.svg) in DIR has its script, data and PDF
 * next to it, no title of its own, and the script alone draws it again. */
static void check_kept_files(const char *dir, const char *svg_name)
{
	char name[NAME_MAX], command[2 * PATH_MAX], *script;
	size_t stem = strlen(svg_name) - 4;

	snprintf(name, sizeof(name), "%.*s.gp", (int)stem, svg_name);
	script = read_text(dir, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(script);
	CU_ASSERT_PTR_NULL(strstr(script, "set title"));
	CU_ASSERT_PTR_NULL(strstr(script, "(us"));
	free(script);
	snprintf(name, sizeof(name), "%.*s.dat", (int)stem, svg_name);
	CU_ASSERT(file_exists(dir, name));
	snprintf(name, sizeof(name), "%.*s.pdf", (int)stem, svg_name);
	CU_ASSERT(file_exists(dir, name));
	CU_ASSERT_EQUAL_FATAL(remove(path_of(dir, name)), 0);
	/* re-styleable without the run: gnuplot alone, in the folder */
	snprintf(command, sizeof(command), "cd '%s' && gnuplot -e \"format='pdf'\" %.*s.gp 2>/dev/null",
		 dir, (int)stem, svg_name);
	CU_ASSERT_EQUAL(system(command), 0);
	CU_ASSERT(file_exists(dir, name));
}

/* Checks every report-*.svg in DIR; returns how many there are. */
static unsigned check_svgs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	unsigned n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((entry = readdir(d))) {
		size_t length = strlen(entry->d_name);
		char *svg;

		CU_ASSERT(length < 4 || strcmp(entry->d_name + length - 4, ".tmp"));
		if (strncmp(entry->d_name, "report-", 7) || length < 4 ||
		    strcmp(entry->d_name + length - 4, ".svg"))
			continue;
		svg = read_text(dir, entry->d_name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
		CU_ASSERT(strlen(svg) > 1000);
		CU_ASSERT(svg_looks_complete(svg, strlen(svg)));
		free(svg);
		check_kept_files(dir, entry->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* Writes the report of a copy of NAME; checks the outputs hang together. */
static void report_fixture(const char *name, unsigned expected_figures, char *dir, char **md)
{
	struct error_message err = { "" };
	unsigned figures = 0;
	char *html;

	fresh_copy(name, dir);
	CU_ASSERT_EQUAL_FATAL(report_write(dir, &figures, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.text, "");
	CU_ASSERT_EQUAL(figures, expected_figures);
	CU_ASSERT_EQUAL(check_svgs(dir), expected_figures);

	*md = read_text(dir, "report.md");
	CU_ASSERT_PTR_NOT_NULL_FATAL(*md);
	CU_ASSERT_EQUAL(count_of(*md, "](report-"), expected_figures);
	html = read_text(dir, "report.html");
	CU_ASSERT_PTR_NOT_NULL_FATAL(html);
	CU_ASSERT(!strncmp(html, "<!DOCTYPE html>", 15));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "</html>\n"));
	/* self-contained: every figure inline, nothing fetched */
	CU_ASSERT_EQUAL(count_of(html, "src=\"data:image/svg+xml;base64,"), expected_figures);
	CU_ASSERT_EQUAL(count_of(html, "src="), expected_figures);
	CU_ASSERT_PTR_NULL(strstr(html, "http"));
	CU_ASSERT_PTR_NULL(strstr(html, "<link"));
	CU_ASSERT_PTR_NULL(strstr(html, "<script"));
	free(html);
}

static void test_shared_epoll_report(void)
{
	char dir[PATH_MAX], *md;

	/* connections, timeline, two heat maps, wakeups, client latency, accept-queue delay */
	report_fixture("shared-epoll", 7, dir, &md);
	CU_ASSERT(file_exists(dir, "report-heatmap-connections.svg"));
	CU_ASSERT(file_exists(dir, "report-heatmap-wasted.svg"));
	CU_ASSERT(file_exists(dir, "report-connections.svg"));
	CU_ASSERT(file_exists(dir, "report-timeline.svg"));
	CU_ASSERT(file_exists(dir, "report-wakeups.svg"));
	CU_ASSERT(file_exists(dir, "report-latency-client_latency.svg"));
	CU_ASSERT(file_exists(dir, "report-latency-accept_queue_delay.svg"));
	CU_ASSERT(!file_exists(dir, "report-latency-dispatch_delay.svg"));
	CU_ASSERT(!file_exists(dir, "report-pool.svg"));
	/* the headline numbers, from summary.csv */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "# testbed report: shared-epoll (policy none), 4 workers, "
				      "Linux 6.18.44-fc-v657\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| Jain index "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| 0.7004 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| 3.884 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| 0.764 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| 19912.1 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| 32.5 / 62.5 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| lost connections "));
	/* the figures' lines, with numbers computed from workers.csv and latency.csv */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "the dashed line is the fair share, 4000 connections over "
				      "4 worker processes = 1000.0 each. Jain index 0.7004"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "largest share 0.4133."));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "Herd factor 3.884 (wakeups a listening socket caused, per accepted"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "Fraction of the 4000 requests measured that took at most "
				      "x, from connect start"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "p50 32.5 µs, p99 62.5 µs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "Connections per second each worker took, per 100 ms interval"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "No thread pool ran: threads.csv has no thread with role pool."));
	/* the process table: worker 1 took 1653 connections */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| worker 1 | 4943 |        1653 | 0.4133 |"));
	free(md);
}

static void test_fd_dispatch_report(void)
{
	char dir[PATH_MAX], *md;

	/* and the dispatch delay */
	report_fixture("fd-dispatch-idle", 7, dir, &md);
	/* no wasted wakeup in any interval: no heat map of them */
	CU_ASSERT(!file_exists(dir, "report-heatmap-wasted.svg"));
	CU_ASSERT(file_exists(dir, "report-latency-dispatch_delay.svg"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| dispatch delay p50 / p99 (µs) "));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "Fraction of the 4000 connections measured"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "thick line: all processes, thin: each process"));
	/* the master is the acceptor here: it is in the wakeups figure's table */
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| master   |"));
	free(md);
}

static void test_pool_report(void)
{
	char dir[PATH_MAX], *md;

	/* and the pool's queue wait and utilisation */
	report_fixture("reuseport-pool", 8, dir, &md);
	CU_ASSERT(file_exists(dir, "report-pool.svg"));
	CU_ASSERT(file_exists(dir, "report-latency-pool_queue_wait.svg"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "## Thread-pool utilisation per thread"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| pool utilisation "));
	CU_ASSERT_PTR_NULL(strstr(md, "No thread pool ran"));
	free(md);
}

/* --format: the formats asked for, SVG always (report.md links it). */
static void test_formats(void)
{
	char dir[PATH_MAX];
	struct error_message err = { "" };
	unsigned formats = 0;

	fresh_copy("reuseport", dir);
	CU_ASSERT_EQUAL(plot_parse_formats("png", &formats, &err), 0);
	CU_ASSERT_EQUAL(formats, PLOT_PNG);
	CU_ASSERT_EQUAL(report_write_formats(dir, formats, NULL, &err), 0);
	CU_ASSERT(file_exists(dir, "report-connections.png"));
	CU_ASSERT(file_exists(dir, "report-connections.svg"));
	CU_ASSERT(file_exists(dir, "report-connections.gp"));
	CU_ASSERT(!file_exists(dir, "report-connections.pdf"));
	CU_ASSERT_EQUAL(plot_parse_formats("svg,pdf,png", &formats, &err), 0);
	CU_ASSERT_EQUAL(formats, PLOT_SVG | PLOT_PDF | PLOT_PNG);
	CU_ASSERT_EQUAL(plot_parse_formats("svg,,pdf", &formats, &err), -1);
	CU_ASSERT_EQUAL(plot_parse_formats("svgz", &formats, &err), -1);
	CU_ASSERT_STRING_EQUAL(err.text, "--format takes svg, pdf and png, comma-separated, not 'svgz'");
	CU_ASSERT_EQUAL(plot_parse_formats("", &formats, &err), -1);
}

/* A metric the report does not know still gets its CDF, named after it. */
static void test_unknown_metric_is_plotted(void)
{
	char dir[PATH_MAX], *latency, *md;
	struct error_message err = { "" };
	unsigned figures = 0;
	FILE *file;

	fresh_copy("reuseport", dir);
	latency = read_text(dir, "latency.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(latency);
	file = fopen(path_of(dir, "latency.csv"), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(file);
	fprintf(file, "%smade_up_delay,,1000,1000,5\nmade_up_delay,,2000,2047,5\n", latency);
	fclose(file);
	free(latency);
	CU_ASSERT_EQUAL(report_write(dir, &figures, &err), 0);
	CU_ASSERT_EQUAL(figures, 7);
	CU_ASSERT(file_exists(dir, "report-latency-made_up_delay.svg"));
	md = read_text(dir, "report.md");
	CU_ASSERT_PTR_NOT_NULL_FATAL(md);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "p50 1.0 µs, p99 2.0 µs"));
	free(md);
}

struct broken_case {
	const char *file;
	const char *content;
	size_t length;          /* 0: strlen(content) */
	const char *message;    /* after "DIR/" */
};

static void test_bad_input_writes_nothing(void)
{
	static const struct broken_case cases[] = {
		{ "meta.csv", "key,value\nschema_version,7\n", 0,
		  "meta.csv:2: schema_version '7' is unknown (this testbed reads 1 to 3)" },
		{ "summary.csv", "", 0, "summary.csv: empty file" },
		{ "summary.csv", "scenario,policy,kernel,workers\nx,y,z\n", 0,
		  "summary.csv:2: 3 fields, the header has 4" },
		{ "workers.csv", "worker_index,pid,role\n0,1,\"worker\n", 0,
		  "workers.csv:2: unterminated quoted field" },
		{ "latency.csv", "metric,pid,lower_ns,upper_ns,count\nclient_latency,,1,\0\n", 55,
		  "latency.csv:2: binary data (a NUL byte)" },
		{ "timeline.csv", "start_ms,end_ms,worker_index,pid,connections,listener_wakeups,"
				  "wasted_wakeups\n0,100,0,1,abc,0,0\n", 0,
		  "timeline.csv:2: connections: 'abc' is not a count" },
		{ "threads.csv", "tid\n", 0, "threads.csv: no column 'pid'" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct broken_case *c = &cases[i];
		struct error_message err = { "" };
		char dir[PATH_MAX], expected[2 * PATH_MAX];

		fresh_copy("shared-epoll", dir);
		CU_ASSERT_EQUAL_FATAL(write_bytes(dir, c->file, c->content,
						  c->length ? c->length : strlen(c->content)), 0);
		CU_ASSERT_EQUAL(report_write(dir, NULL, &err), -1);
		snprintf(expected, sizeof(expected), "%s/%s", dir, c->message);
		CU_ASSERT_STRING_EQUAL(err.text, expected);
		if (strcmp(err.text, expected))
			fprintf(stderr, "case %zu: got '%s'\n", i, err.text);
		CU_ASSERT(!file_exists(dir, "report.md"));
		CU_ASSERT(!file_exists(dir, "report.html"));
		CU_ASSERT(!file_exists(dir, "report-connections.svg"));
	}
}

/* A workers.csv cut off mid-row, as a crash while copying would leave it. */
static void test_truncated_file(void)
{
	struct error_message err = { "" };
	char dir[PATH_MAX], expected[2 * PATH_MAX], *workers;
	size_t length;

	fresh_copy("shared-epoll", dir);
	workers = read_text(dir, "workers.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(workers);
	length = (size_t)(strstr(workers, "\n1,4943,") - workers) + 12;
	CU_ASSERT_EQUAL_FATAL(write_bytes(dir, "workers.csv", workers, length), 0);
	free(workers);
	CU_ASSERT_EQUAL(report_write(dir, NULL, &err), -1);
	snprintf(expected, sizeof(expected), "%s/workers.csv:4: 3 fields, the header has 40", dir);
	CU_ASSERT_STRING_EQUAL(err.text, expected);
}

static void test_missing_gnuplot(void)
{
	char *path = strdup(getenv("PATH"));
	struct error_message err = { "" };
	char dir[PATH_MAX];

	fresh_copy("shared-epoll", dir);
	setenv("PATH", "/nonexistent", 1);
	CU_ASSERT_EQUAL(report_write(dir, NULL, &err), -1);
	setenv("PATH", path, 1);
	free(path);
	CU_ASSERT_STRING_EQUAL(err.text, "gnuplot not found: install the Debian package gnuplot-nox "
			       "(sudo make deps)");
	CU_ASSERT(!file_exists(dir, "report.md"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_shared_epoll_report);
	CU_ADD_TEST(suite, test_fd_dispatch_report);
	CU_ADD_TEST(suite, test_pool_report);
	CU_ADD_TEST(suite, test_unknown_metric_is_plotted);
	CU_ADD_TEST(suite, test_formats);
	CU_ADD_TEST(suite, test_bad_input_writes_nothing);
	CU_ADD_TEST(suite, test_truncated_file);
	CU_ADD_TEST(suite, test_missing_gnuplot);
}

int main(void)
{
	return run_suite("report", create_scratch, remove_scratch, add_tests);
}
