//! Benchmark lower bound: the least a program can do to move a fleet from SSH to HTTPS —
//! walk, read each config, rewrite the remote URL lines, write `config.lock`, rename it over.
//! No plan, no journal, no checks. Not part of the tool; `bench/bench.py` runs it.
//!
//! Usage: raw_rewrite DIR [THREADS]            rewrite every repository under DIR
//!        raw_rewrite --discover DIR [THREADS] only count repositories (git-https's own walker)

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn to_https(url: &str) -> Option<String> {
    if let Some(rest) = url.strip_prefix("ssh://") {
        let (auth, path) = rest.split_once('/')?;
        let host = auth.rsplit('@').next()?;
        let host = host.split(':').next()?;
        return Some(format!("https://{host}/{path}"));
    }
    if url.contains("://") {
        return None;
    }
    let (userhost, path) = url.split_once(':')?;
    let host = userhost.rsplit('@').next()?;
    Some(format!("https://{host}/{path}"))
}

fn rewrite(config: &Path) -> std::io::Result<bool> {
    let text = fs::read_to_string(config)?;
    let mut out = String::with_capacity(text.len() + 32);
    let mut changed = false;
    let mut in_remote = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with('[') {
            in_remote = line.starts_with("[remote ");
            out.push_str(line);
            continue;
        }
        let replaced = if in_remote {
            ["\turl = ", "\tpushurl = "].iter().find_map(|key| {
                let new = to_https(line.strip_prefix(key)?.trim_end())?;
                Some(format!("{key}{new}\n"))
            })
        } else {
            None
        };
        match replaced {
            Some(r) => {
                out.push_str(&r);
                changed = true;
            }
            None => out.push_str(line),
        }
    }
    if !changed {
        return Ok(false);
    }
    let lock = config.with_extension("lock");
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&lock)?;
    f.write_all(out.as_bytes())?;
    drop(f);
    fs::rename(&lock, config)?;
    Ok(true)
}

fn config_of(dotgit: &Path) -> Option<PathBuf> {
    let gitdir = if dotgit.is_dir() {
        dotgit.to_path_buf()
    } else {
        let t = fs::read_to_string(dotgit).ok()?;
        dotgit.parent()?.join(t.strip_prefix("gitdir:")?.trim())
    };
    let common = match fs::read_to_string(gitdir.join("commondir")) {
        Ok(c) => gitdir.join(c.trim()),
        Err(_) => gitdir,
    };
    Some(common.join("config"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let discover_only = args.first().is_some_and(|a| a == "--discover");
    let args = if discover_only { &args[1..] } else { &args[..] };
    let root = PathBuf::from(&args[0]);
    let threads: usize = args.get(1).and_then(|t| t.parse().ok()).unwrap_or(2);
    if discover_only {
        let found = git_https::io::discover::discover(
            &[root],
            &git_https::io::discover::Options {
                threads,
                ..Default::default()
            },
        );
        println!("{}", found.repos.len());
        return;
    }
    let count = AtomicUsize::new(0);
    let seen = std::sync::Mutex::new(std::collections::HashSet::new());
    ignore::WalkBuilder::new(&root)
        .standard_filters(false)
        .hidden(false)
        .threads(threads)
        .filter_entry(|e| e.file_name() != "node_modules")
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let Ok(e) = entry else {
                    return ignore::WalkState::Continue;
                };
                if e.file_name() == ".git" {
                    if let Some(cfg) = config_of(e.path())
                        && seen.lock().unwrap().insert(cfg.clone())
                        && rewrite(&cfg).unwrap_or(false)
                    {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                    return ignore::WalkState::Skip;
                }
                ignore::WalkState::Continue
            })
        });
    println!("{}", count.into_inner());
}
