# SPDX-License-Identifier: LGPL-2.1-or-later
# deps.mk - static musl builds of zlib, liblzma and libzstd from Debian's
# own source packages, at pinned versions (mk/deps-sources, fetched by
# scripts/fetch-source.sh; deb-src must be enabled, see
# scripts/setup-debian.sh). Built once into $(CACHE)/musl-deps.

DEPS_PREFIX := $(CACHE)/musl-deps
DEPS_SRC ?= $(CACHE)/src
DEPS_BUILD := $(CACHE)/build
DEPS_CC := musl-gcc
DEPS_CFLAGS := -I$(DEPS_PREFIX)/include
DEPS_LIBS := $(DEPS_PREFIX)/lib/libzstd.a $(DEPS_PREFIX)/lib/liblzma.a \
	$(DEPS_PREFIX)/lib/libz.a

# $(DEPS_SRC)/NAME: Debian's source package NAME at the version
# mk/deps-sources pins (or the newest one that still fetches, said so);
# fetched again only when the pin moves (checked on every make; the
# marker's time changes only then). A Debian source package carries
# the trees itself (DEPS_SRC=. in debian/rules): nothing is fetched then.
$(DEPS_SRC)/%/.initmod-source: deps-force
	@scripts/fetch-source.sh $* $(DEPS_SRC)
.PRECIOUS: $(DEPS_SRC)/%/.initmod-source
deps-force:
.PHONY: deps-force

# $(call deps_run,name,commands): run quietly, show the log's tail on failure
define deps_run
	@echo "  DEPS  $(1)"
	@mkdir -p $(DEPS_BUILD)
	@( $(2) ) > $(DEPS_BUILD)/$(1).log 2>&1 || \
		{ tail -20 $(DEPS_BUILD)/$(1).log; echo "building $(1) failed, log: $(DEPS_BUILD)/$(1).log"; exit 1; }
endef

$(DEPS_PREFIX)/lib/libz.a: $(DEPS_SRC)/zlib/.initmod-source
	$(call deps_run,zlib, \
		rm -rf $(DEPS_BUILD)/zlib && cp -a $(DEPS_SRC)/zlib/ $(DEPS_BUILD)/zlib && \
		cd $(DEPS_BUILD)/zlib && CC=$(DEPS_CC) CFLAGS=-O2 ./configure --static --prefix=$(DEPS_PREFIX) && \
		$(MAKE) libz.a && mkdir -p $(DEPS_PREFIX)/lib $(DEPS_PREFIX)/include && \
		cp libz.a $(DEPS_PREFIX)/lib/ && cp zlib.h zconf.h $(DEPS_PREFIX)/include/)

$(DEPS_PREFIX)/lib/liblzma.a: $(DEPS_SRC)/xz-utils/.initmod-source
	$(call deps_run,xz, \
		rm -rf $(DEPS_BUILD)/xz && mkdir -p $(DEPS_BUILD)/xz && cd $(DEPS_BUILD)/xz && \
		CC=$(DEPS_CC) CFLAGS=-O2 $(DEPS_SRC)/xz-utils/configure --prefix=$(DEPS_PREFIX) \
			--disable-shared --enable-static --disable-xz --disable-xzdec --disable-lzmadec \
			--disable-lzmainfo --disable-lzma-links --disable-scripts --disable-doc --disable-nls && \
		$(MAKE) -C src/liblzma && $(MAKE) -C src/liblzma install)

$(DEPS_PREFIX)/lib/libzstd.a: $(DEPS_SRC)/libzstd/.initmod-source
	$(call deps_run,zstd, \
		rm -rf $(DEPS_BUILD)/zstd && cp -a $(DEPS_SRC)/libzstd/lib $(DEPS_BUILD)/zstd && \
		$(MAKE) -C $(DEPS_BUILD)/zstd libzstd.a CC=$(DEPS_CC) CFLAGS=-O2 ZSTD_LEGACY_SUPPORT=0 \
			ZSTD_LIB_DICTBUILDER=0 ZSTD_NO_ASM=1 && \
		mkdir -p $(DEPS_PREFIX)/lib $(DEPS_PREFIX)/include && \
		cp $(DEPS_BUILD)/zstd/libzstd.a $(DEPS_PREFIX)/lib/ && \
		cp $(DEPS_BUILD)/zstd/zstd.h $(DEPS_BUILD)/zstd/zstd_errors.h $(DEPS_PREFIX)/include/)

$(DEPS_PREFIX)/.stamp: $(DEPS_LIBS)
	@touch $@

deps: $(DEPS_PREFIX)/.stamp

.PHONY: deps
