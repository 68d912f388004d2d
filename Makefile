# Tinyfence: build, run, test, publish and benchmark.
#   make            build every project (JIT, Debug)
#   make run        build and run the daemon in the foreground on the built-in config: rules that log,
#                   a demo score table and the commands to try it (Ctrl-C stops it, removes its files)
#   make test       install the test tools (test-deps), unit tests, then publish and test the published static binary
#   make test-deps  install, with apt-get, the Debian packages the tests use (as root or with sudo -n)
#   make publish    the static native binary, dist/tinyfence
#   make bench      benchmarks against the published binary (installs hyperfine and monit)
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
# is checked against; groff, the manual pages rendered without warnings.
TEST_PACKAGES := groff-base file libc-bin debootstrap debian-archive-keyring gpgv python3-aiosmtpd \
	apache2 apache2-utils libapache2-mod-security2 wrk gcc libc6-dev pkg-config libaprutil1-dev

.PHONY: build run test test-deps unit-test aot-test publish bench clean

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

bench: publish
	bash tests/bench/run.sh

clean:
	rm -rf dist $(RESULTS)
	find src tests aot -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
