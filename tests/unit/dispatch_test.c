// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for scenarios/dispatch.c: who gets each connection under
 * fd-dispatch's rr and idle policies, through readiness, acks and deaths.
 * The "descriptors" are plain numbers: the dispatcher never touches them. */
#include <errno.h>
#include "unit.h"
#include "dispatch.h"

/* Takes the next hand-off and checks it went to WORKER with FD. */
#define EXPECT_HANDOFF(d, worker, fd_expected)                        \
	do {                                                          \
		unsigned w_ = ~0u;                                    \
		int fd_ = -1;                                         \
		CU_ASSERT_TRUE(dispatcher_next((d), &w_, &fd_));      \
		CU_ASSERT_EQUAL(w_, (worker));                        \
		CU_ASSERT_EQUAL(fd_, (fd_expected));                  \
	} while (0)

#define EXPECT_NO_HANDOFF(d)                                          \
	do {                                                          \
		unsigned w_;                                          \
		int fd_;                                              \
		CU_ASSERT_FALSE(dispatcher_next((d), &w_, &fd_));     \
	} while (0)

static struct dispatcher *ready_dispatcher(enum dispatch_policy policy, unsigned workers)
{
	struct dispatcher *d = dispatcher_create(policy, workers);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (unsigned i = 0; i < workers; i++)
		dispatcher_worker_ready(d, i);
	return d;
}

static void test_create_rejects(void)
{
	errno = 0;
	CU_ASSERT_PTR_NULL(dispatcher_create(POLICY_NONE, 2));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(dispatcher_create(POLICY_LEAST, 2));
	CU_ASSERT_PTR_NULL(dispatcher_create(POLICY_RR, 0));
	dispatcher_destroy(NULL);
}

/* rr: connection k goes to worker k % N, one hand-off in flight each. */
static void test_rr_strict_rotation(void)
{
	struct dispatcher *d = ready_dispatcher(POLICY_RR, 3);

	for (int fd = 10; fd < 16; fd++)
		CU_ASSERT_EQUAL(dispatcher_add(d, fd), 0);
	CU_ASSERT_EQUAL(dispatcher_queued(d), 6);
	EXPECT_HANDOFF(d, 0, 10);
	EXPECT_HANDOFF(d, 1, 11);
	EXPECT_HANDOFF(d, 2, 12);
	EXPECT_NO_HANDOFF(d); /* all in flight */
	/* worker 2 acks first, but 13 is worker 0's: rr does not reassign */
	dispatcher_acked(d, 2);
	EXPECT_HANDOFF(d, 2, 15);
	EXPECT_NO_HANDOFF(d);
	dispatcher_acked(d, 0);
	EXPECT_HANDOFF(d, 0, 13);
	dispatcher_acked(d, 1);
	EXPECT_HANDOFF(d, 1, 14);
	CU_ASSERT_EQUAL(dispatcher_queued(d), 0);
	dispatcher_destroy(d);
}

/* rr: a worker that is not ready yet (or restarting) keeps its turn; its
 * connections wait for it and nobody else gets them. */
static void test_rr_waits_for_restart(void)
{
	struct dispatcher *d = ready_dispatcher(POLICY_RR, 2);
	int fd;

	dispatcher_worker_gone(d, 1);
	for (fd = 20; fd < 24; fd++)
		dispatcher_add(d, fd);
	EXPECT_HANDOFF(d, 0, 20);
	dispatcher_acked(d, 0);
	EXPECT_HANDOFF(d, 0, 22);
	dispatcher_acked(d, 0);
	EXPECT_NO_HANDOFF(d); /* 21 and 23 belong to worker 1 */
	dispatcher_worker_ready(d, 1);
	EXPECT_HANDOFF(d, 1, 21);
	dispatcher_acked(d, 1);
	EXPECT_HANDOFF(d, 1, 23);
	dispatcher_destroy(d);
}

/* idle: the first free worker gets the connection; with none free it waits
 * in one shared queue and goes to whoever acks first. */
static void test_idle_free_fifo(void)
{
	struct dispatcher *d = ready_dispatcher(POLICY_IDLE, 3);

	dispatcher_add(d, 30);
	EXPECT_HANDOFF(d, 0, 30);
	dispatcher_add(d, 31);
	EXPECT_HANDOFF(d, 1, 31);
	dispatcher_acked(d, 0); /* free again, behind worker 2 */
	dispatcher_add(d, 32);
	EXPECT_HANDOFF(d, 2, 32);
	dispatcher_add(d, 33);
	EXPECT_HANDOFF(d, 0, 33);
	/* nobody free: the next two wait */
	dispatcher_add(d, 34);
	dispatcher_add(d, 35);
	EXPECT_NO_HANDOFF(d);
	CU_ASSERT_EQUAL(dispatcher_queued(d), 2);
	/* on the ack the acking worker gets the next pending one */
	dispatcher_acked(d, 2);
	EXPECT_HANDOFF(d, 2, 34);
	dispatcher_acked(d, 1);
	EXPECT_HANDOFF(d, 1, 35);
	EXPECT_NO_HANDOFF(d);
	dispatcher_destroy(d);
}

/* idle: a dead worker leaves the free FIFO; its in-flight hand-off is not
 * waited for; it is free again only once its successor is ready. */
static void test_idle_worker_gone(void)
{
	struct dispatcher *d = ready_dispatcher(POLICY_IDLE, 3);

	dispatcher_worker_gone(d, 0); /* free, then gone */
	dispatcher_add(d, 40);
	EXPECT_HANDOFF(d, 1, 40);
	dispatcher_worker_gone(d, 1); /* gone with 40 in flight */
	dispatcher_acked(d, 1);       /* a stray ack from the dead one changes nothing */
	dispatcher_add(d, 41);
	EXPECT_HANDOFF(d, 2, 41);
	dispatcher_add(d, 42);
	EXPECT_NO_HANDOFF(d);
	dispatcher_worker_ready(d, 1); /* the restarted worker 1 */
	EXPECT_HANDOFF(d, 1, 42);
	dispatcher_worker_ready(d, 1); /* a repeated ready changes nothing: still in flight */
	dispatcher_add(d, 43);
	EXPECT_NO_HANDOFF(d);
	dispatcher_worker_ready(d, 0);
	EXPECT_HANDOFF(d, 0, 43);
	dispatcher_destroy(d);
}

/* A failed send: the fd goes back to the front, for the next free worker
 * (idle) or for the same worker's restart (rr). */
static void test_return_after_failed_send(void)
{
	struct dispatcher *d = ready_dispatcher(POLICY_IDLE, 2);

	dispatcher_add(d, 50);
	dispatcher_add(d, 51);
	EXPECT_HANDOFF(d, 0, 50);
	CU_ASSERT_EQUAL(dispatcher_return(d, 0, 50), 0);
	EXPECT_HANDOFF(d, 1, 50);
	EXPECT_NO_HANDOFF(d); /* worker 0 is gone until ready again */
	dispatcher_destroy(d);

	d = ready_dispatcher(POLICY_RR, 2);
	dispatcher_add(d, 60);
	dispatcher_add(d, 61);
	dispatcher_add(d, 62);
	EXPECT_HANDOFF(d, 0, 60);
	CU_ASSERT_EQUAL(dispatcher_return(d, 0, 60), 0);
	EXPECT_HANDOFF(d, 1, 61);
	dispatcher_worker_ready(d, 0);
	EXPECT_HANDOFF(d, 0, 60); /* its own, in order */
	dispatcher_acked(d, 0);
	EXPECT_HANDOFF(d, 0, 62);
	dispatcher_destroy(d);
}

/* Stop: every queued connection comes out once, none in flight. */
static void test_drain(void)
{
	struct dispatcher *d = ready_dispatcher(POLICY_RR, 2);
	int fd, seen = 0, sum = 0;

	for (fd = 1; fd <= 5; fd++)
		dispatcher_add(d, fd);
	EXPECT_HANDOFF(d, 0, 1);
	while (dispatcher_drain(d, &fd)) {
		seen++;
		sum += fd;
	}
	CU_ASSERT_EQUAL(seen, 4);
	CU_ASSERT_EQUAL(sum, 2 + 3 + 4 + 5);
	CU_ASSERT_EQUAL(dispatcher_queued(d), 0);
	dispatcher_destroy(d);
}

/* Many waiting connections: the queue grows and wraps, FIFO order holds. */
static void test_queue_grows_in_order(void)
{
	struct dispatcher *d = ready_dispatcher(POLICY_IDLE, 1);
	int next_out = 0, fd;

	for (fd = 0; fd < 5; fd++)
		dispatcher_add(d, fd);
	for (int round = 0; round < 3; round++) { /* pop some, then push past the capacity */
		for (int i = 0; i < 3; i++) {
			EXPECT_HANDOFF(d, 0, next_out);
			next_out++;
			dispatcher_acked(d, 0);
		}
		for (int i = 0; i < 40; i++)
			CU_ASSERT_EQUAL(dispatcher_add(d, fd++), 0);
	}
	CU_ASSERT_EQUAL(dispatcher_queued(d), (unsigned)(fd - next_out));
	while (next_out < fd) {
		EXPECT_HANDOFF(d, 0, next_out);
		next_out++;
		dispatcher_acked(d, 0);
	}
	EXPECT_NO_HANDOFF(d);
	dispatcher_destroy(d);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_create_rejects);
	CU_ADD_TEST(suite, test_rr_strict_rotation);
	CU_ADD_TEST(suite, test_rr_waits_for_restart);
	CU_ADD_TEST(suite, test_idle_free_fifo);
	CU_ADD_TEST(suite, test_idle_worker_gone);
	CU_ADD_TEST(suite, test_return_after_failed_send);
	CU_ADD_TEST(suite, test_drain);
	CU_ADD_TEST(suite, test_queue_grows_in_order);
}

int main(void)
{
	return run_suite("dispatch", NULL, NULL, add_tests);
}
