# SPDX-License-Identifier: GPL-2.0
"""Short TCP connections one after another, for tests/netns/replace.sh.

  churn serve PORT          accept connections on PORT (IPv4 and IPv6)
                            until killed: each is read to its end and
                            answered with "COUNT DIGEST"
  churn connect ADDR PORT STOP
                            open short connections one after another, each
                            sending a byte and waiting for the answer,
                            until the file STOP exists; print
                            "CONNECTIONS FAILURES"

Both give up on a connection after CHURN_TIMEOUT seconds (default 10).
"""
import hashlib
import os
import socket

from . import tool

TIMEOUT = float(os.environ.get("CHURN_TIMEOUT", "10"))


def answer(conn):
    conn.settimeout(TIMEOUT)
    digest = hashlib.sha256()
    count = 0
    while True:
        data = conn.recv(65536)
        if not data:
            break
        digest.update(data)
        count += len(data)
    conn.sendall(f"{count} {digest.hexdigest()}\n".encode())
    conn.close()


def serve(args):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", int(args[0])))
    srv.listen(128)
    while True:
        conn, _ = srv.accept()
        try:
            answer(conn)
        except OSError:
            pass


def connect(args):
    addr, port, stop = args[0], int(args[1]), args[2]
    done = failed = 0
    while not os.path.exists(stop):
        try:
            with socket.create_connection((addr, port),
                                          timeout=TIMEOUT) as conn:
                conn.sendall(b"x")
                conn.shutdown(socket.SHUT_WR)
                if not conn.recv(4096):
                    failed += 1
        except OSError:
            failed += 1
        done += 1
    print(done, failed)
    return 0


if __name__ == "__main__":
    tool.run(__doc__, {"serve": serve, "connect": connect})
