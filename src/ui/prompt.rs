//! Questions on a terminal (stderr); never asked without one.

use anyhow::Result;

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
