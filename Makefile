# SPDX-License-Identifier: LGPL-2.1-or-later
# initmod - parallel early-boot kernel module loader.
# `make` builds ./initmod (static, musl, libzstd+liblzma+zlib linked in);
# `make check` runs the unit tests; `make oracle` compares with modprobe.

CACHE ?= $(CURDIR)/.cache
BUILD ?= $(CURDIR)/build
CC := musl-gcc
HOSTCC ?= gcc
VERSION := 0.1

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -DINITMOD_VERSION='"$(VERSION)"' $(WARN)
# unused functions and data are dropped at link time (the binary's size is a goal)
SIZE_FLAGS := -ffunction-sections -fdata-sections

.DEFAULT_GOAL := all
include mk/deps.mk

SRCS := $(wildcard depgraph/*.c) $(wildcard config/*.c) $(wildcard loader/*.c)
LIB_SRCS := $(filter-out loader/main.c,$(SRCS))
OBJS := $(SRCS:%.c=$(BUILD)/musl/%.o)

all: initmod

# ./initmod is stripped; $(BUILD)/initmod.debug keeps the symbols
initmod: $(OBJS) $(DEPS_PREFIX)/.stamp
	$(CC) -static -Wl,--gc-sections -Wl,-z,noseparate-code -o $(BUILD)/initmod.debug $(OBJS) $(DEPS_LIBS)
	strip -o $@ $(BUILD)/initmod.debug
	@file $@ | grep -q 'statically linked' || { echo "initmod is not static"; exit 1; }

$(BUILD)/musl/%.o: %.c $(DEPS_PREFIX)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SIZE_FLAGS) $(CFLAGS) $(DEPS_CFLAGS) -MMD -MP -c -o $@ $<

# code that runs once per boot (options, PID 1, coldplug and root set-up,
# traces) is built for size; the resolver, indexes and engine stay -O2
COLD_SRCS := loader/main.c loader/options.c loader/init.c loader/run.c \
	loader/root.c loader/blkid.c loader/coldplug.c loader/uevent.c \
	loader/trace.c config/rootspec.c config/cmdline.c config/confdirs.c \
	config/modules_load.c depgraph/file.c
$(COLD_SRCS:%.c=$(BUILD)/musl/%.o): CFLAGS += -Os

-include $(OBJS:.o=.d)

include tests/tests.mk

clean:
	rm -rf $(BUILD) initmod

distclean: clean
	rm -rf $(CACHE)

.PHONY: all clean distclean
