//! The flags `login` and `setup` share — where the token comes from, how it is checked, how git
//! remembers it — checked one way for both, and the cache mode chosen from them.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::core::cache::{CacheMode, DEFAULT_TIMEOUT};
use crate::core::forge::Forge;
use crate::core::helper::HelperLine;
use crate::env::Env;
use crate::error::usage;
use crate::io::keystore::{Backend, Keystore};
use crate::ui::prompt::Prompter;

/// `login`'s and `setup`'s token flags.
#[derive(Debug, Clone, Default)]
pub struct TokenOptions {
    pub token_stdin: bool,
    pub api_url: Option<String>,
    pub no_verify: bool,
    pub forge: Option<Forge>,
    pub cache: Option<CacheMode>,
    pub timeout: Option<u64>,
    pub file: Option<PathBuf>,
}

impl TokenOptions {
    /// Flags that contradict each other, refused before anything is read or asked.
    pub fn check(&self) -> Result<()> {
        if self.file.is_some() && self.cache.is_some_and(|c| c != CacheMode::Store) {
            return Err(usage("--file goes with --cache store"));
        }
        if self.timeout.is_some() && self.cache.is_some_and(|c| c != CacheMode::Memory) {
            return Err(usage("--timeout goes with --cache memory"));
        }
        if self.file.as_ref().is_some_and(|f| f.to_str().is_none()) {
            return Err(usage(
                "--file must be a UTF-8 path (git config holds it as text)",
            ));
        }
        Ok(())
    }

    /// The mode the flags name: `--cache`, or the one `--file` (store) or `--timeout` (memory)
    /// only makes sense with.
    pub fn given_mode(&self) -> Option<CacheMode> {
        self.cache.or(match (&self.file, self.timeout) {
            (Some(_), _) => Some(CacheMode::Store),
            (None, Some(_)) => Some(CacheMode::Memory),
            (None, None) => None,
        })
    }

    /// The helper line that keeps the token in `mode` for `timeout` seconds (memory).
    pub fn helper(&self, mode: CacheMode, timeout: u64, env: &Env) -> Result<HelperLine> {
        if self.file.is_some() && mode != CacheMode::Store {
            return Err(usage("--file goes with --cache store"));
        }
        if self.timeout.is_some() && mode != CacheMode::Memory {
            return Err(usage("--timeout goes with --cache memory"));
        }
        Ok(match mode {
            CacheMode::Memory => HelperLine::Cache { timeout },
            CacheMode::Store => HelperLine::Store {
                file: self.file.as_ref().map(|f| env.abs(f)),
            },
            CacheMode::Keyring => HelperLine::Keyring {
                exe: env.exe()?.to_path_buf(),
            },
        })
    }

    /// The memory cache's timeout: `--timeout`, else git-https's default.
    pub fn timeout_or_default(&self) -> u64 {
        self.timeout.unwrap_or(DEFAULT_TIMEOUT)
    }
}

/// The cache mode: `given`, else asked on a terminal (only the choices that work here), else
/// git's memory cache.
pub fn choose_mode(given: Option<CacheMode>, env: &Env, prompter: Prompter) -> Result<CacheMode> {
    let mode = match given {
        Some(m) => m,
        None if prompter.can_ask() => {
            let choices = mode_choices(env);
            let labels: Vec<String> = choices.iter().map(|(_, l)| l.clone()).collect();
            let pick = prompter.select("How should git remember the token?", &labels, 0)?;
            choices[pick].0
        }
        None => CacheMode::Memory,
    };
    if mode == CacheMode::Memory && cfg!(windows) {
        bail!(
            "--cache memory needs unix sockets, which git's credential cache does not have on Windows; use keyring or store"
        );
    }
    Ok(mode)
}

/// No cache daemon on Windows, a keyring only where one answers (and said to be the kernel's
/// when that is all there is).
fn mode_choices(env: &Env) -> Vec<(CacheMode, String)> {
    let mut choices: Vec<(CacheMode, String)> = Vec::new();
    if !cfg!(windows) {
        choices.push((
            CacheMode::Memory,
            "memory: git's credential cache, forgotten after the timeout".into(),
        ));
    }
    choices.push((
        CacheMode::Store,
        "store: a plain-text file (~/.git-credentials), mode 0600".into(),
    ));
    match Keystore::open(env.keyring_choice.as_deref()) {
        Ok(k) if k.backend == Backend::Keyutils => choices.push((
            CacheMode::Keyring,
            "keyring: the kernel keyring (forgotten at reboot)".into(),
        )),
        Ok(k) => choices.push((
            CacheMode::Keyring,
            format!("keyring: {}", k.backend.describe()),
        )),
        Err(_) => {}
    }
    choices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_timeout_imply_their_mode_and_refuse_another() {
        let file = TokenOptions {
            file: Some("/tmp/f".into()),
            ..TokenOptions::default()
        };
        assert_eq!(file.given_mode(), Some(CacheMode::Store));
        assert!(file.check().is_ok());
        let both = TokenOptions {
            cache: Some(CacheMode::Memory),
            ..file.clone()
        };
        assert!(both.check().is_err());
        let timeout = TokenOptions {
            timeout: Some(60),
            ..TokenOptions::default()
        };
        assert_eq!(timeout.given_mode(), Some(CacheMode::Memory));
        let wrong = TokenOptions {
            cache: Some(CacheMode::Keyring),
            ..timeout
        };
        assert!(wrong.check().is_err());
    }
}
