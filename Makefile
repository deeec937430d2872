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

# the product's folders, lowest floor first (tests/layers.sh checks the order)
LAYERS := base depgraph config depmod loader
SRCS := $(foreach d,$(LAYERS),$(wildcard $(d)/*.c))
HDRS := $(foreach d,$(LAYERS),$(wildcard $(d)/*.h))
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
	loader/trace.c config/rootspec.c config/cmdline.c config/conffiles.c \
	config/modules_load.c base/file.c
$(COLD_SRCS:%.c=$(BUILD)/musl/%.o): CFLAGS += -Os
# depmod runs on the host, not at boot: for size too, but for its
# hot ELF parser (modinfo_elf.c)
DEPMOD_SRCS := $(filter-out depmod/modinfo_elf.c,$(wildcard depmod/*.c))
$(DEPMOD_SRCS:%.c=$(BUILD)/musl/%.o): CFLAGS += -Os

-include $(OBJS:.o=.d)

include tests/tests.mk
include mk/deb.mk
include mk/e2e-roots.mk

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the image
# builder with its driver list, the documents. No modprobe link on the
# host: kmod's stays (images link modprobe to initmod themselves).
PREFIX ?= /usr/local
DESTDIR ?=
# The generators look for hooks in fixed places, not under PREFIX;
# HOOKS=no leaves them out. The hooks find the binary in $(PREFIX)/sbin.
# lib/initmod/bin holds argv[0] links (modprobe, depmod) for images and
# for PATH=...:lib/initmod/bin by choice, not on the default PATH.
HOOKS ?= yes
ITOOLS_DIR ?= /usr/share/initramfs-tools
DRACUT_DIR ?= /usr/lib/dracut/modules.d/90initmod
SUBST = sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@LIBDIR@|$(PREFIX)/lib/initmod|g'
# the manual pages, into $(PREFIX)/share/man/man8 (those that exist: a
# checkout without man/ installs without them)
MANPAGES := man/initmod.8 man/initmod-mkinitramfs.8
MANDIR ?= $(PREFIX)/share/man

install: initmod
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib/initmod/bin \
		$(DESTDIR)$(PREFIX)/share/doc/initmod
	install -m 755 initmod $(DESTDIR)$(PREFIX)/sbin/initmod
	install -m 755 initramfs/mkinitramfs $(DESTDIR)$(PREFIX)/lib/initmod/mkinitramfs
	install -m 644 initramfs/generic-drivers $(DESTDIR)$(PREFIX)/lib/initmod/generic-drivers
	ln -sf ../lib/initmod/mkinitramfs $(DESTDIR)$(PREFIX)/sbin/initmod-mkinitramfs
	ln -sf ../../../sbin/initmod $(DESTDIR)$(PREFIX)/lib/initmod/bin/modprobe
	ln -sf ../../../sbin/initmod $(DESTDIR)$(PREFIX)/lib/initmod/bin/depmod
	install -m 644 README.md LICENSE tests/kmod-differences.md tests/coldplug-differences.md \
		tests/generator-differences.md \
		$(DESTDIR)$(PREFIX)/share/doc/initmod/
ifneq ($(wildcard $(MANPAGES)),)
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 644 $(wildcard $(MANPAGES)) $(DESTDIR)$(MANDIR)/man8/
endif
ifeq ($(HOOKS),yes)
	install -d $(DESTDIR)$(ITOOLS_DIR)/hooks $(DESTDIR)$(ITOOLS_DIR)/scripts/init-top \
		$(DESTDIR)$(ITOOLS_DIR)/conf-hooks.d $(DESTDIR)$(DRACUT_DIR)
	$(SUBST) initramfs/initramfs-tools/hooks/initmod > $(DESTDIR)$(ITOOLS_DIR)/hooks/initmod
	$(SUBST) initramfs/initramfs-tools/conf-hooks/initmod > $(DESTDIR)$(ITOOLS_DIR)/conf-hooks.d/initmod
	install -m 755 initramfs/initramfs-tools/scripts/init-top/initmod \
		$(DESTDIR)$(ITOOLS_DIR)/scripts/init-top/initmod
	install -m 755 initramfs/initramfs-tools/init-top-udev initramfs/udev-trigger \
		$(DESTDIR)$(PREFIX)/lib/initmod/
	install -m 644 initramfs/dracut/90initmod/udev-trigger.conf $(DESTDIR)$(DRACUT_DIR)/
	install -m 755 initramfs/dracut/90initmod/initmod-pre-trigger.sh $(DESTDIR)$(DRACUT_DIR)/
	$(SUBST) initramfs/dracut/90initmod/module-setup.sh > $(DESTDIR)$(DRACUT_DIR)/module-setup.sh
	install -m 755 initramfs/dracut/90initmod/initmod-pre-udev.sh $(DESTDIR)$(DRACUT_DIR)/
	chmod 755 $(DESTDIR)$(ITOOLS_DIR)/hooks/initmod $(DESTDIR)$(DRACUT_DIR)/module-setup.sh
endif

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/initmod $(DESTDIR)$(PREFIX)/sbin/initmod-mkinitramfs
	rm -rf $(DESTDIR)$(PREFIX)/lib/initmod $(DESTDIR)$(PREFIX)/share/doc/initmod
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MANPAGES)))
	rm -f $(DESTDIR)$(ITOOLS_DIR)/hooks/initmod $(DESTDIR)$(ITOOLS_DIR)/scripts/init-top/initmod \
		$(DESTDIR)$(ITOOLS_DIR)/conf-hooks.d/initmod
	rm -rf $(DESTDIR)$(DRACUT_DIR)

clean:
	rm -rf $(BUILD) initmod

distclean: clean
	rm -rf $(CACHE)

.PHONY: all clean distclean install uninstall
