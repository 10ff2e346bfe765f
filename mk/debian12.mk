# The README's promise, checked: `make test` on a fresh Debian 12.
#
#   make debian12-test   tools/debian12-test.sh: a plain Debian 12 root with
#                        only make, git and ca-certificates added, a clean clone
#                        of HEAD in it, `make test` there (it installs the rest
#                        with tools/deps.sh and runs on Debian's nodejs 18),
#                        then the root is removed. As root; needs apt and npm.

.PHONY: debian12-test
debian12-test:
	sh tools/debian12-test.sh
