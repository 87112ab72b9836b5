#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage: fetch-runsc.sh [DEST]        (DEST defaults to build/runsc under the repo root)
# Fetches gVisor's runsc from Debian's bookworm-backports suite for the tests' real sandboxes and
# unpacks it into DEST without installing anything. The archive is the one this machine already
# uses: a private apt configuration is derived from the machine's own sources (deb822 in
# /etc/apt/sources.list.d/*.sources, else one-line /etc/apt/sources.list) with the suite switched,
# in a temp dir, so the machine's own apt state is untouched and no host is written here.
# Never `apt-get install` from another suite: that would mix suites on the machine.
#
# Why backports and not sid: sid's 0.0~20240729.0-7+b1 is built with Go 1.26, and gVisor 20240729
# reads the goroutine ID at the offset of Go releases before 1.25, so its sentries panic
# (Task.assertTaskGoroutine) within seconds under load. The backports build of the same gVisor
# release uses Go 1.22.1 and does not.
#
# Prints the binary's path on the last line of stdout. Idempotent: when DEST already holds the
# wanted version (DEST/.version) nothing is fetched. RUNSC_VERSION and RUNSC_SUITE override the
# pinned version and suite; a version the suite does not offer is an error, never a substitute.
set -euo pipefail

want=${RUNSC_VERSION:-0.0~20240729.0-4~bpo12+2}
suite=${RUNSC_SUITE:-bookworm-backports}
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$top/build/runsc}
case $dest in /*) ;; *) dest=$PWD/$dest ;; esac

say() { echo "fetch-runsc: $*" >&2; }
die() { say "$*"; exit 1; }

binary_in() {  # the runsc binary under an unpacked package root, or nothing
    local p
    for p in usr/bin/runsc usr/sbin/runsc bin/runsc sbin/runsc; do
        if [ -x "$1/$p" ]; then echo "$1/$p"; return 0; fi
    done
    return 0
}

if [ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$want" ]; then
    bin=$(binary_in "$dest")
    if [ -n "$bin" ]; then
        say "runsc $want already in $dest"
        echo "$bin"
        exit 0
    fi
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this needs a Debian-like machine"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found: this needs a Debian-like machine"

work=$(mktemp -d "${TMPDIR:-/tmp}/fetch-runsc.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt fetches as the unprivileged _apt user when run as root: it must be able to enter the dir.
chmod 0755 "$work"
mkdir -p "$work/parts" "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
# apt-get download writes into the current dir as _apt too: hand it that one dir.
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$work/deb"; fi

# Derive the source from the machine's own configuration: the first stanza (or line) that is a
# `deb` source and not a security suite, with its suite replaced by the wanted one.
derived=""
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822: stanzas are separated by blank lines; comments start with '#'.
    stanza=$(awk -v suite="$suite" 'BEGIN { RS = ""; FS = "\n" }
        {
            types = ""; suites = ""; enabled = "yes"
            for (i = 1; i <= NF; i++) {
                if ($i ~ /^[Tt]ypes:/) types = $i
                if ($i ~ /^[Ss]uites:/) suites = $i
                if ($i ~ /^[Ee]nabled:/) enabled = tolower($i)
            }
            if (types ~ /(^|[ \t])deb([ \t]|$)/ && suites != "" && suites !~ /-security/ && enabled !~ /no/) {
                for (i = 1; i <= NF; i++) {
                    if ($i ~ /^#/) continue
                    if ($i ~ /^[Tt]ypes:/) { print "Types: deb"; continue }
                    if ($i ~ /^[Ss]uites:/) { print "Suites: " suite; continue }
                    print $i
                }
                exit
            }
        }' "$f")
    if [ -n "$stanza" ]; then
        printf '%s\n' "$stanza" > "$work/parts/runsc.sources"
        derived=$f
        break
    fi
done
if [ -z "$derived" ] && [ -f /etc/apt/sources.list ]; then
    # One-line format: deb [options] URI SUITE COMPONENT...
    line=$(awk -v suite="$suite" '$1 == "deb" {
            i = 2
            if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
            if ($(i + 1) ~ /-security/) next
            opts = ""
            for (j = 2; j < i; j++) opts = opts " " $j
            print "deb" opts " " $i " " suite " main"
            exit
        }' /etc/apt/sources.list)
    if [ -n "$line" ]; then
        printf '%s\n' "$line" > "$work/parts/runsc.list"
        derived=/etc/apt/sources.list
    fi
fi
[ -n "$derived" ] || die "no non-security 'deb' source in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list to derive the $suite source from"
say "$suite source derived from $derived"

apt_opts=(
    -oDir::Etc::SourceList=/dev/null
    "-oDir::Etc::SourceParts=$work/parts"
    "-oDir::State::Lists=$work/lists"
    "-oDir::Cache=$work/cache"
    -oAcquire::Languages=none
    -oDebug::NoLocking=1
)
if ! apt-get -q "${apt_opts[@]}" update > "$work/update.log" 2>&1; then
    cat "$work/update.log" >&2
    die "apt-get update of the derived $suite source failed (see above)"
fi
if grep -q -E '^(W|E): ' "$work/update.log"; then
    grep -E '^(W|E): ' "$work/update.log" >&2
fi

offered=$(apt-cache "${apt_opts[@]}" madison runsc 2>/dev/null | awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
[ -n "$offered" ] || die "the $suite source derived from $derived offers no runsc package"
printf '%s\n' "$offered" | grep -qxF -- "$want" ||
    die "runsc $want is not offered by $suite (offered: $(printf '%s\n' "$offered" | paste -sd' ')); set RUNSC_VERSION or RUNSC_SUITE to one that is"
pick=$want

(cd "$work/deb" && apt-get -q "${apt_opts[@]}" download "runsc=$pick" >&2) ||
    die "apt-get download runsc=$pick failed"
deb=$(ls "$work"/deb/runsc_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download left no runsc_*.deb"
got=$(dpkg-deb -f "$deb" Version)
[ "$got" = "$pick" ] || die "downloaded $deb is version $got, not $pick"

rm -rf "$dest"
mkdir -p "$dest"
dpkg-deb -x "$deb" "$dest"
bin=$(binary_in "$dest")
[ -n "$bin" ] || die "$deb holds no runsc binary under usr/bin or usr/sbin"
echo "$got" > "$dest/.version"
say "runsc $got unpacked: $("$bin" --version 2>/dev/null | head -n 1 || true)"
echo "$bin"
