//! `git-https --help` is what the README shows.

use crate::support::Sandbox;

#[test]
fn help_is_what_the_readme_shows() {
    let s = Sandbox::new();
    let help = s.run(s.path(), &["--help"]).ok().stdout;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- help -->\n```text\n")
        .expect("README has a help block")
        + "<!-- help -->\n```text\n".len();
    let end = start + readme[start..].find("```").unwrap();
    assert_eq!(
        &readme[start..end],
        help,
        "README's help block differs from `git-https --help`; copy the new text into README.md"
    );
}
