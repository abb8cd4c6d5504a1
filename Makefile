# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# One entry point: `make` builds build/testbed and the unit tests, `sudo make
# deps` installs every missing Debian package, `sudo make test` runs the unit
# and integration tests. `make V=1` shows the full commands.

BUILD      := build
CC         := gcc
CLANG      := clang
BPFTOOL    := bpftool

# The tracer's syscall numbers and vmlinux/vmlinux.h are x86_64's; what
# another architecture needs is listed at the top of bpf/arch.bpf.h.
MACHINE    := $(shell uname -m)
BPF_ARCH   := $(patsubst x86_64,x86,$(MACHINE))
ifneq ($(BPF_ARCH),x86)
$(error testbed builds on x86_64 only, not $(MACHINE): bpf/arch.bpf.h has no syscall numbers for it and vmlinux/vmlinux.h is x86_64's)
endif

CFLAGS     := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -MMD -MP
# The source folders: every .c in them goes into libtestbed.a, and each is on
# the include path. Adding a folder is one word here.
SRC_DIRS   := lib user scenarios scenarios/external load analysis
CPPFLAGS    = -D_GNU_SOURCE $(addprefix -I,$(SRC_DIRS)) -Ibpf -I$(BUILD)
LDLIBS     := -lbpf -lelf -lz -ljson-c -lpthread -lm
# usdt.bpf.h includes <asm/errno.h>, which Debian keeps under the multiarch
# path (named here, not asked of gcc: a first build installs gcc after this)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror -Ivmlinux -Ibpf \
              -I/usr/include/$(MACHINE)-linux-gnu

# Debian packages, by what needs them. Building (make, ./testbed) needs only
# BUILD_PACKAGES; RUN_PACKAGES are what runs use (report plots, the bundled
# nginx servers, `ip` for --netns; also the report and plot unit tests), installed by
# ./testbed when run as root; TEST_PACKAGES (ss, pgrep, the bad-command-line
# checks under strace, valgrind, Chromium rendering a report headless, and
# Debian's Node.js for the bundled Node servers unless a node is on PATH) by
# make test; FUZZ_PACKAGES (libFuzzer) by make fuzz. make deps installs them all.
BUILD_PACKAGES := gcc make clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libcunit1-dev \
                  systemtap-sdt-dev libjson-c-dev
RUN_PACKAGES   := gnuplot-nox nginx-light libjson-c5 iproute2
TEST_PACKAGES  := procps strace valgrind jq groff-base chromium $(if $(shell command -v node),,nodejs)
FUZZ_PACKAGES  := libclang-rt-14-dev

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
# Stamps: the packages each kind of target needs are installed (see above).
BUILD_DEPS := $(BUILD)/.build-deps-ok $(if $(filter 1,$(FUZZ)),$(BUILD)/.fuzz-deps-ok)
RUN_DEPS   := $(BUILD)/.run-deps-ok
TEST_DEPS  := $(BUILD)/.run-deps-ok $(BUILD)/.test-deps-ok

BPF_NAMES  := $(patsubst bpf/%.bpf.c,%,$(wildcard bpf/*.bpf.c))
LIB_SRCS   := $(filter-out user/main.c,$(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
LIB_OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
MAIN_OBJ   := $(BUILD)/obj/user/main.o
UNIT_TESTS := $(patsubst tests/unit/%_test.c,$(BUILD)/tests/%_test,$(wildcard tests/unit/*_test.c))
ALL_SRCS   := $(LIB_SRCS) user/main.c $(wildcard tests/unit/*.c tests/fuzz/*.c)

# Quiet unless V=1: one line per step, as libbpf-bootstrap's Makefile does.
ifeq ($(V),1)
Q          :=
msg        :=
else
Q          := @
msg         = @printf '  %-8s %s\n' "$(1)" "$(2)";
MAKEFLAGS  += --no-print-directory
endif

.PHONY: all deps deps-test test unit integration clean fuzz fuzz-targets
# keep intermediate files (skeletons, objects): deleting them forces rebuilds
.SECONDARY:
# a recipe that fails leaves no half-written target behind
.DELETE_ON_ERROR:
all: $(BUILD)/testbed $(UNIT_TESTS)

# --- Debian packages ----------------------------------------------------------
# $(call install_missing,PACKAGES): installs those not installed (root), or
# says what to run; then the stamp $@ keeps later builds from asking again.
# No service starts during the install (a policy-rc.d that says 101, unless
# the machine has one already), and nginx, which Debian enables and starts on
# port 80 on install, is left disabled: the bundled setups start their own.
define install_missing
	@mkdir -p $(@D)
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "testbed: missing Debian packages:" $$missing "-- run: sudo make deps" >&2; exit 1; fi; \
		echo "testbed: installing" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		policy=; [ -e /usr/sbin/policy-rc.d ] || { policy=/usr/sbin/policy-rc.d; \
			printf '#!/bin/sh\n# testbed: no service starts while it installs packages\nexit 101\n' >$$policy; \
			chmod 755 $$policy; trap 'rm -f $$policy' EXIT; }; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
			|| { echo "testbed: apt-get install failed for:" $$missing >&2; exit 1; }; \
		case " "$$(echo $$missing)" " in *" nginx-light "*) \
			echo "testbed: nginx installed with its service disabled (enable it: systemctl enable --now nginx)"; \
			if command -v systemctl >/dev/null; then systemctl disable --quiet nginx.service 2>/dev/null; \
				[ -d /run/systemd/system ] && systemctl stop nginx.service; fi; \
			update-rc.d nginx disable >/dev/null 2>&1; true;; \
		esac; \
	fi
	@touch $@
endef

$(BUILD)/.build-deps-ok: Makefile
	$(call install_missing,$(BUILD_PACKAGES))
$(BUILD)/.run-deps-ok: Makefile
	$(call install_missing,$(RUN_PACKAGES))
$(BUILD)/.test-deps-ok: Makefile
	$(call install_missing,$(TEST_PACKAGES))
$(BUILD)/.fuzz-deps-ok: Makefile
	$(call install_missing,$(FUZZ_PACKAGES))

# Installs everything missing, for every target here (needs root); deps-test
# only what the tests need on top of building and running.
deps:
	@rm -f $(BUILD)/.*-deps-ok
	@$(MAKE) --no-print-directory $(BUILD)/.build-deps-ok $(TEST_DEPS) $(BUILD)/.fuzz-deps-ok
deps-test:
	@rm -f $(BUILD)/.*-deps-ok
	@$(MAKE) --no-print-directory $(BUILD)/.build-deps-ok $(TEST_DEPS)

# --- the build ----------------------------------------------------------------
$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD_DEPS)
	$(call msg,BPF,$<)
	@mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: %.c | $(BUILD_DEPS)
	$(call msg,CC,$<)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# An object whose source includes a skeleton waits for it (a first build has
# no .d file to say so yet). Found with grep: moving an #include needs no edit.
skeleton_users = $(patsubst %.c,$(BUILD)/obj/%.o,$(shell grep -l '"$(1).skel.h"' $(ALL_SRCS)))
$(foreach b,$(BPF_NAMES),$(eval $(call skeleton_users,$(b)): $(BUILD)/$(b).skel.h))

$(BUILD)/libtestbed.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/testbed: $(MAIN_OBJ) $(BUILD)/libtestbed.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%_test: $(BUILD)/obj/tests/unit/%_test.o $(BUILD)/libtestbed.a
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ -lcunit $(LDLIBS) -o $@

# --- tests --------------------------------------------------------------------
# The unit tests need no root, but gnuplot (report and plot tests).
unit: $(UNIT_TESTS) $(RUN_DEPS)
	@tests/run-tests unit $(UNIT_TESTS)

integration: $(BUILD)/testbed $(TEST_DEPS)
	@tests/run-tests integration $(BUILD)/testbed

# The README's test command: unit tests (no root needed), then integration
# tests (root, real BPF), then one closing line with the totals.
test: all $(TEST_DEPS)
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
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ $(STATIC_LDLIBS) -o $@
# ------------------------------------------------------------------------------

# --- benchmarks: `sudo make bench` ------------------------------------------
# The performance figures of docs/PERFORMANCE.md: observer overhead (own load,
# and nginx under wrk beside bpftrace), against
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
	$(call msg,LINK,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer $^ $(FUZZ_LDFLAGS) $(LDLIBS) -o $@
# ------------------------------------------------------------------------------

# --- install: `sudo make install [PREFIX=/usr/local] [DESTDIR=...]` ---------
# The binary, the files it reads at run time (PREFIX/share/testbed: the
# bundled servers' scripts, studies/ when the tree has it; lib/data_files.c
# finds them there), the man page and the bash completion. `testbed kernels`
# rebuilds the source tree it runs from, so it stays a source-tree command.
# docs/testbed.1 (the page to read in the tree) is made from the --help
# texts: `make man` after changing them (a test checks it is current).
PREFIX     ?= /usr/local
BINDIR     := $(DESTDIR)$(PREFIX)/bin
DATADIR    := $(DESTDIR)$(PREFIX)/share/testbed
MANDIR     := $(DESTDIR)$(PREFIX)/share/man/man1
COMPDIR    := $(DESTDIR)$(PREFIX)/share/bash-completion/completions
DATA_FILES := $(wildcard scenarios/external/*.js scenarios/external/*.in)

.PHONY: install uninstall man
man: $(BUILD)/testbed.1
	$(Q)cp $(BUILD)/testbed.1 docs/testbed.1

# the installed page is made from the installed binary, whatever docs/ holds
$(BUILD)/testbed.1: $(BUILD)/testbed docs/make-man.sh
	$(call msg,MAN,$@)
	$(Q)sh docs/make-man.sh $(BUILD)/testbed > $@.tmp && mv $@.tmp $@

install: $(BUILD)/testbed $(BUILD)/testbed.1
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -D -m 755 $(BUILD)/testbed $(BINDIR)/testbed
	$(Q)install -d $(DATADIR)/scenarios/external
	$(Q)install -m 644 $(DATA_FILES) $(DATADIR)/scenarios/external/
	$(Q)if [ -d studies ]; then cp -R studies $(DATADIR)/ && chmod -R a+rX $(DATADIR)/studies; fi
	$(Q)install -D -m 644 $(BUILD)/testbed.1 $(MANDIR)/testbed.1
	$(Q)install -D -m 644 docs/testbed.bash-completion $(COMPDIR)/testbed

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(BINDIR)/testbed $(MANDIR)/testbed.1 $(COMPDIR)/testbed
	$(Q)rm -rf $(DATADIR)
# ------------------------------------------------------------------------------

clean:
	rm -rf $(BUILD) build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- soak: `sudo make soak [SOAK_SECONDS=3600]` --------------------------------
# The testbed in long use (bench/soak.sh, docs/PERFORMANCE.md "Soak"): a
# `trace --pid` of a server that recycles its workers and a `run`, each
# SOAK_SECONDS long (default 1 h, both at once), sampled into soak.csv; the
# verdict (bounded / growing) and the cross-checks. Not part of `make test`.
.PHONY: soak
soak: $(BUILD)/testbed
	@$(if $(SOAK_SECONDS),SOAK_SECONDS=$(SOAK_SECONDS)) sh bench/soak.sh
# ------------------------------------------------------------------------------
