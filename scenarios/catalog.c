// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The scenario catalogue: the table of server models the CLI offers (name,
 * what the workers wait in, the real server each one stands for, the
 * dispatch policies it takes), the policy names, and the kernel feature
 * probes behind scenario_supported(). Starts no process and opens no
 * listener: running a scenario is master.c's and worker.c's job. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "reuseport.h"
#include "server.h"
#include "util.h"

const struct scenario_info scenario_table[] = {
	{
		.name = "shared-accept",
		.model = MODEL_SHARED_ACCEPT,
		.waits_in = "blocking accept() on one inherited listener",
		.twin = "pre-fork Apache, Node child_process.send(server)",
	},
	{
		.name = "shared-epoll",
		.model = MODEL_SHARED_EPOLL,
		.waits_in = "level-triggered epoll_wait on the shared non-blocking listener, then accept4",
		.twin = "Node cluster SCHED_NONE, nginx with accept_mutex off before EPOLLEXCLUSIVE",
	},
	{
		.name = "shared-epoll-excl",
		.model = MODEL_SHARED_EPOLL_EXCL,
		.waits_in = "the same with EPOLLEXCLUSIVE (Linux >= 4.5)",
		.twin = "nginx >= 1.11.3 default",
	},
	{
		.name = "reuseport",
		.model = MODEL_REUSEPORT,
		.waits_in = "epoll_wait on its own SO_REUSEPORT listener; the kernel's 4-tuple hash picks the listener",
		.twin = "nginx listen ... reuseport",
	},
	{
		.name = "reuseport-bpf",
		.model = MODEL_REUSEPORT_BPF,
		.waits_in = "the same SO_REUSEPORT group, steered by an SK_REUSEPORT BPF program (rr, least open)",
		.twin = "Cloudflare/Facebook-style custom steering",
		.policies = 1u << POLICY_RR | 1u << POLICY_LEAST,
		.default_policy = POLICY_RR,
		.max_workers = REUSEPORT_MAX_WORKERS,
	},
	{
		.name = "fd-dispatch",
		.model = MODEL_FD_DISPATCH,
		.waits_in = "recvmsg on a Unix socket: the master accepts and passes each fd with SCM_RIGHTS (rr, idle)",
		.twin = "Node cluster SCHED_RR (the default on Linux; its RoundRobinHandle is the idle policy)",
		.policies = 1u << POLICY_RR | 1u << POLICY_IDLE,
		.default_policy = POLICY_RR,
	},
};
const unsigned scenario_count = ARRAY_SIZE(scenario_table);

static const char *const policy_names[] = {
	[POLICY_NONE] = "none",
	[POLICY_RR] = "rr",
	[POLICY_LEAST] = "least",
	[POLICY_IDLE] = "idle",
};

const char *policy_name(enum dispatch_policy policy)
{
	if ((unsigned)policy >= ARRAY_SIZE(policy_names) || !policy_names[policy])
		return "unknown";
	return policy_names[policy];
}

int policy_parse(const char *name, enum dispatch_policy *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(policy_names); i++) {
		if (name && policy_names[i] && strcmp(name, policy_names[i]) == 0) {
			*out = (enum dispatch_policy)i;
			return 0;
		}
	}
	return -1;
}

bool scenario_accepts_policy(const struct scenario_info *s, enum dispatch_policy policy)
{
	if (policy == POLICY_NONE)
		return true; /* the scenario's default */
	return (unsigned)policy < 32 && (s->policies & (1u << policy));
}

const struct scenario_info *scenario_find(const char *name)
{
	for (unsigned i = 0; i < scenario_count; i++)
		if (strcmp(scenario_table[i].name, name) == 0)
			return &scenario_table[i];
	return NULL;
}

const struct scenario_info *scenario_of_model(enum scenario_model model)
{
	for (unsigned i = 0; i < scenario_count; i++)
		if (scenario_table[i].model == model)
			return &scenario_table[i];
	return NULL;
}

/* 1 if the running kernel is at least MAJOR.MINOR, 0 if older (its release
 * in RELEASE), -1 if the release cannot be read. */
static int kernel_at_least(unsigned major, unsigned minor, char *release, size_t release_size)
{
	struct utsname uts;
	unsigned have_major, have_minor;

	if (uname(&uts) < 0 || sscanf(uts.release, "%u.%u", &have_major, &have_minor) != 2)
		return -1;
	snprintf(release, release_size, "%s", uts.release);
	return have_major > major || (have_major == major && have_minor >= minor);
}

/* Whether SO_REUSEPORT exists (Linux 3.9 for TCP): asked of the kernel itself. */
static int probe_reuseport(struct error_message *why)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0) {
		error_message_set(why, "cannot create a TCP socket to probe SO_REUSEPORT (%s)", strerror(errno));
		return 0;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		err = errno;
	close(fd);
	if (err) {
		error_message_set(why, "SO_REUSEPORT needs Linux >= 3.9 (setsockopt: %s)", strerror(err));
		return 0;
	}
	return 1;
}

/* Whether array maps can be mmapped (Linux 5.5): the workers update the
 * open-connection counters through the mmapped .bss. 1, 0, or -errno when
 * we may not use bpf() at all (not root), so no probe can tell. */
static int probe_mmapable_array(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, sizeof(__u32), sizeof(__u64), 1, &opts);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EINVAL ? 0 : -errno;
}

/* reuseport-bpf: SK_REUSEPORT programs and socket arrays (Linux 4.19),
 * bpf_spin_lock in map values (5.1), bounded loops (5.3), mmapable arrays
 * (5.5). Asked of the kernel where we may use bpf(), else judged by release. */
static int probe_reuseport_bpf(struct error_message *why)
{
	int mmapable = probe_mmapable_array();
	char release[65] = "";

	if (mmapable < 0) {
		/* libbpf's probes would read "no privilege" as "not supported" */
		switch (kernel_at_least(5, 5, release, sizeof(release))) {
		case 1:
			return probe_reuseport(why);
		case 0:
			error_message_set(why, "the steering program needs Linux >= 5.5, this is %s", release);
			return 0;
		default:
			error_message_set(why, "cannot read the kernel release");
			return 0;
		}
	}
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SK_REUSEPORT, NULL) != 1 ||
	    libbpf_probe_bpf_map_type(BPF_MAP_TYPE_REUSEPORT_SOCKARRAY, NULL) != 1) {
		error_message_set(why, "SK_REUSEPORT programs and socket arrays need Linux >= 4.19");
		return 0;
	}
	if (!mmapable) {
		error_message_set(why, "mmapable BPF array maps need Linux >= 5.5");
		return 0;
	}
	return probe_reuseport(why);
}

int scenario_supported(const struct scenario_info *s, struct error_message *why)
{
	struct error_message reason = { "" };
	char release[65] = "";
	int ok = 1;

	switch (s->model) {
	case MODEL_SHARED_EPOLL_EXCL:
		/* EPOLLEXCLUSIVE arrived in Linux 4.5 (commit df0108c5da56) */
		ok = kernel_at_least(4, 5, release, sizeof(release));
		if (ok < 0)
			error_message_set(&reason, "cannot read the kernel release");
		else if (!ok)
			error_message_set(&reason, "EPOLLEXCLUSIVE needs Linux >= 4.5, this is %s", release);
		break;
	case MODEL_REUSEPORT:
		ok = probe_reuseport(&reason);
		break;
	case MODEL_REUSEPORT_BPF:
		ok = probe_reuseport_bpf(&reason);
		break;
	default:
		break;
	}
	if (ok == 1)
		return 1;
	if (why)
		*why = reason;
	return 0;
}
