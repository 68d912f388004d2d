# Tinyfence: build, run, test, publish and benchmark.
#   make            build every project (JIT, Debug)
#   make run        build and run the daemon in the foreground on the built-in config: rules that log,
#                   a demo score table and the commands to try it (Ctrl-C stops it, removes its files)
#   make test       install the test tools (test-deps), unit tests, then publish and test the published static binary
#   make test-deps  install, with apt-get, the Debian packages the tests use (as root or with sudo -n)
#   make publish    the static native binary, dist/tinyfence
#   make bench      benchmarks against the published binary (installs hyperfine and monit)
#   make size       what the static binary is made of, piece by piece (publishes once more with map
#                   files; dist/ is left alone)
#   make fuzz       every fuzz target under afl-fuzz for FUZZ_SECONDS each (installs afl++), one line
#                   per target; fails on a crash or a hang (output in TestResults/fuzz). FUZZ_EXECS=N
#                   stops each at about N executions instead; FUZZ_TARGETS="config protocol" runs those
#   make install    the published binary, man pages, default config, systemd unit, init script,
#                   logrotate snippet (PREFIX=/usr/local, DESTDIR, SYSCONFDIR=/etc); publishes first
#                   if dist/tinyfence is missing
#   make uninstall  removes what install wrote (a config changed since is kept)
#   make deb        dist/tinyfence_VERSION_amd64.deb, with dpkg-deb only
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

DOTNET ?= dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

RESULTS := TestResults
# One line per test in the log, so a CI log shows what ran.
TEST_FLAGS := --nologo --logger "console;verbosity=normal"

# The Debian packages the tests use: file and ldd (libc-bin), the static-binary checks; debootstrap
# (with the keyring it verifies bullseye with), the old-userland chroot; python3-aiosmtpd, the real
# SMTP server; apache2, mod_security and wrk, the real-Apache tests and the Apache bench's smoke
# run; apr-util's headers, pkg-config and httxt2dbm (apache2-utils), the SDBM reader the blocklist
# is checked against; groff, the manual pages rendered without warnings; systemd (systemd-analyze
# verify), dpkg (dpkg-deb, start-stop-daemon) and logrotate, the packaging tests; redis-server,
# the shared reputation's tests; prometheus (promtool), the metrics check; chromium, the status
# page rendered headless; nftables (nft), to read back the kernel set the daemon writes over
# netlink.
TEST_PACKAGES := groff-base file libc-bin debootstrap debian-archive-keyring gpgv python3-aiosmtpd \
	apache2 apache2-utils libapache2-mod-security2 wrk gcc libc6-dev pkg-config libaprutil1-dev \
	systemd dpkg logrotate redis-server prometheus chromium nftables
# make fuzz's fuzzer (the unit tests' mutation pass needs none).
FUZZ_PACKAGES := afl++
FUZZ_SECONDS ?= 60
FUZZ_EXECS ?=
FUZZ_TARGETS ?=

# Where make install puts things. The package uses PREFIX=/usr; the unit then goes to
# /lib/systemd/system, where Debian 11 and older look (merged /usr or not).
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
INITDIR ?= $(SYSCONFDIR)/init.d
BINARY ?= dist/tinyfence
PACKAGING := src/packaging
# Every manual page in src/man (tinyfence.8, tinyfence.conf.5, ...), installed by its section.
MANPAGES := $(wildcard src/man/*.[1-8])
VERSION := $(shell sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Tinyfence/Tinyfence.csproj)
SUBSTITUTE := sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
ETC := $(DESTDIR)$(SYSCONFDIR)

.PHONY: build run test test-deps unit-test aot-test publish bench fuzz clean install uninstall deb

build:
	$(DOTNET) build Tinyfence.sln --nologo

run:
	$(DOTNET) build src/Tinyfence --nologo -v quiet
	exec src/Tinyfence/bin/Debug/net10.0/tinyfence run

# Sequential on purpose (even under make -j): the packages, unit tests, then the published binary.
# When the packages cannot be installed (no root, no sudo -n), test-deps says which and how, and
# the tests run anyway: those that need a package fail naming it. The AOT tests run even when a
# unit test failed, so one CI log shows every failure; the last line adds both up
# ("tests: N passed, N failed, N skipped").
test:
	@mkdir -p $(RESULTS)
	@rm -f $(RESULTS)/*.log
	@status=0; \
	$(MAKE) --no-print-directory test-deps || status=1; \
	$(MAKE) --no-print-directory unit-test || status=1; \
	$(MAKE) --no-print-directory aot-test || status=1; \
	bash tests/scripts/test-summary.sh $(RESULTS)/*.log || status=1; \
	exit $$status

test-deps:
	bash tests/scripts/install-deps.sh $(TEST_PACKAGES)

unit-test:
	@mkdir -p $(RESULTS)
	$(DOTNET) test tests/Tinyfence.Tests $(TEST_FLAGS) 2>&1 | tee $(RESULTS)/unit.log

aot-test: publish
	@mkdir -p $(RESULTS)
	$(DOTNET) test aot/Tinyfence.Aot.Tests $(TEST_FLAGS) 2>&1 | tee $(RESULTS)/aot.log

publish:
	bash tests/scripts/publish.sh

$(BINARY):
	bash tests/scripts/publish.sh

# The config and /etc/default/tinyfence are the admin's once written: never overwritten.
install: $(BINARY)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(INITDIR) \
		$(ETC)/tinyfence/conf.d $(ETC)/default $(ETC)/logrotate.d
	install -m 0755 $(BINARY) $(DESTDIR)$(SBINDIR)/tinyfence
	for page in $(MANPAGES); do \
		section=$${page##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$section; \
		install -m 0644 $$page $(DESTDIR)$(MANDIR)/man$$section/; \
	done
	$(SUBSTITUTE) $(PACKAGING)/tinyfence.service > $(DESTDIR)$(SYSTEMDUNITDIR)/tinyfence.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/tinyfence.service
	$(SUBSTITUTE) $(PACKAGING)/tinyfence.init > $(DESTDIR)$(INITDIR)/tinyfence
	chmod 0755 $(DESTDIR)$(INITDIR)/tinyfence
	install -m 0644 $(PACKAGING)/tinyfence.logrotate $(ETC)/logrotate.d/tinyfence
	if [ -e $(ETC)/default/tinyfence ]; then \
		echo "install: keeping $(ETC)/default/tinyfence"; \
	else \
		$(SUBSTITUTE) $(PACKAGING)/tinyfence.default > $(ETC)/default/tinyfence; \
		chmod 0644 $(ETC)/default/tinyfence; \
	fi
	if [ -e $(ETC)/tinyfence/tinyfence.conf ]; then \
		echo "install: keeping $(ETC)/tinyfence/tinyfence.conf"; \
	else \
		install -m 0644 $(PACKAGING)/tinyfence.conf $(ETC)/tinyfence/tinyfence.conf; \
	fi

# Removes what install wrote. The config and defaults go only when they are still as shipped;
# /etc/tinyfence only when nothing else is left in it. In a staging tree (DESTDIR), also the
# directories install made that are now empty, up to DESTDIR itself; never on the live system.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/tinyfence $(DESTDIR)$(SYSTEMDUNITDIR)/tinyfence.service \
		$(DESTDIR)$(INITDIR)/tinyfence $(ETC)/logrotate.d/tinyfence
	for page in $(MANPAGES); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}; \
	done
	if [ -e $(ETC)/default/tinyfence ]; then \
		if $(SUBSTITUTE) $(PACKAGING)/tinyfence.default | cmp -s - $(ETC)/default/tinyfence; then \
			rm -f $(ETC)/default/tinyfence; \
		else \
			echo "uninstall: keeping $(ETC)/default/tinyfence (changed since install)"; \
		fi; \
	fi
	if [ -e $(ETC)/tinyfence/tinyfence.conf ]; then \
		if cmp -s $(PACKAGING)/tinyfence.conf $(ETC)/tinyfence/tinyfence.conf; then \
			rm -f $(ETC)/tinyfence/tinyfence.conf; \
		else \
			echo "uninstall: keeping $(ETC)/tinyfence/tinyfence.conf (changed since install)"; \
		fi; \
	fi
	for dir in $(ETC)/tinyfence/conf.d $(ETC)/tinyfence; do \
		if [ -d $$dir ]; then rmdir --ignore-fail-on-non-empty $$dir; fi; \
	done
	if [ -n "$(DESTDIR)" ]; then \
		for dir in $(SBINDIR) $(SYSTEMDUNITDIR) $(INITDIR) $(SYSCONFDIR)/default $(SYSCONFDIR)/logrotate.d \
			$(patsubst %,$(MANDIR)/man%,$(sort $(subst .,,$(suffix $(MANPAGES))))); do \
			while [ "$$dir" != / ] && [ -n "$$dir" ] && rmdir "$(DESTDIR)$$dir" 2>/dev/null; do \
				dir=$$(dirname "$$dir"); \
			done; \
		done; \
	fi

# The package: make install under /usr into a staging tree, then dpkg-deb. No network, no debhelper.
deb: publish
	bash $(PACKAGING)/build-deb.sh $(VERSION)

bench: publish
	bash tests/bench/run.sh

.PHONY: size
size:
	bash tests/scripts/size-breakdown.sh

fuzz:
	bash tests/scripts/install-deps.sh $(FUZZ_PACKAGES)
	FUZZ_EXECS=$(FUZZ_EXECS) bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(RESULTS)/fuzz $(FUZZ_TARGETS)

clean:
	rm -rf dist $(RESULTS)
	find src tests aot -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
