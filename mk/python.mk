# The Python client (clients/python/activ_client.py): make test runs its
# suite against a daemon on a free port (tests/python/run.sh).
EXTRA_TESTS += tests/python/run.sh
