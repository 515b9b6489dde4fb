//! How git remembers a token: the one cache-mode type of the command line, the login record
//! and the reports.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CacheMode {
    /// git's in-memory credential cache daemon, for --timeout seconds.
    Memory,
    /// git's plain-text credential store file.
    Store,
    /// The OS keyring, with git-https as git's credential helper.
    Keyring,
}

/// How long git's memory cache keeps a token unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: u64 = 3600;

impl CacheMode {
    pub fn name(self) -> &'static str {
        match self {
            CacheMode::Memory => "memory",
            CacheMode::Store => "store",
            CacheMode::Keyring => "keyring",
        }
    }
}

impl fmt::Display for CacheMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_its_name() {
        for m in [CacheMode::Memory, CacheMode::Store, CacheMode::Keyring] {
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{m}\""));
            let back: CacheMode = serde_json::from_str(&format!("\"{}\"", m.name())).unwrap();
            assert_eq!(back, m);
        }
    }
}
