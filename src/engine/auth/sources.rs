//! Where a token comes from, in order: standard input, the environment, the keyring or git's
//! helpers (a token already stored), then the hidden prompt.

use std::io::BufRead;

use anyhow::{Context, Result};

use crate::core::forge::Forge;
use crate::core::helper::HelperLine;
use crate::core::realm::Realm;
use crate::core::token::{self, Secret, Source};
use crate::env::Env;
use crate::error::{usage, with_hint};
use crate::io::git::{Chain, Git};
use crate::io::store::{self, Storage};
use crate::ui::output;
use crate::ui::prompt::{self, Prompter};

/// The first line of standard input, as a token (not yet cleaned).
pub fn read_stdin_token() -> Result<Secret> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        // Typed or pasted at a terminal: hidden, and asked for, not read from an echoing line.
        let typed = prompt::hidden("Token (input hidden)", true)
            .context("cannot read the token from the terminal")?;
        if typed.trim().is_empty() {
            return Err(usage("--token-stdin: standard input held no token"));
        }
        return Ok(Secret::new(typed.to_string()));
    }
    let mut line = zeroize::Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the token from standard input")?;
    if line.trim().is_empty() {
        return Err(usage("--token-stdin: standard input held no token"));
    }
    let value = line.strip_suffix('\n').unwrap_or(&line);
    Ok(Secret::new(
        value.strip_suffix('\r').unwrap_or(value).to_string(),
    ))
}

/// A token cleaned of pasted whitespace, the warnings said.
pub fn clean(raw: &str, source: Source) -> (Secret, Source) {
    let (secret, warnings) = token::clean(raw);
    for w in warnings {
        output::warn(w);
    }
    (secret, source)
}

/// Where to look for a token, beyond standard input.
pub struct Lookup<'a> {
    pub env: &'a Env,
    pub git: &'a Git<'a>,
    pub realm: &'a Realm,
    /// A token the keyring or git's helpers already hold may be used.
    pub stored: bool,
    /// The forge, resolved before any token is looked for: it decides which environment
    /// variables apply (none while it is unknown) and the token page the prompt links to.
    pub forge: Option<Forge>,
    pub prompter: Prompter,
}

/// The environment variables that serve the realm's forge: none while the forge is unknown.
fn env_vars(l: &Lookup<'_>) -> &'static [&'static str] {
    l.forge.map_or(&[], |f| f.env_vars(l.realm.host()))
}

/// How else a token can come in, for the "no token" error: the forge's own variables, or why
/// none applies.
fn other_ways(l: &Lookup<'_>) -> String {
    let vars = env_vars(l);
    match l.forge {
        Some(_) if !vars.is_empty() => {
            format!("pipe it in with --token-stdin, or set {}", vars.join(" or "))
        }
        Some(f) => format!(
            "pipe it in with --token-stdin ({f} has no token variable of its own CLI that git-https reads)"
        ),
        None => "pipe it in with --token-stdin (no token variable applies to a host whose forge is not known: --forge names it)".to_string(),
    }
}

/// Sources in order: stdin, the forge's environment variables, the keyring or git's helpers
/// (unless `stored` is false), the prompt.
pub fn find_token(token_stdin: bool, l: &Lookup<'_>) -> Result<(Secret, Source)> {
    let host = l.realm.as_str();
    if token_stdin {
        return Ok(clean(read_stdin_token()?.expose(), Source::Stdin));
    }
    if let Some(found) = found(l) {
        return Ok(found);
    }
    if !l.prompter.can_ask() {
        return Err(with_hint(
            format!("no token for {host}, and no terminal to ask on"),
            other_ways(l),
        ));
    }
    let (page, scopes) = l.forge.unwrap_or(Forge::GitHub).token_page(host);
    l.env.out.note(format!(
        "Create a token at {page} with {scopes}, then paste it here."
    ));
    let raw = l
        .prompter
        .password(&format!("Token for {host}"), false)
        .context("cannot read the token")?;
    Ok(clean(&raw, Source::Prompt))
}

/// A token found without asking: the forge's environment variables, then (when `stored`) one
/// the keyring or git's helpers already hold.
fn found(l: &Lookup<'_>) -> Option<(Secret, Source)> {
    if let Some((var, value)) = l.env.token(env_vars(l)) {
        return Some(clean(value.expose(), Source::Env(var)));
    }
    l.stored.then(|| stored_token(l)).flatten()
}

/// A token the keyring or git's configured helpers already hold for the realm.
fn stored_token(l: &Lookup<'_>) -> Option<(Secret, Source)> {
    // An organization's token is kept on its host under the organization's name.
    let keyring = Storage::Keyring.open(l.git, l.env, &HelperLine::Reset);
    if let Ok(Some(found)) = store::get(keyring.as_ref(), l.realm, None)
        && let Some(token) = found.password
    {
        return Some((token, Source::Keyring));
    }
    l.git
        .fill(l.realm.as_str(), Chain::Configured)
        .and_then(|c| c.password)
        .map(|p| (p, Source::GitHelper))
}

/// Setup's token for one realm: the one read from standard input (setup takes it for one
/// host only), else the environment's, else one already stored, else (on a terminal) asked
/// for. Without a terminal a missing token is a usage error, as every missing answer is.
pub fn for_setup(stdin: Option<&Secret>, l: &Lookup<'_>) -> Result<(Secret, Source)> {
    if let Some(t) = stdin {
        return Ok(clean(t.expose(), Source::Stdin));
    }
    if l.prompter.can_ask() {
        return find_token(false, l);
    }
    found(l).ok_or_else(|| {
        usage(format!(
            "no token for {} and no terminal to ask on: {}",
            l.realm,
            other_ways(l)
        ))
    })
}
