//! Talking to a person on a terminal: confirmation and progress, both on stderr, both silent
//! when stderr is not a terminal.

use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use crate::env::Env;

/// Asks a yes/no question when there is a terminal to ask on; `false` without one.
pub fn confirm(env: &Env, question: &str) -> Result<bool> {
    if !env.interactive() {
        return Ok(false);
    }
    Ok(dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()?)
}

/// A spinner or bar on stderr, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    failed: std::sync::atomic::AtomicUsize,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        Progress {
            bar: enabled.then(ProgressBar::new_spinner),
            failed: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    pub fn spin(&self, msg: &str) {
        if let Some(b) = &self.bar {
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
            );
            b.set_message(msg.to_string());
            b.enable_steady_tick(Duration::from_millis(100));
        }
    }

    pub fn bar(&self, len: u64, msg: &str) {
        if let Some(b) = &self.bar {
            b.reset();
            b.set_length(len);
            b.set_style(
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            b.set_message(msg.to_string());
        }
    }

    /// One more item done; failures are counted in the message.
    pub fn inc(&self, ok: bool) {
        if let Some(b) = &self.bar {
            if !ok {
                let n = self
                    .failed
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    + 1;
                b.set_message(format!("migrating ({n} failed)"));
            }
            b.inc(1);
        }
    }

    pub fn clear(&self) {
        if let Some(b) = &self.bar {
            b.disable_steady_tick();
            b.finish_and_clear();
        }
    }
}
