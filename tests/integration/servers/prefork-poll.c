// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A pre-fork HTTP server whose workers wait in poll() or select() on the
 * shared listener, like gunicorn's sync workers (select, a timeout) or
 * Python's socketserver (poll), for trace tests:
 *   prefork-poll PORT WORKERS poll|select
 * The parent listens (non-blocking), forks WORKERS processes and waits; each
 * worker waits for the listener with a 1 s timeout, accepts (EAGAIN: another
 * worker took it), answers one request and closes. Every idle worker waits
 * on the listener, so each connection wakes them all: the herd, through
 * poll's wait entries, which do not say which file woke the thread. Not
 * part of the testbed: the integration tests compile it with cc. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void serve_client(int fd)
{
	static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n";
	char request[4096];

	if (read(fd, request, sizeof(request)) > 0 && write(fd, response, sizeof(response) - 1) < 0)
		perror("write");
	close(fd);
}

static void wait_for_listener(int listener, int use_select)
{
	if (use_select) {
		struct timeval timeout = { .tv_sec = 1 };
		fd_set readable;

		FD_ZERO(&readable);
		FD_SET(listener, &readable);
		select(listener + 1, &readable, NULL, NULL, &timeout);
	} else {
		struct pollfd pfd = { .fd = listener, .events = POLLIN };

		poll(&pfd, 1, 1000);
	}
}

static void worker(int listener, int use_select)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	for (;;) {
		int fd;

		wait_for_listener(listener, use_select);
		fd = accept4(listener, NULL, NULL, 0);
		if (fd >= 0)
			serve_client(fd);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int workers = argc > 2 ? atoi(argv[2]) : 4, one = 1, listener, use_select;

	if (argc < 4 || workers < 1 || (strcmp(argv[3], "poll") && strcmp(argv[3], "select"))) {
		fprintf(stderr, "usage: %s PORT WORKERS poll|select\n", argv[0]);
		return 2;
	}
	use_select = strcmp(argv[3], "select") == 0;
	addr.sin_port = htons(atoi(argv[1]));
	listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 511)) {
		perror("listen");
		return 1;
	}
	for (int i = 0; i < workers; i++)
		if (fork() == 0)
			worker(listener, use_select);
	/* SIGTERM ends the parent; the workers follow (PR_SET_PDEATHSIG) */
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
