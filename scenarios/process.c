// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Process plumbing for the forked server processes: closing the caller's
 * descriptors after a fork (the processes never exec), dying with the
 * parent, the guard process that cleans up after a SIGKILLed testbed, a
 * worker's own CPU (--worker-cpus one-each), closing a pipe pair, and
 * whole writes. Knows nothing of masters,
 * workers or sockets (master.c, worker.c, net.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "common.h"
#include "process.h"

static bool fd_in(int fd, const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] == fd)
			return true;
	return false;
}

/* Closes every descriptor above stderr except KEEP. O_CLOEXEC only acts on
 * exec and these processes never exec, so without this the master and the
 * workers would hold the caller's BPF links, maps and ring buffers. */
void close_other_fds(const int *keep, size_t n)
{
	unsigned lo = 3;
	DIR *dir;
	struct dirent *entry;

	for (;;) {
		unsigned next = UINT_MAX;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= (int)lo && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next == UINT_MAX) {
			if (close_range(lo, ~0U, 0) == 0)
				return;
			break;
		}
		if (next > lo && close_range(lo, next - 1, 0) < 0)
			break;
		lo = next + 1;
	}

	/* close_range() is Linux >= 5.9; the testbed also runs on older kernels */
	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((entry = readdir(dir))) {
		char *end;
		long fd = strtol(entry->d_name, &end, 10);

		if (*end || end == entry->d_name || fd < 3 || fd == dirfd(dir) ||
		    fd_in((int)fd, keep, n))
			continue;
		close((int)fd);
	}
	closedir(dir);
}

/* Dies with the process that forked us. PR_SET_PDEATHSIG fires when the
 * forking *thread* exits, so server_spawn() belongs on a long-lived thread. */
void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
}

int guard_start(struct guard *g, const char *name, void (*on_orphaned)(void *arg), void *arg)
{
	int fds[2], devnull;

	g->pid = 0;
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	g->pid = fork();
	if (g->pid < 0) {
		g->pid = 0;
		close_pair(fds);
		return -1;
	}
	if (g->pid == 0) {
		char byte;
		ssize_t n;

		prctl(PR_SET_NAME, name);
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		if (dup2(fds[0], 3) != 3)
			_exit(1);
		devnull = open("/dev/null", O_RDWR); /* not 3: taken */
		for (int fd = 0; fd < 3 && devnull >= 0; fd++)
			dup2(devnull, fd); /* nobody waits on our stdout for EOF */
		close_other_fds((const int[]){ 3 }, 1);
		do
			n = read(3, &byte, 1);
		while (n < 0 && errno == EINTR);
		if (n == 0)
			on_orphaned(arg);
		_exit(0);
	}
	close(fds[0]);
	g->fd = fds[1];
	return 0;
}

void guard_stand_down(struct guard *g)
{
	if (!g->pid)
		return;
	/* a failed write is EOF to the guard: it would clean up what is gone already */
	if (write(g->fd, "x", 1) != 1)
		debug_msg("cannot stand the guard down: %s", strerror(errno));
	close(g->fd);
	while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
	g->pid = 0;
}

int pin_to_nth_allowed_cpu(unsigned index)
{
	cpu_set_t allowed, one;
	int count, cpu, seen = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return -1;
	count = CPU_COUNT(&allowed);
	if (count <= 0)
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || seen++ != (int)(index % (unsigned)count))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		return sched_setaffinity(0, sizeof(one), &one);
	}
	return -1;
}

/* Closes both ends of a pipe or socketpair, keeping errno for the caller. */
void close_pair(const int fds[2])
{
	int err = errno;

	close(fds[0]);
	close(fds[1]);
	errno = err;
}

/* Plain write(): the master and the workers ignore SIGPIPE, so a peer that
 * went away is an EPIPE here, never a death. */
int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
pid_t parent_of(pid_t pid)
{
	char path[64], line[512], *close_paren;
	long ppid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	close_paren = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	if (!close_paren || sscanf(close_paren + 2, "%*c %ld", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

unsigned count_children(pid_t parent)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	unsigned n = 0;

	while (proc && (e = readdir(proc))) {
		pid_t pid = (pid_t)atol(e->d_name);

		if (pid > 0 && parent_of(pid) == parent)
			n++;
	}
	if (proc)
		closedir(proc);
	return n;
}
