#!/usr/bin/env bash
# The full-length laptop sleep: the real client, then the real server,
# stopped for 60 s each (test/e2e/sleep.sh runs 15 s in make check).
NAP_S=60 exec bash "$(dirname "$0")/../e2e/sleep.sh"
