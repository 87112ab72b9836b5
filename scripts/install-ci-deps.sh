#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Usage: install-ci-deps.sh
# Installs, from the machine's own Debian suites, the real tools the tests drive and that are
# missing: prometheus and promtool, socat, curl, openssl (the TLS tests make their certificates
# with it), flock, man -l (man-db with groff), and for the
# packaging tests debhelper (make deb), lintian, systemd-analyze and systemd-socket-activate (Debian's
# systemd package; installing it starts nothing where systemd is not PID 1), python3 with the yaml
# module (YAML manifests read as JSON), python3's prometheus_client module (its OpenMetrics parser
# reads the server's OpenMetrics output) and adduser (the package's postinst). What is present
# is skipped; `apt-get update` runs once, only when something is missing. As a non-root user it only
# lists what is missing and exits 0: the tests that need those tools then skip with a reason.
# runsc is not installed here (another suite, never installed): `make runsc` unpacks it into build/.
set -euo pipefail

say() { echo "install-ci-deps: $*" >&2; }

# command the tests run -> Debian package that ships it
tools=(
    prometheus:prometheus
    promtool:prometheus
    socat:socat
    curl:curl
    openssl:openssl
    flock:util-linux
    man:man-db
    groff:groff-base
    nroff:groff-base
    dh:debhelper
    dpkg-buildpackage:dpkg-dev
    lintian:lintian
    systemd-analyze:systemd
    systemd-socket-activate:systemd
    addgroup:adduser
    python3-yaml:python3-yaml
    python3-prometheus-client:python3-prometheus-client
)

# A "tool" that is a module, not a command: present when python3 can import it.
have() {
    case $1 in
        python3-yaml) python3 -c 'import yaml' >/dev/null 2>&1 ;;
        # Debian's module is for Debian's interpreter, which a python3 earlier on PATH may not be.
        python3-prometheus-client)
            python3 -c 'import prometheus_client.openmetrics.parser' >/dev/null 2>&1 \
                || /usr/bin/python3 -c 'import prometheus_client.openmetrics.parser' >/dev/null 2>&1 ;;
        *) command -v "$1" >/dev/null 2>&1 ;;
    esac
}

missing_tools=()
missing_pkgs=()
for entry in "${tools[@]}"; do
    tool=${entry%%:*}
    pkg=${entry#*:}
    have "$tool" && continue
    missing_tools+=("$tool")
    case " ${missing_pkgs[*]-} " in *" $pkg "*) ;; *) missing_pkgs+=("$pkg") ;; esac
done

if [ ${#missing_pkgs[@]} -eq 0 ]; then
    say "all present: ${tools[*]%%:*}"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    say "missing ${missing_tools[*]} (packages: ${missing_pkgs[*]}); not root, so nothing installed and the tests that need them will skip"
    exit 0
fi
command -v apt-get >/dev/null 2>&1 || { say "apt-get not found: cannot install ${missing_pkgs[*]}"; exit 1; }

# Installing prometheus must not start its daemon (it would take port 9090 and outlive the run).
# Debian's invoke-rc.d asks policy-rc.d; exit 101 means "do not start". Keep one that is there.
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# added by install-ci-deps.sh while installing; removed afterwards\nexit 101\n' > "$policy"
    chmod 0755 "$policy"
    added_policy=yes
fi
cleanup() { if [ -n "$added_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

say "installing ${missing_pkgs[*]} for ${missing_tools[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -q update
apt-get -q -y --no-install-recommends install "${missing_pkgs[@]}"

still=()
for tool in "${missing_tools[@]}"; do
    have "$tool" || still+=("$tool")
done
if [ ${#still[@]} -gt 0 ]; then
    say "still missing after install: ${still[*]}"
    exit 1
fi
say "installed: ${missing_pkgs[*]}"
