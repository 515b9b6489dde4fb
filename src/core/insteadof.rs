//! Pure: git's `url.<base>.insteadOf` / `pushInsteadOf` rewriting (`remote.c`: `alias_url`,
//! `alias_all_urls`), so we can show the URL git will really use and spot rules that would
//! turn a migrated HTTPS URL back into SSH.

/// One `url.<base>.insteadOf = <prefix>` (or `pushInsteadOf`) line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rule {
    pub base: String,
    pub prefix: String,
    pub push: bool,
    /// The file the rule is in, for messages.
    pub origin: String,
}

impl Rule {
    pub fn describe(&self) -> String {
        let key = if self.push {
            "pushInsteadOf"
        } else {
            "insteadOf"
        };
        format!(
            "url.{}.{key} = {} (in {})",
            self.base, self.prefix, self.origin
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct Rewrites {
    pub rules: Vec<Rule>,
}

/// A URL after rewriting, with the rule that did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten<'a> {
    pub url: String,
    pub rule: Option<&'a Rule>,
}

/// The URLs git uses for one remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective<'a> {
    pub fetch: Vec<Rewritten<'a>>,
    pub push: Vec<Rewritten<'a>>,
}

impl Rewrites {
    pub fn extend(&mut self, rules: impl IntoIterator<Item = Rule>) {
        self.rules.extend(rules);
    }

    /// git's `alias_url`: the longest matching prefix wins; on a tie, the first rule read.
    pub fn alias<'a>(&'a self, url: &str, push: bool) -> Option<Rewritten<'a>> {
        let mut best: Option<&Rule> = None;
        for r in self.rules.iter().filter(|r| r.push == push) {
            if url.starts_with(&r.prefix) && best.is_none_or(|b| r.prefix.len() > b.prefix.len()) {
                best = Some(r);
            }
        }
        best.map(|r| Rewritten {
            url: format!("{}{}", r.base, &url[r.prefix.len()..]),
            rule: Some(r),
        })
    }

    fn fetch_form<'a>(&'a self, url: &str) -> Rewritten<'a> {
        self.alias(url, false).unwrap_or_else(|| Rewritten {
            url: url.to_string(),
            rule: None,
        })
    }

    /// What git does with a remote's `url` and `pushurl` values (`alias_all_urls`): push URLs
    /// get `insteadOf`; without any, each `url` matched by a `pushInsteadOf` adds a push URL;
    /// with none of those either, push uses the fetch URLs.
    pub fn effective<'a>(&'a self, urls: &[String], pushurls: &[String]) -> Effective<'a> {
        let fetch: Vec<Rewritten<'a>> = urls.iter().map(|u| self.fetch_form(u)).collect();
        let push = if !pushurls.is_empty() {
            pushurls.iter().map(|u| self.fetch_form(u)).collect()
        } else {
            let aliased: Vec<Rewritten<'a>> =
                urls.iter().filter_map(|u| self.alias(u, true)).collect();
            if aliased.is_empty() {
                fetch.clone()
            } else {
                aliased
            }
        };
        Effective { fetch, push }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(base: &str, prefix: &str, push: bool) -> Rule {
        Rule {
            base: base.into(),
            prefix: prefix.into(),
            push,
            origin: "test".into(),
        }
    }

    #[test]
    fn longest_prefix_wins() {
        let rw = Rewrites {
            rules: vec![
                rule("git@github.com:", "https://github.com/", false),
                rule("X", "https://github.com/o/", false),
            ],
        };
        assert_eq!(rw.alias("https://github.com/o/r", false).unwrap().url, "Xr");
        assert_eq!(
            rw.alias("https://github.com/p/r", false).unwrap().url,
            "git@github.com:p/r"
        );
        assert!(rw.alias("https://gitlab.com/p/r", false).is_none());
    }

    #[test]
    fn push_rules_only_without_pushurl() {
        let rw = Rewrites {
            rules: vec![rule("git@h:", "https://h/", true)],
        };
        let urls = vec!["https://h/o/r".to_string()];
        let e = rw.effective(&urls, &[]);
        assert_eq!(e.fetch[0].url, "https://h/o/r");
        assert_eq!(e.push[0].url, "git@h:o/r");
        let e = rw.effective(&urls, &["https://h/o/p".to_string()]);
        assert_eq!(e.push[0].url, "https://h/o/p");
    }
}
