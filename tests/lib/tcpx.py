#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP transfer for the namespace scenarios.

  tcpx.py serve PORT              accept one connection on PORT (IPv4 and
                                  IPv6), read to EOF, answer "COUNT DIGEST"
  tcpx.py send ADDR PORT BYTES    send BYTES random bytes, check the answer
  tcpx.py serve-many PORT         serve connections like serve until killed
  tcpx.py churn ADDR PORT STOP    open short connections one after another
                                  until the file STOP exists; print
                                  "CONNECTIONS FAILURES"

send exits 0 when the server saw every byte, 1 otherwise; both give up after
TCPX_TIMEOUT seconds (default 10).
"""
import hashlib
import os
import socket
import sys

TIMEOUT = float(os.environ.get("TCPX_TIMEOUT", "10"))


def listener(port, backlog):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(backlog)
    return srv


def serve(port):
    srv = listener(port, 1)
    srv.settimeout(TIMEOUT)
    conn, _ = srv.accept()
    return answer(conn)


def serve_many(port):
    srv = listener(port, 128)
    while True:
        conn, _ = srv.accept()
        try:
            answer(conn)
        except OSError:
            pass


def churn(addr, port, stop):
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
    return 0


def send(addr, port, nbytes):
    payload = os.urandom(nbytes)
    try:
        conn = socket.create_connection((addr, port), timeout=TIMEOUT)
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while not answer.endswith(b"\n"):
            data = conn.recv(4096)
            if not data:
                break
            answer += data
    except OSError as e:
        print(f"tcpx: {addr} port {port}: {e}", file=sys.stderr)
        return 1
    want = f"{nbytes} {hashlib.sha256(payload).hexdigest()}"
    got = answer.decode(errors="replace").strip()
    if got != want:
        print(f"tcpx: server answered '{got}', expected '{want}'",
              file=sys.stderr)
        return 1
    print(f"tcpx: {nbytes} bytes to {addr} port {port}")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "serve":
        return serve(int(argv[2]))
    if len(argv) == 5 and argv[1] == "send":
        return send(argv[2], int(argv[3]), int(argv[4]))
    if len(argv) == 3 and argv[1] == "serve-many":
        return serve_many(int(argv[2]))
    if len(argv) == 5 and argv[1] == "churn":
        return churn(argv[2], int(argv[3]), argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
