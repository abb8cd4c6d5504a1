/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Does a listening TCP socket on this machine serve a --load target? Asked
 * of the kernel through sock_diag (the netlink interface `ss` uses), never
 * by connecting: a probe connection would be one the server counts. */
#ifndef TESTBED_LISTENERS_H
#define TESTBED_LISTENERS_H

#include <stdbool.h>
#include <sys/socket.h>
#include "error.h"

/* One listening socket, as sock_diag reports it. */
struct tcp_listener {
	int family;                        /* AF_INET or AF_INET6 */
	unsigned char addr[16];            /* the bound address, network order (4 bytes for AF_INET) */
	unsigned port;
	bool v6only;                       /* AF_INET6: IPV6_V6ONLY (then it takes no IPv4 connections) */
};

/* Whether L would accept a connection to TARGET: the same port, and the
 * exact address or the wildcard of its family -- where a dual-stack AF_INET6
 * socket (not V6ONLY) bound to :: or ::ffff:a.b.c.d also takes IPv4, and an
 * AF_INET socket takes a v4-mapped IPv6 target. */
bool listener_serves(const struct tcp_listener *l, const struct sockaddr_storage *target);

/* Sets *FOUND to whether any listening socket (both families) serves
 * TARGET. 0, or -1 with ERR set when the kernel cannot be asked. */
int target_has_listener(const struct sockaddr_storage *target, bool *found, struct error_message *err);

#endif
