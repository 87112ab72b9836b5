#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds runsc-metrics. Policy, in the manner of jtreg's make/build.sh:
#   - the JDK (25 or newer) is found by scripts/find-jdk.sh: $JAVA_HOME if new enough, else
#     /usr/lib/jvm/*25*; nothing is downloaded for it;
#   - the only downloaded files are the test and benchmark jars pinned in deps.versions, fetched with
#     Maven's ordinary client and checked against their SHA-256; the image contains none of them;
#   - everything else is `make`: ./build.sh [TARGET...] is `make TARGET...` after those checks.
set -eu
cd "$(dirname "$0")"
scripts/find-jdk.sh >/dev/null
exec make "$@"
