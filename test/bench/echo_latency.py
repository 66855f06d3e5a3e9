#!/usr/bin/env python3
"""Keystroke-to-echo latency of an interactive command, for make bench-e2e.

  echo_latency.py READY SAMPLES COMMAND [ARG]...
      Runs COMMAND in a pseudo-terminal, waits until its output shows the
      text READY, then SAMPLES times types one of v, w, x, y, z (after a pause) and
      times until that letter comes back in the output. Prints
      "median MS p90 MS min MS" (milliseconds, 2 decimals).
"""
import os
import pty
import select
import sys
import time


def read_until(fd, want, timeout):
    seen = b""
    end = time.monotonic() + timeout
    while want not in seen:
        left = end - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return False
        try:
            seen += os.read(fd, 65536)
        except OSError:
            return False
    return True


def main():
    ready, samples, command = sys.argv[1].encode(), int(sys.argv[2]), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    if not read_until(fd, ready, 30):
        print("no ready text")
        sys.exit(1)
    time.sleep(1)
    while select.select([fd], [], [], 0.2)[0]:
        os.read(fd, 65536)
    times = []
    for i in range(samples):
        letter = b"vwxyz"[i % 5:i % 5 + 1]	# letters no escape sequence of ours ends in
        time.sleep(0.15)
        while select.select([fd], [], [], 0)[0]:
            os.read(fd, 65536)
        t0 = time.monotonic()
        os.write(fd, letter)
        if not read_until(fd, letter, 5):
            print("no echo")
            sys.exit(1)
        times.append((time.monotonic() - t0) * 1000)
    os.write(fd, b"\x03")
    times.sort()
    print("median %.2f p90 %.2f min %.2f" % (times[len(times) // 2], times[len(times) * 9 // 10], times[0]))


if __name__ == "__main__":
    main()
