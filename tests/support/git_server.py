#!/usr/bin/env python3
"""A real git smart-HTTP server over TLS with Basic auth, for end-to-end tests on loopback.

git's own `git http-backend` (CGI) does the git part. Basic auth: 401 with
`WWW-Authenticate: Basic realm="git"` until the password is the token. It also answers
`GET /api/v3/user` and `GET /user` — the one stand-in here: the GitHub REST API is out of
reach, so this plays its part (login, X-OAuth-Scopes, token expiry header) for the same token.

Usage: git_server.py ROOT CERT KEY TOKEN LOGIN [SCOPES|-]
Prints the port on stdout once ready; logs requests (never headers) to stderr.

Optional environment (all unset: one account, TOKEN/LOGIN, username not checked):
  GIT_SERVER_TOKENS="login1:token1,login2:token2"  more accounts, added to TOKEN/LOGIN. When set,
      Basic auth must match a (login, token) pair exactly (the username is checked), the API
      stand-in answers the login its token belongs to, and git runs with REMOTE_USER=that login.
  GIT_SERVER_CRED_LOG=PATH  append (and flush) one line per request, so a test can assert which
      credential reached this server, and as whom it was accepted:
          <kind> <user> <secret> <login> <path>
      kind: basic|bearer|token|other|none; user: the Basic username, else "-"; secret: the
      password/token ("other": the whole header; "none": "-"); login: the account that accepted
      it, "-" if rejected; path: without the query. Fields are space-separated.
  GIT_SERVER_API_ONLY=1  answer only /user and /api/v3/user (404 for git), e.g. behind a proxy.
  GIT_SERVER_FORGE=github|gitlab|gitea  whose REST API to stand in for (default github):
      github  GET /api/v3/user, /user (Bearer or token), public GET /api/v3/meta
      gitlab  GET /api/v4/user, /api/v4/personal_access_tokens/self (Bearer), GET
              /api/v4/version answers 401 without a token (as GitLab does)
      gitea   GET /api/v1/user (`Authorization: token`), public GET /api/v1/version
    Shapes from each forge's REST documentation; stand-ins, not the real services.
"""
import base64
import json
import http.server
import os
import ssl
import subprocess
import sys
import threading

ROOT, CERT, KEY, TOKEN, LOGIN = sys.argv[1:6]
SCOPES = sys.argv[6] if len(sys.argv) > 6 else "repo, workflow"

# (login, token) pairs; the positional one first so single-account callers are unchanged.
ACCOUNTS = [(LOGIN, TOKEN)]
MULTI = bool(os.environ.get("GIT_SERVER_TOKENS"))
for pair in filter(None, os.environ.get("GIT_SERVER_TOKENS", "").split(",")):
    login, _, token = pair.strip().partition(":")
    ACCOUNTS.append((login, token))
API_ONLY = os.environ.get("GIT_SERVER_API_ONLY") == "1"
FORGE = os.environ.get("GIT_SERVER_FORGE", "github")

# Opened once (so the file exists even before the first request); a lock keeps lines whole
# across the server's threads.
CRED_LOG = os.environ.get("GIT_SERVER_CRED_LOG") and open(os.environ["GIT_SERVER_CRED_LOG"], "a")
CRED_LOCK = threading.Lock()


def login_for_token(token):
    return next((login for login, t in ACCOUNTS if t == token), None)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path.split("?")[0]))

    def authorized(self):
        """The login the request's credential belongs to, or None; logs the credential."""
        auth = self.headers.get("Authorization", "")
        kind, user, secret, login = "none", "-", "-", None
        if auth.startswith("Bearer ") or auth.startswith("token "):
            kind, secret = auth.split(" ", 1)[0].lower(), auth.split(" ", 1)[1]
            login = login_for_token(secret)
        elif auth.startswith("Basic "):
            kind = "basic"
            try:
                user, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                secret = auth[6:]  # undecodable: log it raw, accept nothing
            else:
                if MULTI:  # several accounts: the username must name the token's owner
                    login = user if (user, secret) in ACCOUNTS else None
                else:  # historical behaviour: any username, the token decides
                    login = login_for_token(secret)
        elif auth:
            kind, secret = "other", auth.replace(" ", "_")  # keep the line's 5 fields
        if CRED_LOG:
            with CRED_LOCK:
                fields = (kind, user or "-", secret or "-", login or "-", self.path.split("?")[0])
                CRED_LOG.write(" ".join(fields) + "\n")
                CRED_LOG.flush()
        return login

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
        login = self.authorized()
        if not login:
            self.send(401, [("Content-Type", "application/json")], b'{"message":"Bad credentials"}')
            return
        headers = [("Content-Type", "application/json"),
                   ("GitHub-Authentication-Token-Expiration", "2030-01-01 00:00:00 UTC")]
        if SCOPES != "-":
            headers.append(("X-OAuth-Scopes", SCOPES))
        uid = [a[0] for a in ACCOUNTS].index(login) + 1
        self.send(200, headers, ('{"login":"%s","id":%d}' % (login, uid)).encode())

    def handle_git(self, body):
        login = self.authorized()  # first, so even refused git requests reach the cred log
        if API_ONLY:
            self.send(404, [("Content-Type", "text/plain")], b"not found\n")
            return
        if not login:
            self.send(401, [("WWW-Authenticate", 'Basic realm="git"')], b"auth required\n")
            return
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=ROOT, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER=login,
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

    def json(self, status, obj):
        self.send(status, [("Content-Type", "application/json")], json.dumps(obj).encode())

    def forge_api(self, path):
        """The GitLab and Gitea stand-ins; True when the path was theirs."""
        if FORGE == "gitlab" and path.startswith("/api/v4/"):
            if path == "/api/v4/version" and not self.headers.get("Authorization"):
                self.json(401, {"message": "401 Unauthorized"})
                return True
            login = self.authorized()
            if not login:
                self.json(401, {"message": "401 Unauthorized"})
            elif path == "/api/v4/user":
                self.json(200, {"id": 1, "username": login, "name": login})
            elif path == "/api/v4/personal_access_tokens/self":
                self.json(200, {"id": 7, "name": "git-https", "active": True,
                                "scopes": ["read_repository", "write_repository"],
                                "expires_at": "2030-01-01"})
            else:
                self.json(404, {"message": "404 Not Found"})
            return True
        if FORGE == "gitea" and path.startswith("/api/v1/"):
            if path == "/api/v1/version":
                self.json(200, {"version": "1.22.0"})
                return True
            auth = self.headers.get("Authorization", "")
            login = self.authorized() if auth.startswith("token ") else None
            if path == "/api/v1/user" and login:
                self.json(200, {"id": 1, "login": login, "full_name": login})
            else:
                self.json(401, {"message": "token is required"})
            return True
        return False

    def do_GET(self):
        path = self.path.split("?")[0]
        if self.forge_api(path):
            return
        if FORGE == "github" and path == "/api/v3/meta":
            self.json(200, {"installed_version": "3.14.0"})
        elif FORGE == "github" and path in ("/api/v3/user", "/user"):
            self.api_user()
        elif path.startswith("/api/"):
            self.json(404, {"message": "Not Found"})
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
