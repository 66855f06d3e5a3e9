#!/usr/bin/env bash
# `make bench`: print the figures of every benchmark (speed targets live
# here, not in timed tests). Usage: test/bench.sh SSPSH_BINARY [VTERM_FEED]
set -u
bin=${1:?usage: test/bench.sh SSPSH_BINARY [VTERM_FEED]}
here=$(cd "$(dirname "$0")/.." && pwd)

echo "== emulator, generated workloads (sspsh bench emu)"
"$bin" bench emu
echo "== emulator beside libvterm, 64 MB once each (test/bench/emu_vs_libvterm.sh)"
"$here"/test/bench/emu_vs_libvterm.sh "$bin" "${2:-}"
echo "== emulator, recordings (sspsh bench emu test/term/corpus/*.vt)"
"$bin" bench emu "$here"/test/term/corpus/*.vt
echo "== scrollback: log, encoding, writer (sspsh bench history)"
"$bin" bench history || echo "(bench history failed)"
echo "== transport (sspsh bench net)"
"$bin" bench net || echo "(bench net failed or is not built yet)"
echo "== one channel's throughput, loopback and 200 ms RTT with 1 % loss (sspsh bench channels)"
"$bin" bench channels || echo "(bench channels failed)"
echo "== keystroke to screen over a 200 ms RTT link (sspsh bench predict)"
"$bin" bench predict || echo "(bench predict failed)"
# 4,000 sessions when the kernel has the ptys free (kernel.pty.max, less
# those in use and a margin for whatever else runs), else as many as fit.
ptys_free=$(( $(cat /proc/sys/kernel/pty/max) - $(cat /proc/sys/kernel/pty/nr) - 64 ))
sessions=$(( ptys_free < 4000 ? ptys_free : 4000 ))
echo "== SSH-free daemon, $sessions sessions on one port (sspsh bench sessions $sessions)"
"$bin" bench sessions "$sessions" || echo "(bench sessions failed)"
