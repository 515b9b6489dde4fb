//! The examples, files and environment variables, written once: `--help` and the man pages read them.

use crate::core::forge::Forge;
use crate::core::token::TOKEN_VARS;

/// One example: the command line, and what it does.
pub type Example = (&'static str, &'static str);

/// The top-level page's examples: the first hour, in order.
pub const TOP_EXAMPLES: &[Example] = &[
    (
        "git-https setup",
        "Set up this machine: a token, how git remembers it, your checkouts",
    ),
    (
        "git-https status -r ~/src",
        "Show every repository under ~/src and what would change",
    ),
    (
        "git-https migrate -r ~/src",
        "Switch them to HTTPS (asks first)",
    ),
    ("git-https undo --last", "Put the URLs back as they were"),
];

/// A command's own examples (`None` for a command with none of its own).
pub fn examples(command: &str) -> &'static [Example] {
    match command {
        "setup" => &[
            (
                "git-https setup",
                "Guided: asks for the hosts, the token, caching and folders",
            ),
            (
                "gh auth token | git-https setup --host github.com --token-stdin --cache store --migrate ~/src -y",
                "Scripted: every answer a flag",
            ),
        ],
        "status" => &[
            ("git-https status", "The repository you stand in"),
            (
                "git-https status -r ~/src --summary",
                "Per host: how many remotes would change",
            ),
        ],
        "migrate" => &[
            (
                "git-https migrate -r ~/src --dry-run",
                "The plan, changing nothing",
            ),
            (
                "git-https migrate -r ~/src --host github.com --yes",
                "Only github.com, without asking",
            ),
        ],
        "undo" => &[
            ("git-https undo --last", "Undo the most recent run"),
            (
                "git-https undo --run RUN_ID",
                "Undo one run (`git-https runs` lists them)",
            ),
        ],
        "runs" => &[("git-https runs", "The runs in the journal, newest last")],
        "login" => &[
            (
                "git-https login --host github.com",
                "Asks for the token on a terminal",
            ),
            (
                "printf '%s\\n' \"$TOKEN\" | git-https login --host gitlab.com --token-stdin --cache store",
                "From standard input, kept in ~/.git-credentials",
            ),
        ],
        "logout" => &[(
            "git-https logout --host github.com",
            "Forget github.com's token everywhere",
        )],
        "doctor" => &[
            (
                "git-https doctor",
                "Check git, the helpers, tokens and this repository's remotes",
            ),
            (
                "git-https doctor --scan ~/src --offline",
                "Also count SSH remotes, without the API",
            ),
        ],
        "convert" => &[(
            "git-https convert git@github.com:o/r.git",
            "Prints https://github.com/o/r.git",
        )],
        "completions" => &[(
            "git-https completions bash > ~/.local/share/bash-completion/completions/git-https",
            "Install bash completion (install-docs does every shell)",
        )],
        "man" => &[(
            "git-https man setup | man -l -",
            "Read setup's page without installing it",
        )],
        "install-docs" => &[
            (
                "git-https install-docs",
                "Man pages and completions under ~/.local",
            ),
            (
                "sudo git-https install-docs --prefix /usr/local",
                "For every user",
            ),
        ],
        "credential" => &[(
            "git config --global credential.https://github.com.helper '!git-https credential'",
            "What login --cache keyring writes; git runs it",
        )],
        _ => &[],
    }
}

/// The files git-https reads and writes.
pub const FILES: &[(&str, &str)] = &[
    (
        "~/.gitconfig",
        "git's global config (or $XDG_CONFIG_HOME/git/config): the credential.<url>.helper lines login and setup write, the insteadOf rules migrate --fix-insteadof removes.",
    ),
    (
        "~/.git-credentials",
        "git's store file, mode 0600: the token with --cache store (--file names another).",
    ),
    (
        "$XDG_CONFIG_HOME/git-https/config.toml",
        "Host rules ([forges], SSH host to HTTPS base) and the SSH aliases tied to logins (default ~/.config/git-https/config.toml).",
    ),
    (
        "$XDG_STATE_HOME/git-https/logins.json",
        "The hosts and accounts logged in (never a token), mode 0600 (default ~/.local/state/git-https/).",
    ),
    (
        "$XDG_STATE_HOME/git-https/runs/",
        "The journal: one file per run that changes remotes (migrate, setup), what runs lists and undo restores from.",
    ),
];

/// Which forge each token variable serves (from `Forge::env_vars`, so it never drifts).
fn token_var_forge(var: &str) -> &'static str {
    let forges: &[(Forge, &str, &str)] = &[
        (
            Forge::GitHub,
            "github.com",
            "GitHub (github.com and *.ghe.com)",
        ),
        (Forge::GitHub, "ghe.example", "GitHub Enterprise Server"),
        (Forge::GitLab, "gitlab.com", "GitLab"),
        (Forge::Azure, "dev.azure.com", "Azure DevOps"),
        (Forge::Gitea, "gitea.example", "Gitea"),
        (Forge::Bitbucket, "bitbucket.org", "Bitbucket"),
    ];
    forges
        .iter()
        .find(|(f, host, _)| f.env_vars(host).contains(&var))
        .map_or("no forge", |(_, _, name)| name)
}

/// The environment variables git-https reads.
pub fn environment() -> Vec<(String, String)> {
    // One entry per forge, its variables in the order they are tried.
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut last_forge = "";
    for var in TOKEN_VARS {
        let forge = token_var_forge(var);
        match vars.last_mut() {
            Some((names, _)) if forge == last_forge => names.push_str(&format!(", {var}")),
            _ => vars.push((
                (*var).to_string(),
                format!(
                    "A token for {forge}, read as the forge's own CLI reads it when --token-stdin is not given; never handed to git or any other program."
                ),
            )),
        }
        last_forge = forge;
    }
    let others = [
        (
            "GIT_HTTPS_KEYRING",
            "secret-service or keyutils: which Linux keyring --cache keyring uses (default: the Secret Service when one answers, else keyutils).",
        ),
        ("NO_COLOR", "Set: no colour with --color auto."),
        (
            "GIT_SSL_CAINFO, GIT_SSL_CAPATH, GIT_SSL_NO_VERIFY",
            "The CA certificates (and verification) for the forge's API, as git uses them; http.sslCAInfo in git's config too.",
        ),
        (
            "HTTPS_PROXY, ALL_PROXY, NO_PROXY",
            "The proxy for the forge's API (either case, as curl reads them); http.proxy in git's config too.",
        ),
        (
            "XDG_CONFIG_HOME, XDG_STATE_HOME",
            "Where config.toml and the journal live (see FILES).",
        ),
    ];
    vars.extend(others.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    vars
}

/// Examples as `--help` prints them after the options.
pub fn examples_help(examples: &[Example]) -> String {
    // A command too long to share its line with the others' text gets its text below it.
    const LONG: usize = 50;
    let short = examples.iter().map(|(c, _)| c.len()).filter(|&n| n <= LONG);
    let width = short.max().unwrap_or(0);
    let mut out = String::from("Examples:\n");
    for (command, what) in examples {
        if command.len() > LONG {
            out.push_str(&format!("  {command}\n      {what}\n"));
        } else {
            out.push_str(&format!("  {command:width$}  {what}\n"));
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// A command's `--help` examples (clap's `after_help`).
pub fn command_help(command: &str) -> String {
    examples_help(examples(command))
}
