// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Finding a listener for a --load target (listeners.h): a sock_diag dump of
 * the listening TCP sockets of both families, each matched with
 * listener_serves(). Reading /proc/net/tcp{,6} instead would not tell a
 * dual-stack socket from a V6ONLY one. Nothing here connects or starts. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "listeners.h"
#include "util.h"

static const unsigned char v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static bool all_zero(const unsigned char *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bytes[i])
			return false;
	return true;
}

bool listener_serves(const struct tcp_listener *l, const struct sockaddr_storage *target)
{
	unsigned char v4[4];
	bool target_v4;

	if (target->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)target;

		if (ntohs(sin->sin_port) != l->port)
			return false;
		memcpy(v4, &sin->sin_addr, 4);
		target_v4 = true;
	} else if (target->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)target;

		if (ntohs(sin6->sin6_port) != l->port)
			return false;
		target_v4 = memcmp(sin6->sin6_addr.s6_addr, v4mapped_prefix, 12) == 0;
		if (!target_v4)  /* a real IPv6 destination: only an AF_INET6 socket */
			return l->family == AF_INET6 &&
			       (all_zero(l->addr, 16) || memcmp(l->addr, sin6->sin6_addr.s6_addr, 16) == 0);
		memcpy(v4, sin6->sin6_addr.s6_addr + 12, 4);
	} else {
		return false;
	}
	/* an IPv4 destination (plain or v4-mapped) */
	if (l->family == AF_INET)
		return all_zero(l->addr, 4) || memcmp(l->addr, v4, 4) == 0;
	if (l->family != AF_INET6 || l->v6only)
		return false;
	return all_zero(l->addr, 16) ||
	       (memcmp(l->addr, v4mapped_prefix, 12) == 0 && memcmp(l->addr + 12, v4, 4) == 0);
}

/* Asks for the listening sockets of FAMILY; each reply message that
 * describes one is checked against TARGET. 0 or -errno. */
static int dump_family(int sock, int family, const struct sockaddr_storage *target, bool *found)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} request = {
		.nlh = { .nlmsg_len = sizeof(request), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = (__u8)family, .sdiag_protocol = IPPROTO_TCP,
			 .idiag_states = 1 << TCP_LISTEN }, /* INET_DIAG_SKV6ONLY comes with every AF_INET6 socket */
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	long buffer[8192 / sizeof(long)];

	if (sendto(sock, &request, sizeof(request), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(sock, buffer, sizeof(buffer), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buffer;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct inet_diag_msg *msg = NLMSG_DATA(h);
			struct tcp_listener l = { .family = family };
			struct rtattr *a;
			int attr_len;

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error ? e->error : -EPROTO;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(*msg)))
				continue;
			l.port = ntohs(msg->id.idiag_sport);
			memcpy(l.addr, msg->id.idiag_src, family == AF_INET ? 4 : 16);
			attr_len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*msg)));
			for (a = (struct rtattr *)(msg + 1); RTA_OK(a, attr_len); a = RTA_NEXT(a, attr_len))
				if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1)
					l.v6only = *(const unsigned char *)RTA_DATA(a) != 0;
			if (listener_serves(&l, target))
				*found = true;
		}
	}
}

int target_has_listener(const struct sockaddr_storage *target, bool *found, struct error_message *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	int sock = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int ret = 0;

	*found = false;
	if (sock < 0) {
		error_message_set(err, "cannot ask the kernel for listening sockets (sock_diag): %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(families) && !*found && !ret; i++) {
		ret = dump_family(sock, families[i], target, found);
		/* a kernel without IPv6 has nothing to list for AF_INET6 */
		if (ret == -ENOENT && families[i] == AF_INET6)
			ret = 0;
	}
	close(sock);
	if (ret) {
		error_message_set(err, "cannot list listening sockets (sock_diag): %s", strerror(-ret));
		return -1;
	}
	return 0;
}
