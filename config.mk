# sspsh build configuration. Override any of these on the make command line,
# e.g. `make STATIC=0 CC=clang` or `make install PREFIX=$HOME/.local`.

# Compiler and flags.
CC       = gcc
OPT      = -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# -Werror is on by default so that a warning never sneaks in; WERROR=0 turns it off.
WERROR   = 1
CPPFLAGS = -D_GNU_SOURCE -I.
CFLAGS   = -std=c11 $(OPT) $(WARN)

# 1: link one static executable (the product); 0: dynamic (needed for sanitizers).
STATIC   = 1

# 0: leave the `bench` applet out (no benchmark code linked; `sspsh bench`
# then says it is not built).
BENCH    = 1

# Where `make install` puts things.
PREFIX   = /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1

# Libraries. libtermkey needs unibilium and its .pc file does not say so.
PKGS     = termkey libutf8proc unibilium
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --static --libs $(PKGS) 2>/dev/null)
LIBS     = $(PKG_LIBS) -lmbedcrypto -lutil

# Debian packages the build and the tests need (`make deps` installs the missing ones).
DEB_BUILD_DEPS = gcc make pkg-config libmbedtls-dev libtermkey-dev libutf8proc-dev libunibilium-dev file
DEB_TEST_DEPS  = tmux openssh-server openssh-client procps iproute2 clang libclang-rt-14-dev valgrind python3 passwd
