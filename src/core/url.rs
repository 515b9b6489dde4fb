//! Pure: classify and parse every remote URL form git accepts (conversion lives in `convert`).
//!
//! The classification follows git's own (`transport.c`, `connect.c`): `<transport>::<address>`
//! first, then `scheme://`, then scp-like `[user@]host:path` only when no `/` comes before the
//! first `:`, and everything else is a local path.

use std::fmt;

/// The transport a remote URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `[user@]host:path`
    Scp,
    /// `ssh://`, `git+ssh://`, `ssh+git://`
    Ssh,
    /// `git://`, git's own unauthenticated daemon protocol.
    Git,
    Http,
    Https,
    Ftp,
    /// `file://` and plain local paths.
    Local,
    /// `<transport>::<address>` or an unknown `scheme://`: handled by a `git-remote-*` helper.
    Helper,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Scp => "scp",
            Kind::Ssh => "ssh",
            Kind::Git => "git",
            Kind::Http => "http",
            Kind::Https => "https",
            Kind::Ftp => "ftp",
            Kind::Local => "local",
            Kind::Helper => "helper",
        }
    }

    /// Whether `migrate` rewrites remotes of this kind: the SSH forms and `git://`, which no
    /// big forge serves any more and which cannot carry a token either.
    pub fn is_migratable(self) -> bool {
        matches!(self, Kind::Scp | Kind::Ssh | Kind::Git)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A remote URL split into its parts. The password, if any, is never kept: only the fact.
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    pub kind: Kind,
    pub user: Option<String>,
    /// Lower-cased, without IPv6 brackets. Empty for local paths and helpers.
    pub host: String,
    pub port: Option<u16>,
    /// The path git asks the server for (percent-decoded for URL forms, as git does; the
    /// text after the colon for scp-like ones), shown as text.
    pub path: String,
    /// The same path, byte for byte (it may hold bytes that are not UTF-8, such as `%FF`).
    pub raw_path: Vec<u8>,
    /// A `scheme://user:secret@…` URL: the secret is in the config in plain text.
    pub has_password: bool,
    /// The user part looks like a token (`https://ghp_…@github.com/…`).
    pub user_is_token: bool,
}

impl fmt::Debug for RemoteUrl {
    // Hand-written so that a user part that is a token never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let user = if self.user_is_token {
            Some("(redacted)")
        } else {
            self.user.as_deref()
        };
        f.debug_struct("RemoteUrl")
            .field("kind", &self.kind)
            .field("user", &user)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("path", &self.path)
            .field("has_password", &self.has_password)
            .finish()
    }
}

impl RemoteUrl {
    /// Credentials sit in the URL itself, so they are in `.git/config` in plain text.
    pub fn leaks_credentials(&self) -> bool {
        self.has_password || self.user_is_token
    }
}

/// Why a URL has no HTTPS form (or could not be read). Messages quote what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("empty URL")]
    Empty,
    #[error("a local path has no HTTPS form")]
    LocalPath,
    #[error("a file:// URL has no HTTPS form")]
    FileUrl,
    #[error("a remote-helper URL ({0}) is left to its helper")]
    Helper(String),
    #[error("git does not support rsync: URLs any more")]
    Rsync,
    #[error("git reads {0:?} as the protocol of this URL and does not support it")]
    UnsupportedProtocol(String),
    #[error("a home-relative path ({0}) has no HTTPS form")]
    HomeRelative(String),
    #[error("no repository path after the host")]
    EmptyPath,
    #[error("the path {0:?} has . or .. segments, which HTTPS would resolve to another repository")]
    DotSegments(String),
    #[error("no host")]
    EmptyHost,
    #[error("host {0:?} starts with '-' (it would be read as an ssh option)")]
    DashHost(String),
    #[error("user {0:?} starts with '-' (it would be read as an ssh option)")]
    DashUser(String),
    #[error("empty user before '@' (ssh refuses it)")]
    EmptyUser,
    #[error("user {0:?} has characters ssh refuses")]
    BadUser(String),
    #[error("path {0:?} starts with '-' (it would be read as an ssh option)")]
    DashPath(String),
    #[error("port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
    #[error("unclosed '[' in host")]
    UnclosedBracket,
    #[error("invalid host {host:?}: {reason}")]
    BadHost { host: String, reason: String },
    #[error("a git:// URL has no user; git would look up {0:?} as the host name")]
    GitUser(String),
    #[error("git:// reads no port inside brackets; git would look up {0:?} as the host name")]
    GitBracketPort(String),
    #[error(
        "host {0:?} has no dot and is no alias in ~/.ssh/config; --map {0}=https://… says where it is"
    )]
    UnknownHost(String),
    #[error(
        "~/.ssh/config has a Match block that sets HostName on conditions only ssh can check; --map {0}=https://… says where {0} is"
    )]
    SshMatch(String),
    #[error("{0} serves plain HTTP on port {1}; --map {0}=https://… names its HTTPS address")]
    PlainHttpPort(String, u16),
    #[error("an {0}:// URL is fetched over FTP; --map {1}=https://… names its HTTPS address")]
    Ftp(String, String),
    #[error("unrecognised Azure DevOps SSH path {0:?} (expected v3/ORG/PROJECT/REPO)")]
    AzurePath(String),
    #[error("{0}")]
    Invalid(String),
}

/// Characters git accepts in a URL scheme or remote-helper name (`is_urlschemechar`): a
/// letter or digit first (git is looser than RFC 3986 here), then also `+`, `-`, `.`.
fn is_scheme_char(first: bool, c: u8) -> bool {
    c.is_ascii_alphanumeric() || (!first && matches!(c, b'+' | b'-' | b'.'))
}

/// Length of a scheme-like prefix (`git+ssh`, `persistent-https`, `9p`), or 0.
fn scheme_len(s: &[u8]) -> usize {
    s.iter()
        .enumerate()
        .take_while(|&(i, &c)| is_scheme_char(i == 0, c))
        .count()
}

/// git's `is_url`: a valid scheme, then `://`.
fn is_url(s: &[u8]) -> bool {
    let n = scheme_len(s);
    n > 0 && s[n..].starts_with(b"://")
}

/// git's `url_is_local_not_ssh` (on Linux, where no drive prefix exists): no colon, or a
/// slash before the first colon.
fn url_is_local_not_ssh(s: &[u8]) -> bool {
    let colon = s.iter().position(|&b| b == b':');
    let slash = s.iter().position(|&b| b == b'/');
    match (colon, slash) {
        (None, _) => true,
        (Some(c), Some(sl)) => sl < c,
        _ => false,
    }
}

/// A Windows drive path (`C:\x`, `C:/x`): local, never scp-like.
fn is_dos_drive(s: &[u8]) -> bool {
    s.len() >= 3 && s[0].is_ascii_alphabetic() && s[1] == b':' && (s[2] == b'/' || s[2] == b'\\')
}

fn hexval(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// git's `url_decode`: the scheme is kept, and each `%XX` with a non-zero value becomes that
/// byte; anything else (`%00`, `%zz`, `%+2`) stays as written.
fn git_url_decode(s: &[u8]) -> Vec<u8> {
    let start = s.iter().position(|&b| b == b':').unwrap_or(0);
    let mut out = s[..start].to_vec();
    let mut i = start;
    while i < s.len() {
        if s[i] == b'%'
            && i + 2 < s.len()
            && let (Some(h), Some(l)) = (hexval(s[i + 1]), hexval(s[i + 2]))
        {
            let v = h * 16 + l;
            if v > 0 {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Parses a remote URL the way git reads it: which transport it names (`transport_get`), and
/// for git's own transports the host, port and path git connects with (`parse_connect_url`,
/// `get_host_and_port`, `get_port` in git's `connect.c`).
pub fn parse(input: &str) -> Result<RemoteUrl, Refusal> {
    let b = input.as_bytes();
    if b.is_empty() {
        return Err(Refusal::Empty);
    }
    let n = scheme_len(b);
    if n > 0 && b[n..].starts_with(b"::") {
        return Ok(local_like(Kind::Helper, input));
    }
    if input.starts_with("rsync:") {
        return Err(Refusal::Rsync);
    }
    if is_url(b) {
        // Case-sensitive, as in git: `SSH://` names a remote helper `git-remote-SSH`.
        match &input[..n] {
            "ssh" | "git+ssh" | "ssh+git" | "git" | "file" => {}
            "http" => return parse_http(Kind::Http, input),
            "https" => return parse_http(Kind::Https, input),
            "ftp" | "ftps" => return parse_http(Kind::Ftp, input),
            _ => return Ok(local_like(Kind::Helper, input)),
        }
    } else if url_is_local_not_ssh(b) || is_dos_drive(b) {
        // Deviation: git treats `C:/x` as scp-like to host `C` except on Windows; a one-letter
        // host is implausible, a drive letter is not.
        return Ok(local_like(Kind::Local, input));
    }
    parse_native(input)
}

fn local_like(kind: Kind, input: &str) -> RemoteUrl {
    RemoteUrl {
        kind,
        user: None,
        host: String::new(),
        port: None,
        path: input.to_string(),
        raw_path: input.as_bytes().to_vec(),
        has_password: false,
        user_is_token: false,
    }
}

/// Where a host ends, as git's `host_end(…, 0)`: after `[...]` when the host (or the part
/// after `@`) starts with a bracket that is closed, else at the start.
fn host_end(h: &[u8]) -> usize {
    let start = find(h, b"@[").map_or(0, |i| i + 1);
    if h.get(start) == Some(&b'[')
        && let Some(e) = h[start + 1..].iter().position(|&c| c == b']')
    {
        return start + 1 + e;
    }
    0
}

fn find(h: &[u8], needle: &[u8]) -> Option<usize> {
    h.windows(needle.len()).position(|w| w == needle)
}

/// A port as git's `strtol` check takes it: optional blanks and sign, digits, nothing after,
/// 0 to 65535.
fn strtol_port(p: &[u8]) -> Option<i64> {
    let mut i = 0;
    while i < p.len() && matches!(p[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let neg = match p.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = &p[i..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) || digits.len() > 12 {
        return None;
    }
    let v: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let v = if neg { -v } else { v };
    (0..65536).contains(&v).then_some(v)
}

/// git's `get_host_and_port` then, for ssh only, `get_port`: brackets removed, a valid port
/// split off. git:// stops after `get_host_and_port`, so `[host:port]` stays one host name.
fn host_and_port(h: &[u8], ssh: bool) -> (Vec<u8>, Option<Vec<u8>>) {
    let start = find(h, b"@[").map_or(0, |i| i + 1);
    let close = (h.get(start) == Some(&b'['))
        .then(|| h[start + 1..].iter().position(|&c| c == b']'))
        .flatten()
        .map(|e| start + 1 + e);
    let mut port = None;
    let mut host;
    match close {
        Some(e) => {
            // The bracket's content joins what came before it; the colon is looked for in
            // what follows the bracket.
            host = h[..start].to_vec();
            host.extend_from_slice(&h[start + 1..e]);
            let after = &h[e + 1..];
            if let Some(c) = after.iter().position(|&b| b == b':') {
                let tail = &after[c + 1..];
                if strtol_port(tail).is_some() {
                    port = Some(tail.to_vec());
                }
            }
        }
        None => {
            host = h.to_vec();
            if let Some(c) = host.iter().position(|&b| b == b':') {
                let tail = host[c + 1..].to_vec();
                if strtol_port(&tail).is_some() {
                    port = Some(tail);
                    host.truncate(c);
                } else if tail.is_empty() {
                    host.truncate(c);
                }
            }
        }
    }
    if ssh
        && port.is_none()
        && let Some(c) = host.iter().position(|&b| b == b':')
    {
        let tail = host[c + 1..].to_vec();
        if strtol_port(&tail).is_some() {
            host.truncate(c);
            port = Some(tail);
        }
    }
    (host, port)
}

/// git's own transports: `ssh://`, `git://`, `git+ssh://`, `ssh+git://` and scp-like.
fn parse_native(input: &str) -> Result<RemoteUrl, Refusal> {
    let orig = input.as_bytes();
    let url = if is_url(orig) {
        git_url_decode(orig)
    } else {
        orig.to_vec()
    };
    let (kind, host_start, separator) = match find(&url, b"://") {
        Some(i) => {
            let kind = match &url[..i] {
                b"ssh" | b"git+ssh" | b"ssh+git" => Kind::Ssh,
                b"git" => Kind::Git,
                b"file" => return Ok(local_like(Kind::Local, input)),
                other => return Err(Refusal::UnsupportedProtocol(lossy(other))),
            };
            (kind, i + 3, b'/')
        }
        None => (Kind::Scp, 0, b':'),
    };
    let rest = &url[host_start..];
    let end = host_end(rest);
    let Some(sep) = rest[end..]
        .iter()
        .position(|&c| c == separator)
        .map(|p| end + p)
    else {
        return Err(Refusal::EmptyPath);
    };
    let hostandport = &rest[..sep];
    let mut path = &rest[sep..];
    if separator == b':' {
        path = &path[1..];
    }
    // git points the path at `~` for `ssh://host/~user/repo` — and, since it looks at the
    // second byte, for an scp path like `a~b/repo` too, which becomes `~b/repo`.
    if path.len() > 1 && path[1] == b'~' {
        path = &path[1..];
    }
    if path.first() == Some(&b'-') {
        return Err(Refusal::DashPath(lossy(path)));
    }
    let (userandhost, port) = host_and_port(hostandport, kind != Kind::Git);
    let port = match port {
        None => None,
        Some(p) => match strtol_port(&p) {
            Some(v) if v > 0 => Some(v as u16),
            _ => return Err(Refusal::BadPort(lossy(&p))),
        },
    };
    if userandhost.first() == Some(&b'-') {
        return Err(Refusal::DashHost(lossy(&userandhost)));
    }
    // ssh splits `user@host` at the last '@'; git:// sends it all as the host name.
    let (user, host) = match userandhost.iter().rposition(|&c| c == b'@') {
        Some(_) if kind == Kind::Git => return Err(Refusal::GitUser(lossy(&userandhost))),
        Some(0) => return Err(Refusal::EmptyUser),
        Some(at) => (Some(&userandhost[..at]), &userandhost[at + 1..]),
        None => (None, &userandhost[..]),
    };
    if host.is_empty() {
        return Err(Refusal::EmptyHost);
    }
    // A '[' in the user part is ssh's business (`a[b@host`: user `a[b`); in the host it is a
    // bracket git did not close.
    if host.contains(&b'[') {
        return Err(Refusal::UnclosedBracket);
    }
    if let Some(u) = user.filter(|u| !valid_ssh_user(u)) {
        return Err(Refusal::BadUser(lossy(u)));
    }
    // git refuses these itself for git://.
    if kind == Kind::Git && (host.contains(&b'\n') || path.contains(&b'\n')) {
        return Err(Refusal::Invalid(
            "git forbids a newline in git:// hosts and paths".into(),
        ));
    }
    let host = std::str::from_utf8(host)
        .map_err(|_| Refusal::BadHost {
            host: lossy(host),
            reason: "not text".into(),
        })?
        .to_ascii_lowercase();
    // A port git could not read stays in the host name, which ssh then cannot resolve.
    if let Some((_, bad)) = host
        .split_once(':')
        .filter(|_| host.parse::<std::net::Ipv6Addr>().is_err())
    {
        if kind == Kind::Git && strtol_port(bad.as_bytes()).is_some() {
            return Err(Refusal::GitBracketPort(host));
        }
        return Err(Refusal::BadPort(bad.to_string()));
    }
    check_host(&host)?;
    let (user, has_password) = match user {
        Some(u) => {
            let u = lossy(u);
            match u.split_once(':') {
                Some((name, _)) => (Some(name.to_string()), true),
                None => (Some(u), false),
            }
        }
        None => (None, false),
    };
    let user_is_token = user
        .as_deref()
        .is_some_and(crate::core::token::user_is_token);
    Ok(RemoteUrl {
        kind,
        user,
        host,
        port,
        path: lossy(path),
        raw_path: path.to_vec(),
        has_password,
        user_is_token,
    })
}

/// C's `isspace` in the C locale, which OpenSSH uses. Rust's `is_ascii_whitespace` leaves out
/// the vertical tab (0x0B), so `a\x0b-x` would pass for a user ssh refuses.
fn c_isspace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// A user name ssh accepts on its command line (OpenSSH's `ssh_valid_ruser` in readconf.c, as
/// of 2026): no leading `-`, no control byte (refused since 10.1), no shell metacharacter, no
/// `-` after a C blank, no `\\` at the end.
fn valid_ssh_user(u: &[u8]) -> bool {
    let bad = |i: usize, c: u8| {
        c.is_ascii_control()
            || b"'`\";&<>|(){}".contains(&c)
            || (c_isspace(c) && u.get(i + 1) == Some(&b'-'))
            || (c == b'\\' && i + 1 == u.len())
    };
    u.first() != Some(&b'-') && !u.iter().enumerate().any(|(i, &c)| bad(i, c))
}

/// An IPv4 address as glibc's `inet_aton` reads it (ssh and curl resolve through it): one to
/// four parts, decimal, octal (`0…`) or hex (`0x` and at least one digit), each within its
/// range (`127.1`, `1234`, `0x7f.1`, `0177.0.0.1`). `0x`, `1.0x` and `1.2.3.4.` are not
/// addresses to it (they are to the URL Standard, which reads `0x` as 0).
pub fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return false;
    }
    let mut values = Vec::with_capacity(parts.len());
    for p in &parts {
        let (digits, radix) = match p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
            Some(h) => (h, 16),
            None if p.len() > 1 && p.starts_with('0') => (&p[1..], 8),
            None => (*p, 10),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return false;
        }
        // Leading zeros do not count towards the size (`0x0000000001` is 1).
        let digits = digits.trim_start_matches('0');
        match u64::from_str_radix(if digits.is_empty() { "0" } else { digits }, radix) {
            Ok(v) => values.push(v),
            Err(_) => return false,
        }
    }
    let (last, init) = values.split_last().expect("one part at least");
    init.iter().all(|&v| v <= 255) && *last < 1u64 << (8 * (5 - values.len()))
}

/// Whether a host ends in a number, so HTTPS clients read it as an IPv4 address.
fn looks_numeric(host: &str) -> bool {
    let last = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit())
            || last.len() > 1
                && (last.starts_with("0x") || last.starts_with("0X"))
                && last[2..].bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A host an HTTPS URL can name exactly as ssh names it: letters, digits, `.`, `-`, `_`, or an
/// IPv6 address. Anything else (`;`, `%`, spaces, non-ASCII) is refused: ssh refuses some of
/// it, and for the rest no HTTPS URL names the same host.
fn check_host(host: &str) -> Result<(), Refusal> {
    if host.parse::<std::net::Ipv6Addr>().is_ok() {
        return Ok(());
    }
    if let Some(c) = host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(Refusal::BadHost {
            host: host.to_string(),
            reason: format!("{c:?} cannot be in a host name"),
        });
    }
    if host.starts_with('.') || host.contains("..") {
        return Err(Refusal::BadHost {
            host: host.to_string(),
            reason: "empty label".into(),
        });
    }
    // URL parsers read a name ending in a number as an IPv4 address: it must be one, spelled
    // as inet_aton reads it, so that ssh, curl and a browser all find the same machine.
    if looks_numeric(host) && !is_ipv4(host) {
        return Err(Refusal::BadHost {
            host: host.to_string(),
            reason: "ends in a number but is no IPv4 address".into(),
        });
    }
    Ok(())
}

/// `http://`, `https://`, `ftp://`: curl's URLs. The parts are read with the `url` crate for
/// matching; conversion works on the string as written.
fn parse_http(kind: Kind, input: &str) -> Result<RemoteUrl, Refusal> {
    let u =
        url::Url::parse(input).map_err(|e| Refusal::Invalid(format!("not a valid URL: {e}")))?;
    let host = u.host_str().unwrap_or_default();
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if host.is_empty() {
        return Err(Refusal::EmptyHost);
    }
    let user = (!u.username().is_empty()).then(|| percent_decode(u.username()));
    let user_is_token = user
        .as_deref()
        .is_some_and(crate::core::token::user_is_token);
    let path = percent_decode(u.path());
    Ok(RemoteUrl {
        kind,
        user,
        host,
        port: u.port(),
        raw_path: path.as_bytes().to_vec(),
        path,
        has_password: u.password().is_some(),
        user_is_token,
    })
}

/// Decodes every valid `%XX` escape to its byte; anything else is kept as written.
pub(crate) fn percent_decode_bytes(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hexval(b[i + 1]), hexval(b[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Decodes `%XX` escapes for display and matching; invalid escapes and non-UTF-8 results are
/// kept as written.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    String::from_utf8(percent_decode_bytes(s.as_bytes())).unwrap_or_else(|_| s.to_string())
}

/// Percent-encodes a path for an HTTPS URL: every byte but the unreserved characters, the
/// sub-delimiters, `:`, `@` and `/` (so `%`, `?`, `#`, `\\`, spaces and control bytes too).
pub fn encode_path(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
