// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A pre-fork HTTP server written the way users write one, for trace tests:
 *   prefork-epoll PORT WORKERS
 * The parent listens, forks WORKERS processes and waits; each worker makes
 * its own level-triggered epoll set holding the listener and its clients'
 * sockets, accepts one connection per listener event and answers every
 * request with a short body (keep-alive when the client asks for it). Every
 * worker's epoll waits on the listener, so each connection wakes them all:
 * the thundering herd, mixed with the client I/O of the same sets. Not part
 * of the testbed: the integration tests compile it with cc. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void serve_client(int epfd, int fd)
{
	static const char body[] = "hello\n";
	char request[4096], response[256];
	ssize_t n = read(fd, request, sizeof(request) - 1);
	int keepalive, len;

	if (n <= 0) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
		return;
	}
	request[n] = '\0';
	keepalive = strcasestr(request, "connection: keep-alive") != NULL;
	len = snprintf(response, sizeof(response),
		       "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n%s", sizeof(body) - 1,
		       keepalive ? "keep-alive" : "close", body);
	if (write(fd, response, len) != len || !keepalive) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
	}
}

static void worker(int listener)
{
	struct epoll_event ev = { .events = EPOLLIN }, events[64];
	int epfd = epoll_create1(0);

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	ev.data.fd = listener;
	if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev) < 0) {
		perror("epoll");
		exit(1);
	}
	for (;;) {
		int n = epoll_wait(epfd, events, 64, -1);

		for (int i = 0; i < n; i++) {
			if (events[i].data.fd != listener) {
				serve_client(epfd, events[i].data.fd);
				continue;
			}
			int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);

			if (fd < 0)
				continue; /* another worker took it: EAGAIN */
			ev.data.fd = fd;
			epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
		}
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int workers = argc > 2 ? atoi(argv[2]) : 4, one = 1, listener;
	pid_t *pids;

	if (argc < 2 || workers < 1) {
		fprintf(stderr, "usage: %s PORT [WORKERS]\n", argv[0]);
		return 2;
	}
	addr.sin_port = htons(atoi(argv[1]));
	listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 511)) {
		perror("listen");
		return 1;
	}
	pids = calloc(workers, sizeof(*pids));
	for (int i = 0; i < workers; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(listener);
	}
	/* SIGTERM ends the parent; the workers follow (PR_SET_PDEATHSIG) */
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
