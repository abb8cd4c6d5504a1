/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A kernel function's code range from /proc/kallsyms, for the tracer's
 * listener rule (waker_completes_handshake(), bpf/tracer.bpf.c). */
#ifndef TESTBED_KALLSYMS_H
#define TESTBED_KALLSYMS_H

#include <stdint.h>

/* NAME's text symbol in PATH (a /proc/kallsyms listing, sorted by address
 * like the kernel's own part of it): *START its address, *END the next
 * higher symbol's. 0, or -1 when it is missing, its addresses read as 0
 * (kptr_restrict for a reader without CAP_SYSLOG) or the file cannot be
 * read. */
int kallsyms_function_range(const char *path, const char *name, uint64_t *start, uint64_t *end);

#endif
