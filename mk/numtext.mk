# ---- number-codec micro-benchmark ----------------------------------------------
#   make bench-numtext     ns per number: js_numarray / numtext_f64 against
#                          jansson and strtod/snprintf (tools/bench_numtext.c)
BENCH_NUMTEXT := $(BUILD)/tools/bench_numtext
BENCH_NUMTEXT_SECONDS ?= 0.6

.PHONY: bench-numtext
bench-numtext: $(BENCH_NUMTEXT)
	$(BENCH_NUMTEXT) $(BENCH_NUMTEXT_SECONDS)

$(BENCH_NUMTEXT): tools/bench_numtext.c $(SERVER_LIB) $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iserver $(PKG_CFLAGS) $(ALL_CFLAGS) -o $@ $< $(SERVER_LIB) $(STATIC_LIB) \
	    $(LDFLAGS) $(SERVER_LDLIBS)
