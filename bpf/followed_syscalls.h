/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The syscalls the tracer follows, one list for both sides: the BPF
 * programs track an invocation of each from the thread's registers
 * (tracer.bpf.c, begin_syscall()), and the collector attaches
 * handle_sys_exit to each one's syscalls:sys_exit_<name> tracepoint
 * (user/collector.c), whose run ends that tracking. A syscall tracked
 * without its exit hook would stay set, and nothing would say so: the one
 * list keeps the sides equal.
 *
 * FOLLOWED_SYSCALLS(BLOCKING, EXIT_ONLY) expands BLOCKING(name) for the
 * syscalls the blocking classes name (syscall_class()) and EXIT_ONLY(name)
 * for those seen only at their return: prctl (PR_SET_NAME renames a thread)
 * and epoll_ctl (wake order's registration of a listener). The collector
 * checks accept4 (the second) to tell a kernel without syscall tracepoints. */
#ifndef TESTBED_FOLLOWED_SYSCALLS_H
#define TESTBED_FOLLOWED_SYSCALLS_H

#define FOLLOWED_SYSCALLS(BLOCKING, EXIT_ONLY)                                                   \
	BLOCKING(accept) BLOCKING(accept4)                                                       \
	BLOCKING(epoll_wait) BLOCKING(epoll_pwait) BLOCKING(epoll_pwait2)                        \
	BLOCKING(poll) BLOCKING(ppoll) BLOCKING(select) BLOCKING(pselect6)                       \
	BLOCKING(read) BLOCKING(readv) BLOCKING(recvfrom) BLOCKING(recvmsg)                      \
	BLOCKING(futex) BLOCKING(futex_waitv)                                                    \
	EXIT_ONLY(prctl) EXIT_ONLY(epoll_ctl)

#endif
