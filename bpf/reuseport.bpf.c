// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The reuseport-bpf steering program: attached to the workers' SO_REUSEPORT
 * group, it picks the listener for each new connection (at SYN time) from a
 * socket array indexed by worker number, instead of the kernel's 4-tuple hash. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "reuseport.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set before load by the master. */
const volatile __u32 workers = 1;
const volatile __u32 steering = STEER_ROUND_ROBIN;

/* Connections each worker has accepted and not yet closed. The workers
 * update their own slot with atomics through the mmapped .bss. */
volatile __u64 open_connections[REUSEPORT_MAX_WORKERS];
/* SYNs left to the kernel's hash because the chosen slot was empty (its
 * worker is restarting). Read with bpftool; explains a restart's imbalance. */
volatile __u64 hash_fallbacks;

/* Worker index -> its listening socket; a closed socket leaves its slot
 * by itself. Sizes instead of BTF types: older kernels refuse BTF here. */
struct {
	__uint(type, BPF_MAP_TYPE_REUSEPORT_SOCKARRAY);
	__uint(max_entries, REUSEPORT_MAX_WORKERS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
} listeners SEC(".maps");

/* The rotation ticket. A spin lock, not __sync_fetch_and_add: using the
 * result of an atomic add needs BPF ISA v3 (Linux 5.12, clang -mcpu=v3),
 * and two CPUs handling SYNs at once must not draw the same ticket. */
struct rotation {
	struct bpf_spin_lock lock;
	__u32 next;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rotation);
} rotation SEC(".maps");

/* The worker with the fewest open connections, scanning from START so that
 * ties (all idle, the common case) rotate instead of piling on worker 0. */
static __always_inline __u32 least_open(__u32 start)
{
	__u32 best = start, i;
	__u64 best_open;

	if (start >= REUSEPORT_MAX_WORKERS)
		return start;
	best_open = open_connections[start];
	for (i = 1; i < REUSEPORT_MAX_WORKERS && i < workers; i++) {
		__u32 candidate = start + i;
		__u64 open;

		if (candidate >= workers)
			candidate -= workers;
		if (candidate >= REUSEPORT_MAX_WORKERS) /* for the verifier */
			break;
		open = open_connections[candidate];
		if (open < best_open) {
			best = candidate;
			best_open = open;
		}
	}
	return best;
}

SEC("sk_reuseport")
int steer(struct sk_reuseport_md *ctx)
{
	__u32 key = 0, ticket, worker;
	struct rotation *rotation_state;

	if (workers == 0 || workers > REUSEPORT_MAX_WORKERS)
		return SK_PASS;
	rotation_state = bpf_map_lookup_elem(&rotation, &key);
	if (!rotation_state)
		return SK_PASS;
	bpf_spin_lock(&rotation_state->lock);
	ticket = rotation_state->next++;
	bpf_spin_unlock(&rotation_state->lock);

	worker = ticket % workers;
	if (steering == STEER_LEAST_OPEN)
		worker = least_open(worker);
	/* SK_PASS without a selection lets the kernel's hash decide */
	if (bpf_sk_select_reuseport(ctx, &listeners, &worker, 0) < 0)
		__sync_fetch_and_add(&hash_fallbacks, 1);
	return SK_PASS;
}
