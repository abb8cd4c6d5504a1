// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Sockets for the server models: the loopback listeners (shared, per-worker
 * SO_REUSEPORT, or a bound-only port reservation), fd-dispatch's SCM_RIGHTS
 * hand-off of one connection over a Unix socket, and which accept4 errors
 * a server rides out. Serves no request and keeps no state: the worker and
 * the master (worker.c, master.c) decide what to do with the sockets. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "net.h"

/* A TCP socket with SO_REUSEADDR bound to ADDR:PORT (0.0.0.0 = 127.0.0.1:
 * --netns binds the namespace's veth address instead; PORT 0 = any free
 * port, then in *BOUND_PORT). The fd, or -1 with a one-line reason in WHY. */
int open_listen_socket(struct in_addr bind_addr, unsigned port, unsigned backlog, unsigned flags,
		       unsigned *bound_port, struct error_message *why)
{
	int type = SOCK_STREAM | SOCK_CLOEXEC | (flags & SOCKET_NONBLOCK ? SOCK_NONBLOCK : 0);
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = bind_addr.s_addr ? bind_addr.s_addr : htonl(INADDR_LOOPBACK),
	};
	socklen_t addr_len = sizeof(addr);
	char host[INET_ADDRSTRLEN];
	int one = 1, fd;

	inet_ntop(AF_INET, &addr.sin_addr, host, sizeof(host));
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
			error_message_set(why, "cannot bind %s:%u (bind: %s)", host, port, strerror(errno));
		goto fail;
	}
	if ((flags & SOCKET_LISTEN) && listen(fd, backlog > INT_MAX ? INT_MAX : (int)backlog) < 0) {
		/* reuseport*: someone listens on the port our workers share */
		if (errno == EADDRINUSE)
			error_message_set(why, "port %u is already in use (listen: %s)", port, strerror(errno));
		else
			error_message_set(why, "cannot listen on %s:%u (listen: %s)", host, port, strerror(errno));
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

/* What a hand-off is on the wire: one byte, with room for one fd
 * (SCM_RIGHTS) beside it. */
struct fd_message {
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	char byte;
	struct iovec iov;
	struct msghdr msg;
};

static void fd_message_init(struct fd_message *m)
{
	memset(m, 0, sizeof(*m));
	m->byte = 'F';
	m->iov = (struct iovec){ .iov_base = &m->byte, .iov_len = 1 };
	m->msg = (struct msghdr){ .msg_iov = &m->iov, .msg_iovlen = 1, .msg_control = m->control.buf,
				  .msg_controllen = sizeof(m->control.buf) };
}

/* fd-dispatch hand-off: one message of one byte carrying FD (SCM_RIGHTS).
 * Never blocks: each worker has at most one hand-off in flight. 0 or -1. */
int send_fd(int sock, int fd)
{
	struct fd_message m;
	struct cmsghdr *cmsg;
	ssize_t n;

	fd_message_init(&m);
	cmsg = CMSG_FIRSTHDR(&m.msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(sock, &m.msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* Waits for the next hand-off on SOCK. The received fd, or -1 with errno:
 * EINTR; EPIPE when the master's end is gone; EBADMSG when the message came
 * without its fd (our descriptor table was full: the kernel dropped it). */
int receive_fd(int sock)
{
	struct fd_message m;
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd;

	fd_message_init(&m);
	n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	cmsg = CMSG_FIRSTHDR(&m.msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
		errno = EBADMSG;
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* Whether a worker, or the fd-dispatch master, can go on after accept4
 * failed with ERR. */
bool accept_error_is_transient(int err)
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
