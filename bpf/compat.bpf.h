/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Kernel-version shims, one place. Each cites the change that needs it. */
#ifndef TESTBED_COMPAT_BPF_H
#define TESTBED_COMPAT_BPF_H

#include <bpf/bpf_core_read.h>

/* Linux 5.14 (2f064a59a11f "sched: Change task_struct::state") renamed
 * task_struct::state to __state. */
struct task_struct___pre_5_14 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *task)
{
	if (bpf_core_field_exists(task->__state))
		return BPF_CORE_READ(task, __state);
	return BPF_CORE_READ((struct task_struct___pre_5_14 *)task, state);
}

#endif
