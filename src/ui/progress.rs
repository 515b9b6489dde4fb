//! A spinner or progress bar on stderr, silent when stderr is not a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner or bar on stderr, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// What the bar counts (`migrating`, `restoring`): failures are added to it.
    label: std::sync::Mutex<String>,
    failed: std::sync::atomic::AtomicUsize,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        Progress {
            bar: enabled.then(ProgressBar::new_spinner),
            label: std::sync::Mutex::new(String::new()),
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
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({rate}, {eta})")
                    .expect("valid template")
                    // A whole number of files a second, not `1234.5678/s`.
                    .with_key(
                        "rate",
                        |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = write!(w, "{:.0}/s", s.per_sec());
                        },
                    )
                    .progress_chars("=> "),
            );
            b.set_message(msg.to_string());
        }
        *self.label.lock().unwrap_or_else(|e| e.into_inner()) = msg.to_string();
    }

    /// One more item done; failures are counted in the message.
    pub fn inc(&self, failed: bool) {
        if let Some(b) = &self.bar {
            if failed {
                let n = self
                    .failed
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                    + 1;
                let label = self.label.lock().unwrap_or_else(|e| e.into_inner()).clone();
                b.set_message(format!("{label} ({n} failed)"));
            }
            b.inc(1);
        }
    }

    /// Runs `f` (which prints) with the spinner or bar out of the way, so no line is glued to
    /// it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }

    pub fn clear(&self) {
        if let Some(b) = &self.bar {
            b.disable_steady_tick();
            b.finish_and_clear();
        }
    }
}
