//! What `status` reports of one repository: each remote's URLs, the HTTPS URL migrate would
//! write, the URL git really uses after `insteadOf` rules, and the account it authenticates as.

use crate::core::accounts::{Account, Login};
use crate::core::insteadof::Rewritten;
use crate::core::plan::{Item, Outcome};
use crate::core::realm::Realm;
use crate::core::redact::Redacted;
use crate::ui::report;

use super::Observed;

/// Which account a remote authenticates as: from the URL git will use, or — for a remote
/// still on SSH — the HTTPS URL migrate would write.
fn remote_account(
    urls: &[&Item],
    eff: &[Rewritten<'_>],
    accounts: &[Login],
) -> Option<(Account, Realm)> {
    let https = eff
        .first()
        .map(|r| r.url.to_string())
        .filter(|u| u.starts_with("https://"))
        .or_else(|| {
            urls.first().and_then(|i| match &i.outcome {
                Outcome::Change { new } | Outcome::Leak { new } | Outcome::Listed { new } => {
                    Some(new.clone())
                }
                _ => None,
            })
        })?;
    Account::with_scope(&https, accounts)
}

/// Remote names in the order they first appear.
fn remote_names(o: &Observed) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    o.plan
        .items
        .iter()
        .filter(|i| i.slot.is_remote())
        .map(|i| i.slot.key.sub())
        .filter(|n| seen.insert(*n))
        .collect()
}

fn values(items: &[&Item]) -> Vec<String> {
    items.iter().map(|i| i.slot.value.clone()).collect()
}

fn url_status(i: &Item) -> report::UrlStatus {
    let (https, reason) = match &i.outcome {
        Outcome::Change { new } | Outcome::Leak { new } | Outcome::Listed { new } => {
            (Some(Redacted::new(new)), None)
        }
        Outcome::Skipped { reason } => (None, Some(Redacted::new(reason))),
        _ => (None, None),
    };
    report::UrlStatus {
        value: Redacted::new(&i.slot.value),
        kind: i.kind,
        outcome: i.outcome_name(),
        https,
        reason,
    }
}

fn effective(list: &[Rewritten<'_>]) -> Vec<report::EffectiveUrl> {
    list.iter()
        .map(|r| report::EffectiveUrl {
            url: Redacted::new(&r.url),
            rule: r.rule.map(|x| Redacted::new(&x.describe())),
        })
        .collect()
}

/// The report of one repository (`only`: just that remote).
pub fn repo_status(o: &Observed, only: Option<&str>, accounts: &[Login]) -> report::RepoStatus {
    let mut warnings: Vec<Redacted> = o
        .plan
        .warnings
        .iter()
        .map(|w| Redacted::new(&w.to_string()))
        .collect();
    // One pass over the items: remotes with many URLs stay linear.
    let mut by_remote: std::collections::HashMap<&str, (Vec<&Item>, Vec<&Item>)> =
        std::collections::HashMap::new();
    for i in o.plan.items.iter().filter(|i| i.slot.is_remote()) {
        let entry = by_remote.entry(i.slot.key.sub()).or_default();
        match i.slot.key.name.as_str() {
            "url" => entry.0.push(i),
            "pushurl" => entry.1.push(i),
            _ => {}
        }
    }
    let remotes = remote_names(o)
        .into_iter()
        .filter(|n| only.is_none_or(|o| o == *n))
        .map(|name| {
            let (urls, pushurls) = by_remote.remove(name).unwrap_or_default();
            let eff = o.rewrites.effective(&values(&urls), &values(&pushurls));
            let account = remote_account(&urls, &eff.fetch, accounts).map(|(a, host)| {
                if let Some(w) = a.warning(&host) {
                    warnings.push(Redacted::new(&format!("remote {name}: {w}")));
                }
                report::AccountStatus {
                    login: a.login().map(Redacted::new),
                    how: a.how(),
                    accounts: match &a {
                        Account::Unnamed(all) => all.iter().map(|l| Redacted::new(l)).collect(),
                        _ => Vec::new(),
                    },
                }
            });
            report::RemoteStatus {
                name: Redacted::new(name),
                account,
                urls: urls.iter().map(|i| url_status(i)).collect(),
                pushurls: pushurls.iter().map(|i| url_status(i)).collect(),
                effective: report::Effective {
                    fetch: effective(&eff.fetch),
                    push: effective(&eff.push),
                },
            }
        })
        .collect();
    let submodules = o
        .plan
        .items
        .iter()
        .filter(|i| i.slot.key.section == "submodule")
        .map(|i| report::SubmoduleStatus {
            name: Redacted::new(i.slot.key.sub()),
            file: i.slot.file,
            url: url_status(i),
        })
        .collect();
    report::RepoStatus {
        repo: report::path(&o.repo.root),
        config: report::path(&o.repo.config),
        remotes,
        submodules,
        warnings,
    }
}
