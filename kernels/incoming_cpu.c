// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The SO_INCOMING_CPU control of `testbed kernels` (kernels/controls.csv):
 * one SO_REUSEPORT listener per CPU on a loopback port, each with
 * SO_INCOMING_CPU set to its CPU, then clients pinned to each CPU in turn
 * connect. On loopback the SYN is handled in softirq on the sending CPU, so a
 * kernel that honours SO_INCOMING_CPU in reuseport group selection (upstream
 * b261eda84ec1, "soreuseport: Fix socket selection for SO_INCOMING_CPU.",
 * v6.1) queues every connection on the listener of the client's CPU; one
 * without it picks the listener by the 4-tuple's hash (about 1 in CPUs).
 * Prints one CSV header and row: cpus,connections,on_own_cpu,fraction.
 * It uses no BPF and none of the testbed's code: it tests the kernel
 * mechanism, not our scenarios (which set no SO_INCOMING_CPU). Built static
 * by kernels/kernels.sh for the guests; exit 0, 1 with a message, or 2 when
 * the machine has one CPU (nothing to steer between). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define PER_CPU 64   /* connections from each CPU */
#define MAX_CPUS 64

static int fail(const char *what)
{
	fprintf(stderr, "incoming_cpu: %s: %s\n", what, strerror(errno));
	return 1;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int main(void)
{
	int cpus = get_nprocs(), listener[MAX_CPUS], one = 1, total = 0, own = 0;
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);

	if (cpus < 2) {
		fprintf(stderr, "incoming_cpu: needs at least 2 CPUs, this machine has %d\n", cpus);
		return 2;
	}
	if (cpus > MAX_CPUS)
		cpus = MAX_CPUS;
	for (int i = 0; i < cpus; i++) {
		listener[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (listener[i] < 0)
			return fail("socket");
		if (setsockopt(listener[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))
#ifndef NO_INCOMING_CPU /* -DNO_INCOMING_CPU: the probe's own check, hash only */
		    || setsockopt(listener[i], SOL_SOCKET, SO_INCOMING_CPU, &i, sizeof(i))
#endif
		    )
			return fail("setsockopt SO_REUSEPORT / SO_INCOMING_CPU");
		if (bind(listener[i], (struct sockaddr *)&addr, sizeof(addr)))
			return fail("bind");
		if (i == 0 && getsockname(listener[0], (struct sockaddr *)&addr, &len))
			return fail("getsockname");
		if (listen(listener[i], PER_CPU * MAX_CPUS))
			return fail("listen");
	}
	for (int cpu = 0; cpu < cpus; cpu++) {
		if (pin(cpu))
			return fail("sched_setaffinity");
		for (int n = 0; n < PER_CPU; n++) {
			int c = socket(AF_INET, SOCK_STREAM, 0);

			if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)))
				return fail("connect");
			/* the handshake is done: the connection sits in one queue
			 * (polled for up to a second: a slow guest's softirq) */
			for (int tries = 0, a = -1; a < 0 && tries < 1000; tries++) {
				for (int i = 0; i < cpus && a < 0; i++) {
					a = accept(listener[i], NULL, NULL);
					if (a >= 0) {
						own += (i == cpu);
						total++;
						close(a);
					}
				}
				if (a < 0)
					usleep(1000);
			}
			close(c);
		}
	}
	printf("cpus,connections,on_own_cpu,fraction\n%d,%d,%d,%.3f\n", cpus, total, own,
	       total ? (double)own / total : 0.0);
	return total == cpus * PER_CPU ? 0 : (fprintf(stderr, "incoming_cpu: %d of %d connections accepted\n",
						      total, cpus * PER_CPU), 1);
}
