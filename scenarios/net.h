/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Sockets for the server models (net.c): loopback listeners, fd-dispatch's
 * SCM_RIGHTS hand-off, transient accept4 errors. */
#ifndef TESTBED_NET_H
#define TESTBED_NET_H

#include <stdbool.h>
#include <netinet/in.h>
#include "error.h"

enum socket_flags {
	SOCKET_NONBLOCK = 1 << 0,  /* accept4 after a wakeup someone else may have used up */
	SOCKET_REUSEPORT = 1 << 1, /* join the port's SO_REUSEPORT group */
	SOCKET_LISTEN = 1 << 2,    /* else only bound: holds the port, takes no connections */
};

/* A TCP socket with SO_REUSEADDR bound to ADDR:PORT (ADDR 0.0.0.0 means
 * 127.0.0.1; PORT 0 = any free port, then in *BOUND_PORT), FLAGS from enum
 * socket_flags. The fd, or -1 with a one-line reason in WHY. */
int open_listen_socket(struct in_addr addr, unsigned port, unsigned backlog, unsigned flags,
		       unsigned *bound_port, struct error_message *why);
/* fd-dispatch: hands FD over SOCK without blocking. 0 or -1. */
int send_fd(int sock, int fd);
/* fd-dispatch: waits for the next fd on SOCK; the fd, or -1 with errno
 * (EINTR, EPIPE: the sender is gone, EBADMSG: it came without its fd). */
int receive_fd(int sock);
/* Whether a server can go on after accept4 failed with ERR (it sleeps a
 * moment first when the failure is a shortage of fds or memory). */
bool accept_error_is_transient(int err);

#endif
