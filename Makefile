# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# One entry point: `make` builds build/testbed, `make deps` installs missing
# Debian packages, `sudo make test` runs the unit and integration tests.

BUILD      := build
CC         := gcc
CLANG      := clang
BPFTOOL    := bpftool
ARCH       := x86

CFLAGS     := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -MMD -MP
CPPFLAGS    = -D_GNU_SOURCE -Ilib -Iuser -Iscenarios -Iscenarios/external -Iload -Ianalysis -Ibpf -I$(BUILD)
LDLIBS     := -lbpf -lelf -lz -lpthread -lm
# usdt.bpf.h includes <asm/errno.h>, which Debian keeps under the multiarch path
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ivmlinux -Ibpf \
              -I/usr/include/$(shell gcc -dumpmachine)

DEB_PACKAGES := gcc make clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev \
                libcunit1-dev systemtap-sdt-dev iproute2 gnuplot-nox nginx-light \
                strace valgrind libclang-rt-14-dev

# SANITIZE=1: the same build with ASan + UBSan, into build-asan/ (the normal
# build is untouched); `make test SANITIZE=1` runs the unit tests and
# SANITIZE_TESTS under them. FUZZ=1: clang with libFuzzer's instrumentation,
# into build-fuzz/, for `make fuzz`.
ifeq ($(SANITIZE),1)
BUILD      := build-asan
CFLAGS     += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif
ifeq ($(FUZZ),1)
BUILD      := build-fuzz
CC         := $(CLANG)
CFLAGS     += -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -Wno-unknown-warning-option
endif

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
SKELS      := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
LIB_SRCS   := $(filter-out user/main.c,$(wildcard lib/*.c user/*.c scenarios/*.c scenarios/external/*.c load/*.c analysis/*.c))
LIB_OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
MAIN_OBJ   := $(BUILD)/obj/user/main.o
UNIT_TESTS := $(patsubst tests/unit/%_test.c,$(BUILD)/tests/%_test,$(wildcard tests/unit/*_test.c))

.PHONY: all deps test unit integration clean fuzz fuzz-targets
# keep intermediate files (skeletons, objects): deleting them forces rebuilds
.SECONDARY:
all: $(BUILD)/testbed $(UNIT_TESTS)

# Installs what is missing (needs root); a stamp keeps later builds fast.
deps:
	@rm -f $(BUILD)/.deps-ok
	@$(MAKE) --no-print-directory $(BUILD)/.deps-ok

$(BUILD)/.deps-ok: Makefile
	@mkdir -p $(BUILD)
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "testbed: missing Debian packages:" $$missing "-- run: sudo make deps" >&2; exit 1; fi; \
		echo "testbed: installing" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
			|| { echo "testbed: apt-get install failed for:" $$missing >&2; exit 1; }; \
	fi
	@touch $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# Every user object depends on the skeletons (they are included by the collector).
$(BUILD)/obj/%.o: %.c $(SKELS) | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libtestbed.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/testbed: $(MAIN_OBJ) $(BUILD)/libtestbed.a
	$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%_test: $(BUILD)/obj/tests/unit/%_test.o $(BUILD)/libtestbed.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -lcunit $(LDLIBS) -o $@

unit: $(UNIT_TESTS)
	@tests/run-tests unit $(UNIT_TESTS)

integration: $(BUILD)/testbed
	@tests/run-tests integration $(BUILD)/testbed

# The README's test command: unit tests (no root needed), then integration
# tests (root, real BPF), then one closing line with the totals.
test: all
	@$(TEST_ENV) tests/run-tests all $(BUILD)/testbed $(UNIT_TESTS)

# Under the sanitizers: a short integration run -- both accept models and the
# fd hand-off, pool threads, a worker killed and restarted, signals at every
# stage, hostile analysis input. Any ASan/UBSan report fails the test.
SANITIZE_TESTS := test_accounting_shared_epoll test_accounting_fd_dispatch_idle test_pool_jobs_match_self_counts \
                  test_kill_worker_restarts test_signal_stages_run test_analysis_hostile_input
ifeq ($(SANITIZE),1)
TEST_ENV   := TESTS="$(SANITIZE_TESTS)" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
              UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
endif

# --- static build: build/static/testbed for `testbed kernels` ----------------
# The guest initramfs has no shared libraries: the same libraries, linked
# statically from their .a files (Debian 12's libelf.a needs only zlib; a
# libelf built with zstd would add -lzstd, from libzstd-dev).
STATIC_LDLIBS := -static $(LDLIBS)

.PHONY: static
static: $(BUILD)/static/testbed

$(BUILD)/static/testbed: $(MAIN_OBJ) $(BUILD)/libtestbed.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ $(STATIC_LDLIBS) -o $@
# ------------------------------------------------------------------------------

# --- benchmarks: `sudo make bench` ------------------------------------------
# The performance figures of docs/PERFORMANCE.md: observer overhead, against
# bpftrace, load generator vs wrk, collector capacity, scaling (about 10
# minutes on 2 CPUs; results/bench-<time>/). Not part of `make test`: nothing
# there depends on timing. One benchmark: sudo sh bench/run.sh overhead
.PHONY: bench
bench: $(BUILD)/testbed
	@sh bench/run.sh
# ------------------------------------------------------------------------------

# --- fuzzing: `make fuzz [FUZZ_TIME=90]` --------------------------------------
# libFuzzer targets (tests/fuzz/*_fuzz.c: the CSV reader, the option parsers)
# built with clang, ASan and UBSan into build-fuzz/, each run FUZZ_TIME
# seconds from the seed corpus in tests/fuzz/corpus/; then one line per target
# with its executions and crashes (tests/fuzz/README.md).
FUZZ_TIME    ?= 90
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/*_fuzz.c))

fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-targets
	@tests/fuzz/run $(FUZZ_TIME) build-fuzz $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(wildcard tests/fuzz/*_fuzz.c))

fuzz-targets: $(FUZZ_TARGETS)

# the option parser resolves --load names: no DNS while fuzzing
$(BUILD)/fuzz/options_fuzz: FUZZ_LDFLAGS := -Wl,--wrap=getaddrinfo
$(BUILD)/fuzz/%_fuzz: $(BUILD)/obj/tests/fuzz/%_fuzz.o $(BUILD)/libtestbed.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $^ $(FUZZ_LDFLAGS) $(LDLIBS) -o $@
# ------------------------------------------------------------------------------

clean:
	rm -rf $(BUILD) build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
