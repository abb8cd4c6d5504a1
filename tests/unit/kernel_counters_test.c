// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Unit tests for user/kernel_counters.c: parsing /proc/net/netstat and
 * /proc/net/snmp text, deltas, and the real files of this machine. */
#include <string.h>
#include "kernel_counters.h"
#include "unit.h"

static const char netstat_text[] =
	"TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPBacklogDrop TCPReqQFullDrop\n"
	"TcpExt: 0 7 9 2 1\n"
	"IpExt: InNoRoutes ListenOverflows\n"
	"IpExt: 5 1234\n";
static const char snmp_text[] =
	"Ip: Forwarding DefaultTTL\n"
	"Ip: 1 64\n"
	"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens\n"
	"Tcp: 1 200 120000 -1 10 42\n";

static void test_parse(void)
{
	struct kernel_counters c = { 0 };

	kernel_counters_parse(netstat_text, &c);
	kernel_counters_parse(snmp_text, &c);
	/* by name within its own prefix: IpExt's same-named field is not TcpExt's */
	CU_ASSERT_EQUAL(c.value[KC_LISTEN_OVERFLOWS], 7);
	CU_ASSERT_EQUAL(c.value[KC_LISTEN_DROPS], 9);
	CU_ASSERT_EQUAL(c.value[KC_BACKLOG_DROPS], 2);
	CU_ASSERT_EQUAL(c.value[KC_REQ_QFULL_DROPS], 1);
	CU_ASSERT_EQUAL(c.value[KC_PASSIVE_OPENS], 42);
	CU_ASSERT_TRUE(c.present[KC_PASSIVE_OPENS]);
	/* a kernel before 5.14 has no TCPMigrateReq*: missing, not 0 */
	CU_ASSERT_FALSE(c.present[KC_MIGRATE_REQ_SUCCESS]);
	CU_ASSERT_FALSE(c.present[KC_MIGRATE_REQ_FAILURE]);
}

static void test_truncated_text(void)
{
	struct kernel_counters c = { 0 };

	kernel_counters_parse("TcpExt: ListenOverflows ListenDrops\nTcpExt: 3\n", &c);
	CU_ASSERT_TRUE(c.present[KC_LISTEN_OVERFLOWS]);
	CU_ASSERT_EQUAL(c.value[KC_LISTEN_OVERFLOWS], 3);
	CU_ASSERT_FALSE(c.present[KC_LISTEN_DROPS]);
	kernel_counters_parse("TcpExt: ListenOverflows", &c); /* no value line */
	kernel_counters_parse("", &c);
	CU_ASSERT_EQUAL(c.value[KC_LISTEN_OVERFLOWS], 3);
}

static void test_delta(void)
{
	struct kernel_counters start = { 0 }, end = { 0 }, delta;

	start.value[KC_PASSIVE_OPENS] = 100;
	end.value[KC_PASSIVE_OPENS] = 160;
	start.present[KC_PASSIVE_OPENS] = end.present[KC_PASSIVE_OPENS] = true;
	end.present[KC_LISTEN_DROPS] = true;   /* missing at the start */
	kernel_counters_delta(&start, &end, &delta);
	CU_ASSERT_EQUAL(delta.value[KC_PASSIVE_OPENS], 60);
	CU_ASSERT_TRUE(delta.present[KC_PASSIVE_OPENS]);
	CU_ASSERT_FALSE(delta.present[KC_LISTEN_DROPS]);
}

static void test_this_machine(void)
{
	struct kernel_counters c;
	struct error_message err = { "" };

	CU_ASSERT_EQUAL_FATAL(kernel_counters_read(0, &c, &err), 0);
	/* every kernel we run on has these */
	CU_ASSERT_TRUE(c.present[KC_PASSIVE_OPENS]);
	CU_ASSERT_TRUE(c.present[KC_LISTEN_OVERFLOWS]);
	CU_ASSERT_TRUE(c.present[KC_LISTEN_DROPS]);
	CU_ASSERT_STRING_EQUAL(kernel_counter_column(KC_PASSIVE_OPENS), "kernel_passive_opens");
}

static void add_tests(CU_pSuite suite)
{
	CU_ADD_TEST(suite, test_parse);
	CU_ADD_TEST(suite, test_truncated_text);
	CU_ADD_TEST(suite, test_delta);
	CU_ADD_TEST(suite, test_this_machine);
}

int main(void)
{
	return run_suite("kernel_counters", NULL, NULL, add_tests);
}
