/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* CPU placement of a run (--server-cpus, --load-cpus, --worker-cpus,
 * --rps): CPU lists as the kernel writes them ("0-3,5"), parsed and
 * printed, checked against the online CPUs, and applied with
 * sched_setaffinity (cpus.c). */
#ifndef TESTBED_CPUS_H
#define TESTBED_CPUS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* The longest list we print (meta.csv, messages); a longer one ends in "...". */
#define CPU_LIST_TEXT_SIZE 256

/* Where a run's processes may run. An absent set leaves the inherited one. */
struct cpu_placement {
	cpu_set_t server, load;  /* --server-cpus (master, workers, pool threads), --load-cpus */
	bool server_given, load_given;
	bool worker_one_each;    /* --worker-cpus one-each: worker i on the i-th CPU (mod n) of its set */
};

/* "0-3,5,7-8" into *SET (which it clears first). Every CPU below
 * CPU_SETSIZE; no empty list, no empty item, no "3-1". 0, or -1 with a
 * one-line reason naming OPTION ("--server-cpus") in ERR. */
int cpu_list_parse(const char *option, const char *text, cpu_set_t *set, struct error_message *err);
/* SET as the kernel writes lists ("0-3,5"); "" for an empty set. */
void cpu_list_format(const cpu_set_t *set, char *out, size_t size);
/* SET as the hexadecimal mask sysfs takes (rps_cpus): "3" for CPUs 0-1. */
void cpu_mask_format(const cpu_set_t *set, char *out, size_t size);

/* The options' combination, before anything runs: the two sets disjoint.
 * 0, or -1 with a reason. */
int cpu_placement_check(const struct cpu_placement *p, struct error_message *err);
/* Every CPU of SET is online on this machine (/sys/devices/system/cpu/online).
 * 0, or -1 with a reason naming OPTION and the CPUs that are not. */
int cpus_check_online(const char *option, const cpu_set_t *set, struct error_message *err);
/* sched_setaffinity(PID, SET): one thread (its children and threads to come
 * inherit it). 0, or -1 with a reason naming WHO ("the master"). */
int cpus_pin(pid_t pid, const cpu_set_t *set, const char *who, struct error_message *err);

/* The CPUs a run's processes were allowed at start, pinned or not: the
 * master's (or the traced root's) affinity, and this thread's (the load
 * generator's threads inherit it). meta.csv's server_cpus and load_cpus. */
struct cpu_record {
	cpu_set_t server, load;
	bool server_known, load_known;
};
/* Reads SERVER's affinity (0 = none: server stays unknown) and this
 * thread's into *REC. Never fails: what cannot be read stays unknown. */
void cpus_record_run(struct cpu_record *rec, pid_t server);

struct run_options;
/* The placement options of a command line (options.c), once it is read:
 * --netns-gro (GRO, NULL = not given), --rps, --worker-cpus (WORKER_CPUS)
 * and TRACE's --netns combinations; fills O's netns_gro and
 * cpus.worker_one_each. Pure: 0, or -1 with a one-line reason. */
int placement_options_check(bool trace, struct run_options *o, const char *gro, const char *worker_cpus,
			    struct error_message *err);
/* Every CPU the options name is online. 0, or -1 with ERR. */
int cpus_check_run_online(const struct run_options *o, struct error_message *err);
/* A run's placement: SERVER (WHO: "the master") to --server-cpus, this
 * thread (the load generator's threads start from it) to --load-cpus; what
 * the options leave out stays. Then the CPUs both have into *REC
 * (cpus_record_run). 0, or -1 with ERR. */
int cpus_pin_run(const struct run_options *o, pid_t server, const char *who, struct cpu_record *rec,
		 struct error_message *err);

#endif
