// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* CPU lists for --server-cpus, --load-cpus and --rps: parsing the kernel's
 * list syntax ("0-3,5") with every error said in one line, printing a set
 * back as a list or as sysfs's hex mask, the checks the placement options
 * must pass (their combinations, disjoint sets, online CPUs),
 * sched_setaffinity, and the CPUs a run's processes had at start (pinned
 * or not, for meta.csv). Which process gets
 * which set is run.c's; a worker's own CPU (--worker-cpus one-each) is
 * picked inside the forked worker (scenarios/process.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common.h"
#include "cpus.h"
#include "options.h"

#define CPUS_ONLINE "/sys/devices/system/cpu/online"

/* One "N" or "N-M" of a list; END points past it. 0 or -1. */
static int parse_range(const char *text, const char **end, unsigned *first, unsigned *last)
{
	char number[16];
	size_t len = strspn(text, "0123456789");
	uint64_t value;

	if (!len || len >= sizeof(number))
		return -1;
	snprintf(number, sizeof(number), "%.*s", (int)len, text);
	if (parse_u64(number, 0, CPU_SETSIZE - 1, &value))
		return -1;
	*first = *last = (unsigned)value;
	text += len;
	if (*text == '-') {
		text++;
		len = strspn(text, "0123456789");
		if (!len || len >= sizeof(number))
			return -1;
		snprintf(number, sizeof(number), "%.*s", (int)len, text);
		if (parse_u64(number, *first, CPU_SETSIZE - 1, &value))
			return -1;
		*last = (unsigned)value;
		text += len;
	}
	*end = text;
	return 0;
}

int cpu_list_parse(const char *option, const char *text, cpu_set_t *set, struct error_message *err)
{
	const char *p = text;

	CPU_ZERO(set);
	for (;;) {
		unsigned first, last;

		if (parse_range(p, &p, &first, &last)) {
			error_message_set(err, "%s needs a CPU list like 0-3,5 (CPUs 0 to %d, ranges low-high), "
					  "not '%s'", option, CPU_SETSIZE - 1, text);
			return -1;
		}
		for (unsigned cpu = first; cpu <= last; cpu++)
			CPU_SET(cpu, set);
		if (*p == '\0')
			return 0;
		if (*p++ != ',') {
			error_message_set(err, "%s needs a CPU list like 0-3,5 (CPUs 0 to %d, ranges low-high), "
					  "not '%s'", option, CPU_SETSIZE - 1, text);
			return -1;
		}
	}
}

void cpu_list_format(const cpu_set_t *set, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned cpu = 0; cpu < CPU_SETSIZE && used < size; cpu++) {
		unsigned last = cpu;

		if (!CPU_ISSET(cpu, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		if (last == cpu)
			used += snprintf(out + used, size - used, "%s%u", used ? "," : "", cpu);
		else
			used += snprintf(out + used, size - used, "%s%u-%u", used ? "," : "", cpu, last);
		cpu = last;
	}
	if (used >= size && size > 4)
		snprintf(out + size - 4, 4, "...");
}

void cpu_mask_format(const cpu_set_t *set, char *out, size_t size)
{
	int top = CPU_SETSIZE - 1;
	size_t used = 0;

	while (top > 0 && !CPU_ISSET(top, set))
		top--;
	/* four CPUs a hex digit, the highest first; sysfs takes it without commas */
	for (int nibble = top / 4; nibble >= 0 && used + 1 < size; nibble--) {
		unsigned digit = 0;

		for (int bit = 0; bit < 4; bit++)
			if (CPU_ISSET(nibble * 4 + bit, set))
				digit |= 1u << bit;
		out[used++] = "0123456789abcdef"[digit];
	}
	out[used] = '\0';
}

int cpu_placement_check(const struct cpu_placement *p, struct error_message *err)
{
	cpu_set_t both;
	char list[CPU_LIST_TEXT_SIZE];

	if (!p->server_given || !p->load_given)
		return 0;
	CPU_AND(&both, &p->server, &p->load);
	if (CPU_COUNT(&both) == 0)
		return 0;
	cpu_list_format(&both, list, sizeof(list));
	error_message_set(err, "--server-cpus and --load-cpus must not share CPUs; both have %s", list);
	return -1;
}

int cpus_check_online(const char *option, const cpu_set_t *set, struct error_message *err)
{
	char text[CPU_LIST_TEXT_SIZE] = "", missing_list[CPU_LIST_TEXT_SIZE];
	cpu_set_t online, missing;
	FILE *f = fopen(CPUS_ONLINE, "re");

	if (!f || !fgets(text, sizeof(text), f)) {
		error_message_set(err, "%s: cannot read %s: %s", option, CPUS_ONLINE, f ? "empty" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	if (cpu_list_parse(CPUS_ONLINE, text, &online, err))
		return -1;
	CPU_XOR(&missing, set, &online);
	CPU_AND(&missing, &missing, set);
	if (CPU_COUNT(&missing) == 0)
		return 0;
	cpu_list_format(&missing, missing_list, sizeof(missing_list));
	error_message_set(err, "%s: CPU %s is not online (online: %s)", option, missing_list, text);
	return -1;
}

int placement_options_check(bool trace, struct run_options *o, const char *gro, const char *worker_cpus,
			    struct error_message *err)
{
	if (trace && o->netns && !o->command) {
		error_message_set(err, "--netns needs -- COMMAND: a running process cannot move into a namespace");
		return -1;
	}
	if (trace && !o->command && (o->cpus.server_given || worker_cpus)) {
		error_message_set(err, "%s needs -- COMMAND: a running server is traced where it runs, not moved",
				  o->cpus.server_given ? "--server-cpus" : "--worker-cpus");
		return -1;
	}
	if (trace && o->netns && o->load_target_len && o->load_target.ss_family != AF_INET) {
		error_message_set(err, "--netns: --load needs an IPv4 address (the namespace's /30 is IPv4; "
				  "its port is used)");
		return -1;
	}
	if ((gro || o->rps_given) && !o->netns) {
		error_message_set(err, "%s needs --netns: it sets up the server's end of the veth pair",
				  o->rps_given ? "--rps" : "--netns-gro");
		return -1;
	}
	if (gro && strcmp(gro, "on") && strcmp(gro, "off")) {
		error_message_set(err, "--netns-gro is on or off, not '%s'", gro);
		return -1;
	}
	o->netns_gro = gro ? !strcmp(gro, "on") : -1;
	if (worker_cpus && strcmp(worker_cpus, "one-each")) {
		error_message_set(err, "--worker-cpus takes one-each, not '%s'", worker_cpus);
		return -1;
	}
	o->cpus.worker_one_each = worker_cpus != NULL;
	return cpu_placement_check(&o->cpus, err);
}

int cpus_check_run_online(const struct run_options *o, struct error_message *err)
{
	if (o->cpus.server_given && cpus_check_online("--server-cpus", &o->cpus.server, err))
		return -1;
	if (o->cpus.load_given && cpus_check_online("--load-cpus", &o->cpus.load, err))
		return -1;
	return o->rps_given ? cpus_check_online("--rps", &o->rps_cpus, err) : 0;
}

void cpus_record_run(struct cpu_record *rec, pid_t server)
{
	rec->server_known = server > 0 && sched_getaffinity(server, sizeof(rec->server), &rec->server) == 0 &&
			    CPU_COUNT(&rec->server) > 0;
	rec->load_known = sched_getaffinity(0, sizeof(rec->load), &rec->load) == 0 && CPU_COUNT(&rec->load) > 0;
}

int cpus_pin_run(const struct run_options *o, pid_t server, const char *who, struct cpu_record *rec,
		 struct error_message *err)
{
	if (o->cpus.server_given && cpus_pin(server, &o->cpus.server, who, err))
		return -1;
	if (o->cpus.load_given && cpus_pin(0, &o->cpus.load, "the load generator", err))
		return -1;
	cpus_record_run(rec, server);
	return 0;
}

int cpus_pin(pid_t pid, const cpu_set_t *set, const char *who, struct error_message *err)
{
	char list[CPU_LIST_TEXT_SIZE];

	if (sched_setaffinity(pid, sizeof(*set), set) == 0)
		return 0;
	cpu_list_format(set, list, sizeof(list));
	error_message_set(err, "cannot pin %s to CPUs %s: %s", who, list, strerror(errno));
	return -1;
}
