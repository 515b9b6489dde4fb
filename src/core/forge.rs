//! Pure: what each forge's REST API is, how a personal access token is checked there, and what
//! git should send with the token. Requests are built and answers read here; sending them is
//! `io::api`'s.
//!
//! Sources, each forge's own documentation:
//! - GitHub: <https://docs.github.com/en/rest/users/users#get-the-authenticated-user>
//!   (`X-OAuth-Scopes`, `GitHub-Authentication-Token-Expiration`), GHE.com data residency:
//!   <https://docs.github.com/en/enterprise-cloud@latest/admin/data-residency/network-details-for-ghecom>
//!   (API at `api.SUBDOMAIN.ghe.com`).
//! - GitLab: <https://docs.gitlab.com/api/users/#get-the-current-user> (`GET /api/v4/user`),
//!   <https://docs.gitlab.com/api/personal_access_tokens/#get-single-personal-access-token>
//!   (`GET /api/v4/personal_access_tokens/self`: `scopes`, `expires_at`),
//!   <https://docs.gitlab.com/user/profile/personal_access_tokens/> (the user name git sends
//!   is not evaluated; scopes `read_repository`, `write_repository`).
//! - Gitea / Forgejo: <https://docs.gitea.com/development/api-usage> (`Authorization: token`,
//!   `GET /api/v1/user`, `GET /api/v1/version` without a token).
//! - Bitbucket Cloud: <https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-get>
//!   (`GET https://api.bitbucket.org/2.0/user`), access tokens over HTTPS with the user name
//!   `x-token-auth`: <https://support.atlassian.com/bitbucket-cloud/docs/using-access-tokens/>.
//! - Azure DevOps Services (the cloud: `dev.azure.com`, `*.visualstudio.com`):
//!   <https://learn.microsoft.com/en-us/rest/api/azure/devops/profile/profiles/get>
//!   (`GET https://app.vssps.visualstudio.com/_apis/profile/profiles/me`), a PAT in Basic auth
//!   with an empty user: <https://learn.microsoft.com/en-us/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate>.
//! - Azure DevOps Server (on premises, any other host): its own `GET /_apis/connectionData`,
//!   answering `ConnectionData` (`authenticatedUser`, an `Identity` whose
//!   `properties.Account.$value` is the account name):
//!   <https://learn.microsoft.com/en-us/javascript/api/azure-devops-extension-api/connectiondata>.
//!   Its token never goes to Microsoft's cloud.
//!
//! Environment variables, each forge's own CLI's (`Forge::env_vars`): gh's
//! <https://cli.github.com/manual/gh_help_environment> (`GH_TOKEN`/`GITHUB_TOKEN` for github.com
//! and `*.ghe.com`, `GH_ENTERPRISE_TOKEN`/`GITHUB_ENTERPRISE_TOKEN` for Enterprise Server), glab's
//! `GITLAB_TOKEN`, the Azure DevOps CLI's `AZURE_DEVOPS_EXT_PAT`
//! (<https://learn.microsoft.com/en-us/azure/devops/cli/log-in-via-pat>). Gitea's tea and
//! Bitbucket document none: no variable serves them.

use std::fmt;

/// A forge whose API git-https speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Forge {
    GitHub,
    GitLab,
    Gitea,
    Bitbucket,
    Azure,
}

impl fmt::Display for Forge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Forge::GitHub => "github",
            Forge::GitLab => "gitlab",
            Forge::Gitea => "gitea",
            Forge::Bitbucket => "bitbucket",
            Forge::Azure => "azure",
        })
    }
}

impl std::str::FromStr for Forge {
    type Err = String;
    fn from_str(s: &str) -> Result<Forge, String> {
        match s.to_ascii_lowercase().as_str() {
            "github" => Ok(Forge::GitHub),
            "gitlab" => Ok(Forge::GitLab),
            "gitea" | "forgejo" => Ok(Forge::Gitea),
            "bitbucket" => Ok(Forge::Bitbucket),
            "azure" => Ok(Forge::Azure),
            other => Err(format!(
                "unknown forge {other:?} (github, gitlab, gitea, bitbucket, azure)"
            )),
        }
    }
}

/// The host part of `host[:port]`, lower-case.
fn name_of(host: &str) -> String {
    // A fully qualified name's final dot names the same host (`dev.azure.com.`).
    let name = crate::core::net::host_only(host);
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// Whether a host is Azure DevOps Services, Microsoft's cloud (not a server on premises).
pub fn is_azure_cloud(host: &str) -> bool {
    let h = name_of(host);
    h == "dev.azure.com" || h.ends_with(".visualstudio.com")
}

/// The cloud's profile API, where only Azure DevOps Services tokens go.
const AZURE_CLOUD_API: &str = "https://app.vssps.visualstudio.com/_apis";

/// Whether GitHub's cloud serves a host (github.com, GHE.com data residency), as gh tells
/// them from Enterprise Server hosts.
fn is_github_cloud(host: &str) -> bool {
    let h = name_of(host);
    h == "github.com" || h.ends_with(".ghe.com")
}

/// The forge a host is known to be, from its name alone.
pub fn detect(host: &str) -> Option<Forge> {
    let h = name_of(host);
    if h == "github.com" || h.ends_with(".ghe.com") {
        Some(Forge::GitHub)
    } else if h == "gitlab.com" {
        Some(Forge::GitLab)
    } else if h == "bitbucket.org" {
        Some(Forge::Bitbucket)
    } else if is_azure_cloud(&h) {
        Some(Forge::Azure)
    } else {
        None
    }
}

/// One request to send, and how to read its answer.
/// Hand-written `Debug`: the header holds the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub url: String,
    /// The `Authorization` header's value (holds the token: only for the wire; zeroed).
    pub authorization: Option<zeroize::Zeroizing<String>>,
    pub accept: &'static str,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("url", &self.url)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "(redacted)"),
            )
            .finish()
    }
}

/// What a token check found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    pub login: String,
    pub scopes: Option<Vec<String>>,
    pub expires: Option<String>,
}

impl Forge {
    /// The API base for `host` (no trailing slash).
    pub fn api_base(self, host: &str) -> String {
        let h = name_of(host);
        match self {
            Forge::GitHub if h == "github.com" => "https://api.github.com".into(),
            Forge::GitHub if h.ends_with(".ghe.com") => format!("https://api.{h}"),
            Forge::GitHub => format!("https://{host}/api/v3"),
            Forge::GitLab => format!("https://{host}/api/v4"),
            Forge::Gitea => format!("https://{host}/api/v1"),
            Forge::Bitbucket if h == "bitbucket.org" => "https://api.bitbucket.org/2.0".into(),
            Forge::Bitbucket => format!("https://{host}/rest/api/1.0"),
            Forge::Azure if is_azure_cloud(&h) => AZURE_CLOUD_API.into(),
            // Azure DevOps Server: its own API, never the cloud's.
            Forge::Azure => format!("https://{host}/_apis"),
        }
    }

    /// The environment variables that may hold a token for `host` on this forge, in the
    /// order its own CLI reads them; none where that CLI documents none.
    pub fn env_vars(self, host: &str) -> &'static [&'static str] {
        match self {
            Forge::GitHub if is_github_cloud(host) => &crate::core::token::TOKEN_VARS[..2],
            Forge::GitHub => &crate::core::token::TOKEN_VARS[2..4],
            Forge::GitLab => &crate::core::token::TOKEN_VARS[4..5],
            Forge::Azure => &crate::core::token::TOKEN_VARS[5..6],
            Forge::Gitea | Forge::Bitbucket => &[],
        }
    }

    /// Why an API base cannot serve this host's token: an Azure DevOps Server's token goes
    /// to its own server, never to Microsoft's cloud.
    pub fn refuses_api(self, host: &str, api: &str) -> Option<String> {
        let api_host = api
            .split_once("://")
            .map_or(api, |(_, rest)| rest)
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        let api_host = api_host.rsplit('@').next().unwrap_or_default();
        let h = name_of(api_host);
        let cloud = is_azure_cloud(&h) || h.ends_with(".azure.com");
        (self == Forge::Azure && !is_azure_cloud(host) && cloud).then(|| {
            format!(
                "{host} is an Azure DevOps Server: its token is checked at its own server, never at Microsoft's cloud ({api})"
            )
        })
    }

    /// The request that tells who a token belongs to.
    pub fn user_request(self, api: &str, token: &str) -> Request {
        let (url, authorization, accept) = match self {
            Forge::GitHub => (
                format!("{api}/user"),
                format!("Bearer {token}"),
                "application/vnd.github+json",
            ),
            Forge::GitLab => (
                format!("{api}/user"),
                format!("Bearer {token}"),
                "application/json",
            ),
            Forge::Gitea => (
                format!("{api}/user"),
                format!("token {token}"),
                "application/json",
            ),
            Forge::Bitbucket => (
                format!("{api}/user"),
                format!("Bearer {token}"),
                "application/json",
            ),
            Forge::Azure if api == AZURE_CLOUD_API => (
                format!("{api}/profile/profiles/me?api-version=7.1"),
                format!("Basic {}", base64(&format!(":{token}"))),
                "application/json",
            ),
            // Azure DevOps Server: who the token is, from the server itself.
            Forge::Azure => (
                format!("{api}/connectionData"),
                format!("Basic {}", base64(&format!(":{token}"))),
                "application/json",
            ),
        };
        Request {
            url,
            authorization: Some(zeroize::Zeroizing::new(authorization)),
            accept,
        }
    }

    /// A second request some forges answer about the token itself (GitLab: its scopes and
    /// expiry).
    pub fn token_request(self, api: &str, token: &str) -> Option<Request> {
        (self == Forge::GitLab).then(|| Request {
            url: format!("{api}/personal_access_tokens/self"),
            authorization: Some(zeroize::Zeroizing::new(format!("Bearer {token}"))),
            accept: "application/json",
        })
    }

    /// Reads the user request's answer (status 200): the login, and the scopes and expiry
    /// where headers carry them.
    pub fn read_user(
        self,
        header: &dyn Fn(&str) -> Option<String>,
        body: &serde_json::Value,
    ) -> Result<Answer, String> {
        let field = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| body.get(*n).and_then(|v| v.as_str()))
                .map(str::to_string)
        };
        let login = match self {
            Forge::GitHub | Forge::Gitea => field(&["login"]),
            Forge::GitLab => field(&["username"]),
            Forge::Bitbucket => field(&["username", "nickname", "account_id"]),
            Forge::Azure => match body.get("authenticatedUser") {
                // Azure DevOps Server's connectionData: the identity's account name.
                Some(user) => user
                    .pointer("/properties/Account/$value")
                    .or_else(|| user.get("id"))
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
                None => field(&["emailAddress", "publicAlias", "id"]),
            },
        }
        .ok_or_else(|| "the answer names no user".to_string())?;
        let mut answer = Answer {
            login,
            ..Answer::default()
        };
        if self == Forge::GitHub {
            answer.scopes = header("x-oauth-scopes").map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            });
            answer.expires = header("github-authentication-token-expiration");
        }
        if self == Forge::Bitbucket {
            answer.scopes = header("x-oauth-scopes")
                .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
        }
        Ok(answer)
    }

    /// Whether a user name from this forge's answer may become git's user name, the login
    /// record's and the store file's: `Err` says why not (never echoing the name). Forge
    /// logins are letters, digits, `.`, `_`, `-` (a GitHub app's `[bot]` suffix); Azure
    /// DevOps names users by e-mail address (`@`, `+`) or, on a server, `DOMAIN\user`.
    pub fn check_login(self, name: &str) -> Result<(), &'static str> {
        let max = if self == Forge::Azure { 256 } else { 100 };
        let bare = match self {
            Forge::GitHub => name.strip_suffix("[bot]").unwrap_or(name),
            _ => name,
        };
        let extra: &[u8] = if self == Forge::Azure { b"@+\\" } else { b"" };
        if bare.is_empty() {
            Err("it is empty")
        } else if name.len() > max {
            Err("it is too long")
        } else if name.chars().any(char::is_control) {
            Err("it holds control characters")
        } else if name.chars().any(char::is_whitespace) {
            Err("it holds whitespace")
        } else if name.contains(['/', '?', '#', ':']) {
            Err("it holds `/`, `?`, `#` or `:`")
        } else if bare.starts_with(['-', '.']) {
            // `-x` would read as an option, `.`/`..` as a path.
            Err("it starts with `-` or `.`")
        } else if crate::core::token::user_is_token(name) || crate::core::token::holds_secret(name)
        {
            Err("it is shaped like a token")
        } else if !bare.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') || extra.contains(&b)
        }) || (self == Forge::Azure && name.matches('@').count() > 1)
        {
            Err("it holds characters no user name of this forge has")
        } else {
            Ok(())
        }
    }

    /// Reads the token request's answer into `answer`.
    pub fn read_token(self, body: &serde_json::Value, answer: &mut Answer) {
        if self == Forge::GitLab {
            answer.scopes = body.get("scopes").and_then(|s| s.as_array()).map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            });
            answer.expires = body
                .get("expires_at")
                .and_then(|e| e.as_str())
                .map(str::to_string);
        }
    }

    /// The user name git sends with the token.
    pub fn git_username(self, login: &str) -> String {
        match self {
            // Bitbucket's access tokens go with a fixed name; GitLab ignores the name.
            Forge::Bitbucket => "x-token-auth".into(),
            _ => login.to_string(),
        }
    }

    /// Where a token is created, and the scopes to give it.
    pub fn token_page(self, host: &str) -> (String, &'static str) {
        match self {
            Forge::GitHub => (
                format!("https://{host}/settings/tokens/new?scopes=repo&description=git-https"),
                "repo",
            ),
            Forge::GitLab => (
                format!(
                    "https://{host}/-/user_settings/personal_access_tokens?name=git-https&scopes=read_repository,write_repository"
                ),
                "read_repository, write_repository",
            ),
            Forge::Gitea => (
                format!("https://{host}/user/settings/applications"),
                "read:repository, write:repository",
            ),
            Forge::Bitbucket => (
                "https://bitbucket.org/account/settings/api-tokens/".into(),
                "read:repository:bitbucket, write:repository:bitbucket",
            ),
            Forge::Azure => (
                format!("https://{host}/_usersSettings/tokens"),
                "Code (Read & write)",
            ),
        }
    }

    /// Whether a classic scope list lacks what git needs to push.
    pub fn lacks_write(self, scopes: &[String]) -> bool {
        let has = |s: &str| scopes.iter().any(|x| x == s);
        match self {
            Forge::GitHub => !has("repo"),
            Forge::GitLab => !(has("write_repository") || has("api")),
            _ => false,
        }
    }
}

/// What an unauthenticated probe of a host's public endpoints says it runs (never with a
/// token): `(path, status, body)` answers in, a forge out.
pub fn probe_paths() -> [&'static str; 3] {
    ["/api/v1/version", "/api/v3/meta", "/api/v4/version"]
}

pub fn read_probe(
    path: &str,
    status: u16,
    ghes_header: bool,
    body: &serde_json::Value,
) -> Option<Forge> {
    match path {
        // Gitea and Forgejo answer their version to anyone.
        "/api/v1/version" if status == 200 && body.get("version").is_some() => Some(Forge::Gitea),
        // GitHub Enterprise Server's meta endpoint is public.
        "/api/v3/meta"
            if ghes_header || (status == 200 && body.get("installed_version").is_some()) =>
        {
            Some(Forge::GitHub)
        }
        // GitLab wants a token for its version, and says so in its own JSON.
        "/api/v4/version" if status == 401 && body.get("message").is_some() => Some(Forge::GitLab),
        "/api/v4/version" if status == 200 && body.get("version").is_some() => Some(Forge::GitLab),
        _ => None,
    }
}

fn base64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_and_api_bases() {
        assert_eq!(detect("github.com"), Some(Forge::GitHub));
        assert_eq!(detect("acme.ghe.com"), Some(Forge::GitHub));
        assert_eq!(detect("GitLab.com"), Some(Forge::GitLab));
        assert_eq!(detect("bitbucket.org"), Some(Forge::Bitbucket));
        assert_eq!(detect("dev.azure.com"), Some(Forge::Azure));
        assert_eq!(detect("org.visualstudio.com"), Some(Forge::Azure));
        assert_eq!(detect("ghe.corp:8443"), None);
        assert_eq!(
            Forge::GitLab.api_base("gitlab.com"),
            "https://gitlab.com/api/v4"
        );
        assert_eq!(
            Forge::GitHub.api_base("acme.ghe.com"),
            "https://api.acme.ghe.com"
        );
        assert_eq!(
            Forge::GitHub.api_base("ghe.corp:8443"),
            "https://ghe.corp:8443/api/v3"
        );
        assert_eq!(
            Forge::Gitea.api_base("code.example"),
            "https://code.example/api/v1"
        );
    }

    #[test]
    fn bitbucket_request_and_answer() {
        let r = Forge::Bitbucket.user_request(&Forge::Bitbucket.api_base("bitbucket.org"), "T");
        assert_eq!(r.url, "https://api.bitbucket.org/2.0/user");
        assert_eq!(
            r.authorization.as_deref().map(String::as_str),
            Some("Bearer T")
        );
        let body = serde_json::json!({"username": "alice", "account_id": "5b"});
        let a = Forge::Bitbucket
            .read_user(
                &|h| (h == "x-oauth-scopes").then(|| "repository:write".into()),
                &body,
            )
            .unwrap();
        assert_eq!(a.login, "alice");
        assert_eq!(a.scopes, Some(vec!["repository:write".to_string()]));
        assert_eq!(Forge::Bitbucket.git_username("alice"), "x-token-auth");
    }

    #[test]
    fn azure_request_and_answer() {
        let r = Forge::Azure.user_request(&Forge::Azure.api_base("dev.azure.com"), "PAT");
        assert_eq!(
            r.url,
            "https://app.vssps.visualstudio.com/_apis/profile/profiles/me?api-version=7.1"
        );
        // Basic auth with an empty user name: base64(":PAT").
        assert_eq!(
            r.authorization.as_deref().map(String::as_str),
            Some("Basic OlBBVA==")
        );
        let body = serde_json::json!({"displayName": "Alice", "emailAddress": "alice@example.com"});
        assert_eq!(
            Forge::Azure.read_user(&|_| None, &body).unwrap().login,
            "alice@example.com"
        );
        assert!(
            Forge::Azure
                .read_user(&|_| None, &serde_json::json!({}))
                .is_err()
        );
    }

    #[test]
    fn azure_devops_server_is_asked_itself_never_the_cloud() {
        let api = Forge::Azure.api_base("tfs.corp:8443");
        assert_eq!(api, "https://tfs.corp:8443/_apis");
        let r = Forge::Azure.user_request(&api, "PAT");
        assert_eq!(r.url, "https://tfs.corp:8443/_apis/connectionData");
        assert_eq!(
            r.authorization.as_deref().map(String::as_str),
            Some("Basic OlBBVA==")
        );
        let body = serde_json::json!({"authenticatedUser": {
            "id": "6b1b2f0e", "providerDisplayName": "Alice Smith",
            "properties": {"Account": {"$type": "System.String", "$value": "CORP\\alice"}}}});
        assert_eq!(
            Forge::Azure.read_user(&|_| None, &body).unwrap().login,
            "CORP\\alice"
        );
        assert!(Forge::Azure.check_login("CORP\\alice").is_ok());
        assert!(
            Forge::Azure
                .refuses_api("tfs.corp", "https://app.vssps.visualstudio.com/_apis")
                .is_some()
        );
        assert!(
            Forge::Azure
                .refuses_api("tfs.corp", "https://vssps.dev.azure.com/x/_apis")
                .is_some()
        );
        // A fully qualified name with its final dot is the same cloud.
        for cloud in [
            "https://app.vssps.visualstudio.com./_apis",
            "https://dev.azure.com./_apis",
            "https://vssps.dev.azure.com./_apis",
        ] {
            assert!(
                Forge::Azure.refuses_api("tfs.corp", cloud).is_some(),
                "{cloud}"
            );
        }
        assert!(
            Forge::Azure
                .refuses_api("tfs.corp", "https://vssps.dev.azure.com/x/_apis")
                .is_some()
        );
        assert!(
            Forge::Azure
                .refuses_api("tfs.corp", "https://tfs.corp/tfs/DefaultCollection/_apis")
                .is_none()
        );
        assert!(
            Forge::Azure
                .refuses_api("dev.azure.com", &Forge::Azure.api_base("dev.azure.com"))
                .is_none()
        );
    }

    #[test]
    fn each_forge_reads_its_own_clis_variables() {
        assert_eq!(
            Forge::GitHub.env_vars("GitHub.com"),
            &["GH_TOKEN", "GITHUB_TOKEN"]
        );
        assert_eq!(
            Forge::GitHub.env_vars("acme.ghe.com"),
            &["GH_TOKEN", "GITHUB_TOKEN"]
        );
        assert_eq!(
            Forge::GitHub.env_vars("ghe.corp:8443"),
            &["GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"]
        );
        assert_eq!(Forge::GitLab.env_vars("gitlab.corp"), &["GITLAB_TOKEN"]);
        assert_eq!(
            Forge::Azure.env_vars("dev.azure.com"),
            &["AZURE_DEVOPS_EXT_PAT"]
        );
        assert!(Forge::Gitea.env_vars("code.example").is_empty());
        assert!(Forge::Bitbucket.env_vars("bitbucket.org").is_empty());
    }

    #[test]
    fn user_names_from_an_answer_are_checked() {
        for ok in ["octocat", "a.b_c-d", "dependabot[bot]"] {
            assert!(Forge::GitHub.check_login(ok).is_ok(), "{ok}");
        }
        assert!(Forge::Azure.check_login("alice+x@example.com").is_ok());
        let hex = "a1".repeat(20);
        let long = "a".repeat(101);
        for bad in [
            "",
            "x\nhost=evil",
            "a b",
            "\x1b]0;x",
            "u@h",
            "u:p",
            "o/r",
            &hex,
            &long,
            "ghp_CANARYcanaryCANARYcanaryCANARY012345",
            ".",
            "..",
            "-alice",
        ] {
            assert!(Forge::GitHub.check_login(bad).is_err(), "{bad:?}");
        }
        for bad in [".", "..", "-alice"] {
            assert!(Forge::Azure.check_login(bad).is_err(), "{bad:?}");
            assert!(Forge::GitLab.check_login(bad).is_err(), "{bad:?}");
        }
        for bad in [
            "a@b/c",
            "a@b?c",
            "a@b#c",
            "a@b\x1b[31m",
            "a@@b",
            "a b@c",
            "x-ghp_CANARYcanaryCANARYcanaryCANARY012345@c",
        ] {
            assert!(Forge::Azure.check_login(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn gitlab_reads_its_token_and_gitea_its_login() {
        let mut a = Forge::GitLab
            .read_user(&|_| None, &serde_json::json!({"username": "bob"}))
            .unwrap();
        Forge::GitLab.read_token(
            &serde_json::json!({"scopes": ["read_repository"], "expires_at": "2030-01-01"}),
            &mut a,
        );
        assert_eq!(a.scopes, Some(vec!["read_repository".to_string()]));
        assert!(Forge::GitLab.lacks_write(a.scopes.as_deref().unwrap()));
        assert_eq!(a.expires.as_deref(), Some("2030-01-01"));
        let g = Forge::Gitea.user_request("https://h/api/v1", "T");
        assert_eq!(
            g.authorization.as_deref().map(String::as_str),
            Some("token T")
        );
    }

    #[test]
    fn probes() {
        use serde_json::json;
        assert_eq!(
            read_probe("/api/v1/version", 200, false, &json!({"version": "1.21"})),
            Some(Forge::Gitea)
        );
        assert_eq!(
            read_probe(
                "/api/v3/meta",
                200,
                false,
                &json!({"installed_version": "3.12"})
            ),
            Some(Forge::GitHub)
        );
        assert_eq!(
            read_probe(
                "/api/v4/version",
                401,
                false,
                &json!({"message": "401 Unauthorized"})
            ),
            Some(Forge::GitLab)
        );
        assert_eq!(read_probe("/api/v1/version", 404, false, &json!({})), None);
        assert_eq!(base64("ab"), "YWI=");
        assert_eq!(base64("abc"), "YWJj");
    }
}
