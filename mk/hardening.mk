# Hardening (issue 7): sanitizers, valgrind, bounded fuzzing, soak.
#
#   make test-sanitize   every suite built with clang ASan+UBSan into build/san
#                        (the same as make test SANITIZE=1)
#   make valgrind        the integration suites against build/activd run under
#                        valgrind memcheck: zero errors and zero definite or
#                        indirect leaks, or it fails (logs in build/valgrind/)
#   make fuzz-ci         each libFuzzer target for FUZZ_CI_SECONDS (60)
#   make soak            wrk at 256 connections for SOAK_SECONDS (600) with
#                        mixed workloads: errors, RSS start/end, p99
#   make soak-ci         the same for 30 s
#
# Every server object the fuzz targets link (http.o and routes.o reach the
# web page and the OpenAPI document) needs mk/web.mk's generated objects in
# the fuzz archive; a prerequisite here adds them (its recipe archives $^).

$(FUZZ_LIB): $(BUILD)/gen/www_assets.o $(BUILD)/gen/openapi_doc.o

.PHONY: test-sanitize valgrind fuzz-ci soak soak-ci

test-sanitize:
	$(MAKE) test SANITIZE=1

FUZZ_CI_SECONDS ?= 60
fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_CI_SECONDS)

# valgrind runs build/activd (gcc -O2 -g, not the sanitizer build) through
# a wrapper that testd_start executes in its place. Timing bounds in the
# suites scale with ACTIV_TEST_SLOWDOWN. Every log must say 0 errors; a
# daemon with errors also exits 99, which the suites see on SIGTERM.
VG_DIR := build/valgrind
VG_FLAGS := --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --show-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no \
            --num-callers=30 --trace-children=no
valgrind: deps $(ACTIVD) $(INTEG_BIN)
	@EXTRA_PKGS=valgrind tools/deps.sh
	@rm -rf $(VG_DIR) && mkdir -p $(VG_DIR)
	@printf '#!/bin/sh\nexec valgrind $(VG_FLAGS) --log-file=$(CURDIR)/$(VG_DIR)/vg.%%p.log $(CURDIR)/$(ACTIVD) "$$@"\n' \
	    > $(VG_DIR)/activd && chmod +x $(VG_DIR)/activd
	@status=0; for t in $(INTEG_BIN); do echo "== valgrind: $$t"; \
	    ACTIVD_BIN=$(VG_DIR)/activd ACTIV_TEST_SLOWDOWN=10 $$t || status=1; done; \
	logs=$$(ls $(VG_DIR)/vg.*.log 2>/dev/null | wc -l); \
	bad=$$(grep -L 'ERROR SUMMARY: 0 errors' $(VG_DIR)/vg.*.log 2>/dev/null); \
	if [ -n "$$bad" ]; then status=1; for f in $$bad; do echo "== $$f"; cat $$f; done; fi; \
	leaks=$$(grep -lE '(definitely|indirectly) lost: [1-9]' $(VG_DIR)/vg.*.log 2>/dev/null); \
	if [ -n "$$leaks" ]; then status=1; echo "leaks in: $$leaks"; fi; \
	unchecked=$$(grep -L 'HEAP SUMMARY' $(VG_DIR)/vg.*.log 2>/dev/null); \
	if [ -n "$$unchecked" ]; then status=1; echo "killed before the leak check: $$unchecked"; fi; \
	echo "valgrind: $$logs daemon runs, $$(echo $$bad | wc -w) with errors, $$(echo $$leaks | wc -w) with leaks, $$(echo $$unchecked | wc -w) not leak-checked"; \
	if [ $$status -ne 0 ]; then echo "make valgrind: FAILED"; exit 1; fi; \
	echo "make valgrind: all suites passed, 0 errors, 0 leaks"

SOAK_SECONDS ?= 600
soak: deps $(ACTIVD)
	@EXTRA_PKGS="wrk" tools/deps.sh
	ACTIVD=$(ACTIVD) SOAK_SECONDS=$(SOAK_SECONDS) tools/soak.sh

soak-ci: deps $(ACTIVD)
	@EXTRA_PKGS="wrk" tools/deps.sh
	ACTIVD=$(ACTIVD) SOAK_SECONDS=30 tools/soak.sh

# The fuzz targets' oracles are headers (mk/fuzz.mk's rule knows only the .c).
$(FUZZ_DIR)/fuzz_request: tests/fuzz/request_oracle.h tests/fuzz/numarray_oracle.h server/decode/request.h \
    server/decode/fields.h
$(FUZZ_DIR)/fuzz_query: tests/fuzz/query_oracle.h server/decode/request.h
