#!/usr/bin/env python3
"""A stand-in for the client's side of the relay, for test/e2e/relay.sh.

  relay_bridge.py PORT_FILE COMMAND [ARG]...
      Binds a UDP port on 127.0.0.1 and writes its number to PORT_FILE, runs
      COMMAND (`sspsh relay 127.0.0.1:PORT`, perhaps through ssh) and carries
      every datagram from the newest UDP client into COMMAND's stdin as a
      frame (2-byte big-endian length, then the bytes) and every frame from
      COMMAND's stdout, after its hello line, back to that client. Exits with
      COMMAND's status when it ends; SIGTERM ends COMMAND first.

This is a second implementation of the wire format of net/frame.h, written
from its description, so that the test checks the format and not only that
the C code agrees with itself.
"""
import os
import select
import signal
import socket
import struct
import subprocess
import sys

HELLO = b"SSPSH RELAY 1\n"


def main():
    port_file, command = sys.argv[1], sys.argv[2:]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    relay = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    signal.signal(signal.SIGTERM, lambda *_: relay.terminate())
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % udp.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)

    client = None
    stream = b""
    greeted = False
    out = relay.stdout.fileno()
    while True:
        try:
            ready, _, _ = select.select([udp, out], [], [])
        except InterruptedError:
            continue
        if udp in ready:
            data, client = udp.recvfrom(65536)
            try:
                relay.stdin.write(struct.pack(">H", len(data)) + data)
                relay.stdin.flush()
            except BrokenPipeError:
                pass
        if out in ready:
            chunk = os.read(out, 65536)
            if not chunk:
                sys.exit(relay.wait())
            stream += chunk
            if not greeted and HELLO in stream:
                stream = stream[stream.index(HELLO) + len(HELLO):]
                greeted = True
            while greeted and len(stream) >= 2:
                (n,) = struct.unpack(">H", stream[:2])
                if len(stream) < 2 + n:
                    break
                if client is not None:
                    udp.sendto(stream[2:2 + n], client)
                stream = stream[2 + n:]


if __name__ == "__main__":
    main()
