#!/usr/bin/env python3
"""An HTTP CONNECT proxy on loopback, for end-to-end tests of proxied HTTPS.

It only tunnels: `CONNECT host:port` gets `200 Connection established` and the bytes are
piped both ways untouched (TLS stays end to end, so the server's certificate is what the
client checks). Anything else gets 405, so a client that tries plain proxying shows up.
Each CONNECT target is appended (flushed) as one `host:port` line to LOG, so a test can
assert which hosts went through the proxy.

Usage: connect_proxy.py LOG
Prints the port on stdout once ready; exits 0 on SIGTERM.
"""
import signal
import socket
import sys
import threading

LOG = open(sys.argv[1], "a")  # opened now, so the file exists before the first tunnel
LOG_LOCK = threading.Lock()


def pipe(src, dst):
    """Copy one direction until EOF, then pass the half-close on; on a reset, shut both
    sockets so the other direction's recv returns too and the tunnel thread ends."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client):
    with client:
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            chunk = client.recv(4096)
            if not chunk:
                return
            head += chunk
        head, _, rest = head.partition(b"\r\n\r\n")
        method, target = (head.split(b"\r\n")[0].decode("latin-1").split() + ["", ""])[:2]
        if method != "CONNECT":
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\n"
                           b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with LOG_LOCK:
            LOG.write(target + "\n")
            LOG.flush()
        host, _, port = target.rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            upstream.settimeout(None)
        except (OSError, ValueError):
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        with upstream:
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:  # bytes the client sent early, after the CONNECT head
                upstream.sendall(rest)
            back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
            back.start()
            pipe(client, upstream)
            back.join()


# SystemExit out of accept() in the main thread; the daemon tunnel threads die with it.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
listener = socket.create_server(("127.0.0.1", 0))
print(listener.getsockname()[1], flush=True)
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
