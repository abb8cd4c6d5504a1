// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for load/loadgen.c: the loopback-only target check, the
 * refusal of bad configurations, and short runs against an in-process
 * loopback server (no root needed). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "unit.h"

#include "http.h"
#include "loadgen.h"

/* Fills SS from a numeric IPv4 or IPv6 address; returns its length, 0 if unparsable. */
static socklen_t make_address(const char *ip, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	return 0;
}

/* A small run that loadgen_start() accepts; tests change one field at a time. */
static struct loadgen_config valid_config(unsigned port)
{
	struct loadgen_config cfg = {
		.connections = 4,
		.threads = 2,
		.duration_s = 10, /* only a safety net: the request count ends the run */
		.requests = 200,
		.timeout_ms = 2000,
	};

	cfg.target_len = make_address("127.0.0.1", port, &cfg.target);
	return cfg;
}

static void test_target_allowed(void)
{
	static const struct {
		const char *ip;
		int expected;
	} table[] = {
		{ "127.0.0.1", 0 },
		{ "127.255.255.254", 0 },
		{ "127.1.2.3", 0 },
		{ "::1", 0 },
		{ "::ffff:127.0.0.1", 0 },
		{ "10.0.0.1", -1 },
		{ "192.168.1.1", -1 },
		{ "8.8.8.8", -1 },
		{ "128.0.0.1", -1 },
		{ "126.255.255.255", -1 },
		{ "0.0.0.0", -1 },
		{ "::", -1 },
		{ "::2", -1 },
		{ "::ffff:10.0.0.1", -1 },
		{ "::127.0.0.1", -1 }, /* IPv4-compatible, not IPv4-mapped */
		{ "fe80::1", -1 },
	};
	struct sockaddr_storage ss;
	struct sockaddr unix_family = { .sa_family = AF_UNIX };

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int allowed;

		CU_ASSERT_FATAL(make_address(table[i].ip, 80, &ss) != 0);
		allowed = loadgen_target_allowed((struct sockaddr *)&ss);
		if (allowed != table[i].expected)
			fprintf(stderr, "\n  loadgen_target_allowed(%s) = %d", table[i].ip, allowed);
		CU_ASSERT_EQUAL(allowed, table[i].expected);
	}
	CU_ASSERT_EQUAL(loadgen_target_allowed(&unix_family), -1);
	CU_ASSERT_EQUAL(loadgen_target_allowed(NULL), -1);
}

/* loadgen_start() must return NULL with a one-line reason containing WANT. */
static void expect_refused(const struct loadgen_config *cfg, const char *want)
{
	struct error_message err = { "" };
	struct loadgen *lg = loadgen_start(cfg, &err);

	CU_ASSERT_PTR_NULL(lg);
	if (lg) {
		loadgen_stop(lg);
		loadgen_finish(lg, NULL);
		return;
	}
	CU_ASSERT(err.text[0] != '\0');
	CU_ASSERT_PTR_NULL(strchr(err.text, '\n'));
	if (!strstr(err.text, want))
		fprintf(stderr, "\n  reason \"%s\" lacks \"%s\"", err.text, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, want));
}

static void test_start_refuses_non_loopback(void)
{
	struct loadgen_config cfg = valid_config(80);

	cfg.target_len = make_address("10.0.0.1", 80, &cfg.target);
	expect_refused(&cfg, "load target 10.0.0.1 is not loopback");
	cfg.target_len = make_address("::ffff:10.0.0.1", 80, &cfg.target);
	expect_refused(&cfg, "::ffff:10.0.0.1 is not loopback");
	cfg.target_len = make_address("::", 80, &cfg.target);
	expect_refused(&cfg, "not loopback");
}

static void test_start_refuses_bad_configs(void)
{
	struct loadgen_config cfg;

	cfg = valid_config(80);
	cfg.connections = 0;
	expect_refused(&cfg, "connection");

	cfg = valid_config(80);
	cfg.connections = LOADGEN_MAX_CONNECTIONS + 1;
	expect_refused(&cfg, "connections");

	cfg = valid_config(80);
	cfg.threads = LOADGEN_MAX_THREADS + 1;
	expect_refused(&cfg, "threads");

	cfg = valid_config(80);
	cfg.duration_s = 0;
	cfg.requests = 0;
	expect_refused(&cfg, "unbounded");

	cfg = valid_config(80);
	cfg.duration_s = -1;
	cfg.requests = 0;
	expect_refused(&cfg, "unbounded");

	cfg = valid_config(80);
	cfg.timeout_ms = 0;
	expect_refused(&cfg, "timeout");

	cfg = valid_config(0);
	expect_refused(&cfg, "port");

	cfg = valid_config(80);
	cfg.target_len = sizeof(struct sockaddr_in6); /* does not match AF_INET */
	expect_refused(&cfg, "IPv4 or IPv6");
}

/* Listening socket on 127.0.0.1 with a kernel-chosen port. */
static int listen_loopback(unsigned *port, bool do_listen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CU_ASSERT_FATAL(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	if (do_listen)
		CU_ASSERT_FATAL(listen(fd, 128) == 0);
	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

struct test_server {
	int listen_fd;
	unsigned served;   /* responses written */
};

/* One connection at a time: read the request head, answer, close. Ends when
 * the test shuts the listener down, which fails the blocking accept(). */
static void *serve(void *arg)
{
	struct test_server *srv = arg;
	struct timeval io_timeout = { .tv_sec = 2 };
	char response[256];
	size_t response_len = http_format_response(response, sizeof(response), false);
	int fd;

	while ((fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		char request[1024];
		size_t len = 0;
		bool keepalive;

		/* A client that never finishes its request must not wedge the test. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &io_timeout, sizeof(io_timeout));
		while (!http_request_complete(request, len, &keepalive) && len < sizeof(request)) {
			ssize_t n = read(fd, request + len, sizeof(request) - len);

			if (n <= 0)
				break;
			len += (size_t)n;
		}
		if (http_request_complete(request, len, &keepalive) &&
		    write(fd, response, response_len) == (ssize_t)response_len)
			srv->served++;
		close(fd);
	}
	return NULL;
}

/* Runs the load generator, configured by CONFIGURE from valid_config(),
 * against a fresh in-process test server; its result into RES (malloc'ed by
 * the caller: the histogram is large), the requests it served returned. */
static unsigned run_against_test_server(void (*configure)(struct loadgen_config *cfg), struct loadgen_result *res)
{
	struct test_server srv = { 0 };
	struct loadgen_config cfg;
	struct loadgen *lg;
	pthread_t server_thread;
	unsigned port;
	struct error_message err = { "" };

	srv.listen_fd = listen_loopback(&port, true);
	CU_ASSERT_FATAL(pthread_create(&server_thread, NULL, serve, &srv) == 0);
	cfg = valid_config(port);
	if (configure)
		configure(&cfg);
	lg = loadgen_start(&cfg, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lg);
	while (!loadgen_done(lg))
		usleep(1000);
	loadgen_finish(lg, res);
	shutdown(srv.listen_fd, SHUT_RDWR);
	pthread_join(server_thread, NULL);
	close(srv.listen_fd);
	return srv.served;
}

static void test_end_to_end_request_bound(void)
{
	struct loadgen_result *res = malloc(sizeof(*res));

	CU_ASSERT_FATAL(res != NULL);
	CU_ASSERT_EQUAL(run_against_test_server(NULL, res), 200);
	CU_ASSERT_EQUAL(res->completed, 200);
	CU_ASSERT_EQUAL(res->refused + res->reset + res->timed_out + res->other_errors, 0);
	CU_ASSERT_EQUAL(res->connections_opened, 200);
	CU_ASSERT_EQUAL(res->latency_ns.total, 200);
	CU_ASSERT(res->latency_ns.min > 0);
	CU_ASSERT(res->end_ns > res->start_ns);
	free(res);
}

static void open_loop_400_per_s(struct loadgen_config *cfg)
{
	cfg->requests = 0;
	cfg->duration_s = 0.5;
	cfg->rate_cps = 400;
	cfg->arrivals = ARRIVALS_UNIFORM;
	cfg->threads = 1;
}

/* Open loop, uniform arrivals: exactly rate x duration requests, started on
 * schedule (the run lasts the duration, not as long as the server allows). */
static void test_open_loop_uniform(void)
{
	struct loadgen_result *res = malloc(sizeof(*res));

	CU_ASSERT_FATAL(res != NULL);
	CU_ASSERT_EQUAL(run_against_test_server(open_loop_400_per_s, res), 200);
	CU_ASSERT_EQUAL(res->completed, 200); /* arrivals at 0, 2.5 ms, ... < 500 ms */
	CU_ASSERT_EQUAL(res->not_started, 0);
	/* the last arrival was due at 497.5 ms: finishing much earlier would mean
	 * the schedule was ignored */
	CU_ASSERT(res->end_ns - res->start_ns >= 490 * 1000000ull);
	free(res);
}

static void test_end_to_end_refused(void)
{
	struct loadgen_result *res = malloc(sizeof(*res));
	struct loadgen_config cfg;
	struct loadgen *lg;
	unsigned port;
	struct error_message err = { "" };
	/* Bound but not listening: the port stays ours and every SYN gets a RST. */
	int fd = listen_loopback(&port, false);

	CU_ASSERT_FATAL(res != NULL);
	cfg = valid_config(port);
	cfg.requests = 50;
	lg = loadgen_start(&cfg, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lg);
	loadgen_finish(lg, res);
	close(fd);

	CU_ASSERT_EQUAL(res->refused, 50);
	CU_ASSERT_EQUAL(res->completed + res->reset + res->timed_out + res->other_errors, 0);
	CU_ASSERT_EQUAL(res->latency_ns.total, 0);
	free(res);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_target_allowed);
	CU_ADD_TEST(suite, test_start_refuses_non_loopback);
	CU_ADD_TEST(suite, test_start_refuses_bad_configs);
	CU_ADD_TEST(suite, test_end_to_end_request_bound);
	CU_ADD_TEST(suite, test_end_to_end_refused);
	CU_ADD_TEST(suite, test_open_loop_uniform);
}

int main(void)
{
	return run_suite("loadgen", NULL, NULL, add_tests);
}
