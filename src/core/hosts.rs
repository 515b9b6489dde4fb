//! Pure: where an SSH host's repositories live over HTTPS.
//!
//! Order: a user map for the host as written (an ssh alias may be mapped directly), the ssh
//! alias resolved to its `HostName`, a user map for that real host, the forges' known SSH
//! front doors (`ssh.github.com`, Azure DevOps), and finally `https://HOST`.

use crate::core::redact::Redacted;
use crate::core::url::{Refusal, encode_path};

/// One `--map SSH_HOST=HTTPS_BASE` or config-file entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostMap {
    pub ssh_host: String,
    pub https_base: String,
}

impl HostMap {
    /// Parses `SSH_HOST=HTTPS_BASE`; the base may be given without a scheme.
    pub fn parse(spec: &str) -> Result<HostMap, String> {
        // Only the SSH host is shown: a base may hold a password or token by mistake, in a
        // shape no redaction knows.
        let (host, base) = spec
            .split_once('=')
            .ok_or_else(|| "--map: expected SSH_HOST=HTTPS_BASE".to_string())?;
        let shown = Redacted::new(host.trim());
        HostMap::new(host, base).map_err(|e| format!("--map {shown}=…: {e}"))
    }

    pub fn new(host: &str, base: &str) -> Result<HostMap, String> {
        let host = host.trim().to_ascii_lowercase();
        if host.is_empty() {
            return Err("empty SSH host".into());
        }
        let base = base.trim();
        let base = if base.contains("://") {
            base.to_string()
        } else {
            format!("https://{base}")
        };
        let u = url::Url::parse(&base).map_err(|e| format!("not a valid HTTPS base: {e}"))?;
        // A user name picks the account git asks its helpers for; a token never goes in a URL.
        let authority = base.split_once("://").map_or("", |(_, rest)| {
            rest.split(['/', '?', '#']).next().unwrap_or("")
        });
        let userinfo = authority.rsplit_once('@').map_or("", |(u, _)| u);
        if u.password().is_some()
            || userinfo.contains(':')
            || crate::core::url::parse(&base).is_ok_and(|p| p.leaks_credentials())
        {
            return Err("the HTTPS base holds a password or token; only a user name may go before the host (https://USER@HOST)".into());
        }
        // A base is a place to put paths under: a query, a fragment or a token in its path
        // would end up in the middle of every remote URL written from it.
        if u.query().is_some()
            || u.fragment().is_some()
            || u.path_segments()
                .is_some_and(|mut segs| segs.any(crate::core::token::holds_secret))
        {
            return Err(format!(
                "the HTTPS base for {} must be a scheme, host and path, without a query, fragment or token",
                Redacted::new(u.host_str().unwrap_or(""))
            ));
        }
        if u.scheme() != "https" && u.scheme() != "http" {
            return Err("the HTTPS base must be an https:// URL".into());
        }
        if u.host_str().is_none() {
            return Err("the HTTPS base has no host".into());
        }
        Ok(HostMap {
            ssh_host: host,
            https_base: base.trim_end_matches('/').to_string(),
        })
    }
}

/// The account an HTTPS base or URL names: its user name, decoded (`None`: no user name).
pub fn account_of(url: &str) -> Option<String> {
    url_account(&url::Url::parse(url).ok()?)
}

/// [`account_of`] for a URL already read.
pub fn url_account(u: &url::Url) -> Option<String> {
    (!u.username().is_empty()).then(|| {
        percent_encoding::percent_decode_str(u.username())
            .decode_utf8_lossy()
            .into_owned()
    })
}

/// `host[:port]` of an HTTPS base or URL, as `--host` spells it.
pub fn host_of(url: &str) -> Option<String> {
    url_host(&url::Url::parse(url).ok()?)
}

/// [`host_of`] for a URL already read.
pub fn url_host(u: &url::Url) -> Option<String> {
    let host = u.host_str()?.to_ascii_lowercase();
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// `Host` blocks of an ssh config, flattened in file order with `Include`s inlined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SshConfig {
    blocks: Vec<SshBlock>,
    /// A `Match` block whose criteria need a live ssh (exec, user, …) sets `HostName`: any
    /// host might be sent elsewhere, so no HTTPS address is guessed.
    pub uncertain: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct SshBlock {
    /// `None` for the lines before the first `Host` (they apply to every host); a `Match`
    /// block gets an empty list and so never applies: its criteria need a live ssh.
    patterns: Option<Vec<String>>,
    hostname: Option<String>,
    /// A `Match` with criteria git-https cannot evaluate.
    unknown_match: bool,
}

impl SshConfig {
    /// Parses one file's text; `include` is the I/O side's hook that reads an `Include`
    /// argument's files, so they land where the directive stands.
    pub fn parse_into(&mut self, text: &str, include: &mut dyn FnMut(&str) -> Option<SshConfig>) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, args) = split_keyword(line);
            match key.to_ascii_lowercase().as_str() {
                "host" => self.blocks.push(SshBlock {
                    patterns: Some(args.iter().map(|a| a.to_ascii_lowercase()).collect()),
                    hostname: None,
                    unknown_match: false,
                }),
                "match" => {
                    // `Match host`/`originalhost` (and `all`) are read; any other criterion
                    // needs a live ssh, so such a block is noted, never applied.
                    let mut patterns = Vec::new();
                    let mut known = true;
                    let mut it = args.iter();
                    while let Some(c) = it.next() {
                        match c.to_ascii_lowercase().as_str() {
                            "all" => patterns.push("*".to_string()),
                            "host" | "originalhost" => match it.next() {
                                Some(list) => {
                                    patterns.extend(list.split(',').map(|p| p.to_ascii_lowercase()))
                                }
                                None => known = false,
                            },
                            _ => known = false,
                        }
                    }
                    self.blocks.push(SshBlock {
                        patterns: Some(if known { patterns } else { Vec::new() }),
                        hostname: None,
                        unknown_match: !known,
                    });
                }
                "hostname" => {
                    if self.blocks.is_empty() {
                        self.blocks.push(SshBlock {
                            patterns: None,
                            hostname: None,
                            unknown_match: false,
                        });
                    }
                    let block = self.blocks.last_mut().expect("pushed above");
                    if block.unknown_match {
                        self.uncertain = true;
                    }
                    // ssh keeps the first value it obtains for a block.
                    if block.hostname.is_none() {
                        block.hostname = args.first().cloned();
                    }
                }
                "include" => {
                    // Inside a Host or Match block, the included lines before their own first
                    // Host line belong to that block (ssh keeps the block's condition).
                    let (outer, outer_unknown) = self
                        .blocks
                        .last()
                        .map_or((None, false), |b| (b.patterns.clone(), b.unknown_match));
                    for arg in &args {
                        if let Some(inner) = include(arg) {
                            self.uncertain |= inner.uncertain;
                            for mut b in inner.blocks {
                                if b.patterns.is_none() {
                                    b.patterns.clone_from(&outer);
                                    b.unknown_match = outer_unknown;
                                    if outer_unknown && b.hostname.is_some() {
                                        self.uncertain = true;
                                    }
                                }
                                self.blocks.push(b);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The literal host names of the `Host` blocks (no wildcards or negations).
    pub fn aliases(&self) -> Vec<String> {
        let mut out = Vec::new();
        for b in &self.blocks {
            for p in b.patterns.iter().flatten() {
                if !p.contains(['*', '?', '!']) && !out.contains(p) {
                    out.push(p.clone());
                }
            }
        }
        out
    }

    /// `self` followed by `other`'s blocks.
    pub fn merged(mut self, other: SshConfig) -> SshConfig {
        self.blocks.extend(other.blocks);
        self.uncertain |= other.uncertain;
        self
    }

    /// The `HostName` ssh would connect to for `alias` (first match wins, as in ssh).
    pub fn resolve(&self, alias: &str) -> Option<String> {
        let alias = alias.to_ascii_lowercase();
        for block in &self.blocks {
            let applies = match &block.patterns {
                None => true,
                Some(p) => host_matches(p, &alias),
            };
            if let (true, Some(name)) = (applies, &block.hostname) {
                let name = name
                    .replace("%h", &alias)
                    .replace("%%", "%")
                    .to_ascii_lowercase();
                return (name != alias).then_some(name);
            }
        }
        None
    }
}

fn split_keyword(line: &str) -> (&str, Vec<String>) {
    let (key, rest) = match line.find(|c: char| c.is_whitespace() || c == '=') {
        Some(i) => (
            &line[..i],
            line[i..].trim_start_matches(|c: char| c.is_whitespace() || c == '='),
        ),
        None => (line, ""),
    };
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in rest.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    args.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        args.push(cur);
    }
    (key, args)
}

/// ssh's pattern-list match: any positive pattern matches and no negated one does.
fn host_matches(patterns: &[String], host: &str) -> bool {
    let mut matched = false;
    for p in patterns {
        if let Some(neg) = p.strip_prefix('!') {
            if wildcard(neg, host) {
                return false;
            }
        } else if wildcard(p, host) {
            matched = true;
        }
    }
    matched
}

/// `*` and `?` wildcards, as in ssh's `match_pattern`.
fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Everything that decides an SSH host's HTTPS base.
#[derive(Debug, Clone, Default)]
pub struct HostRules {
    /// Later entries win, so `--map` flags are appended after the config file's.
    pub maps: Vec<HostMap>,
    pub ssh: SshConfig,
}

/// Where a repository lives over HTTPS: a base URL and the path below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub base: String,
    pub path: String,
}

impl HostRules {
    fn mapped(&self, host: &str) -> Option<&HostMap> {
        self.maps.iter().rev().find(|m| m.ssh_host == host)
    }

    /// The HTTPS base a user rule gives `host` (as written or through its ssh alias).
    pub fn mapped_base(&self, host: &str) -> Option<&str> {
        let host = host.to_ascii_lowercase();
        self.mapped(&host)
            .or_else(|| self.ssh.resolve(&host).and_then(|real| self.mapped(&real)))
            .map(|m| m.https_base.as_str())
    }

    /// The HTTPS target for repository `rel` (the path git requests, no leading '/') on SSH
    /// host `host`; the path comes back percent-encoded.
    pub fn resolve(&self, host: &str, rel: &[u8]) -> Result<Target, Refusal> {
        let host = host.to_ascii_lowercase();
        let encoded = || encode_path(rel);
        if let Some(m) = self.mapped(&host) {
            return Ok(Target {
                base: m.https_base.clone(),
                path: encoded(),
            });
        }
        if self.ssh.uncertain {
            return Err(Refusal::SshMatch(host));
        }
        let alias = self.ssh.resolve(&host);
        let real = alias.clone().unwrap_or_else(|| host.clone());
        if let Some(m) = self.mapped(&real) {
            return Ok(Target {
                base: m.https_base.clone(),
                path: encoded(),
            });
        }
        if real.starts_with('-') {
            return Err(Refusal::DashHost(real));
        }
        if let Some(t) = known_host(&real, rel) {
            return t;
        }
        // A dotless name that no rule or alias explains (`git@work:…`) is some machine's
        // private nickname: its HTTPS address is a guess.
        if alias.is_none() && !real.contains('.') && !is_ip(&real) && real != "localhost" {
            return Err(Refusal::UnknownHost(host));
        }
        let bracketed = if real.contains(':') {
            format!("[{real}]")
        } else {
            real.clone()
        };
        Ok(Target {
            base: format!("https://{bracketed}"),
            path: encoded(),
        })
    }
}

/// An IP address as the resolver reads it: IPv6, or IPv4 in `inet_aton`'s forms.
fn is_ip(host: &str) -> bool {
    host.parse::<std::net::Ipv6Addr>().is_ok() || crate::core::url::is_ipv4(host)
}

/// The forges whose SSH host differs from their web host. A fully qualified name with its
/// final dot (`ssh.github.com.`) is the same host, so it maps the same way.
fn known_host(host: &str, rel: &[u8]) -> Option<Result<Target, Refusal>> {
    let host = host.strip_suffix('.').unwrap_or(host);
    let simple = |web: &str| {
        Some(Ok(Target {
            base: format!("https://{web}"),
            path: encode_path(rel),
        }))
    };
    match host {
        // SSH over port 443 front doors.
        "ssh.github.com" => simple("github.com"),
        "altssh.gitlab.com" => simple("gitlab.com"),
        "altssh.bitbucket.org" => simple("bitbucket.org"),
        "ssh.dev.azure.com" => Some(azure(rel).map(|(org, project, repo)| Target {
            base: format!("https://dev.azure.com/{org}"),
            path: format!("{project}/_git/{repo}"),
        })),
        "vs-ssh.visualstudio.com" => Some(azure(rel).and_then(|(org, project, repo)| {
            // The organisation becomes a host name here: only a DNS label will do.
            if org.is_empty()
                || org.starts_with('-')
                || !org.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(Refusal::AzurePath(
                    String::from_utf8_lossy(rel).into_owned(),
                ));
            }
            Ok(Target {
                base: format!("https://{org}.visualstudio.com"),
                path: format!("{project}/_git/{repo}"),
            })
        })),
        _ => None,
    }
}

/// `v3/ORG/PROJECT/REPO` → its three names, ready for a URL. Azure's SSH paths are already
/// percent-encoded (`My%20Project`), so valid escapes are kept as they are and only what a URL
/// cannot hold is encoded. A name that decodes to `.` or `..` (`%2e%2e`) or holds a `/` or `\`
/// is refused: kept as an escape, URL parsers (browsers, the `url` crate) would resolve or
/// split it into another path, and Azure names can be none of these.
fn azure(rel: &[u8]) -> Result<(String, String, String), Refusal> {
    let text = String::from_utf8_lossy(rel);
    let parts: Vec<&str> = text.split('/').collect();
    let unsafe_name = |seg: &str| {
        let decoded = crate::core::url::percent_decode_bytes(seg.as_bytes());
        decoded == b"." || decoded == b".." || decoded.iter().any(|&b| b == b'/' || b == b'\\')
    };
    if parts.len() == 4 && parts[1..].iter().any(|seg| unsafe_name(seg)) {
        return Err(Refusal::AzurePath(text.into_owned()));
    }
    let enc = |seg: &str| {
        let b = seg.as_bytes();
        let mut out = String::new();
        let mut i = 0;
        while i < b.len() {
            let escape = b[i] == b'%'
                && i + 2 < b.len()
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit();
            if escape {
                out.push_str(&seg[i..i + 3]);
                i += 3;
            } else {
                out.push_str(&encode_path(&b[i..i + 1]));
                i += 1;
            }
        }
        out
    };
    match parts.as_slice() {
        ["v3", org, project, repo]
            if !org.is_empty() && !project.is_empty() && !repo.is_empty() =>
        {
            Ok((enc(org), enc(project), enc(repo)))
        }
        _ => Err(Refusal::AzurePath(text.into_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_may_name_the_account_but_never_hold_a_secret() {
        let m = HostMap::parse("gh-work=https://alice@github.com").unwrap();
        let rules = HostRules {
            maps: vec![m],
            ..HostRules::default()
        };
        assert_eq!(
            rules.resolve("gh-work", b"o/r.git").unwrap().base,
            "https://alice@github.com"
        );
        let e = HostMap::parse("gh-work=https://alice:CANARYpw@github.com").unwrap_err();
        assert!(
            e.contains("password or token") && !e.contains("CANARY"),
            "{e}"
        );
        let e =
            HostMap::parse("gh-work=https://ghp_CANARYcanaryCANARYcanaryCANARY012345@github.com")
                .unwrap_err();
        assert!(
            e.contains("password or token") && !e.contains("CANARY"),
            "{e}"
        );
        for bad in [
            "https://h/?t=x",
            "https://h/#x",
            "https://h/ghp_CANARYcanaryCANARYcanaryCANARY012345",
        ] {
            let e = HostMap::parse(&format!("a={bad}")).unwrap_err();
            assert!(!e.contains("CANARY"), "{e}");
        }
        let e = HostMap::parse("gh-work=https://u:@github.com").unwrap_err();
        assert!(e.contains("password or token"), "{e}");
        let e = HostMap::parse("gh-work=ftp://alice:CANARYpw@github.com").unwrap_err();
        assert!(!e.contains("CANARY"), "{e}");
    }

    fn ssh(text: &str) -> SshConfig {
        let mut c = SshConfig::default();
        c.parse_into(text, &mut |_| None);
        c
    }

    #[test]
    fn aliases_resolve_first_match_wins() {
        let c = ssh(
            "Host github-work gh-*\n  HostName github.com\n  User git\nHost *\n  HostName fallback\n",
        );
        assert_eq!(c.resolve("github-work").as_deref(), Some("github.com"));
        assert_eq!(c.resolve("gh-personal").as_deref(), Some("github.com"));
        assert_eq!(c.resolve("other").as_deref(), Some("fallback"));
    }

    #[test]
    fn negation_token_and_match() {
        let c =
            ssh("Match host x\n HostName nope\nHost *.corp !bad.corp\n HostName=%h.example.org\n");
        assert_eq!(
            c.resolve("git.corp").as_deref(),
            Some("git.corp.example.org")
        );
        assert_eq!(c.resolve("bad.corp"), None);
        // `Match host` applies as ssh applies it.
        assert_eq!(c.resolve("x").as_deref(), Some("nope"));
        assert!(!c.uncertain);
        assert!(ssh("Match exec true\n HostName h\n").uncertain);
    }

    #[test]
    fn includes_are_inlined() {
        let mut c = SshConfig::default();
        c.parse_into("Include work.conf\nHost a\n HostName b\n", &mut |arg| {
            assert_eq!(arg, "work.conf");
            Some(ssh("Host a\n HostName from-include\n"))
        });
        assert_eq!(c.resolve("a").as_deref(), Some("from-include"));
    }

    #[test]
    fn maps_and_known_hosts() {
        let mut rules = HostRules::default();
        rules
            .maps
            .push(HostMap::parse("ghe.corp=https://ghe.corp:8443").unwrap());
        rules
            .maps
            .push(HostMap::parse("gitlab-alias=git.example.com/gitlab").unwrap());
        let t = rules.resolve("GHE.corp", b"o/r.git").unwrap();
        assert_eq!(t.base, "https://ghe.corp:8443");
        assert_eq!(
            rules.resolve("gitlab-alias", b"o/r").unwrap().base,
            "https://git.example.com/gitlab"
        );
        assert_eq!(
            rules.resolve("ssh.github.com", b"o/r").unwrap().base,
            "https://github.com"
        );
        let az = rules
            .resolve("ssh.dev.azure.com", b"v3/org/proj/repo")
            .unwrap();
        assert_eq!(
            (az.base.as_str(), az.path.as_str()),
            ("https://dev.azure.com/org", "proj/_git/repo")
        );
        assert!(matches!(
            rules.resolve("ssh.dev.azure.com", b"org/repo"),
            Err(Refusal::AzurePath(_))
        ));
        // Azure keeps its own escapes; a space is encoded.
        let az = rules
            .resolve("ssh.dev.azure.com", b"v3/org/My%20Project/a b")
            .unwrap();
        assert_eq!(az.path, "My%20Project/_git/a%20b");
    }

    #[test]
    fn dotless_hosts_need_a_rule_or_an_alias() {
        let mut rules = HostRules::default();
        assert!(matches!(
            rules.resolve("work", b"o/r"),
            Err(Refusal::UnknownHost(_))
        ));
        for ok in ["localhost", "127.1", "1234", "0x7f.1", "::1", "a.b"] {
            assert!(rules.resolve(ok, b"o/r").is_ok(), "{ok}");
        }
        rules
            .maps
            .push(HostMap::parse("work=https://git.work.example").unwrap());
        assert_eq!(
            rules.resolve("work", b"o/r").unwrap().base,
            "https://git.work.example"
        );
    }

    #[test]
    fn map_parse_errors() {
        assert!(HostMap::parse("nohost").is_err());
        assert!(HostMap::parse("h=ftp://x").is_err());
        assert!(HostMap::parse("=https://x").is_err());
    }
}
