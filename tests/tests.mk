# tests.mk - unit tests (host gcc with ASan+UBSan) and the modprobe oracle.

TEST_CC ?= $(HOSTCC)
TEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O1 -g -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined $(WARN) \
	-Wno-missing-prototypes
TEST_SRCS := $(wildcard tests/unit/*.c) $(LIB_SRCS)
TEST_BIN := $(BUILD)/host/unit-tests

$(TEST_BIN): $(TEST_SRCS) $(wildcard tests/unit/*.h depgraph/*.h config/*.h loader/*.h)
	@mkdir -p $(dir $@)
	$(TEST_CC) $(TEST_CFLAGS) -o $@ $(TEST_SRCS) -lzstd -llzma -lz

check: $(TEST_BIN) initmod
	ASAN_OPTIONS=detect_leaks=1 $(TEST_BIN)

.PHONY: check
