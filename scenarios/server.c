// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The shared-listener server models: a master that forks N workers over one
 * inherited listening socket, supervises them, and reports to the testbed
 * over a status pipe. The processes never exec, so everything here runs in
 * forked copies of the caller and leaves with _exit(), never exit(). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "http.h"
#include "server.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define STOP_RESEND_MS  100  /* SIGTERM may land just before a worker blocks: repeat it */
#define STOP_GIVE_UP_MS 3000 /* then SIGKILL whoever has not reported */
#define REQUEST_MAX     4096 /* a request head larger than this closes the connection */

const struct scenario_info scenario_table[] = {
	{
		.name = "shared-accept",
		.model = MODEL_SHARED_ACCEPT,
		.waits_in = "blocking accept() on one inherited listener",
		.twin = "pre-fork Apache, Node child_process.send(server)",
	},
	{
		.name = "shared-epoll",
		.model = MODEL_SHARED_EPOLL,
		.waits_in = "level-triggered epoll_wait on the shared non-blocking listener, then accept4",
		.twin = "Node cluster SCHED_NONE, nginx with accept_mutex off before EPOLLEXCLUSIVE",
	},
	{
		.name = "shared-epoll-excl",
		.model = MODEL_SHARED_EPOLL_EXCL,
		.waits_in = "the same with EPOLLEXCLUSIVE (Linux >= 4.5)",
		.twin = "nginx >= 1.11.3 default",
	},
};
const unsigned scenario_count = ARRAY_SIZE(scenario_table);

const struct scenario_info *scenario_find(const char *name)
{
	for (unsigned i = 0; i < scenario_count; i++)
		if (strcmp(scenario_table[i].name, name) == 0)
			return &scenario_table[i];
	return NULL;
}

int scenario_supported(const struct scenario_info *s, char *why, unsigned why_size)
{
	struct utsname uts;
	unsigned major, minor;

	if (s->model != MODEL_SHARED_EPOLL_EXCL)
		return 1;
	if (uname(&uts) < 0 || sscanf(uts.release, "%u.%u", &major, &minor) != 2) {
		if (why && why_size)
			snprintf(why, why_size, "cannot read the kernel release");
		return 0;
	}
	/* EPOLLEXCLUSIVE arrived in Linux 4.5 (commit df0108c5da56) */
	if (major > 4 || (major == 4 && minor >= 5))
		return 1;
	if (why && why_size)
		snprintf(why, why_size, "EPOLLEXCLUSIVE needs Linux >= 4.5, this is %s", uts.release);
	return 0;
}

/* Worker -> master, over the worker's own control pipe. */
enum control_type {
	CONTROL_REPORT = 1,      /* value = connections this worker accepted */
};

struct control_msg {
	uint32_t type;           /* enum control_type */
	uint32_t worker_index;
	uint64_t value;
};

struct worker {
	pid_t pid;               /* 0 = not running (reaped, or given up on) */
	int control_fd;          /* non-blocking read end of its control pipe, or -1 */
	bool reported;
};

struct master {
	struct server_config cfg;
	pid_t pid;
	int status_fd;
	int listener;
	int signal_fd;
	sigset_t signals;        /* SIGCHLD, SIGTERM, SIGINT: read through signal_fd */
	struct worker *workers;
	struct pollfd *poll_fds; /* [0] signal_fd, [1 + i] worker i's control pipe */
	bool stopping;
	int64_t resend_at_ms, give_up_at_ms;
};

/* Set by SIGTERM/SIGINT in a worker; the handler has no SA_RESTART, so a
 * blocking accept4/epoll_wait/recv returns EINTR and the loop sees it. */
static volatile sig_atomic_t worker_stopping;

static void on_stop_signal(int sig)
{
	worker_stopping = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool fd_in(int fd, const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] == fd)
			return true;
	return false;
}

/* Closes every descriptor above stderr except KEEP. O_CLOEXEC only acts on
 * exec and these processes never exec, so without this the master and the
 * workers would hold the caller's BPF links, maps and ring buffers. */
static void close_other_fds(const int *keep, size_t n)
{
	unsigned lo = 3;
	DIR *dir;
	struct dirent *entry;

	for (;;) {
		unsigned next = UINT_MAX;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)lo && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == UINT_MAX) {
			if (close_range(lo, ~0U, 0) == 0)
				return;
			break;
		}
		if (next > lo && close_range(lo, next - 1, 0) < 0)
			break;
		lo = next + 1;
	}

	/* close_range() is Linux >= 5.9; the testbed also runs on older kernels */
	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		char *end;
		long fd = strtol(entry->d_name, &end, 10);

		if (*end || end == entry->d_name || fd < 3 || fd == dirfd(dir) ||
		    fd_in((int)fd, keep, n))
			continue;
		close((int)fd);
	}
	closedir(dir);
}

/* Dies with the process that forked us. PR_SET_PDEATHSIG fires when the
 * forking *thread* exits, so server_spawn() belongs on a long-lived thread. */
static void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
}

/* Closes both ends of a pipe or socketpair, keeping errno for the caller. */
static void close_pair(const int fds[2])
{
	int err = errno;

	close(fds[0]);
	close(fds[1]);
	errno = err;
}

/* Plain write(): the master and the workers ignore SIGPIPE, so a peer that
 * went away is an EPIPE here, never a death. */
static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- worker ---- */

static void set_io_timeout(int fd, unsigned timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Answers requests on CLIENT until the client closes, asks to close, times
 * out, sends a head larger than REQUEST_MAX, or the worker is stopping.
 * Only request heads are read: the clients we serve send GET without a body. */
static void serve_connection(int client, unsigned io_timeout_ms)
{
	char request[REQUEST_MAX], response[256];
	size_t have = 0;

	set_io_timeout(client, io_timeout_ms);
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
		response_len = http_format_response(response, sizeof(response), keepalive);
		if (write_full(client, response, response_len) < 0 || !keepalive)
			return;
		/* a pipelined next request may already be here */
		memmove(request, request + head, have - head);
		have -= head;
	}
}

/* Whether the worker can go on after accept4 failed with ERR. */
static bool accept_error_is_transient(int err)
{
	static const struct timespec backoff = { .tv_nsec = 10 * 1000 * 1000 };

	switch (err) {
	case EINTR:
	case EAGAIN:
	case ECONNABORTED:
	case EPROTO:
	case EPERM:              /* a firewall refused it */
		return true;
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		/* the connection stays queued: wait instead of spinning on it */
		nanosleep(&backoff, NULL);
		return true;
	default:
		return false;
	}
}

/* Accepts and serves until stopping; returns false on an unexpected error.
 * *ACCEPTED counts successful accept4 returns, the worker's own figure. */
static bool worker_serve(const struct master *m, uint64_t *accepted)
{
	bool use_epoll = m->cfg.model != MODEL_SHARED_ACCEPT;
	int epoll_fd = -1;

	if (use_epoll) {
		/* each worker its own epoll instance, created after fork, like nginx */
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = m->listener };

		if (m->cfg.model == MODEL_SHARED_EPOLL_EXCL)
			ev.events |= EPOLLEXCLUSIVE;
		epoll_fd = epoll_create1(EPOLL_CLOEXEC);
		if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, m->listener, &ev) < 0)
			return false;
	}
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
		client = accept4(m->listener, NULL, NULL, SOCK_CLOEXEC);
		if (client < 0) {
			if (accept_error_is_transient(errno))
				continue;
			return false;
		}
		(*accepted)++;
		/* served to the end before the worker waits on the listener again */
		serve_connection(client, m->cfg.io_timeout_ms);
		close(client);
	}
	return true;
}

static void __attribute__((noreturn)) worker_main(const struct master *m, unsigned index, int control_fd)
{
	const int keep[] = { m->listener, control_fd };
	struct sigaction stop = { .sa_handler = on_stop_signal }; /* no SA_RESTART */
	sigset_t none;
	struct control_msg report = { .type = CONTROL_REPORT, .worker_index = index };
	bool clean;

	die_with_parent(m->pid);
	prctl(PR_SET_NAME, "tb-worker");
	close_other_fds(keep, ARRAY_SIZE(keep));

	sigemptyset(&stop.sa_mask);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	/* SIGPIPE stays ignored (inherited): a client that vanishes must not kill us */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	clean = worker_serve(m, &report.value);
	write_full(control_fd, &report, sizeof(report));
	_exit(clean ? 0 : 1);
}

/* ---- master ---- */

static void begin_stop(struct master *m);

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
}

/* Returns the listener, or fails the master with a one-line reason. */
static int open_listener(struct master *m, unsigned *port)
{
	/* epoll workers accept4 after a wakeup another worker may have used up */
	int type = SOCK_STREAM | SOCK_CLOEXEC | (m->cfg.model == MODEL_SHARED_ACCEPT ? 0 : SOCK_NONBLOCK);
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)m->cfg.port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t addr_len = sizeof(addr);
	int one = 1, fd;

	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		master_fail(m, "cannot create the listening socket (socket: %s)", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		master_fail(m, "cannot set SO_REUSEADDR (setsockopt: %s)", strerror(errno));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		if (errno == EADDRINUSE)
			master_fail(m, "port %u is already in use (bind: %s)", m->cfg.port, strerror(errno));
		master_fail(m, "cannot bind 127.0.0.1:%u (bind: %s)", m->cfg.port, strerror(errno));
	}
	if (listen(fd, m->cfg.backlog > INT_MAX ? INT_MAX : (int)m->cfg.backlog) < 0)
		master_fail(m, "cannot listen on 127.0.0.1:%u (listen: %s)", m->cfg.port, strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&addr, &addr_len) < 0)
		master_fail(m, "cannot read the listening port (getsockname: %s)", strerror(errno));
	*port = ntohs(addr.sin_port);
	return fd;
}

/* Forks worker INDEX (first start or restart); 0 or -errno. */
static int start_worker(struct master *m, unsigned index)
{
	struct worker *w = &m->workers[index];
	int control[2];
	pid_t pid;

	if (pipe2(control, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close_pair(control);
		return -errno;
	}
	if (pid == 0) {
		close(control[0]);
		worker_main(m, index, control[1]);
	}
	close(control[1]);
	/* non-blocking so the master can drain a reaped worker's pipe without hanging */
	fcntl(control[0], F_SETFL, O_NONBLOCK);
	w->pid = pid;
	w->control_fd = control[0];
	w->reported = false;
	send_status(m, STATUS_WORKER_STARTED, index, pid, 0, NULL);
	return 0;
}

/* Reads whatever worker INDEX has written; closes the pipe at EOF. */
static void read_control(struct master *m, unsigned index)
{
	struct worker *w = &m->workers[index];
	struct control_msg msg;

	while (w->control_fd >= 0) {
		ssize_t n = read(w->control_fd, &msg, sizeof(msg));

		if (n == sizeof(msg)) {
			if (msg.type == CONTROL_REPORT && msg.worker_index == index && !w->reported) {
				w->reported = true;
				send_status(m, STATUS_WORKER_REPORT, index, w->pid, msg.value, NULL);
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

static void __attribute__((noreturn)) master_run(struct master *m)
{
	unsigned nfds = m->cfg.workers + 1;
	int timeout;

	while (!stop_complete(m, &timeout)) {
		m->poll_fds[0] = (struct pollfd){ .fd = m->signal_fd, .events = POLLIN };
		for (unsigned i = 0; i < m->cfg.workers; i++) /* poll skips fd -1 */
			m->poll_fds[1 + i] = (struct pollfd){ .fd = m->workers[i].control_fd,
							      .events = POLLIN };
		if (poll(m->poll_fds, nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			master_fail(m, "master: poll: %s", strerror(errno));
		}
		if (m->poll_fds[0].revents)
			handle_signals(m);
		/* a restart in handle_signals may reuse a number; its read just gets EAGAIN */
		for (unsigned i = 0; i < m->cfg.workers; i++)
			if (m->poll_fds[1 + i].revents)
				read_control(m, i);
	}
	send_status(m, STATUS_DONE, 0, 0, 0, NULL);
	_exit(0);
}

static void __attribute__((noreturn)) master_main(const struct server_config *cfg, pid_t caller,
						  int status_fd, int gate_fd)
{
	struct master m = {
		.cfg = *cfg,
		.status_fd = status_fd,
		.listener = -1,
		.signal_fd = -1,
	};
	const int keep[] = { status_fd, gate_fd };
	sigset_t none;
	unsigned port;
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

	m.listener = open_listener(&m, &port);
	m.workers = calloc(cfg->workers, sizeof(*m.workers));
	m.poll_fds = calloc(cfg->workers + 1, sizeof(*m.poll_fds));
	if (!m.workers || !m.poll_fds)
		master_fail(&m, "master: out of memory for %u workers", cfg->workers);
	for (unsigned i = 0; i < cfg->workers; i++)
		m.workers[i].control_fd = -1;
	for (unsigned i = 0; i < cfg->workers; i++) {
		int err = start_worker(&m, i);

		if (err < 0)
			master_fail(&m, "cannot start worker %u (%s)", i, strerror(-err));
	}
	send_status(&m, STATUS_READY, 0, 0, port, NULL);
	master_run(&m);
}

/* ---- caller side ---- */

pid_t server_spawn(const struct server_config *cfg, int *status_fd, int *gate_fd)
{
	int status_pipe[2], gate[2];
	pid_t caller = getpid(), pid;

	if (cfg->workers == 0 || cfg->port > 65535 || cfg->model > MODEL_SHARED_EPOLL_EXCL) {
		errno = EINVAL;
		return -1;
	}
	if (pipe2(status_pipe, O_CLOEXEC) < 0)
		return -1;
	/* a socketpair, not a pipe: server_release() sends with MSG_NOSIGNAL, so a
	 * master that already died cannot SIGPIPE the caller */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, gate) < 0) {
		close_pair(status_pipe);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close_pair(status_pipe);
		close_pair(gate);
		return -1;
	}
	if (pid == 0) {
		close(status_pipe[0]);
		close(gate[1]);
		master_main(cfg, caller, status_pipe[1], gate[0]);
	}
	close(status_pipe[1]);
	close(gate[0]);
	*status_fd = status_pipe[0];
	*gate_fd = gate[1];
	return pid;
}

int server_release(int gate_fd)
{
	const char go = 1;
	ssize_t n;
	int err;

	do
		n = send(gate_fd, &go, 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	err = n == 1 ? 0 : -errno;
	close(gate_fd);
	return err;
}

int server_read_status(int status_fd, struct status_msg *msg, int timeout_ms)
{
	struct pollfd pfd = { .fd = status_fd, .events = POLLIN };
	size_t have = 0;
	int ready = poll(&pfd, 1, timeout_ms);

	if (ready <= 0)
		return ready;
	while (have < sizeof(*msg)) {
		ssize_t n = read(status_fd, (char *)msg + have, sizeof(*msg) - have);

		if (n < 0 && errno == EINTR && have)
			continue; /* never leave half a message in the pipe */
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EPIPE; /* the master exited */
			return -1;
		}
		have += (size_t)n;
	}
	return 1;
}
