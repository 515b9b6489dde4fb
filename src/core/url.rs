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
    /// Percent-decoded, as git sees it. For scp-like URLs, the text after the colon.
    pub path: String,
    /// An `https://user:secret@…` URL: the secret is in the config in plain text.
    pub has_password: bool,
    /// The user part of an HTTP(S) URL looks like a token (`https://ghp_…@github.com/…`).
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

/// Why a URL has no HTTPS form (or could not be read).
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
    #[error("a home-relative path ({0}) has no HTTPS form")]
    HomeRelative(String),
    #[error("no repository path after the host")]
    EmptyPath,
    #[error("no host")]
    EmptyHost,
    #[error("host {0:?} starts with '-' (it would be read as an ssh option)")]
    DashHost(String),
    #[error("user {0:?} starts with '-' (it would be read as an ssh option)")]
    DashUser(String),
    #[error("path {0:?} starts with '-' (it would be read as an ssh option)")]
    DashPath(String),
    #[error("port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
    #[error("unclosed '[' in host")]
    UnclosedBracket,
    #[error("invalid host {host:?}: {reason}")]
    BadHost { host: String, reason: String },
    #[error("unrecognised Azure DevOps SSH path {0:?} (expected v3/ORG/PROJECT/REPO)")]
    AzurePath(String),
    #[error("{0}")]
    Invalid(String),
}

/// Characters git accepts in a URL scheme or remote-helper name (`is_urlschemechar`).
fn is_scheme_char(first: bool, c: char) -> bool {
    c.is_ascii_alphabetic() || (!first && (c.is_ascii_digit() || matches!(c, '+' | '-' | '.')))
}

/// Length of a scheme-like prefix (`git+ssh`, `persistent-https`), or 0.
fn scheme_len(s: &str) -> usize {
    s.char_indices()
        .take_while(|&(i, c)| is_scheme_char(i == 0, c))
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// A Windows drive path (`C:\x`, `C:/x`): local, never scp-like.
fn is_dos_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'/' || b[2] == b'\\')
}

/// Parses any remote URL git accepts into its parts.
pub fn parse(input: &str) -> Result<RemoteUrl, Refusal> {
    if input.is_empty() {
        return Err(Refusal::Empty);
    }
    let scheme_end = scheme_len(input);
    let rest = &input[scheme_end..];
    if scheme_end > 0 && rest.starts_with("::") {
        return Ok(local_like(Kind::Helper, input));
    }
    if scheme_end > 0 && rest.starts_with("://") {
        // Case-sensitive, as in git: `SSH://` names a remote helper `git-remote-SSH`.
        let after = &rest[3..];
        return match &input[..scheme_end] {
            "ssh" | "git+ssh" | "ssh+git" => parse_authority_url(Kind::Ssh, after),
            "git" => parse_authority_url(Kind::Git, after),
            "http" => parse_http(Kind::Http, input),
            "https" => parse_http(Kind::Https, input),
            "ftp" | "ftps" => parse_authority_url(Kind::Ftp, after),
            "file" => Ok(local_like(Kind::Local, input)),
            _ => Ok(local_like(Kind::Helper, input)),
        };
    }
    // git's url_is_local_not_ssh(): no colon, or a slash before the first colon.
    let colon = input.find(':');
    let slash = input.find('/');
    match (colon, slash) {
        (None, _) => Ok(local_like(Kind::Local, input)),
        (Some(c), Some(s)) if s < c => Ok(local_like(Kind::Local, input)),
        // Deviation: git treats `C:/x` as scp-like to host `C` except on Windows; a one-letter
        // host is implausible, a drive letter is not.
        _ if is_dos_drive(input) => Ok(local_like(Kind::Local, input)),
        _ => parse_scp(input),
    }
}

fn local_like(kind: Kind, input: &str) -> RemoteUrl {
    RemoteUrl {
        kind,
        user: None,
        host: String::new(),
        port: None,
        path: input.to_string(),
        has_password: false,
        user_is_token: false,
    }
}

/// `[user@]host:path`, `[user@host]:path`, `user@[v6]:path`, `[v6]:path`.
fn parse_scp(input: &str) -> Result<RemoteUrl, Refusal> {
    let (user_host, path) = if let Some(stripped) = input.strip_prefix('[') {
        // `[user@host:port]:path` (old git) or `[host]:path`
        let close = stripped.find(']').ok_or(Refusal::UnclosedBracket)?;
        let inner = &stripped[..close];
        let after = &stripped[close + 1..];
        let path = after
            .strip_prefix(':')
            .ok_or_else(|| Refusal::Invalid(format!("expected ':' after ']' in {input:?}")))?;
        (inner.to_string(), path)
    } else if let Some(at) = input.find("@[") {
        let rest = &input[at + 2..];
        let close = rest.find(']').ok_or(Refusal::UnclosedBracket)?;
        let path = rest[close + 1..]
            .strip_prefix(':')
            .ok_or_else(|| Refusal::Invalid(format!("expected ':' after ']' in {input:?}")))?;
        (format!("{}@[{}]", &input[..at], &rest[..close]), path)
    } else {
        let c = input.find(':').expect("caller saw a colon");
        (input[..c].to_string(), &input[c + 1..])
    };
    let (user, hostport) = match user_host.rfind('@') {
        Some(at) => (Some(user_host[..at].to_string()), &user_host[at + 1..]),
        None => (None, user_host.as_str()),
    };
    let (host, port) = split_host_port(hostport, true)?;
    finish_ssh_like(Kind::Scp, user, host, port, path.to_string())
}

/// Splits `host`, `host:port`, `[v6]`, `[v6]:port`. In the scp-like form the bracket may also
/// hold a bare v6 address without a port.
fn split_host_port(s: &str, inner_may_be_v6: bool) -> Result<(String, Option<u16>), Refusal> {
    if let Some(rest) = s.strip_prefix('[') {
        let close = rest.find(']').ok_or(Refusal::UnclosedBracket)?;
        let host = &rest[..close];
        let after = &rest[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => parse_port(p)?,
            None if after.is_empty() => None,
            None => return Err(Refusal::Invalid(format!("unexpected {after:?} after ']'"))),
        };
        return Ok((host.to_string(), port));
    }
    if inner_may_be_v6 && s.matches(':').count() > 1 {
        return Ok((s.to_string(), None));
    }
    match s.rsplit_once(':') {
        Some((h, p)) => Ok((h.to_string(), parse_port(p)?)),
        None => Ok((s.to_string(), None)),
    }
}

fn parse_port(p: &str) -> Result<Option<u16>, Refusal> {
    if p.is_empty() {
        return Ok(None); // `ssh://host:/path`: git reads an empty port as the default
    }
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(Refusal::BadPort(p.to_string())),
        Ok(n) => Ok(Some(n)),
    }
}

/// `ssh://`, `git://`, `ftp://`: authority up to the first `/`, the rest is the path.
/// git percent-decodes such URLs before use (`url_decode` in `connect.c`), so do we.
fn parse_authority_url(kind: Kind, after_scheme: &str) -> Result<RemoteUrl, Refusal> {
    // A bracketed host may hold '/'-free colons; find the path start after any bracket.
    let search_from = match (after_scheme.find('['), after_scheme.find('/')) {
        (Some(b), Some(s)) if b < s => after_scheme[b..].find(']').map_or(0, |c| b + c),
        _ => 0,
    };
    let path_start = after_scheme[search_from..]
        .find('/')
        .map(|i| i + search_from);
    let (authority, path) = match path_start {
        Some(i) => (&after_scheme[..i], &after_scheme[i..]),
        None => (after_scheme, ""),
    };
    let (user, hostport) = match authority.rfind('@') {
        Some(at) => (Some(percent_decode(&authority[..at])), &authority[at + 1..]),
        None => (None, authority),
    };
    let (host, port) = split_host_port(hostport, false)?;
    let mut user = user;
    let mut has_password = false;
    if let Some(u) = &user {
        if let Some((name, _secret)) = u.split_once(':') {
            has_password = true;
            user = Some(name.to_string());
        }
    }
    let mut url = finish_ssh_like(
        kind,
        user,
        percent_decode(&host),
        port,
        percent_decode(path),
    )?;
    url.has_password = has_password;
    Ok(url)
}

fn finish_ssh_like(
    kind: Kind,
    user: Option<String>,
    host: String,
    port: Option<u16>,
    path: String,
) -> Result<RemoteUrl, Refusal> {
    if host.is_empty() {
        return Err(Refusal::EmptyHost);
    }
    if host.starts_with('-') {
        return Err(Refusal::DashHost(host));
    }
    if let Some(u) = &user {
        if u.starts_with('-') {
            return Err(Refusal::DashUser(u.clone()));
        }
    }
    Ok(RemoteUrl {
        kind,
        user,
        host: host.to_ascii_lowercase(),
        port,
        path,
        has_password: false,
        user_is_token: false,
    })
}

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
    Ok(RemoteUrl {
        kind,
        user,
        host,
        port: u.port(),
        path: percent_decode(u.path()),
        has_password: u.password().is_some(),
        user_is_token,
    })
}

/// Decodes `%XX` escapes; invalid escapes and non-UTF-8 results are kept as written.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
