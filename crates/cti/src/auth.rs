//! Checking a client's user name and password against the configured accounts without
//! revealing through timing which part was wrong or which accounts exist: both sides are
//! hashed (SHA-256, so every comparison has the same length), every account is compared,
//! and the comparison itself does not stop at the first differing byte.

use sha2::{Digest, Sha256};

use crate::ClientAccount;

struct Entry {
    name: String,
    name_digest: [u8; 32],
    password_digest: [u8; 32],
}

/// The accounts, prepared for checking.
pub(crate) struct Accounts {
    entries: Vec<Entry>,
}

fn digest(domain: &[u8], value: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(domain);
    hasher.update(value.as_bytes());
    hasher.finalize().into()
}

/// Compares without an early exit.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

impl Accounts {
    pub(crate) fn new(accounts: &[ClientAccount]) -> Self {
        Accounts {
            entries: accounts
                .iter()
                .map(|a| Entry {
                    name: a.name.clone(),
                    name_digest: digest(b"callboard-cti-name\0", &a.name),
                    password_digest: digest(b"callboard-cti-password\0", &a.password),
                })
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The account matching `name` and `password`, if any.
    pub(crate) fn check(&self, name: &str, password: &str) -> Option<&str> {
        let name_digest = digest(b"callboard-cti-name\0", name);
        let password_digest = digest(b"callboard-cti-password\0", password);
        let mut found = None;
        for entry in &self.entries {
            let name_ok = same(&entry.name_digest, &name_digest);
            let password_ok = same(&entry.password_digest, &password_digest);
            if name_ok & password_ok {
                found = Some(entry.name.as_str());
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_pair_logs_in() {
        let accounts = Accounts::new(&[
            ClientAccount::new("crm", "secret"),
            ClientAccount::new("tapi", "other"),
        ]);
        assert_eq!(accounts.check("crm", "secret"), Some("crm"));
        assert_eq!(accounts.check("tapi", "other"), Some("tapi"));
        assert_eq!(accounts.check("crm", "other"), None);
        assert_eq!(accounts.check("CRM", "secret"), None);
        assert_eq!(accounts.check("crm", "secret "), None);
        assert_eq!(accounts.check("", ""), None);
        assert!(Accounts::new(&[]).check("crm", "secret").is_none());
    }
}
