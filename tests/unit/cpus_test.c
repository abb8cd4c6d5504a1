// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/cpus.c: CPU lists parsed and printed back (list and
 * rps mask), bad lists refused with the option named, disjoint placements,
 * the online check against this machine, and the placement options'
 * combinations. */
#include <string.h>
#include <unistd.h>
#include "cpus.h"
#include "options.h"
#include "unit.h"

static void test_parse_and_format(void)
{
	static const struct {
		const char *text, *list, *mask;
	} cases[] = {
		{ "0", "0", "1" },
		{ "1", "1", "2" },
		{ "0-3,5", "0-3,5", "2f" },
		{ "5,0-3", "0-3,5", "2f" },   /* any order, printed sorted */
		{ "2,3,4", "2-4", "1c" },
		{ "7-7", "7", "80" },
		{ "0,8", "0,8", "101" },
		{ "1023", "1023", NULL },     /* the last CPU cpu_set_t holds */
	};
	struct error_message err = { "" };
	char out[CPU_LIST_TEXT_SIZE];
	cpu_set_t set;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(cpu_list_parse("--server-cpus", cases[i].text, &set, &err), 0);
		cpu_list_format(&set, out, sizeof(out));
		CU_ASSERT_STRING_EQUAL(out, cases[i].list);
		if (cases[i].mask) {
			cpu_mask_format(&set, out, sizeof(out));
			CU_ASSERT_STRING_EQUAL(out, cases[i].mask);
		}
	}
}

static void test_bad_lists(void)
{
	static const char *const bad[] = { "", ",", "0,", ",0", "0,,1", "3-1", "-1", "1-", "x", "0x1", "1 ", " 1",
					   "1024", "0-1024", "+1", "1.5", "99999999999999999999" };
	struct error_message err = { "" };
	cpu_set_t set;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CU_ASSERT_EQUAL(cpu_list_parse("--load-cpus", bad[i], &set, &err), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--load-cpus"));
		CU_ASSERT_PTR_NULL(strchr(err.text, '\n'));
	}
}

static void test_placement_disjoint(void)
{
	struct cpu_placement p = { .server_given = true, .load_given = true };
	struct error_message err = { "" };

	cpu_list_parse("--server-cpus", "0-2", &p.server, &err);
	cpu_list_parse("--load-cpus", "3", &p.load, &err);
	CU_ASSERT_EQUAL(cpu_placement_check(&p, &err), 0);
	cpu_list_parse("--load-cpus", "2-3", &p.load, &err);
	CU_ASSERT_EQUAL(cpu_placement_check(&p, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "both have 2"));
	/* one set alone has nothing to overlap */
	p.load_given = false;
	CU_ASSERT_EQUAL(cpu_placement_check(&p, &err), 0);
}

static void test_online(void)
{
	struct error_message err = { "" };
	cpu_set_t set;

	/* CPU 0 is online on every machine (it cannot be taken offline on x86) */
	cpu_list_parse("--server-cpus", "0", &set, &err);
	CU_ASSERT_EQUAL(cpus_check_online("--server-cpus", &set, &err), 0);
	cpu_list_parse("--server-cpus", "0,1000", &set, &err);
	CU_ASSERT_EQUAL(cpus_check_online("--server-cpus", &set, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "CPU 1000 is not online"));
}

static void test_placement_options(void)
{
	struct run_options o = { 0 };
	struct error_message err = { "" };

	CU_ASSERT_EQUAL(placement_options_check(false, &o, NULL, NULL, &err), 0);
	CU_ASSERT_EQUAL(o.netns_gro, -1);
	CU_ASSERT_FALSE(o.cpus.worker_one_each);
	CU_ASSERT_EQUAL(placement_options_check(false, &o, "on", NULL, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--netns-gro needs --netns"));
	o.netns = true;
	CU_ASSERT_EQUAL(placement_options_check(false, &o, "off", "one-each", &err), 0);
	CU_ASSERT_EQUAL(o.netns_gro, 0);
	CU_ASSERT_TRUE(o.cpus.worker_one_each);
	CU_ASSERT_EQUAL(placement_options_check(false, &o, "yes", NULL, &err), -1);
	CU_ASSERT_EQUAL(placement_options_check(false, &o, NULL, "two-each", &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--worker-cpus"));
	/* trace: only a command we start can be put into a namespace */
	CU_ASSERT_EQUAL(placement_options_check(true, &o, NULL, NULL, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "-- COMMAND"));
	/* trace --pid: a running server is not moved, so --server-cpus is refused */
	o.netns = false;
	o.cpus.server_given = true;
	CU_ASSERT_EQUAL(placement_options_check(true, &o, NULL, NULL, &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--server-cpus needs -- COMMAND"));
	o.cpus.server_given = false;
	CU_ASSERT_EQUAL(placement_options_check(true, &o, NULL, "one-each", &err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "--worker-cpus needs -- COMMAND"));
}

/* The CPUs recorded for meta.csv are the affinity the processes have, pinned or not. */
static void test_record(void)
{
	struct cpu_record rec;
	cpu_set_t mine;

	CU_ASSERT_EQUAL_FATAL(sched_getaffinity(0, sizeof(mine), &mine), 0);
	cpus_record_run(&rec, getpid());
	CU_ASSERT_TRUE(rec.server_known);
	CU_ASSERT_TRUE(rec.load_known);
	CU_ASSERT_TRUE(CPU_EQUAL(&rec.server, &mine));
	CU_ASSERT_TRUE(CPU_EQUAL(&rec.load, &mine));
	cpus_record_run(&rec, 0);
	CU_ASSERT_FALSE(rec.server_known);
	CU_ASSERT_TRUE(rec.load_known);
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_parse_and_format);
	CU_ADD_TEST(suite, test_bad_lists);
	CU_ADD_TEST(suite, test_placement_disjoint);
	CU_ADD_TEST(suite, test_online);
	CU_ADD_TEST(suite, test_placement_options);
	CU_ADD_TEST(suite, test_record);
}

int main(void)
{
	return run_suite("cpus", NULL, NULL, add_tests);
}
