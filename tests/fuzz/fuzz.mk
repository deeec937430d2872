# SPDX-License-Identifier: LGPL-2.1-or-later
# fuzz.mk - libFuzzer targets (clang, ASan+UBSan) for every parser initmod
# has: `make fuzz` fuzzes each for FUZZ_TIME seconds and writes a report;
# `make fuzz-regress` (part of `make check`) runs each over its seeds and
# the committed regression inputs once.

FUZZ_CC ?= clang
FUZZ_TARGETS := index_bin index_text modprobe_d cmdline modules_load decompress resolve uevent modinfo_elf
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SEEDS := $(FUZZ_DIR)/seeds
FUZZ_TIME ?= 300
FUZZ_FLAGS := -std=gnu11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-DIM_DECOMP_MAX='((size_t)16 << 20)' -Wall -Wno-unused-parameter
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/bin/%)
# per target: longest input, so the binary indexes may be whole files
FUZZ_MAXLEN_index_bin := 65536
FUZZ_MAXLEN_resolve := 16384
FUZZ_MAXLEN_decompress := 16384
FUZZ_MAXLEN_modinfo_elf := 65536

$(FUZZ_DIR)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/bin/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) \
		-lzstd -llzma -lz -lpthread

.SECONDARY: $(FUZZ_LIB_OBJS)

fuzz-build: $(FUZZ_BINS)

$(FUZZ_SEEDS)/.stamp: tests/fuzz/seeds.sh tests/fuzz/kmod-shapes.conf \
		tests/fuzz/cmdlines.txt $(KROOT_612)/.ready
	tests/fuzz/seeds.sh $(KROOT_612) $$(cat $(KROOT_612)/.ready) $(FUZZ_SEEDS)
	@touch $@

# Each target once over its seeds and tests/fuzz/regress/TARGET (inputs that
# once failed, kept so they never fail again).
fuzz-regress: $(FUZZ_BINS) $(FUZZ_SEEDS)/.stamp
	@pass=0; fail=0; for t in $(FUZZ_TARGETS); do \
		dirs="$(FUZZ_SEEDS)/$$t"; \
		[ -d tests/fuzz/regress/$$t ] && dirs="$$dirs tests/fuzz/regress/$$t"; \
		if $(FUZZ_DIR)/bin/$$t -runs=0 -timeout=10 $$dirs \
			> $(FUZZ_DIR)/regress-$$t.log 2>&1; then pass=$$((pass+1)); \
		else fail=$$((fail+1)); echo "fuzz-regress: $$t failed:"; \
			tail -n 30 $(FUZZ_DIR)/regress-$$t.log; fi; \
	done; echo "fuzz-regress: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# Fuzz every target for FUZZ_TIME seconds (two at a time with make -j2);
# corpora grow in $(FUZZ_DIR)/corpus, findings land in $(FUZZ_DIR)/findings.
FUZZ_RUNS := $(FUZZ_TARGETS:%=fuzz-run-%)
fuzz-run-%: $(FUZZ_DIR)/bin/% $(FUZZ_SEEDS)/.stamp
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/findings/$*
	@echo "fuzz: $* for $(FUZZ_TIME) s"
	@$(FUZZ_DIR)/bin/$* -max_total_time=$(FUZZ_TIME) -timeout=10 \
		-rss_limit_mb=2048 -max_len=$(or $(FUZZ_MAXLEN_$*),4096) \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/findings/$*/ \
		$(FUZZ_DIR)/corpus/$* $(FUZZ_SEEDS)/$* > $(FUZZ_DIR)/fuzz-$*.log 2>&1; \
		echo "fuzz: $* exit $$?" >> $(FUZZ_DIR)/fuzz-$*.log

fuzz: $(FUZZ_BINS) $(FUZZ_SEEDS)/.stamp
	$(MAKE) $(FUZZ_RUNS)
	tests/fuzz/report.sh $(FUZZ_DIR) $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-build fuzz-regress
