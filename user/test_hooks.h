/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The environment variables the tests and benchmarks steer the testbed
 * with, all in one place: each is read only here, and a user who sets none
 * of them gets the plain behaviour. */
#ifndef TESTBED_TEST_HOOKS_H
#define TESTBED_TEST_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

/* TESTBED_TEST_PAUSE=STAGE: says "testbed: test pause at STAGE" on stderr
 * when the run reaches STAGE and waits there for SIGINT/SIGTERM (at most
 * 30 s), so tests/integration/reliability.sh can signal it at that exact
 * point. Stages: "loaded" (tracer loaded, run folder made, no server yet),
 * "ready" (the server waits for load), "stopping" (load over, server still
 * up), "writing" (some run files written, meta.csv not yet). */
void test_pause(const char *stage);

/* TESTBED_BTF_PATH=FILE: where to look for the kernel's BTF instead of
 * DEFAULT_PATH (reliability.sh takes the no-BTF path on a kernel with BTF). */
const char *test_btf_path(const char *default_path);

/* TESTBED_BPF_STATS=FILE: where bench/ wants the tracer's program and map
 * statistics appended; NULL when not asked. */
const char *bench_bpf_stats_path(void);

/* TESTBED_BENCH_HOOKS_ONLY=1: the tracer's programs are attached as usual
 * but each returns at once, so a run costs only what the kernel pays to call
 * them -- bench/overhead.sh's "hooks" variant, the floor under the tracer's
 * cost. Nothing is counted: meta.csv and summary.csv say tracer=hooks-only. */
bool bench_hooks_only(void);

/* TESTBED_FINISHED_ROWS=N: how many finished processes a trace keeps with
 * rows of their own before folding the older together, instead of
 * DEFAULT_ROWS (tests/integration/real_servers.sh folds after a few). */
size_t test_finished_rows(size_t default_rows);

/* TESTBED_SOAK_STATS=FILE: where bench/soak.sh wants, at every timeline
 * sample, a line of the rows the run record holds in memory appended
 * (record_rows(), as "elapsed_ms,processes,threads,timeline,histograms");
 * NULL when not asked. */
const char *bench_soak_stats_path(void);

#endif
