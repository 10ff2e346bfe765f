# Debian packages (debian/, docs/deploy.md "Debian packages").
#
#   make man        build/man/activd.8 (help2man over `build/activd --help`
#                   and docs/man/activd.h2m) and build/man/libactiv.3
#   make deb        build/deb/{libactiv1,libactiv-dev,activd}_VERSION_ARCH.deb:
#                   dpkg-buildpackage on a copy of the tree (tools/deb-build.sh)
#   make deb-test   make deb, then lintian, systemd-analyze verify and security,
#                   and the packages installed and run in a clean Debian 12
#                   root, the unit booted under systemd (tools/deb-test.sh)
#
# The package build itself runs `make all build/man/activd.8 build/man/libactiv.3
# build/activd.default` inside its copy (debian/rules).

DEB_DIR := $(BUILD)/deb

.PHONY: man deb deb-test
man: $(BUILD)/man/activd.8 $(BUILD)/man/libactiv.3

$(BUILD)/man/activd.8: $(ACTIVD) docs/man/activd.h2m tools/activd-man.sh
	@mkdir -p $(@D)
	tools/activd-man.sh $(ACTIVD) $(VERSION) $@

$(BUILD)/man/libactiv.3: docs/man/libactiv.3.in lib/include/activ.h
	@mkdir -p $(@D)
	sed 's|@VERSION@|$(VERSION)|g' $< > $@

$(BUILD)/activd.default: $(ACTIVD) tools/activd-default.sh
	tools/activd-default.sh $(ACTIVD) > $@.tmp && mv $@.tmp $@

deb:
	@EXTRA_PKGS="dpkg-dev debhelper help2man" tools/deps.sh
	VERSION=$(VERSION) DEB_DIR=$(DEB_DIR) tools/deb-build.sh

deb-test: deb
	@EXTRA_PKGS="lintian systemd systemd-container" tools/deps.sh
	VERSION=$(VERSION) DEB_DIR=$(DEB_DIR) tools/deb-test.sh
