// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* What every command shares: the one-line "testbed: ..." messages (debug
 * ones only with -v), the SIGINT/SIGTERM flag `exiting`, strict number
 * parsing ("10x", " 5", "0x10" and out-of-range values are errors, never a
 * silent default), the monotonic clock and UTC timestamps. No policy about
 * what a message says or which exit code follows: the callers decide. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "common.h"
#include "util.h"

unsigned verbose;
volatile sig_atomic_t exiting;

static void vmessage(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* one line, whatever a quoted name or path holds */
	fprintf(stderr, "testbed: %s\n", make_printable(line));
}

void error_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void debug_msg(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void print_exit_codes(FILE *out)
{
	fprintf(out,
		"exit codes:\n"
		"  %-3d done\n"
		"  %-3d failed (a one-line reason on stderr)\n"
		"  %-3d bad command line (the reason on stderr; nothing was started)\n"
		"  %-3d interrupted (Ctrl-C or SIGTERM)\n",
		EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED);
}

static void on_exit_signal(int sig)
{
	exiting = sig;
}

void install_exit_signals(void)
{
	struct sigaction sa = { .sa_handler = on_exit_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long value;

	/* strtoull accepts a sign and leading blanks; a count does not */
	if (!text || text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || *end != '\0' || value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int parse_double(const char *text, double min, double max, double *out)
{
	char *end;
	double value;

	/* digits and one optional fraction only: no sign, hex, "inf" or exponent */
	if (!text || text[0] == '\0' || strspn(text, "0123456789.") != strlen(text))
		return -1;
	errno = 0;
	value = strtod(text, &end);
	if (errno || *end != '\0' || !isfinite(value) || value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void utc_timestamp(char *out, unsigned size, const char *format)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	if (!strftime(out, size, format, &tm) && size)
		out[0] = '\0';
}

