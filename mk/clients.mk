# What a generated client sees of activd.
#
#   tests/prism/run.sh      every curl example of README.md and docs/api.md and
#                           one request per problem type through Stoplight
#                           Prism's validating proxy, against /openapi.json
#   clients/js/test/run.sh  the TypeScript client (clients/js): tsc, then calls
#                           and errors against a daemon; fails when
#                           src/schema.ts differs from a fresh generation
#   make js-client-types    regenerate clients/js/src/schema.ts from the
#                           /openapi.json that build/activd serves
#
# Each suite npm ci's its own lockfile once, then works offline.

EXTRA_TESTS += tests/prism/run.sh clients/js/test/run.sh

.PHONY: js-client-types
js-client-types: $(ACTIVD)
	ACTIVD_BIN=$(ACTIVD) sh clients/js/test/run.sh --generate
