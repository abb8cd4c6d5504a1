/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The kernel's own TCP counters beside ours: the /proc/net/netstat and
 * /proc/net/snmp fields that bear on accept queues and hand-offs, read at
 * the load's start and end. They cover the whole network namespace (every
 * process, not only the traced ones), so they bound our counts rather than
 * equal them. */
#ifndef TESTBED_KERNEL_COUNTERS_H
#define TESTBED_KERNEL_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"

enum kernel_counter {
	KC_LISTEN_OVERFLOWS,     /* TcpExt:ListenOverflows: handshakes dropped, accept queue full */
	KC_LISTEN_DROPS,         /* TcpExt:ListenDrops: every SYN or ACK a listener dropped */
	KC_REQ_QFULL_DROPS,      /* TcpExt:TCPReqQFullDrop: SYNs dropped, request queue full */
	KC_BACKLOG_DROPS,        /* TcpExt:TCPBacklogDrop: segments dropped, socket backlog full */
	KC_MIGRATE_REQ_SUCCESS,  /* TcpExt:TCPMigrateReqSuccess: requests moved to another reuseport listener */
	KC_MIGRATE_REQ_FAILURE,  /* TcpExt:TCPMigrateReqFailure */
	KC_PASSIVE_OPENS,        /* Tcp:PassiveOpens: connections a listener took (SYN_RECV) */
	KC_COUNT,
};

struct kernel_counters {
	uint64_t value[KC_COUNT];
	bool present[KC_COUNT];  /* an older kernel lacks some (TCPMigrateReq* before 5.14) */
};

/* The summary.csv column of counter K (kernel_listen_overflows, ...). */
const char *kernel_counter_column(enum kernel_counter k);

/* Fills C from the text of /proc/net/netstat or /proc/net/snmp (header and
 * value lines in pairs, "Prefix: Name ..." / "Prefix: 1 ..."); counters the
 * text does not hold are left as they are. */
void kernel_counters_parse(const char *text, struct kernel_counters *c);

/* Reads both files of NETNS_OF's network namespace (0: ours) into *C. 0,
 * or -1 with ERR set. */
int kernel_counters_read(pid_t netns_of, struct kernel_counters *c, struct error_message *err);

/* END - START into *DELTA; a counter missing from either is missing. */
void kernel_counters_delta(const struct kernel_counters *start, const struct kernel_counters *end,
			   struct kernel_counters *delta);

#endif
