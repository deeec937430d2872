# SPDX-License-Identifier: LGPL-2.1-or-later
# deb.mk - initmod's Debian package (debian/), in $(DEB_OUT):
#   make deb-src    the source package: initmod_V.orig.tar.xz, one component
#                   tarball per library source tree (orig-zlib, orig-xz-utils,
#                   orig-libzstd), the debian tarball and the .dsc; it builds
#                   offline (debian/rules builds the libraries from the trees)
#   make deb        the binary package, built from that source package in a
#                   temporary directory (nothing is left in the work tree)
#   make check-deb  tests/deb.sh: the offline build, lintian, the contents,
#                   install/upgrade/remove/purge in a chroot (root)
# The version is debian/changelog's.
#
# The orig tarball is `git archive` of DEB_REF (HEAD) without debian/, and
# debian/ comes from DEB_REF too: uncommitted changes are not included. An
# orig tarball must be the same every time it is made for a version, and a
# work tree shared with edits in progress would give one nobody can make
# again; commit first (or DEB_REF=a-commit).

DEB_OUT ?= $(BUILD)/deb
DEB_REF ?= HEAD
DEB_COMPONENTS := zlib xz-utils libzstd
# recursive (=): dpkg-parsechangelog runs only when a deb target is made;
# file names carry no epoch
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version | sed 's/^[0-9]*://')
DEB_UPSTREAM = $(shell dpkg-parsechangelog -l debian/changelog -S Version | sed 's/^[0-9]*://; s/-[^-]*$$//')
DEB_TIME = $(shell dpkg-parsechangelog -l debian/changelog -S Timestamp)
DEB_DSC = $(DEB_OUT)/initmod_$(DEB_VERSION).dsc
# one xz thread: the same bytes on every machine
DEB_XZ := xz -6 -T1 -c

# Component tarballs hold the trees fetch-source.sh unpacked (Debian's
# patches applied, the .initmod-source marker included, quilt's .pc left
# out), with one top directory NAME, owner 0:0, sorted, mtimes clamped to
# the changelog's date: the same tree gives the same tarball.
deb-src: $(DEB_COMPONENTS:%=$(DEPS_SRC)/%/.initmod-source)
	@command -v dpkg-source > /dev/null || { echo "deb-src: dpkg-source missing (apt-get install dpkg-dev)"; exit 1; }
	@git rev-parse --verify -q $(DEB_REF)^{commit} > /dev/null || { echo "deb-src: $(DEB_REF) is no commit"; exit 1; }
	@git diff --quiet $(DEB_REF) -- debian || echo "deb-src: note: debian/ has changes not in $(DEB_REF): not included"
	rm -rf $(DEB_OUT)/initmod_$(DEB_UPSTREAM).orig*.tar.xz $(DEB_OUT)/initmod_$(DEB_VERSION).* \
		$(DEB_OUT)/initmod-$(DEB_UPSTREAM)
	mkdir -p $(DEB_OUT)/initmod-$(DEB_UPSTREAM)
	git archive --format=tar --prefix=initmod-$(DEB_UPSTREAM)/ $(DEB_REF) -- . ':(exclude)debian' | \
		$(DEB_XZ) > $(DEB_OUT)/initmod_$(DEB_UPSTREAM).orig.tar.xz
	set -e; for c in $(DEB_COMPONENTS); do \
		tar -C $(DEPS_SRC) --exclude=$$c/.pc --sort=name --owner=0 --group=0 --numeric-owner \
			--mtime=@$(DEB_TIME) --clamp-mtime -cf - $$c | \
			$(DEB_XZ) > $(DEB_OUT)/initmod_$(DEB_UPSTREAM).orig-$$c.tar.xz; \
	done
	tar -C $(DEB_OUT)/initmod-$(DEB_UPSTREAM) --strip-components=1 -xJf $(DEB_OUT)/initmod_$(DEB_UPSTREAM).orig.tar.xz
	set -e; for c in $(DEB_COMPONENTS); do \
		tar -C $(DEB_OUT)/initmod-$(DEB_UPSTREAM) -xJf $(DEB_OUT)/initmod_$(DEB_UPSTREAM).orig-$$c.tar.xz; \
	done
	git archive --format=tar $(DEB_REF) debian | tar -C $(DEB_OUT)/initmod-$(DEB_UPSTREAM) -xf -
	cd $(DEB_OUT) && dpkg-source -b initmod-$(DEB_UPSTREAM)
	rm -rf $(DEB_OUT)/initmod-$(DEB_UPSTREAM)
	@echo "deb-src: $(DEB_DSC)"

# The binary package from the source package, in a directory of its own
# under $TMPDIR that is removed afterwards; .deb, .changes and .buildinfo
# land in $(DEB_OUT).
deb: deb-src
	@set -e; t=$$(mktemp -d); trap 'rm -rf "$$t"' EXIT; \
	dpkg-source -x $(DEB_DSC) $$t/initmod-$(DEB_UPSTREAM) > $$t/unpack.log || { cat $$t/unpack.log; exit 1; }; \
	echo "  DEB   dpkg-buildpackage -us -uc -b (log: $(DEB_OUT)/build.log)"; \
	( cd $$t/initmod-$(DEB_UPSTREAM) && dpkg-buildpackage -us -uc -b ) > $(DEB_OUT)/build.log 2>&1 || \
		{ tail -n 30 $(DEB_OUT)/build.log; echo "deb: dpkg-buildpackage failed, log: $(DEB_OUT)/build.log"; exit 1; }; \
	rm -f $(DEB_OUT)/initmod_$(DEB_VERSION)_*.deb $(DEB_OUT)/initmod-dbgsym_$(DEB_VERSION)_*.deb; \
	mv $$t/*.deb $$t/*.changes $$t/*.buildinfo $(DEB_OUT)/; \
	ls $(DEB_OUT)/*_$(DEB_VERSION)_*.deb

check-deb: deb-src
	tests/deb.sh $(DEB_DSC) $(CACHE) $(BUILD)/deb-test

.PHONY: deb-src deb check-deb
