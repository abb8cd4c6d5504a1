// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for the pure parts of scenarios/catalog.c: policy names and
 * which scenario takes which policy. Starting servers needs no unit test
 * double: the integration tests run them for real. */
#include <string.h>
#include "unit.h"
#include "server.h"

static void test_policy_names_round_trip(void)
{
	const enum dispatch_policy all[] = { POLICY_NONE, POLICY_RR, POLICY_LEAST, POLICY_IDLE };

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		enum dispatch_policy parsed = (enum dispatch_policy)-1;

		CU_ASSERT_EQUAL(policy_parse(policy_name(all[i]), &parsed), 0);
		CU_ASSERT_EQUAL(parsed, all[i]);
	}
	CU_ASSERT_STRING_EQUAL(policy_name(POLICY_RR), "rr");
	CU_ASSERT_STRING_EQUAL(policy_name(POLICY_LEAST), "least");
	CU_ASSERT_STRING_EQUAL(policy_name(POLICY_IDLE), "idle");
	CU_ASSERT_STRING_EQUAL(policy_name(POLICY_NONE), "none");
	CU_ASSERT_STRING_EQUAL(policy_name((enum dispatch_policy)99), "unknown");
}

static void test_policy_parse_rejects(void)
{
	enum dispatch_policy parsed = POLICY_IDLE;

	CU_ASSERT_EQUAL(policy_parse("RR", &parsed), -1); /* names are exact, like scenario names */
	CU_ASSERT_EQUAL(policy_parse("round-robin", &parsed), -1);
	CU_ASSERT_EQUAL(policy_parse("rr ", &parsed), -1);
	CU_ASSERT_EQUAL(policy_parse("", &parsed), -1);
	CU_ASSERT_EQUAL(policy_parse("unknown", &parsed), -1);
	CU_ASSERT_EQUAL(policy_parse(NULL, &parsed), -1);
	CU_ASSERT_EQUAL(parsed, POLICY_IDLE); /* untouched on error */
}

static void test_scenario_policies(void)
{
	const struct scenario_info *bpf = scenario_find("reuseport-bpf");
	const struct scenario_info *dispatch = scenario_find("fd-dispatch");
	const struct scenario_info *reuseport = scenario_find("reuseport");

	CU_ASSERT_PTR_NOT_NULL_FATAL(bpf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dispatch);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reuseport);

	CU_ASSERT_TRUE(scenario_accepts_policy(bpf, POLICY_RR));
	CU_ASSERT_TRUE(scenario_accepts_policy(bpf, POLICY_LEAST));
	CU_ASSERT_FALSE(scenario_accepts_policy(bpf, POLICY_IDLE));
	CU_ASSERT_EQUAL(bpf->default_policy, POLICY_RR);
	CU_ASSERT_EQUAL(bpf->max_workers, 64);

	CU_ASSERT_TRUE(scenario_accepts_policy(dispatch, POLICY_RR));
	CU_ASSERT_TRUE(scenario_accepts_policy(dispatch, POLICY_IDLE));
	CU_ASSERT_FALSE(scenario_accepts_policy(dispatch, POLICY_LEAST));
	CU_ASSERT_EQUAL(dispatch->default_policy, POLICY_RR);

	/* no choice to make: only "none" */
	CU_ASSERT_TRUE(scenario_accepts_policy(reuseport, POLICY_NONE));
	CU_ASSERT_FALSE(scenario_accepts_policy(reuseport, POLICY_RR));
	CU_ASSERT_FALSE(scenario_accepts_policy(scenario_find("shared-epoll"), POLICY_IDLE));
	/* POLICY_NONE = the scenario's default, wherever there is a choice */
	CU_ASSERT_TRUE(scenario_accepts_policy(dispatch, POLICY_NONE));
	CU_ASSERT_FALSE(scenario_accepts_policy(bpf, (enum dispatch_policy)40));
}

/* Every entry is complete, names are unique, and a default is one of its policies. */
static void test_table_consistent(void)
{
	for (unsigned i = 0; i < scenario_count; i++) {
		const struct scenario_info *s = &scenario_table[i];

		CU_ASSERT_PTR_NOT_NULL(s->name);
		CU_ASSERT_PTR_NOT_NULL(s->waits_in);
		CU_ASSERT_PTR_NOT_NULL(s->twin);
		CU_ASSERT_PTR_EQUAL(scenario_find(s->name), s);
		if (s->policies) {
			CU_ASSERT_TRUE(s->policies & (1u << s->default_policy));
		} else {
			CU_ASSERT_EQUAL(s->default_policy, POLICY_NONE);
		}
		for (unsigned j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(s->model, scenario_table[j].model);
	}
	CU_ASSERT_PTR_NULL(scenario_find("reuseport-ebpf"));
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_policy_names_round_trip);
	CU_ADD_TEST(suite, test_policy_parse_rejects);
	CU_ADD_TEST(suite, test_scenario_policies);
	CU_ADD_TEST(suite, test_table_consistent);
}

int main(void)
{
	return run_suite("server", NULL, NULL, add_tests);
}
