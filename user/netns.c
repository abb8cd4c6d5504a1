// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --netns: makes the server's network namespace and the veth pair to it
 * with iproute2 (`ip netns add`, `ip link add ... type veth`), gives the
 * pair a /30 out of 10.251.0.0/16, sets GRO (SIOCETHTOOL) and rps_cpus
 * (sysfs, seen from inside), waits until both ends transmit, and removes
 * it all again: on the normal way
 * out, through a guard process when we are SIGKILLed, and at the next start
 * for what a dead testbed left (netns_sweep). Which processes run inside is
 * run.c's choice; what the tracer sees does not change (its tracepoints
 * see every namespace). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "common.h"
#include "netns.h"
#include "process.h"
#include "record.h"

#define NETNS_DIR "/run/netns"
#define SUBNETS (1u << 14) /* /30s in the /16 */
#define LINK_READY_MS 10000 /* the links' transmit queues, after `up` */

/* Runs `ip ARGS...` in its own process group (a terminal's Ctrl-C is ours
 * to handle, not ip's), its messages into ERR; what it printed into OUTPUT
 * when given. 0 when it exits 0. */
static int run_ip_output(struct error_message *err, const char *const *args, char *output, size_t output_size)
{
	char message[512] = "";
	const char *argv[16] = { "ip" };
	int out[2] = { -1, -1 }, status;
	size_t n = 1, used = 0;
	ssize_t got;
	pid_t pid;

	for (; *args && n < sizeof(argv) / sizeof(argv[0]) - 1; args++)
		argv[n++] = *args;
	pid = pipe2(out, O_CLOEXEC) ? -1 : fork();
	if (pid < 0) {
		error_message_set(err, "cannot run ip: %s", strerror(errno));
		if (out[0] >= 0)
			close_pair(out);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp("ip", (char **)argv);
		execv("/usr/sbin/ip", (char **)argv); /* a PATH without the sbin folders */
		execv("/sbin/ip", (char **)argv);
		fprintf(stderr, "cannot run ip (install iproute2): %s\n", strerror(errno));
		_exit(127);
	}
	close(out[1]);
	while (used + 1 < sizeof(message) &&
	       ((got = read(out[0], message + used, sizeof(message) - 1 - used)) > 0 || (got < 0 && errno == EINTR)))
		used += got > 0 ? (size_t)got : 0;
	message[used] = '\0';
	close(out[0]);
	if (output)
		snprintf(output, output_size, "%s", message);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	message[strcspn(message, "\n")] = '\0';
	error_message_set(err, "ip %s %s %s: %s", argv[1], argv[2] ? argv[2] : "", argv[3] ? argv[3] : "",
			  message[0] ? message : "failed");
	return -1;
}

static int run_ip(struct error_message *err, const char *const *args)
{
	return run_ip_output(err, args, NULL, 0);
}

/* Whether `ip [-n NS] -o link show dev IFNAME` says the link is up and has
 * its queueing discipline: until the kernel's link watch has run after `up`
 * the link transmits through noop, which drops every packet (a client's
 * SYN then waits a 1 s retransmission; seen under qemu's emulation). */
static bool link_ready(const char *ns_name, const char *ifname)
{
	struct error_message ignored;
	char out[512] = "";

	if (ns_name ? run_ip_output(&ignored, (const char *[]){ "-n", ns_name, "-o", "link", "show", "dev", ifname, NULL },
				    out, sizeof(out))
		    : run_ip_output(&ignored, (const char *[]){ "-o", "link", "show", "dev", ifname, NULL }, out,
				    sizeof(out)))
		return false;
	return strstr(out, "state UP") && !strstr(out, "qdisc noop");
}

/* Both ends ready (link_ready), waiting at most LINK_READY_MS. */
static int wait_links_ready(const struct netns *ns, struct error_message *err)
{
	uint64_t deadline = monotonic_ns() + LINK_READY_MS * 1000000ull;

	while (!link_ready(NULL, ns->host_if) || !link_ready(ns->name, ns->peer_if)) {
		if (monotonic_ns() > deadline) {
			error_message_set(err, "--netns: the veth pair %s/%s is not up after %d ms", ns->host_if,
					  ns->peer_if, LINK_READY_MS);
			return -1;
		}
		usleep(5 * 1000);
	}
	return 0;
}

/* Removes HOST_IF (and its peer) and the namespace NAME (NULL: none);
 * with IF_EXISTS only those that exist, quietly. */
static void remove_link_and_namespace(const char *host_if, const char *name, bool if_exists)
{
	struct error_message ignored;
	char path[64];

	/* the link first: deleting one end deletes both, at once; a namespace
	 * only goes when its last process has, and takes its links along later */
	if (if_nametoindex(host_if))
		run_ip(&ignored, (const char *[]){ "link", "del", host_if, NULL });
	snprintf(path, sizeof(path), NETNS_DIR "/%s", name ? name : "");
	if (name && (!if_exists || access(path, F_OK) == 0) &&
	    run_ip(&ignored, (const char *[]){ "netns", "del", name, NULL }) == 0)
		debug_msg("removed network namespace %s", name);
}

/* Whether the testbed of pid OWNER is gone: no such process, or another
 * program now has its pid. */
static bool owner_gone(const char *owner_text)
{
	char path[64], comm[32] = "", self[32] = "";
	long owner = strtol(owner_text, NULL, 10);
	FILE *f;

	if (owner <= 0)
		return false; /* not one of ours */
	if (owner == getpid())
		return false;
	if (kill((pid_t)owner, 0) && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/comm", owner);
	if ((f = fopen(path, "re"))) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	if ((f = fopen("/proc/self/comm", "re"))) {
		if (!fgets(self, sizeof(self), f))
			self[0] = '\0';
		fclose(f);
	}
	return comm[0] && strcmp(comm, self) != 0;
}

void netns_sweep(void)
{
	DIR *dir = opendir(NETNS_DIR);
	struct dirent *e;
	char host_if[IF_NAMESIZE + 8];
	struct if_nameindex *links, *l;

	while (dir && (e = readdir(dir))) {
		const char *owner = e->d_name + strlen(NETNS_PREFIX);

		if (strncmp(e->d_name, NETNS_PREFIX, strlen(NETNS_PREFIX)) || !owner_gone(owner))
			continue;
		snprintf(host_if, sizeof(host_if), NETNS_HOST_IF_PREFIX "%s", owner);
		debug_msg("removing %s, left by a testbed (pid %s) that is gone", e->d_name, owner);
		remove_link_and_namespace(host_if, e->d_name, false);
	}
	if (dir)
		closedir(dir);
	/* a link whose namespace went first (ours is the end that stays) */
	links = if_nameindex();
	for (l = links; l && l->if_index; l++)
		if (strncmp(l->if_name, NETNS_HOST_IF_PREFIX, strlen(NETNS_HOST_IF_PREFIX)) == 0 &&
		    owner_gone(l->if_name + strlen(NETNS_HOST_IF_PREFIX)))
			remove_link_and_namespace(l->if_name, NULL, false);
	if (links)
		if_freenameindex(links);
}

/* In the guard (process.h), when we died without cleaning up (SIGKILL). */
static void on_testbed_killed(void *arg)
{
	const struct netns *ns = arg;

	remove_link_and_namespace(ns->host_if, ns->name, false);
}

int netns_enter(const struct netns *ns, int *saved, struct error_message *err)
{
	char path[64];
	int target;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", ns->name);
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (*saved < 0 || target < 0 || setns(target, CLONE_NEWNET)) {
		error_message_set(err, "cannot enter the network namespace %s: %s", ns->name, strerror(errno));
		if (target >= 0)
			close(target);
		if (*saved >= 0)
			close(*saved);
		*saved = -1;
		return -1;
	}
	close(target);
	return 0;
}

void netns_leave(int saved)
{
	if (saved < 0)
		return;
	if (setns(saved, CLONE_NEWNET))
		error_msg("cannot return to the testbed's network namespace: %s", strerror(errno));
	close(saved);
}

/* SIOCETHTOOL on IFNAME through a socket of the caller's namespace: CMD
 * ETHTOOL_GGRO or ETHTOOL_SGRO. The value, or -1. */
static int ethtool_gro(const char *ifname, __u32 cmd, __u32 value)
{
	struct ethtool_value ev = { .cmd = cmd, .data = value };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return ret < 0 ? -1 : (int)ev.data;
}

/* GRO of both ends (requests arrive on the server's, answers on ours), and
 * the server end's as the kernel has it now into ns->gro. */
static int set_gro(struct netns *ns, int gro, struct error_message *err)
{
	int saved, now;

	if (gro >= 0 && ethtool_gro(ns->host_if, ETHTOOL_SGRO, (__u32)gro) < 0) {
		error_message_set(err, "--netns-gro: cannot set GRO on %s: %s", ns->host_if, strerror(errno));
		return -1;
	}
	if (netns_enter(ns, &saved, err))
		return -1;
	if (gro >= 0 && ethtool_gro(ns->peer_if, ETHTOOL_SGRO, (__u32)gro) < 0) {
		error_message_set(err, "--netns-gro: cannot set GRO on %s: %s", ns->peer_if, strerror(errno));
		netns_leave(saved);
		return -1;
	}
	now = ethtool_gro(ns->peer_if, ETHTOOL_GGRO, 0);
	netns_leave(saved);
	ns->gro = now > 0;
	return 0;
}

/* rps_cpus of the server's end. sysfs shows the links of the namespace it
 * was mounted in, so a child enters the namespace, mounts its own sysfs in
 * a mount namespace of its own and writes there. */
static int set_rps(const struct netns *ns, const cpu_set_t *rps, struct error_message *err)
{
	char path[128], mask[CPU_SETSIZE / 4 + 2];
	int status, saved;
	pid_t pid;

	cpu_mask_format(rps, mask, sizeof(mask));
	snprintf(path, sizeof(path), "/sys/class/net/%s/queues/rx-0/rps_cpus", ns->peer_if);
	pid = fork();
	if (pid < 0) {
		error_message_set(err, "--rps: cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = -1;

		/* the exit status is the errno of the step that failed */
		if (netns_enter(ns, &saved, NULL) || unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) || umount2("/sys", MNT_DETACH) ||
		    mount("sysfs", "/sys", "sysfs", 0, NULL) || (fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
		    write(fd, mask, strlen(mask)) != (ssize_t)strlen(mask))
			_exit(errno ? errno & 0xff : EIO);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	error_message_set(err, "--rps: cannot write %s to %s inside %s: %s", mask, path, ns->name,
			  WIFEXITED(status) ? strerror(WEXITSTATUS(status)) : "killed");
	return -1;
}

/* A /30 no address of this machine is in yet: from our pid, then onwards. */
static void pick_subnet(struct netns *ns)
{
	for (unsigned i = 0; i < SUBNETS; i++) {
		uint32_t base = NETNS_SUBNET_BASE + 4 * (((unsigned)getpid() + i) % SUBNETS);
		struct sockaddr_in probe = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(base + 1) };
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		bool taken = fd >= 0 && bind(fd, (struct sockaddr *)&probe, sizeof(probe)) == 0;

		if (fd >= 0)
			close(fd);
		ns->client_addr.s_addr = htonl(base + 1);
		ns->server_addr.s_addr = htonl(base + 2);
		if (!taken)
			return;
	}
}

int netns_create(struct netns *ns, const struct netns_options *o, struct error_message *err)
{
	char client[32], server[32];
	pid_t self = getpid();

	*ns = (struct netns){ 0 };
	snprintf(ns->name, sizeof(ns->name), NETNS_PREFIX "%d", self);
	snprintf(ns->host_if, sizeof(ns->host_if), NETNS_HOST_IF_PREFIX "%d", self);
	snprintf(ns->peer_if, sizeof(ns->peer_if), NETNS_PEER_IF_PREFIX "%d", self);
	pick_subnet(ns);
	snprintf(client, sizeof(client), "%s/30", inet_ntoa(ns->client_addr));
	snprintf(server, sizeof(server), "%s/30", inet_ntoa(ns->server_addr));
	/* not made yet, so one of our name is stale: a dead testbed had our pid */
	remove_link_and_namespace(ns->host_if, ns->name, true);
	/* the guard first: from the namespace's first moment, a SIGKILL cannot leave it */
	if (guard_start(&ns->guard, "tb-netns-guard", on_testbed_killed, ns)) {
		error_message_set(err, "--netns: cannot start the guard process: %s", strerror(errno));
		return -1;
	}
	ns->created = true;
	if (run_ip(err, (const char *[]){ "netns", "add", ns->name, NULL }) ||
	    run_ip(err, (const char *[]){ "link", "add", ns->host_if, "type", "veth", "peer", "name", ns->peer_if,
					  "netns", ns->name, NULL }) ||
	    run_ip(err, (const char *[]){ "addr", "add", client, "dev", ns->host_if, NULL }) ||
	    run_ip(err, (const char *[]){ "-n", ns->name, "addr", "add", server, "dev", ns->peer_if, NULL }) ||
	    set_gro(ns, o->gro, err) || (o->rps && set_rps(ns, o->rps, err)) ||
	    run_ip(err, (const char *[]){ "link", "set", ns->host_if, "up", NULL }) ||
	    run_ip(err, (const char *[]){ "-n", ns->name, "link", "set", ns->peer_if, "up", NULL }) ||
	    run_ip(err, (const char *[]){ "-n", ns->name, "link", "set", "lo", "up", NULL }) ||
	    wait_links_ready(ns, err)) {
		netns_destroy(ns);
		return -1;
	}
	debug_msg("network namespace %s: server %s on %s, client %s on %s, GRO %s", ns->name, server, ns->peer_if,
		  client, ns->host_if, ns->gro ? "on" : "off");
	return 0;
}

int netns_begin_run(struct run_record *r, struct netns *ns, struct error_message *err)
{
	const struct run_options *o = r->opts;

	if (netns_create(ns, &(struct netns_options){ o->netns_gro, o->rps_given ? &o->rps_cpus : NULL }, err))
		return -1;
	snprintf(r->netns, sizeof(r->netns), "%s", ns->name);
	r->netns_gro = ns->gro;
	r->netns_client_addr = ns->client_addr;
	r->netns_server_addr = ns->server_addr;
	return 0;
}

void netns_destroy(struct netns *ns)
{
	if (ns->created) {
		remove_link_and_namespace(ns->host_if, ns->name, false);
		ns->created = false;
	}
	guard_stand_down(&ns->guard);
}
