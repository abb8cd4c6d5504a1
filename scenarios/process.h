/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Process plumbing for the forked server processes, and the process tree
 * of a server someone else wrote, as /proc shows it (process.c). */
#ifndef TESTBED_PROCESS_H
#define TESTBED_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

/* Closes every descriptor above stderr except the N in KEEP. */
void close_other_fds(const int *keep, size_t n);
/* SIGKILL when PARENT goes; _exit(1) if it is already gone. */
void die_with_parent(pid_t parent);
/* Closes both ends of a pipe or socketpair, keeping errno for the caller. */
void close_pair(const int fds[2]);
/* Writes all of BUF, retrying after EINTR; 0, or -1 with errno. */
int write_full(int fd, const void *buf, size_t len);
/* A guard process: forked, it waits on a pipe whose write end only the
 * caller holds. EOF means the caller is gone without standing it down
 * (SIGKILL), and the guard runs ON_ORPHANED(ARG) before it exits; a byte
 * stands it down. It ignores SIGINT/SIGTERM (a terminal's Ctrl-C is the
 * caller's to handle) and keeps none of the caller's other fds, so it
 * holds nothing of the caller's alive. */
struct guard {
	pid_t pid;               /* 0 = none */
	int fd;                  /* the pipe's write end */
};
/* 0, or -1 with errno (then G->pid is 0). NAME: its comm (tb-guard). */
int guard_start(struct guard *g, const char *name, void (*on_orphaned)(void *arg), void *arg);
/* Stands G down and reaps it; nothing when G has no guard. */
void guard_stand_down(struct guard *g);
/* Pins the calling thread to the (INDEX mod n)-th of the n CPUs it may run
 * on now (its children and threads inherit it). 0, or -1 with errno. */
int pin_to_nth_allowed_cpu(unsigned index);
/* The parent of PID from /proc/PID/stat, or -1. */
pid_t parent_of(pid_t pid);
/* How many processes PARENT has now (a /proc scan). */
unsigned count_children(pid_t parent);

#endif
