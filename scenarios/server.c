// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The server models: a master that forks N workers, supervises them, and
 * reports to the testbed over a status pipe. The workers wait on one
 * inherited listener (shared-*), on a SO_REUSEPORT listener of their own
 * (reuseport, reuseport-bpf), or on a Unix socket over which the master
 * passes the connections it accepted (fd-dispatch). The processes never
 * exec, so everything here runs in forked copies of the caller and leaves
 * with _exit(), never exit(). */
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

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dispatch.h"
#include "http.h"
#include "pool.h"
#include "reuseport.h"
#include "reuseport.skel.h"
#include "server.h"
#include "util.h"


#define STOP_RESEND_MS  100  /* SIGTERM may land just before a worker blocks: repeat it */
#define STOP_GIVE_UP_MS 3000 /* then SIGKILL whoever has not reported */
#define REQUEST_MAX     4096 /* a request head larger than this closes the connection */
#define ACCEPT_BATCH    64   /* fd-dispatch: accepts per listener wakeup, then back to poll */

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
	{
		.name = "reuseport",
		.model = MODEL_REUSEPORT,
		.waits_in = "epoll_wait on its own SO_REUSEPORT listener; the kernel's 4-tuple hash picks the listener",
		.twin = "nginx listen ... reuseport",
	},
	{
		.name = "reuseport-bpf",
		.model = MODEL_REUSEPORT_BPF,
		.waits_in = "the same SO_REUSEPORT group, steered by an SK_REUSEPORT BPF program (rr, least open)",
		.twin = "Cloudflare/Facebook-style custom steering",
		.policies = 1u << POLICY_RR | 1u << POLICY_LEAST,
		.default_policy = POLICY_RR,
		.max_workers = REUSEPORT_MAX_WORKERS,
	},
	{
		.name = "fd-dispatch",
		.model = MODEL_FD_DISPATCH,
		.waits_in = "recvmsg on a Unix socket: the master accepts and passes each fd with SCM_RIGHTS (rr, idle)",
		.twin = "Node cluster SCHED_RR (the default on Linux; its RoundRobinHandle is the idle policy)",
		.policies = 1u << POLICY_RR | 1u << POLICY_IDLE,
		.default_policy = POLICY_RR,
	},
};
const unsigned scenario_count = ARRAY_SIZE(scenario_table);

static const char *const policy_names[] = {
	[POLICY_NONE] = "none",
	[POLICY_RR] = "rr",
	[POLICY_LEAST] = "least",
	[POLICY_IDLE] = "idle",
};

const char *policy_name(enum dispatch_policy policy)
{
	if ((unsigned)policy >= ARRAY_SIZE(policy_names) || !policy_names[policy])
		return "unknown";
	return policy_names[policy];
}

int policy_parse(const char *name, enum dispatch_policy *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(policy_names); i++) {
		if (name && policy_names[i] && strcmp(name, policy_names[i]) == 0) {
			*out = (enum dispatch_policy)i;
			return 0;
		}
	}
	return -1;
}

bool scenario_accepts_policy(const struct scenario_info *s, enum dispatch_policy policy)
{
	if (policy == POLICY_NONE)
		return true; /* the scenario's default */
	return (unsigned)policy < 32 && (s->policies & (1u << policy));
}

const struct scenario_info *scenario_find(const char *name)
{
	for (unsigned i = 0; i < scenario_count; i++)
		if (strcmp(scenario_table[i].name, name) == 0)
			return &scenario_table[i];
	return NULL;
}

static const struct scenario_info *scenario_of_model(enum scenario_model model)
{
	for (unsigned i = 0; i < scenario_count; i++)
		if (scenario_table[i].model == model)
			return &scenario_table[i];
	return NULL;
}

/* 1 if the running kernel is at least MAJOR.MINOR, 0 if older (its release
 * in RELEASE), -1 if the release cannot be read. */
static int kernel_at_least(unsigned major, unsigned minor, char *release, size_t release_size)
{
	struct utsname uts;
	unsigned have_major, have_minor;

	if (uname(&uts) < 0 || sscanf(uts.release, "%u.%u", &have_major, &have_minor) != 2)
		return -1;
	snprintf(release, release_size, "%s", uts.release);
	return have_major > major || (have_major == major && have_minor >= minor);
}

/* Whether SO_REUSEPORT exists (Linux 3.9 for TCP): asked of the kernel itself. */
static int probe_reuseport(struct error_message *why)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0) {
		error_message_set(why, "cannot create a TCP socket to probe SO_REUSEPORT (%s)", strerror(errno));
		return 0;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		err = errno;
	close(fd);
	if (err) {
		error_message_set(why, "SO_REUSEPORT needs Linux >= 3.9 (setsockopt: %s)", strerror(err));
		return 0;
	}
	return 1;
}

/* Whether array maps can be mmapped (Linux 5.5): the workers update the
 * open-connection counters through the mmapped .bss. 1, 0, or -errno when
 * we may not use bpf() at all (not root), so no probe can tell. */
static int probe_mmapable_array(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, sizeof(__u32), sizeof(__u64), 1, &opts);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EINVAL ? 0 : -errno;
}

/* reuseport-bpf: SK_REUSEPORT programs and socket arrays (Linux 4.19),
 * bpf_spin_lock in map values (5.1), bounded loops (5.3), mmapable arrays
 * (5.5). Asked of the kernel where we may use bpf(), else judged by release. */
static int probe_reuseport_bpf(struct error_message *why)
{
	int mmapable = probe_mmapable_array();
	char release[65] = "";

	if (mmapable < 0) {
		/* libbpf's probes would read "no privilege" as "not supported" */
		switch (kernel_at_least(5, 5, release, sizeof(release))) {
		case 1:
			return probe_reuseport(why);
		case 0:
			error_message_set(why, "the steering program needs Linux >= 5.5, this is %s", release);
			return 0;
		default:
			error_message_set(why, "cannot read the kernel release");
			return 0;
		}
	}
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SK_REUSEPORT, NULL) != 1 ||
	    libbpf_probe_bpf_map_type(BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, NULL) != 1) {
		error_message_set(why, "SK_REUSEPORT programs and socket arrays need Linux >= 4.19");
		return 0;
	}
	if (!mmapable) {
		error_message_set(why, "mmapable BPF array maps need Linux >= 5.5");
		return 0;
	}
	return probe_reuseport(why);
}

int scenario_supported(const struct scenario_info *s, struct error_message *why)
{
	struct error_message reason = { "" };
	char release[65] = "";
	int ok = 1;

	switch (s->model) {
	case MODEL_SHARED_EPOLL_EXCL:
		/* EPOLLEXCLUSIVE arrived in Linux 4.5 (commit df0108c5da56) */
		ok = kernel_at_least(4, 5, release, sizeof(release));
		if (ok < 0)
			error_message_set(&reason, "cannot read the kernel release");
		else if (!ok)
			error_message_set(&reason, "EPOLLEXCLUSIVE needs Linux >= 4.5, this is %s", release);
		break;
	case MODEL_REUSEPORT:
		ok = probe_reuseport(&reason);
		break;
	case MODEL_REUSEPORT_BPF:
		ok = probe_reuseport_bpf(&reason);
		break;
	default:
		break;
	}
	if (ok == 1)
		return 1;
	if (why)
		*why = reason;
	return 0;
}

/* Worker -> master, over the worker's own control pipe. Each message is one
 * write() of this fixed struct and each master read() takes exactly one. */
enum control_type {
	CONTROL_REPORT = 1,      /* value = the worker's own count: connections it accepted,
	                            or (fd-dispatch) connection fds it received */
	CONTROL_READY,           /* it waits on its listener or socket now */
	CONTROL_FAILED,          /* text = why its setup failed; the run cannot go on */
	CONTROL_POOL_REPORT,     /* value = jobs its pool threads ran (sent before CONTROL_REPORT) */
};

struct control_msg {
	uint32_t type;           /* enum control_type */
	uint32_t worker_index;
	uint64_t value;
	char text[sizeof(((struct status_msg *)0)->text)];
};

struct worker {
	pid_t pid;               /* 0 = not running (reaped, or given up on) */
	int control_fd;          /* non-blocking read end of its control pipe, or -1 */
	int dispatch_fd;         /* fd-dispatch: the master's end of its socketpair, or -1 */
	bool ready;              /* sent CONTROL_READY since it was started */
	bool reported;
};

struct master {
	struct server_config cfg; /* policy resolved: never POLICY_NONE where the model has policies */
	pid_t pid;
	int status_fd;
	/* shared-*: the listener the workers inherit; fd-dispatch: the master's own;
	 * reuseport*: bound, not listening, to hold the port across restarts */
	int listener;
	unsigned port;
	int signal_fd;
	sigset_t signals;        /* SIGCHLD, SIGTERM, SIGINT: read through signal_fd */
	struct worker *workers;
	struct pollfd *poll_fds; /* see master_run() for the layout */
	struct reuseport_bpf *steering;  /* reuseport-bpf: program, socket array, counters */
	struct dispatcher *dispatcher;   /* fd-dispatch */
	uint64_t accepted;       /* fd-dispatch: connections the master accepted */
	char work_file[64];      /* --work file: the file the pools read, created once; "" = none */
	bool ready_sent;         /* STATUS_READY went out */
	bool stopping;
	int64_t resend_at_ms, give_up_at_ms;
};

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

/* ---- sockets ---- */

enum socket_flags {
	SOCKET_NONBLOCK = 1 << 0,  /* accept4 after a wakeup someone else may have used up */
	SOCKET_REUSEPORT = 1 << 1, /* join the port's SO_REUSEPORT group */
	SOCKET_LISTEN = 1 << 2,    /* else only bound: holds the port, takes no connections */
};

/* A TCP socket with SO_REUSEADDR bound to 127.0.0.1:PORT (0 = any free
 * port, then in *BOUND_PORT). The fd, or -1 with a one-line reason in WHY. */
static int open_loopback_socket(unsigned port, unsigned backlog, unsigned flags,
				unsigned *bound_port, struct error_message *why)
{
	int type = SOCK_STREAM | SOCK_CLOEXEC | (flags & SOCKET_NONBLOCK ? SOCK_NONBLOCK : 0);
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t addr_len = sizeof(addr);
	int one = 1, fd;

	fd = socket(AF_INET, type, 0);
	if (fd < 0) {
		error_message_set(why, "cannot create the listening socket (socket: %s)", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		error_message_set(why, "cannot set SO_REUSEADDR (setsockopt: %s)", strerror(errno));
		goto fail;
	}
	if ((flags & SOCKET_REUSEPORT) && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
		error_message_set(why, "cannot set SO_REUSEPORT (setsockopt: %s)", strerror(errno));
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		if (errno == EADDRINUSE)
			error_message_set(why, "port %u is already in use (bind: %s)", port, strerror(errno));
		else
			error_message_set(why, "cannot bind 127.0.0.1:%u (bind: %s)", port, strerror(errno));
		goto fail;
	}
	if ((flags & SOCKET_LISTEN) && listen(fd, backlog > INT_MAX ? INT_MAX : (int)backlog) < 0) {
		/* reuseport*: someone listens on the port our workers share */
		if (errno == EADDRINUSE)
			error_message_set(why, "port %u is already in use (listen: %s)", port, strerror(errno));
		else
			error_message_set(why, "cannot listen on 127.0.0.1:%u (listen: %s)", port, strerror(errno));
		goto fail;
	}
	if (bound_port) {
		if (getsockname(fd, (struct sockaddr *)&addr, &addr_len) < 0) {
			error_message_set(why, "cannot read the listening port (getsockname: %s)", strerror(errno));
			goto fail;
		}
		*bound_port = ntohs(addr.sin_port);
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* fd-dispatch hand-off: one message of one byte carrying FD (SCM_RIGHTS).
 * Never blocks: each worker has at most one hand-off in flight. 0 or -1. */
static int send_fd(int sock, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* Waits for the next hand-off on SOCK. The received fd, or -1 with errno:
 * EINTR; EPIPE when the master's end is gone; EBADMSG when the message came
 * without its fd (our descriptor table was full: the kernel dropped it). */
static int receive_fd(int sock)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	int fd;

	if (n < 0)
		return -1;
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EBADMSG;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
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
 * Only request heads are read: the clients we serve send GET without a body.
 * With a pool, each request's work runs there and the worker waits for it. */
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
		if (w->pool && pool_submit_and_wait(w->pool) < 0)
			return; /* the work failed (file: the read): the client sees a reset */
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
	int fd = open_loopback_socket(w->m->port, w->m->cfg.backlog,
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

static void __attribute__((noreturn)) worker_main(const struct master *m, unsigned index, int control_fd,
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

/* ---- master ---- */

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
	m->listener = open_loopback_socket(m->cfg.port, m->cfg.backlog, flags, &m->port, &why);
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

/* ---- caller side ---- */

pid_t server_spawn(const struct server_config *cfg, int *status_fd, int *gate_fd)
{
	const struct scenario_info *s = scenario_of_model(cfg->model);
	struct server_config resolved = *cfg;
	int status_pipe[2], gate[2];
	pid_t caller = getpid(), pid;

	/* too many workers for the model is the master's STATUS_ERROR: it says why */
	if (!s || cfg->workers == 0 || cfg->port > 65535 || !scenario_accepts_policy(s, cfg->policy) ||
	    cfg->threads > POOL_MAX_THREADS) {
		errno = EINVAL;
		return -1;
	}
	if (resolved.policy == POLICY_NONE)
		resolved.policy = s->default_policy;
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
		master_main(&resolved, caller, status_pipe[1], gate[0]);
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
