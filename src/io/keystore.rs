//! The OS keyring: Secret Service on Linux desktops, the kernel keyutils keyring where no Secret
//! Service answers, macOS Keychain, Windows Credential Manager. One entry per host holds the
//! username and the token.

use anyhow::{Result, anyhow};

use crate::core::token::Secret;

const SERVICE: &str = "git-https";

/// Which store holds the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    SecretService,
    Keyutils,
    /// macOS Keychain or Windows Credential Manager.
    Native,
}

impl Backend {
    pub fn describe(self) -> &'static str {
        match self {
            Backend::SecretService => "the Secret Service keyring",
            Backend::Keyutils => "the kernel keyring (keyutils)",
            Backend::Native => "the system keychain",
        }
    }
}

/// A username and token read back from the keyring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub username: String,
    pub token: Secret,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Blob {
    username: String,
    token: String,
}

#[derive(Debug)]
pub struct Keystore {
    pub backend: Backend,
    /// Why the Secret Service was not used, when the kernel keyring was picked instead of it.
    pub fallback: Option<String>,
}

fn entry(host: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &format!("https://{host}")).map_err(|e| anyhow!("keyring: {e}"))
}

fn usable(e: &keyring::Error) -> bool {
    matches!(e, keyring::Error::NoEntry)
}

impl Keystore {
    /// Picks the store: `choice` (`secret-service` or `keyutils`, from `GIT_HTTPS_KEYRING`)
    /// if given, else the Secret Service when one answers, else keyutils.
    pub fn open(choice: Option<&str>) -> Result<Keystore> {
        #[cfg(target_os = "linux")]
        {
            let try_backend = |b: Backend| -> Result<Keystore> {
                let builder = match b {
                    Backend::SecretService => keyring::secret_service::default_credential_builder(),
                    _ => keyring::keyutils::default_credential_builder(),
                };
                keyring::set_default_credential_builder(builder);
                // A read of an entry that is not there proves the store answers.
                match entry("probe.invalid")?.get_password() {
                    Err(e) if !usable(&e) => Err(anyhow!("{} is not usable: {e}", b.describe())),
                    _ => Ok(Keystore {
                        backend: b,
                        fallback: None,
                    }),
                }
            };
            match choice {
                Some("secret-service") => try_backend(Backend::SecretService),
                Some("keyutils") => try_backend(Backend::Keyutils),
                Some(other) => Err(anyhow!(
                    "GIT_HTTPS_KEYRING={other:?}: expected secret-service or keyutils"
                )),
                None => try_backend(Backend::SecretService).or_else(|ss| {
                    match try_backend(Backend::Keyutils) {
                        Ok(k) => Ok(Keystore {
                            fallback: Some(format!("{ss:#}")),
                            ..k
                        }),
                        Err(ku) => Err(anyhow!("no OS keyring: {ss}; {ku}")),
                    }
                }),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = choice;
            Ok(Keystore {
                backend: Backend::Native,
                fallback: None,
            })
        }
    }

    pub fn get(&self, host: &str) -> Result<Option<Stored>> {
        match entry(host)?.get_password() {
            Ok(text) => {
                let text = zeroize::Zeroizing::new(text);
                let blob: Blob = serde_json::from_str(text.as_str())
                    .map_err(|_| anyhow!("keyring entry for {host} is not one of git-https's"))?;
                Ok(Some(Stored {
                    username: blob.username,
                    token: Secret::new(blob.token),
                }))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(anyhow!(
                "cannot read {} for {host}: {e}",
                self.backend.describe()
            )),
        }
    }

    pub fn set(&self, host: &str, username: &str, token: &Secret) -> Result<()> {
        let text = zeroize::Zeroizing::new(serde_json::to_string(&Blob {
            username: username.to_string(),
            token: token.expose().to_string(),
        })?);
        entry(host)?.set_password(&text).map_err(|e| {
            anyhow!(
                "cannot write to {} for {host}: {e}",
                self.backend.describe()
            )
        })
    }

    /// Removes the entry; `false` when there was none.
    pub fn delete(&self, host: &str) -> Result<bool> {
        match entry(host)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(anyhow!(
                "cannot delete from {} for {host}: {e}",
                self.backend.describe()
            )),
        }
    }
}
