//! One file per subcommand: its arguments come from `cli`, its work from the library.

pub mod completions;
pub mod convert;
pub mod credential;
pub mod doctor;
pub mod install_docs;
pub mod login;
pub mod logout;
pub mod man;
pub mod migrate;
pub mod runs;
pub mod setup;
pub mod status;
pub mod undo;
