/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What differs between CPU architectures, in one place: the numbers of the
 * syscalls the tracer classifies (the syscalls:* tracepoint records carry
 * the number; the uprobes' arguments come through libbpf's PT_REGS_PARMn,
 * bpf_tracing.h, chosen by __TARGET_ARCH_*).
 *
 * x86_64 only. Another architecture needs its numbers and register names
 * below (from its syscall table; arm64's asm-generic table has no poll, select or
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

/* A task's syscall and its first arguments, from the user registers its
 * kernel entry saved (struct pt_regs): orig_ax keeps the number after the
 * return value is stored in ax. */
#define SYSCALL_NR(regs) ((long)BPF_CORE_READ((regs), orig_ax))
#define SYSCALL_ARG0(regs) BPF_CORE_READ((regs), di)
#define SYSCALL_ARG1(regs) BPF_CORE_READ((regs), si)
#define SYSCALL_ARG2(regs) BPF_CORE_READ((regs), dx)
/* Before bpf_task_pt_regs() (Linux 5.15) the registers are found at the top
 * of the task's kernel stack, THREAD_SIZE long: 16 KiB on x86_64 (32 KiB
 * with KASAN, which the kernels compared do not enable) */
#define KERNEL_STACK_SIZE 16384

#else
#error "bpf/arch.bpf.h: no syscall numbers for this __TARGET_ARCH (x86 only; see the comment at the top)"
#endif

#endif
