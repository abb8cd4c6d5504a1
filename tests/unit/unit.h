/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The one CUnit runner every unit test's main() calls: one suite, verbose
 * basic runner, exit code = number of failures. */
#ifndef TESTBED_UNIT_H
#define TESTBED_UNIT_H

#include <CUnit/Basic.h>

#include "util.h"

/* INIT and CLEANUP run around the suite (NULL for none). */
static inline int run_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup,
			    void (*add_tests)(CU_pSuite suite))
{
	CU_pSuite suite;
	unsigned int failures;

	CU_set_error_action(CUEA_ABORT);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	suite = CU_add_suite(name, init, cleanup);
	add_tests(suite);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return (int)failures;
}

#endif
