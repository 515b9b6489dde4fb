#!/usr/bin/env python3
"""A forge API stand-in over TLS on loopback that answers canned JSON and records every request.

Usage: api_stub.py CERT KEY ANSWERS LOG
ANSWERS is a JSON file {"/path": [status, body], ...} (the path without its query); any other
path gets 404 {}. Each request appends (flushed) one line to LOG:
    <path> <kind> <secret>
kind: basic|bearer|token|other|none; secret: the Basic password, the bearer/token value, the
whole header for "other" (spaces as "_"), "-" for none. So a test can assert what reached it.
Prints the port on stdout once ready.
"""
import base64
import http.server
import json
import ssl
import sys
import threading

CERT, KEY, ANSWERS, LOG_PATH = sys.argv[1:5]
with open(ANSWERS) as f:
    CANNED = json.load(f)
LOG = open(LOG_PATH, "a")  # opened now, so the file exists before the first request
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, path):
        auth = self.headers.get("Authorization", "")
        kind, secret = "none", "-"
        if auth.startswith("Basic "):
            kind = "basic"
            try:
                secret = base64.b64decode(auth[6:]).decode().partition(":")[2] or "-"
            except Exception:
                secret = auth[6:]
        elif auth.startswith("Bearer ") or auth.startswith("token "):
            kind, secret = auth.split(" ", 1)[0].lower(), auth.split(" ", 1)[1]
        elif auth:
            kind, secret = "other", auth.replace(" ", "_")
        with LOCK:
            LOG.write("%s %s %s\n" % (path, kind, secret))
            LOG.flush()

    def do_GET(self):
        path = self.path.split("?")[0]
        self.record(path)
        status, body = CANNED.get(path, [404, {}])
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self):
        self.do_GET()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
