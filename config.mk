# sspsh build configuration. Override any of these on the make command line,
# e.g. `make STATIC=0 CC=clang` or `make install PREFIX=$HOME/.local`.

# Target machine: this machine's, or ARCH=aarch64 (or x86_64) to cross-build
# with Debian's cross compiler and the target's -dev packages, which
# `make deps ARCH=aarch64` installs. A cross build goes to build-ARCH/ and
# ./sspsh-ARCH, and its tests run under qemu-user (`make check-aarch64`).
HOST_ARCH := $(shell uname -m)
ARCH     ?= $(HOST_ARCH)
DIST_ARCHES = x86_64 aarch64
deb_arch_x86_64  = amd64
deb_arch_aarch64 = arm64
DEB_ARCH = $(deb_arch_$(ARCH))
ifeq ($(DEB_ARCH),)
$(error ARCH=$(ARCH) is not one of: $(DIST_ARCHES))
endif
ifeq ($(ARCH),$(HOST_ARCH))
CROSS    =
QEMU     =
PKG_CONFIG = pkg-config
else
CROSS    = $(ARCH)-linux-gnu-
QEMU     = qemu-$(ARCH)-static
PKG_CONFIG = PKG_CONFIG_LIBDIR=/usr/lib/$(ARCH)-linux-gnu/pkgconfig:/usr/local/lib/$(ARCH)-linux-gnu/pkgconfig pkg-config
endif

# Compiler and flags. HOSTCC builds the table generators that run here.
CC       = $(CROSS)gcc
STRIP    = $(CROSS)strip
HOSTCC   = gcc
OPT      = -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# -Werror is on by default so that a warning never sneaks in; WERROR=0 turns it off.
WERROR   = 1
CPPFLAGS = -D_GNU_SOURCE -I.
# Each function and object in its own section, so that the link drops what
# nothing calls (12 kB of the static binary), and no unwind tables, which C
# without exceptions or thread cancellation never reads (37 kB; debuggers
# use -g's own frame data). See README, "Size".
SECTIONS = -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
CFLAGS   = -std=c11 $(OPT) $(WARN) $(SECTIONS)
LDFLAGS  = -Wl,--gc-sections

# 1: link one static executable (the product); 0: dynamic (needed for sanitizers).
STATIC   = 1
# The static link also leaves out the libraries' unwind tables, which nothing
# in sspsh reads (105 kB; tools/no_unwind.ld says why).
STATIC_LDFLAGS = -static -Wl,-T,tools/no_unwind.ld

# 0: leave the `bench` applet out (no benchmark code linked; `sspsh bench`
# then says it is not built).
BENCH    = 1

# `make size` fails when a stripped release binary is larger: issue 19's
# 1.5 MiB (README's "Size" says where the bytes go).
SIZE_LIMIT = 1572864

# Where `make install` puts things.
PREFIX   = /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
USERUNITDIR   = $(PREFIX)/lib/systemd/user
# Who `make deb` names as the package's maintainer.
DEB_MAINTAINER = sspsh maintainers <root@localhost>
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions

# Libraries. libtermkey needs unibilium and its .pc file does not say so.
# utf8proc is only a build tool (tools/gen_unicode.c) and, in test_unicode,
# the reference the generated table is checked against.
PKGS     = termkey unibilium zlib
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --static --libs $(PKGS) 2>/dev/null)
LIBS     = $(PKG_LIBS) -lmbedcrypto -lutil
TEST_PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags libutf8proc 2>/dev/null)
TEST_PKG_LIBS   = $(shell $(PKG_CONFIG) --static --libs libutf8proc 2>/dev/null)

# Debian packages the build and the tests need (`make deps` installs the missing ones).
DEB_BUILD_DEPS = gcc make pkg-config libmbedtls-dev libtermkey-dev libutf8proc-dev libunibilium-dev zlib1g-dev file
# A cross build's extra packages (`make deps ARCH=aarch64`); the target's
# -dev packages come from the foreign architecture DEB_ARCH. Not
# libunibilium-dev: it cannot sit beside this machine's, and
# tools/cross_unibilium.sh unpacks its static library instead.
DEB_CROSS_DEPS = gcc-$(ARCH)-linux-gnu binutils-$(ARCH)-linux-gnu qemu-user-static \
	libc6-dev:$(DEB_ARCH) libmbedtls-dev:$(DEB_ARCH) libtermkey-dev:$(DEB_ARCH) \
	libutf8proc-dev:$(DEB_ARCH) zlib1g-dev:$(DEB_ARCH)
# fish and tcsh: login shells that re-parse what ssh hands them unlike sh
# (test_remote_cmd, e2e/ssh_connect).
DEB_TEST_DEPS  = tmux openssh-server openssh-client procps iproute2 clang libclang-rt-14-dev valgrind python3 passwd \
	fish tcsh curl
# make bench-e2e: nftables counts datagrams, vim pages, mosh and libvterm are the yardsticks.
DEB_BENCH_DEPS = nftables vim mosh libvterm-dev bc
