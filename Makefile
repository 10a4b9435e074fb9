# Convenience front end: configure + ninja + tests. The real build is meson
# (see ./configure); everything here also works by hand:
#   ./configure && ninja -C build && tests/run-tests.sh build
#
#   make              install missing packages, configure if needed, build
#   make run          build, then run the demo (scripts/run-demo.sh)
#   make check        build, then run the whole test suite
#   make check-asan   the same suite in build-asan/ with ASan + UBSan
#   make clean        remove build/ and build-asan/
# Variables: BUILD=dir (default build), ASAN_BUILD=dir (default build-asan),
# T="name filter" for check/check-asan (e.g. make check T=test-log).

BUILD ?= build
ASAN_BUILD ?= build-asan
T ?=

SANITIZER_ENV = ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:print_stacktrace=1:detect_leaks=1 \
                UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all build deps run check check-asan build-asan clean help

all: build

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps.sh

# Configure only once; afterwards ninja reruns meson itself when a
# meson.build changes.
$(BUILD)/build.ninja: | deps
	./configure --builddir=$(BUILD)

$(ASAN_BUILD)/build.ninja: | deps
	./configure --builddir=$(ASAN_BUILD) --enable-asan

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

run: build
	scripts/run-demo.sh $(BUILD)

check: build
	tests/run-tests.sh $(BUILD) $(T)

check-asan: build-asan
	$(SANITIZER_ENV) tests/run-tests.sh $(ASAN_BUILD) $(T)

clean:
	@test -n "$(BUILD)" && test -n "$(ASAN_BUILD)"
	rm -rf -- "$(BUILD)" "$(ASAN_BUILD)"
