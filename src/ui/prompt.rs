//! Every question the tool asks, on the terminal (stderr). A [`Prompter`] made without a
//! terminal cannot ask: its questions fail with [`NoTerminal`], so scripts and tests are never
//! asked, by construction.

use anyhow::Result;
use zeroize::Zeroizing;

/// A prompt's error as the `io::Error` it is, so that a read cut short by Ctrl-C is seen as
/// one (`error::is_interrupted`) up the chain; dialoguer's own error hides its source.
fn io(e: dialoguer::Error) -> std::io::Error {
    e.into()
}

/// A question reached a prompter that has no terminal to ask on (a bug in the caller, which
/// should have checked [`Prompter::can_ask`] and said what flag answers it).
#[derive(Debug, thiserror::Error)]
#[error("no terminal to ask on: {0}")]
pub struct NoTerminal(pub String);

/// Asks questions when stdin and stderr are a terminal; never otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Prompter {
    can_ask: bool,
}

impl Prompter {
    /// Asks only where the process has a terminal on stdin and stderr (`Env::interactive`).
    pub fn new(interactive: bool) -> Prompter {
        Prompter {
            can_ask: interactive,
        }
    }

    /// Never asks (scripts, tests, `--json` runs that must not stop).
    pub fn none() -> Prompter {
        Prompter { can_ask: false }
    }

    pub fn can_ask(self) -> bool {
        self.can_ask
    }

    fn ready(self, question: &str) -> Result<()> {
        if self.can_ask {
            Ok(())
        } else {
            Err(NoTerminal(question.to_string()).into())
        }
    }

    /// Yes or no.
    pub fn confirm(self, question: &str, default: bool) -> Result<bool> {
        self.ready(question)?;
        Ok(dialoguer::Confirm::new()
            .with_prompt(question)
            .default(default)
            .interact()
            .map_err(io)?)
    }

    /// One of `items`; returns its index.
    pub fn select(self, question: &str, items: &[String], default: usize) -> Result<usize> {
        self.ready(question)?;
        Ok(dialoguer::Select::new()
            .with_prompt(question)
            .items(items)
            .default(default)
            .interact()
            .map_err(io)?)
    }

    /// A line of text, checked by `valid` before it is accepted.
    pub fn text(
        self,
        question: &str,
        default: Option<&str>,
        valid: impl Fn(&String) -> Result<(), String>,
    ) -> Result<String> {
        self.ready(question)?;
        let mut input = dialoguer::Input::<String>::new()
            .with_prompt(question)
            .allow_empty(default == Some(""))
            .validate_with(|s: &String| valid(s));
        if let Some(d) = default.filter(|d| !d.is_empty()) {
            input = input.default(d.to_string());
        }
        Ok(input.interact_text().map_err(io)?)
    }

    /// A whole number of at least `min`.
    pub fn number(self, question: &str, default: u64, min: u64) -> Result<u64> {
        self.ready(question)?;
        Ok(dialoguer::Input::<u64>::new()
            .with_prompt(question)
            .default(default)
            .validate_with(|n: &u64| {
                if *n >= min {
                    Ok(())
                } else {
                    Err(format!("at least {min}"))
                }
            })
            .interact_text()
            .map_err(io)?)
    }

    /// A secret typed or pasted with echo off.
    pub fn password(self, question: &str, allow_empty: bool) -> Result<Zeroizing<String>> {
        self.ready(question)?;
        hidden(question, allow_empty)
    }
}

/// A secret read with echo off from a terminal on stdin — `--token-stdin` at a terminal, where
/// a token must not be read from an echoing line whatever stderr is.
pub fn hidden(question: &str, allow_empty: bool) -> Result<Zeroizing<String>> {
    Ok(Zeroizing::new(
        dialoguer::Password::new()
            .with_prompt(question)
            .allow_empty_password(allow_empty)
            .interact()
            .map_err(io)?,
    ))
}

/// Asks a yes/no question when there is a terminal to ask on; `false` without one.
pub fn confirm(interactive: bool, question: &str) -> Result<bool> {
    let p = Prompter::new(interactive);
    if !p.can_ask() {
        return Ok(false);
    }
    p.confirm(question, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompter_without_a_terminal_never_asks() {
        let p = Prompter::none();
        assert!(!p.can_ask());
        let e = p.confirm("Go?", true).unwrap_err();
        assert!(e.downcast_ref::<NoTerminal>().is_some(), "{e:#}");
        assert!(p.password("Token", false).is_err());
        assert!(p.select("Pick", &["a".into()], 0).is_err());
        assert!(p.number("N", 1, 1).is_err());
        assert!(p.text("T", None, |_| Ok(())).is_err());
    }
}
