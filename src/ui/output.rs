//! The only place that styles text. Data goes to stdout, status and warnings to stderr.

use std::io;

use console::style;

use crate::cli::ColorChoice;
use crate::env::Env;

/// Decides colour once for both streams.
pub fn init_colors(choice: ColorChoice, env: &Env) {
    let (out, err) = match choice {
        ColorChoice::Always => (true, true),
        ColorChoice::Never => (false, false),
        ColorChoice::Auto if env.no_color => (false, false),
        ColorChoice::Auto => (
            console::Term::stdout().features().colors_supported(),
            env.stderr_tty,
        ),
    };
    console::set_colors_enabled(out);
    console::set_colors_enabled_stderr(err);
}

pub fn warn(msg: impl std::fmt::Display) {
    eprintln!("{} {msg}", style("warning:").for_stderr().yellow().bold());
}

pub fn error_line(msg: impl std::fmt::Display) {
    eprintln!("{} {msg}", style("error:").for_stderr().red().bold());
}

pub fn hint(msg: impl std::fmt::Display) {
    eprintln!("{} {msg}", style("hint:").for_stderr().cyan());
}

pub fn note(msg: impl std::fmt::Display) {
    eprintln!("{msg}");
}

pub fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::new(io::stdout().lock())
}

pub fn heading(s: &str) -> String {
    style(s).bold().to_string()
}

pub fn old(s: &str) -> String {
    style(s).red().to_string()
}

pub fn new(s: &str) -> String {
    style(s).green().to_string()
}

pub fn dim(s: &str) -> String {
    style(s).dim().to_string()
}

pub fn kind(s: &str) -> String {
    style(s).cyan().to_string()
}

/// `1 repository` / `2 repositories`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
