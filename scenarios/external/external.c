// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The bundled real servers (nginx, Node.js) as setups runnable by name:
 * their table, whether their program is installed, and one run's
 * preparation -- a free loopback port, a scratch folder, nginx.conf from
 * scenarios/external/nginx.conf.in, the command line and environment --
 * then whether the server is ready and what it counted itself, and the
 * clean-up. Starts and traces nothing: `testbed run NAME` does that
 * (run_external() in user/trace.c) with the command prepared here. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "common.h"
#include "external.h"
#include "process.h"
#include "util.h"

const struct external_setup external_table[] = {
	{
		.name = "node-fork-shared",
		.program = "node",
		.waits_in = "Node workers forked with child_process.fork, each handed the listening handle",
		.twin = "the seed architecture: child_process.send(server) in Node.js",
		.script = "node-fork-shared.js",
	},
	{
		.name = "node-cluster-rr",
		.program = "node",
		.waits_in = "Node cluster: the primary accepts and passes each connection over IPC",
		.twin = "Node cluster with NODE_CLUSTER_SCHED_POLICY=rr (the Linux default)",
		.script = "node-cluster.js",
		.cluster_policy = "rr",
	},
	{
		.name = "node-cluster-none",
		.program = "node",
		.waits_in = "Node cluster: every worker accepts from the shared listener",
		.twin = "Node cluster with NODE_CLUSTER_SCHED_POLICY=none",
		.script = "node-cluster.js",
		.cluster_policy = "none",
	},
	{
		.name = "nginx-mutex-on",
		.program = "nginx",
		.waits_in = "nginx workers take turns holding the listener (accept_mutex on)",
		.twin = "nginx before 1.11.3's default",
		.accept_mutex = "on",
		.listen_options = "",
		.counts_from_log = true,
	},
	{
		.name = "nginx-mutex-off",
		.program = "nginx",
		.waits_in = "nginx workers all wait on the listener with EPOLLEXCLUSIVE (accept_mutex off)",
		.twin = "nginx >= 1.11.3 default",
		.accept_mutex = "off",
		.listen_options = "",
		.counts_from_log = true,
	},
	{
		.name = "nginx-reuseport",
		.program = "nginx",
		.waits_in = "nginx workers each with their own SO_REUSEPORT listener",
		.twin = "nginx listen ... reuseport",
		.accept_mutex = "off",
		.listen_options = "reuseport",
		.counts_from_log = true,
	},
};
const unsigned external_count = ARRAY_SIZE(external_table);

const struct external_setup *external_find(const char *name)
{
	for (unsigned i = 0; i < external_count; i++)
		if (strcmp(external_table[i].name, name) == 0)
			return &external_table[i];
	return NULL;
}

/* The program's path on PATH into OUT; 0 or -1. */
static int find_program(const char *program, char *out, size_t size)
{
	const char *path = getenv("PATH");
	char dirs[4096];
	char *dir, *save;

	snprintf(dirs, sizeof(dirs), "%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	/* sudo's secure_path may lack sbin, where Debian puts nginx */
	strncat(dirs, ":/usr/sbin:/sbin", sizeof(dirs) - strlen(dirs) - 1);
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, size, "%s/%s", dir, program);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -1;
}

int external_available(const struct external_setup *s, struct error_message *why)
{
	char path[PATH_MAX];

	if (find_program(s->program, path, sizeof(path)) == 0)
		return 1;
	error_message_set(why, "%s is not installed (Debian: apt-get install %s)", s->program,
		 strcmp(s->program, "nginx") == 0 ? "nginx-light" : "nodejs");
	return 0;
}

/* The folder of the bundled files: scenarios/external next to build/. */
static int external_files(char *out, size_t size)
{
	return source_tree_path("scenarios/external", out, size);
}

/* First line of `PROGRAM FLAG` (stdout or stderr) into OUT. */
static void program_version(const char *program, const char *flag, char *out, size_t size)
{
	char command[PATH_MAX + 64];
	FILE *p;

	snprintf(out, size, "%s (version unknown)", program);
	snprintf(command, sizeof(command), "'%s' %s 2>&1", program, flag);
	p = popen(command, "r");
	if (!p)
		return;
	if (fgets(out, (int)size, p))
		out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

/* Appends a copy of TEXT to RUN's storage; NULL when full. */
static char *keep(struct external_run *run, size_t *used, const char *text)
{
	size_t len = strlen(text) + 1;
	char *copy = run->storage + *used;

	if (*used + len > sizeof(run->storage))
		return NULL;
	memcpy(copy, text, len);
	*used += len;
	return copy;
}

/* Writes nginx.conf from the template, filling in the @...@ fields. */
static int write_nginx_conf(const struct external_setup *s, const char *files, unsigned port, unsigned workers,
			    const char *dir, struct error_message *err)
{
	char template_path[PATH_MAX], conf_path[PATH_MAX], line[1024], value[PATH_MAX];
	FILE *in, *out;

	snprintf(template_path, sizeof(template_path), "%s/nginx.conf.in", files);
	snprintf(conf_path, sizeof(conf_path), "%s/nginx.conf", dir);
	in = fopen(template_path, "r");
	if (!in) {
		error_message_set(err, "cannot read %s: %s", template_path, strerror(errno));
		return -1;
	}
	out = fopen(conf_path, "w");
	if (!out) {
		fclose(in);
		error_message_set(err, "cannot write %s: %s", conf_path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), in)) {
		char *p = line;

		while (*p) {
			const char *field = NULL;

			if (!strncmp(p, "@WORKERS@", 9))
				snprintf(value, sizeof(value), "%u", workers), field = "@WORKERS@";
			else if (!strncmp(p, "@PORT@", 6))
				snprintf(value, sizeof(value), "%u", port), field = "@PORT@";
			else if (!strncmp(p, "@PREFIX@", 8))
				snprintf(value, sizeof(value), "%s", dir), field = "@PREFIX@";
			else if (!strncmp(p, "@ACCEPT_MUTEX@", 14))
				snprintf(value, sizeof(value), "%s", s->accept_mutex), field = "@ACCEPT_MUTEX@";
			else if (!strncmp(p, "@LISTEN_OPTIONS@", 16))
				snprintf(value, sizeof(value), "%s", s->listen_options), field = "@LISTEN_OPTIONS@";
			if (field) {
				fputs(value, out);
				p += strlen(field);
			} else {
				fputc(*p++, out);
			}
		}
	}
	fclose(in);
	if (fclose(out) != 0) {
		error_message_set(err, "cannot write %s: %s", conf_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A free loopback port for a bundled server (it binds it a moment later), or 0. */
static unsigned free_port(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unsigned port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
		port = ntohs(addr.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

int external_prepare(const struct external_setup *s, unsigned port, unsigned workers, struct external_run *run,
		     struct error_message *err)
{
	char files[PATH_MAX], program[PATH_MAX], text[PATH_MAX + 64];
	size_t used = 0;
	int argc = 0, envc = 0;

	memset(run, 0, sizeof(*run));
	run->workers = workers;
	if (find_program(s->program, program, sizeof(program))) {
		external_available(s, err);
		return -1;
	}
	if (!port)
		port = free_port();
	if (!port) {
		error_message_set(err, "cannot find a free loopback port for %s: %s", s->name, strerror(errno));
		return -1;
	}
	run->target = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	if (external_files(files, sizeof(files))) {
		error_message_set(err, "cannot find the bundled server files (scenarios/external)");
		return -1;
	}
	snprintf(run->dir, sizeof(run->dir), "/tmp/testbed-%s-XXXXXX", s->program);
	if (!mkdtemp(run->dir)) {
		error_message_set(err, "cannot create a scratch folder: %s", strerror(errno));
		run->dir[0] = '\0';
		return -1;
	}
	run->argv[argc++] = keep(run, &used, program);
	if (strcmp(s->program, "node") == 0) {
		program_version(program, "--version", text, sizeof(text));
		snprintf(run->version, sizeof(run->version), "node %s", text);
		snprintf(text, sizeof(text), "%s/%s", files, s->script);
		run->argv[argc++] = keep(run, &used, text);
		snprintf(text, sizeof(text), "%u", port);
		run->argv[argc++] = keep(run, &used, text);
		snprintf(text, sizeof(text), "%u", workers);
		run->argv[argc++] = keep(run, &used, text);
		snprintf(text, sizeof(text), "TESTBED_COUNT_DIR=%s", run->dir);
		run->env[envc++] = keep(run, &used, text);
		if (s->cluster_policy) {
			snprintf(text, sizeof(text), "NODE_CLUSTER_SCHED_POLICY=%s", s->cluster_policy);
			run->env[envc++] = keep(run, &used, text);
		}
	} else {
		program_version(program, "-v", run->version, sizeof(run->version));
		snprintf(text, sizeof(text), "%s/tmp", run->dir);
		if (mkdir(text, 0755) || write_nginx_conf(s, files, port, workers, run->dir, err)) {
			if (!err->text[0])
				error_message_set(err, "cannot prepare nginx in %s: %s", run->dir, strerror(errno));
			external_cleanup(run);
			return -1;
		}
		run->argv[argc++] = keep(run, &used, "-c");
		snprintf(text, sizeof(text), "%s/nginx.conf", run->dir);
		run->argv[argc++] = keep(run, &used, text);
		run->argv[argc++] = keep(run, &used, "-p");
		run->argv[argc++] = keep(run, &used, run->dir);
		run->argv[argc++] = keep(run, &used, "-e"); /* not the system's error log */
		snprintf(text, sizeof(text), "%s/error.log", run->dir);
		run->argv[argc++] = keep(run, &used, text);
	}
	for (int i = 0; i < argc; i++)
		if (!run->argv[i]) {
			error_message_set(err, "the %s command line is too long", s->name);
			external_cleanup(run);
			return -1;
		}
	return 0;
}

bool external_ready(const struct external_setup *s, const struct external_run *run, pid_t root)
{
	char path[sizeof(run->dir) + 16];

	if (strcmp(s->program, "node") != 0)
		return count_children(root) >= run->workers;
	snprintf(path, sizeof(path), "%s/ready", run->dir);
	return access(path, F_OK) == 0;
}

void external_read_counts(const struct external_setup *s, const struct external_run *run,
			  void (*found)(void *ctx, pid_t pid, uint64_t count), void *ctx)
{
	char path[PATH_MAX + 64], line[64];
	FILE *f;

	if (strcmp(s->program, "node") == 0) {
		DIR *d = opendir(run->dir);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			unsigned long long count;
			char *end;
			long pid = strtol(e->d_name, &end, 10);

			if (end == e->d_name || strcmp(end, ".count") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", run->dir, e->d_name);
			f = fopen(path, "r");
			if (f && fscanf(f, "%llu", &count) == 1)
				found(ctx, (pid_t)pid, count);
			if (f)
				fclose(f);
		}
		if (d)
			closedir(d);
		return;
	}
	/* nginx: one line per request, the worker's pid */
	snprintf(path, sizeof(path), "%s/access.log", run->dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		found(ctx, (pid_t)atol(line), 1);
	if (f)
		fclose(f);
}

void external_cleanup(struct external_run *run)
{
	char command[128];

	if (!run->dir[0] || strncmp(run->dir, "/tmp/testbed-", 13) != 0)
		return;
	/* our own scratch folder, made by mkdtemp: a recursive remove is safe */
	snprintf(command, sizeof(command), "rm -rf '%s'", run->dir);
	if (system(command) != 0)
		debug_msg("could not remove %s", run->dir);
	run->dir[0] = '\0';
}
