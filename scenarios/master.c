// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The master process of a server model: it waits at the gate until the
 * testbed traced it, opens what it holds of the port (the shared listener,
 * fd-dispatch's own listener, or reuseport's bound-only reservation), loads
 * reuseport-bpf's steering program, forks the workers, restarts one that
 * dies, accepts and hands off connections for fd-dispatch, stops them all
 * on SIGTERM, and reports every step to the testbed over the status pipe.
 * It runs in a forked copy of the caller and never execs, so it leaves
 * with _exit(), never exit(). What a worker does is worker.c's; the
 * caller's side (spawn, release, read status) is server.c's. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common.h"
#include "dispatch.h"
#include "net.h"
#include "pool.h"
#include "process.h"
#include "reuseport.h"
#include "reuseport.skel.h"
#include "server_internal.h"
#include "util.h"

#define STOP_RESEND_MS  100  /* SIGTERM may land just before a worker blocks: repeat it */
#define STOP_GIVE_UP_MS 3000 /* then SIGKILL whoever has not reported */
#define ACCEPT_BATCH    64   /* fd-dispatch: accepts per listener wakeup, then back to poll */

static int64_t now_ms(void)
{
	return (int64_t)(monotonic_ns() / 1000000);
}

static void begin_stop(struct master *m);
static void close_queued(struct master *m);

/* A status the caller can no longer read means nobody wants the server any more. */
static void send_status(struct master *m, enum status_type type, unsigned index, pid_t pid,
			uint64_t value, const char *text)
{
	struct status_msg msg = {
		.type = type,
		.worker_index = index,
		.pid = pid,
		.value = value,
	};

	if (text)
		snprintf(msg.text, sizeof(msg.text), "%s", text);
	if (write_full(m->status_fd, &msg, sizeof(msg)) < 0 && !m->stopping)
		begin_stop(m);
}

static void signal_workers(struct master *m, int sig, bool unreported_only)
{
	if (!m->workers) /* failed before any worker was started */
		return;
	for (unsigned i = 0; i < m->cfg.workers; i++) {
		struct worker *w = &m->workers[i];

		if (w->pid > 0 && !(unreported_only && w->reported))
			kill(w->pid, sig);
	}
}

static void __attribute__((noreturn, format(printf, 2, 3))) master_fail(struct master *m,
									const char *fmt, ...)
{
	char text[sizeof(((struct status_msg *)0)->text)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	signal_workers(m, SIGKILL, false);
	work_file_remove(m->work_file);
	send_status(m, STATUS_ERROR, 0, 0, 0, text);
	_exit(1);
}

static void begin_stop(struct master *m)
{
	int64_t now = now_ms();

	m->stopping = true;
	m->resend_at_ms = now + STOP_RESEND_MS;
	m->give_up_at_ms = now + STOP_GIVE_UP_MS;
	signal_workers(m, SIGTERM, true);
	close_queued(m);
}

/* Opens what the master holds of the port, or fails with a one-line reason.
 * shared-*: the listener the workers inherit. fd-dispatch: the master's own
 * listener. reuseport*: a socket bound to the port but not listening, so
 * that port 0 becomes a fixed port the workers' listeners (and their
 * restarts) can join; it takes no connections. It has SO_REUSEADDR only, no
 * SO_REUSEPORT: a port someone already listens on, even a same-user
 * SO_REUSEPORT group, is refused instead of silently joined. */
static void open_master_socket(struct master *m)
{
	struct error_message why = { "" };
	unsigned flags;

	switch (m->cfg.model) {
	case MODEL_SHARED_ACCEPT:
		flags = SOCKET_LISTEN;
		break;
	case MODEL_REUSEPORT:
	case MODEL_REUSEPORT_BPF:
		flags = 0;
		break;
	default:
		flags = SOCKET_LISTEN | SOCKET_NONBLOCK;
		break;
	}
	m->listener = open_listen_socket(m->cfg.listen_addr, m->cfg.port, m->cfg.backlog, flags, &m->port, &why);
	if (m->listener < 0)
		master_fail(m, "%s", why.text);
}

/* reuseport-bpf: loads the steering program before the first fork, so that
 * the workers inherit its socket array, program and mmapped counters. */
static void open_steering(struct master *m)
{
	struct reuseport_bpf *skel;
	int err;

	if (m->cfg.workers > REUSEPORT_MAX_WORKERS)
		master_fail(m, "reuseport-bpf runs at most %u workers (asked for %u)",
			    REUSEPORT_MAX_WORKERS, m->cfg.workers);
	skel = reuseport_bpf__open();
	if (!skel)
		master_fail(m, "cannot open the steering program (%s)", strerror(errno));
	skel->rodata->workers = m->cfg.workers;
	skel->rodata->steering = m->cfg.policy == POLICY_LEAST ? STEER_LEAST_OPEN : STEER_ROUND_ROBIN;
	err = reuseport_bpf__load(skel);
	if (err)
		master_fail(m, "cannot load the steering program (%s)", strerror(-err));
	m->steering = skel;
}

/* Forks worker INDEX (first start or restart); 0 or -errno. */
static int start_worker(struct master *m, unsigned index)
{
	struct worker *w = &m->workers[index];
	int control[2], dispatch[2] = { -1, -1 };
	pid_t pid;

	if (pipe2(control, O_CLOEXEC) < 0)
		return -errno;
	/* SEQPACKET: one recv is one hand-off or one ack, never a part or two */
	if (m->cfg.model == MODEL_FD_DISPATCH &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, dispatch) < 0) {
		close_pair(control);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		close_pair(control);
		if (dispatch[0] >= 0)
			close_pair(dispatch);
		return -errno;
	}
	if (pid == 0) {
		close(control[0]);
		/* before the worker starts its pool: the threads inherit it */
		if (m->cfg.worker_cpus_one_each)
			pin_to_nth_allowed_cpu(index);
		worker_main(m, index, control[1], dispatch[1]);
	}
	close(control[1]);
	if (dispatch[1] >= 0)
		close(dispatch[1]);
	/* non-blocking so the master can drain a reaped worker's pipe without hanging */
	fcntl(control[0], F_SETFL, O_NONBLOCK);
	w->pid = pid;
	w->control_fd = control[0];
	w->dispatch_fd = dispatch[0];
	w->ready = false;
	w->reported = false;
	send_status(m, STATUS_WORKER_STARTED, index, pid, 0, NULL);
	return 0;
}

/* fd-dispatch: worker INDEX's socket is gone (the worker died or its end
 * broke). A hand-off in flight went with it: the kernel closed that fd. */
static void close_dispatch(struct master *m, unsigned index)
{
	struct worker *w = &m->workers[index];

	if (w->dispatch_fd >= 0) {
		close(w->dispatch_fd);
		w->dispatch_fd = -1;
	}
	if (m->dispatcher)
		dispatcher_worker_gone(m->dispatcher, index);
}

static void worker_ready(struct master *m, unsigned index)
{
	struct worker *w = &m->workers[index];
	unsigned ready = 0;

	if (w->ready)
		return;
	w->ready = true;
	send_status(m, STATUS_WORKER_READY, index, w->pid, 0, NULL);
	if (m->dispatcher)
		dispatcher_worker_ready(m->dispatcher, index);
	for (unsigned i = 0; i < m->cfg.workers; i++)
		ready += m->workers[i].ready;
	/* the load may start: every worker waits on its listener or socket */
	if (!m->ready_sent && !m->stopping && ready == m->cfg.workers) {
		m->ready_sent = true;
		send_status(m, STATUS_READY, 0, 0, m->port, NULL);
	}
}

/* Reads whatever worker INDEX has written; closes the pipe at EOF. */
static void read_control(struct master *m, unsigned index)
{
	struct worker *w = &m->workers[index];
	struct control_msg msg;

	while (w->control_fd >= 0) {
		ssize_t n = read(w->control_fd, &msg, sizeof(msg));

		if (n == sizeof(msg)) {
			if (msg.worker_index != index)
				continue;
			switch (msg.type) {
			case CONTROL_READY:
				worker_ready(m, index);
				break;
			case CONTROL_REPORT:
				if (!w->reported) {
					w->reported = true;
					send_status(m, STATUS_WORKER_REPORT, index, w->pid, msg.value, NULL);
				}
				break;
			case CONTROL_POOL_REPORT:
				send_status(m, STATUS_WORKER_POOL_REPORT, index, w->pid, msg.value, NULL);
				break;
			case CONTROL_FAILED:
				master_fail(m, "%.*s", (int)sizeof(msg.text), msg.text);
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		/* EOF (the worker is gone) or a torn message, which atomic writes rule out */
		close(w->control_fd);
		w->control_fd = -1;
	}
}

static void reap_workers(struct master *m)
{
	pid_t pid;
	int wait_status;

	while ((pid = waitpid(-1, &wait_status, WNOHANG)) > 0) {
		for (unsigned i = 0; i < m->cfg.workers; i++) {
			struct worker *w = &m->workers[i];
			int err;

			if (w->pid != pid)
				continue;
			/* the report may still sit in the pipe: the exit can overtake it */
			read_control(m, i);
			if (w->control_fd >= 0) {
				close(w->control_fd);
				w->control_fd = -1;
			}
			/* after the drain: a READY still in the pipe is its predecessor's */
			w->ready = false;
			close_dispatch(m, i);
			send_status(m, STATUS_WORKER_EXITED, i, pid, (uint32_t)wait_status, NULL);
			w->pid = 0;
			if (!m->stopping) {
				err = start_worker(m, i);
				if (err < 0)
					master_fail(m, "cannot restart worker %u (%s)", i, strerror(-err));
			}
			break;
		}
	}
}

static void handle_signals(struct master *m)
{
	struct signalfd_siginfo info;

	while (read(m->signal_fd, &info, sizeof(info)) == sizeof(info)) {
		if (info.ssi_signo == SIGCHLD)
			reap_workers(m); /* SIGCHLDs coalesce: reaping loops over all */
		else if (!m->stopping)
			begin_stop(m); /* SIGTERM or SIGINT */
	}
}

static unsigned live_workers(const struct master *m)
{
	unsigned live = 0;

	for (unsigned i = 0; i < m->cfg.workers; i++)
		live += m->workers[i].pid > 0;
	return live;
}

/* True once a stop is complete: every worker exited (after its report, if it
 * could), or the give-up time passed. Else sets the next poll *TIMEOUT_MS. */
static bool stop_complete(struct master *m, int *timeout_ms)
{
	int64_t now = now_ms(), next;

	*timeout_ms = -1;
	if (!m->stopping)
		return false;
	if (live_workers(m) == 0)
		return true;
	if (now >= m->give_up_at_ms) {
		/* they miss their report; init reaps them */
		signal_workers(m, SIGKILL, false);
		return true;
	}
	if (now >= m->resend_at_ms) {
		signal_workers(m, SIGTERM, true);
		m->resend_at_ms = now + STOP_RESEND_MS;
	}
	next = m->resend_at_ms < m->give_up_at_ms ? m->resend_at_ms : m->give_up_at_ms;
	*timeout_ms = (int)(next - now);
	return false;
}

/* fd-dispatch: takes worker INDEX's ack, or notices that its end is gone. */
static void read_ack(struct master *m, unsigned index)
{
	struct worker *w = &m->workers[index];
	char ack;
	ssize_t n;

	if (w->dispatch_fd < 0)
		return;
	/* one recv, one ack: with one hand-off in flight there is never more */
	n = recv(w->dispatch_fd, &ack, 1, MSG_DONTWAIT);
	if (n == 1)
		dispatcher_acked(m->dispatcher, index);
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		close_dispatch(m, index);
}

/* fd-dispatch: accepts what the listener has (a bounded batch; poll is
 * level-triggered and comes back for the rest) and queues it for hand-off. */
static void accept_connections(struct master *m)
{
	for (unsigned i = 0; i < ACCEPT_BATCH; i++) {
		int client = accept4(m->listener, NULL, NULL, SOCK_CLOEXEC);

		if (client < 0) {
			if (!accept_error_is_transient(errno))
				master_fail(m, "master: accept4: %s", strerror(errno));
			return;
		}
		m->accepted++;
		if (dispatcher_add(m->dispatcher, client) < 0)
			close(client); /* out of memory: the client sees the connection close */
	}
}

/* fd-dispatch: makes every hand-off the dispatcher allows now. Each turn
 * takes one queued connection, so the loop ends. */
static void hand_off(struct master *m)
{
	unsigned index;
	int client;

	while (dispatcher_next(m->dispatcher, &index, &client)) {
		struct worker *w = &m->workers[index];

		if (send_fd(w->dispatch_fd, client) == 0) {
			close(client); /* the worker has its own reference now */
			continue;
		}
		if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN || errno == EBADF) {
			/* it died before we noticed: the connection waits for someone else */
			close_dispatch(m, index);
			if (dispatcher_return(m->dispatcher, index, client) < 0)
				close(client);
			continue;
		}
		/* anything else would fail again: drop this one, keep the worker usable */
		close(client);
		dispatcher_acked(m->dispatcher, index);
	}
}

/* fd-dispatch at stop: connections nobody will serve get closed now. */
static void close_queued(struct master *m)
{
	int client;

	if (!m->dispatcher)
		return;
	for (unsigned left = dispatcher_queued(m->dispatcher); left; left--) {
		if (!dispatcher_drain(m->dispatcher, &client))
			break;
		close(client);
	}
}

/* poll_fds layout: [0] signal_fd, [1 + i] worker i's control pipe; for
 * fd-dispatch also [1 + N + i] worker i's socket and [1 + 2N] the listener.
 * poll skips fd -1 (a worker being restarted; the listener while stopping). */
static void __attribute__((noreturn)) master_run(struct master *m)
{
	unsigned n = m->cfg.workers;
	bool dispatching = m->cfg.model == MODEL_FD_DISPATCH;
	unsigned nfds = dispatching ? 2 * n + 2 : n + 1;
	int timeout;

	while (!stop_complete(m, &timeout)) {
		m->poll_fds[0] = (struct pollfd){ .fd = m->signal_fd, .events = POLLIN };
		for (unsigned i = 0; i < n; i++) {
			m->poll_fds[1 + i] = (struct pollfd){ .fd = m->workers[i].control_fd, .events = POLLIN };
			if (dispatching)
				m->poll_fds[1 + n + i] = (struct pollfd){ .fd = m->workers[i].dispatch_fd,
									  .events = POLLIN };
		}
		if (dispatching)
			m->poll_fds[1 + 2 * n] = (struct pollfd){ .fd = m->stopping ? -1 : m->listener,
								  .events = POLLIN };
		if (poll(m->poll_fds, nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			master_fail(m, "master: poll: %s", strerror(errno));
		}
		if (m->poll_fds[0].revents)
			handle_signals(m);
		/* a restart in handle_signals may reuse a number; its read just gets EAGAIN */
		for (unsigned i = 0; i < n; i++)
			if (m->poll_fds[1 + i].revents)
				read_control(m, i);
		if (!dispatching)
			continue;
		for (unsigned i = 0; i < n; i++)
			if (m->poll_fds[1 + n + i].revents)
				read_ack(m, i);
		if (m->stopping)
			continue;
		if (m->poll_fds[1 + 2 * n].revents)
			accept_connections(m);
		hand_off(m);
	}
	if (dispatching)
		send_status(m, STATUS_MASTER_REPORT, 0, m->pid, m->accepted, NULL);
	work_file_remove(m->work_file);
	send_status(m, STATUS_DONE, 0, 0, 0, NULL);
	_exit(0);
}

void __attribute__((noreturn)) master_main(const struct server_config *cfg, pid_t caller,
					   int status_fd, int gate_fd)
{
	struct master m = {
		.cfg = *cfg,
		.status_fd = status_fd,
		.listener = -1,
		.signal_fd = -1,
	};
	const int keep[] = { status_fd, gate_fd };
	unsigned npoll = cfg->model == MODEL_FD_DISPATCH ? 2 * cfg->workers + 2 : cfg->workers + 1;
	sigset_t none;
	char gate;
	ssize_t n;

	die_with_parent(caller);
	prctl(PR_SET_NAME, "tb-master");
	m.pid = getpid();
	close_other_fds(keep, ARRAY_SIZE(keep));
	/* our own process group: a terminal's Ctrl-C reaches only the testbed,
	 * which stops its load first and then stops us with SIGTERM */
	setpgid(0, 0);
	/* drop the caller's handlers and mask: until the gate opens, SIGTERM kills */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN); /* a failed status write is handled, not fatal */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* wait for server_release(), which lets the caller trace us from the start */
	do
		n = read(gate_fd, &gate, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(0); /* the caller closed the gate: it changed its mind or died */
	close(gate_fd);

	/* blocked before any worker exists, so no SIGCHLD is lost; workers unblock */
	sigemptyset(&m.signals);
	sigaddset(&m.signals, SIGCHLD);
	sigaddset(&m.signals, SIGTERM);
	sigaddset(&m.signals, SIGINT);
	sigprocmask(SIG_SETMASK, &m.signals, NULL);
	m.signal_fd = signalfd(-1, &m.signals, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m.signal_fd < 0)
		master_fail(&m, "master: signalfd: %s", strerror(errno));

	open_master_socket(&m);
	if (cfg->model == MODEL_REUSEPORT_BPF)
		open_steering(&m);
	if (cfg->threads && cfg->work_kind == WORK_FILE) {
		struct error_message why = { "" };

		/* once, here: every worker and every restart reads the same file */
		if (work_file_create(cfg->work_amount, m.work_file, sizeof(m.work_file), &why))
			master_fail(&m, "master: %s", why.text);
	}
	if (cfg->model == MODEL_FD_DISPATCH) {
		m.dispatcher = dispatcher_create(cfg->policy, cfg->workers);
		if (!m.dispatcher)
			master_fail(&m, "master: cannot set up dispatching (%s)", strerror(errno));
	}
	m.workers = calloc(cfg->workers, sizeof(*m.workers));
	m.poll_fds = calloc(npoll, sizeof(*m.poll_fds));
	if (!m.workers || !m.poll_fds)
		master_fail(&m, "master: out of memory for %u workers", cfg->workers);
	for (unsigned i = 0; i < cfg->workers; i++)
		m.workers[i].control_fd = m.workers[i].dispatch_fd = -1;
	for (unsigned i = 0; i < cfg->workers; i++) {
		int err = start_worker(&m, i);

		if (err < 0)
			master_fail(&m, "cannot start worker %u (%s)", i, strerror(-err));
	}
	/* STATUS_READY follows once every worker sent CONTROL_READY */
	master_run(&m);
}
