// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* fd-dispatch's worker choice (see dispatch.h): queues of descriptors and a
 * FIFO of free workers, no system calls, so it is tested without sockets. */
#include <errno.h>
#include <stdlib.h>
#include "dispatch.h"

/* A growable ring of ints: queued descriptors, or free worker numbers. */
struct int_fifo {
	int *items;
	unsigned head, count, capacity;
};

struct dispatch_worker {
	bool ready;              /* waits on its socket: may get hand-offs */
	bool in_flight;          /* handed an fd, ack not yet back */
	struct int_fifo queue;   /* POLICY_RR: connections assigned to it */
};

struct dispatcher {
	enum dispatch_policy policy;
	unsigned nworkers;
	unsigned next_worker;    /* POLICY_RR: who gets the next connection */
	unsigned queued;         /* connections in all queues */
	struct int_fifo pending; /* POLICY_IDLE: connections no worker was free for */
	struct int_fifo free;    /* POLICY_IDLE: ready, nothing in flight, in order of freeing */
	struct dispatch_worker *workers;
};

static int fifo_grow(struct int_fifo *f)
{
	unsigned capacity = f->capacity ? 2 * f->capacity : 16;
	int *items;

	if (capacity < f->capacity)
		return -ENOMEM;
	items = malloc(capacity * sizeof(*items));
	if (!items)
		return -ENOMEM;
	/* unwrap the ring: the oldest item lands at 0 */
	for (unsigned i = 0; i < f->count; i++)
		items[i] = f->items[(f->head + i) % f->capacity];
	free(f->items);
	f->items = items;
	f->head = 0;
	f->capacity = capacity;
	return 0;
}

static int fifo_push_back(struct int_fifo *f, int value)
{
	if (f->count == f->capacity && fifo_grow(f) < 0)
		return -ENOMEM;
	f->items[(f->head + f->count) % f->capacity] = value;
	f->count++;
	return 0;
}

static int fifo_push_front(struct int_fifo *f, int value)
{
	if (f->count == f->capacity && fifo_grow(f) < 0)
		return -ENOMEM;
	f->head = (f->head + f->capacity - 1) % f->capacity;
	f->items[f->head] = value;
	f->count++;
	return 0;
}

static bool fifo_pop_front(struct int_fifo *f, int *value)
{
	if (!f->count)
		return false;
	*value = f->items[f->head];
	f->head = (f->head + 1) % f->capacity;
	f->count--;
	return true;
}

/* Removes VALUE wherever it sits, keeping the others in order. */
static void fifo_remove(struct int_fifo *f, int value)
{
	unsigned kept = 0;

	for (unsigned i = 0; i < f->count; i++) {
		int item = f->items[(f->head + i) % f->capacity];

		if (item != value)
			f->items[(f->head + kept++) % f->capacity] = item;
	}
	f->count = kept;
}

struct dispatcher *dispatcher_create(enum dispatch_policy policy, unsigned workers)
{
	struct dispatcher *d;

	if ((policy != POLICY_RR && policy != POLICY_IDLE) || workers == 0) {
		errno = EINVAL;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->policy = policy;
	d->nworkers = workers;
	d->workers = calloc(workers, sizeof(*d->workers));
	/* every worker at most once in the free FIFO: it never grows later */
	d->free.items = malloc(workers * sizeof(*d->free.items));
	d->free.capacity = workers;
	if (!d->workers || !d->free.items) {
		dispatcher_destroy(d);
		errno = ENOMEM;
		return NULL;
	}
	return d;
}

void dispatcher_destroy(struct dispatcher *d)
{
	if (!d)
		return;
	if (d->workers)
		for (unsigned i = 0; i < d->nworkers; i++)
			free(d->workers[i].queue.items);
	free(d->workers);
	free(d->pending.items);
	free(d->free.items);
	free(d);
}

int dispatcher_add(struct dispatcher *d, int fd)
{
	int err;

	if (d->policy == POLICY_RR) {
		err = fifo_push_back(&d->workers[d->next_worker].queue, fd);
		if (!err)
			d->next_worker = (d->next_worker + 1) % d->nworkers;
	} else {
		err = fifo_push_back(&d->pending, fd);
	}
	if (!err)
		d->queued++;
	return err;
}

/* Worker W can take a hand-off now. */
static void make_free(struct dispatcher *d, unsigned w)
{
	d->workers[w].in_flight = false;
	if (d->policy == POLICY_IDLE)
		fifo_push_back(&d->free, (int)w); /* never fails: see dispatcher_create */
}

void dispatcher_worker_ready(struct dispatcher *d, unsigned w)
{
	if (w >= d->nworkers || d->workers[w].ready)
		return;
	d->workers[w].ready = true;
	make_free(d, w);
}

void dispatcher_acked(struct dispatcher *d, unsigned w)
{
	/* an ack nobody waits for (a stray byte) changes nothing */
	if (w >= d->nworkers || !d->workers[w].ready || !d->workers[w].in_flight)
		return;
	make_free(d, w);
}

void dispatcher_worker_gone(struct dispatcher *d, unsigned w)
{
	if (w >= d->nworkers)
		return;
	d->workers[w].ready = false;
	d->workers[w].in_flight = false;
	if (d->policy == POLICY_IDLE)
		fifo_remove(&d->free, (int)w);
}

bool dispatcher_next(struct dispatcher *d, unsigned *w, int *fd)
{
	int worker;

	if (d->policy == POLICY_IDLE) {
		if (!d->pending.count || !fifo_pop_front(&d->free, &worker))
			return false;
		fifo_pop_front(&d->pending, fd);
		*w = (unsigned)worker;
	} else {
		/* the assignment is already made; any worker that can take its next one */
		for (*w = 0; *w < d->nworkers; (*w)++) {
			struct dispatch_worker *dw = &d->workers[*w];

			if (dw->ready && !dw->in_flight && fifo_pop_front(&dw->queue, fd))
				break;
		}
		if (*w == d->nworkers)
			return false;
	}
	d->workers[*w].in_flight = true;
	d->queued--;
	return true;
}

int dispatcher_return(struct dispatcher *d, unsigned w, int fd)
{
	struct int_fifo *queue;
	int err;

	if (w >= d->nworkers)
		return -EINVAL;
	dispatcher_worker_gone(d, w);
	queue = d->policy == POLICY_RR ? &d->workers[w].queue : &d->pending;
	/* just popped from this queue by dispatcher_next(), so there is room */
	err = fifo_push_front(queue, fd);
	if (!err)
		d->queued++;
	return err;
}

bool dispatcher_drain(struct dispatcher *d, int *fd)
{
	bool got = fifo_pop_front(&d->pending, fd);

	for (unsigned i = 0; !got && i < d->nworkers; i++)
		got = fifo_pop_front(&d->workers[i].queue, fd);
	if (got)
		d->queued--;
	return got;
}

unsigned dispatcher_queued(const struct dispatcher *d)
{
	return d->queued;
}
