#!/usr/bin/env python3
"""Both ends of a forwarded TCP connection, for test/e2e/forward_close.sh.

  fwd_peer.py serve PORT
      Listens on 127.0.0.1:PORT. Each connection's first line says what the
      far end does: "BULK N" sends N bytes and closes; "BULK_STAY N" sends N
      bytes and closes after the peer's end of stream; "RESET N" sends N
      bytes and resets; "FLOOD" sends until the peer goes; "COUNT" reads to
      the end of stream, answers the count and closes.
  fwd_peer.py case PORT NAME
      Connects to PORT (the forward) and plays case NAME; prints what the
      application saw ("read N", "count N", "reset").
"""
import socket
import struct
import sys
import threading
import time


def read_line(c):
    line = b""
    while not line.endswith(b"\n"):
        byte = c.recv(1)
        if not byte:
            return None
        line += byte
    return line.decode().split()


def drain(c):
    total = 0
    while True:
        data = c.recv(65536)
        if not data:
            return total
        total += len(data)


def reset(c):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def far_end(c):
    try:
        words = read_line(c)
        if not words:
            c.close()
            return
        n = int(words[1]) if len(words) > 1 else 0
        if words[0] == "BULK":
            c.sendall(b"x" * n)
            c.close()
        elif words[0] == "BULK_STAY":
            c.sendall(b"x" * n)
            drain(c)
            c.close()
        elif words[0] == "RESET":
            c.sendall(b"x" * n)
            time.sleep(0.2)
            reset(c)
        elif words[0] == "FLOOD":
            while True:
                c.sendall(b"x" * 65536)
        elif words[0] == "COUNT":
            c.sendall(b"%d\n" % drain(c))
            c.close()
    except OSError:
        c.close()


def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=far_end, args=(c,), daemon=True).start()


def play(port, name):
    c = socket.create_connection(("127.0.0.1", port))
    if name == "half_close_then_read":	# end our stream at once, read the 5 MB
        c.sendall(b"BULK_STAY 5000000\n")
        c.shutdown(socket.SHUT_WR)
        print("read", drain(c))
    elif name == "close_in_a_flood":	# read a little of a flood, close
        c.sendall(b"FLOOD\n")
        c.recv(1000)
        time.sleep(0.3)
        c.close()
    elif name == "reset_in_a_flood":
        c.sendall(b"FLOOD\n")
        c.recv(1000)
        time.sleep(0.3)
        reset(c)
    elif name == "far_end_closes_first":	# read it all, close a second later
        c.sendall(b"BULK 100000\n")
        print("read", drain(c))
        time.sleep(1)
        c.close()
    elif name == "far_end_resets":
        c.sendall(b"RESET 100000\n")
        try:
            drain(c)
            print("no reset")
        except ConnectionResetError:
            print("reset")
        c.close()
    elif name == "close_at_once":	# before the channel can have been accepted
        c.close()
    elif name == "reset_at_once":
        reset(c)
    elif name == "upload_then_half_close":
        c.sendall(b"COUNT\n" + b"z" * 3000000)
        c.shutdown(socket.SHUT_WR)
        print("count", c.makefile().readline().strip())
        c.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        play(int(sys.argv[2]), sys.argv[3])
