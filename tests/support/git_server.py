#!/usr/bin/env python3
"""A real git smart-HTTP server over TLS with Basic auth, for end-to-end tests on loopback.

git's own `git http-backend` (CGI) does the git part. Basic auth: 401 with
`WWW-Authenticate: Basic realm="git"` until the password is the token. It also answers
`GET /api/v3/user` and `GET /user` — the one stand-in here: the GitHub REST API is out of
reach, so this plays its part (login, X-OAuth-Scopes, token expiry header) for the same token.

Usage: git_server.py ROOT CERT KEY TOKEN LOGIN [SCOPES|-]
Prints the port on stdout once ready; logs requests (never headers) to stderr.
"""
import base64
import http.server
import os
import ssl
import subprocess
import sys

ROOT, CERT, KEY, TOKEN, LOGIN = sys.argv[1:6]
SCOPES = sys.argv[6] if len(sys.argv) > 6 else "repo, workflow"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path.split("?")[0]))

    def authorized(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") or auth.startswith("token "):
            return auth.split(" ", 1)[1] == TOKEN
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return False
            return password == TOKEN
        return False

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

    def send(self, status, headers, payload):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def api_user(self):
        if not self.authorized():
            self.send(401, [("Content-Type", "application/json")], b'{"message":"Bad credentials"}')
            return
        headers = [("Content-Type", "application/json"),
                   ("GitHub-Authentication-Token-Expiration", "2030-01-01 00:00:00 UTC")]
        if SCOPES != "-":
            headers.append(("X-OAuth-Scopes", SCOPES))
        self.send(200, headers, ('{"login":"%s","id":1}' % LOGIN).encode())

    def handle_git(self, body):
        if not self.authorized():
            self.send(401, [("WWW-Authenticate", 'Basic realm="git"')], b"auth required\n")
            return
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=ROOT, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER=LOGIN,
                   REMOTE_ADDR="127.0.0.1", CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(body)), GIT_HTTP_RECEIVE_PACK="true")
        if self.headers.get("Git-Protocol"):
            env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.split(b"\r\n"):
            k, _, v = line.decode().partition(":")
            if k.lower() == "status":
                status = int(v.strip().split()[0])
            elif k:
                headers.append((k, v.strip()))
        self.send(status, headers, payload)

    def do_GET(self):
        if self.path.split("?")[0] in ("/api/v3/user", "/user"):
            self.api_user()
        else:
            self.handle_git(b"")

    def do_POST(self):
        self.handle_git(self.body())


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
