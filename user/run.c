// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* `testbed run SCENARIO`: load the tracer, start the scenario's master under
 * it (with --netns inside a namespace of its own, with --server-cpus pinned),
 * drive it with the load generator, sample the counters, stop everything
 * and write the run folder. The namespace itself is netns.c's, CPU lists
 * cpus.c's. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "collector.h"
#include "common.h"
#include "cpus.h"
#include "data_files.h"
#include "netns.h"
#include "run.h"
#include "test_hooks.h"
#include "server.h"

#define READY_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 5000
#define MIGRATE_SYSCTL "/proc/sys/net/ipv4/tcp_migrate_req"
/* held by the run that has set MIGRATE_SYSCTL, until it has restored it */
#define MIGRATE_LOCK "/run/testbed-migrate.lock"

static pid_t master_pid(const struct run_record *r)
{
	return r->nprocs ? r->procs[0].pid : -1;
}

/* Applies one message from the master. -1 when the master reported an error. */
static int apply_status(struct run_record *r, const struct status_msg *m, struct collector *c)
{
	struct process_record *p = process_by_pid(r, m->pid);

	switch (m->type) {
	case STATUS_WORKER_STARTED:
		/* the fork tracepoint already follows it; adding it here closes any race */
		collector_trace_tgid(c, m->pid);
		if (!p && !process_add(r, ROLE_WORKER, m->worker_index, m->pid))
			return -1;
		debug_msg("worker %u started as pid %d", m->worker_index, m->pid);
		break;
	case STATUS_WORKER_READY:
		if (p)
			p->ready = true;
		if (r->killed_pid && (int64_t)m->worker_index == r->killed_worker_index && m->pid != r->killed_pid &&
		    isnan(r->restart_ms))
			r->restart_ms = (monotonic_ns() - r->killed_at_ns) / 1e6;
		break;
	case STATUS_WORKER_EXITED:
		if (p) {
			p->exited = true;
			p->wait_status = (int)m->value;
		}
		debug_msg("worker %u (pid %d) exited, status 0x%llx", m->worker_index, m->pid,
			  (unsigned long long)m->value);
		break;
	case STATUS_WORKER_REPORT:
	case STATUS_MASTER_REPORT:
		if (p) {
			p->reported = true;
			p->self_reported = m->value;
		}
		break;
	case STATUS_WORKER_POOL_REPORT:
		if (p) {
			p->pool_reported = true;
			p->pool_jobs_reported = m->value;
		}
		break;
	case STATUS_READY:
		r->port = (unsigned)m->value;
		break;
	case STATUS_ERROR:
		error_msg("%.*s", (int)sizeof(m->text), m->text);
		return -1;
	}
	return 0;
}

/* Reads a one-number sysctl; -1 if it does not exist. */
static int read_sysctl(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC), value = -1;

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		value = atoi(buf);
	close(fd);
	return value;
}

static int write_sysctl(const char *path, int value)
{
	char buf[16];
	int fd = open(path, O_WRONLY | O_CLOEXEC), len = snprintf(buf, sizeof(buf), "%d\n", value), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, buf, len) != len)
		ret = -1;
	close(fd);
	return ret;
}

/* --migrate changes a sysctl of the whole network namespace (our servers
 * run in the caller's): one run at a time may own it, or one would restore
 * it under another's feet. An flock, so the kernel lets go when the holder
 * dies, however it dies. The lock's fd, or -1 with ERR. */
static int lock_migrate_sysctl(struct error_message *err)
{
	int fd = open(MIGRATE_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0644), saved;

	if (fd < 0) {
		error_message_set(err, "--migrate: cannot open %s: %s", MIGRATE_LOCK, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	saved = errno;
	close(fd);
	if (saved == EWOULDBLOCK)
		error_message_set(err, "--migrate: another testbed run is using net.ipv4.tcp_migrate_req (it holds %s); "
				  "run again when it has finished", MIGRATE_LOCK);
	else
		error_message_set(err, "--migrate: cannot lock %s: %s", MIGRATE_LOCK, strerror(saved));
	return -1;
}

/* The pool's USDT probes live in this very binary: the workers are forks. */
static int attach_pool_probes(struct collector *c, struct error_message *err)
{
	char binary[PATH_MAX];

	if (executable_path(binary, sizeof(binary), err))
		return -1;
	return collector_attach_pool_probes(c, binary, err);
}

/* Waits for STATUS_READY (or an error, or Ctrl-C). 0 when ready. */
static int wait_ready(struct run_record *r, struct collector *c, int status_fd)
{
	uint64_t deadline = monotonic_ns() + READY_TIMEOUT_MS * 1000000ull;
	struct status_msg m;

	while (!exiting) {
		int64_t left_ms = (int64_t)(deadline - monotonic_ns()) / 1000000;
		int got;

		if (left_ms <= 0) {
			error_msg("the %s server did not become ready within %d s", r->opts->scenario->name,
				  READY_TIMEOUT_MS / 1000);
			return -1;
		}
		got = server_read_status(status_fd, &m, (int)left_ms);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			error_msg("the %s server's master exited during setup", r->opts->scenario->name);
			return -1;
		}
		if (got == 1) {
			if (apply_status(r, &m, c))
				return -1;
			if (m.type == STATUS_READY)
				return 0;
		}
	}
	return -1;
}

/* SIGTERM to the master, then collect its workers' reports until DONE. */
static void stop_server(struct run_record *r, struct collector *c, int status_fd)
{
	uint64_t deadline = monotonic_ns() + STOP_TIMEOUT_MS * 1000000ull;
	pid_t master = master_pid(r);
	struct status_msg m;
	int status;

	kill(master, SIGTERM);
	while (monotonic_ns() < deadline) {
		int got = server_read_status(status_fd, &m, 100);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (got == 1) {
			apply_status(r, &m, c);
			if (m.type == STATUS_DONE)
				break;
		}
	}
	if (waitpid(master, &status, WNOHANG) == 0) {
		usleep(200 * 1000);
		if (waitpid(master, &status, WNOHANG) == 0) {
			error_msg("the master (pid %d) did not stop in time; killed it", master);
			kill(master, SIGKILL);
			waitpid(master, &status, 0);
		}
	}
}

/* Restarts and errors arrive on the master's status pipe while the load runs. */
static bool scenario_wait(struct run_record *r, struct collector *c, void *ctx, int wait_ms)
{
	int status_fd = *(int *)ctx;
	struct pollfd pfd = { .fd = status_fd, .events = POLLIN };
	struct status_msg m;
	int got;

	if (poll(&pfd, 1, wait_ms) <= 0)
		return true;
	got = server_read_status(status_fd, &m, 0);
	if (got == 1)
		apply_status(r, &m, c);
	return got >= 0 || errno == EINTR; /* EOF: the master is gone */
}

/* --kill-worker-after: SIGKILL the first live worker. */
static void kill_one_worker(struct run_record *r)
{
	size_t i;

	for (i = 1; i < r->nprocs; i++) {
		struct process_record *p = &r->procs[i];

		if (p->role == ROLE_WORKER && !p->exited && kill(p->pid, SIGKILL) == 0) {
			r->killed_worker_index = p->worker_index;
			r->killed_pid = p->pid;
			r->killed_at_ns = monotonic_ns();
			debug_msg("killed worker %u (pid %d)", p->worker_index, p->pid);
			return;
		}
	}
}

/* --netns: the namespace and the veth pair, and where the server listens. */
static int make_netns(struct run_record *r, struct netns *ns, struct server_config *server, struct error_message *err)
{
	const struct run_options *o = r->opts;

	if (netns_begin_run(r, ns, err))
		return -1;
	server->listen_addr = ns->server_addr;
	/* tcp_migrate_req is the namespace's own: ours to set, nobody's to restore */
	if (o->migrate) {
		int saved;

		if (netns_enter(ns, &saved, err))
			return -1;
		if (write_sysctl(MIGRATE_SYSCTL, 1)) {
			error_message_set(err, "cannot set net.ipv4.tcp_migrate_req in %s: %s", ns->name, strerror(errno));
			netns_leave(saved);
			return -1;
		}
		netns_leave(saved);
	}
	return 0;
}

/* Forks the master (gated) inside NS when there is one (a child's
 * namespace is the forking thread's) and pins it before it runs: its
 * workers and their pool threads inherit the CPUs. Then pins this thread
 * for the load generator, whose threads inherit it. 0, or -1 with ERR;
 * *MASTER is set (> 0) whenever the master was forked, to be stopped. */
static int start_master(struct run_record *r, struct netns *ns, const struct server_config *server, pid_t *master,
			int *status_fd, int *gate_fd, struct error_message *err)
{
	const struct run_options *o = r->opts;
	int saved = -1;

	if (o->netns && netns_enter(ns, &saved, err))
		return -1;
	*master = server_spawn(server, status_fd, gate_fd);
	if (*master < 0)
		error_message_set(err, "cannot start the master: %s", strerror(errno));
	netns_leave(saved);
	if (*master < 0)
		return -1;
	if (o->netns)
		r->netns_pid = *master;
	return cpus_pin_run(o, *master, "the master", &r->cpus, err);
}

int cmd_run(int argc, char **argv)
{
	struct run_options opts;
	struct run_record r = { .opts = &opts, .killed_worker_index = -1, .restart_ms = NAN };
	struct server_config server;
	struct collector *c = NULL;
	struct error_message err = { "" };
	struct netns ns = { 0 };
	int status_fd = -1, gate_fd = -1, ret = EXIT_FAIL, migrate_was = -1, migrate_lock = -1;
	pid_t master = -1;

	install_exit_signals(); /* from the start: a signal at any moment exits 130 */
	ret = parse_command_line(parse_run_options, print_run_help, argc, argv, &opts);
	if (ret >= 0)
		return ret;
	ret = EXIT_FAIL;
	if (opts.external)
		return run_external(&opts, argc, argv);
	r.scenario_name = opts.scenario->name;
	if (!scenario_supported(opts.scenario, &err)) {
		error_msg("%s is not supported on this kernel: %s", opts.scenario->name, err.text);
		return EXIT_FAIL;
	}
	if (cpus_check_run_online(&opts, &err)) {
		error_msg("%s", err.text);
		return EXIT_USAGE;
	}
	if (check_tracing_environment(&err)) {
		error_msg("%s", err.text);
		return EXIT_FAIL;
	}
	netns_sweep(); /* what a testbed killed earlier left behind */
	if (opts.migrate && read_sysctl(MIGRATE_SYSCTL) < 0) {
		error_msg("--migrate needs net.ipv4.tcp_migrate_req (Linux >= 5.14), which this kernel lacks");
		return EXIT_FAIL;
	}
	if (opts.migrate && !opts.netns && (migrate_lock = lock_migrate_sysctl(&err)) < 0) {
		error_msg("%s", err.text);
		return EXIT_FAIL;
	}
	ret = exiting ? EXIT_INTERRUPTED : begin_run(&r, argc, argv, &c);
	if (ret > 0) {
		if (migrate_lock >= 0)
			close(migrate_lock);
		return ret; /* nothing was created */
	}
	ret = EXIT_FAIL;
	if (!c)
		goto cleanup;
	if (opts.threads && attach_pool_probes(c, &err)) {
		error_msg("%s", err.text);
		goto cleanup;
	}
	test_pause("loaded");
	if (exiting)
		goto cleanup; /* interrupted during setup: start nothing more */
	if (opts.migrate && !opts.netns) {
		migrate_was = read_sysctl(MIGRATE_SYSCTL);
		if (write_sysctl(MIGRATE_SYSCTL, 1)) {
			error_msg("cannot set net.ipv4.tcp_migrate_req: %s", strerror(errno));
			migrate_was = -1;
			goto cleanup;
		}
	}

	server = (struct server_config){
		.model = opts.scenario->model,
		.workers = opts.workers,
		.port = opts.port,
		.backlog = opts.backlog,
		.io_timeout_ms = opts.timeout_ms,
		.policy = opts.policy,
		.threads = opts.threads,
		.work_kind = opts.work_kind,
		.work_amount = opts.work_amount,
		.work_fraction = opts.work_fraction,
		.pool_wake = opts.pool_wake,
		.pool_notify = opts.pool_notify,
		.worker_cpus_one_each = opts.cpus.worker_one_each,
	};
	if (opts.netns && make_netns(&r, &ns, &server, &err)) {
		error_msg("%s", err.text);
		goto cleanup;
	}
	if (start_master(&r, &ns, &server, &master, &status_fd, &gate_fd, &err)) {
		error_msg("%s", err.text);
		if (master > 0)
			process_add(&r, ROLE_MASTER, 0, master); /* stopped below */
		goto cleanup;
	}
	if (!process_add(&r, ROLE_MASTER, 0, master) || collector_trace_tgid(c, master) || server_release(gate_fd)) {
		error_msg("cannot start tracing the master: %s", strerror(errno));
		gate_fd = -1;
		goto cleanup;
	}
	gate_fd = -1;
	if (wait_ready(&r, c, status_fd))
		goto cleanup;
	test_pause("ready");
	if (exiting)
		goto cleanup; /* no measurement begun: no folder */
	r.target_len = sizeof(struct sockaddr_in);
	*(struct sockaddr_in *)&r.target = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_port = htons(r.port),
		.sin_addr.s_addr = opts.netns ? ns.server_addr.s_addr : htonl(INADDR_LOOPBACK),
	};
	debug_msg("%s ready on %s:%u with %zu workers", opts.scenario->name,
		  inet_ntoa(((struct sockaddr_in *)&r.target)->sin_addr), r.port, r.nprocs - 1);
	if (measure(&r, c, &(struct subject_ops){ scenario_wait, kill_one_worker, &status_fd }))
		goto cleanup;
	test_pause("stopping");
	if (r.subject_gone) {
		error_msg("the %s master exited during the run", opts.scenario->name);
		goto cleanup;
	}
	ret = r.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
cleanup:
	if (master_pid(&r) > 0) {
		stop_server(&r, c, status_fd);
		/* the whole-run IPC counters also count the stop's messages */
		if (r.load)
			read_counters(&r, c);
	}
	if (migrate_was >= 0 && write_sysctl(MIGRATE_SYSCTL, migrate_was))
		error_msg("could not restore net.ipv4.tcp_migrate_req to %d", migrate_was);
	if (migrate_lock >= 0)
		close(migrate_lock); /* after the restore: the next run reads the value we found */
	if (status_fd >= 0)
		close(status_fd);
	if (gate_fd >= 0)
		close(gate_fd);
	netns_destroy(&ns); /* after the server: nothing left inside */
	return finish_run(&r, c, ret);
}
