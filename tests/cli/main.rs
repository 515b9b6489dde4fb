//! End-to-end tests of the git-https command line, one module per command (the shape of jj's
//! `cli/tests/runner.rs`): one test binary, so one link and one build of the shared helpers.
//!
//! Every process goes through `tests/support` (a cleared environment, a temporary HOME,
//! deadlines). The credential commands (login, logout, setup, doctor, credential) run against
//! a real git smart-HTTP server over TLS with Basic auth on loopback (`world`), for each cache
//! mode: git's credential-cache daemon, git's store file, and real keyrings (a headless
//! gnome-keyring Secret Service and the kernel keyutils keyring, both started by
//! `scripts/test`).
//!
//! Each command's human output (stdout and stderr, colour off) is kept as an insta snapshot in
//! `tests/cli/snapshots/`, so that a change of wording shows up as a reviewed snapshot diff.

#[path = "../support/mod.rs"]
mod support;

#[macro_use]
mod world;
mod snap;

mod accounts;
mod completions;
mod convert;
mod credential;
mod doctor;
mod help;
mod hostile;
mod login;
mod logout;
mod man;
mod migrate;
mod runs;
mod setup;
mod status;
mod stub;
mod trust;
mod undo;
