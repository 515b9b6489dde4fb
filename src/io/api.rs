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

use crate::core::forge::{self, Forge};
use crate::core::net;
use crate::core::redact::Redacted;
use crate::core::token::Secret;

/// What the API says about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub forge: Forge,
    pub login: String,
    /// `X-OAuth-Scopes`; `None` for fine-grained tokens, which have no scopes header.
    pub scopes: Option<Vec<String>>,
    /// `GitHub-Authentication-Token-Expiration`, as sent.
    pub expires: Option<String>,
}

impl TokenInfo {
    /// A token whose scopes (where the forge reports them) do not allow a push.
    pub fn lacks_repo(&self) -> bool {
        self.scopes
            .as_ref()
            .is_some_and(|s| self.forge.lacks_write(s))
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
    /// The server's certificate is not trusted with the CA settings git would use: the fix is
    /// git's CA setting, and `detail` (the TLS library's words) is for `-v`.
    #[error(
        "cannot reach {url}: its TLS certificate is not trusted {trust}, and git would refuse it the same way"
    )]
    Untrusted {
        url: String,
        trust: String,
        detail: String,
    },
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

/// An HTTPS agent that reaches servers as `net` says: git's trust roots, no redirects, the
/// proxy (never for plain HTTP, which goes only to loopback).
fn agent(url: &str, net: &Network) -> Result<ureq::Agent> {
    let tls = TlsConfig::builder()
        .provider(TlsProvider::NativeTls)
        .root_certs(roots(net)?)
        .build();
    let proxy = match &net.proxy {
        Some(_) if url.starts_with("http://") => None,
        Some(p) => Some(
            ureq::Proxy::new(&net::proxy_url(p))
                .map_err(|e| anyhow!("proxy {}: {e}", Redacted::new(p)))?,
        ),
        None => None,
    };
    Ok(ureq::Agent::config_builder()
        .tls_config(tls)
        .proxy(proxy)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(concat!("git-https/", env!("CARGO_PKG_VERSION")))
        .build()
        .into())
}

/// Whether a connection failed because the server's certificate is not trusted (OpenSSL,
/// Windows' Schannel and Apple's Security framework each say it their way).
pub fn is_untrusted(reason: &str) -> bool {
    [
        "certificate verify failed",
        "issued by an authority that is not trusted",
        "certificate is not trusted",
    ]
    .iter()
    .any(|m| reason.contains(m))
}

/// An answer: status, headers (lower-case names), the JSON body (null when it is not JSON).
type Answered = (u16, Vec<(String, String)>, serde_json::Value);

/// One GET.
fn get(agent: &ureq::Agent, req: &forge::Request) -> std::result::Result<Answered, String> {
    let mut call = agent.get(&req.url).header("Accept", req.accept);
    if let Some(a) = &req.authorization {
        call = call.header("Authorization", a.as_str());
    }
    // The error text names the URL and the cause, never the header.
    let mut response = call.call().map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str().to_ascii_lowercase(),
                v.to_str().ok()?.to_string(),
            ))
        })
        .collect();
    let body = response
        .body_mut()
        .read_json::<serde_json::Value>()
        .unwrap_or(serde_json::Value::Null);
    Ok((status, headers, body))
}

/// Asks `forge`'s API who `token` belongs to (and, where it says, its scopes and expiry),
/// reached as `net` says.
pub fn verify(
    forge: Forge,
    api: &str,
    host: &str,
    token: &Secret,
    net: &Network,
) -> Result<Result<TokenInfo, VerifyError>> {
    if let Some(why) = forge.refuses_api(host, api) {
        bail!(why);
    }
    let req = forge.user_request(api, token.expose());
    let url = req.url.clone();
    check_transport(&url, net)?;
    let agent = agent(&url, net)?;
    let (status, headers, body) = match get(&agent, &req) {
        Ok(r) => r,
        Err(detail) if is_untrusted(&detail) => {
            return Ok(Err(VerifyError::Untrusted {
                url,
                trust: format!("(checked with {})", net.describe()),
                detail,
            }));
        }
        Err(reason) => {
            return Ok(Err(VerifyError::Unreachable {
                url,
                reason: format!("{reason} (using {})", net.describe()),
            }));
        }
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
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
    let mut answer = match forge.read_user(&header, &body) {
        Ok(a) => a,
        Err(reason) => return Ok(Err(VerifyError::BadAnswer { url, reason })),
    };
    // The login becomes the user name git sends, the login record's and the store file's:
    // only what a user name of that forge may be. The name itself is not repeated (it may
    // carry escape sequences, or be a token).
    if let Err(why) = forge.check_login(&answer.login) {
        return Ok(Err(VerifyError::BadAnswer {
            url,
            reason: format!("the user name it answers cannot be used ({why})"),
        }));
    }
    if let Some(treq) = forge.token_request(api, token.expose())
        && let Ok((200, _, tbody)) = get(&agent, &treq)
    {
        forge.read_token(&tbody, &mut answer);
    }
    Ok(Ok(TokenInfo {
        forge,
        login: answer.login,
        scopes: answer.scopes,
        expires: answer.expires,
    }))
}

/// Which forge `host` runs, from its public endpoints — never sending a token. `Ok(None)`:
/// it answered, but like none of them; `Err`: it could not be reached at all.
pub fn probe(host: &str, net: &Network) -> std::result::Result<Option<Forge>, String> {
    let mut reached = false;
    let mut last_error = String::new();
    for path in forge::probe_paths() {
        let url = format!("https://{host}{path}");
        let agent = agent(&url, net).map_err(|e| format!("{e:#}"))?;
        let req = forge::Request {
            url,
            authorization: None,
            accept: "application/json",
        };
        match get(&agent, &req) {
            Ok((status, headers, body)) => {
                reached = true;
                let ghes = headers
                    .iter()
                    .any(|(k, _)| k == "x-github-enterprise-version");
                if let Some(f) = forge::read_probe(path, status, ghes, &body) {
                    return Ok(Some(f));
                }
            }
            Err(e) => last_error = e,
        }
    }
    if reached {
        Ok(None)
    } else {
        Err(format!("{last_error} (using {})", net.describe()))
    }
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
}
