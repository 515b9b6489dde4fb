//! Verifying a token with the forge's REST API (`GET {api}/user`), trusting the CA bundle git
//! would use.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

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
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url}: {reason}")]
    BadAnswer { url: String, reason: String },
}

/// Roots from a PEM bundle (`http.sslCAInfo` / `GIT_SSL_CAINFO`), else the system's.
fn roots(ca_file: Option<&Path>) -> Result<RootCerts> {
    let certs: Vec<Certificate<'static>> = match ca_file {
        Some(path) => {
            let pem = std::fs::read(path)
                .with_context(|| format!("cannot read CA bundle {}", path.display()))?;
            ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(c)) => Some(c.to_owned()),
                    _ => None,
                })
                .collect()
        }
        None => rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .map(|der| Certificate::from_der(der).to_owned())
            .collect(),
    };
    if certs.is_empty() {
        return Err(anyhow!(
            "no CA certificates found{}",
            ca_file
                .map(|p| format!(" in {}", p.display()))
                .unwrap_or_default()
        ));
    }
    Ok(RootCerts::Specific(Arc::new(certs)))
}

/// `GET {api}/user` with the token as a Bearer credential.
pub fn verify(
    api: &str,
    host: &str,
    token: &Secret,
    ca_file: Option<&Path>,
) -> Result<Result<TokenInfo, VerifyError>> {
    let tls = TlsConfig::builder().root_certs(roots(ca_file)?).build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .user_agent(concat!("git-https/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let url = format!("{api}/user");
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
                reason: e.to_string(),
            }));
        }
    };
    let status = response.status().as_u16();
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
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
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
    Ok(Ok(TokenInfo {
        login: login.to_string(),
        scopes,
        expires,
    }))
}
