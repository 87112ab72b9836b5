#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage: fetch-deps.sh SET DEST
# Copies the jars of one set from deps.versions (test, bench) into DEST with Maven's ordinary client
# and checks each against its pinned SHA-256. Maven's local repository is the cache: once a jar is
# there, this runs offline (mvn -o is tried first). A hash mismatch deletes the jar and fails.
set -eu
set_name=$1
dest=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dest"
# Drop jars that are no longer pinned, so an old version never lingers on the test class path.
for jar in "$dest"/*.jar; do
    [ -e "$jar" ] || continue
    base=$(basename "$jar")
    grep -v '^#' "$top/deps.versions" | awk -v s="$set_name" '$1 == s {print $2}' | while IFS=: read -r g a v; do
        echo "$a-$v.jar"
    done | grep -qxF "$base" || rm -f "$jar"
done

grep -v '^#' "$top/deps.versions" | while read -r set coords sha; do
    [ "$set" = "$set_name" ] || continue
    rest=${coords#*:}
    artifact=${rest%%:*}
    version=${rest#*:}
    jar="$dest/$artifact-$version.jar"
    if [ ! -f "$jar" ] || ! echo "$sha  $jar" | sha256sum -c --status; then
        rm -f "$jar"
        if ! mvn -o -q -B dependency:copy -Dartifact="$coords" -DoutputDirectory="$dest" >/dev/null 2>&1; then
            mvn -q -B dependency:copy -Dartifact="$coords" -DoutputDirectory="$dest" ||
                { echo "fetch-deps: cannot fetch $coords with mvn" >&2; exit 1; }
        fi
        if ! echo "$sha  $jar" | sha256sum -c --status; then
            echo "fetch-deps: $coords: SHA-256 $(sha256sum "$jar" | cut -d' ' -f1) is not the pinned $sha" >&2
            rm -f "$jar"
            exit 1
        fi
    fi
done
