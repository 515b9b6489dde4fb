//! Verifying a token with the forge's REST API (`GET {api}/user`), reaching and trusting the
//! server exactly as git would for that URL.
//!
//! TLS is OpenSSL (through `native-tls`), git's own TLS library on Linux: a self-signed server
//! certificate marked `CA:TRUE` (what `openssl req -x509` makes) and present in the CA file is
//! accepted, as git accepts it. The trust roots are `GIT_SSL_CAINFO` / `http.<url>.sslCAInfo`
//! and `GIT_SSL_CAPATH` / `http.<url>.sslCAPath` when set, else the system's. The proxy is
//! `http.<url>.proxy`, else `HTTPS_PROXY`/`https_proxy`, else `ALL_PROXY`/`all_proxy`, with
//! `NO_PROXY`/`no_proxy` honoured, as git and curl pick them. Redirects are not followed, so
//! the token goes to the API URL and nowhere else.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

use crate::core::net;
use crate::core::redact::Redacted;
use crate::core::token::Secret;

/// What the API says about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub login: String,
    /// `X-OAuth-Scopes`; `None` for fine-grained tokens, which have no scopes header.
    pub scopes: Option<Vec<String>>,
    /// `GitHub-Authentication-Token-Expiration`, as sent.
    pub expires: Option<String>,
}

impl TokenInfo {
    /// A classic token without `repo` can only read public repositories.
    pub fn lacks_repo(&self) -> bool {
        self.scopes
            .as_ref()
            .is_some_and(|s| !s.iter().any(|x| x == "repo"))
    }
}

/// Why verification failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the token was rejected by {host} ({status} from {url})")]
    Rejected {
        host: String,
        status: u16,
        url: String,
    },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error(
        "{url} redirects to {to}; the token is not sent there (give the API's own URL with --api-url)"
    )]
    Redirect { url: String, to: Redacted },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url}: {reason}")]
    BadAnswer { url: String, reason: String },
}

/// How git would reach one URL: its TLS trust, verification and proxy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Network {
    /// PEM files of trusted certificates (`sslCAInfo`); none: the system's.
    pub ca_file: Option<PathBuf>,
    /// A folder of trusted certificates (`sslCAPath`).
    pub ca_path: Option<PathBuf>,
    /// `http.sslVerify` (and `GIT_SSL_NO_VERIFY`).
    pub verify: bool,
    /// The proxy, after `NO_PROXY`.
    pub proxy: Option<String>,
    /// Where each setting came from, for messages (`http.proxy`, `$HTTPS_PROXY`).
    pub proxy_from: Option<String>,
}

impl Network {
    /// One line for `-v` and errors: what the check used.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (&self.ca_file, &self.ca_path) {
            (None, None) => parts.push("the system's CA certificates".to_string()),
            (f, p) => {
                if let Some(f) = f {
                    parts.push(format!("CA file {}", f.display()));
                }
                if let Some(p) = p {
                    parts.push(format!("CA folder {}", p.display()));
                }
            }
        }
        if let (Some(p), Some(from)) = (&self.proxy, &self.proxy_from) {
            parts.push(format!("proxy {} ({from})", Redacted::new(p)));
        }
        parts.join(", ")
    }
}

/// Every certificate in a PEM file.
fn pem_certs(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let pem =
        std::fs::read(path).with_context(|| format!("cannot read CA file {}", path.display()))?;
    Ok(ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c.to_owned()),
            _ => None,
        })
        .collect())
}

/// The trust roots: the CA file and folder git would use, or the system's.
fn roots(net: &Network) -> Result<RootCerts> {
    if net.ca_file.is_none() && net.ca_path.is_none() {
        return Ok(RootCerts::PlatformVerifier);
    }
    let mut certs = Vec::new();
    if let Some(f) = &net.ca_file {
        certs.extend(pem_certs(f)?);
    }
    if let Some(dir) = &net.ca_path {
        let entries = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read CA folder {}", dir.display()))?;
        // OpenSSL's hashed names and plain .pem files alike; files that are not PEM are skipped.
        for e in entries.flatten() {
            if e.path().is_file() {
                certs.extend(pem_certs(&e.path()).unwrap_or_default());
            }
        }
    }
    if certs.is_empty() {
        bail!("no CA certificates found in {}", net.describe());
    }
    Ok(RootCerts::Specific(Arc::new(certs)))
}

/// A forge login: letters, digits, `.`, `_`, `-` (and a GitHub app's `[bot]`), at most 100.
pub fn is_login(s: &str) -> bool {
    let name = s.strip_suffix("[bot]").unwrap_or(s);
    !name.is_empty()
        && s.len() <= 100
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Whether a token may be sent to `url` at all: HTTPS with verification on, or plain HTTP to a
/// loopback address.
pub fn check_transport(url: &str, net: &Network) -> Result<()> {
    let u = url::Url::parse(url).map_err(|e| anyhow!("--api-url {url:?}: {e}"))?;
    let host = u.host_str().unwrap_or_default();
    match u.scheme() {
        "https" if net.verify => Ok(()),
        "https" => Err(crate::error::with_hint(
            format!(
                "git is set not to verify TLS for {url} (http.sslVerify=false or GIT_SSL_NO_VERIFY); refusing to send the token to an unverified server"
            ),
            "turn verification back on for this URL, or pass --no-verify to skip the API check",
        )),
        "http" if net::is_loopback(host) => Ok(()),
        "http" => Err(crate::error::with_hint(
            format!("refusing to send the token over plain HTTP to {url}"),
            "use the API's https:// URL (only loopback addresses may use http://)",
        )),
        other => bail!("--api-url {url:?}: unsupported scheme {other:?}"),
    }
}

/// `GET {api}/user` with the token as a Bearer credential, reached as `net` says.
pub fn verify(
    api: &str,
    host: &str,
    token: &Secret,
    net: &Network,
) -> Result<Result<TokenInfo, VerifyError>> {
    let url = format!("{api}/user");
    check_transport(&url, net)?;
    let tls = TlsConfig::builder()
        .provider(TlsProvider::NativeTls)
        .root_certs(roots(net)?)
        .build();
    // Plain HTTP goes only to loopback, and never through a proxy (that would carry the
    // token in clear text to another machine).
    let proxy = match &net.proxy {
        Some(_) if url.starts_with("http://") => None,
        Some(p) => Some(
            ureq::Proxy::new(&net::proxy_url(p))
                .map_err(|e| anyhow!("proxy {}: {e}", Redacted::new(p)))?,
        ),
        None => None,
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .proxy(proxy)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(concat!("git-https/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let auth = zeroize::Zeroizing::new(format!("Bearer {}", token.expose()));
    let response = match agent
        .get(&url)
        .header("Authorization", auth.as_str())
        .header("Accept", "application/vnd.github+json")
        .call()
    {
        Ok(r) => r,
        // The error text names the URL and the cause, never the header.
        Err(e) => {
            return Ok(Err(VerifyError::Unreachable {
                url,
                reason: format!("{e} (using {})", net.describe()),
            }));
        }
    };
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    if (300..400).contains(&status) {
        return Ok(Err(VerifyError::Redirect {
            url,
            to: Redacted::new(&header("location").unwrap_or_default()),
        }));
    }
    if status == 401 || status == 403 {
        return Ok(Err(VerifyError::Rejected {
            host: host.to_string(),
            status,
            url,
        }));
    }
    if status != 200 {
        return Ok(Err(VerifyError::Status { url, status }));
    }
    let scopes = header("x-oauth-scopes").map(|s| {
        s.split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    });
    let expires = header("github-authentication-token-expiration");
    let mut response = response;
    let body: serde_json::Value = match response.body_mut().read_json() {
        Ok(v) => v,
        Err(e) => {
            return Ok(Err(VerifyError::BadAnswer {
                url,
                reason: e.to_string(),
            }));
        }
    };
    let Some(login) = body.get("login").and_then(|l| l.as_str()) else {
        return Ok(Err(VerifyError::BadAnswer {
            url,
            reason: "no \"login\" in the answer".into(),
        }));
    };
    // The login becomes the user name git sends: only a forge's login characters.
    if !is_login(login) {
        return Ok(Err(VerifyError::BadAnswer {
            url,
            reason: format!("unusable login {:?}", Redacted::new(login)),
        }));
    }
    Ok(Ok(TokenInfo {
        login: login.to_string(),
        scopes,
        expires,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_and_unverified_tls_never_carry_a_token() {
        let on = Network {
            verify: true,
            ..Network::default()
        };
        assert!(check_transport("https://api.github.com/user", &on).is_ok());
        assert!(check_transport("http://127.0.0.1:8080/user", &on).is_ok());
        assert!(check_transport("http://ghe.corp/api/v3/user", &on).is_err());
        let off = Network::default();
        assert!(check_transport("https://ghe.corp/api/v3/user", &off).is_err());
    }

    #[test]
    fn logins() {
        for ok in ["octocat", "a.b_c-d", "dependabot[bot]"] {
            assert!(is_login(ok), "{ok}");
        }
        for bad in [
            "",
            "x\nhost=evil",
            "a b",
            "\x1b]0;x",
            "u@h",
            "u:p",
            &"a".repeat(101),
        ] {
            assert!(!is_login(bad), "{bad:?}");
        }
    }
}
