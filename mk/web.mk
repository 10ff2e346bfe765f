# The service around the math: web page, OpenAPI document, their tests.
#
#   server/www/*        the single-page app, compiled into activd as
#                       $(BUILD)/gen/www_assets.c (GET / and /static/<file>)
#   docs/openapi.json   the OpenAPI 3.1 template, compiled in as
#                       $(BUILD)/gen/openapi_doc.c (GET /openapi.json)
#   make test           also runs tests/openapi/run.sh (redocly lint of the
#                       served document) and tests/browser/run.sh (headless
#                       Chromium driven by playwright-core); both npm ci
#                       their own lockfile once, then work offline.

WWW_FILES := $(sort $(wildcard server/www/*.html server/www/*.js server/www/*.css \
                               server/www/*.svg server/www/*.png server/www/*.ico))
GEN_DIR := $(BUILD)/gen
SRV_LIBOBJ += $(GEN_DIR)/www_assets.o $(GEN_DIR)/openapi_doc.o
EXTRA_TESTS += tests/openapi/run.sh tests/browser/run.sh

# The list of page files as a prerequisite, rewritten only when it changes,
# so removing a file also regenerates the C file.
$(GEN_DIR)/www.list: FORCE
	@mkdir -p $(@D)
	@echo '$(WWW_FILES)' | cmp -s - $@ || echo '$(WWW_FILES)' > $@

$(GEN_DIR)/www_assets.c: $(WWW_FILES) $(GEN_DIR)/www.list mk/embed.sh
	sh mk/embed.sh embedded_www $(WWW_FILES) > $@.tmp && mv $@.tmp $@

$(GEN_DIR)/openapi_doc.c: docs/openapi.json mk/embed.sh
	@mkdir -p $(@D)
	sh mk/embed.sh embedded_openapi docs/openapi.json > $@.tmp && mv $@.tmp $@

$(GEN_DIR)/%.o: $(GEN_DIR)/%.c
	$(CC) $(CPPFLAGS) -Iserver $(ALL_CFLAGS) -c $< -o $@

.PHONY: FORCE
FORCE:

# tests/integration/test_service parses /plot's SVG with libxml2.
XML_CFLAGS = $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS = $(shell pkg-config --libs libxml-2.0 2>/dev/null)
$(BUILD)/tests/integration/test_service.o: CPPFLAGS += $(XML_CFLAGS)
$(BUILD)/tests/integration/test_service: INTEG_LIBS += $(XML_LIBS)
