//! Pure: the change types every layer shares — a config key, one value's edit, and one file's
//! edits — so the planner, the journal and the writer speak of the same thing.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Which file of a repository a value lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// The repository's own config (`.git/config`, or the common dir's for a worktree).
    Config,
    /// The tracked `.gitmodules` in the work tree.
    Gitmodules,
    /// A config file whose `insteadOf` rules are removed (`--fix-insteadof`): the global or
    /// system config, a file they include, or the repository's own config.
    Rules,
}

/// A config key: `section.subsection.name`. Section and name are lower-case (git's canonical
/// form); the subsection is case-sensitive, as in git.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConfigKey {
    pub section: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsection: Option<String>,
    pub name: String,
}

impl ConfigKey {
    pub fn new(section: &str, subsection: Option<&str>, name: &str) -> ConfigKey {
        ConfigKey {
            section: section.to_ascii_lowercase(),
            subsection: subsection.map(str::to_string),
            name: name.to_ascii_lowercase(),
        }
    }

    /// `remote.NAME.url` and the like: the subsection, or "".
    pub fn sub(&self) -> &str {
        self.subsection.as_deref().unwrap_or_default()
    }

    /// Whether this is `remote.<remote>.*` (any remote when `remote` is `None`).
    pub fn is_remote(&self, remote: Option<&str>) -> bool {
        self.section == "remote" && remote.is_none_or(|r| self.sub() == r)
    }
}

impl fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.subsection {
            Some(sub) => write!(f, "{}.{}.{}", self.section, sub, self.name),
            None => write!(f, "{}.{}", self.section, self.name),
        }
    }
}

/// What an edit does to its key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Op {
    /// The value `old` becomes `new`.
    #[default]
    Set,
    /// The entry holding `old` goes.
    Remove,
    /// An entry holding `new` is added to the key's section.
    Add,
}

impl Op {
    fn is_set(&self) -> bool {
        *self == Op::Set
    }
}

/// One value to change: the `index`-th value of `key` in its file, from `old` to `new`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    #[serde(flatten)]
    pub key: ConfigKey,
    pub index: usize,
    pub old: String,
    pub new: String,
    #[serde(default, skip_serializing_if = "Op::is_set")]
    pub op: Op,
}

impl Edit {
    /// The edit that takes this one back.
    pub fn reversed(&self) -> Edit {
        Edit {
            key: self.key.clone(),
            index: self.index,
            old: self.new.clone(),
            new: self.old.clone(),
            op: match self.op {
                Op::Set => Op::Set,
                Op::Remove => Op::Add,
                Op::Add => Op::Remove,
            },
        }
    }

    /// Whether this is an edit git-https makes: a remote's or submodule's URL set, or an
    /// `insteadOf`/`pushInsteadOf` rule removed or added back — with no newline or NUL where
    /// it would break the file. A journal is read back from disk: anything else is refused.
    pub fn is_ours(&self) -> bool {
        let k = &self.key;
        let clean = |t: &str| !t.contains(['\n', '\0']);
        let sub_ok = k.subsection.as_deref().is_some_and(clean);
        let values_ok = clean(&self.old) && clean(&self.new);
        let key_ok = match self.op {
            Op::Set => matches!(
                (k.section.as_str(), k.name.as_str()),
                ("remote", "url" | "pushurl") | ("submodule", "url")
            ),
            Op::Remove | Op::Add => {
                k.section == "url" && matches!(k.name.as_str(), "insteadof" | "pushinsteadof")
            }
        };
        sub_ok && values_ok && key_ok
    }

    /// Removing the entry of `key` that holds `value`.
    pub fn remove(key: ConfigKey, value: &str) -> Edit {
        Edit {
            key,
            index: 0,
            old: value.to_string(),
            new: String::new(),
            op: Op::Remove,
        }
    }
}

/// One file's edits, applied together in one atomic write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdits {
    /// The repository, as messages name it.
    pub repo: PathBuf,
    pub kind: FileKind,
    pub path: PathBuf,
    pub edits: Vec<Edit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_display_and_journal_shape() {
        let k = ConfigKey::new("Remote", Some("Origin"), "pushURL");
        assert_eq!(k.to_string(), "remote.Origin.pushurl");
        assert_eq!(ConfigKey::new("core", None, "x").to_string(), "core.x");
        let e = Edit {
            key: k,
            index: 1,
            old: "a".into(),
            new: "b".into(),
            op: Op::Set,
        };
        // The journal's wire format (version 1) keeps the key's parts flat.
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"section":"remote","subsection":"Origin","name":"pushurl","index":1,"old":"a","new":"b"}"#
        );
        assert_eq!(e.reversed().reversed(), e);
        let r = Edit::remove(
            ConfigKey::new("url", Some("git@h:"), "insteadOf"),
            "https://h/",
        );
        assert_eq!(r.reversed().op, Op::Add);
        assert_eq!(r.reversed().new, "https://h/");
        assert!(
            serde_json::to_string(&r)
                .unwrap()
                .contains(r#""op":"remove""#)
        );
    }
}
