# SPDX-License-Identifier: Apache-2.0
# runsc-metrics: build, test, image, install. `make help` lists the targets.
# The JDK (>= 25) is found by scripts/find-jdk.sh; test jars come from deps.versions.

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := $(shell cat VERSION)
MODULE  := runsc.metrics
MAIN    := runsc.metrics.cli.Main

ifeq ($(filter clean help runsc ci-deps,$(MAKECMDGOALS)),)
JDK := $(shell scripts/find-jdk.sh)
ifeq ($(JDK),)
$(error no JDK 25 or newer: see the message above)
endif
endif
JAVA  := $(JDK)/bin/java
JAVAC := $(JDK)/bin/javac
JAR   := $(JDK)/bin/jar
JLINK := $(JDK)/bin/jlink

# Reproducible: every timestamp in the jar comes from SOURCE_DATE_EPOCH, else the last commit.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 315619200)
JAR_DATE := $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
GIT_REV  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

SRCS       := $(shell find src -name '*.java' | LC_ALL=C sort)
RESOURCES  := $(shell find src -type f ! -name '*.java' | LC_ALL=C sort)
TEST_SRCS  := $(shell find test -name '*.java' | LC_ALL=C sort)
JAVAC_OPTS := --release 25 -encoding UTF-8 -Xlint:all -Werror -implicit:none

CLASSES    := $(BUILD)/classes
MODJAR     := $(BUILD)/jar/runsc-metrics.jar
IMAGE      := $(BUILD)/image
TEST_DEPS  := $(BUILD)/deps/test
TEST_CLS   := $(BUILD)/test-classes
MANPAGE    := man/runsc-metrics.1
DEB_DIR    := $(BUILD)/deb
DIST_DIR   := $(BUILD)/dist
DIST_NAME  := runsc-metrics-$(VERSION)-linux-$(shell uname -m)
HAVE_DEBHELPER := $(shell command -v dh >/dev/null 2>&1 && command -v dpkg-buildpackage >/dev/null 2>&1 && echo yes)

.PHONY: all jar image test deps check-repro demo bench runsc ci-deps install uninstall deb dist clean help

all: image ## build the jlink image at build/image (the default)

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(CLASSES)/.stamp: $(SRCS) $(RESOURCES) VERSION
	rm -rf $(CLASSES) && mkdir -p $(CLASSES)
	$(JAVAC) $(JAVAC_OPTS) -d $(CLASSES) $(SRCS)
	cd src && find . -type f ! -name '*.java' -exec cp --parents {} ../$(CLASSES)/ \;
	printf '%s+%s\n' '$(VERSION)' '$(GIT_REV)' > $(CLASSES)/runsc/metrics/cli/version.txt
	touch $@

jar: $(MODJAR) ## the modular jar, byte-for-byte reproducible
$(MODJAR): $(CLASSES)/.stamp
	mkdir -p $(dir $@) && rm -f $@
	cd $(CLASSES) && find . -type f ! -name .stamp | LC_ALL=C sort | \
	    xargs $(JAR) --create --file $(abspath $@) --date=$(JAR_DATE) \
	        --main-class $(MAIN) --module-version $(VERSION)

# Options every JVM of the image starts with (jlink --add-options), the AOT training run included:
# --enable-native-access for Posix's flock(2)/kill(2) downcalls, without a warning on stderr.
# Start-up options that a user may want to change (the GC) are in the launcher instead, since a
# second collector in RUNSC_METRICS_JAVA_OPTS would stop the JVM.
IMAGE_JVM_OPTS := --enable-native-access=$(MODULE)
image: $(IMAGE)/.stamp ## the jlink runtime image with launcher, man page and AOT cache
$(IMAGE)/.stamp: $(MODJAR) jlink/runsc-metrics $(MANPAGE) scripts/aot-train.sh scripts/AotScrape.java Makefile
	rm -rf $(IMAGE)
	$(JLINK) --module-path $(MODJAR) --add-modules $(MODULE) \
	    --output $(IMAGE) --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
	    --add-options='$(IMAGE_JVM_OPTS)'
	rm -f $(IMAGE)/bin/jwebserver $(IMAGE)/bin/keytool  # tools of the linked modules, not ours
	install -m 0755 jlink/runsc-metrics $(IMAGE)/bin/runsc-metrics
	install -D -m 0644 $(MANPAGE) $(IMAGE)/man/man1/runsc-metrics.1
	scripts/aot-train.sh $(IMAGE) $(JAVA)  # start-up: lib/runsc-metrics.aot and lib/export-metrics.aot, see the script
	touch $@

deps: $(TEST_DEPS)/.stamp ## fetch the pinned test jars (Maven, SHA-256 checked)
$(TEST_DEPS)/.stamp: deps.versions scripts/fetch-deps.sh
	scripts/fetch-deps.sh test $(TEST_DEPS)
	touch $@

$(TEST_CLS)/.stamp: $(TEST_SRCS) $(CLASSES)/.stamp $(TEST_DEPS)/.stamp $(shell find test/resources -type f)
	rm -rf $(TEST_CLS) && mkdir -p $(TEST_CLS)
	$(JAVAC) --release 25 -encoding UTF-8 -Xlint:all,-processing -Werror -implicit:none \
	    -cp $(CLASSES):$$(ls $(TEST_DEPS)/*.jar | paste -sd:) -d $(TEST_CLS) $(TEST_SRCS)
	cp test/resources/junit-platform.properties $(TEST_CLS)/
	touch $@

# SELECT narrows the run, e.g. make test SELECT='--select-package runsc.metrics.json'
# As root, the real-sandbox tests need runsc: it is fetched here when build/runsc lacks it (see
# `make runsc`), so that this one command runs them too. Without root they skip with the reason, and
# a failed fetch only leaves them skipping with theirs.
# The full run also builds the tarball and, where debhelper is installed, the Debian package, for
# the packaging tests (runsc.metrics.packaging), which skip with a reason when they are missing.
SELECT ?= --scan-class-path
RUNSC_DIR := $(BUILD)/runsc
FULL_RUN := $(filter --scan-class-path,$(SELECT))
test: image $(TEST_CLS)/.stamp $(if $(FULL_RUN),check-repro dist $(if $(HAVE_DEBHELPER),deb)) ## run every test; ends with "N passed, N failed, N skipped"
	@if [ "$$(id -u)" = 0 ]; then scripts/fetch-runsc.sh $(RUNSC_DIR) >/dev/null || \
	    echo "make test: runsc could not be fetched (see above); the real-sandbox tests will skip" >&2; fi
	JAVA=$(JAVA) IMAGE=$(IMAGE) RUNSC_DIR=$(RUNSC_DIR) DEB_DIR=$(DEB_DIR) DIST_DIR=$(DIST_DIR) \
	    scripts/run-tests.sh $(TEST_DEPS) $(CLASSES):$(TEST_CLS) $(SELECT)

BENCH_DEPS := $(BUILD)/deps/bench
BENCH_CLS  := $(BUILD)/bench-classes
BENCH_SRCS := $(shell find bench -name '*.java' 2>/dev/null | LC_ALL=C sort)
$(BENCH_DEPS)/.stamp: deps.versions scripts/fetch-deps.sh
	scripts/fetch-deps.sh bench $(BENCH_DEPS)
	touch $@

# Benchmarks compile against the main classes, the real-runsc fixtures in test/ and JMH (whose
# annotation processor writes the generated benchmark classes and META-INF/BenchmarkList).
$(BENCH_CLS)/.stamp: $(BENCH_SRCS) $(TEST_CLS)/.stamp $(BENCH_DEPS)/.stamp
	rm -rf $(BENCH_CLS) && mkdir -p $(BENCH_CLS)
	$(JAVAC) --release 25 -encoding UTF-8 -Xlint:all,-processing -Werror -implicit:none \
	    -cp $(CLASSES):$(TEST_CLS):$$(ls $(BENCH_DEPS)/*.jar | paste -sd:) \
	    -processorpath $$(ls $(BENCH_DEPS)/*.jar | paste -sd:) -d $(BENCH_CLS) $(BENCH_SRCS)
	touch $@

bench: image $(BENCH_CLS)/.stamp ## run the benchmarks of BENCHMARKS.md; results in build/bench/*.txt
	JAVA=$(JAVA) BUILD=$(BUILD) bench/run-all.sh

runsc: ## unpack gVisor runsc 0.0~20240729 from Debian (bookworm-backports) into build/runsc for the real-sandbox tests
	scripts/fetch-runsc.sh $(RUNSC_DIR)

ci-deps: ## as root, install the real tools the tests drive (prometheus, socat, curl, man, debhelper, lintian, systemd tools, python3-yaml, python3-prometheus-client)
	scripts/install-ci-deps.sh

check-repro: ## build the jar twice from scratch and compare the bytes
	scripts/check-repro.sh

demo: image ## simulated sandboxes plus a live metric server on 127.0.0.1:1337
	$(IMAGE)/bin/runsc-metrics demo

install: image ## install image, launcher symlink and man page under DESTDIR/PREFIX
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	rm -rf $(DESTDIR)$(PREFIX)/lib/runsc-metrics
	cp -a $(IMAGE) $(DESTDIR)$(PREFIX)/lib/runsc-metrics
	rm -f $(DESTDIR)$(PREFIX)/lib/runsc-metrics/.stamp
	ln -sfn ../lib/runsc-metrics/bin/runsc-metrics $(DESTDIR)$(PREFIX)/bin/runsc-metrics
	install -m 0644 $(MANPAGE) $(DESTDIR)$(PREFIX)/share/man/man1/runsc-metrics.1

uninstall: ## remove what install put there
	rm -rf $(DESTDIR)$(PREFIX)/lib/runsc-metrics
	rm -f $(DESTDIR)$(PREFIX)/bin/runsc-metrics $(DESTDIR)$(PREFIX)/share/man/man1/runsc-metrics.1

# The Debian package, built by dpkg-buildpackage from debian/ (which runs `make image` and
# `make install`); the JDK is found as for `make`. Output in build/deb, not the parent directory.
# -d: dpkg-checkbuilddeps would also demand build-essential, which a build without C does not use;
# debhelper, the one real build dependency, is checked here first.
deb: $(DEB_DIR)/.stamp ## the Debian package build/deb/runsc-metrics_<version>_<arch>.deb (needs debhelper)
$(DEB_DIR)/.stamp: $(IMAGE)/.stamp $(wildcard debian/* debian/source/*) $(wildcard deploy/systemd/*) README.md
	@command -v dh >/dev/null || { echo "make deb: dh not found: apt-get install debhelper (make ci-deps does)" >&2; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)
	RUNSC_METRICS_DEB_DIR=$(abspath $(DEB_DIR)) dpkg-buildpackage -b -us -uc -d \
	    --buildinfo-option=-u$(abspath $(DEB_DIR)) --changes-option=-u$(abspath $(DEB_DIR)) \
	    --buildinfo-file=$(abspath $(DEB_DIR))/runsc-metrics.buildinfo \
	    --changes-file=$(abspath $(DEB_DIR))/runsc-metrics.changes
	rm -rf debian/runsc-metrics debian/.debhelper debian/debhelper-build-stamp debian/files \
	    debian/runsc-metrics.substvars debian/*.debhelper debian/*.debhelper.log
	touch $@

# The offline tarball for hosts without dpkg: the image (launcher in bin/, man page in man/), the
# systemd units, README and LICENSE, in one directory; reproducible (sorted, fixed times and owners).
dist: $(DIST_DIR)/.stamp ## the offline tarball build/dist/runsc-metrics-<version>-linux-<arch>.tar.gz
$(DIST_DIR)/.stamp: $(IMAGE)/.stamp $(wildcard deploy/systemd/*) README.md LICENSE
	rm -rf $(DIST_DIR) && mkdir -p $(DIST_DIR)/$(DIST_NAME)
	cp -a $(IMAGE)/. $(DIST_DIR)/$(DIST_NAME)/
	rm -f $(DIST_DIR)/$(DIST_NAME)/.stamp
	install -D -m 0644 -t $(DIST_DIR)/$(DIST_NAME)/systemd deploy/systemd/runsc-metrics.service \
	    deploy/systemd/runsc-metrics.socket deploy/systemd/runsc-metrics.default
	install -m 0644 README.md LICENSE $(DIST_DIR)/$(DIST_NAME)/
	tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
	    -C $(DIST_DIR) -cf - $(DIST_NAME) | gzip -n -9 > $(DIST_DIR)/$(DIST_NAME).tar.gz
	rm -rf $(DIST_DIR)/$(DIST_NAME)
	touch $@

clean: ## remove build/
	rm -rf $(BUILD)
