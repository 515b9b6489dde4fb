//! One file per subcommand: its arguments come from `cli`, its work from the library.

pub mod convert;
pub mod credential;
pub mod login;
pub mod logout;
pub mod migrate;
pub mod runs;
pub mod status;
pub mod undo;
