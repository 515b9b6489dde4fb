//! Pure: from the URL values a repository holds and the user's options to a list of changes,
//! each URL with its outcome, and warnings about rules that would undo the change.

use crate::core::hosts::HostRules;
use crate::core::insteadof::Rewrites;
use crate::core::url::{self, Kind};

pub use crate::core::change::FileKind;
use crate::core::change::{ConfigKey, Edit};

/// One URL-valued config entry: the `index`-th value of `key` in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub file: FileKind,
    pub key: ConfigKey,
    pub index: usize,
    /// The value as text; when `text` is false it held bytes that are not UTF-8 and this is a
    /// lossy copy, never to be written back.
    pub value: String,
    pub text: bool,
}

impl Slot {
    /// The edit that sets this value to `new`.
    pub fn edit(&self, new: &str) -> Edit {
        Edit {
            key: self.key.clone(),
            index: self.index,
            old: self.value.clone(),
            new: new.to_string(),
            op: crate::core::change::Op::Set,
        }
    }

    pub fn is_remote(&self) -> bool {
        self.key.section == "remote"
    }
}

/// What happens to one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Will be (or was) rewritten to `new`.
    Change {
        new: String,
    },
    AlreadyHttps,
    /// An HTTPS URL with a token or password in it; `new` is it without them.
    /// Changed only with `--strip-credentials`.
    Leak {
        new: String,
    },
    /// An SSH URL in `.gitmodules`, listed; rewritten only with `--gitmodules`.
    Listed {
        new: String,
    },
    /// Left alone, and why.
    Skipped {
        reason: String,
    },
    /// Not asked for (another remote, another host).
    Filtered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub slot: Slot,
    pub kind: Option<Kind>,
    pub outcome: Outcome,
}

impl Item {
    /// The outcome's name in JSON output.
    pub fn outcome_name(&self) -> &'static str {
        match self.outcome {
            Outcome::Change { .. } => "change",
            Outcome::AlreadyHttps => "already-https",
            Outcome::Leak { .. } => "leak",
            Outcome::Listed { .. } => "listed",
            Outcome::Skipped { .. } => "skipped",
            Outcome::Filtered => "filtered",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this remote (`--remote`).
    pub remote: Option<String>,
    /// Only URLs on these hosts (`--host`), SSH host or HTTPS host.
    pub hosts: Vec<String>,
    /// Also `submodule.*.url` in the repository's config.
    pub submodules: bool,
    /// Also rewrite `.gitmodules`.
    pub gitmodules: bool,
    /// Rewrite HTTPS URLs that hold credentials to their bare form.
    pub strip_credentials: bool,
}

#[derive(Debug, Clone, Default)]
pub struct RepoPlan {
    pub items: Vec<Item>,
    pub warnings: Vec<UndoWarning>,
}

/// An `insteadOf` / `pushInsteadOf` rule that would turn a migrated URL back into a non-HTTPS one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoWarning {
    /// The rule itself (its file, base, prefix).
    pub source: crate::core::insteadof::Rule,
    pub remote: String,
    /// The rule and the file it is in.
    pub rule: String,
    /// `fetch` or `push`.
    pub direction: &'static str,
    pub url: String,
}

impl std::fmt::Display for UndoWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "remote '{}': {} turns the new {} URL back into {}",
            self.remote, self.rule, self.direction, self.url
        )
    }
}

impl RepoPlan {
    pub fn changes(&self) -> impl Iterator<Item = (&Slot, &str)> {
        self.items.iter().filter_map(|i| match &i.outcome {
            Outcome::Change { new } => Some((&i.slot, new.as_str())),
            _ => None,
        })
    }

    pub fn change_count(&self) -> usize {
        self.changes().count()
    }

    /// Leaves every URL of the repository alone, for `reason` (and warns of nothing).
    pub fn skip_all(&mut self, reason: &str) {
        for i in &mut self.items {
            if matches!(
                i.outcome,
                Outcome::Change { .. } | Outcome::Leak { .. } | Outcome::Listed { .. }
            ) {
                i.outcome = Outcome::Skipped {
                    reason: reason.to_string(),
                };
            }
        }
        self.warnings.clear();
    }
}

fn host_selected(opts: &Options, parsed: &url::RemoteUrl, new: &str) -> bool {
    if opts.hosts.is_empty() {
        return true;
    }
    let new_host = ::url::Url::parse(new)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
    opts.hosts.iter().any(|h| {
        let h = h.to_ascii_lowercase();
        parsed.host == h || new_host.as_deref() == Some(h.as_str())
    })
}

/// Decides the outcome of every slot and checks the result against `rewrites`.
pub fn plan(slots: &[Slot], rules: &HostRules, rewrites: &Rewrites, opts: &Options) -> RepoPlan {
    let mut out = RepoPlan::default();
    for slot in slots {
        let (kind, mut outcome) = decide(slot, rules, opts);
        // git does not use this URL as written: a rule sends it elsewhere, so its HTTPS form
        // would change which server git talks to.
        if slot.file == FileKind::Config
            && matches!(outcome, Outcome::Change { .. } | Outcome::Leak { .. })
        {
            let redirected = rewrites.alias(&slot.value, false).or_else(|| {
                (slot.key.name == "url")
                    .then(|| rewrites.alias(&slot.value, true))
                    .flatten()
            });
            if let Some(r) = redirected.filter(|r| r.url != slot.value) {
                outcome = Outcome::Skipped {
                    reason: format!(
                        "{} sends it to {}; its HTTPS form would change where git goes",
                        r.rule.map(|x| x.describe()).unwrap_or_default(),
                        r.url
                    ),
                };
            }
        }
        out.items.push(Item {
            slot: slot.clone(),
            kind,
            outcome,
        });
    }
    out.warnings = undo_warnings(&out, rewrites, opts);
    out
}

fn decide(slot: &Slot, rules: &HostRules, opts: &Options) -> (Option<Kind>, Outcome) {
    let wanted = match slot.key.section.as_str() {
        "remote" => slot.key.is_remote(opts.remote.as_deref()),
        "submodule" => opts.submodules || slot.file == FileKind::Gitmodules,
        _ => false,
    };
    if !slot.text {
        return (
            None,
            if wanted {
                Outcome::Skipped {
                    reason: "the value is not UTF-8 text; left alone".into(),
                }
            } else {
                Outcome::Filtered
            },
        );
    }
    let parsed = match url::parse(&slot.value) {
        Ok(p) => p,
        Err(e) => {
            return (
                None,
                if wanted {
                    Outcome::Skipped {
                        reason: e.to_string(),
                    }
                } else {
                    Outcome::Filtered
                },
            );
        }
    };
    let kind = Some(parsed.kind);
    if !wanted {
        return (kind, Outcome::Filtered);
    }
    if parsed.kind == Kind::Https && !parsed.leaks_credentials() {
        return (kind, Outcome::AlreadyHttps);
    }
    let conv = match crate::core::convert::convert_parsed(&slot.value, &parsed, rules) {
        Ok(c) => c,
        Err(e) => {
            return (
                kind,
                Outcome::Skipped {
                    reason: e.to_string(),
                },
            );
        }
    };
    if !host_selected(opts, &parsed, &conv.https) {
        return (kind, Outcome::Filtered);
    }
    // `.gitmodules` is tracked and travels to every clone: an account tie (a user name from
    // `[aliases]` or a `[hosts]` rule) belongs in this machine's `.git/config` only.
    let new = if slot.file == FileKind::Gitmodules {
        without_user(&conv.https)
    } else {
        conv.https
    };
    let outcome = if conv.stripped_credentials {
        if opts.strip_credentials {
            Outcome::Change { new }
        } else {
            Outcome::Leak { new }
        }
    } else if !parsed.kind.is_migratable() {
        Outcome::Skipped {
            reason: format!(
                "{} URL; only SSH and git:// remotes are migrated",
                parsed.kind
            ),
        }
    } else if slot.file == FileKind::Gitmodules && !opts.gitmodules {
        Outcome::Listed { new }
    } else {
        Outcome::Change { new }
    };
    (kind, outcome)
}

/// `url` without a `user@` before its host (the authority ends at the first `/`, `?` or `#`,
/// as curl reads it); nothing else is touched.
fn without_user(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

/// For each remote, the URLs git would use after the plan; any that a rule turns back into a
/// non-HTTPS URL is a warning naming the rule and its file.
fn undo_warnings(plan: &RepoPlan, rewrites: &Rewrites, opts: &Options) -> Vec<UndoWarning> {
    // Each remote's URLs after the plan, gathered in one pass (linear in the remotes).
    let mut order: Vec<&str> = Vec::new();
    let mut after: std::collections::HashMap<&str, (Vec<String>, Vec<String>, bool)> =
        std::collections::HashMap::new();
    for i in &plan.items {
        if i.slot.file != FileKind::Config || !i.slot.is_remote() {
            continue;
        }
        let remote = i.slot.key.sub();
        let entry = after.entry(remote).or_insert_with(|| {
            order.push(remote);
            Default::default()
        });
        // A remote migrated now, or by an earlier run, counts: a rule that turns either
        // back keeps it SSH in effect.
        let value = match &i.outcome {
            Outcome::Change { new } => {
                entry.2 = true;
                new.clone()
            }
            Outcome::AlreadyHttps => {
                // Only on the hosts the run was asked about.
                entry.2 |=
                    url::parse(&i.slot.value).is_ok_and(|p| host_selected(opts, &p, &i.slot.value));
                i.slot.value.clone()
            }
            _ => i.slot.value.clone(),
        };
        match i.slot.key.name.as_str() {
            "url" => entry.0.push(value),
            "pushurl" => entry.1.push(value),
            _ => {}
        }
    }
    let mut warnings = Vec::new();
    for remote in order {
        let (urls, pushurls, changed) = &after[remote];
        if !changed {
            continue;
        }
        // Every rule that would turn a URL back counts, not only the one git picks now: with
        // that one gone, the next (a tie, a shorter prefix) would take over.
        let mut left = rewrites.clone();
        loop {
            let eff = left.effective(urls, pushurls);
            let mut found: Vec<UndoWarning> = Vec::new();
            for (what, list) in [("fetch", &eff.fetch), ("push", &eff.push)] {
                for r in list {
                    let Some(rule) = r.rule else { continue };
                    if url::parse(&r.url).is_ok_and(|p| p.kind != Kind::Https) {
                        found.push(UndoWarning {
                            source: rule.clone(),
                            remote: remote.to_string(),
                            rule: rule.describe(),
                            direction: what,
                            url: r.url.clone(),
                        });
                    }
                }
            }
            if found.is_empty() {
                break;
            }
            left.rules.retain(|r| !found.iter().any(|w| &w.source == r));
            warnings.extend(found);
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::insteadof::Rule;

    fn slot(sub: &str, name: &str, value: &str) -> Slot {
        Slot {
            file: FileKind::Config,
            key: ConfigKey::new("remote", Some(sub), name),
            index: 0,
            text: true,
            value: value.into(),
        }
    }

    #[test]
    fn outcomes() {
        let slots = vec![
            slot("origin", "url", "git@github.com:o/r.git"),
            slot("origin", "pushurl", "ssh://git@github.com:22/o/r.git"),
            slot("up", "url", "https://github.com/u/r.git"),
            slot("local", "url", "/srv/r.git"),
            slot("leak", "url", "https://x:secret@github.com/o/r"),
        ];
        let p = plan(
            &slots,
            &HostRules::default(),
            &Rewrites::default(),
            &Options::default(),
        );
        assert_eq!(
            p.items[0].outcome,
            Outcome::Change {
                new: "https://github.com/o/r.git".into()
            }
        );
        assert_eq!(
            p.items[1].outcome,
            Outcome::Change {
                new: "https://github.com/o/r.git".into()
            }
        );
        assert_eq!(p.items[2].outcome, Outcome::AlreadyHttps);
        assert!(matches!(p.items[3].outcome, Outcome::Skipped { .. }));
        assert_eq!(
            p.items[4].outcome,
            Outcome::Leak {
                new: "https://github.com/o/r".into()
            }
        );
        assert_eq!(p.change_count(), 2);
    }

    #[test]
    fn an_account_tie_goes_to_the_config_and_never_into_gitmodules() {
        let rules = HostRules {
            maps: vec![
                crate::core::hosts::HostMap::new("gh-work", "https://alice@github.com").unwrap(),
            ],
            ..HostRules::default()
        };
        let config = Slot {
            key: ConfigKey::new("submodule", Some("lib"), "url"),
            ..slot("x", "url", "git@gh-work:o/lib.git")
        };
        let gitmodules = Slot {
            file: FileKind::Gitmodules,
            ..config.clone()
        };
        let opts = Options {
            submodules: true,
            gitmodules: true,
            ..Options::default()
        };
        let p = plan(
            &[config, gitmodules.clone()],
            &rules,
            &Rewrites::default(),
            &opts,
        );
        let new = |i: usize| p.items[i].outcome.clone();
        assert_eq!(
            new(0),
            Outcome::Change {
                new: "https://alice@github.com/o/lib.git".into()
            }
        );
        assert_eq!(
            new(1),
            Outcome::Change {
                new: "https://github.com/o/lib.git".into()
            }
        );
        // Listed (no --gitmodules): what it would become, without the login too.
        let listed = plan(
            &[gitmodules],
            &rules,
            &Rewrites::default(),
            &Options::default(),
        );
        assert_eq!(
            listed.items[0].outcome,
            Outcome::Listed {
                new: "https://github.com/o/lib.git".into()
            }
        );
        assert_eq!(
            without_user("https://a@b@h:8443/o/r?x=@#@"),
            "https://h:8443/o/r?x=@#@"
        );
    }

    #[test]
    fn filters() {
        let slots = vec![
            slot("origin", "url", "git@github.com:o/r"),
            slot("other", "url", "git@gitlab.com:o/r"),
        ];
        let opts = Options {
            remote: Some("other".into()),
            ..Options::default()
        };
        let p = plan(&slots, &HostRules::default(), &Rewrites::default(), &opts);
        assert_eq!(p.items[0].outcome, Outcome::Filtered);
        assert_eq!(p.change_count(), 1);
        let opts = Options {
            hosts: vec!["github.com".into()],
            ..Options::default()
        };
        let p = plan(&slots, &HostRules::default(), &Rewrites::default(), &opts);
        assert_eq!(p.items[1].outcome, Outcome::Filtered);
    }

    #[test]
    fn rule_that_undoes_is_named() {
        let rw = Rewrites {
            rules: vec![Rule {
                base: "git@github.com:".into(),
                prefix: "https://github.com/".into(),
                push: true,
                origin: "/home/u/.gitconfig".into(),
            }],
        };
        let p = plan(
            &[slot("origin", "url", "git@github.com:o/r")],
            &HostRules::default(),
            &rw,
            &Options::default(),
        );
        assert_eq!(p.warnings.len(), 1);
        let w = p.warnings[0].to_string();
        assert!(
            w.contains("pushInsteadOf")
                && w.contains("/home/u/.gitconfig")
                && w.contains("git@github.com:o/r")
        );
        assert_eq!(p.warnings[0].direction, "push");
    }

    #[test]
    fn a_rule_turning_an_https_remote_back_counts_on_the_hosts_asked_about() {
        let rw = Rewrites {
            rules: vec![Rule {
                base: "git@github.com:".into(),
                prefix: "https://github.com/".into(),
                push: false,
                origin: "/home/u/.gitconfig".into(),
            }],
        };
        let slots = [slot("origin", "url", "https://github.com/o/r.git")];
        let all = plan(&slots, &HostRules::default(), &rw, &Options::default());
        assert_eq!(all.items[0].outcome, Outcome::AlreadyHttps);
        // For fetch and for push (no pushInsteadOf).
        assert_eq!(all.warnings.len(), 2);
        let elsewhere = Options {
            hosts: vec!["gitlab.com".into()],
            ..Options::default()
        };
        let other = plan(&slots, &HostRules::default(), &rw, &elsewhere);
        assert!(other.warnings.is_empty());
    }
}
