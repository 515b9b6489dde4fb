//! Pure: the `credential.<url>.helper` lines git-https writes, and the recogniser `logout`
//! uses to tell them from lines someone else wrote. One type, so the two cannot drift.

use std::path::{Path, PathBuf};

/// One helper line of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelperLine {
    /// The empty line: git forgets the helpers inherited from less specific config.
    Reset,
    /// git's credential-cache daemon.
    Cache { timeout: u64 },
    /// git's credential-store, in its default file or `--file`.
    Store { file: Option<PathBuf> },
    /// git-https itself as the keyring helper.
    Keyring { exe: PathBuf },
}

impl HelperLine {
    /// The line as git config holds it.
    pub fn render(&self) -> String {
        match self {
            HelperLine::Reset => String::new(),
            HelperLine::Cache { timeout } => format!("cache --timeout={timeout}"),
            HelperLine::Store { file: None } => "store".to_string(),
            HelperLine::Store { file: Some(f) } => format!("store --file={}", shell_quote(f)),
            HelperLine::Keyring { exe } => format!("!{} credential", shell_quote(exe)),
        }
    }

    /// The line, if it is one git-https writes.
    pub fn parse(line: &str) -> Option<HelperLine> {
        if line.is_empty() {
            return Some(HelperLine::Reset);
        }
        if let Some(t) = line.strip_prefix("cache --timeout=") {
            return t.parse().ok().map(|timeout| HelperLine::Cache { timeout });
        }
        if line == "store" {
            return Some(HelperLine::Store { file: None });
        }
        if let Some(f) = line.strip_prefix("store --file=") {
            return shell_unquote(f).map(|f| HelperLine::Store {
                file: Some(PathBuf::from(f)),
            });
        }
        let exe = line.strip_prefix('!')?.strip_suffix(" credential")?;
        let exe = PathBuf::from(shell_unquote(exe)?);
        exe.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("git-https"))
            .then_some(HelperLine::Keyring { exe })
    }
}

/// Single-quotes a path for the shell git runs helper lines with.
pub fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The inverse of [`shell_quote`] (and a bare word without quotes or spaces).
fn shell_unquote(s: &str) -> Option<String> {
    if !s.starts_with('\'') {
        return (!s.contains([' ', '\'', '"', '\\'])).then(|| s.to_string());
    }
    let mut out = String::new();
    for (i, part) in s.split(r"'\''").enumerate() {
        let part = if i == 0 {
            part.strip_prefix('\'')?
        } else {
            out.push('\'');
            part
        };
        out.push_str(part);
    }
    out.strip_suffix('\'').map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_we_write_is_recognised() {
        for line in [
            HelperLine::Reset,
            HelperLine::Cache { timeout: 900 },
            HelperLine::Store { file: None },
            HelperLine::Store {
                file: Some("/home/o'brien/my creds".into()),
            },
            HelperLine::Keyring {
                exe: "/opt/it's/git-https".into(),
            },
        ] {
            assert_eq!(
                HelperLine::parse(&line.render()),
                Some(line.clone()),
                "{line:?}"
            );
        }
    }

    #[test]
    fn lines_of_others_are_not() {
        for line in [
            "osxkeychain",
            "manager",
            "!gh auth git-credential",
            "store --file=~/x y",
            "cache",
        ] {
            assert_eq!(HelperLine::parse(line), None, "{line}");
        }
    }
}
