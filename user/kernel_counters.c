// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Reads the kernel's TCP counters (kernel_counters.h) from /proc/net/netstat
 * and /proc/net/snmp and takes their deltas over the load window. A pure
 * parser on text plus two file reads; it writes nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel_counters.h"
#include "util.h"

static const struct {
	const char *prefix, *field, *column;
} counters[KC_COUNT] = {
	[KC_LISTEN_OVERFLOWS] = { "TcpExt:", "ListenOverflows", "kernel_listen_overflows" },
	[KC_LISTEN_DROPS] = { "TcpExt:", "ListenDrops", "kernel_listen_drops" },
	[KC_REQ_QFULL_DROPS] = { "TcpExt:", "TCPReqQFullDrop", "kernel_req_qfull_drops" },
	[KC_BACKLOG_DROPS] = { "TcpExt:", "TCPBacklogDrop", "kernel_backlog_drops" },
	[KC_MIGRATE_REQ_SUCCESS] = { "TcpExt:", "TCPMigrateReqSuccess", "kernel_migrate_req_success" },
	[KC_MIGRATE_REQ_FAILURE] = { "TcpExt:", "TCPMigrateReqFailure", "kernel_migrate_req_failure" },
	[KC_PASSIVE_OPENS] = { "Tcp:", "PassiveOpens", "kernel_passive_opens" },
};

const char *kernel_counter_column(enum kernel_counter k)
{
	return k < KC_COUNT ? counters[k].column : "";
}

/* The WANTed word of the space-separated LINE (after its prefix), copied to
 * OUT; false past the end. */
static bool nth_word(const char *line, size_t wanted, char *out, size_t out_size)
{
	size_t n = 0;

	for (;;) {
		size_t len;

		line += strspn(line, " ");
		len = strcspn(line, " \n");
		if (!len)
			return false;
		if (n++ == wanted) {
			if (len >= out_size)
				return false;
			memcpy(out, line, len);
			out[len] = '\0';
			return true;
		}
		line += len;
	}
}

/* The position of FIELD among the names of HEADER (prefix excluded), or -1. */
static long field_index(const char *header, const char *field)
{
	char word[64];

	for (size_t i = 0; nth_word(header, i, word, sizeof(word)); i++)
		if (strcmp(word, field) == 0)
			return (long)i;
	return -1;
}

void kernel_counters_parse(const char *text, struct kernel_counters *c)
{
	const char *line = text;

	while (line && *line) {
		const char *values = strchr(line, '\n');

		if (!values)
			break;
		values++;
		for (size_t k = 0; k < KC_COUNT; k++) {
			size_t prefix_len = strlen(counters[k].prefix);
			char word[32];
			long index;

			if (strncmp(line, counters[k].prefix, prefix_len) || strncmp(values, counters[k].prefix, prefix_len))
				continue;
			index = field_index(line + prefix_len, counters[k].field);
			if (index >= 0 && nth_word(values + prefix_len, (size_t)index, word, sizeof(word))) {
				char *end;
				unsigned long long v = strtoull(word, &end, 10);

				if (*end == '\0' && word[0] != '-') {
					c->value[k] = v;
					c->present[k] = true;
				}
			}
		}
		/* header and values come in pairs: on to the next header */
		line = strchr(values, '\n');
		if (line)
			line++;
	}
}

int kernel_counters_read(pid_t netns_of, struct kernel_counters *c, struct error_message *err)
{
	static const char *const names[] = { "netstat", "snmp" };
	char file[64];

	/* proc files say they are empty (st_size 0): read until EOF */
	static char text[64 * 1024];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		FILE *f;
		size_t length;

		/* /proc/PID/net is the network namespace PID is in */
		if (netns_of > 0)
			snprintf(file, sizeof(file), "/proc/%d/net/%s", netns_of, names[i]);
		else
			snprintf(file, sizeof(file), "/proc/net/%s", names[i]);
		f = fopen(file, "re");
		if (!f) {
			error_message_set(err, "cannot read %s: %s", file, strerror(errno));
			return -1;
		}
		length = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		if (length == sizeof(text) - 1) {
			/* a cut header line would pair names with the wrong values */
			error_message_set(err, "%s is longer than %zu bytes: not read", file, sizeof(text) - 1);
			return -1;
		}
		text[length] = '\0';
		kernel_counters_parse(text, c);
	}
	return 0;
}

void kernel_counters_delta(const struct kernel_counters *start, const struct kernel_counters *end,
			   struct kernel_counters *delta)
{
	for (size_t k = 0; k < KC_COUNT; k++) {
		delta->present[k] = start->present[k] && end->present[k];
		delta->value[k] = delta->present[k] ? end->value[k] - start->value[k] : 0;
	}
}
