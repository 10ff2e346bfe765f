# activ - libactiv and the activd daemon.
#
#   make run        build and serve on 127.0.0.1:8080
#   make test       install missing Debian packages, build, run every test
#   make install    PREFIX=/usr/local DESTDIR=
#   make SANITIZE=1 test     the same under ASan+UBSan (clang), in build/san
#
# Sources are found by wildcard: a new lib/*.c, lib/*/*.c, server/*.c,
# server/*/*.c, server/*/*.cc or tests/*/test_*.c is built without touching
# this file. Targets owned by one
# subsystem live in mk/*.mk, included before the rules below so they may add
# to SRV_LIBOBJ (generated server objects), EXTRA_TESTS (scripts make test
# runs after the test binaries) and TEST_DEPS (prerequisites of make test).

VERSION := $(shell sed -n 's/^\#define ACTIV_VERSION_STRING "\(.*\)"/\1/p' lib/include/activ.h)
SOVERSION := $(firstword $(subst ., ,$(VERSION)))

PREFIX ?= /usr/local
DESTDIR ?=
PORT ?= 8080

ifeq ($(SANITIZE),1)
BUILD ?= build/san
CC := clang
CXX := clang++
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT ?= -O1
else
BUILD ?= build
SANFLAGS :=
OPT ?= -O2
endif
# make's built-in default is cc; keep gcc unless the caller chose
ifeq ($(origin CC),default)
CC := gcc
endif
ifeq ($(origin CXX),default)
CXX := g++
endif

WARN := -Wall -Wextra -Werror
CFLAGS ?= $(OPT) -g
CXXFLAGS ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -fPIC $(SANFLAGS) $(CFLAGS)
ALL_CXXFLAGS := -std=c++17 $(WARN) -fPIC -fno-exceptions -fno-rtti $(SANFLAGS) $(CXXFLAGS)
CPPFLAGS += -Ilib/include -MMD -MP
LDFLAGS += $(SANFLAGS)

PKGS_SERVER := libmicrohttpd jansson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS_SERVER) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS_SERVER) 2>/dev/null)
DRAGONBOX_INC := $(firstword $(wildcard /usr/include/dragonbox-*))

LIB_SRC := $(wildcard lib/*.c lib/*/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
SRV_CSRC := $(wildcard server/*.c server/*/*.c)
SRV_CXXSRC := $(wildcard server/*.cc server/*/*.cc)
SRV_OBJ := $(SRV_CSRC:%.c=$(BUILD)/%.o) $(SRV_CXXSRC:%.cc=$(BUILD)/%.o)
SRV_LIBOBJ := $(filter-out $(BUILD)/server/main.o,$(SRV_OBJ))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
INTEG_SRC := $(wildcard tests/integration/test_*.c)
INTEG_BIN := $(INTEG_SRC:%.c=$(BUILD)/%)
TEST_COMMON := $(wildcard tests/common/*.c)
TEST_COMMON_OBJ := $(TEST_COMMON:%.c=$(BUILD)/%.o)

STATIC_LIB := $(BUILD)/libactiv.a
SHARED_REAL := $(BUILD)/libactiv.so.$(VERSION)
SHARED_LIB := $(BUILD)/libactiv.so
SERVER_LIB := $(BUILD)/libactivd.a
ACTIVD := $(BUILD)/activd

EXTRA_TESTS :=
TEST_DEPS :=
.DEFAULT_GOAL := all
-include mk/*.mk

.PHONY: all lib run test unit integration deps install clean format format-check
all: lib $(ACTIVD)
lib: $(STATIC_LIB) $(SHARED_LIB)

# ---- library ---------------------------------------------------------------
$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ilib $(ALL_CFLAGS) -fvisibility=hidden -c $< -o $@

# Only the header's ACTIV_API functions are visible in the shared library.
$(STATIC_LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(SHARED_REAL): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libactiv.so.$(SOVERSION) $(LDFLAGS) -o $@ $(LIB_OBJ) -lm

$(SHARED_LIB): $(SHARED_REAL)
	ln -sf libactiv.so.$(VERSION) $(BUILD)/libactiv.so.$(SOVERSION)
	ln -sf libactiv.so.$(VERSION) $@

# ---- daemon ------------------------------------------------------------------
$(BUILD)/server/%.o: server/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iserver $(PKG_CFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/server/%.o: server/%.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) -Iserver -I$(DRAGONBOX_INC) $(ALL_CXXFLAGS) -c $< -o $@

$(SERVER_LIB): $(SRV_LIBOBJ)
	rm -f $@ && ar rcs $@ $^

SERVER_LDLIBS = $(PKG_LIBS) -lstdc++ -lpthread -lm

$(ACTIVD): $(BUILD)/server/main.o $(SERVER_LIB) $(STATIC_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(SERVER_LDLIBS)

run: deps $(ACTIVD)
	$(ACTIVD) --bind 127.0.0.1 --port $(PORT)

# ---- tests -------------------------------------------------------------------
TEST_LIBS = $(shell pkg-config --libs check libcurl jansson 2>/dev/null) -lmpfr -lgmp
INTEG_LIBS = $(shell pkg-config --libs libcurl jansson check 2>/dev/null)

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/common -Iserver $(PKG_CFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(TEST_COMMON_OBJ) $(SERVER_LIB) $(STATIC_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(SERVER_LDLIBS)

$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(TEST_COMMON_OBJ) $(STATIC_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(INTEG_LIBS) $(TEST_LIBS) -lpthread -lm

# make test: everything a fresh Debian machine needs, then every suite.
# A failing suite fails the target (set -e), after the others have run.
test: deps
	$(MAKE) all $(UNIT_BIN) $(INTEG_BIN) $(TEST_DEPS)
	@status=0; \
	for t in $(UNIT_BIN); do echo "== $$t"; $$t || status=1; done; \
	for t in $(INTEG_BIN) $(EXTRA_TESTS); do echo "== $$t"; ACTIVD_BIN=$(ACTIVD) $$t || status=1; done; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED"; exit 1; fi; \
	echo "make test: all suites passed"

unit: $(UNIT_BIN)
	@status=0; for t in $^; do echo "== $$t"; $$t || status=1; done; exit $$status

integration: $(ACTIVD) $(INTEG_BIN)
	@status=0; for t in $(INTEG_BIN); do echo "== $$t"; ACTIVD_BIN=$(ACTIVD) $$t || status=1; done; \
	exit $$status

deps:
	@tools/deps.sh

# ---- install -----------------------------------------------------------------
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin

install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) $(DESTDIR)$(BINDIR)
	install -m 644 lib/include/activ.h $(DESTDIR)$(INCDIR)/activ.h
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libactiv.a
	install -m 755 $(SHARED_REAL) $(DESTDIR)$(LIBDIR)/libactiv.so.$(VERSION)
	ln -sf libactiv.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libactiv.so.$(SOVERSION)
	ln -sf libactiv.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libactiv.so
	install -m 755 $(ACTIVD) $(DESTDIR)$(BINDIR)/activd
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' lib/activ.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/activ.pc

# ---- housekeeping ------------------------------------------------------------
FORMAT_SRC = $(wildcard lib/*.[ch] lib/*/*.[ch] server/*.[ch] server/*/*.[ch] server/*.cc server/*/*.cc \
                          tests/*/*.[ch] tools/*.c)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build

-include $(shell find $(BUILD) -path $(BUILD)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)

# ---- layers ------------------------------------------------------------------
# docs/architecture.md: no include goes up a layer, no include circle.
# make test runs it too.
.PHONY: check-layers
check-layers:
	@tools/check-layers.sh
EXTRA_TESTS += tools/check-layers.sh
