//! The tree's rules, checked on the source: layers depend one way, no command imports another,
//! no questions outside `ui`, no OS-specific call outside `io::platform`, no import cycles
//! between modules, and commands stay short.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its module path (`engine::auth::login`).
fn modules() -> Vec<(String, PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(&root).unwrap().with_extension("");
                let mut parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts
                    .last()
                    .is_some_and(|l| l == "mod" || l == "lib" || l == "main")
                {
                    parts.pop();
                }
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((parts.join("::"), p, text));
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments and its `#[cfg(test)]` tail.
fn code(text: &str) -> String {
    let body = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules a file names (`crate::a::b`, `super::c`), resolved to the longest known module.
fn references(module: &str, text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    // `super` from `a/b.rs` is `a`; from `a/b/mod.rs` it is `a` too (the module is `a::b`).
    let sup = &parent[..parent.len().saturating_sub(1)];
    let text = expand_groups(text);
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.starts_with("crate::") || w.starts_with("super::"))
        .collect();
    for w in words {
        let path: Vec<&str> = if let Some(rest) = w.strip_prefix("crate::") {
            rest.split("::").collect()
        } else {
            let rest = w.strip_prefix("super::").unwrap();
            sup.iter().copied().chain(rest.split("::")).collect()
        };
        let mut best = None;
        for n in 1..=path.len() {
            let m = path[..n].join("::");
            if known.contains(&m) {
                best = Some(m);
            }
        }
        if let Some(m) = best
            && m != module
        {
            found.insert(m);
        }
    }
    found
}

/// `a::{b, c::d}` written out as `a::b a::c::d` (innermost groups first), so that a grouped
/// `use` names each module it imports.
fn expand_groups(text: &str) -> String {
    let mut text = text.to_string();
    while let Some(open) = text.find("::{") {
        let Some(len) = text[open..].find('}') else {
            break;
        };
        let close = open + len;
        // An inner group first: expand the last `::{` before this `}`.
        let open = open + text[open..close].rfind("::{").unwrap();
        let start = text[..open]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |i| i + 1);
        let prefix = &text[start..open];
        let items: Vec<String> = text[open + 3..close]
            .split(',')
            .map(|i| i.split_whitespace().next().unwrap_or(""))
            .filter(|i| !i.is_empty())
            .map(|i| match i {
                "self" => prefix.to_string(),
                _ => format!("{prefix}::{i}"),
            })
            .collect();
        text.replace_range(start..=close, &items.join(" "));
    }
    text
}

fn is_ancestor(a: &str, b: &str) -> bool {
    a.is_empty() || b.starts_with(&format!("{a}::"))
}

#[test]
fn layers_depend_one_way() {
    // What each layer may name besides itself.
    let allowed: &[(&str, &[&str])] = &[
        ("core", &[]),
        ("ui", &["core"]),
        ("io", &["core", "env", "error"]),
        ("engine", &["core", "io", "ui", "env", "error"]),
        (
            "commands",
            &["core", "io", "ui", "engine", "env", "error", "cli"],
        ),
    ];
    let all = modules();
    let known: BTreeSet<String> = all.iter().map(|(m, _, _)| m.clone()).collect();
    let mut bad = Vec::new();
    for (m, _, text) in &all {
        let layer = m.split("::").next().unwrap_or("");
        let Some((_, ok)) = allowed.iter().find(|(l, _)| *l == layer) else {
            continue;
        };
        for r in references(m, &code(text), &known) {
            let top = r.split("::").next().unwrap();
            if top != layer && !ok.contains(&top) {
                bad.push(format!("{m} names {r}"));
            }
            // A command is one file: it names no other command.
            if layer == "commands" && top == "commands" && r != "commands" {
                bad.push(format!("{m} names {r}"));
            }
        }
    }
    assert!(bad.is_empty(), "layer rules broken:\n{}", bad.join("\n"));
}

#[test]
fn no_import_cycles_between_modules() {
    let all = modules();
    let known: BTreeSet<String> = all.iter().map(|(m, _, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, _, text) in &all {
        // A parent re-exporting its children, and a child using its parent's items, are one
        // module's inside; edges between modules that do not contain each other count.
        let refs = references(m, &code(text), &known)
            .into_iter()
            .filter(|r| !is_ancestor(r, m) && !is_ancestor(m, r))
            .collect();
        graph.insert(m.clone(), refs);
    }
    // The graph is read, not empty: a parse that found nothing would pass vacuously.
    assert!(graph["engine::setup"].contains("engine::migrate"));
    assert!(graph["commands::login"].contains("engine::auth::login"));
    assert!(graph["engine::auth::transaction"].contains("io::store"));
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(1) => {
                let i = path.iter().position(|p| p == n).unwrap();
                let mut cycle = path[i..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for next in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, graph, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if let Some(cycle) = visit(n, &graph, &mut state, &mut Vec::new()) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn os_calls_and_questions_each_have_one_home() {
    let mut bad = Vec::new();
    for (m, p, text) in modules() {
        let text = code(&text);
        let platform = m.starts_with("io::platform");
        if !platform && (text.contains("std::os::unix") || text.contains("rustix")) {
            bad.push(format!("{}: names std::os::unix or rustix", p.display()));
        }
        if !m.starts_with("ui") && text.contains("dialoguer") {
            bad.push(format!("{}: asks with dialoguer outside ui", p.display()));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn commands_stay_short() {
    let mut bad = Vec::new();
    for (m, p, text) in modules() {
        if !m.starts_with("commands::") {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 250 {
            bad.push(format!("{}: {} lines", p.display(), lines.len()));
        }
        // A function starts at `fn` at the start of a line (after `pub`), ends at the `}` at
        // its indentation.
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let trimmed = l.trim_start();
            let indent = l.len() - trimmed.len();
            let is_fn = trimmed.starts_with("fn ")
                || trimmed.starts_with("pub fn ")
                || trimmed.starts_with("pub(crate) fn ");
            if is_fn && !l.trim_end().ends_with(';') {
                let close = format!("{}}}", " ".repeat(indent));
                let end = (i + 1..lines.len())
                    .find(|&j| lines[j].trim_end() == close)
                    .unwrap_or(lines.len() - 1);
                if end - i + 1 > 80 {
                    bad.push(format!(
                        "{}:{}: a function of {} lines",
                        p.display(),
                        i + 1,
                        end - i + 1
                    ));
                }
                i = end + 1;
            } else {
                i += 1;
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
