//! Parses the command line, runs the command, maps the outcome to an exit status.

use std::process::ExitCode;

use clap::Parser;
use git_https::{cli::Cli, env::Env, error, ui::output};
use output::{Output, Verbosity};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env =
        Env::from_process().with_output(Output::new(Verbosity::from_flags(cli.quiet, cli.verbose)));
    match git_https::run(cli, &env) {
        Ok(code) => ExitCode::from(code),
        Err(e) if error::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            if error::is_interrupted(&e) {
                git_https::engine::interrupt::interrupted_prompt();
            }
            output::error_line(&e);
            for cause in e.chain().skip(1) {
                env.out.note(format!("  caused by: {cause}"));
            }
            if let Some(h) = e.downcast_ref::<error::Hint>() {
                output::hint(&h.hint);
            }
            ExitCode::from(error::exit_code(&e))
        }
    }
}
