# SPDX-License-Identifier: LGPL-2.1-or-later
# tests.mk - unit tests (host gcc with ASan+UBSan), the modprobe oracle on
# real Debian kernels, the demo and the resolver benchmark.

TEST_CC ?= $(HOSTCC)
TEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined $(WARN) \
	-Wno-missing-prototypes
TEST_SRCS := $(wildcard tests/unit/*.c) $(LIB_SRCS)
TEST_BIN := $(BUILD)/host/unit-tests

# Debian kernels the oracle and the demo use (fetched into $(CACHE)/kernels)
KPKG_612 := linux-image-6.12.117+deb12-amd64-unsigned
KPKG_61 := linux-image-6.1.0-56-amd64-unsigned
KROOT_612 := $(CACHE)/kernels/6.12
KROOT_61 := $(CACHE)/kernels/6.1
ORACLE := tests/oracle/run.sh
ORACLE_CONF := -C tests/oracle/modprobe.d/A -C tests/oracle/modprobe.d/B
ORACLE_NAMES := tests/oracle/names-config.txt
SET := bench/sets/generic.set

$(TEST_BIN): $(TEST_SRCS) $(wildcard tests/unit/*.h) $(HDRS)
	@mkdir -p $(dir $@)
	$(TEST_CC) $(TEST_CFLAGS) -o $@ $(TEST_SRCS) -lzstd -llzma -lz -lpthread

$(CACHE)/kernels/%/.ready:
	CACHE=$(CACHE) tests/oracle/fetch-kernel.sh $(KPKG_$(subst .,,$*)) $(CACHE)/kernels/$*

kernels: $(KROOT_612)/.ready $(KROOT_61)/.ready

TEST_ENV = INITMOD_TEST_ROOT=$(KROOT_612) INITMOD_TEST_KVER=$$(cat $(KROOT_612)/.ready)

check-unit: $(TEST_BIN) $(KROOT_612)/.ready
	$(TEST_ENV) ASAN_OPTIONS=detect_leaks=1 $(TEST_BIN)

# Every module name, sampled aliases and symbols, hermetic (-C /dev/null) and
# with the host's configuration, then the fixture configuration with and
# without -b and -i; both kernels. Prints one "N passed, N failed" line.
oracle: initmod kernels
	@pass=0; fail=0; \
	for k in 612:6.12.117+deb12-amd64 61:$$(cat $(KROOT_61)/.ready); do \
		root=$(CACHE)/kernels/$$(echo $${k%%:*} | sed 's/^6/6./'); kver=$${k#*:}; \
		for args in "-C /dev/null" "" "--aliases 3000 -C /dev/null" \
			"$(ORACLE_CONF) --names $(ORACLE_NAMES)" \
			"$(ORACLE_CONF) -b --names $(ORACLE_NAMES)" \
			"$(ORACLE_CONF) -i --names $(ORACLE_NAMES)"; do \
			if $(ORACLE) $$args $$root $$kver ./initmod; then pass=$$((pass+1)); \
			else fail=$$((fail+1)); fi; \
		done; \
	done; \
	echo "oracle: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

check-install: initmod $(KROOT_612)/.ready
	tests/install.sh $(KROOT_612) $$(cat $(KROOT_612)/.ready)

.PHONY: check-install

check-image: initmod $(KROOT_612)/.ready
	initramfs/test-image.sh $(KROOT_612) $$(cat $(KROOT_612)/.ready) $(SET) ./initmod

check: check-fetch check-unit check-layers check-cli check-safety check-man check-tsan check-alloc check-image check-install fuzz-regress oracle check-depmod check-depmod-incremental check-depmod-alloc qemu-test qemu-coldplug qemu-root e2e check-deb $(BUILD)/bench/kmod-pool

# The layers: no include from a floor above, no two files including or
# objects calling each other, each header declaring only its .c's symbols.
check-layers: initmod
	tests/layers.sh $(BUILD)

.PHONY: check-layers

# The command line as a user meets it: exit statuses, refusals, -q.
check-cli: initmod $(KROOT_612)/.ready
	tests/cli.sh ./initmod $(KROOT_612) $$(cat $(KROOT_612)/.ready)

# --init where it must destroy nothing (mount namespace, loop ext4; root).
check-safety: initmod
	tests/safety.sh ./initmod

.PHONY: check-cli check-safety

# The man pages: rendered without a warning, every --help option in them.
check-man: initmod
	tests/man.sh ./initmod

.PHONY: check-man

# The library sources' fetch logic against a stand-in apt (no network).
check-fetch:
	tests/fetch.sh

.PHONY: check-fetch

# The README's first command: boot the generic set with initmod, then kmod.
demo: initmod $(KROOT_612)/.ready
	qemu-tests/demo.sh $(KROOT_612) $$(cat $(KROOT_612)/.ready) $(SET) $(BUILD)/demo

bench-resolve: initmod $(KROOT_612)/.ready
	bench/resolve.sh ./initmod $(KROOT_612) $$(cat $(KROOT_612)/.ready) 1000

.PHONY: check check-unit check-image oracle kernels demo bench-resolve

# The engine's threads under ThreadSanitizer (and the rest of the suite too).
TSAN_BIN := $(BUILD)/host/unit-tests-tsan
$(TSAN_BIN): $(TEST_SRCS) $(wildcard tests/unit/*.h) $(HDRS)
	@mkdir -p $(dir $@)
	$(TEST_CC) -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=thread $(WARN) \
		-Wno-missing-prototypes -o $@ $(TEST_SRCS) -lzstd -llzma -lz -lpthread

check-tsan: $(TSAN_BIN) $(KROOT_612)/.ready
	$(TEST_ENV) TSAN_OPTIONS=halt_on_error=1 $(TSAN_BIN)

# The stress run: the real graph, random faults and durations, 64 CPU
# slots, STRESS_ITERS iterations under ThreadSanitizer.
STRESS_ITERS ?= 1000
stress: $(TSAN_BIN) $(KROOT_612)/.ready
	$(TEST_ENV) INITMOD_STRESS_ITERS=$(STRESS_ITERS) INITMOD_STRESS_THREADS=64 \
		TSAN_OPTIONS=halt_on_error=1 $(TSAN_BIN) faults_random_on_real_tree

# Allocation failure at every allocation site in turn, under ASan.
ALLOC_BIN := $(BUILD)/host/alloc-fail
ALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,--wrap=asprintf,--wrap=open_memstream
$(ALLOC_BIN): tests/fault/alloc_fail.c tests/fault/wrap_alloc.c tests/unit/fake_kernel.c $(LIB_SRCS) $(wildcard tests/unit/*.h) $(HDRS)
	@mkdir -p $(dir $@)
	$(TEST_CC) $(TEST_CFLAGS) $(ALLOC_WRAP) -o $@ tests/fault/alloc_fail.c tests/fault/wrap_alloc.c \
		tests/unit/fake_kernel.c $(LIB_SRCS) -lzstd -llzma -lz -lpthread

check-alloc: $(ALLOC_BIN) $(KROOT_612)/.ready
	ASAN_OPTIONS=detect_leaks=1 $(ALLOC_BIN) $(KROOT_612) $$(cat $(KROOT_612)/.ready) \
		tests/oracle/modprobe.d/A tests/oracle/modprobe.d/B

.PHONY: check-tsan stress check-alloc

# Engine overhead and makespan against the fake kernel (optimised build).
ENGINE_BENCH := $(BUILD)/host/engine-bench
$(ENGINE_BENCH): bench/engine_bench.c tests/unit/fake_kernel.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	$(TEST_CC) -std=gnu11 -D_GNU_SOURCE -O2 $(WARN) -Wno-missing-prototypes -o $@ \
		bench/engine_bench.c tests/unit/fake_kernel.c $(LIB_SRCS) -lzstd -llzma -lz -lpthread

bench-engine: $(ENGINE_BENCH)
	$(ENGINE_BENCH)

.PHONY: bench-engine

# Boots under QEMU with purpose-built test modules.
qemu-test: initmod kernels
	qemu-tests/run.sh $(CACHE) $(BUILD) $(KROOT_612) $(KROOT_61) $(SET) ./initmod

.PHONY: qemu-test

# Coldplug on three QEMU machines and two kernels, against udev's.
qemu-coldplug: initmod kernels
	qemu-tests/coldplug.sh $(CACHE) $(BUILD) $(KROOT_612) $(KROOT_61) ./initmod

.PHONY: qemu-coldplug

# The real root: initmod's own image mounts root= and switches to it.
qemu-root: initmod kernels
	qemu-tests/root.sh $(CACHE) $(BUILD) $(KROOT_612) ./initmod

.PHONY: qemu-root

# End to end: a Debian 12 root filesystem (debootstrap, cached in
# $(CACHE)/e2e, needs root) booted by Debian's 6.12 kernel under QEMU from
# virtio-blk, AHCI, NVMe and USB storage: a the stock initramfs-tools
# image, b with initmod's Debian package installed (its trigger builds the
# image), c/cs dracut with initmod's module (systemd, shell mode), d
# initmod's own host-only image, p the stock image again after dpkg --purge;
# then the roots Debian users run (LVM, LUKS with a key file and with a
# passphrase, RAID1, btrfs, XFS, resume: mk/e2e-roots.mk), each on one
# attachment (`make e2e-full`: on three).
# The package is built from HEAD (make deb): commit what e2e should test.
# E2E_VARIANTS, E2E_TYPES choose the cases. bench-e2e times them against
# each other (after e2e).
e2e: initmod deb
	qemu-tests/e2e.sh $(CACHE) $(BUILD)

bench-e2e: e2e
	bench/e2e-bench.sh $(BENCH_OUT)/e2e $(BENCH_RUNS) $(BUILD)

.PHONY: e2e bench-e2e

# Optional: a small kernel with zstd module decompression and MODULE_SIG_FORCE.
kernel:
	kernel-configs/build.sh $(CACHE)/kernel

# build.sh copies bzImage last: its presence means a finished build
$(CACHE)/kernel/bzImage:
	kernel-configs/build.sh $(CACHE)/kernel

# Optional: boot it (in-kernel zstd, signatures enforced); builds it first
# when $(CACHE)/kernel has none (about 15 minutes on 2 cores).
kernel-test: initmod $(CACHE)/kernel/bzImage
	qemu-tests/kernel-test.sh $(CACHE)/kernel ./initmod $(BUILD)/kernel-test

.PHONY: kernel kernel-test

# Boot-time benchmark: every loader over the same image, interleaved;
# results (raw JSON, table, chart, timeline) in $(BENCH_OUT).
BENCH_RUNS ?= 3
BENCH_SMPS ?= 1 2 4
BENCH_LOADERS ?= modprobe xargs kmod-pool initmod-j1 initmod
BENCH_WORKLOADS ?= generic-6.12 generic-6.1 synthetic everything
BENCH_OUT ?= $(BUILD)/bench
EVERYTHING_LOADERS ?= modprobe kmod-pool initmod
EVERYTHING_SMPS ?= 2
SYNTH_SMPS ?= 2
KMOD_POOL := $(BUILD)/bench/kmod-pool

$(KMOD_POOL): bench/peers/kmod-pool.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O2 $(WARN) -o $@ $< -lkmod -lpthread

# Coldplug: initmod vs udev vs initmod -j1 per QEMU machine.
bench-coldplug: initmod kernels
	bench/coldplug-bench.sh $(BENCH_OUT)/coldplug $(BENCH_RUNS) $(CACHE) $(KROOT_612) ./initmod

.PHONY: bench-coldplug

# BENCH_EXTRA: the other benchmarks `make bench` runs first (empty: the
# boot benchmark alone). BENCH_KTRACE=1: initmod's boots also trace the
# kernel's lock contention, which --stats turns into the serial part of its
# bound (bench/guest/bench-init); 0: no trace. BENCH_BASE: another initmod
# binary, booted as the loader initmod-base (add it to BENCH_LOADERS).
BENCH_EXTRA ?= bench-coldplug bench-e2e
BENCH_KTRACE ?= 1
BENCH_LOADERS_612 ?= $(BENCH_LOADERS) initmod-user
BB = CACHE=$(CACHE) BUILD=$(BUILD) BENCH_BASE=$(BENCH_BASE) BENCH_APPEND="$(if $(filter 1 2,$(BENCH_KTRACE)),bench.ktrace=$(BENCH_KTRACE) no_hash_pointers)" \
	bench/boot-bench.sh $(BENCH_OUT) $(BENCH_RUNS)

bench: initmod kernels $(KMOD_POOL) $(BENCH_EXTRA)
	@mkdir -p $(BENCH_OUT) && : > $(BENCH_OUT)/raw.jsonl
	@case " $(BENCH_WORKLOADS) " in *" generic-6.12 "*) $(BB) "$(BENCH_SMPS)" \
		"$(BENCH_LOADERS_612)" generic generic-6.12 $(KROOT_612) $$(cat $(KROOT_612)/.ready) $(SET);; esac
	@case " $(BENCH_WORKLOADS) " in *" generic-6.1 "*) $(BB) "$(BENCH_SMPS)" \
		"$(BENCH_LOADERS)" generic generic-6.1 $(KROOT_61) $$(cat $(KROOT_61)/.ready) $(SET);; esac
	@case " $(BENCH_WORKLOADS) " in *" synthetic "*) $(BB) "$(SYNTH_SMPS)" \
		"$(BENCH_LOADERS)" synthetic synthetic-6.12 $(KROOT_612) $$(cat $(KROOT_612)/.ready);; esac
	@case " $(BENCH_WORKLOADS) " in *" everything "*) QEMU_MEM=4096 $(BB) "$(EVERYTHING_SMPS)" \
		"$(EVERYTHING_LOADERS)" everything everything-6.12 $(KROOT_612) $$(cat $(KROOT_612)/.ready);; esac
	bench/report.sh $(BENCH_OUT)/raw.jsonl $(BENCH_OUT) ./initmod $(KMOD_POOL)

.PHONY: bench

include tests/fuzz/fuzz.mk

# depmod: `initmod depmod` against Debian's /sbin/depmod (kmod 30) on
# the 6.12 (xz), 6.1 (plain) and 6.12-recompressed-to-zstd trees, a
# depmod.d fixture with -e -F System.map, and bad modules: cmp per file.
MKKO := $(BUILD)/host/mkko
$(MKKO): tests/depmod/mkko.c tests/unit/elfwrite.c tests/unit/elfwrite.h
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -D_GNU_SOURCE -O1 $(WARN) -Wno-missing-prototypes -o $@ \
		tests/depmod/mkko.c tests/unit/elfwrite.c

check-depmod: initmod kernels $(MKKO)
	tests/depmod-oracle.sh ./initmod $(BUILD) $(KROOT_612) $$(cat $(KROOT_612)/.ready) \
		$(KROOT_61) $$(cat $(KROOT_61)/.ready) $(MKKO) \
		$(CACHE)/headers/$$(cat $(KROOT_61)/.ready)/root/usr/src/linux-headers-$$(cat $(KROOT_61)/.ready)/Module.symvers

# The cache's property test: 200 random steps (add, remove, replace with
# the same size and mtime, rename over, touch, depmod.d), incremental ==
# full byte for byte after each; then 50 with the default racy window.
DEPMOD_STEPS ?= 200
check-depmod-incremental: initmod kernels
	tests/depmod-incremental.sh ./initmod $(BUILD) $(KROOT_61) $$(cat $(KROOT_61)/.ready) \
		$(KROOT_612) $$(cat $(KROOT_612)/.ready) $(DEPMOD_STEPS)

# Full runs on the three trees at 1 and 2 threads against Debian's depmod,
# and an incremental run after adding a few modules (medians of BENCH_RUNS).
bench-depmod: initmod kernels
	bench/depmod.sh ./initmod $(BUILD) $(KROOT_612) $$(cat $(KROOT_612)/.ready) \
		$(KROOT_61) $$(cat $(KROOT_61)/.ready) $(BENCH_RUNS)

.PHONY: check-depmod check-depmod-incremental bench-depmod

# depmod with allocation failure at every site, in turn, under ASan.
DEPMOD_ALLOC_BIN := $(BUILD)/host/depmod-alloc-fail
DEPMOD_ALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
$(DEPMOD_ALLOC_BIN): tests/fault/depmod_alloc_fail.c tests/fault/wrap_alloc.c tests/unit/elfwrite.c $(LIB_SRCS) $(wildcard tests/unit/*.h) $(HDRS)
	@mkdir -p $(dir $@)
	$(TEST_CC) $(TEST_CFLAGS) $(DEPMOD_ALLOC_WRAP) -o $@ tests/fault/depmod_alloc_fail.c tests/fault/wrap_alloc.c \
		tests/unit/elfwrite.c $(LIB_SRCS) -lzstd -llzma -lz -lpthread

check-depmod-alloc: $(DEPMOD_ALLOC_BIN)
	ASAN_OPTIONS=detect_leaks=1 $(DEPMOD_ALLOC_BIN)

.PHONY: check-depmod-alloc
