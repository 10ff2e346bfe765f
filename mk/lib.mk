# mk/lib.mk - libactiv's own targets (included by the top Makefile).
#
#   make lib-unit        build and run only the libactiv unit tests (test_lib*)
#   make docs            regenerate docs/activations.md and the README's list of
#                        activations from the registry
#   make docs-check      fail when either is stale (part of make test)
#   make accuracy-table  rerun the accuracy test, writing docs/measured-accuracy.tsv
#   make bench-lib       ns/element of every activation on 1e6 elements
#   make lib-dump        a hash of every result through the public API, into
#                        build/lib-dump.bin (cmp two to prove a change kept the bits)

LIBTEST_COMMON := $(BUILD)/tests/common/refexpr.o $(BUILD)/tests/common/actgrid.o \
                  $(BUILD)/tests/common/docgen.o $(BUILD)/tests/common/checkrun.o
LIBTEST_LIBS = $(shell pkg-config --libs check 2>/dev/null) -lmpfr -lgmp -lpthread -lm
LIB_UNIT_BIN := $(filter $(BUILD)/tests/unit/test_lib%,$(UNIT_BIN))

# The libactiv tests link only the library and their own helpers, not the
# daemon or the HTTP helpers (the shorter stem makes this rule win).
$(BUILD)/tests/unit/test_lib%: $(BUILD)/tests/unit/test_lib%.o $(LIBTEST_COMMON) $(STATIC_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBTEST_LIBS)

.PHONY: lib-unit
lib-unit: $(LIB_UNIT_BIN)
	@status=0; for t in $^; do echo "== $$t"; $$t || status=1; done; exit $$status
.SECONDARY: $(LIBTEST_COMMON)

# ---- benchmark -----------------------------------------------------------------
$(BUILD)/tools/bench_lib: tools/bench_lib.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(STATIC_LIB) $(LDFLAGS) -lm

.PHONY: bench-lib
bench-lib: $(BUILD)/tools/bench_lib
	$(BUILD)/tools/bench_lib

# ---- bit-for-bit fingerprint ----------------------------------------------------
LIB_DUMP := $(BUILD)/tools/lib_dump
$(LIB_DUMP): tools/lib_dump.c $(BUILD)/tests/common/actgrid.o $(BUILD)/tests/common/refexpr.o \
             $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/common $(ALL_CFLAGS) -o $@ $(filter-out %.h,$^) $(LDFLAGS) -lmpfr -lgmp -lm

.PHONY: lib-dump
lib-dump: $(LIB_DUMP)
	$(LIB_DUMP) > $(BUILD)/lib-dump.bin.tmp && mv $(BUILD)/lib-dump.bin.tmp $(BUILD)/lib-dump.bin

# ---- docs ------------------------------------------------------------------------
GENDOC := $(BUILD)/tools/gendoc
MEASURED := docs/measured-accuracy.tsv

$(GENDOC): tools/gendoc.c $(BUILD)/tests/common/docgen.o $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/common $(ALL_CFLAGS) -o $@ $< $(BUILD)/tests/common/docgen.o \
	    $(STATIC_LIB) $(LDFLAGS) -lm

.PHONY: docs docs-check accuracy-table
docs: $(GENDOC)
	$(GENDOC) $(MEASURED) > docs/activations.md.tmp && mv docs/activations.md.tmp docs/activations.md
	$(GENDOC) --readme README.md > README.md.tmp && mv README.md.tmp README.md

# Both generated texts regenerated into a temporary folder and compared with
# the committed ones (make test runs this).
docs-check: $(GENDOC)
	@tmp=$$(mktemp -d) && st=0 && \
	$(GENDOC) $(MEASURED) > $$tmp/activations.md && $(GENDOC) --readme README.md > $$tmp/README.md && \
	for f in docs/activations.md README.md; do \
	    if ! cmp -s $$tmp/$$(basename $$f) $$f; then echo "docs-check: $$f is stale: run make docs"; st=1; fi; \
	done; rm -rf $$tmp; [ $$st -eq 0 ] && echo "docs-check: docs/activations.md and README.md are current"; exit $$st
TEST_DEPS += docs-check

# The measured table in the docs comes from a real run of the accuracy test.
accuracy-table: $(BUILD)/tests/unit/test_lib_accuracy
	ACTIV_MEASURED_OUT=$(MEASURED) $<
