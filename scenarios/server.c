// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The caller's side of the server models: server_spawn() forks the master
 * (gated, so the caller can trace it from its first step), server_release()
 * opens the gate, server_read_status() reads the master's status messages.
 * The master and the workers themselves are master.c and worker.c; the
 * scenario table and kernel probes are catalog.c. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>

#include "pool.h"
#include "process.h"
#include "server.h"
#include "server_internal.h"

pid_t server_spawn(const struct server_config *cfg, int *status_fd, int *gate_fd)
{
	const struct scenario_info *s = scenario_of_model(cfg->model);
	struct server_config resolved = *cfg;
	int status_pipe[2], gate[2];
	pid_t caller = getpid(), pid;

	/* too many workers for the model is the master's STATUS_ERROR: it says why */
	if (!s || cfg->workers == 0 || cfg->port > 65535 || !scenario_accepts_policy(s, cfg->policy) ||
	    cfg->threads > POOL_MAX_THREADS) {
		errno = EINVAL;
		return -1;
	}
	if (resolved.policy == POLICY_NONE)
		resolved.policy = s->default_policy;
	if (pipe2(status_pipe, O_CLOEXEC) < 0)
		return -1;
	/* a socketpair, not a pipe: server_release() sends with MSG_NOSIGNAL, so a
	 * master that already died cannot SIGPIPE the caller */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, gate) < 0) {
		close_pair(status_pipe);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close_pair(status_pipe);
		close_pair(gate);
		return -1;
	}
	if (pid == 0) {
		close(status_pipe[0]);
		close(gate[1]);
		master_main(&resolved, caller, status_pipe[1], gate[0]);
	}
	close(status_pipe[1]);
	close(gate[0]);
	*status_fd = status_pipe[0];
	*gate_fd = gate[1];
	return pid;
}

int server_release(int gate_fd)
{
	const char go = 1;
	ssize_t n;
	int err;

	do
		n = send(gate_fd, &go, 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	err = n == 1 ? 0 : -errno;
	close(gate_fd);
	return err;
}

int server_read_status(int status_fd, struct status_msg *msg, int timeout_ms)
{
	struct pollfd pfd = { .fd = status_fd, .events = POLLIN };
	size_t have = 0;
	int ready = poll(&pfd, 1, timeout_ms);

	if (ready <= 0)
		return ready;
	while (have < sizeof(*msg)) {
		ssize_t n = read(status_fd, (char *)msg + have, sizeof(*msg) - have);

		if (n < 0 && errno == EINTR && have)
			continue; /* never leave half a message in the pipe */
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EPIPE; /* the master exited */
			return -1;
		}
		have += (size_t)n;
	}
	return 1;
}
