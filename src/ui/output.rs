//! The only place that styles text. Data goes to stdout, status and warnings to stderr.

use std::io;

use console::style;

/// `--color`: when to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Decides colour once for both streams.
/// `no_color`: `NO_COLOR` is set; `stderr_tty`: stderr is a terminal.
pub fn init_colors(choice: ColorChoice, no_color: bool, stderr_tty: bool) {
    let (out, err) = match choice {
        ColorChoice::Always => (true, true),
        ColorChoice::Never => (false, false),
        ColorChoice::Auto if no_color => (false, false),
        ColorChoice::Auto => (
            console::Term::stdout().features().colors_supported(),
            stderr_tty,
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

/// How much goes to stderr: `-q` only warnings and errors, `-v` also diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

impl Verbosity {
    /// From `-q` / `-v` (`-q` beats `-v` when both are there).
    pub fn from_flags(quiet: bool, verbose: u8) -> Verbosity {
        if quiet {
            Verbosity::Quiet
        } else if verbose > 0 {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }
}

/// The output handle every layer writes status lines through: it carries the verbosity, made
/// once from the command line (it travels in `Env` as `env.out`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    verbosity: Verbosity,
}

impl Output {
    pub fn new(verbosity: Verbosity) -> Output {
        Output { verbosity }
    }

    pub fn verbosity(self) -> Verbosity {
        self.verbosity
    }

    /// A status line on stderr (silent with `-q`).
    pub fn note(self, msg: impl std::fmt::Display) {
        if self.verbosity >= Verbosity::Normal {
            eprintln!("{msg}");
        }
    }

    /// A warning on stderr, shown with `-q` too (for layers that reach output only through
    /// the handle).
    pub fn warn(self, msg: impl std::fmt::Display) {
        warn(msg);
    }

    /// A diagnostic on stderr, only with `-v`.
    pub fn diag(self, msg: impl std::fmt::Display) {
        if self.verbosity >= Verbosity::Verbose {
            eprintln!("{} {msg}", style("debug:").for_stderr().dim());
        }
    }
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
