// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* `testbed study list` and `testbed study NAME`: runs a study's
 * configurations --repeat times each, every one a plain `testbed run` of
 * this same executable (its output in DIR/runs.log, its run folder in
 * DIR/runs/), reads the folders back, and has study.c judge the numbers and
 * study_document.c write study.md/.html. The studies, their figures and
 * verdict rules are analysis/study.c's; a run itself is run.c's: nothing
 * here measures anything; the studies are the files in studies/
 * (analysis/study_file.c reads them). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "document.h"
#include "options.h"
#include "plot.h"
#include "run_dir.h"
#include "run_folder.h"
#include "study.h"
#include "study_command.h"

static void print_study_help(FILE *out)
{
	fprintf(out,
		"usage: ./testbed study list\n"
		"       sudo ./testbed study NAME [options]\n"
		"\n"
		"Runs a published claim's experiment (several `testbed run`s, --repeat times each)\n"
		"and writes study.md and study.html: the claim with its source, the numbers measured\n"
		"here with their spread, and the verdict (reproduced, partly, not reproduced) by the\n"
		"study's rule (docs/STUDY.md). The studies are the files in studies/ of the tree\n"
		"that holds this build (one a study: the claim, the runs and the check).\n"
		"\n"
		"  -d, --duration S       seconds of load per run (default: the study's, study list)\n"
		"      --repeat N         runs of each configuration; the spread is over them\n"
		"                         (default: the study's, study list)\n"
		"      --max-workers N    skip the configurations with more workers (default: none)\n"
		"  -o, --out DIR          the study's folder: study.md, study.html, study.svg,\n"
		"                         runs.log, runs/ (default: results/study-NAME-TIME)\n"
		"  -v, --verbose          setup steps of every run in runs.log; -vv: also libbpf's\n"
		"  -h, --help             this help\n"
		"Shorter than the defaults, the study says so: a quick look, not the study.\n");
	fprintf(out, "\nexample: sudo ./testbed study thundering-herd --duration 1 --repeat 1 --max-workers 2\n");
}

static int study_list(struct study_definition *const *studies, size_t n, const char *dir)
{
	printf("%-22s %-5s %-9s %s\n", "study", "runs", "duration", "claim");
	for (size_t i = 0; i < n; i++) {
		const struct study_definition *d = studies[i];

		printf("%-22s %-5zu %-9s %s\n", d->name, d->nruns * d->default_repeat,
		       number_text(d->default_duration_s, 1).text, d->summary);
	}
	printf("\n(sudo ./testbed study NAME runs one: about runs x (duration + 3 s) with the defaults;\n"
	       " the studies are the files in %s)\n", dir);
	return EXIT_OK;
}

/* `testbed run` of one configuration into RUN_DIR, output appended to LOG_FD.
 * The run's exit code, or -1 when it could not be started. */
static int run_configuration(const struct study_run *r, double duration_s, const char *run_dir, int log_fd)
{
	char duration[32], half[32];	/* one {half-duration} value: the same for every argument */
	char *argv[r->nargs + 10];
	int argc = 0, status;
	pid_t pid;

	snprintf(duration, sizeof(duration), "%g", duration_s);
	argv[argc++] = "testbed";
	argv[argc++] = "run";
	argv[argc++] = r->scenario;
	for (size_t i = 0; i < r->nargs; i++)
		argv[argc++] = (char *)study_run_argument(r, i, duration_s, half, sizeof(half));
	argv[argc++] = "--duration";
	argv[argc++] = duration;
	argv[argc++] = "--out";
	argv[argc++] = (char *)run_dir;
	if (verbose)
		argv[argc++] = verbose > 1 ? "-vv" : "-v";
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(log_fd, STDOUT_FILENO);
		dup2(log_fd, STDERR_FILENO);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
		if (exiting)
			kill(pid, SIGTERM); /* the run cleans up and exits 130 */
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int make_study_dir(const struct study_options *o, char *dir, size_t size)
{
	char stamp[32], runs[PATH_MAX + 8];

	if (o->out_dir) {
		snprintf(dir, size, "%s", o->out_dir);
	} else {
		utc_timestamp(stamp, sizeof(stamp), "%Y%m%d-%H%M%S");
		mkdir("results", 0755);
		snprintf(dir, size, "results/study-%s-%s", o->name, stamp);
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		error_msg("study: cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(runs, sizeof(runs), "%s/runs", dir);
	if (mkdir(runs, 0755)) {
		error_msg("study: cannot create %s: %s%s", runs, strerror(errno),
			  errno == EEXIST ? " (a study was written there before: give another --out)" : "");
		return -1;
	}
	return 0;
}

/* Runs every configuration REPEAT times; fills RUN_DIRS (NULL where skipped
 * or failed) and VALUES (NAN there). Returns the failed runs, or -1 on a
 * signal. */
static int run_study(const struct study_definition *def, const struct study_setup *setup,
		     const char *dir, char **run_dirs, double (*values)[METRIC_COUNT])
{
	size_t total = 0, done = 0;
	char log_path[PATH_MAX + 16];
	int log_fd, failures = 0;

	snprintf(log_path, sizeof(log_path), "%s/runs.log", dir);
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		error_msg("study: cannot create %s: %s", log_path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < def->nruns; i++)
		total += !setup->max_workers || def->runs[i].workers <= setup->max_workers;
	total *= setup->repeat;
	for (size_t i = 0; i < def->nruns * setup->repeat && !exiting; i++) {
		const struct study_run *r = &def->runs[i / setup->repeat];
		struct error_message err = { "" };
		struct run_folder *run = NULL;
		char run_dir[PATH_MAX];
		int rc;

		for (size_t m = 0; m < METRIC_COUNT; m++)
			values[i][m] = NAN;
		if (setup->max_workers && r->workers > setup->max_workers)
			continue;
		snprintf(run_dir, sizeof(run_dir), "%s/runs/%s-%zu", dir, r->label, i % setup->repeat + 1);
		printf("[%zu/%zu] %s #%zu ... ", ++done, total, r->label, i % setup->repeat + 1);
		fflush(stdout);
		rc = run_configuration(r, setup->duration_s, run_dir, log_fd);
		if (exiting || rc == EXIT_INTERRUPTED) {
			printf("interrupted\n");
			close(log_fd);
			return -1;
		}
		if (rc != 0 || run_folder_load(run_dir, RUN_FOLDER_ALL, &run, &err)) {
			printf("failed (exit %d%s%s; see %s)\n", rc, err.text[0] ? ": " : "", err.text, log_path);
			failures++;
			continue;
		}
		study_run_metrics(run, values[i]);
		run_folder_free(run);
		run_dirs[i] = strdup(run_dir);
		printf("%s %s\n", study_metric_info[def->figure_metric].name,
		       number_text(values[i][def->figure_metric], study_metric_info[def->figure_metric].decimals).text);
	}
	close(log_fd);
	return exiting ? -1 : failures;
}

int cmd_study(int argc, char **argv)
{
	struct study_definition **studies = NULL, *def = NULL;
	size_t nstudies = 0;
	struct study_options o;
	struct error_message err = { "" };
	struct study_setup setup = { 0 };
	struct study_result *results = NULL;
	struct study_outcome outcome;
	double (*values)[METRIC_COUNT] = NULL;
	char **run_dirs = NULL, dir[PATH_MAX], runs_dir[PATH_MAX + 8], studies_dir[PATH_MAX];
	struct utsname uts;
	size_t nvalues = 0;
	int failures, ret = EXIT_FAIL;

	switch (parse_study_options(argc, argv, &o, &err)) {
	case PARSE_HELP:
		print_study_help(stdout);
		return EXIT_OK;
	case PARSE_ERROR:
		error_msg("%s", err.text);
		return EXIT_USAGE;
	case PARSE_OK:
		break;
	}
	verbose = o.verbose;
	if (study_dir(studies_dir, sizeof(studies_dir), &err) ||
	    study_load_all(studies_dir, &studies, &nstudies, &err)) {
		error_msg("study: %s", err.text);
		return EXIT_FAIL;
	}
	if (!strcmp(o.name, "list")) {
		ret = study_list(studies, nstudies, studies_dir);
		goto out;
	}
	for (size_t i = 0; i < nstudies; i++)
		if (!strcmp(studies[i]->name, o.name))
			def = studies[i];
	if (!def) {
		error_msg("no study '%s' (see: testbed study list)", o.name);
		ret = EXIT_USAGE;
		goto out;
	}
	if (geteuid() != 0) {
		error_msg("study runs real servers under the tracer: run it as root (sudo)");
		goto out;
	}
	/* gnuplot first: without it the study could not be written after minutes of runs */
	if (plot_find_gnuplot(&err)) {
		error_msg("%s", err.text);
		goto out;
	}
	uname(&uts);
	setup = (struct study_setup){
		.cpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN),
		.kernel = uts.release,
		.duration_s = o.duration_s ? o.duration_s : def->default_duration_s,
		.repeat = o.repeat ? o.repeat : def->default_repeat,
		.max_workers = o.max_workers,
	};
	setup.shortened = setup.duration_s < def->default_duration_s || setup.repeat < def->default_repeat;
	install_exit_signals();
	if (make_study_dir(&o, dir, sizeof(dir)))
		goto out;
	nvalues = def->nruns * setup.repeat;
	values = calloc(nvalues, sizeof(*values));
	run_dirs = calloc(nvalues, sizeof(*run_dirs));
	results = calloc(def->nruns, sizeof(*results));
	if (!values || !run_dirs || !results) {
		error_msg("study: out of memory");
		goto out;
	}
	printf("study %s: %zu configurations x %u, %g s each, into %s\n", def->name, def->nruns, setup.repeat,
	       setup.duration_s, dir);
	failures = run_study(def, &setup, dir, run_dirs, values);
	if (failures < 0) {
		ret = EXIT_INTERRUPTED;
		goto out;
	}
	for (size_t i = 0; i < def->nruns; i++) {
		double column[setup.repeat];

		results[i].run = &def->runs[i];
		for (size_t m = 0; m < METRIC_COUNT; m++) {
			for (unsigned k = 0; k < setup.repeat; k++)
				column[k] = values[i * setup.repeat + k][m];
			results[i].metric[m] = spread_of(column, setup.repeat);
		}
	}
	study_judge(def, results, def->nruns, &setup, &outcome);
	if (study_write_document(dir, def, &setup, results, run_dirs, &outcome, &err)) {
		error_msg("study: %s", err.text);
		goto out;
	}
	snprintf(runs_dir, sizeof(runs_dir), "%s/runs", dir);
	give_to_sudo_user(runs_dir);
	give_to_sudo_user(dir);
	printf("\nverdict: %s\n  %s\nstudy: %s/study.md, %s/study.html\n", study_verdict_name(outcome.verdict),
	       outcome.why, dir, dir);
	if (failures)
		error_msg("study: %d runs failed (see %s/runs.log); the verdict uses the others", failures, dir);
	ret = failures ? EXIT_FAIL : EXIT_OK;
out:
	for (size_t i = 0; run_dirs && i < nvalues; i++)
		free(run_dirs[i]);
	free(run_dirs);
	free(values);
	free(results);
	study_free_all(studies, nstudies);
	return ret;
}
