// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The run record (record.h): its process table, the per-thread counters
 * folded into processes, timeline samples, and the per-process and per-run
 * figures that the CSV files and the printed summary share. Exited threads
 * (retired by the tracer) are folded once and kept as rows; a pid the kernel
 * gives again is a new process (told apart by its start time). It stays
 * bounded under process churn: finished processes beyond a cap are folded
 * into one row, per-pid histograms are sparse until they fill. The formulas
 * are analysis/metrics.c's; the measurement loop that fills the record is in
 * measure.c, the files in run_files.c, the printing in summary_print.c. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "collector.h"
#include "metrics.h"
#include "record.h"
#include "util.h"

#define CLASS_NAME(name, id, ...) [id] = #name,
static const char *const class_names[CLASS_COUNT] = { FOR_EACH_CLASS(CLASS_NAME, 0) };
#define ONE_CLASS(name, id, ...) +1
_Static_assert(0 FOR_EACH_CLASS(ONE_CLASS, 0) == CLASS_COUNT, "FOR_EACH_CLASS lists every blocking class");

struct process_record *process_add(struct run_record *r, enum process_role role, unsigned index,
					  pid_t pid)
{
	if (grow_array(&r->procs, &r->procs_capacity, r->nprocs + 1, sizeof(*r->procs)))
		return NULL;
	r->procs[r->nprocs] = (struct process_record){ .role = role, .worker_index = index, .pid = pid };
	return &r->procs[r->nprocs++];
}

/* The newest first: a pid the kernel gave again names the latest process. */
struct process_record *process_by_pid(struct run_record *r, pid_t pid)
{
	size_t i;

	for (i = r->nprocs; i-- > 0;)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

/* T's process: the one BPF saw with T's leader's start time, else the newest
 * with its pid that BPF has not seen yet (which T then names). */
static struct process_record *thread_process(struct run_record *r, const struct thread_stats *t)
{
	size_t i;

	for (i = r->nprocs; i-- > 0;)
		if ((uint32_t)r->procs[i].pid == t->tgid && r->procs[i].start_ns == t->process_start_ns)
			return &r->procs[i];
	for (i = r->nprocs; i-- > 0;)
		if ((uint32_t)r->procs[i].pid == t->tgid && !r->procs[i].start_ns) {
			r->procs[i].start_ns = t->process_start_ns;
			return &r->procs[i];
		}
	return NULL;
}

/* ... and for readers: without claiming, the newest with the pid. */
static const struct process_record *thread_process_of(const struct run_record *r, const struct thread_stats *t)
{
	const struct process_record *fallback = NULL;
	size_t i;

	for (i = r->nprocs; i-- > 0;) {
		if ((uint32_t)r->procs[i].pid != t->tgid)
			continue;
		if (r->procs[i].start_ns == t->process_start_ns)
			return &r->procs[i];
		if (!fallback)
			fallback = &r->procs[i];
	}
	return fallback;
}

/* ID's index in S, or S->n: the last one found first (events come in runs
 * from one process), then the newest (the live processes' pids came last). */
static size_t histogram_set_index(const struct histogram_set *s, uint32_t id)
{
	if (s->last < s->n && s->items[s->last].id == id)
		return s->last;
	for (size_t i = s->n; i-- > 0;)
		if (s->items[i].id == id)
			return i;
	return s->n;
}

/* K's sparse buckets into a full histogram H (allocated on first use). */
static int make_full(struct keyed_histogram *k)
{
	k->h = malloc(sizeof(*k->h));
	if (!k->h)
		return -1;
	hist_init(k->h);
	for (size_t i = 0; i < k->nbuckets; i++)
		k->h->counts[k->buckets[i].index] = k->buckets[i].count;
	k->h->total = k->total;
	k->h->min = k->min;
	k->h->max = k->max;
	k->h->sum = k->sum;
	free(k->buckets);
	k->buckets = NULL;
	k->nbuckets = k->buckets_capacity = 0;
	return 0;
}

static int sparse_record(struct keyed_histogram *k, uint64_t value)
{
	uint32_t index = (uint32_t)hist_bucket_index(value);
	size_t i;

	for (i = 0; i < k->nbuckets && k->buckets[i].index != index; i++)
		;
	if (i == k->nbuckets) {
		if (k->nbuckets == HIST_SPARSE_MAX) {
			if (make_full(k))
				return -1;
			hist_record(k->h, value);
			return 0;
		}
		if (grow_array(&k->buckets, &k->buckets_capacity, k->nbuckets + 1, sizeof(*k->buckets)))
			return -1;
		k->buckets[k->nbuckets++] = (struct sparse_bucket){ .index = index };
	}
	k->buckets[i].count++;
	k->total++;
	if (value < k->min)
		k->min = value;
	if (value > k->max)
		k->max = value;
	k->sum = k->sum + value < k->sum ? UINT64_MAX : k->sum + value;
	return 0;
}

int histogram_set_record(struct histogram_set *s, uint32_t id, uint64_t value)
{
	size_t i = histogram_set_index(s, id);
	struct keyed_histogram *k = i < s->n ? &s->items[i] : NULL;

	s->last = i;
	if (!k) {
		if (!s->expanded && !(s->expanded = malloc(sizeof(*s->expanded))))
			return -1;
		if (grow_array(&s->items, &s->capacity, s->n + 1, sizeof(*s->items)))
			return -1;
		k = &s->items[s->n];
		*k = (struct keyed_histogram){ .id = id, .min = UINT64_MAX };
		s->n++;
	}
	if (k->h) {
		hist_record(k->h, value);
		return 0;
	}
	return sparse_record(k, value);
}

const struct histogram *histogram_set_at(const struct histogram_set *s, size_t i)
{
	const struct keyed_histogram *k = &s->items[i];
	struct histogram *h = s->expanded;

	if (k->h || !h)
		return k->h;
	hist_init(h);
	for (size_t b = 0; b < k->nbuckets; b++)
		h->counts[k->buckets[b].index] = k->buckets[b].count;
	h->total = k->total;
	h->min = k->min;
	h->max = k->max;
	h->sum = k->sum;
	return h;
}

const struct histogram *histogram_set_find(const struct histogram_set *s, uint32_t id)
{
	size_t i = histogram_set_index(s, id);

	return i < s->n ? histogram_set_at(s, i) : NULL;
}

static void histogram_set_free(struct histogram_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].h);
		free(s->items[i].buckets);
	}
	free(s->items);
	free(s->expanded);
	*s = (struct histogram_set){ 0 };
}

/* SUM += T, counter by counter: thread_counters is all __u64. */
static void add_counters(struct thread_counters *sum, const struct thread_counters *t)
{
	__u64 *out = (__u64 *)sum;
	const __u64 *in = (const __u64 *)t;
	size_t k;

	for (k = 0; k < sizeof(*sum) / sizeof(__u64); k++)
		out[k] += in[k];
}

/* T's process; tracing someone else's server, a process not yet known
 * becomes one: the root is the master and the others its workers. */
static struct process_record *thread_process_or_new(struct run_record *r, const struct thread_stats *t)
{
	struct process_record *p = thread_process(r, t);

	if (!p && r->discover_processes) {
		p = process_add(r, ROLE_WORKER, r->nprocs ? (unsigned)r->nprocs - 1 : 0, (pid_t)t->tgid);
		if (p)
			p->start_ns = t->process_start_ns;
	}
	return p;
}

/* Folds the live threads' counters into their processes, on top of what
 * their exited threads left (retired_totals). */
static void aggregate_threads(struct run_record *r, const struct thread_stats *threads, size_t n)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++) {
		r->procs[i].totals = r->procs[i].retired_totals;
		r->procs[i].threads = r->procs[i].retired_threads;
	}
	for (i = 0; i < n; i++) {
		struct process_record *p = thread_process_or_new(r, &threads[i]);

		if (!p)
			continue;
		p->threads++;
		add_counters(&p->totals, &threads[i].counters);
	}
}

/* An exited thread's final record, folded into its process once. */
static void fold_retired_thread(struct run_record *r, const struct thread_stats *t)
{
	struct process_record *p = thread_process_or_new(r, t);

	if (!p)
		return;
	p->retired_threads++;
	add_counters(&p->retired_totals, &t->counters);
	p->gone |= t->process_exited;
}

/* In the order their processes, then they, started: a reused pid's
 * processes get their rows in the order they lived. */
static int by_start(const void *a, const void *b)
{
	const struct thread_stats *x = a, *y = b;

	if (x->process_start_ns != y->process_start_ns)
		return x->process_start_ns < y->process_start_ns ? -1 : 1;
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* Whether LIVE is a stale copy of a thread in RETIRED (the tracer inserts the
 * retired record before it deletes the live one). */
static bool is_retired(const struct thread_stats *live, const struct thread_stats *retired, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (retired[i].tid == live->tid && retired[i].start_ns == live->start_ns)
			return true;
	return false;
}

int read_counters(struct run_record *r, struct collector *c)
{
	struct thread_stats *live, *retired;
	size_t nlive, nretired, i;

	if (collector_read_threads(c, &live, &nlive))
		return -1;
	if (collector_drain_retired(c, &retired, &nretired)) {
		free(live);
		return -1;
	}
	r->thread_accounting = collector_thread_accounting(c);
	if (grow_array(&r->threads, &r->threads_capacity, r->nretired + nretired + nlive, sizeof(*r->threads))) {
		free(live);
		free(retired);
		return -1;
	}
	qsort(retired, nretired, sizeof(*retired), by_start);
	r->threads_retired += nretired;
	for (i = 0; i < nretired; i++) {
		fold_retired_thread(r, &retired[i]);
		r->threads[r->nretired++] = retired[i];
	}
	r->nthreads = r->nretired;
	for (i = 0; i < nlive; i++)
		if (!is_retired(&live[i], retired, nretired))
			r->threads[r->nthreads++] = live[i];
	aggregate_threads(r, r->threads + r->nretired, r->nthreads - r->nretired);
	free(live);
	free(retired);
	return 0;
}

static int timeline_add(struct run_record *r, const struct timeline_sample *sample)
{
	if (grow_array(&r->timeline, &r->timeline_capacity, r->ntimeline + 1, sizeof(*r->timeline)))
		return -1;
	r->timeline[r->ntimeline++] = *sample;
	return 0;
}

/* Someone else's server ends and starts processes during the load (nginx -s
 * reload, a restarted Node worker): the gone (BPF retired their last thread,
 * or the pid is free) keep their rows, marked exited with no status (only
 * their parent can wait for them; a reused pid's new process gets its own). Not after the load:
 * then the processes we stop ourselves would count. */
static void mark_gone_processes(struct run_record *r)
{
	for (size_t i = 0; r->discover_processes && i < r->nprocs; i++)
		if (!r->procs[i].exited && (r->procs[i].gone || (kill(r->procs[i].pid, 0) && errno == ESRCH))) {
			r->procs[i].exited = true;
			r->procs[i].wait_status = -1;
		}
}

/* Whether P has ended for good with every count of it read and sampled:
 * its last thread retired, so no record of it can come any more. */
static bool is_finished(const struct process_record *p)
{
	return p->role == ROLE_WORKER && p->pid != 0 && p->exited && p->gone &&
	       p->sampled_connections == process_connections(p) && p->sampled_wakeups == process_listener_wakeups(p) &&
	       p->sampled_poll_wakeups == process_poll_wakeups(p) && p->sampled_wasted == process_listener_wasted(p);
}

/* P's figures into the folded row F: everything that is summed. */
static void fold_process(struct process_record *f, const struct process_record *p)
{
	add_counters(&f->retired_totals, &p->retired_totals);
	add_counters(&f->totals, &p->retired_totals);
	f->retired_threads += p->retired_threads;
	f->threads += p->retired_threads;
	f->reported |= p->reported;
	f->self_reported += p->self_reported;
	f->pool_reported |= p->pool_reported;
	f->pool_jobs_reported += p->pool_jobs_reported;
	f->sampled_connections += p->sampled_connections;
	f->sampled_wakeups += p->sampled_wakeups;
	f->sampled_poll_wakeups += p->sampled_poll_wakeups;
	f->sampled_wasted += p->sampled_wasted;
	f->folded_processes++;
}

/* The folded row, made on first use (appended: the master stays first). */
static struct process_record *folded_row(struct run_record *r)
{
	struct process_record *f;

	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == 0)
			return &r->procs[i];
	f = process_add(r, ROLE_WORKER, 0, 0);
	if (f) {
		f->exited = f->gone = true;
		f->wait_status = -1;
	}
	return f;
}

/* Folds the finished processes beyond r->finished_rows_max, the oldest
 * first, with their exited threads (see sample_timeline()). 0 or -1. */
static int fold_finished_processes(struct run_record *r)
{
	size_t finished = 0, excess, i, kept, nprocs, nretired = 0;
	struct thread_stats *threads;
	struct process_record *f;
	bool *fold, had_row;

	for (i = 0; i < r->nprocs; i++)
		finished += is_finished(&r->procs[i]);
	if (!r->discover_processes || !r->finished_rows_max || finished <= r->finished_rows_max)
		return 0;
	excess = finished - r->finished_rows_max;
	if (!folded_row(r)) /* first: it may move the table */
		return -1;
	nprocs = r->nprocs;
	fold = calloc(nprocs, sizeof(*fold));
	threads = malloc((r->nthreads + 1) * sizeof(*threads));
	if (!fold || !threads) {
		free(fold);
		free(threads);
		return -1;
	}
	f = folded_row(r);
	for (i = 0; i < nprocs && excess; i++)
		if (is_finished(&r->procs[i])) {
			fold[i] = true;
			fold_process(f, &r->procs[i]);
			excess--;
		}
	/* the threads: the folded ones' row first, the other exited ones, the live */
	had_row = r->nretired && r->threads[0].tid == 0;
	threads[0] = had_row ? r->threads[0] : (struct thread_stats){ .comm = "(folded)" };
	for (i = had_row ? 1 : 0, kept = 1; i < r->nthreads; i++) {
		const struct thread_stats *t = &r->threads[i];
		const struct process_record *p = i < r->nretired ? thread_process_of(r, t) : NULL;

		if (i == r->nretired)
			nretired = kept;
		if (p && fold[p - r->procs])
			add_counters(&threads[0].counters, &t->counters);
		else
			threads[kept++] = *t;
	}
	if (i == r->nretired)
		nretired = kept;
	if (grow_array(&r->threads, &r->threads_capacity, kept, sizeof(*r->threads))) {
		free(fold);
		free(threads);
		return -1;
	}
	memcpy(r->threads, threads, kept * sizeof(*threads));
	r->nthreads = kept;
	r->nretired = nretired;
	/* the processes */
	for (i = kept = 0; i < nprocs; i++)
		if (!fold[i])
			r->procs[kept++] = r->procs[i];
	r->processes_folded += nprocs - kept;
	r->nprocs = kept;
	free(fold);
	free(threads);
	return 0;
}

int sample_timeline(struct run_record *r, struct collector *c, uint64_t start_ms, uint64_t end_ms)
{
	size_t i;

	if (read_counters(r, c))
		return -1;
	mark_gone_processes(r);
	for (i = 0; i < r->nprocs; i++) {
		struct process_record *p = &r->procs[i];
		uint64_t connections = process_connections(p), wakeups = process_listener_wakeups(p),
			 poll = process_poll_wakeups(p), wasted = process_listener_wasted(p);
		struct timeline_sample sample = {
			.start_ms = start_ms, .end_ms = end_ms, .worker_index = p->worker_index, .pid = p->pid,
			.connections = connections - p->sampled_connections,
			.listener_wakeups = wakeups - p->sampled_wakeups,
			.poll_wakeups = poll - p->sampled_poll_wakeups,
			.listener_wasted = wasted - p->sampled_wasted,
		};

		p->sampled_connections = connections;
		p->sampled_wakeups = wakeups;
		p->sampled_poll_wakeups = poll;
		p->sampled_wasted = wasted;
		/* an exited worker's rows of zeros are left out: a server that
		 * recycles its workers would otherwise add a row per interval for
		 * every process it ever had (rows growing with time x churn) */
		if (p->exited && !sample.connections && !sample.listener_wakeups && !sample.poll_wakeups &&
		    !sample.listener_wasted)
			continue;
		if (p->role == ROLE_WORKER && timeline_add(r, &sample))
			return -1;
	}
	return fold_finished_processes(r);
}

struct record_rows record_rows(const struct run_record *r)
{
	return (struct record_rows){
		.processes = r->nprocs,
		.threads = r->nthreads,
		.timeline = r->ntimeline,
		.histograms = r->dispatch_delays.n + r->accept_queue_delays.n + r->queue_waits.n,
	};
}

void free_record(struct run_record *r)
{
	histogram_set_free(&r->dispatch_delays);
	histogram_set_free(&r->accept_queue_delays);
	histogram_set_free(&r->queue_waits);
	free(r->procs);
	free(r->threads);
	free(r->timeline);
	free(r->load);
	free(r->tracepoints);
	csv_abort(r->events_csv);
}

const char *class_name(unsigned blocked_class)
{
	return blocked_class < CLASS_COUNT ? class_names[blocked_class] : "none";
}

const char *role_name(enum process_role role)
{
	return role == ROLE_MASTER ? "master" : "worker";
}

int pool_index(const struct thread_stats *t)
{
	char comm[TASK_COMM_LEN + 1];
	char *end;
	long index;

	thread_comm(t, comm);
	if (strncmp(comm, "tb-pool-", 8) != 0)
		return -1;
	index = strtol(comm + 8, &end, 10);
	return *end || end == comm + 8 ? -1 : (int)index;
}

const char *thread_comm(const struct thread_stats *t, char out[TASK_COMM_LEN + 1])
{
	memcpy(out, t->comm, TASK_COMM_LEN);
	out[TASK_COMM_LEN] = '\0';
	return out;
}

const char *thread_role(const struct run_record *r, const struct thread_stats *t)
{
	const struct process_record *p = thread_process_of(r, t);

	if (!p)
		return "other";
	/* ours: a worker's thread named tb-pool-N; Node's: any thread that ran libuv jobs */
	if (t->tid != t->tgid && ((p->role == ROLE_WORKER && pool_index(t) >= 0) || t->counters.libuv_jobs_whole_run))
		return "pool";
	return role_name(p->role);
}

bool is_pool_thread(const struct run_record *r, const struct thread_stats *t)
{
	return strcmp(thread_role(r, t), "pool") == 0;
}

const struct histogram *thread_queue_waits(const struct run_record *r, uint32_t tid)
{
	return histogram_set_find(&r->queue_waits, tid);
}

uint64_t process_connections(const struct process_record *p)
{
	return connections_taken(p->totals.accepted, p->totals.fds_received);
}

uint64_t process_listener_wakeups(const struct process_record *p)
{
	return p->totals.listener_wakeups;
}

uint64_t process_poll_wakeups(const struct process_record *p)
{
	return poll_wakeups(p->totals.wakeups[CLASS_ACCEPT], p->totals.wakeups[CLASS_POLL]);
}

uint64_t process_listener_wasted(const struct process_record *p)
{
	return listener_wasted(p->totals.wasted_wakeups[CLASS_ACCEPT], p->totals.wasted_wakeups[CLASS_POLL],
			       p->totals.accept_eagain_wasted);
}

bool is_acceptor(const struct run_record *r, const struct process_record *p)
{
	/* someone else's server: whoever tried to accept */
	if (!r->opts->scenario)
		return p->totals.accepted || p->totals.accept_eagain;
	return (p->role == ROLE_MASTER) == (r->opts->scenario->model == MODEL_FD_DISPATCH);
}

double process_pool_utilisation(const struct run_record *r, const struct process_record *p)
{
	size_t threads = r->opts->threads, i;

	if (p->role != ROLE_WORKER)
		return NAN;
	/* trace: the pool threads seen in the process (Node's libuv pool) */
	for (i = 0; !r->opts->threads && i < r->nthreads; i++)
		threads += r->threads[i].tgid == (uint32_t)p->pid && is_pool_thread(r, &r->threads[i]);
	return pool_utilisation(p->totals.job_busy_ns, threads, r->duration_s);
}

uint64_t worker_connections_total(const struct run_record *r)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].role == ROLE_WORKER)
			total += process_connections(&r->procs[i]);
	return total;
}

uint64_t record_worker_restarts(const struct run_record *r)
{
	return worker_restarts(r->nprocs ? r->nprocs - 1 : 0, r->opts->workers);
}

uint64_t record_connections_lost(const struct run_record *r)
{
	return connections_lost(r->load->refused, r->load->reset, r->load->timed_out);
}

uint64_t record_dispatch_unmatched(const struct run_record *r)
{
	struct thread_counters all;

	record_totals(r, &all);
	return all.dispatch_unmatched + r->dispatch_unread;
}

uint64_t record_accept_queue_unmatched(const struct run_record *r)
{
	struct thread_counters all;

	record_totals(r, &all);
	return all.accept_queue_unmatched;
}

uint64_t record_pool_queue_unmatched(const struct run_record *r)
{
	struct thread_counters all;

	record_totals(r, &all);
	return all.pool_queue_unmatched;
}

void record_totals(const struct run_record *r, struct thread_counters *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->nprocs; i++)
		add_counters(out, &r->procs[i].totals);
}

struct pool_totals record_pool_totals(const struct run_record *r)
{
	struct pool_totals p = { 0 };
	size_t i;

	for (i = 0; i < r->nthreads; i++) {
		const struct thread_stats *t = &r->threads[i];

		if (!is_pool_thread(r, t))
			continue;
		p.threads++;
		p.jobs += t->counters.jobs_run;
		p.busy_ns += t->counters.job_busy_ns;
		p.futex_wakeups += t->counters.wakeups[CLASS_FUTEX];
		p.wasted_futex_wakeups += t->counters.wasted_wakeups[CLASS_FUTEX];
		for (size_t k = 0; k < LIBUV_KIND_COUNT; k++)
			p.libuv_jobs[k] += t->counters.libuv_jobs[k];
		p.libuv_jobs_whole_run += t->counters.libuv_jobs_whole_run;
	}
	return p;
}

void summarize_record(struct run_record *r)
{
	uint64_t *per_worker = calloc(r->nprocs ? r->nprocs : 1, sizeof(*per_worker));
	struct run_counts counts = {
		.worker_connections = per_worker,
		.completed = r->load->completed,
		.duration_s = r->duration_s,
		.latency_ns = &r->load->latency_ns,
	};
	size_t i;

	for (i = 0; i < r->nprocs; i++) {
		const struct process_record *p = &r->procs[i];

		if (p->role == ROLE_WORKER && per_worker)
			per_worker[counts.nworkers++] = process_connections(p);
		if (is_acceptor(r, p)) {
			counts.accepted += p->totals.accepted;
			counts.listener_wakeups += process_listener_wakeups(p);
			counts.poll_wakeups += process_poll_wakeups(p);
			counts.listener_wasted += process_listener_wasted(p);
		}
	}
	summarize_run(&counts, &r->summary);
	free(per_worker);
}
