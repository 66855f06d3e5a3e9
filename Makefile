# sspsh — see README.md. Knobs live in config.mk; targets:
#   make            build ./sspsh (static by default)
#   make check      layers + unit + end-to-end tests; last line "N passed, N failed"
#   make layers     check that no file includes a higher layer (test/layers.sh)
#   make asan       the same tests built with AddressSanitizer + UBSan
#   make valgrind   the unit tests under valgrind (memcheck), zero errors
#   make soak       the long fault tests (an hour); not part of check
#   make fuzz       libFuzzer targets, each run FUZZ_SECONDS
#   make bench      print the speed figures
#   make install    binary, applet symlinks, man page, systemd user units and
#                   bash completion under PREFIX
#   make deb        dist/sspsh_VERSION_DEBARCH.deb (ARCH=aarch64 too)
#   make deps       apt-get the Debian build and test dependencies
#   make ARCH=aarch64        cross-build ./sspsh-aarch64 (make deps ARCH=aarch64 first)
#   make check-aarch64       the aarch64 unit tests and sessions under qemu-user
#   make dist       dist/sspsh-VERSION-ARCH for every DIST_ARCHES, stripped, and SHA256SUMS
#   make size       stripped size of each architecture's binary
include config.mk

# The fuzz recipe reads PIPESTATUS.
SHELL := /bin/bash

VERSION := $(shell sed -n 's/^\#define SSPSH_VERSION "\(.*\)"/\1/p' core/options.h)
ifeq ($(CROSS),)
BUILD   ?= build
PRODUCT  = sspsh
else
BUILD   ?= build-$(ARCH)
PRODUCT  = sspsh-$(ARCH)
endif
APPLETS  = server connect client keygen relay $(if $(filter 0,$(BENCH)),,bench)

LIB_SRC    := $(sort $(wildcard core/*.c term/*.c net/*.c applets/session/*.c))
APPLET_SRC := $(sort $(wildcard applets/*.c))
ifeq ($(BENCH),0)
APPLET_SRC := $(filter-out applets/bench%,$(APPLET_SRC))
endif
UNIT_SRC   := $(sort $(wildcard test/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard test/fuzz/fuzz_*.c))

# Sources written at build time by programs built for this machine (tools/).
GEN_SRC    := $(BUILD)/gen/unicode_tables.c

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
APPLET_OBJ := $(APPLET_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   := $(UNIT_SRC:test/unit/%.c=$(BUILD)/test/%)

ALL_CFLAGS  = $(CFLAGS) $(if $(filter 1,$(WERROR)),-Werror) $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(if $(filter 1,$(STATIC)),$(STATIC_LDFLAGS))


.PHONY: all check layers units asan valgrind soak fuzz bench bench-e2e install deps size clean \
	check-aarch64 check-cross dist dist-one size-one deb
all: $(PRODUCT)

$(PRODUCT): $(BUILD)/sspsh
	cp $< $@

$(BUILD)/sspsh: $(BUILD)/main.o $(APPLET_OBJ) $(BUILD)/libsspsh.a tools/no_unwind.ld
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(BUILD)/main.o $(APPLET_OBJ) $(BUILD)/libsspsh.a $(LIBS)

# main.c's applet table follows the BENCH knob; the stamp changes with it.
$(BUILD)/main.o: CPPFLAGS += -DSSPSH_BENCH=$(BENCH)
$(BUILD)/main.o: $(BUILD)/knobs
$(BUILD)/knobs: FORCE
	@mkdir -p $(BUILD)
	@echo 'BENCH=$(BENCH)' | cmp -s - $@ || echo 'BENCH=$(BENCH)' > $@
FORCE:

$(BUILD)/libsspsh.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The width and grapheme-break table, from this machine's utf8proc (the
# same Debian version as the target's; the table does not depend on it).
$(BUILD)/gen/gen_unicode: tools/gen_unicode.c core/unicode_table.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(CPPFLAGS) -std=c11 -O2 $(WARN) -Werror $(shell pkg-config --cflags libutf8proc) \
		-o $@ $< $(shell pkg-config --libs libutf8proc)

$(BUILD)/gen/unicode_tables.c: $(BUILD)/gen/gen_unicode
	$< > $@.tmp && mv $@.tmp $@

$(BUILD)/test/%: test/unit/%.c $(BUILD)/libsspsh.a test/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(TEST_PKG_CFLAGS) $(ALL_LDFLAGS) -MMD -MP -o $@ $< \
		$(BUILD)/libsspsh.a $(LIBS) $(TEST_PKG_LIBS)

check: layers $(BUILD)/sspsh $(UNIT_BIN)
	test/run.sh $(BUILD) $(TESTS)

layers:
	test/layers.sh

units: $(BUILD)/sspsh $(UNIT_BIN)

# Sanitizers need a dynamic link; the tests then run against build-asan/sspsh.
asan:
	$(MAKE) BUILD=build-asan STATIC=0 OPT="-O1 -g -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" \
		CFLAGS='-std=c11 $$(OPT) $$(WARN) -fsanitize=address,undefined -fno-sanitize-recover=all' \
		check

# Valgrind too needs a dynamic link. Only the unit programs run under it
# (the end-to-end scripts time real sessions); any error, or a leak of a
# block nothing points to, fails the program.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
valgrind:
	$(MAKE) BUILD=build-valgrind STATIC=0 OPT="-O1 -g" units
	TEST_WRAPPER="$(VALGRIND)" TEST_TIMEOUT=1800 test/run.sh build-valgrind test_$(TESTS)

# The long versions of the fault tests (test/soak/*.sh), against ./build.
soak: units
	test/run.sh --soak $(BUILD) $(TESTS)

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS    = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: $(FUZZ_SRC:test/fuzz/%.c=build-fuzz/%)
	@for f in $^; do \
		name=$$(basename $$f); corpus=test/fuzz/corpus/$$name; mkdir -p build-fuzz/corpus/$$name; \
		echo "== $$name for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build-fuzz/corpus/$$name \
			$$( [ -d $$corpus ] && echo $$corpus ) 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|crash' ; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

build-fuzz/%: test/fuzz/%.c $(LIB_SRC) build-fuzz/gen/unicode_tables.c
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ $< $(LIB_SRC) build-fuzz/gen/unicode_tables.c \
		$(PKG_LIBS) -lmbedcrypto -lutil

bench: $(BUILD)/sspsh $(BUILD)/vterm_feed
	test/bench.sh $(BUILD)/sspsh $(BUILD)/vterm_feed

# libvterm, the emulator's yardstick; an empty placeholder when it is not
# installed (test/bench/emu_vs_libvterm.sh then says so).
$(BUILD)/vterm_feed: test/bench/vterm_feed.c
	@mkdir -p $(dir $@)
	if pkg-config --exists vterm; then \
		$(CC) $(CFLAGS) -o $@ $< $$(pkg-config --cflags --libs vterm); \
	else rm -f $@; touch $@; fi

# Whole sessions in tmux, beside mosh when it is installed, and through the
# relay beside UDP and plain ssh (that part needs root for its sshd);
# forwarding's throughput beside ssh -L, and echo and Ctrl-C under it.
bench-e2e: $(BUILD)/sspsh
	test/bench/session.sh $(BUILD)/sspsh
	test/bench/relay.sh $(BUILD)/sspsh
	test/bench/wire.sh $(BUILD)/sspsh
	test/bench/echo.sh $(BUILD)/sspsh
	test/bench/scrollback.sh $(BUILD)/sspsh
	test/bench/forward.sh $(BUILD)/sspsh
	test/bench/forward_cpu.sh $(BUILD)/sspsh
	test/bench/forward_load.sh $(BUILD)/sspsh

# The aarch64 unit programs under qemu-user, then the sessions between this
# machine's client and an aarch64 server (test/cross/). Without the cross
# toolchain they report SKIP.
check-aarch64:
	@if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64-static >/dev/null; then \
		$(MAKE) --no-print-directory ARCH=$(HOST_ARCH) $(BUILD)/sspsh && \
		$(MAKE) --no-print-directory ARCH=aarch64 check-cross; \
	else test/run.sh --cross build-aarch64; fi

check-cross: $(BUILD)/sspsh $(UNIT_BIN)
	TEST_WRAPPER="$(QEMU)" SSPSH_TARGET_RUN="$(QEMU)" test/run.sh --cross $(BUILD) $(TESTS)

# Release files: each architecture built afresh (build-dist-ARCH, so no
# object of other flags slips in), stripped and checked static, then their
# checksums. An architecture whose toolchain is missing fails the target.
dist:
	rm -rf dist build-dist-*
	for a in $(DIST_ARCHES); do \
		$(MAKE) --no-print-directory ARCH=$$a BUILD=build-dist-$$a dist-one || exit 1; \
	done
	cd dist && sha256sum sspsh-$(VERSION)-* > SHA256SUMS
	@cat dist/SHA256SUMS

dist-one: $(BUILD)/sspsh
	@mkdir -p dist
	$(STRIP) -o dist/sspsh-$(VERSION)-$(ARCH) $(BUILD)/sspsh
	@file dist/sspsh-$(VERSION)-$(ARCH) | grep 'statically linked' || \
		{ echo "dist/sspsh-$(VERSION)-$(ARCH) is not statically linked"; exit 1; }

# Stripped sizes of every architecture that has a toolchain here; fails when
# one is over SIZE_LIMIT.
size:
	@for a in $(DIST_ARCHES); do \
		if command -v $$( [ $$a = $(HOST_ARCH) ] || echo $$a-linux-gnu-)gcc >/dev/null; then \
			$(MAKE) --no-print-directory ARCH=$$a size-one || exit 1; \
		else echo "stripped sspsh ($$a): no cross compiler (make deps ARCH=$$a)"; fi; \
	done

size-one: $(BUILD)/sspsh
	@$(STRIP) -o $(BUILD)/sspsh.stripped $(BUILD)/sspsh
	@bytes=$$(stat -c %s $(BUILD)/sspsh.stripped); \
	echo "stripped sspsh ($(ARCH)): $$bytes bytes (limit $(SIZE_LIMIT))"; \
	[ $$bytes -le $(SIZE_LIMIT) ] || { echo "sspsh ($(ARCH)) is over SIZE_LIMIT"; exit 1; }

# The binary and its applet links, the man page, the systemd user units of
# the SSH-free daemon and the bash completion (its links too, for the
# completion loader that looks a command's file up by name).
install: $(BUILD)/sspsh
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(COMPLETIONDIR)
	install -m 0755 $(BUILD)/sspsh $(DESTDIR)$(BINDIR)/sspsh
	for a in $(APPLETS); do ln -sf sspsh $(DESTDIR)$(BINDIR)/sspsh-$$a; done
	install -m 0644 sspsh.1 $(DESTDIR)$(MANDIR)/sspsh.1
	for u in sspsh-daemon.service sspsh-daemon@.service; do \
		sed 's|@BINDIR@|$(BINDIR)|g' packaging/$$u.in > $(DESTDIR)$(USERUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(USERUNITDIR)/$$u || exit 1; \
	done
	install -m 0644 packaging/sspsh.bash-completion $(DESTDIR)$(COMPLETIONDIR)/sspsh
	for a in $(APPLETS); do ln -sf sspsh $(DESTDIR)$(COMPLETIONDIR)/sspsh-$$a; done

# dist/sspsh_VERSION_DEBARCH.deb of the static binary (stripped), with the
# man page, units and completion, built with dpkg-deb alone.
DEB_STAGE = $(BUILD)/deb
DEB_OUT  ?= dist
deb: $(BUILD)/sspsh
	rm -rf $(DEB_STAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(DEB_STAGE) PREFIX=/usr
	$(STRIP) $(DEB_STAGE)/usr/bin/sspsh
	gzip -9n $(DEB_STAGE)/usr/share/man/man1/sspsh.1
	install -d $(DEB_STAGE)/DEBIAN
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@DEB_ARCH@|$(DEB_ARCH)|' -e 's|@MAINTAINER@|$(DEB_MAINTAINER)|' \
		-e "s|@SIZE_KB@|$$(du -sk --exclude=DEBIAN $(DEB_STAGE) | cut -f1)|" \
		packaging/deb-control.in > $(DEB_STAGE)/DEBIAN/control
	@mkdir -p $(DEB_OUT)
	dpkg-deb --root-owner-group --build $(DEB_STAGE) $(DEB_OUT)/sspsh_$(VERSION)_$(DEB_ARCH).deb

deps:
	@if [ -n "$(CROSS)" ] && ! dpkg --print-foreign-architectures | grep -qx $(DEB_ARCH); then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "adding the Debian architecture $(DEB_ARCH)"; \
		$$SUDO dpkg --add-architecture $(DEB_ARCH) || exit 1; \
	fi; \
	missing=""; for p in $(DEB_BUILD_DEPS) $(DEB_TEST_DEPS) $(DEB_BENCH_DEPS) $(if $(CROSS),$(DEB_CROSS_DEPS)); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing || exit 1; \
	else echo "all build and test dependencies are installed"; fi
	$(if $(CROSS),@tools/cross_unibilium.sh $(ARCH) $(DEB_ARCH))

clean:
	rm -rf build build-asan build-valgrind build-fuzz build-aarch64 build-x86_64 build-dist-* dist sspsh sspsh-aarch64 sspsh-x86_64

build-fuzz/gen/unicode_tables.c: $(BUILD)/gen/gen_unicode
	@mkdir -p $(dir $@)
	$< > $@.tmp && mv $@.tmp $@

-include $(LIB_OBJ:.o=.d) $(APPLET_OBJ:.o=.d) $(BUILD)/main.d $(UNIT_BIN:=.d)
