# Benchmarks (speed goals are checked here, never by timed unit tests).
#
#   make bench           library and number-codec micro-benchmarks, then activd's own
#                        HTTP benchmark (tools/bench.sh): one table
#   make bench-compare   the same daemon beside the Node.js and FastAPI peers in
#                        ../shared (compare.sh), ratios in one run

.PHONY: bench bench-http bench-compare

$(BUILD)/genload: tools/genload.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/mhd_static: tools/mhd_static.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

bench-http: deps $(ACTIVD) $(BUILD)/genload $(BUILD)/mhd_static
	@EXTRA_PKGS="wrk bc curl" tools/deps.sh
	ACTIVD=$(ACTIVD) GENLOAD=$(BUILD)/genload MHD_STATIC=$(BUILD)/mhd_static tools/bench.sh

bench: bench-lib bench-numtext bench-http

bench-compare: deps $(ACTIVD)
	@PORT=$${PORT:-18080}; $(ACTIVD) --port $$PORT > /dev/null 2>&1 & pid=$$!; \
	sleep 0.5; ../shared/bench/compare.sh http://127.0.0.1:$$PORT; st=$$?; kill $$pid; exit $$st
