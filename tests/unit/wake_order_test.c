// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for analysis/wake_order.c: the policy inferred from the wake_*
 * counts, at and around each threshold of wake_order.h. */
#include <math.h>
#include <string.h>
#include "unit.h"
#include "wake_order.h"

/* N connections with a choice, all at rank 0 (the longest idle). */
static struct wake_counts choices(uint64_t n)
{
	struct wake_counts c = { .accepted = n };

	c.rank[0] = n;
	return c;
}

static void test_each_order(void)
{
	struct wake_counts c = choices(1000);
	struct wake_verdict v;

	c.fifo = 990, c.fixed = 300, c.lifo = 2, c.rotation = 500;
	v = wake_order_infer(&c);
	CU_ASSERT_EQUAL(v.order, WAKE_ORDER_FIFO);
	CU_ASSERT_DOUBLE_EQUAL(v.share, 0.99, 1e-12);
	CU_ASSERT_EQUAL(v.over, 1000);
	c.fifo = 300, c.fixed = 970;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_FIXED);
	c.fixed = 100, c.lifo = 950;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_LIFO);
	c.lifo = 10, c.rotation = 960;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_ROTATION);
	CU_ASSERT_STRING_EQUAL(wake_order_name(WAKE_ORDER_ROTATION), "rotation");
}

/* Within WAKE_ORDER_TIE the stricter rule is named: one worker taking
 * everything under EPOLLEXCLUSIVE is also always the most recently idle. */
static void test_tie_names_the_stricter(void)
{
	struct wake_counts c = choices(1000);

	c.fixed = 960, c.lifo = 1000;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_FIXED);
	c.fixed = 940; /* 6 points behind: LIFO explains more */
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_LIFO);
	c.fixed = 0, c.fifo = 960, c.rotation = 1000;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_FIFO);
}

static void test_share_threshold(void)
{
	struct wake_counts c = choices(1000);
	struct wake_verdict v;

	c.fifo = 800; /* exactly WAKE_ORDER_MIN_SHARE */
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_FIFO);
	c.fifo = 799;
	v = wake_order_infer(&c);
	CU_ASSERT_EQUAL(v.order, WAKE_ORDER_NONE);
	CU_ASSERT_DOUBLE_EQUAL(v.share, 0.799, 1e-12); /* the most any order explains */
	c.fifo = 260, c.lifo = 250, c.fixed = 270, c.rotation = 240; /* a hash over 4 workers */
	v = wake_order_infer(&c);
	CU_ASSERT_EQUAL(v.order, WAKE_ORDER_NONE);
	CU_ASSERT_DOUBLE_EQUAL(v.share, 0.27, 1e-12);
}

/* Below WAKE_ORDER_MIN_CONTESTED choices no order is named from them. */
static void test_too_few_choices(void)
{
	struct wake_counts c = choices(WAKE_ORDER_MIN_CONTESTED - 1);

	c.fifo = c.rank[0];
	c.queued = 500, c.sole = 100;
	c.accepted += 600;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_QUEUEING);
	c.queued = 50;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_NO_CHOICE);
	c.rotation = 95; /* of 100 sole wakeups: every one its turn */
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_ROTATION);
	c.rank[0] = WAKE_ORDER_MIN_CONTESTED, c.fifo = c.rank[0];
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_FIFO);
}

static void test_handoffs_and_nothing(void)
{
	struct wake_counts c = { .accepted = 1000, .handed_off = 500, .sole = 1000 };
	struct wake_verdict v = wake_order_infer(&c);
	char text[512];

	CU_ASSERT_EQUAL(v.order, WAKE_ORDER_BY_CONSTRUCTION);
	CU_ASSERT_DOUBLE_EQUAL(v.share, 0.5, 1e-12);
	c.handed_off = 499;
	CU_ASSERT_EQUAL(wake_order_infer(&c).order, WAKE_ORDER_NO_CHOICE);
	c = (struct wake_counts){ .unranked = 10, .accepted = 10 };
	v = wake_order_infer(&c);
	CU_ASSERT_EQUAL(v.order, WAKE_ORDER_UNKNOWN);
	CU_ASSERT_PTR_NOT_NULL(strstr(wake_order_explain(&v, text, sizeof(text)), "unknown"));
}

static void test_sentence_and_sum(void)
{
	struct thread_counters t = { .accepted = 7, .fds_received = 1, .wake_sole = 2, .wake_fixed = 3 };
	struct wake_counts c = { 0 };
	struct wake_verdict v;
	char text[512];

	t.wake_rank[0] = 3, t.wake_rank[WAKE_RANKS - 1] = 1;
	wake_counts_add(&c, &t);
	wake_counts_add(&c, &t);
	CU_ASSERT_EQUAL(c.accepted, 14);
	CU_ASSERT_EQUAL(c.handed_off, 2);
	CU_ASSERT_EQUAL(wake_counts_choices(&c), 8);
	c = choices(812);
	c.fixed = 788;
	v = wake_order_infer(&c);
	wake_order_explain(&v, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "fixed: 97 % of the 812 connections with a choice"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "first-registered idle worker"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_each_order);
	CU_ADD_TEST(suite, test_tie_names_the_stricter);
	CU_ADD_TEST(suite, test_share_threshold);
	CU_ADD_TEST(suite, test_too_few_choices);
	CU_ADD_TEST(suite, test_handoffs_and_nothing);
	CU_ADD_TEST(suite, test_sentence_and_sum);
}

int main(void)
{
	return run_suite("wake_order", NULL, NULL, add_tests);
}
