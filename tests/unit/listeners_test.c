// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/listeners.c: which listening socket serves a --load
 * target. The rules on hand-made listeners, then real sockets of both
 * families asked through sock_diag (no root needed). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>
#include "listeners.h"
#include "unit.h"

static struct sockaddr_storage target(const char *ip, unsigned port)
{
	struct sockaddr_storage ss = { 0 };

	if (strchr(ip, ':')) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &sin6->sin6_addr);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, ip, &sin->sin_addr);
	}
	return ss;
}

static struct tcp_listener listener(const char *ip, unsigned port, bool v6only)
{
	struct tcp_listener l = { .port = port, .v6only = v6only };

	l.family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	inet_pton(l.family, ip, l.addr);
	return l;
}

static void test_rules(void)
{
	static const struct {
		const char *listen;
		bool v6only;
		const char *target;
		bool serves;
	} cases[] = {
		{ "0.0.0.0", false, "127.0.0.1", true },
		{ "127.0.0.1", false, "127.0.0.1", true },
		{ "127.0.0.2", false, "127.0.0.1", false },     /* another loopback address */
		{ "::", false, "127.0.0.1", true },             /* Node's server.listen(port) */
		{ "::", true, "127.0.0.1", false },             /* ipv6Only / bindv6only */
		{ "::ffff:127.0.0.1", false, "127.0.0.1", true },
		{ "::ffff:127.0.0.2", false, "127.0.0.1", false },
		{ "::1", false, "127.0.0.1", false },
		{ "::", true, "::1", true },
		{ "::1", false, "::1", true },
		{ "0.0.0.0", false, "::1", false },              /* IPv4 sockets take no IPv6 */
		{ "0.0.0.0", false, "::ffff:127.0.0.1", true },  /* but a v4-mapped target is IPv4 */
		{ "::", true, "::ffff:127.0.0.1", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tcp_listener l = listener(cases[i].listen, 8080, cases[i].v6only);
		struct sockaddr_storage t = target(cases[i].target, 8080);
		struct sockaddr_storage other_port = target(cases[i].target, 8081);

		if (listener_serves(&l, &t) != cases[i].serves)
			fprintf(stderr, "\n  %s%s -> %s: expected %d", cases[i].listen, cases[i].v6only ? " v6only" : "",
				cases[i].target, cases[i].serves);
		CU_ASSERT_EQUAL(listener_serves(&l, &t), cases[i].serves);
		CU_ASSERT_FALSE(listener_serves(&l, &other_port));
	}
}

/* A listening socket of FAMILY on IP, port chosen by the kernel into *PORT. */
static int listen_on(const char *ip, bool v6only, unsigned *port)
{
	struct sockaddr_storage ss = target(ip, 0);
	socklen_t len = sizeof(ss);
	int one = 1, fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &(int){ v6only }, sizeof(int));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								       : sizeof(struct sockaddr_in)) ||
	    listen(fd, 4) || getsockname(fd, (struct sockaddr *)&ss, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static bool has_listener(const char *ip, unsigned port)
{
	struct sockaddr_storage t = target(ip, port);
	struct error_message err = { "" };
	bool found = false;

	CU_ASSERT_EQUAL(target_has_listener(&t, &found, &err), 0);
	if (err.text[0])
		fprintf(stderr, "\n  %s", err.text);
	return found;
}

static void test_real_sockets(void)
{
	unsigned port;
	int fd;

	/* dual-stack ::, as Node's server.listen(port) binds */
	fd = listen_on("::", false, &port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(has_listener("127.0.0.1", port));
	CU_ASSERT_TRUE(has_listener("::1", port));
	close(fd);
	CU_ASSERT_FALSE(has_listener("127.0.0.1", port));

	/* V6ONLY: IPv6 only, whatever net.ipv6.bindv6only says */
	fd = listen_on("::", true, &port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FALSE(has_listener("127.0.0.1", port));
	CU_ASSERT_TRUE(has_listener("::1", port));
	close(fd);

	/* IPv4 on one address */
	fd = listen_on("127.0.0.1", false, &port);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(has_listener("127.0.0.1", port));
	CU_ASSERT_FALSE(has_listener("127.0.0.2", port));
	CU_ASSERT_FALSE(has_listener("::1", port));
	close(fd);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_rules);
	CU_ADD_TEST(suite, test_real_sockets);
}

int main(void)
{
	return run_suite("listeners", NULL, NULL, add_tests);
}
