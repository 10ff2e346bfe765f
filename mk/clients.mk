# What a generated client sees of activd.
#
#   tests/prism/run.sh  every curl example of README.md and docs/api.md and one
#                       request per problem type through Stoplight Prism's
#                       validating proxy, against the served /openapi.json
#
# Each suite npm ci's its own lockfile once, then works offline.

EXTRA_TESTS += tests/prism/run.sh
