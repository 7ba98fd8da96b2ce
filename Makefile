# SPDX-License-Identifier: GPL-2.0
#
#   make                  the module (against KDIR) and the userspace parts
#   make module           xt_PMTUFIX.ko against KDIR
#   make userspace        pmtufix and libxt_PMTUFIX.so
#   make check            unit tests, fuzz corpora replayed (ASan, UBSan), host CLI tests
#   make fuzz             libFuzzer on every harness for FUZZ_SECONDS each
#   make fuzz-ci          the same, bounded for CI (FUZZ_CI_SECONDS, 30, each)
#   make bench            benchmarks: figures and ratios, no pass/fail
#   make bench-vm         the same in QEMU on 6.12: PMTUFIX against TCPMSS, nftables
#                         and the FIB, per packet and per table (BENCHMARKS.md)
#   make vm               the namespace suite in QEMU on every Debian kernel,
#                         and tests/system/ under systemd
#   make vm-debug         the namespace suite on a 6.12 debug kernel (KASAN, kmemleak,
#                         lockdep, UBSAN), built once into ~/.cache/pmtufix/kernel/
#   make oracle           check that the VM suite catches a broken module
#   make demo             boot the newest kernel and show a scenario step by step
#   make test             everything CI runs: deps, build, check, style, fuzz-ci, pkg-check,
#                         vm, oracle, pkg-install-check
#   make style / sparse   checkpatch and sparse on the kernel code
#   make install / uninstall   everything below DESTDIR and PREFIX (see README)
#   make dkms-install / dkms-uninstall   the module sources in /usr/src
#   make deb              the Debian packages, into build/deb/
#   make pkg-check        build, lintian, DKMS builds, install checks (tests/pkg/)
#   make pkg-install-check  the same, then the packages installed on this machine,
#                         upgraded and purged (for throwaway machines: CI)
#   make version-check    VERSION, dkms.conf and debian/changelog agree

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr
DESTDIR ?=
VERSION := $(shell cat VERSION)
BUILD := build

UNIT_CC ?= gcc
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	       -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer -Ikmod -Itests/unit -Itests/ref -Iinclude/uapi
CORE_SRCS := $(wildcard kmod/core/*.c)
# Reference code the tests check the core against; not in the module.
REF_SRCS := $(wildcard tests/ref/*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

all: module userspace

module:
	@if [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C "$(KDIR)" M="$(CURDIR)" modules; \
	else \
		echo "No kernel headers for $(KVER) in $(KDIR): the module is not built."; \
		echo "Install linux-headers-$(KVER), or give KDIR=/usr/src/linux-headers-<version>."; \
	fi

userspace:
	$(MAKE) -C userspace

$(BUILD)/unit/%: tests/unit/%.c $(CORE_SRCS) $(REF_SRCS) $(wildcard kmod/core/*.h tests/ref/*.h) tests/unit/unit.h
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) $(REF_SRCS)

# The fuzz harnesses, replaying their corpora without libFuzzer.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAYS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/standalone.c $(CORE_SRCS) $(REF_SRCS) $(wildcard kmod/core/*.h tests/ref/*.h tests/fuzz/*.h userspace/pmtufix/*.[ch])
	@mkdir -p $(@D)
	$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $< tests/fuzz/standalone.c $(CORE_SRCS) $(REF_SRCS)

check: $(UNIT_TESTS) $(FUZZ_REPLAYS) userspace version-check
	@set -e; for t in $(UNIT_TESTS); do $$t; done
	@set -e; for n in $(FUZZ_NAMES); do \
		$(BUILD)/fuzz/replay_$$n tests/fuzz/corpus_$$n; done
	tests/unit/test_pcap.sh || [ $$? = 4 ]
	tests/unit/test_cli.sh
	tests/unit/test_completion.sh
	tests/unit/test_prom.sh

# libFuzzer proper: needs clang (apt-get install clang).  UBSan aborts, so
# that undefined behaviour counts as a crash.  Artifacts (crash-*, leak-*)
# go to $(BUILD)/fuzz/; new inputs to $(BUILD)/fuzz/corpus_X.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	       -Ikmod -Itests/ref -Iinclude/uapi

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRCS) $(REF_SRCS) $(wildcard kmod/core/*.h tests/ref/*.h tests/fuzz/*.h userspace/pmtufix/*.[ch])
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(REF_SRCS)

fuzz: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
	@set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus_$$n; \
		$(BUILD)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ \
			$(BUILD)/fuzz/corpus_$$n tests/fuzz/corpus_$$n; \
	done

# Bounded, for CI: each harness for FUZZ_CI_SECONDS from its seeds alone,
# in a scratch corpus; a crash, leak, sanitizer report or broken invariant
# fails it.
FUZZ_CI_SECONDS ?= 30
fuzz-ci: $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
	@set -e; for n in $(FUZZ_NAMES); do \
		rm -rf $(BUILD)/fuzz/ci/corpus_$$n; \
		mkdir -p $(BUILD)/fuzz/ci/corpus_$$n; \
		$(BUILD)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_CI_SECONDS) \
			-print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ci/ \
			$(BUILD)/fuzz/ci/corpus_$$n tests/fuzz/corpus_$$n; \
	done

BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -pthread -Ikmod -Iinclude/uapi

$(BUILD)/bench/%: tests/bench/%.c $(CORE_SRCS) $(wildcard kmod/core/*.h)
	@mkdir -p $(@D)
	$(UNIT_CC) $(BENCH_CFLAGS) -o $@ $< $(CORE_SRCS)

bench: $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/*.c))
	@set -e; for b in $^; do $$b $(BENCH_ARGS); done

# BENCH_VM_ARGS: more tests/vm/run.sh options, e.g. -k 6.1 or
# -e BENCH_N4=100000 for a quicker run.
bench-vm:
	tests/vm/run.sh -m bench -k 6.12 $(BENCH_VM_ARGS)

deps:
	tests/deps.sh test

# The second boot gives 6.1 400 possible CPUs (6.12 cannot be given more
# than the machine has) for the per-CPU counters that need several nests.
# The third has systemd as PID 1: the packages, units and metrics.  The
# last runs the benchmarks small, for what they check: each rule did its
# work on every packet, every load took.
vm:
	tests/vm/run.sh
	tests/vm/run.sh -k 6.1 -t percpu -a possible_cpus=400
	tests/vm/run.sh -m systemd
	tests/vm/run.sh -m bench -k 6.12 -e BENCH_N4=20000 -e BENCH_N6=5000 \
		-e BENCH_PACKETS=20000 -e BENCH_ROUNDS=1

# Not part of vm or test: the kernel takes over half an hour to build the
# first time, and the scenarios run three to seven times slower than on 6.12.
vm-debug:
	tests/vm/run.sh -k 6.12-debug

oracle:
	tests/vm/oracle.sh

demo: deps userspace
	tests/vm/demo.sh -k 6.12

# pkg-install-check comes last: the VM lanes boot on this machine's root,
# which it changes while it runs.
test: deps userspace check style fuzz-ci pkg-check vm oracle pkg-install-check

KERNEL_SOURCE ?= /usr/src/linux-source-6.12.tar.xz
CHECKPATCH := $(BUILD)/checkpatch/checkpatch.pl

$(CHECKPATCH):
	@[ -f $(KERNEL_SOURCE) ] || { echo "$(KERNEL_SOURCE) missing: apt-get install linux-source-6.12"; exit 1; }
	@mkdir -p $(@D)
	tar -xJf $(KERNEL_SOURCE) -C $(@D) --strip-components=2 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	@touch $@

# checkpatch as for a netfilter submission; any warning fails.  But
# kmod/core/types.h spells out, for userspace, the attribute macros the
# kernel defines.
style: $(CHECKPATCH)
	$(CHECKPATCH) --no-tree --terse --show-types -f \
		$(filter-out kmod/core/types.h,$(wildcard kmod/*.[ch] kmod/core/*.[ch] include/uapi/linux/*.h))
	$(CHECKPATCH) --no-tree --terse --show-types \
		--ignore PREFER_DEFINED_ATTRIBUTE_MACRO -f kmod/core/types.h

sparse:
	$(MAKE) -C "$(KDIR)" M="$(CURDIR)" C=2 modules

# The userspace parts honour DESTDIR and PREFIX (userspace/Makefile lists
# every file).  A module built here goes to /lib/modules/<its kernel>/updates
# below DESTDIR, whatever PREFIX; depmod runs only without DESTDIR (a staged
# tree is not this machine's).  Packages leave the module to DKMS instead.
install: install-userspace install-module

install-userspace: userspace
	$(MAKE) -C userspace install

install-module:
	@if [ -f xt_PMTUFIX.ko ]; then \
		kver=$$(modinfo -F vermagic xt_PMTUFIX.ko | cut -d' ' -f1); \
		echo "install xt_PMTUFIX.ko $(DESTDIR)/lib/modules/$$kver/updates/"; \
		install -D -m 0644 xt_PMTUFIX.ko \
			"$(DESTDIR)/lib/modules/$$kver/updates/xt_PMTUFIX.ko" && \
		if [ -z "$(DESTDIR)" ]; then depmod -a "$$kver"; fi; \
	fi

uninstall:
	$(MAKE) -C userspace uninstall
	@for m in $(DESTDIR)/lib/modules/*/updates/xt_PMTUFIX.ko; do \
		[ -f "$$m" ] || continue; \
		echo "rm -f $$m"; rm -f "$$m"; \
		rmdir "$${m%/*}" 2>/dev/null || true; \
		if [ -z "$(DESTDIR)" ]; then \
			m=$${m#/lib/modules/}; depmod -a "$${m%%/*}"; \
		fi; \
	done

# The module's sources alone, never objects of an in-tree build: what Kbuild
# compiles, the headers, VERSION (the module's version) and dkms.conf.
DKMS_DIR := $(DESTDIR)/usr/src/pmtufix-$(VERSION)
DKMS_FILES := Kbuild VERSION dkms.conf $(wildcard kmod/*.[ch] kmod/core/*.[ch] \
	      include/uapi/linux/*.h)

dkms-install: version-check
	@for f in $(DKMS_FILES); do \
		install -D -m 0644 "$$f" "$(DKMS_DIR)/$$f" || exit 1; \
	done
	@echo "installed the module sources in $(DKMS_DIR):" \
		"dkms install pmtufix/$(VERSION)"

dkms-uninstall:
	rm -rf "$(DKMS_DIR)"

# One version, in VERSION; dkms.conf (real, so that `dkms add .` works from
# a checkout) and debian/changelog (a native package) must repeat it.
version-check:
	@dkms=$$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf); \
	deb=$$(sed -n '1s/^pmtufix (\([^)]*\)).*/\1/p' debian/changelog); \
	if [ "$$dkms" != "$(VERSION)" ] || [ "$$deb" != "$(VERSION)" ]; then \
		echo "version mismatch: VERSION $(VERSION), dkms.conf PACKAGE_VERSION" \
			"'$$dkms', debian/changelog '$$deb': make them agree" >&2; \
		exit 1; \
	fi

# dpkg-buildpackage writes next to the source tree, so it builds a copy in
# build/deb/src: the files git knows (committed or not, ignored ones left
# out), or the tree without build/ outside a checkout.
DEB_DIR := $(BUILD)/deb

deb: version-check
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git ls-files -z -co --exclude-standard | xargs -0 sh -c \
			'for f; do [ ! -e "$$f" ] || cp --parents "$$f" "$$0"; done' \
			$(DEB_DIR)/src; \
	else \
		tar -c --exclude=./build . | tar -x -C $(DEB_DIR)/src; \
	fi
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_DIR)/src
	@ls -1 $(DEB_DIR)/*.deb

pkg-check:
	tests/pkg/build.sh

pkg-install-check:
	tests/pkg/build.sh -i

# Not kbuild's clean: with M= it deletes every *.ko below this directory,
# the kernels unpacked under build/vm/ included.
clean:
	rm -f xt_PMTUFIX.ko xt_PMTUFIX.mod xt_PMTUFIX.mod.c xt_PMTUFIX.o \
		modules.order Module.symvers .module-common.o
	find . -path ./build -prune -o \( -name '*.o' -o -name '.*.cmd' \) \
		-type f -print | xargs -r rm -f
	$(MAKE) -C userspace clean
	rm -rf $(BUILD)/unit $(BUILD)/bench $(BUILD)/fuzz

.PHONY: all module userspace check fuzz fuzz-ci bench bench-vm deps vm vm-debug oracle demo test style sparse install \
	install-userspace install-module uninstall dkms-install dkms-uninstall version-check \
	deb pkg-check pkg-install-check clean
