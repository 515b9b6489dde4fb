//! How git would reach a URL: the CA file and folder, TLS verification and proxy it would use,
//! from the environment git reads and git's own `http.*` settings for that URL. The API client
//! reaches a forge exactly this way.

use anyhow::Result;

use crate::core::net;
use crate::env::Env;
use crate::io::api::Network;
use crate::io::git::Git;

pub fn network(env: &Env, git: &Git, url: &str) -> Result<Network> {
    let ca_file = match &env.git_ssl_cainfo {
        Some(p) => Some(p.clone()),
        None => git
            .urlmatch("http.sslCAInfo", url, Some("path"))?
            .map(Into::into),
    };
    let ca_path = match &env.git_ssl_capath {
        Some(p) => Some(p.clone()),
        None => git
            .urlmatch("http.sslCAPath", url, Some("path"))?
            .map(Into::into),
    };
    let verify = verifies_tls(env, git, url)?;
    let (mut proxy, mut proxy_from) = match git.urlmatch("http.proxy", url, None)? {
        Some(p) if !p.is_empty() => (Some(p), Some("http.proxy".to_string())),
        _ => (None, None),
    };
    if proxy.is_none() && url.starts_with("https://") {
        if let Some(p) = &env.https_proxy {
            (proxy, proxy_from) = (Some(p.clone()), Some("HTTPS_PROXY".to_string()));
        } else if let Some(p) = &env.all_proxy {
            (proxy, proxy_from) = (Some(p.clone()), Some("ALL_PROXY".to_string()));
        }
    }
    let host = ::url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    if env
        .no_proxy
        .as_deref()
        .is_some_and(|np| net::no_proxy_matches(np, &host))
    {
        (proxy, proxy_from) = (None, None);
    }
    Ok(Network {
        ca_file,
        ca_path,
        verify,
        proxy,
        proxy_from,
    })
}

/// Whether git verifies TLS for `url` (`GIT_SSL_NO_VERIFY`, `http.sslVerify`).
pub fn verifies_tls(env: &Env, git: &Git, url: &str) -> Result<bool> {
    Ok(!env.git_ssl_no_verify
        && git
            .urlmatch("http.sslVerify", url, Some("bool"))?
            .as_deref()
            != Some("false"))
}
