// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* One worker process of a server model, from the fork to its _exit(): it
 * keeps only the descriptors its model needs, waits on the inherited
 * listener (shared-*), on a SO_REUSEPORT listener of its own (reuseport,
 * reuseport-bpf, which also joins the steering program), or on the Unix
 * socket the master passes connections over (fd-dispatch), serves each
 * connection to the end (through its thread pool with --threads), and
 * reports to the master over its control pipe. Like the master it never
 * execs and leaves with _exit(). Supervision, restarts and the status pipe
 * to the testbed are the master's (master.c). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "http.h"
#include "net.h"
#include "pool.h"
#include "process.h"
#include "reuseport.h"
#include "reuseport.skel.h"
#include "server_internal.h"

#define REQUEST_MAX     4096 /* a request head larger than this closes the connection */

/* What one forked worker works with. */
struct worker_context {
	const struct master *m;  /* the master's state as of the fork */
	unsigned index;
	int control_fd;
	int listener;            /* inherited (shared-*) or its own (reuseport*); -1 for fd-dispatch */
	int dispatch_fd;         /* fd-dispatch: its end of the socketpair, else -1 */
	__u64 *open_connections; /* reuseport-bpf least: its counter in the program's .bss */
	struct pool *pool;       /* --threads: runs each request's work; NULL = none */
};

/* Set by SIGTERM/SIGINT in a worker; the handler has no SA_RESTART, so a
 * blocking accept4/epoll_wait/recv returns EINTR and the loop sees it. */
static volatile sig_atomic_t worker_stopping;

static void on_stop_signal(int sig)
{
	worker_stopping = 1;
}

static void set_io_timeout(int fd, unsigned timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* The requests this worker process has answered: which get the work (work_due). */
static uint64_t requests_served;

/* Answers requests on CLIENT until the client closes, asks to close, times
 * out, sends a head larger than REQUEST_MAX, or the worker is stopping.
 * Only request heads are read: the clients we serve send GET without a body.
 * With a pool, each request's work (or the --work ...@FRACTION share of
 * them) runs there and the worker waits for it; without one, that share's
 * sleep runs here, holding up this worker's other connections. */
static void serve_connection(const struct worker_context *w, int client)
{
	char request[REQUEST_MAX], response[256];
	size_t have = 0;

	set_io_timeout(client, w->m->cfg.io_timeout_ms);
	while (!worker_stopping) {
		bool keepalive = false;
		size_t head = have ? http_request_complete(request, have, &keepalive) : 0;
		size_t response_len;
		ssize_t n;

		if (!head) {
			if (have == sizeof(request))
				return;
			n = recv(client, request + have, sizeof(request) - have, 0);
			if (n < 0 && errno == EINTR)
				continue; /* the loop condition decides */
			if (n <= 0)
				return;
			have += (size_t)n;
			continue;
		}
		if (work_due(++requests_served, w->m->cfg.work_fraction ? w->m->cfg.work_fraction : 1)) {
			if (w->pool && pool_submit_and_wait(w->pool) < 0)
				return; /* the work failed (file: the read): the client sees a reset */
			if (!w->pool && w->m->cfg.work_amount)
				work_sleep_us(w->m->cfg.work_amount); /* --work sleep:US@F without a pool */
		}
		response_len = http_format_response(response, sizeof(response), keepalive);
		if (write_full(client, response, response_len) < 0 || !keepalive)
			return;
		/* a pipelined next request may already be here */
		memmove(request, request + head, have - head);
		have -= head;
	}
}

/* One control message, one write(): the pipe is PIPE_BUF-atomic. */
static void send_control(const struct worker_context *w, enum control_type type, uint64_t value,
			 const char *text)
{
	struct control_msg msg = { .type = type, .worker_index = w->index, .value = value };

	if (text)
		snprintf(msg.text, sizeof(msg.text), "%s", text);
	write_full(w->control_fd, &msg, sizeof(msg));
}

/* A setup failure is not a crash to restart from: the master gives up. */
static void __attribute__((noreturn, format(printf, 2, 3))) worker_fail(const struct worker_context *w,
									const char *fmt, ...)
{
	char text[sizeof(((struct control_msg *)0)->text)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	send_control(w, CONTROL_FAILED, 0, text);
	_exit(1);
}

/* reuseport*: the worker's own listener, so that it dies with the worker,
 * accept queue and all (what net.ipv4.tcp_migrate_req is about). */
static int open_own_listener(const struct worker_context *w)
{
	struct error_message why = { "" };
	int fd = open_listen_socket(w->m->cfg.listen_addr, w->m->port, w->m->cfg.backlog,
				    SOCKET_NONBLOCK | SOCKET_REUSEPORT | SOCKET_LISTEN, NULL, &why);

	if (fd < 0)
		worker_fail(w, "worker %u: %s", w->index, why.text);
	return fd;
}

/* reuseport-bpf: puts the listener into the socket array at the worker's
 * index (replacing a dead predecessor's socket, which left by itself) and
 * attaches the program to the group. Every worker attaches it: the group
 * dies with its last listener (one worker, restarted), taking the program
 * along, and attaching the same program again is harmless. */
static void join_steering(const struct worker_context *w)
{
	int prog_fd = bpf_program__fd(w->m->steering->progs.steer);
	int map_fd = bpf_map__fd(w->m->steering->maps.listeners);
	__u32 slot = w->index;
	__u64 fd = (__u64)w->listener;

	if (bpf_map_update_elem(map_fd, &slot, &fd, BPF_ANY) < 0)
		worker_fail(w, "worker %u cannot enter its listener in the socket array (%s)", w->index,
			    strerror(errno));
	if (setsockopt(w->listener, SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, &prog_fd, sizeof(prog_fd)) < 0)
		worker_fail(w, "worker %u cannot attach the steering program (SO_ATTACH_REUSEPORT_EBPF: %s)",
			    w->index, strerror(errno));
}

/* --threads: the worker's pool, started after the fork (threads do not
 * survive one) and before it reports ready, so the load finds it waiting. */
static struct pool *start_pool(const struct worker_context *w)
{
	const struct server_config *cfg = &w->m->cfg;
	const struct pool_config pool = {
		.threads = cfg->threads,
		.work_kind = cfg->work_kind,
		.work_amount = cfg->work_amount,
		.wake = cfg->pool_wake,
		.notify = cfg->pool_notify,
		.work_file = w->m->work_file,
	};
	struct error_message why = { "" };
	struct pool *p = pool_start(&pool, &why);

	if (!p)
		worker_fail(w, "worker %u: %s", w->index, why.text);
	return p;
}

/* Accepts and serves until stopping; returns false on an unexpected error.
 * *ACCEPTED counts successful accept4 returns, the worker's own figure. */
static bool worker_serve(const struct worker_context *w, uint64_t *accepted)
{
	enum scenario_model model = w->m->cfg.model;
	bool use_epoll = model != MODEL_SHARED_ACCEPT;
	int epoll_fd = -1;

	if (use_epoll) {
		/* each worker its own epoll instance, created after fork, like nginx */
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = w->listener };

		if (model == MODEL_SHARED_EPOLL_EXCL)
			ev.events |= EPOLLEXCLUSIVE;
		epoll_fd = epoll_create1(EPOLL_CLOEXEC);
		if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, w->listener, &ev) < 0)
			worker_fail(w, "worker %u cannot wait on its listener (epoll: %s)", w->index,
				    strerror(errno));
	}
	send_control(w, CONTROL_READY, 0, NULL);
	while (!worker_stopping) {
		int client;

		if (use_epoll) {
			struct epoll_event ev;

			if (epoll_wait(epoll_fd, &ev, 1, -1) < 0) {
				if (errno == EINTR)
					continue;
				return false;
			}
		}
		/* blocking for shared-accept, non-blocking (EAGAIN = someone else got it) for epoll */
		client = accept4(w->listener, NULL, NULL, SOCK_CLOEXEC);
		if (client < 0) {
			if (accept_error_is_transient(errno))
				continue;
			return false;
		}
		(*accepted)++;
		if (w->open_connections)
			__atomic_add_fetch(w->open_connections, 1, __ATOMIC_RELAXED);
		/* served to the end before the worker waits on the listener again */
		serve_connection(w, client);
		close(client);
		if (w->open_connections)
			__atomic_sub_fetch(w->open_connections, 1, __ATOMIC_RELAXED);
	}
	return true;
}

/* fd-dispatch: receives connections from the master and serves each fully.
 * *RECEIVED counts the fds that arrived, the worker's own figure. */
static bool worker_receive(const struct worker_context *w, uint64_t *received)
{
	const char ack = 'A';

	send_control(w, CONTROL_READY, 0, NULL);
	while (!worker_stopping) {
		int client = receive_fd(w->dispatch_fd);
		ssize_t n;

		if (client < 0 && errno == EINTR)
			continue;
		if (client < 0 && errno != EBADMSG)
			return false; /* the master is gone; PR_SET_PDEATHSIG follows */
		if (client >= 0)
			(*received)++;
		/* on receipt, not after serving, like Node's {accepted: true}: the
		 * master may hand us the next one while we serve this one */
		do
			n = send(w->dispatch_fd, &ack, 1, MSG_NOSIGNAL);
		while (n < 0 && errno == EINTR);
		if (client < 0)
			continue;
		serve_connection(w, client);
		close(client);
		if (n != 1)
			return false;
	}
	return true;
}

void __attribute__((noreturn)) worker_main(const struct master *m, unsigned index, int control_fd,
					   int dispatch_fd)
{
	struct worker_context w = {
		.m = m,
		.index = index,
		.control_fd = control_fd,
		.listener = -1,
		.dispatch_fd = dispatch_fd,
	};
	int keep[4] = { control_fd };
	size_t nkeep = 1;
	struct sigaction stop = { .sa_handler = on_stop_signal }; /* no SA_RESTART */
	sigset_t none;
	uint64_t count = 0;
	bool clean;

	die_with_parent(m->pid);
	prctl(PR_SET_NAME, "tb-worker");
	/* what the worker keeps of the master's descriptors: never the master's
	 * own listener (fd-dispatch) or port reservation (reuseport*) */
	switch (m->cfg.model) {
	case MODEL_SHARED_ACCEPT:
	case MODEL_SHARED_EPOLL:
	case MODEL_SHARED_EPOLL_EXCL:
		w.listener = m->listener;
		keep[nkeep++] = m->listener;
		break;
	case MODEL_REUSEPORT_BPF:
		keep[nkeep++] = bpf_program__fd(m->steering->progs.steer);
		keep[nkeep++] = bpf_map__fd(m->steering->maps.listeners);
		if (m->cfg.policy == POLICY_LEAST) {
			/* the .bss stays mapped (MAP_SHARED, mapped before the fork) after its fd closes */
			w.open_connections = &m->steering->bss->open_connections[index];
			/* a dead predecessor's open connections died with it */
			__atomic_store_n(w.open_connections, 0, __ATOMIC_RELAXED);
		}
		break;
	case MODEL_FD_DISPATCH:
		keep[nkeep++] = dispatch_fd;
		break;
	default:
		break;
	}
	close_other_fds(keep, nkeep);

	sigemptyset(&stop.sa_mask);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	/* SIGPIPE stays ignored (inherited): a client that vanishes must not kill us */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (m->cfg.model == MODEL_REUSEPORT || m->cfg.model == MODEL_REUSEPORT_BPF)
		w.listener = open_own_listener(&w);
	if (m->cfg.model == MODEL_REUSEPORT_BPF)
		join_steering(&w);
	if (m->cfg.threads)
		w.pool = start_pool(&w);
	if (m->cfg.model == MODEL_FD_DISPATCH)
		clean = worker_receive(&w, &count);
	else
		clean = worker_serve(&w, &count);
	/* the threads end before the report, so its count is final */
	if (w.pool)
		send_control(&w, CONTROL_POOL_REPORT, pool_stop(w.pool), NULL);
	send_control(&w, CONTROL_REPORT, count, NULL);
	_exit(clean ? 0 : 1);
}

