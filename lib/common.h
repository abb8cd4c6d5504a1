/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What every command shares: messages, number parsing, exit signals. */
#ifndef TESTBED_COMMON_H
#define TESTBED_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TESTBED_VERSION "0.1.0"
/* docs/CSV.md; 2: the listener sum `wasted_wakeups` renamed `listener_wasted`;
 * 3: `listener_wakeups` (and so `herd_factor`) counts only the wakeups a
 * listener caused, the old figure is `poll_wakeups` */
#define CSV_SCHEMA_VERSION 3

/* Exit codes: 0 ok, 1 failure, 2 usage, 130 interrupted (Ctrl-C/SIGTERM). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

/* -v: 1, our own steps (debug_msg); -vv: 2, also libbpf's debug output */
extern unsigned verbose;

/* The exit codes above as --help lists them (a heading and four lines). */
void print_exit_codes(FILE *out);
extern volatile sig_atomic_t exiting; /* set by SIGINT/SIGTERM */

/* "testbed: <message>\n" on stderr. */
void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, only with -v (verbose >= 1). */
void debug_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Installs the SIGINT/SIGTERM handler that sets `exiting` (no SA_RESTART,
 * so blocking calls return EINTR) and ignores SIGPIPE. */
void install_exit_signals(void);

/* Whole decimal number in [min, max]: "10x", "", "-1" for unsigned, overflow
 * are errors. 0 or -1. */
int parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out);
/* Decimal number with an optional fraction (e.g. "2.5") in [min, max]. */
int parse_double(const char *text, double min, double max, double *out);

uint64_t monotonic_ns(void);

/* Current UTC time formatted with strftime FORMAT into OUT. */
void utc_timestamp(char *out, unsigned size, const char *format);

#endif
