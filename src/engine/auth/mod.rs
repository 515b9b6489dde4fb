//! Tokens into git: where a token comes from (`sources`), which forge a host runs (`forge`),
//! how git would reach it (`network`), the checks a token passes (`verify`) and a realm passes
//! (`scope`), aliases tied to an account (`aliases`), the flags login and setup share
//! (`options`), the transaction over the token stores with its rollback (`transaction`), and
//! login and logout start to end.

pub mod aliases;
pub mod forge;
pub mod login;
pub mod logout;
pub mod network;
pub mod options;
pub mod scope;
pub mod sources;
pub mod transaction;
pub mod verify;

use crate::env::Env;
use crate::io::keystore::{Backend, Keystore};
use crate::ui::output;

/// Says which keyring holds the token, and warns when it is the kernel keyring.
pub fn keyring_note(env: &Env, store: Option<&Keystore>) {
    let Some(k) = store else { return };
    env.out
        .note(format!("the token is in {}", k.backend.describe()));
    if k.backend == Backend::Keyutils {
        output::warn("the kernel keyring forgets the token at reboot (log in again then)");
        if let Some(why) = &k.fallback {
            output::hint(format!(
                "no Secret Service answered ({why}); install and unlock one (gnome-keyring, KeePassXC) to keep the token across reboots, or use --cache store"
            ));
        }
    }
}
