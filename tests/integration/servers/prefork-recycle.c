// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A pre-fork HTTP server that recycles its workers, like Apache's
 * MaxConnectionsPerChild or gunicorn's --max-requests, for the process-churn
 * trace test:
 *   prefork-recycle PORT WORKERS MAX_CONNECTIONS COUNT_FILE
 * The parent listens and keeps WORKERS processes; each accepts (blocking),
 * answers one request per connection and, after MAX_CONNECTIONS, appends
 * "pid count" to COUNT_FILE and exits; the parent forks a replacement. On
 * SIGTERM the parent stops its workers, each of which appends its line too.
 * Not part of the testbed: the integration tests compile it with cc. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static void report(const char *count_file, unsigned long served)
{
	char line[64];
	int fd = open(count_file, O_WRONLY | O_APPEND | O_CREAT, 0644);
	int len = snprintf(line, sizeof(line), "%d %lu\n", (int)getpid(), served);

	/* one write on O_APPEND: lines of concurrent workers do not mix */
	if (fd < 0 || write(fd, line, len) != len)
		_exit(1);
	close(fd);
}

static void serve(int listener, unsigned long max_connections, const char *count_file)
{
	static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n";
	unsigned long served = 0;
	char request[4096];

	while (!stopping && served < max_connections) {
		int fd = accept(listener, NULL, NULL);

		if (fd < 0)
			continue; /* EINTR: SIGTERM */
		if (read(fd, request, sizeof(request)) > 0 && write(fd, response, sizeof(response) - 1) > 0)
			served++;
		close(fd);
	}
	report(count_file, served);
	_exit(0);
}

static pid_t spawn(int listener, unsigned long max_connections, const char *count_file)
{
	pid_t pid = fork();

	if (pid == 0)
		serve(listener, max_connections, count_file);
	return pid;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sigaction sa = { .sa_handler = on_term };
	unsigned long max_connections;
	int listener, one = 1, workers, i;
	pid_t *pids;

	if (argc != 5) {
		fprintf(stderr, "usage: prefork-recycle PORT WORKERS MAX_CONNECTIONS COUNT_FILE\n");
		return 2;
	}
	addr.sin_port = htons(atoi(argv[1]));
	workers = atoi(argv[2]);
	max_connections = strtoul(argv[3], NULL, 10);
	pids = calloc(workers, sizeof(*pids));
	listener = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!pids || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 1024)) {
		perror("prefork-recycle");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: accept and wait return EINTR */
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < workers; i++)
		pids[i] = spawn(listener, max_connections, argv[4]);
	while (!stopping) {
		pid_t gone = wait(NULL);

		for (i = 0; gone > 0 && !stopping && i < workers; i++)
			if (pids[i] == gone)
				pids[i] = spawn(listener, max_connections, argv[4]);
	}
	for (i = 0; i < workers; i++)
		kill(pids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
