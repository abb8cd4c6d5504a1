// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for lib/suggest.c: edit distance and the "did you mean" choice. */
#include <string.h>
#include "unit.h"

#include "suggest.h"

static void test_edit_distance(void)
{
	CU_ASSERT_EQUAL(edit_distance("", ""), 0);
	CU_ASSERT_EQUAL(edit_distance("run", "run"), 0);
	CU_ASSERT_EQUAL(edit_distance("", "run"), 3);
	CU_ASSERT_EQUAL(edit_distance("run", ""), 3);
	CU_ASSERT_EQUAL(edit_distance("shared-epol", "shared-epoll"), 1);  /* a letter left out */
	CU_ASSERT_EQUAL(edit_distance("wrokers", "workers"), 1);          /* two swapped */
	CU_ASSERT_EQUAL(edit_distance("workres", "workers"), 1);
	CU_ASSERT_EQUAL(edit_distance("kitten", "sitting"), 3);
	CU_ASSERT_EQUAL(edit_distance("reuseprot", "reuseport"), 1);
	CU_ASSERT_EQUAL(edit_distance("abc", "xyz"), 3);
}

static void test_edit_distance_long_names(void)
{
	char long_name[100];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CU_ASSERT_EQUAL(edit_distance(long_name, "a"), (size_t)-1);
	CU_ASSERT_EQUAL(edit_distance("a", long_name), (size_t)-1);
}

static const char *suggest(const char *typed, const char *const *names, size_t count)
{
	struct suggestion s;

	suggestion_init(&s, typed);
	for (size_t i = 0; i < count; i++)
		suggestion_offer(&s, names[i]);
	return s.best;
}

static void test_closest_name(void)
{
	static const char *const scenarios[] = { "shared-accept", "shared-epoll", "shared-epoll-excl", "reuseport",
						 "reuseport-bpf" };
	static const char *const commands[] = { "list", "run", "trace", "report", "compare" };

	CU_ASSERT_STRING_EQUAL(suggest("shared-epol", scenarios, ARRAY_SIZE(scenarios)), "shared-epoll");
	CU_ASSERT_STRING_EQUAL(suggest("shared-epoll-exl", scenarios, ARRAY_SIZE(scenarios)), "shared-epoll-excl");
	CU_ASSERT_STRING_EQUAL(suggest("reuseprot", scenarios, ARRAY_SIZE(scenarios)), "reuseport");
	CU_ASSERT_STRING_EQUAL(suggest("rnu", commands, ARRAY_SIZE(commands)), "run");
	CU_ASSERT_STRING_EQUAL(suggest("lsit", commands, ARRAY_SIZE(commands)), "list");
	CU_ASSERT_STRING_EQUAL(suggest("reprot", commands, ARRAY_SIZE(commands)), "report");
}

/* Nothing close: no guess (a short word allows one edit only). */
static void test_nothing_close(void)
{
	static const char *const commands[] = { "list", "run", "trace", "report", "compare" };

	CU_ASSERT_PTR_NULL(suggest("frobnicate", commands, ARRAY_SIZE(commands)));
	CU_ASSERT_PTR_NULL(suggest("xyz", commands, ARRAY_SIZE(commands)));
	CU_ASSERT_PTR_NULL(suggest("ls", commands, ARRAY_SIZE(commands)));   /* two edits from list */
	CU_ASSERT_PTR_NULL(suggest("", commands, ARRAY_SIZE(commands)));
	CU_ASSERT_PTR_NULL(suggest("run", commands, 0));
}

/* On a tie the first offered name stays. */
static void test_tie_keeps_first(void)
{
	static const char *const names[] = { "cat", "bat" };

	CU_ASSERT_STRING_EQUAL(suggest("at", names, ARRAY_SIZE(names)), "cat");
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_edit_distance);
	CU_ADD_TEST(suite, test_edit_distance_long_names);
	CU_ADD_TEST(suite, test_closest_name);
	CU_ADD_TEST(suite, test_nothing_close);
	CU_ADD_TEST(suite, test_tie_keeps_first);
}

int main(void)
{
	return run_suite("suggest", NULL, NULL, add_tests);
}
