// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Wake order of a run record (issue 20): the tracer's wake_* counters summed
 * over the server processes, the policy inferred from them
 * (analysis/wake_order.c) and the summary's lines about it. The CSV columns
 * are in the writers' tables (run_files.c, summary_files.c); the BPF side is
 * bpf/wake_order.bpf.h. */
#include <math.h>
#include "metrics.h"
#include "wake_order_record.h"

struct wake_counts record_wake_counts(const struct run_record *r)
{
	struct wake_counts counts = { 0 };
	struct thread_counters all;

	record_totals(r, &all);
	wake_counts_add(&counts, &all);
	return counts;
}

struct wake_verdict record_wake_order(const struct run_record *r)
{
	struct wake_counts counts = record_wake_counts(r);

	return wake_order_infer(&counts);
}

void print_wake_order(FILE *out, const struct run_record *r)
{
	struct wake_counts c = record_wake_counts(r);
	struct wake_verdict v = wake_order_infer(&c);
	char sentence[512];
	bool any = false;

	fprintf(out, "wake order           %s\n", wake_order_explain(&v, sentence, sizeof(sentence)));
	fprintf(out, "                     (of %llu accepted: sole idle worker %llu, a choice %llu (fixed %llu, FIFO %llu, "
		"LIFO %llu), queued %llu, unranked %llu; its turn (rotation) %llu)\n", (unsigned long long)c.accepted,
		(unsigned long long)c.sole, (unsigned long long)wake_counts_choices(&c), (unsigned long long)c.fixed,
		(unsigned long long)c.fifo, (unsigned long long)c.lifo, (unsigned long long)c.queued,
		(unsigned long long)c.unranked, (unsigned long long)c.rotation);
	for (size_t i = 0; i < r->nprocs; i++) {
		const struct process_record *p = &r->procs[i];
		uint64_t idle = p->totals.listener_idle_ns, busy = p->totals.listener_busy_ns;

		if (!idle && !busy)
			continue;
		fprintf(out, "%s", any ? "," : "idle on listener    ");
		if (p->role == ROLE_WORKER)
			fprintf(out, " w%u %.0f%%", p->worker_index,
				100.0 * ratio_or_nan((double)idle, (double)(idle + busy)));
		else
			fprintf(out, " master %.0f%%", 100.0 * ratio_or_nan((double)idle, (double)(idle + busy)));
		any = true;
	}
	if (any)
		fputs("   (of idle + busy time)\n", out);
}
