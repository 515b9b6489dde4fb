//! The pure core: URL parsing and conversion, host rules, insteadOf, planning, config syntax,
//! token shapes, the change types and redaction. Nothing here touches the file system, the
//! environment, processes or libgit2.

pub mod accounts;
pub mod cache;
pub mod change;
pub mod convert;
pub mod credential;
pub mod forge;
pub mod gitconfig;
pub mod helper;
pub mod hosts;
pub mod insteadof;
pub mod net;
pub mod plan;
pub mod realm;
pub mod redact;
pub mod token;
pub mod url;
