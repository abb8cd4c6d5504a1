// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The HTTP/1.1 load generator: client threads, each with an epoll instance
 * and a share of the connection slots; a slot runs one request at a time.
 * Closed loop (the default): a slot starts its next request as soon as the
 * last one ended, until the time or request bound is reached. Open loop
 * (--rate): requests arrive at the given rate (Poisson or uniform gaps,
 * timed by each thread's timerfd) whatever the server does; an arrival
 * waits for a free slot and its latency counts from when it should have
 * started. Everything a thread records (counters, latency histogram) is its
 * own, so the hot path takes no locks; loadgen_finish() merges it after the
 * join. Holds no HTTP parsing (lib/http.c) and no reporting (the caller
 * reads struct loadgen_result). */
/* _GNU_SOURCE (CPU_COUNT, sched_getaffinity) comes from the build's CPPFLAGS. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "http.h"
#include "loadgen.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S 1000000000ull
/* epoll_wait timeout, and so the longest a deadline or a stop request waits. */
#define TICK_MS 10
/* Deadlines and backoffs are scanned at most this often while events flow. */
#define SWEEP_NS (5 * NS_PER_MS)
/* After running out of fds or ephemeral ports, a slot waits this long before
 * its next attempt instead of spinning on the same error. */
#define BACKOFF_NS (10 * NS_PER_MS)
#define EVENTS_PER_WAIT 256
/* epoll data of the open-loop arrival timer (slot events carry index | generation << 32) */
#define ARRIVAL_TIMER_TAG UINT64_MAX
/* open loop: the arrival timer's slack (the default 50 us would delay every start) */
#define ARRIVAL_TIMER_SLACK_NS 1000
/* Room for a whole response. The testbed's servers answer in under 100 bytes;
 * a larger response counts as other_errors rather than growing the buffer. */
#define RESPONSE_BUF_SIZE 8192
#define REQUEST_BUF_SIZE 256
/* A duration longer than this is a typo, and would overflow the ns clock math. */
#define MAX_DURATION_S (7 * 24 * 3600.0)

enum slot_state {
	SLOT_IDLE,        /* no request, and no new one may start: the slot is done */
	SLOT_FREE,        /* open loop: waiting for the next arrival */
	SLOT_BACKOFF,     /* resource shortage: next attempt at deadline_ns */
	SLOT_CONNECTING,  /* non-blocking connect() in progress */
	SLOT_SENDING,     /* request partly sent, waiting for EPOLLOUT */
	SLOT_READING,     /* request sent, collecting the response */
};

struct client_slot {
	int fd;                 /* -1 when no connection is open */
	enum slot_state state;
	uint32_t generation;    /* bumped per socket; tags epoll events so a stale one is ignored */
	bool reused;            /* this request went out on a kept-alive connection */
	uint64_t start_ns;      /* latency origin of the current request */
	uint64_t deadline_ns;   /* timeout of the request, or end of the backoff */
	size_t sent, received;
	char response[RESPONSE_BUF_SIZE];
};

struct client_thread {
	struct loadgen *lg;
	pthread_t thread;
	int epfd;
	struct client_slot *slots;
	unsigned slot_count;
	unsigned active_slots;  /* slots not yet SLOT_IDLE; the thread ends at 0 */
	bool request_bound_hit; /* saw the shared request counter run out */
	bool starting, restart_pending; /* next_request() trampoline, see there */
	uint64_t next_sweep_ns;
	/* Open loop: the next arrival, and arrivals waiting for a free slot. */
	uint64_t next_arrival_ns;
	double mean_gap_ns;
	bool arrivals_done;
	int timerfd;            /* fires at next_arrival_ns */
	uint64_t *backlog;      /* ring of intended start times */
	unsigned backlog_head, backlog_count;
	uint64_t random_state;  /* xorshift64* for Poisson gaps */
	uint64_t not_started;
	/* Written by this thread only; completed is also read live by loadgen_completed(). */
	alignas(64) _Atomic uint64_t completed;
	uint64_t refused, reset, timed_out, other_errors, connections_opened;
	uint64_t first_start_ns, last_end_ns;
	struct histogram *latency;
};

struct loadgen {
	struct loadgen_config cfg;
	char request[REQUEST_BUF_SIZE];
	size_t request_len;
	uint64_t start_ns;
	uint64_t stop_starting_ns;      /* UINT64_MAX without a time bound */
	uint64_t timeout_ns;
	struct client_thread *threads;
	unsigned thread_count;
	/* Shared and written in the hot path: kept off the read-only lines above. */
	alignas(64) _Atomic uint64_t started;
	_Atomic bool stopping;
	_Atomic unsigned running;
};

int loadgen_target_allowed(const struct sockaddr *addr)
{
	if (!addr)
		return -1;
	if (addr->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;

		return ntohl(sin->sin_addr.s_addr) >> 24 == 127 ? 0 : -1;
	}
	if (addr->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)addr)->sin6_addr;

		if (IN6_IS_ADDR_LOOPBACK(a))
			return 0;
		/* An AF_INET6 socket reaches ::ffff:127.x.y.z over IPv4 loopback. */
		return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127 ? 0 : -1;
	}
	return -1;
}

/* Errors that mean "out of fds, ports or memory right now": worth a pause. */
static bool is_resource_shortage(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM ||
	       err == EADDRNOTAVAIL || err == EAGAIN || err == ENOSPC;
}

static void count_failure(struct client_thread *t, int err)
{
	switch (err) {
	case ECONNREFUSED:
		t->refused++;
		break;
	case ECONNRESET:
	case EPIPE:
		t->reset++;
		break;
	case ETIMEDOUT:
		t->timed_out++;
		break;
	default:
		t->other_errors++;
	}
}

static void close_slot(struct client_slot *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

/* Claims one request if the bounds allow it. The shared counter makes the
 * request bound exact: only tickets below cfg.requests are used. */
static bool may_start(struct client_thread *t, uint64_t now)
{
	struct loadgen *lg = t->lg;

	if (atomic_load_explicit(&lg->stopping, memory_order_relaxed) ||
	    now >= lg->stop_starting_ns || t->request_bound_hit)
		return false;
	if (lg->cfg.requests &&
	    atomic_fetch_add_explicit(&lg->started, 1, memory_order_relaxed) >= lg->cfg.requests) {
		t->request_bound_hit = true;
		return false;
	}
	return true;
}

static void next_request(struct client_thread *t, struct client_slot *s);
static void request_failed(struct client_thread *t, struct client_slot *s, int err);

static void send_request(struct client_thread *t, struct client_slot *s)
{
	const struct loadgen *lg = t->lg;

	while (s->sent < lg->request_len) {
		ssize_t n = send(s->fd, lg->request + s->sent, lg->request_len - s->sent,
				 MSG_NOSIGNAL);

		if (n >= 0) {
			s->sent += (size_t)n;
		} else if (errno == EAGAIN) {
			s->state = SLOT_SENDING;
			return;
		} else if (errno != EINTR) {
			request_failed(t, s, errno);
			return;
		}
	}
	s->state = SLOT_READING;
}

/* Opens a connection for the slot's current request (start_ns and deadline_ns
 * already set) and sends the request as soon as it is connected. */
static void open_connection(struct client_thread *t, struct client_slot *s)
{
	const struct loadgen_config *cfg = &t->lg->cfg;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET };
	bool connected;

	s->reused = false;
	s->sent = s->received = 0;
	s->fd = socket(cfg->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		request_failed(t, s, errno);
		return;
	}
	if (connect(s->fd, (const struct sockaddr *)&cfg->target, cfg->target_len) == 0) {
		connected = true;
	} else if (errno == EINPROGRESS) {
		connected = false;
	} else {
		request_failed(t, s, errno);
		return;
	}
	s->generation++;
	ev.data.u64 = (uint64_t)s->generation << 32 | (uint64_t)(s - t->slots);
	if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, s->fd, &ev) < 0) {
		request_failed(t, s, errno);
		return;
	}
	if (connected) {
		t->connections_opened++;
		send_request(t, s);
	} else {
		s->state = SLOT_CONNECTING;
	}
}

/* Ends the slot's request: closes the connection unless KEEP, then starts the
 * next request or retires the slot. */
static void end_request(struct client_thread *t, struct client_slot *s, uint64_t now, bool keep)
{
	t->last_end_ns = now;
	if (!keep)
		close_slot(s);
	next_request(t, s);
}

static void request_failed(struct client_thread *t, struct client_slot *s, int err)
{
	/* A kept-alive connection the server closed while idle fails before any
	 * byte of the answer: that is no error, the request gets a fresh
	 * connection (once; on that one a failure counts). */
	if (s->reused && s->received == 0 && (err == ECONNRESET || err == EPIPE)) {
		close_slot(s);
		open_connection(t, s);
		return;
	}
	count_failure(t, err);
	if (is_resource_shortage(err)) {
		close_slot(s);
		t->last_end_ns = monotonic_ns();
		s->state = SLOT_BACKOFF;
		s->deadline_ns = t->last_end_ns + BACKOFF_NS;
		return;
	}
	end_request(t, s, monotonic_ns(), false);
}

static void request_completed(struct client_thread *t, struct client_slot *s, bool keep)
{
	uint64_t now = monotonic_ns();

	hist_record(t->latency, now - s->start_ns);
	atomic_store_explicit(&t->completed,
			      atomic_load_explicit(&t->completed, memory_order_relaxed) + 1,
			      memory_order_relaxed);
	end_request(t, s, now, keep && t->lg->cfg.keepalive);
}

static bool open_loop(const struct client_thread *t)
{
	return t->lg->cfg.rate_cps > 0;
}

/* Uniform in (0, 1]: xorshift64* (Vigna), plenty for arrival gaps. */
static double random_unit(struct client_thread *t)
{
	uint64_t x = t->random_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	t->random_state = x;
	return ((x * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0) + 0x1p-53;
}

static uint64_t arrival_gap_ns(struct client_thread *t)
{
	if (t->lg->cfg.arrivals == ARRIVALS_UNIFORM)
		return (uint64_t)t->mean_gap_ns;
	return (uint64_t)(-log(random_unit(t)) * t->mean_gap_ns);
}

/* Open loop: turns every arrival due by NOW into a waiting request, as long
 * as the bounds allow; the first one past them ends the arrivals. */
static void admit_arrivals(struct client_thread *t, uint64_t now)
{
	while (!t->arrivals_done && t->next_arrival_ns <= now) {
		if (!may_start(t, t->next_arrival_ns)) {
			t->arrivals_done = true;
			break;
		}
		if (t->backlog_count == LOADGEN_MAX_BACKLOG) {
			t->not_started++;
		} else {
			t->backlog[(t->backlog_head + t->backlog_count) % LOADGEN_MAX_BACKLOG] = t->next_arrival_ns;
			t->backlog_count++;
		}
		t->next_arrival_ns += arrival_gap_ns(t);
	}
}

static bool backlog_pop(struct client_thread *t, uint64_t *intended_ns)
{
	if (!t->backlog_count)
		return false;
	*intended_ns = t->backlog[t->backlog_head];
	t->backlog_head = (t->backlog_head + 1) % LOADGEN_MAX_BACKLOG;
	t->backlog_count--;
	return true;
}

/* Starts the slot's next request: closed loop, at once if the bounds allow,
 * else the slot retires; open loop, the oldest waiting arrival (timed from
 * when it should have started), else the slot waits for one. */
static void start_request(struct client_thread *t, struct client_slot *s)
{
	uint64_t now = monotonic_ns(), start = now;

	if (open_loop(t)) {
		if (!backlog_pop(t, &start)) {
			if (!t->lg->cfg.keepalive)
				close_slot(s);
			s->state = SLOT_FREE;
			return;
		}
	} else if (!may_start(t, now)) {
		close_slot(s);
		s->state = SLOT_IDLE;
		t->active_slots--;
		return;
	}
	if (!t->first_start_ns)
		t->first_start_ns = start;
	s->start_ns = start;
	s->deadline_ns = now + t->lg->timeout_ns;
	if (s->fd < 0) {
		open_connection(t, s);
		return;
	}
	/* Kept-alive connection: the request starts at the send. */
	s->reused = true;
	s->sent = s->received = 0;
	send_request(t, s);
}

/* A request that fails at once (say, connect() refused synchronously) ends
 * inside start_request() and asks for the next one; running those in this
 * loop instead of recursing keeps the stack flat however long the streak.
 * The nested request is always for the same slot: a slot only ends itself. */
static void next_request(struct client_thread *t, struct client_slot *s)
{
	if (t->starting) {
		t->restart_pending = true;
		return;
	}
	t->starting = true;
	do {
		t->restart_pending = false;
		start_request(t, s);
	} while (t->restart_pending);
	t->starting = false;
}

static void read_response(struct client_thread *t, struct client_slot *s)
{
	for (;;) {
		size_t room = sizeof(s->response) - s->received, length;
		ssize_t n;
		bool server_closes;
		int status;

		if (room == 0) {
			request_failed(t, s, EMSGSIZE);
			return;
		}
		n = recv(s->fd, s->response + s->received, room, 0);
		if (n == 0) {
			request_failed(t, s, ECONNRESET); /* EOF before the full response */
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				request_failed(t, s, errno);
			return;
		}
		s->received += (size_t)n;
		length = http_response_complete(s->response, s->received, &status, &server_closes);
		if (length == (size_t)-1) {
			request_failed(t, s, EPROTO);
			return;
		}
		if (length) {
			/* Bytes past the response would desynchronise a kept-alive
			 * connection; start over on a new one then. */
			request_completed(t, s, !server_closes && length == s->received);
			return;
		}
	}
}

static int socket_error(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err ? err : ECONNRESET; /* hung up without an error: the peer went away */
}

static void handle_event(struct client_thread *t, uint64_t data, uint32_t events)
{
	struct client_slot *s = &t->slots[(uint32_t)data];
	uint64_t expirations;

	if (data == ARRIVAL_TIMER_TAG) {
		/* drained here; the arrivals themselves are admitted after the events */
		if (read(t->timerfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
			t->other_errors++;
		return;
	}

	if (s->fd < 0 || s->generation != (uint32_t)(data >> 32))
		return; /* for a socket this slot has since closed */
	switch (s->state) {
	case SLOT_CONNECTING:
		if (events & (EPOLLERR | EPOLLHUP)) {
			request_failed(t, s, socket_error(s->fd));
		} else if (events & EPOLLOUT) {
			t->connections_opened++;
			send_request(t, s);
		}
		break;
	case SLOT_SENDING:
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			send_request(t, s);
		break;
	case SLOT_READING:
		if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))
			read_response(t, s);
		break;
	default:
		break;
	}
}

/* Times out overdue requests and restarts slots whose backoff is over. */
static void sweep_slots(struct client_thread *t, uint64_t now)
{
	for (unsigned i = 0; i < t->slot_count; i++) {
		struct client_slot *s = &t->slots[i];

		if (s->state == SLOT_IDLE || s->state == SLOT_FREE || now < s->deadline_ns)
			continue;
		if (s->state == SLOT_BACKOFF) {
			next_request(t, s);
		} else {
			t->timed_out++;
			end_request(t, s, now, false);
		}
	}
	t->next_sweep_ns = now + SWEEP_NS;
}

/* Open loop: admits due arrivals and hands waiting ones to free slots. */
static void dispatch_arrivals(struct client_thread *t, uint64_t now)
{
	admit_arrivals(t, now);
	for (unsigned i = 0; i < t->slot_count && t->backlog_count; i++)
		if (t->slots[i].state == SLOT_FREE)
			next_request(t, &t->slots[i]);
}

static bool thread_has_work(struct client_thread *t)
{
	if (!open_loop(t))
		return t->active_slots > 0;
	if (!t->arrivals_done || t->backlog_count)
		return true;
	for (unsigned i = 0; i < t->slot_count; i++)
		if (t->slots[i].state != SLOT_FREE && t->slots[i].state != SLOT_IDLE)
			return true;
	return false;
}

/* Open loop: the thread's timerfd fires at the next arrival (ns precision,
 * so neither a late start nor a busy loop stealing the server's CPUs). */
static void arm_arrival_timer(struct client_thread *t)
{
	struct itimerspec at = {
		.it_value = { .tv_sec = t->next_arrival_ns / NS_PER_S, .tv_nsec = t->next_arrival_ns % NS_PER_S },
	};

	if (!t->arrivals_done)
		timerfd_settime(t->timerfd, TFD_TIMER_ABSTIME, &at, NULL);
}

static void *client_thread_main(void *arg)
{
	struct client_thread *t = arg;
	struct loadgen *lg = t->lg;
	struct epoll_event events[EVENTS_PER_WAIT];

	t->active_slots = t->slot_count;
	t->next_arrival_ns = lg->start_ns;
	if (open_loop(t))
		prctl(PR_SET_TIMERSLACK, ARRIVAL_TIMER_SLACK_NS);
	for (unsigned i = 0; i < t->slot_count; i++)
		next_request(t, &t->slots[i]);

	while (thread_has_work(t) && !atomic_load_explicit(&lg->stopping, memory_order_relaxed)) {
		int n;

		if (open_loop(t))
			arm_arrival_timer(t);
		n = epoll_wait(t->epfd, events, EVENTS_PER_WAIT, TICK_MS);
		uint64_t now;

		if (n < 0 && errno != EINTR)
			break; /* cannot wait any more: abort what is in flight */
		for (int i = 0; i < n; i++)
			handle_event(t, events[i].data.u64, events[i].events);
		now = monotonic_ns();
		if (open_loop(t))
			dispatch_arrivals(t, now);
		if (now >= t->next_sweep_ns)
			sweep_slots(t, now);
	}

	/* Stopped (or epoll failed): in-flight requests are dropped, not counted. */
	for (unsigned i = 0; i < t->slot_count; i++)
		close_slot(&t->slots[i]);
	atomic_fetch_sub_explicit(&lg->running, 1, memory_order_release);
	return NULL;
}

static unsigned cpu_count(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* One-line reason the configuration cannot run, or NULL. */
static const char *config_problem(const struct loadgen_config *cfg, char *buf, size_t buf_size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	const void *ip;
	in_port_t port;

	if (cfg->target.ss_family == AF_INET && cfg->target_len == sizeof(struct sockaddr_in)) {
		ip = &((const struct sockaddr_in *)&cfg->target)->sin_addr;
		port = ((const struct sockaddr_in *)&cfg->target)->sin_port;
	} else if (cfg->target.ss_family == AF_INET6 &&
		   cfg->target_len == sizeof(struct sockaddr_in6)) {
		ip = &((const struct sockaddr_in6 *)&cfg->target)->sin6_addr;
		port = ((const struct sockaddr_in6 *)&cfg->target)->sin6_port;
	} else {
		return "load target is not an IPv4 or IPv6 address";
	}
	if (loadgen_target_allowed((const struct sockaddr *)&cfg->target) < 0 &&
	    !(cfg->netns_target.s_addr && cfg->target.ss_family == AF_INET &&
	      ((const struct sockaddr_in *)&cfg->target)->sin_addr.s_addr == cfg->netns_target.s_addr)) {
		inet_ntop(cfg->target.ss_family, ip, addr, sizeof(addr));
		snprintf(buf, buf_size, "load target %s is not loopback; the load generator "
			 "only targets 127.0.0.0/8 and ::1", addr);
		return buf;
	}
	if (port == 0)
		return "load target port is 0";
	if (cfg->connections == 0)
		return "the load generator needs at least 1 connection";
	if (cfg->connections > LOADGEN_MAX_CONNECTIONS) {
		snprintf(buf, buf_size, "%u connections is too many; the load generator "
			 "opens at most %u", cfg->connections, LOADGEN_MAX_CONNECTIONS);
		return buf;
	}
	if (cfg->threads > LOADGEN_MAX_THREADS) {
		snprintf(buf, buf_size, "%u load generator threads is too many; at most %u",
			 cfg->threads, LOADGEN_MAX_THREADS);
		return buf;
	}
	if (isnan(cfg->duration_s) || cfg->duration_s > MAX_DURATION_S)
		return "load duration must be a number of seconds, at most one week";
	if (cfg->duration_s <= 0 && cfg->requests == 0)
		return "the load is unbounded: give a duration > 0 or a request count";
	if (cfg->timeout_ms == 0)
		return "the load generator's request timeout must be > 0 ms";
	if (isnan(cfg->rate_cps) || cfg->rate_cps < 0 || cfg->rate_cps > LOADGEN_MAX_RATE)
		return "the open-loop rate must be between 0 and 10 million requests per second";
	return NULL;
}

static void free_loadgen(struct loadgen *lg)
{
	for (unsigned i = 0; i < lg->thread_count; i++) {
		struct client_thread *t = &lg->threads[i];

		if (t->epfd >= 0)
			close(t->epfd);
		if (t->timerfd >= 0)
			close(t->timerfd);
		free(t->slots);
		free(t->latency);
		free(t->backlog);
	}
	free(lg->threads);
	free(lg);
}

/* Allocates a thread's slots, histogram and epoll instance; 0 or an errno. */
static int setup_thread(struct loadgen *lg, struct client_thread *t, unsigned slot_count)
{
	t->lg = lg;
	t->slot_count = slot_count;
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epfd < 0)
		return errno;
	t->slots = calloc(slot_count, sizeof(*t->slots));
	t->latency = malloc(sizeof(*t->latency));
	if (!t->slots || !t->latency)
		return ENOMEM;
	for (unsigned i = 0; i < slot_count; i++)
		t->slots[i].fd = -1;
	hist_init(t->latency);
	if (lg->cfg.rate_cps > 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ARRIVAL_TIMER_TAG };

		t->backlog = malloc(LOADGEN_MAX_BACKLOG * sizeof(*t->backlog));
		if (!t->backlog)
			return ENOMEM;
		t->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (t->timerfd < 0 || epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->timerfd, &ev) < 0)
			return errno;
		t->random_state = 0x9E3779B97F4A7C15ull ^ ((uint64_t)(t - lg->threads) + 1) * monotonic_ns();
		if (!t->random_state)
			t->random_state = 1;
	}
	return 0;
}

struct loadgen *loadgen_start(const struct loadgen_config *cfg, struct error_message *err)
{
	char reason_buf[160];
	const char *reason = config_problem(cfg, reason_buf, sizeof(reason_buf));
	struct loadgen *lg;
	sigset_t all, old;
	unsigned threads, created = 0;
	int rc;

	if (reason) {
		error_message_set(err, "%s", reason);
		return NULL;
	}
	threads = cfg->threads ? cfg->threads : cpu_count();
	if (threads > cfg->connections)
		threads = cfg->connections; /* every thread needs at least one slot */

	lg = aligned_alloc(alignof(struct loadgen), sizeof(*lg));
	if (!lg) {
		error_message_set(err, "load generator: out of memory");
		return NULL;
	}
	memset(lg, 0, sizeof(*lg));
	lg->cfg = *cfg;
	lg->request_len = http_format_request(lg->request, sizeof(lg->request), cfg->keepalive);
	if (lg->request_len == 0 || lg->request_len >= sizeof(lg->request)) {
		free(lg);
		error_message_set(err, "load generator: the HTTP request does not fit its buffer");
		return NULL;
	}
	lg->timeout_ns = cfg->timeout_ms * NS_PER_MS;
	lg->threads = aligned_alloc(alignof(struct client_thread),
				    threads * sizeof(struct client_thread));
	if (!lg->threads) {
		free(lg);
		error_message_set(err, "load generator: out of memory");
		return NULL;
	}
	memset(lg->threads, 0, threads * sizeof(struct client_thread));
	for (unsigned i = 0; i < threads; i++) {
		lg->threads[i].epfd = -1;
		lg->threads[i].timerfd = -1;
		/* each thread carries its share of the open-loop rate */
		if (cfg->rate_cps > 0)
			lg->threads[i].mean_gap_ns = threads * NS_PER_S / cfg->rate_cps;
	}
	lg->thread_count = threads;
	for (unsigned i = 0; i < threads; i++) {
		/* Spread the slots evenly: the first (connections % threads) get one more. */
		unsigned share = cfg->connections / threads + (i < cfg->connections % threads);

		rc = setup_thread(lg, &lg->threads[i], share);
		if (rc) {
			error_message_set(err, "cannot set up load generator thread: %s", strerror(rc));
			free_loadgen(lg);
			return NULL;
		}
	}

	lg->start_ns = monotonic_ns();
	lg->stop_starting_ns = cfg->duration_s > 0 ?
		lg->start_ns + (uint64_t)(cfg->duration_s * NS_PER_S) : UINT64_MAX;
	atomic_store(&lg->running, threads);

	/* Signals (Ctrl-C) belong to the caller's thread, not to the clients. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; created < threads; created++) {
		rc = pthread_create(&lg->threads[created].thread, NULL, client_thread_main,
				    &lg->threads[created]);
		if (rc)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (created < threads) {
		atomic_store(&lg->stopping, true);
		for (unsigned i = 0; i < created; i++)
			pthread_join(lg->threads[i].thread, NULL);
		error_message_set(err, "cannot start load generator thread: %s", strerror(rc));
		free_loadgen(lg);
		return NULL;
	}
	return lg;
}

bool loadgen_done(struct loadgen *lg)
{
	return !lg || atomic_load_explicit(&lg->running, memory_order_acquire) == 0;
}

uint64_t loadgen_completed(struct loadgen *lg)
{
	uint64_t total = 0;

	for (unsigned i = 0; lg && i < lg->thread_count; i++)
		total += atomic_load_explicit(&lg->threads[i].completed, memory_order_relaxed);
	return total;
}

void loadgen_stop(struct loadgen *lg)
{
	if (lg)
		atomic_store_explicit(&lg->stopping, true, memory_order_relaxed);
}

void loadgen_finish(struct loadgen *lg, struct loadgen_result *res)
{
	if (res) {
		memset(res, 0, sizeof(*res));
		hist_init(&res->latency_ns);
	}
	if (!lg)
		return;
	for (unsigned i = 0; i < lg->thread_count; i++)
		pthread_join(lg->threads[i].thread, NULL);
	if (res) {
		res->start_ns = UINT64_MAX;
		for (unsigned i = 0; i < lg->thread_count; i++) {
			const struct client_thread *t = &lg->threads[i];

			res->completed += atomic_load_explicit(&t->completed, memory_order_relaxed);
			res->refused += t->refused;
			res->reset += t->reset;
			res->timed_out += t->timed_out;
			res->other_errors += t->other_errors;
			res->not_started += t->not_started;
			res->connections_opened += t->connections_opened;
			hist_merge(&res->latency_ns, t->latency);
			if (t->first_start_ns && t->first_start_ns < res->start_ns)
				res->start_ns = t->first_start_ns;
			if (t->last_end_ns > res->end_ns)
				res->end_ns = t->last_end_ns;
		}
		if (res->start_ns == UINT64_MAX) /* not a single request started */
			res->start_ns = lg->start_ns;
		if (res->end_ns < res->start_ns)
			res->end_ns = res->start_ns;
	}
	free_loadgen(lg);
}
