#!/usr/bin/env python3
"""UDP helpers for test/e2e/daemon.sh, on loopback only.

  relay LISTEN_PORT TARGET_PORT DIR
      Forwards datagrams between clients (on LISTEN_PORT) and the daemon (on
      TARGET_PORT), one upstream socket per client address. Logs each
      datagram's direction and first byte to DIR/log and keeps the first
      handshake initiation in DIR/initiation. SIGUSR1 moves every upstream
      socket to a new port, as a NAT rebinding would.
  replay FILE TARGET_PORT
      Sends FILE's bytes as one datagram from a fresh socket and prints
      "reply" if anything comes back within two seconds, else "silence".
  keyreq TARGET_PORT KEY [SOURCE]
      Sends a key request naming KEY (base64, "zero" or "random") from
      SOURCE (a loopback address, default 127.0.0.1) and prints the daemon's
      key (base64) if an answer comes within two seconds, else "silence";
      any other reply prints "reply".
  keyflood TARGET_PORT KEY COUNT SOURCE
      Sends COUNT key requests naming KEY from SOURCE, spread over 64 source
      ports, and prints how many were answered within a second.
  junk TARGET_PORT COUNT
      Sends COUNT junk datagrams shaped like handshake and data messages.
"""
import os
import base64
import random
import select
import signal
import socket
import sys

LOOPBACK = "127.0.0.1"


def relay(listen_port, target_port, directory):
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind((LOOPBACK, listen_port))
    upstream = {}  # client address -> socket
    rebind = [False]
    signal.signal(signal.SIGUSR1, lambda *_: rebind.__setitem__(0, True))
    log = open(os.path.join(directory, "log"), "a", buffering=1)
    saved = False
    while True:
        if rebind[0]:
            rebind[0] = False
            for client, old in list(upstream.items()):
                old.close()
                upstream[client] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            log.write("rebound\n")
        socks = [front] + list(upstream.values())
        try:
            ready, _, _ = select.select(socks, [], [], 0.2)
        except InterruptedError:
            continue
        for s in ready:
            if s is front:
                data, client = front.recvfrom(65536)
                if client not in upstream:
                    upstream[client] = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                upstream[client].sendto(data, (LOOPBACK, target_port))
                log.write("up %d %d\n" % (data[0] if data else -1, len(data)))
                if data and data[0] == 1 and not saved:
                    with open(os.path.join(directory, "initiation"), "wb") as f:
                        f.write(data)
                    saved = True
            else:
                data, _ = s.recvfrom(65536)
                client = next(c for c, u in upstream.items() if u is s)
                front.sendto(data, client)
                log.write("down %d %d\n" % (data[0] if data else -1, len(data)))


def replay(path, target_port):
    with open(path, "rb") as f:
        data = f.read()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(data, (LOOPBACK, target_port))
    ready, _, _ = select.select([s], [], [], 2.0)
    print("reply" if ready else "silence")


def key_request(key):
    if key == "zero":
        client_key = bytes(32)
    elif key == "random":
        client_key = os.urandom(32)
    else:
        client_key = base64.b64decode(key)
    return bytes([6, 0, 0, 0]) + client_key


def socket_from(source):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((source, 0))
    return s


def keyreq(target_port, key, source=LOOPBACK):
    s = socket_from(source)
    s.sendto(key_request(key), (LOOPBACK, target_port))
    ready, _, _ = select.select([s], [], [], 2.0)
    if not ready:
        print("silence")
        return
    data = s.recv(65536)
    if len(data) == 36 and data[:4] == bytes([7, 0, 0, 0]):
        print(base64.b64encode(data[4:]).decode())
    else:
        print("reply")


def keyflood(target_port, key, count, source):
    sockets = [socket_from(source) for _ in range(64)]
    request = key_request(key)
    for i in range(count):
        sockets[i % len(sockets)].sendto(request, (LOOPBACK, target_port))
    answers = 0
    while True:
        ready, _, _ = select.select(sockets, [], [], 1.0)
        if not ready:
            break
        for s in ready:
            if s.recv(65536)[:1] == bytes([7]):
                answers += 1
    print(answers)


def junk(target_port, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rng = random.Random(9)
    for i in range(count):
        kind = i % 4
        if kind == 0:    # an initiation with a bad mac1
            data = bytes([1, 0, 0, 0]) + rng.randbytes(144 + rng.randrange(0, 64))
        elif kind == 1:  # a response or cookie reply, which a server never takes
            data = bytes([rng.choice([2, 3]), 0, 0, 0]) + rng.randbytes(56 + rng.randrange(0, 40))
        elif kind == 2:  # data for a random receiver index
            data = bytes([4]) + rng.randbytes(40 + rng.randrange(0, 100))
        else:            # anything
            data = rng.randbytes(rng.randrange(1, 300))
        try:
            s.sendto(data, (LOOPBACK, target_port))
        except OSError:
            pass


def main():
    cmd = sys.argv[1]
    if cmd == "relay":
        relay(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif cmd == "replay":
        replay(sys.argv[2], int(sys.argv[3]))
    elif cmd == "keyreq":
        keyreq(int(sys.argv[2]), sys.argv[3], *sys.argv[4:5])
    elif cmd == "keyflood":
        keyflood(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif cmd == "junk":
        junk(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
