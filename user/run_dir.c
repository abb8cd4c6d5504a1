// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The run folder's life: created before the measurement (--out, or a new
 * results/<scenario>-<kernel>-<time>), then filled with the run files, the
 * summary printed (and the report with --report) and, under sudo, handed to
 * the user who typed the command; removed again when nothing was measured
 * or its files could not all be written (a full disk).
 * What goes into the files is run_files.c's, the printed text
 * summary_print.c's. */
#include <dirent.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "common.h"
#include "report.h"
#include "json_output.h"
#include "run_dir.h"
#include "run_files.h"
#include "summary_print.h"

/* Longest unique suffix tried for results/<name>-<time>-N. */
#define RUN_DIR_ATTEMPTS 100

int is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

static int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0755);
}

int make_run_dir(struct run_record *r, struct error_message *err)
{
	char stamp[32];
	int attempt;

	if (r->opts->out_dir) {
		struct stat st;

		snprintf(r->dir, sizeof(r->dir), "%s", r->opts->out_dir);
		if (mkdir_parents(r->dir) == 0)
			return 0;
		if (errno == EEXIST && (stat(r->dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
			error_message_set(err, "%s exists and is not a folder", r->dir);
			return -1;
		}
		if (errno == EEXIST && (r->opts->force || is_empty_dir(r->dir)))
			return 0;
		if (errno == EEXIST)
			error_message_set(err, "%s already exists and is not empty; use --force to write into it",
				 r->dir);
		else
			error_message_set(err, "cannot create %s: %s", r->dir, strerror(errno));
		return -1;
	}
	utc_timestamp(stamp, sizeof(stamp), "%Y%m%d-%H%M%S");
	for (attempt = 1; attempt < RUN_DIR_ATTEMPTS; attempt++) {
		int len = snprintf(r->dir, sizeof(r->dir), "results/%s-%s-%s", r->scenario_name,
				   r->kernel_release, stamp);

		if (attempt > 1)
			snprintf(r->dir + len, sizeof(r->dir) - len, "-%d", attempt);
		if (mkdir_parents(r->dir) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	error_message_set(err, "cannot create %s: %s", r->dir, strerror(errno));
	return -1;
}

/* A run whose files could not all be written (a full disk) leaves nothing of
 * itself: no run file, no server.log, and no folder when that empties it
 * (under --force the user's other files stay). A half-written folder would
 * only be taken for a result; the error says what happened. True when the
 * folder itself is gone. */
static bool remove_failed_run(const char *dir)
{
	char log[PATH_MAX + 16];

	remove_run_files(dir);
	snprintf(log, sizeof(log), "%s/server.log", dir);
	unlink(log);
	return is_empty_dir(dir) && rmdir(dir) == 0;
}

/* Under sudo, hands the run folder and its files (and a results/ folder
 * made for it) to the user who typed the command, who can then read, move
 * and delete them without root. */
void give_to_sudo_user(const char *dir)
{
	const char *uid_text = getenv("SUDO_UID"), *gid_text = getenv("SUDO_GID");
	uint64_t uid, gid;
	char path[PATH_MAX * 2];
	struct dirent *e;
	DIR *d;

	if (geteuid() != 0 || parse_u64(uid_text, 1, UINT32_MAX - 1, &uid) ||
	    parse_u64(gid_text, 0, UINT32_MAX - 1, &gid))
		return;
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lchown(path, (uid_t)uid, (gid_t)gid))
			debug_msg("cannot hand %s to uid %llu: %s", path, (unsigned long long)uid, strerror(errno));
	}
	if (d)
		closedir(d);
	if (lchown(dir, (uid_t)uid, (gid_t)gid) == 0 && strncmp(dir, "results/", 8) == 0)
		lchown("results", (uid_t)uid, (gid_t)gid); /* ours when it only holds runs */
}

int publish_run(struct run_record *r)
{
	struct error_message err = { "" };
	unsigned figures = 0;
	FILE *human;
	int ret = 0;

	if (!r->load) {
		/* nothing measured: leave no empty or misleading folder behind */
		csv_abort(r->events_csv);
		r->events_csv = NULL;
		if (r->dir[0] && is_empty_dir(r->dir))
			rmdir(r->dir);
		return -1;
	}
	/* trace and the bundled servers: the port the load went to */
	if (!r->port && r->target_len && r->target.ss_family == AF_INET)
		r->port = ntohs(((const struct sockaddr_in *)&r->target)->sin_port);
	else if (!r->port && r->target_len && r->target.ss_family == AF_INET6)
		r->port = ntohs(((const struct sockaddr_in6 *)&r->target)->sin6_port);
	summarize_record(r);
	if (write_run_files(r, &err)) {
		error_msg("%s; %s", err.text, remove_failed_run(r->dir) ? "nothing kept: the run folder is removed" :
			  "nothing kept: this run's files are removed from the folder");
		return -1;
	}
	/* --json: stdout is the document's alone */
	human = r->opts->json ? stderr : stdout;
	print_run_summary(human, r);
	if (!r->opts->report) {
		fprintf(human, "report               ./testbed report %s\n", r->dir);
	} else if (report_write(r->dir, &figures, &err)) {
		error_msg("report: %s", err.text);
		ret = -1;
	} else {
		fprintf(human, "report               %s/report.html (%u figures)\n", r->dir, figures);
	}
	if (r->opts->json && json_print_run(stdout, r, &err)) {
		error_msg("--json: %s", err.text);
		ret = -1;
	}
	give_to_sudo_user(r->dir);
	return ret;
}
