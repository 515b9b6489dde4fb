//! The output contract: one `Serialize` type per JSON line, each with its human rendering
//! beside it. Every value that came from a config, a URL or a rule is a [`Redacted`], which can
//! only be made by redacting, so no report can carry a secret; paths are shown as text.
//!
//! `--json` writes one [`Line`] per line on stdout; the human forms go to
//! stdout (data) or stderr (notes), as each renderer says.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::core::change::FileKind;
use crate::core::redact::Redacted;
use crate::core::url::Kind;
use crate::ui::output;

/// A JSON line with a `type`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Line {
    Failure(Failure),
    Repo(RepoStatus),
    Change(Change),
    Skip(Skip),
    Leak(Leak),
    Listed(Listed),
    Warning(Warning),
    Restore(Restore),
    Run(RunLine),
    Rule(RuleReport),
    Finding(Finding),
    Setup(SetupReport),
    Login(LoginReport),
    Logout(LogoutReport),
    Convert(Converted),
    Summary(Summary),
}

/// Writes one JSON line.
pub fn json(out: &mut impl Write, line: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

/// A path as reports show it.
pub fn path(p: &Path) -> Redacted {
    Redacted::path(p)
}

/// `convert`: one per input URL.
#[derive(Debug, Serialize)]
pub struct Converted {
    pub input: Redacted,
    pub kind: Option<Kind>,
    pub https: Option<Redacted>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stripped_credentials: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Redacted>,
}

impl Converted {
    /// The HTTPS URL on stdout; an error line on stderr.
    pub fn human(&self, out: &mut impl Write) -> io::Result<()> {
        match (&self.https, &self.error) {
            (Some(h), _) => writeln!(out, "{h}"),
            (None, Some(e)) => {
                out.flush()?;
                output::error_line(format!("{}: {e}", self.input));
                Ok(())
            }
            (None, None) => Ok(()),
        }
    }
}

/// A repository (or folder) that could not be read.
#[derive(Debug, Serialize)]
pub struct Failure {
    pub path: Redacted,
    pub error: Redacted,
}

impl Failure {
    pub fn new(p: &Path, error: &str) -> Failure {
        Failure {
            path: path(p),
            error: Redacted::new(error),
        }
    }

    /// One error line naming the place (the error alone when it already names it).
    pub fn human(&self) {
        if self.error.as_str().contains(self.path.as_str()) {
            output::error_line(&self.error);
        } else {
            output::error_line(format!("{}: {}", self.path, self.error));
        }
    }
}

/// `status`: one repository.
#[derive(Debug, Serialize)]
pub struct RepoStatus {
    pub repo: Redacted,
    pub config: Redacted,
    pub remotes: Vec<RemoteStatus>,
    pub submodules: Vec<SubmoduleStatus>,
    pub warnings: Vec<Redacted>,
}

#[derive(Debug, Serialize)]
pub struct RemoteStatus {
    pub name: Redacted,
    /// The account git will authenticate as over HTTPS (none for a URL with no HTTPS form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountStatus>,
    pub urls: Vec<UrlStatus>,
    pub pushurls: Vec<UrlStatus>,
    pub effective: Effective,
}

/// Which account a remote authenticates as.
#[derive(Debug, Serialize)]
pub struct AccountStatus {
    /// The login, when the URL names it or the host has one account.
    pub login: Option<Redacted>,
    /// `named` (in the URL), `named, not logged in`, `only` (the host's one account),
    /// `unnamed` (several accounts, the URL names none) or `none` (no account on the host).
    pub how: &'static str,
    /// With `unnamed`: the host's accounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Redacted>,
}

#[derive(Debug, Serialize)]
pub struct Effective {
    pub fetch: Vec<EffectiveUrl>,
    pub push: Vec<EffectiveUrl>,
}

/// The URL git really uses, and the rule that made it.
#[derive(Debug, Serialize)]
pub struct EffectiveUrl {
    pub url: Redacted,
    pub rule: Option<Redacted>,
}

/// One stored URL and what a migration does to it.
#[derive(Debug, Serialize)]
pub struct UrlStatus {
    pub value: Redacted,
    pub kind: Option<Kind>,
    /// `change`, `already-https`, `leak`, `listed`, `skipped`, `filtered`.
    pub outcome: &'static str,
    pub https: Option<Redacted>,
    pub reason: Option<Redacted>,
}

#[derive(Debug, Serialize)]
pub struct SubmoduleStatus {
    pub name: Redacted,
    pub file: FileKind,
    #[serde(flatten)]
    pub url: UrlStatus,
}

impl UrlStatus {
    /// `→ https://…`, `already HTTPS`, `left alone: …`.
    pub fn note(&self) -> String {
        let new = || {
            self.https
                .as_ref()
                .map(|h| output::new(&h.to_string()))
                .unwrap_or_default()
        };
        match self.outcome {
            "change" => format!("→ {}", new()),
            "already-https" => output::dim("already HTTPS"),
            "leak" => format!("→ {}  {}", new(), output::old("(credentials in the URL!)")),
            "listed" => format!("→ {}  (with --gitmodules)", new()),
            "skipped" => output::dim(&format!(
                "left alone: {}",
                self.reason
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )),
            _ => String::new(),
        }
    }
}

impl EffectiveUrl {
    pub fn note(&self) -> String {
        match &self.rule {
            Some(rule) => format!("{}  {}", self.url, output::dim(&format!("via {rule}"))),
            None => self.url.to_string(),
        }
    }
}

impl RepoStatus {
    /// The repository's block on stdout; its warnings on stderr.
    pub fn human(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "{}  {}",
            output::heading(&self.repo.to_string()),
            output::dim(&format!("({})", self.config))
        )?;
        if self.remotes.is_empty() {
            writeln!(out, "  {}", output::dim("no remotes"))?;
        }
        for r in &self.remotes {
            let kind = r
                .urls
                .first()
                .or(r.pushurls.first())
                .and_then(|u| u.kind)
                .map_or("?", Kind::as_str);
            writeln!(
                out,
                "  {} {}",
                output::heading(&r.name.to_string()),
                output::kind(&format!("[{kind}]"))
            )?;
            for (name, list) in [("url", &r.urls), ("pushurl", &r.pushurls)] {
                for u in list {
                    writeln!(out, "    {name:<8} {}  {}", u.value, u.note())?;
                }
            }
            for (what, list) in [("fetch", &r.effective.fetch), ("push", &r.effective.push)] {
                // Several URLs: git fetches from the first only, pushes to all.
                let shown = if what == "fetch" {
                    &list[..list.len().min(1)]
                } else {
                    &list[..]
                };
                for e in shown {
                    writeln!(out, "    {:<8} {}", format!("git {what}"), e.note())?;
                }
            }
            // No account on the host: the closing helper notes say what to run.
            if let Some(a) = r.account.as_ref().filter(|a| a.how != "none") {
                let shown = match (&a.login, a.how) {
                    (Some(l), "named") => format!("{l} (named in the URL)"),
                    (Some(l), "only") => format!("{l} (the host's one account)"),
                    (Some(l), _) => format!("{l} (named in the URL; not logged in)"),
                    (None, "unnamed") => format!(
                        "one of {} (the URL names none)",
                        a.accounts
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    _ => "none logged in".to_string(),
                };
                writeln!(out, "    {:<8} {}", "account", output::dim(&shown))?;
            }
        }
        for s in &self.submodules {
            let file = match s.file {
                FileKind::Config | FileKind::Rules => "config",
                FileKind::Gitmodules => ".gitmodules",
            };
            writeln!(
                out,
                "  submodule {} ({file})  {}  {}",
                s.name,
                s.url.value,
                s.url.note()
            )?;
        }
        out.flush()?;
        for w in &self.warnings {
            output::warn(w);
        }
        Ok(())
    }
}

/// `migrate`: one value planned, changed or failed.
#[derive(Debug, Serialize)]
pub struct Change {
    /// `planned`, `changed`, `failed`.
    pub status: &'static str,
    pub repo: Redacted,
    pub file: Redacted,
    pub key: Redacted,
    pub old: Redacted,
    pub new: Redacted,
    pub error: Option<Redacted>,
}

/// `migrate`: a URL left alone, and why.
#[derive(Debug, Serialize)]
pub struct Skip {
    pub repo: Redacted,
    pub key: Redacted,
    pub value: Redacted,
    pub reason: Redacted,
}

/// `migrate`: an HTTPS URL with credentials in it.
#[derive(Debug, Serialize)]
pub struct Leak {
    pub repo: Redacted,
    pub key: Redacted,
    pub value: Redacted,
    pub https: Redacted,
}

/// `migrate`: an SSH URL in `.gitmodules`, rewritten only with `--gitmodules`.
#[derive(Debug, Serialize)]
pub struct Listed {
    pub repo: Redacted,
    pub key: Redacted,
    pub value: Redacted,
    pub https: Redacted,
}

/// A rule that would undo a migration, or another warning about one repository.
#[derive(Debug, Serialize)]
pub struct Warning {
    pub repo: Redacted,
    pub message: Redacted,
}

impl Warning {
    pub fn human(&self) {
        output::warn(format!("{}: {}", self.repo, self.message));
    }
}

/// `migrate`: an `insteadOf`/`pushInsteadOf` rule that turns migrated URLs back into SSH, once
/// per rule.
#[derive(Debug, Serialize)]
pub struct RuleReport {
    pub rule: Redacted,
    /// The file the rule is really in (an included file's own path).
    pub file: Redacted,
    /// How many migrated URLs it turns back.
    pub turns_back: usize,
    /// Whether this run removes it (`--fix-insteadof`).
    pub removed: bool,
}

/// `undo`: one value planned, restored or failed.
#[derive(Debug, Serialize)]
pub struct Restore {
    /// `planned`, `restored`, `failed`.
    pub status: &'static str,
    pub repo: Redacted,
    pub file: Redacted,
    pub key: Redacted,
    pub from: Redacted,
    pub to: Redacted,
    pub error: Option<Redacted>,
}

impl Restore {
    pub fn human(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "{}  {}  {} → {}",
            self.repo,
            self.key,
            output::old(&self.from.to_string()),
            output::new(&self.to.to_string())
        )
    }
}

/// `runs`: one run.
#[derive(Debug, Serialize)]
pub struct RunLine {
    pub run: String,
    /// RFC 3339, UTC, with milliseconds: for machines.
    pub time: String,
    /// The time as the human table shows it (see [`RunLine::header`]).
    #[serde(skip)]
    pub shown_time: String,
    pub command: String,
    pub paths: Vec<Redacted>,
    pub reverts: Option<String>,
    pub repos: usize,
    /// Values planned.
    pub changes: usize,
    /// Values written, when the run finished.
    pub written: Option<usize>,
    pub failed: usize,
    pub interrupted: usize,
    pub finished: bool,
    pub state: &'static str,
}

impl RunLine {
    /// The table's header: its times are local, or UTC where the OS time zone is unknown.
    pub fn header(utc: bool) -> String {
        let time = if utc { "TIME (UTC)" } else { "TIME" };
        format!(
            "{:<24} {time:<16} COMMAND   REPOS CHANGES FAILED  STATE         PATHS",
            "RUN"
        )
    }

    pub fn human(&self, out: &mut impl Write) -> io::Result<()> {
        let what = match &self.reverts {
            Some(of) => format!("reverts {of}"),
            None => self
                .paths
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        };
        writeln!(
            out,
            "{:<24} {:<16} {:<8} {:>6} {:>7} {:>6}  {:<13} {what}",
            self.run,
            self.shown_time,
            self.command,
            self.repos,
            self.written.unwrap_or(self.changes),
            self.failed,
            self.state
        )
    }
}

/// `setup --json`: the one last line — whether anything changed, for configuration
/// management to report truthfully.
#[derive(Debug, Serialize)]
pub struct SetupReport {
    pub changed: bool,
    pub hosts: Vec<SetupHost>,
    /// Folders migrated, and what that wrote.
    pub migrated_urls: usize,
    pub rules_removed: usize,
    /// The migration run (`git-https undo --run ID` reverts it).
    pub run: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SetupHost {
    pub host: String,
    pub user: Redacted,
    pub cache: crate::core::cache::CacheMode,
    pub changed: bool,
}

/// `doctor`: one finding.
#[derive(Debug, Serialize)]
pub struct Finding {
    /// `ok`, `warn` or `fail`.
    pub status: &'static str,
    /// What was checked (`git`, `helper github.com`, `remotes`, …).
    pub check: Redacted,
    pub message: Redacted,
    /// What to do about it.
    pub fix: Option<Redacted>,
}

impl Finding {
    pub fn human(&self, out: &mut impl Write) -> io::Result<()> {
        let status = match self.status {
            "ok" => output::new("ok  "),
            "warn" => console::style("warn").yellow().to_string(),
            _ => output::old("FAIL"),
        };
        writeln!(out, "{status}  {}: {}", self.check, self.message)?;
        if let Some(fix) = &self.fix {
            writeln!(out, "      fix: {fix}")?;
        }
        Ok(())
    }
}

/// `login --json`: what was verified and written (never the token).
#[derive(Debug, Serialize)]
pub struct LoginReport {
    pub host: String,
    /// `global` or `repository`.
    pub scope: &'static str,
    /// The account the token belongs to (from the API), or `x-access-token` unverified.
    pub user: Option<String>,
    /// Whether the API checked the token.
    pub verified: bool,
    pub scopes: Option<Vec<String>>,
    pub expires: Option<String>,
    /// `git ls-remote URL`, or why the proof with git was skipped.
    pub proof: Option<String>,
    /// `memory`, `store` or `keyring`.
    pub cache: Option<crate::core::cache::CacheMode>,
    pub store_file: Option<Redacted>,
    pub keyring: Option<&'static str>,
    pub helper_key: Option<String>,
    pub helper_lines: Vec<Redacted>,
    pub replaced_lines: Vec<Redacted>,
    /// Places an earlier login's token was removed from.
    pub removed_from: Vec<Redacted>,
    /// `git credential fill` returned the stored token.
    pub proven: bool,
    /// ssh aliases tied to this account (`--alias`).
    pub aliases: Vec<Redacted>,
}

impl LoginReport {
    pub fn new(host: &str, scope: &'static str) -> LoginReport {
        LoginReport {
            host: host.to_string(),
            scope,
            user: None,
            verified: false,
            scopes: None,
            expires: None,
            proof: None,
            cache: None,
            store_file: None,
            keyring: None,
            helper_key: None,
            helper_lines: Vec::new(),
            replaced_lines: Vec::new(),
            aliases: Vec::new(),
            removed_from: Vec::new(),
            proven: false,
        }
    }
}

/// `logout --json`: what was removed.
#[derive(Debug, Serialize)]
pub struct LogoutReport {
    pub host: String,
    pub scope: &'static str,
    /// The one account logged out (`--user`); every account without it.
    pub user: Option<Redacted>,
    /// The host's accounts still logged in.
    pub others: Vec<Redacted>,
    /// Aliases no longer tied to an account.
    pub aliases_removed: Vec<Redacted>,
    /// Places the host's token is no longer in.
    pub cleared: Vec<Redacted>,
    /// Of those, the places that held a token before.
    pub removed_from: Vec<Redacted>,
    /// Places it could not be removed from, with the reason.
    pub failed: Vec<Redacted>,
    pub removed_lines: Vec<Redacted>,
    /// Helper lines left because git-https did not write them.
    pub foreign_lines: Vec<Redacted>,
    /// git still gets a credential for the host.
    pub still_answered: bool,
}

/// The last line of `status --recursive`, `migrate` and `undo`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Summary {
    Status(StatusSummary),
    Migrate(MigrateSummary),
    Undo(UndoSummary),
    Doctor(DoctorSummary),
}

/// The last line of `doctor`: the checks made, as its human summary line counts them.
#[derive(Debug, Serialize)]
pub struct DoctorSummary {
    pub checks: usize,
    pub warnings: usize,
    pub failures: usize,
}

#[derive(Debug, Serialize)]
pub struct StatusSummary {
    pub repos: usize,
    pub repos_to_migrate: usize,
    pub urls_to_migrate: usize,
    pub by_host: std::collections::BTreeMap<Redacted, usize>,
    pub failed: usize,
}

#[derive(Debug, Serialize)]
pub struct MigrateSummary {
    pub run: Option<String>,
    pub dry_run: bool,
    pub repos: usize,
    pub repos_to_change: usize,
    pub planned: usize,
    pub by_host: std::collections::BTreeMap<Redacted, usize>,
    pub changed: usize,
    pub already: usize,
    pub already_https: usize,
    pub skipped: usize,
    pub leaks: usize,
    pub warnings: usize,
    pub failed: usize,
    pub interrupted: usize,
}

#[derive(Debug, Serialize)]
pub struct UndoSummary {
    pub run: Option<String>,
    pub reverts: String,
    pub dry_run: bool,
    pub planned: usize,
    pub restored: usize,
    pub failed: usize,
    pub interrupted: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_tagged_and_redacted() {
        let line = Line::Change(Change {
            status: "planned",
            repo: Redacted::new("/r"),
            file: Redacted::new("/r/.git/config"),
            key: Redacted::new("remote.origin.url"),
            old: Redacted::new("https://me:hunter2@h/o/r"),
            new: Redacted::new("https://h/o/r"),
            error: None,
        });
        let mut buf = Vec::new();
        json(&mut buf, &line).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.starts_with(r#"{"type":"change","status":"planned""#),
            "{text}"
        );
        assert!(!text.contains("hunter2"));
    }
}
