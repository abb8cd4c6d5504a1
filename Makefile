# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# One entry point: `make` builds build/testbed, `make deps` installs missing
# Debian packages, `sudo make test` runs the unit and integration tests.

BUILD      := build
CC         := gcc
CLANG      := clang
BPFTOOL    := bpftool
ARCH       := x86

CFLAGS     := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-format-truncation -MMD -MP
CPPFLAGS   := -D_GNU_SOURCE -Iuser -Iscenarios -Ianalysis -Ibpf -I$(BUILD)
LDLIBS     := -lbpf -lelf -lz -lpthread -lm
# usdt.bpf.h includes <asm/errno.h>, which Debian keeps under the multiarch path
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -Ivmlinux -Ibpf \
              -I/usr/include/$(shell gcc -dumpmachine)

DEB_PACKAGES := gcc make clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev \
                libcunit1-dev systemtap-sdt-dev iproute2 gnuplot-nox nginx-light

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
SKELS      := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
LIB_SRCS   := $(filter-out user/main.c,$(wildcard user/*.c scenarios/*.c analysis/*.c))
LIB_OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
MAIN_OBJ   := $(BUILD)/obj/user/main.o
UNIT_TESTS := $(patsubst tests/unit/%_test.c,$(BUILD)/tests/%_test,$(wildcard tests/unit/*_test.c))

.PHONY: all deps test unit integration clean
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
	@tests/run-tests all $(BUILD)/testbed $(UNIT_TESTS)

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

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
