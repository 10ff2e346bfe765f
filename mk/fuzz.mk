# ---- fuzzing (libFuzzer) -------------------------------------------------------
#   make fuzz                          build every tests/fuzz/fuzz_NAME.c, run each
#                                      for FUZZ_SECONDS (60) one after the other
#   make fuzz FUZZ_TARGETS=numarray FUZZ_SECONDS=600
#   make fuzz-build                    only build build/fuzz/fuzz_NAME
#
# A target is any tests/fuzz/fuzz_NAME.c defining LLVMFuzzerTestOneInput; it is
# linked with the server objects (not main.c) and libactiv, all rebuilt here with
# clang's coverage instrumentation and ASan+UBSan. Seeds are read from
# tests/fuzz/corpus/NAME/ (kept in git); what the run discovers goes to
# build/fuzz/corpus/NAME/ and crashes to build/fuzz/artifacts/NAME/, so a run
# never dirties the tree. tests/fuzz/NAME.dict is used as a dictionary if present.

FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_DIR := build/fuzz
FUZZ_CC ?= clang
FUZZ_CXX ?= clang++
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OPT := -O1 -g
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_OBJ := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRC) $(filter-out server/main.c,$(SRV_CSRC))) \
            $(patsubst %.cc,$(FUZZ_DIR)/obj/%.o,$(SRV_CXXSRC))
FUZZ_LIB := $(FUZZ_DIR)/libfuzzsrv.a

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t tests/fuzz/corpus/$$t; \
	    dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
	    $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$dict \
	        -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ $(FUZZ_FLAGS) \
	        $(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t; \
	done

$(FUZZ_DIR)/obj/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -Ilib/include -Ilib -std=c11 -D_GNU_SOURCE $(FUZZ_OPT) $(FUZZ_SAN) \
	    -fsanitize=fuzzer-no-link -c $< -o $@

# PAR_PARSE_BYTES=8: a flat array over 16 bytes is parsed in slices
# (decode/slices.c), so fuzz_request checks the sliced parse against jansson too.
$(FUZZ_DIR)/obj/server/%.o: server/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -Ilib/include -Iserver $(PKG_CFLAGS) -std=c11 -D_GNU_SOURCE -DPAR_PARSE_BYTES=8 $(FUZZ_OPT) $(FUZZ_SAN) \
	    -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/server/%.o: server/%.cc
	@mkdir -p $(@D)
	$(FUZZ_CXX) -Ilib/include -Iserver -I$(DRAGONBOX_INC) -std=c++17 -fno-exceptions -fno-rtti \
	    $(FUZZ_OPT) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) -Ilib/include -Iserver -Itests/fuzz $(PKG_CFLAGS) -std=c11 -D_GNU_SOURCE \
	    $(WARN) $(FUZZ_OPT) $(FUZZ_SAN) -fsanitize=fuzzer $< $(FUZZ_LIB) -o $@ \
	    $(PKG_LIBS) -lstdc++ -lpthread -lm
