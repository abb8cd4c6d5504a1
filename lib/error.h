/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A one-line error message that analysis code fills and the command prints
 * ("RUN/workers.csv:7: 12 fields, the header has 31"). Library code does not
 * print: tests read the message, commands pass it to error_msg(). */
#ifndef TESTBED_ERROR_MESSAGE_H
#define TESTBED_ERROR_MESSAGE_H

#include <stdarg.h>
#include <stdio.h>
#include "util.h"

#define ERROR_MESSAGE_SIZE 512

struct error_message {
	char text[ERROR_MESSAGE_SIZE];
};

/* Control characters (a path or field holding a newline) become '?', so the
 * message stays one line whatever the input. NULL E is fine. */
static inline void __attribute__((format(printf, 2, 3)))
error_message_set(struct error_message *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	make_printable(e->text);
}

#endif
