/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What differs between CPU architectures, in one place: the numbers of the
 * syscalls the tracer classifies (the syscalls:* tracepoint records carry
 * the number; the uprobes' arguments come through libbpf's PT_REGS_PARMn,
 * bpf_tracing.h, chosen by __TARGET_ARCH_*).
 *
 * x86_64 only. Another architecture needs its numbers below (from its
 * syscall table; arm64's asm-generic table has no poll, select or
 * epoll_wait), a vmlinux.h generated on it (its struct pt_regs), and the
 * Makefile's `uname -m` mapping. */
#ifndef TESTBED_ARCH_BPF_H
#define TESTBED_ARCH_BPF_H

#include <bpf/bpf_tracing.h>

#if defined(__TARGET_ARCH_x86)

/* arch/x86/entry/syscalls/syscall_64.tbl */
#define NR_read 0
#define NR_poll 7
#define NR_readv 19
#define NR_select 23
#define NR_accept 43
#define NR_recvfrom 45
#define NR_recvmsg 47
#define NR_prctl 157
#define NR_futex 202
#define NR_epoll_wait 232
#define NR_epoll_ctl 233
#define NR_pselect6 270
#define NR_ppoll 271
#define NR_epoll_pwait 281
#define NR_accept4 288
#define NR_epoll_pwait2 441
#define NR_futex_waitv 449

#else
#error "bpf/arch.bpf.h: no syscall numbers for this __TARGET_ARCH (x86 only; see the comment at the top)"
#endif

#endif
