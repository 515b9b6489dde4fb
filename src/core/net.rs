//! Pure: what `--host` may be, and how git (through curl) decides whether to use a proxy and
//! whether a plain-HTTP URL may carry a token.

/// Normalises `--host`: a scheme (`https://`) and a trailing `/` are dropped, the name is
/// lower-cased; a port stays. Only a host name, an IPv4 address or a bracketed IPv6 address
/// with an optional port is accepted: anything git would read as a path, query, fragment or
/// user (`/`, `?`, `#`, `@`), whitespace, quotes or control characters is refused.
pub fn normalize_host(input: &str) -> Result<String, String> {
    let bad = |why: &str| {
        Err(format!(
            "--host {}: {why}; expected HOST or HOST:PORT (github.com, ghe.corp:8443, [::1]:8443)",
            crate::core::redact::Redacted::new(input)
        ))
    };
    // A token pasted into the wrong flag is refused without being echoed anywhere.
    if crate::core::token::holds_secret(input) {
        return Err(
            "--host: that looks like a token, not a host (not shown); expected HOST or HOST:PORT"
                .to_string(),
        );
    }
    let h = input.strip_prefix("https://").unwrap_or(input);
    let h = h.strip_suffix('/').unwrap_or(h);
    if h.is_empty() {
        return bad("empty");
    }
    if let Some(c) = h
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "/?#@\"'`\\<>%".contains(*c))
    {
        return bad(&format!("{c:?} is not allowed in a host"));
    }
    let (name, port) = if let Some(rest) = h.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return bad("unclosed '['");
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return bad("not an IPv6 address in brackets");
        }
        match after {
            "" => (format!("[{v6}]"), None),
            p if p.starts_with(':') => (format!("[{v6}]"), Some(&p[1..])),
            _ => return bad("junk after ']'"),
        }
    } else {
        match h.rsplit_once(':') {
            Some((n, p)) => (n.to_string(), Some(p)),
            None => (h.to_string(), None),
        }
    };
    if !name.starts_with('[') {
        let label_ok = |l: &str| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if name.starts_with('.') || !name.trim_end_matches('.').split('.').all(label_ok) {
            return bad("not a host name");
        }
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && !p.starts_with('0') => Some(n),
            _ => return bad(&format!("bad port {p:?}")),
        },
    };
    let name = name.to_ascii_lowercase();
    Ok(match port {
        Some(p) => format!("{name}:{p}"),
        None => name,
    })
}

/// `--host HOST[/ORG]`: the host (as [`normalize_host`] gives it) and an organization that
/// narrows the credential to `https://HOST/ORG` (Azure DevOps: one token per organization).
pub fn split_scope(input: &str) -> Result<(String, Option<String>), String> {
    let h = input.strip_prefix("https://").unwrap_or(input);
    let h = h.strip_suffix('/').unwrap_or(h);
    let (host, org) = match h.split_once('/') {
        Some((host, org)) => (host, Some(org)),
        None => (h, None),
    };
    let host = normalize_host(host)?;
    let Some(org) = org else {
        return Ok((host, None));
    };
    let ok = !org.is_empty()
        && !org.starts_with(['-', '.'])
        && org
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !ok {
        return Err(format!(
            "--host {}: expected HOST or HOST/ORGANIZATION (dev.azure.com/contoso)",
            crate::core::redact::Redacted::new(input)
        ));
    }
    Ok((host, Some(org.to_string())))
}

/// The host of a credential scope `host[:port][/path]`.
pub fn scope_host(scope: &str) -> &str {
    scope.split('/').next().unwrap_or(scope)
}

/// The organization of a credential scope `host/ORG` (the user name its token is kept under).
pub fn scope_org(scope: &str) -> Option<&str> {
    scope.split_once('/').map(|(_, org)| org)
}

/// The host part of a `host[:port]` (brackets kept off an IPv6 address).
pub fn host_only(host_port: &str) -> &str {
    if let Some(rest) = host_port.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host_port.rsplit_once(':').map_or(host_port, |(h, _)| h)
}

/// A loopback host: `localhost`, 127.0.0.0/8 or `::1`. Only these may be reached over plain
/// HTTP with a token (a test server, or a tunnel the user set up).
pub fn is_loopback(host: &str) -> bool {
    let h = host_only(host);
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `NO_PROXY` (curl's rules) exempts `host`: a comma-separated list where `*` matches
/// everything and an entry matches the host itself or any name under it; a leading `.` is
/// ignored, ports in entries are ignored, comparison is case-insensitive.
pub fn no_proxy_matches(no_proxy: &str, host: &str) -> bool {
    let host = host_only(host).trim_end_matches('.').to_ascii_lowercase();
    no_proxy.split(',').map(str::trim).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = entry.trim_start_matches('.');
        let entry = match entry.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(v6),
            None if entry.matches(':').count() == 1 => host_only(entry),
            None => entry,
        };
        let entry = entry.trim_end_matches('.').to_ascii_lowercase();
        !entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}")))
    })
}

/// A proxy as git takes it (`http.proxy`, `HTTPS_PROXY`): `host:port` means `http://host:port`.
pub fn proxy_url(proxy: &str) -> String {
    if proxy.contains("://") {
        proxy.to_string()
    } else {
        format!("http://{proxy}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            normalize_host("https://GHE.corp:8443/").unwrap(),
            "ghe.corp:8443"
        );
        assert_eq!(normalize_host("github.com").unwrap(), "github.com");
        assert_eq!(normalize_host("127.0.0.1:443").unwrap(), "127.0.0.1:443");
        assert_eq!(normalize_host("[::1]:8443").unwrap(), "[::1]:8443");
        for bad in [
            "a.com?x=1",
            "a.com#f",
            "a/b",
            "u@a.com",
            "a .com",
            "a.com:x",
            "a.com:0",
            "a.com:65536",
            "-a.com",
            "",
            "[::1",
            "[zz]",
            "'a.com'",
            "a.com\n",
            ".a.com",
            "a..com",
        ] {
            assert!(normalize_host(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn loopback_and_no_proxy() {
        assert!(
            is_loopback("127.0.0.1:8080") && is_loopback("localhost") && is_loopback("[::1]:1")
        );
        assert!(!is_loopback("example.com") && !is_loopback("10.0.0.1"));
        assert!(no_proxy_matches("*", "x.y"));
        assert!(no_proxy_matches("example.com, .corp", "api.example.com"));
        assert!(no_proxy_matches("example.com", "EXAMPLE.com:443"));
        assert!(no_proxy_matches(".corp", "ghe.corp"));
        assert!(no_proxy_matches("127.0.0.1:9", "127.0.0.1:443"));
        assert!(!no_proxy_matches("example.com", "badexample.com"));
        assert!(!no_proxy_matches("", "x"));
        assert_eq!(proxy_url("proxy:3128"), "http://proxy:3128");
    }

    #[test]
    fn a_scope_is_a_host_and_an_organization() {
        assert_eq!(
            split_scope("https://dev.azure.com/contoso/").unwrap(),
            ("dev.azure.com".into(), Some("contoso".into()))
        );
        assert_eq!(
            split_scope("GitHub.com").unwrap(),
            ("github.com".into(), None)
        );
        for bad in [
            "dev.azure.com/a/b",
            "dev.azure.com/-x",
            "dev.azure.com/a%2fb",
            "/org",
        ] {
            assert!(split_scope(bad).is_err(), "{bad}");
        }
        assert_eq!(scope_host("dev.azure.com/contoso"), "dev.azure.com");
        assert_eq!(scope_org("dev.azure.com/contoso"), Some("contoso"));
        assert_eq!(scope_org("ghe.corp:8443"), None);
    }
}
