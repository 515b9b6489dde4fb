//! Pure: read a git config file into entries that remember where they stand, and rewrite
//! values in place the way `git config` does.
//!
//! Why not git2 for the write: libgit2 rewrites the whole file once per key, so a remote with
//! `url` and `pushurl` takes two renames and could be seen half done; one rewrite of all keys
//! with one rename keeps every repository either old or new, and is what the bulk run's speed
//! rests on. The syntax and the rewrite format follow git's `config.c` (`git_parse_source`,
//! `write_pair`), so the result is byte for byte what `git remote set-url` writes.

use std::ops::Range;

/// One `name = value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Lower-cased section name (`remote`).
    pub section: String,
    /// Subsection as written (`origin`); case-sensitive, as in git.
    pub subsection: Option<String>,
    /// Lower-cased variable name (`url`).
    pub name: String,
    /// `None` for a bare `name` line (boolean true). Shown as text: see `text`.
    pub value: Option<String>,
    /// Whether the value and subsection are UTF-8 as written (else `value` is a lossy copy,
    /// which must never be written back).
    pub text: bool,
    /// 1-based line of the name.
    pub line: usize,
    /// What git replaces: from the name, less blanks before it on its line, through the line end.
    pub span: Range<usize>,
}

impl Entry {
    /// `section.subsection.name`, with the case rules of git's canonical keys.
    pub fn key(&self) -> crate::core::change::ConfigKey {
        crate::core::change::ConfigKey::new(&self.section, self.subsection.as_deref(), &self.name)
    }

    pub fn is(&self, section: &str, subsection: Option<&str>, name: &str) -> bool {
        self.section == section && self.subsection.as_deref() == subsection && self.name == name
    }
}

/// A syntax error, with git's own wording where it has one.
///
/// # Deviation
/// `line` is where the faulty construct starts; git names the line where it noticed, which
/// for an unterminated header or quote is often the next one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad config line {line}: {reason}")]
pub struct ParseError {
    pub line: usize,
    pub reason: &'static str,
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
}

impl Cursor<'_> {
    /// Next byte with `\r\n` read as `\n`, as git's `get_next_char` does.
    fn next(&mut self) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        self.i += 1;
        if c == b'\r' && self.b.get(self.i) == Some(&b'\n') {
            self.i += 1;
            self.line += 1;
            return Some(b'\n');
        }
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn err(&self, line: usize, reason: &'static str) -> ParseError {
        ParseError { line, reason }
    }
}

/// git's `isspace`: space, tab, newline, carriage return (not `\v` or `\f`).
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// Parses a whole config file.
pub fn parse(bytes: &[u8]) -> Result<Vec<Entry>, ParseError> {
    let start = if bytes.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let mut cur = Cursor {
        b: bytes,
        i: start,
        line: 1,
    };
    let mut entries = Vec::new();
    // The section, and its subsection with whether that was UTF-8.
    let mut section: Option<(String, (Option<String>, bool))> = None;
    loop {
        let at = cur.i;
        let Some(c) = cur.next() else { break };
        if c == b'\n' || is_space(c) {
            continue;
        }
        if c == b'#' || c == b';' {
            while let Some(c) = cur.next() {
                if c == b'\n' {
                    break;
                }
            }
            continue;
        }
        if c == b'[' {
            section = Some(parse_section(&mut cur)?);
            continue;
        }
        if !c.is_ascii_alphabetic() {
            return Err(cur.err(cur.line, "invalid character at the start of a key"));
        }
        let Some((sec, sub)) = &section else {
            return Err(cur.err(cur.line, "key outside any section"));
        };
        let line = cur.line;
        let (name, value) = parse_entry(&mut cur, c)?;
        // git swallows the blanks before the name on the same line when it replaces it.
        let mut begin = at;
        while begin > 0 && matches!(bytes[begin - 1], b' ' | b'\t' | b'\r') {
            begin -= 1;
        }
        // git reads a value only up to a NUL; such a value (and bytes that are not UTF-8)
        // is shown but never written back.
        let text = sub.1
            && value
                .as_ref()
                .is_none_or(|v| !v.contains(&0) && std::str::from_utf8(v).is_ok());
        entries.push(Entry {
            section: sec.clone(),
            subsection: sub.0.clone(),
            name,
            value: value.map(|v| String::from_utf8_lossy(&v).into_owned()),
            text,
            line,
            span: begin..cur.i,
        });
    }
    Ok(entries)
}

type Subsection = (Option<String>, bool);

fn parse_section(cur: &mut Cursor<'_>) -> Result<(String, Subsection), ParseError> {
    let line = cur.line;
    let mut name = String::new();
    loop {
        let c = cur
            .next()
            .ok_or(cur.err(line, "unterminated section header"))?;
        if c == b']' {
            break;
        }
        if is_space(c) {
            let sub = parse_subsection(cur, line)?;
            if name.is_empty() {
                return Err(cur.err(line, "empty section name"));
            }
            let text = std::str::from_utf8(&sub).is_ok();
            let sub = String::from_utf8_lossy(&sub).into_owned();
            // `[remote.x "o"]` is remote `x.o` to git: the dotted part joins the subsection.
            return Ok(match name.split_once('.') {
                Some((section, rest)) => {
                    (section.to_string(), (Some(format!("{rest}.{sub}")), text))
                }
                None => (name, (Some(sub), text)),
            });
        }
        if !(c.is_ascii_alphanumeric() || c == b'-' || c == b'.') {
            return Err(cur.err(line, "invalid character in section name"));
        }
        name.push(c.to_ascii_lowercase() as char);
    }
    if name.is_empty() {
        return Err(cur.err(line, "empty section name"));
    }
    // Old style `[section.subsection]`: the subsection is lower-cased.
    match name.split_once('.') {
        Some((s, sub)) => Ok((s.to_string(), (Some(sub.to_string()), true))),
        None => Ok((name, (None, true))),
    }
}

fn parse_subsection(cur: &mut Cursor<'_>, line: usize) -> Result<Vec<u8>, ParseError> {
    let mut c = cur.next();
    while c.is_some_and(is_space) {
        c = cur.next();
    }
    if c != Some(b'"') {
        return Err(cur.err(line, "expected '\"' before the subsection name"));
    }
    let mut sub = Vec::new();
    loop {
        match cur.next() {
            None | Some(b'\n') => return Err(cur.err(line, "unterminated subsection name")),
            Some(b'"') => break,
            Some(b'\\') => match cur.next() {
                None | Some(b'\n') => return Err(cur.err(line, "unterminated subsection name")),
                Some(c) => sub.push(c),
            },
            Some(c) => sub.push(c),
        }
    }
    if cur.next() != Some(b']') {
        return Err(cur.err(line, "expected ']' after the subsection name"));
    }
    Ok(sub)
}

fn parse_entry(cur: &mut Cursor<'_>, first: u8) -> Result<(String, Option<Vec<u8>>), ParseError> {
    let line = cur.line;
    let mut name = String::from(first.to_ascii_lowercase() as char);
    let mut c;
    loop {
        c = cur.next();
        match c {
            Some(x) if x.is_ascii_alphanumeric() || x == b'-' => {
                name.push(x.to_ascii_lowercase() as char)
            }
            _ => break,
        }
    }
    while matches!(c, Some(b' ' | b'\t')) {
        c = cur.next();
    }
    // As git's `get_value`: after the name and blanks, only the line's end or '='.
    match c {
        None | Some(b'\n') => return Ok((name, None)),
        Some(b'=') => {}
        Some(_) => return Err(cur.err(line, "expected '=' after the key name")),
    }
    Ok((name, Some(parse_value(cur, line)?)))
}

fn skip_line(cur: &mut Cursor<'_>) {
    while let Some(c) = cur.next() {
        if c == b'\n' {
            break;
        }
    }
}

/// git's `parse_value`: blanks inside the value are kept as written, trailing ones dropped,
/// quotes toggle, `#`/`;` outside quotes start a comment, escapes `\\ \" \t \b \n`, and a
/// backslash at the line's end continues the value.
fn parse_value(cur: &mut Cursor<'_>, line: usize) -> Result<Vec<u8>, ParseError> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut trim_len = 0usize;
    loop {
        let Some(c) = cur.next() else {
            if quoted {
                return Err(cur.err(line, "unterminated quoted value"));
            }
            break;
        };
        if c == b'\n' {
            if quoted {
                return Err(cur.err(line, "unterminated quoted value"));
            }
            break;
        }
        if !quoted && is_space(c) {
            if trim_len == 0 {
                trim_len = out.len();
            }
            if !out.is_empty() {
                out.push(c);
            }
            continue;
        }
        if !quoted && (c == b'#' || c == b';') {
            skip_line(cur);
            break;
        }
        trim_len = 0;
        match c {
            b'\\' => match cur.next() {
                // A backslash at the very end continues into nothing, as git reads it.
                None | Some(b'\n') => {}
                Some(b't') => out.push(b'\t'),
                Some(b'b') => out.push(8),
                Some(b'n') => out.push(b'\n'),
                Some(b'\\') => out.push(b'\\'),
                Some(b'"') => out.push(b'"'),
                _ => return Err(cur.err(line, "bad escape in value")),
            },
            b'"' => quoted = !quoted,
            c => out.push(c),
        }
    }
    if trim_len > 0 {
        out.truncate(trim_len);
    }
    Ok(out)
}

/// The line git writes for `name = value` (`write_pair` in git's `config.c`).
pub fn format_pair(name: &str, value: &str) -> String {
    // git 2.47.3 also quotes a value holding CR, which would otherwise be read as a line end.
    let needs_quotes =
        value.starts_with(' ') || value.ends_with(' ') || value.contains(['#', ';', '\r']);
    let q = if needs_quotes { "\"" } else { "" };
    let mut s = String::with_capacity(name.len() + value.len() + 6);
    s.push('\t');
    s.push_str(name);
    s.push_str(" = ");
    s.push_str(q);
    for c in value.chars() {
        match c {
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            '"' | '\\' => {
                s.push('\\');
                s.push(c);
            }
            c => s.push(c),
        }
    }
    s.push_str(q);
    s.push('\n');
    s
}

/// Replaces the values of the given entries, leaving every other byte alone.
/// `edits` pairs an index into `entries` with the new value.
pub fn rewrite(bytes: &[u8], entries: &[Entry], edits: &[(usize, &str)]) -> Vec<u8> {
    let changes: Vec<Change<'_>> = edits.iter().map(|(i, v)| Change::Replace(*i, v)).collect();
    apply_changes(bytes, entries, &changes)
}

/// One change to a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<'a> {
    /// The entry's value becomes this.
    Replace(usize, &'a str),
    /// The entry's line goes.
    Remove(usize),
    /// `name = value` is added after the section's last entry, or in a new section at the end
    /// (as `git config --add` does).
    Insert {
        section: &'a str,
        subsection: Option<&'a str>,
        name: &'a str,
        value: &'a str,
    },
}

/// The spelling git's documentation uses for a key name we hold lower-cased.
fn spelled(name: &str) -> &str {
    match name {
        "insteadof" => "insteadOf",
        "pushinsteadof" => "pushInsteadOf",
        "pushurl" => "pushurl",
        other => other,
    }
}

/// Applies the changes, leaving every other byte alone.
pub fn apply_changes(bytes: &[u8], entries: &[Entry], changes: &[Change<'_>]) -> Vec<u8> {
    // (where, how much of the old bytes it replaces, what goes there, order at one spot)
    let mut splices: Vec<(usize, usize, Vec<u8>, u8)> = Vec::new();
    for c in changes {
        match c {
            Change::Replace(i, value) => {
                let e = &entries[*i];
                let mut text = Vec::new();
                // A key on its section's line (`[remote "o"] url = …`) gets a line of its own,
                // as git writes it.
                if e.span.start > 0 && bytes[e.span.start - 1] != b'\n' {
                    text.push(b'\n');
                }
                text.extend_from_slice(format_pair(&e.name, value).as_bytes());
                splices.push((e.span.start, e.span.end, text, 0));
            }
            Change::Remove(i) => {
                let e = &entries[*i];
                let mut text = Vec::new();
                if e.span.start > 0 && bytes[e.span.start - 1] != b'\n' {
                    text.push(b'\n');
                }
                splices.push((e.span.start, e.span.end, text, 0));
            }
            Change::Insert {
                section,
                subsection,
                name,
                value,
            } => {
                let last = entries
                    .iter()
                    .rfind(|e| e.section == *section && e.subsection.as_deref() == *subsection);
                let pair = format_pair(spelled(name), value);
                match last {
                    Some(e) => {
                        let mut text = Vec::new();
                        if e.span.end == 0 || bytes[e.span.end - 1] != b'\n' {
                            text.push(b'\n');
                        }
                        text.extend_from_slice(pair.as_bytes());
                        splices.push((e.span.end, e.span.end, text, 1));
                    }
                    None => {
                        let mut text = Vec::new();
                        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
                            text.push(b'\n');
                        }
                        text.push(b'[');
                        text.extend_from_slice(section.as_bytes());
                        if let Some(sub) = subsection {
                            text.extend_from_slice(b" \"");
                            for ch in sub.chars() {
                                if ch == '"' || ch == '\\' {
                                    text.push(b'\\');
                                }
                                let mut buf = [0; 4];
                                text.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            }
                            text.push(b'"');
                        }
                        text.extend_from_slice(b"]\n");
                        text.extend_from_slice(pair.as_bytes());
                        splices.push((bytes.len(), bytes.len(), text, 2));
                    }
                }
            }
        }
    }
    splices.sort_by_key(|(at, _, _, order)| (*at, *order));
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut copied = 0;
    for (at, end, text, _) in splices {
        if at < copied {
            continue;
        }
        out.extend_from_slice(&bytes[copied..at]);
        out.extend_from_slice(&text);
        copied = end;
    }
    out.extend_from_slice(&bytes[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "[core]\n\trepositoryformatversion = 0\n\tbare\n[remote \"Origin\"]\n\turl = git@h:o/r.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n    pushurl = \"ssh://h/o/r\" ; push here\n[Remote.legacy]\nurl=a\\\n b\n";

    #[test]
    fn parses_sections_values_and_lines() {
        let e = parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(e[1].name, "bare");
        assert_eq!(e[1].value, None);
        assert_eq!(e[2].key().to_string(), "remote.Origin.url");
        assert_eq!(e[2].value.as_deref(), Some("git@h:o/r.git"));
        assert_eq!(e[2].line, 5);
        assert_eq!(e[4].value.as_deref(), Some("ssh://h/o/r"));
        assert_eq!(e[5].key().to_string(), "remote.legacy.url");
        assert_eq!(e[5].value.as_deref(), Some("a b"));
    }

    #[test]
    fn rewrite_matches_git_format() {
        let e = parse(SAMPLE.as_bytes()).unwrap();
        let out = rewrite(
            SAMPLE.as_bytes(),
            &e,
            &[(2, "https://h/o/r.git"), (4, "https://h/o/r")],
        );
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("\n\turl = https://h/o/r.git\n\tfetch"));
        assert!(out.contains("*\n\tpushurl = https://h/o/r\n[Remote"));
        // Everything else is untouched.
        assert!(
            out.starts_with("[core]\n\trepositoryformatversion = 0\n\tbare\n[remote \"Origin\"]\n")
        );
        assert!(out.ends_with("[Remote.legacy]\nurl=a\\\n b\n"));
    }

    #[test]
    fn quoting() {
        assert_eq!(format_pair("url", "a#b"), "\turl = \"a#b\"\n");
        assert_eq!(format_pair("url", "a\"b\\"), "\turl = a\\\"b\\\\\n");
        assert_eq!(format_pair("url", " x"), "\turl = \" x\"\n");
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse(b"[core]\n\tok = 1\n[remote \"x\"\n")
                .unwrap_err()
                .line,
            3
        );
        assert_eq!(parse(b"[core]\n  = x\n").unwrap_err().line, 2);
        assert_eq!(
            parse(b"url = x\n").unwrap_err().reason,
            "key outside any section"
        );
        assert_eq!(parse(b"[a]\nk = \"open\n").unwrap_err().line, 2);
    }

    #[test]
    fn crlf_and_bom() {
        let e = parse(b"\xef\xbb\xbf[remote \"o\"]\r\n\turl = x\r\n").unwrap();
        assert_eq!(e[0].value.as_deref(), Some("x"));
    }

    #[test]
    fn blanks_inside_values_are_kept_as_git_keeps_them() {
        let e = parse(b"[r]\n\tu = a\tb  c \t\n\tv = \"x \" \n").unwrap();
        assert_eq!(e[0].value.as_deref(), Some("a\tb  c"));
        assert_eq!(e[1].value.as_deref(), Some("x "));
    }

    #[test]
    fn what_git_rejects_is_rejected() {
        // \v and \f are not blanks to git; a key without '=' cannot take a comment.
        assert!(parse(b"[r]\n\x0bu = a\n").is_err());
        assert!(parse(b"[r]\n\tu = a\x0c\n").is_ok());
        assert!(parse(b"[r]\n\tbare # comment\n").is_err());
        assert!(parse(b"[r]\n\tbare\n").is_ok());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_flagged() {
        let e = parse(b"[remote \"o\"]\n\turl = h:o/\xffr\n[remote \"\xfe\"]\n\turl = h:o/r\n")
            .unwrap();
        assert!(!e[0].text && !e[1].text);
    }

    #[test]
    fn a_key_on_its_section_line_gets_a_line_of_its_own() {
        let b = b"[remote \"o\"] url = a # c\n\tfetch = x\n";
        let e = parse(b).unwrap();
        let out = rewrite(b, &e, &[(0, "b")]);
        assert_eq!(out, b"[remote \"o\"]\n\turl = b\n\tfetch = x\n");
    }

    #[test]
    fn rules_are_removed_and_added_back() {
        let b = b"[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n[core]\n\tx = 1\n";
        let e = parse(b).unwrap();
        let removed = apply_changes(b, &e, &[Change::Remove(0)]);
        assert_eq!(removed, b"[url \"git@github.com:\"]\n[core]\n\tx = 1\n");
        let e2 = parse(&removed).unwrap();
        let back = apply_changes(
            &removed,
            &e2,
            &[Change::Insert {
                section: "url",
                subsection: Some("git@github.com:"),
                name: "insteadof",
                value: "https://github.com/",
            }],
        );
        // No entry left in the section: a new section at the end, as `git config --add`.
        let e3 = parse(&back).unwrap();
        assert!(
            e3.iter()
                .any(|x| x.section == "url" && x.value.as_deref() == Some("https://github.com/"))
        );
        assert!(back.ends_with(b"[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n"));
    }

    #[test]
    fn forms_git_accepts() {
        // A backslash at the very end, a CR before the subsection, a dotted section name.
        assert_eq!(
            parse(b"[r]\n\tu = a\\").unwrap()[0].value.as_deref(),
            Some("a")
        );
        let e = parse(b"[remote\r\"o\"]\n\turl = x\n[remote.X \"o\"]\n\turl = y\n").unwrap();
        assert_eq!(e[0].key().to_string(), "remote.o.url");
        assert_eq!(e[1].key().to_string(), "remote.x.o.url");
    }
}
