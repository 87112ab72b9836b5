#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Prints the home of a JDK >= 25 or explains on stderr why there is none (exit 1).
# Order: $JAVA_HOME if it is new enough, then /usr/lib/jvm/*25* (newest name last wins).
# The build needs 25 for the FFM API (flock, kill), jlink from the run-time image and the AOT cache.
set -u
need=25

feature() {  # feature version of the JDK at $1, or nothing
    [ -x "$1/bin/javac" ] && [ -x "$1/bin/jlink" ] || return 0
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

found=""
if [ -n "${JAVA_HOME:-}" ]; then
    v=$(feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then
        echo "$JAVA_HOME"; exit 0
    fi
    found="JAVA_HOME=$JAVA_HOME is JDK ${v:-unknown (no javac/jlink there)}"
fi
for home in /usr/lib/jvm/*25*; do
    [ -d "$home" ] || continue
    v=$(feature "$home")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then
        echo "$home"; exit 0
    fi
done
if [ -z "$found" ]; then
    if command -v javac >/dev/null 2>&1; then
        found="javac on PATH is $(javac -version 2>&1)"
    else
        found="no JDK found (JAVA_HOME unset, nothing under /usr/lib/jvm/*25*, no javac on PATH)"
    fi
fi
cat >&2 <<MSG
runsc-metrics needs a JDK $need or newer with javac and jlink; $found.
Install one (Debian trixie/sid: apt-get install openjdk-25-jdk-headless; or Temurin 25)
and set JAVA_HOME to it, or put it under /usr/lib/jvm/.
MSG
exit 1
