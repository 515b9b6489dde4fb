//! Adapters that touch the world: repository files, the journal, discovery, settings, the OS
//! keyring, the forge API and the git command line.

pub mod api;
pub mod atomic;
pub mod clock;
pub mod discover;
pub mod git;
pub mod install;
pub mod journal;
pub mod keystore;
pub mod logins;
pub mod platform;
pub mod repo;
pub mod settings;
pub mod store;
