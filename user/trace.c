// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* `testbed trace`: the same tracer, load and run folder as `run`, pointed at
 * someone else's server — a process tree, a cgroup, or a command we start
 * (with --netns inside a namespace of its own, netns.c) — and `testbed run
 * nginx-...|node-...`, the bundled real servers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "collector.h"
#include "common.h"
#include "cpus.h"
#include "external.h"
#include "listeners.h"
#include "netns.h"
#include "process.h"
#include "run.h"
#include "test_hooks.h"
#include "util.h"

#define PORT_WAIT_MS 15000   /* a server we started has this long to listen */
#define STOP_WAIT_MS 5000    /* then SIGKILL */
#define CGROUP_ROOT "/sys/fs/cgroup"

struct traced_server {
	pid_t root;
	bool started;                     /* we started it: we stop it */
	struct guard guard;               /* kills its process group if we die */
	bool exited;
	int wait_status;
	const struct external_setup *external;
	struct external_run ext;
};

/* ROOT and every descendant running now into the filter; children forked
 * later are followed in the kernel. */
static int trace_tree(struct collector *c, pid_t root)
{
	struct tree_entry {
		pid_t pid, parent;
		bool traced;
	} *procs = NULL;
	DIR *proc = opendir("/proc");
	struct dirent *e;
	size_t n = 0, capacity = 0, count = 1, i, k;
	bool grew = true;

	if (collector_trace_tgid(c, root))
		return -1;
	while (proc && (e = readdir(proc))) {
		pid_t pid = (pid_t)atol(e->d_name);

		if (pid <= 0 || pid == root)
			continue;
		if (grow_array(&procs, &capacity, n + 1, sizeof(*procs)))
			break; /* out of memory: trace what was listed */
		procs[n++] = (struct tree_entry){ .pid = pid, .parent = parent_of(pid) };
	}
	if (proc)
		closedir(proc);
	/* whose parent is traced is traced, until nothing changes (the list is
	 * in /proc order, not parents first) */
	while (grew) {
		grew = false;
		for (i = 0; i < n; i++) {
			bool parent_traced = procs[i].parent == root;

			for (k = 0; !parent_traced && !procs[i].traced && k < n; k++)
				parent_traced = procs[k].traced && procs[k].pid == procs[i].parent;
			if (procs[i].traced || !parent_traced)
				continue;
			collector_trace_tgid(c, procs[i].pid);
			procs[i].traced = grew = true;
			count++;
		}
	}
	free(procs);
	debug_msg("tracing %zu processes under pid %d", count, root);
	return 0;
}

/* The processes of a cgroup v2 folder (absolute, or under /sys/fs/cgroup). */
static int trace_cgroup(struct collector *c, const char *cgroup, pid_t *root, struct error_message *err)
{
	char path[PATH_MAX];
	FILE *f;
	long pid;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s%s%s/cgroup.procs", cgroup[0] == '/' ? "" : CGROUP_ROOT,
		 cgroup[0] == '/' ? "" : "/", cgroup);
	f = fopen(path, "r");
	if (!f) {
		error_message_set(err, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	*root = 0;
	while (fscanf(f, "%ld", &pid) == 1) {
		if (!*root || pid < *root)
			*root = (pid_t)pid; /* the oldest is likely the master */
		collector_trace_tgid(c, (pid_t)pid);
		n++;
	}
	fclose(f);
	if (!n) {
		error_message_set(err, "cgroup %s has no processes", cgroup);
		return -1;
	}
	return 0;
}

/* Forks COMMAND gated: it waits until we have traced it, then execs, in its
 * own process group, dying with us, its output into LOG. The exec's errno
 * comes back on a close-on-exec pipe (EOF = the exec worked). */
static pid_t spawn_command(char **argv, char **env, const char *log, int *gate_fd, int *exec_fd)
{
	int gate[2], exec_status[2];
	pid_t parent = getpid(), pid;

	if (pipe2(gate, O_CLOEXEC) || pipe2(exec_status, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char go;
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644), err;
		sigset_t none;

		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		close(gate[1]);
		close(exec_status[0]);
		if (read(gate[0], &go, 1) != 1)
			_exit(127);
		for (; env && *env; env++)
			putenv(*env);
		execvp(argv[0], argv);
		err = errno;
		if (write(exec_status[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	setpgid(pid, pid); /* as the child does: no moment outside its own group */
	close(gate[0]);
	close(exec_status[1]);
	*gate_fd = gate[1];
	*exec_fd = exec_status[0];
	return pid;
}

/* A command we start dies with us even when we are SIGKILLed: its root has
 * PR_SET_PDEATHSIG, but not its children (nginx's workers would live on,
 * listening). Our guard process (process.h) SIGKILLs the command's process
 * group if we go without standing it down; a bundled server's scratch
 * folder goes with it. */
static void on_testbed_killed(void *arg)
{
	struct traced_server *s = arg;

	kill(-s->root, SIGKILL);
	if (s->external)
		external_cleanup(&s->ext);
}

static bool server_alive(struct traced_server *s)
{
	if (s->exited)
		return false;
	if (s->started) {
		if (waitpid(s->root, &s->wait_status, WNOHANG) == s->root)
			s->exited = true;
	} else if (kill(s->root, 0) && errno == ESRCH) {
		s->exited = true;
	}
	return !s->exited;
}

static bool trace_wait(struct run_record *r, struct collector *c, void *ctx, int wait_ms)
{
	struct traced_server *s = ctx;

	usleep(wait_ms * 1000);
	return server_alive(s);
}

/* Waits until the server listens on the load target (and, for a bundled
 * server, says it is ready). 0, or -1 with a reason. */
static int wait_for_listener(const struct run_record *r, struct traced_server *s, struct error_message *err)
{
	uint64_t deadline = monotonic_ns() + PORT_WAIT_MS * 1000000ull;

	while (!exiting && monotonic_ns() < deadline) {
		bool listening;

		if (target_has_listener(&r->target, &listening, err))
			return -1;
		if (listening && (!s->external || external_ready(s->external, &s->ext, s->root)))
			return 0;
		if (!server_alive(s)) {
			error_message_set(err, "the traced server exited before it listened (exit status %d)",
				 WIFEXITED(s->wait_status) ? WEXITSTATUS(s->wait_status) : 128 + WTERMSIG(s->wait_status));
			return -1;
		}
		usleep(20 * 1000);
	}
	if (exiting)
		error_message_set(err, "interrupted while waiting for the traced server to listen");
	else
		error_message_set(err, "nothing listens on the --load target after %d s%s", PORT_WAIT_MS / 1000,
				  r->netns[0] ? " (in --netns the server must listen on 0.0.0.0 or the namespace's address)"
					      : "");
	return -1;
}

/* The same, asked inside NS when there is one: sock_diag answers for the
 * namespace of the socket that asks. */
static int wait_for_listener_in(const struct run_record *r, struct traced_server *s, const struct netns *ns,
				struct error_message *err)
{
	int saved = -1, ret;

	if (r->netns[0] && netns_enter(ns, &saved, err))
		return -1;
	ret = wait_for_listener(r, s, err);
	netns_leave(saved);
	return ret;
}

/* The command forked (gated) inside NS when there is one, pinned with
 * --server-cpus before it runs (its children inherit), this thread with
 * --load-cpus; the load goes to the namespace's address, same port. 0, or
 * -1 with ERR (S->root > 0 when the command was forked). */
static int start_command(struct run_record *r, struct traced_server *s, struct netns *ns, const char *log,
			 int *gate_fd, int *exec_fd, struct error_message *err)
{
	const struct run_options *o = r->opts;
	int saved = -1;

	if (o->netns && (netns_begin_run(r, ns, err) || netns_enter(ns, &saved, err)))
		return -1;
	s->root = spawn_command(o->command, s->ext.env, log, gate_fd, exec_fd);
	if (s->root < 0)
		error_message_set(err, "cannot start %s: %s", o->command[0], strerror(errno));
	netns_leave(saved);
	if (s->root < 0)
		return -1;
	s->started = true;
	if (o->netns) {
		r->netns_pid = s->root;
		((struct sockaddr_in *)&r->target)->sin_addr = ns->server_addr;
	}
	return cpus_pin_run(o, s->root, o->command[0], &r->cpus, err);
}

/* SIGTERM to the server's process group, SIGKILL if it lingers. */
static void stop_started_server(struct traced_server *s)
{
	uint64_t deadline = monotonic_ns() + STOP_WAIT_MS * 1000000ull;

	if (!s->started)
		return;
	if (!s->exited) {
		kill(-s->root, SIGTERM);
		while (monotonic_ns() < deadline && server_alive(s))
			usleep(20 * 1000);
	}
	if (!s->exited) {
		error_msg("the traced server (pid %d) did not stop in %d s; killed it", s->root, STOP_WAIT_MS / 1000);
		kill(-s->root, SIGKILL);
		waitpid(s->root, &s->wait_status, 0);
		s->exited = true;
	}
	/* workers the root left behind, also when the root ended by itself */
	kill(-s->root, SIGKILL);
	guard_stand_down(&s->guard);
}

/* The first libuv shared object PID maps (a Node built with a shared libuv),
 * into OUT; false if none. */
static bool mapped_libuv(pid_t pid, char *out, size_t size)
{
	char path[64], line[PATH_MAX + 128], *file;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		file = strchr(line, '/');
		if (file && strstr(file, "/libuv")) {
			snprintf(out, size, "%s", file);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* Node's libuv thread pool: uprobes in PID's executable, or else in the libuv
 * it maps, where libuv's symbols are (meta.csv libuv_probes says which). A
 * Node or libuv without them gets one line and the run goes on without pool
 * rows; any other server (nginx) is not Node and is not told about it. */
static void attach_libuv_probes(struct run_record *r, struct collector *c, pid_t pid)
{
	char link[64], exe[PATH_MAX], lib[PATH_MAX];
	struct error_message err = { "" };
	bool has_lib = mapped_libuv(pid, lib, sizeof(lib));
	const char *name, *attached = NULL;
	ssize_t n;

	snprintf(r->libuv_probes, sizeof(r->libuv_probes), "none");
	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0 || r->opts->no_trace)
		return;
	exe[n] = '\0';
	if (!collector_attach_libuv_probes(c, exe, &err))
		attached = exe;
	else if (has_lib && !collector_attach_libuv_probes(c, lib, &err))
		attached = lib;
	snprintf(r->libuv_probes, sizeof(r->libuv_probes), "%s %s", attached ? "attached" : "none",
		 attached ? attached : exe);
	if (attached)
		return;
	name = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	if (has_lib || strncmp(name, "node", 4) == 0)
		error_msg("no libuv thread-pool probes (%s): Node's pool threads are traced as plain threads", err.text);
	else
		debug_msg("no libuv thread-pool probes: %s", err.text);
}

static void add_self_count(void *ctx, pid_t pid, uint64_t count)
{
	struct process_record *p = process_by_pid(ctx, pid);

	if (p) {
		p->reported = true;
		p->self_reported += count;
	}
}

static void join_words(char *out, size_t size, char **words)
{
	size_t used = 0;

	out[0] = '\0';
	for (; words && *words && used < size; words++)
		used += snprintf(out + used, size - used, "%s%s", used ? " " : "", *words);
}

/* The run itself, for trace and for the bundled servers. */
static int trace_server(struct run_options *opts, struct traced_server *server, int argc, char **argv)
{
	struct run_record r = { .opts = opts, .killed_worker_index = -1, .restart_ms = NAN };
	struct collector *c = NULL;
	struct error_message err = { "" };
	struct netns ns = { 0 };
	char log[PATH_MAX + 16];
	int gate_fd = -1, exec_fd = -1, ret = EXIT_FAIL, exec_errno = 0;
	size_t workers = 0, i;

	r.scenario_name = server->external ? server->external->name : "trace";
	r.discover_processes = true;
	if (cpus_check_run_online(opts, &err)) {
		error_msg("%s", err.text);
		return EXIT_USAGE;
	}
	if (check_tracing_environment(&err)) {
		error_msg("%s", err.text);
		return EXIT_FAIL;
	}
	netns_sweep(); /* what a testbed killed earlier left behind */
	if (opts->trace_pid && kill(opts->trace_pid, 0) && errno == ESRCH) {
		error_msg("no process with pid %d", opts->trace_pid);
		return EXIT_FAIL;
	}
	memcpy(&r.target, &opts->load_target, sizeof(r.target));
	r.target_len = opts->load_target_len;
	if (opts->command && r.target_len && !opts->netns) { /* a fresh namespace has every port free */
		struct error_message err = { "" };
		bool taken;

		if (target_has_listener(&r.target, &taken, &err)) {
			error_msg("%s", err.text);
			return EXIT_FAIL;
		}
		/* the load would go to whoever listens there, not to the command */
		if (taken) {
			error_msg("port %u is already in use: something else listens on the --load target",
				  ntohs(((struct sockaddr_in *)&r.target)->sin_port));
			return EXIT_FAIL;
		}
	}
	if (exiting)
		return EXIT_INTERRUPTED;
	ret = begin_run(&r, argc, argv, &c);
	if (ret > 0)
		return ret; /* nothing was created */
	ret = EXIT_FAIL;
	if (!c)
		goto cleanup;
	test_pause("loaded");
	if (exiting)
		goto cleanup; /* interrupted during setup: start nothing more */
	if (opts->command) {
		snprintf(log, sizeof(log), "%s/server.log", r.dir);
		if (start_command(&r, server, &ns, log, &gate_fd, &exec_fd, &err)) {
			error_msg("%s", err.text);
			goto cleanup;
		}
		if (guard_start(&server->guard, "tb-guard", on_testbed_killed, server)) {
			error_msg("cannot start %s: no guard process: %s", opts->command[0], strerror(errno));
			goto cleanup;
		}
		/* traced before its first instruction: children are followed in the kernel */
		if (collector_trace_tgid(c, server->root) || write(gate_fd, "g", 1) != 1) {
			error_msg("cannot start tracing %s: %s", opts->command[0], strerror(errno));
			goto cleanup;
		}
		if (read(exec_fd, &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
			error_msg("cannot run %s: %s", opts->command[0], strerror(exec_errno));
			goto cleanup;
		}
		join_words(r.traced_command, sizeof(r.traced_command), opts->command);
	} else if (opts->trace_cgroup) {
		if (trace_cgroup(c, opts->trace_cgroup, &server->root, &err)) {
			error_msg("%s", err.text);
			goto cleanup;
		}
		snprintf(r.traced_command, sizeof(r.traced_command), "cgroup %s", opts->trace_cgroup);
	} else {
		server->root = opts->trace_pid;
		if (trace_tree(c, server->root)) {
			error_msg("cannot trace pid %d: %s", server->root, strerror(errno));
			goto cleanup;
		}
		snprintf(r.traced_command, sizeof(r.traced_command), "pid %d", server->root);
	}
	process_add(&r, ROLE_MASTER, 0, server->root);
	/* a started command was pinned when it started; here only the load is */
	if (!opts->command && cpus_pin_run(opts, server->root, "the load generator", &r.cpus, &err)) {
		error_msg("%s", err.text);
		goto cleanup;
	}
	attach_libuv_probes(&r, c, server->root);
	if (server->external) {
		snprintf(r.server_version, sizeof(r.server_version), "%s", server->ext.version);
	} else {
		/* what runs there is all we can say of someone else's server's version */
		char exe_link[64];
		ssize_t n;

		snprintf(exe_link, sizeof(exe_link), "/proc/%d/exe", server->root);
		n = readlink(exe_link, r.server_version, sizeof(r.server_version) - 1);
		r.server_version[n > 0 ? n : 0] = '\0';
	}
	if (r.target_len && wait_for_listener_in(&r, server, &ns, &err)) {
		error_msg("%s", err.text);
		goto cleanup;
	}
	test_pause("ready");
	if (exiting)
		goto cleanup; /* no measurement begun: no folder */
	if (!r.target_len && !opts->duration_given)
		fprintf(stderr, "testbed: watching %s until Ctrl-C\n", r.traced_command);
	if (measure(&r, c, &(struct subject_ops){ trace_wait, NULL, server }))
		goto cleanup;
	test_pause("stopping");
	if (r.subject_gone && !exiting) {
		/* a server gone mid-run would make every figure misleading */
		error_msg("the traced server (pid %d) exited %.1f s into the run%s; nothing written", server->root,
			  r.duration_s, server->started && WIFEXITED(server->wait_status) ? "" : " (killed)");
		free(r.load);
		r.load = NULL;
		goto cleanup;
	}
	ret = r.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
cleanup:
	stop_started_server(server);
	netns_destroy(&ns); /* after the server: nothing left inside */
	if (r.load) {
		read_counters(&r, c); /* the whole-run IPC counters also count the stop */
		if (server->external) {
			for (i = 0; i < r.nprocs && server->external->counts_from_log; i++)
				if (r.procs[i].role == ROLE_WORKER)
					add_self_count(&r, r.procs[i].pid, 0);
			external_read_counts(server->external, &server->ext, add_self_count, &r);
		}
	}
	if (c)
		r.libuv_submits_lost = collector_libuv_submits_lost(c);
	if (gate_fd >= 0)
		close(gate_fd);
	if (exec_fd >= 0)
		close(exec_fd);
	for (i = 0; i < r.nprocs; i++)
		workers += r.procs[i].role == ROLE_WORKER;
	if (r.nprocs == 1)
		r.procs[0].role = ROLE_WORKER; /* a single-process server is its own worker */
	opts->workers = r.nprocs == 1 ? 1 : (unsigned)workers;
	if (!r.load && r.dir[0]) { /* the server's log goes with the folder */
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/server.log", r.dir);
		unlink(path);
	}
	return finish_run(&r, c, ret);
}

int cmd_trace(int argc, char **argv)
{
	struct run_options opts;
	struct traced_server server = { 0 };
	int ret;

	install_exit_signals(); /* from the start: a signal at any moment exits 130 */
	ret = parse_command_line(parse_trace_options, print_trace_help, argc, argv, &opts);
	return ret >= 0 ? ret : trace_server(&opts, &server, argc, argv);
}

/* `testbed run nginx-reuseport` and friends: start the bundled server
 * (prepared by scenarios/external/external.c) on --port or a free one,
 * trace it under load, stop it, compare with its own counts. */
int run_external(struct run_options *opts, int argc, char **argv)
{
	struct traced_server server = { .external = opts->external };
	struct error_message err = { "" };
	int ret;

	/* first: not root is the one thing to say, before any scratch folder */
	if (check_tracing_environment(&err)) {
		error_msg("%s", err.text);
		return EXIT_FAIL;
	}
	if (!external_available(opts->external, &err)) {
		error_msg("%s is not available: %s", opts->external->name, err.text);
		return EXIT_FAIL;
	}
	if (external_prepare(opts->external, opts->port, opts->workers, &server.ext, &err)) {
		error_msg("%s", err.text);
		return EXIT_FAIL;
	}
	opts->command = server.ext.argv;
	memcpy(&opts->load_target, &server.ext.target, sizeof(server.ext.target));
	opts->load_target_len = sizeof(server.ext.target);
	ret = trace_server(opts, &server, argc, argv);
	external_cleanup(&server.ext);
	return ret;
}
