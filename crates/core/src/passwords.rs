//! Server-side passwords of client accounts (DIR4): argon2id hashes, generated passwords,
//! "transfer the password to the client at its next login", and lockout after repeated
//! failures. Never the directory's (Windows) password.

use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// How passwords are hashed and how failures are punished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// argon2id memory cost in KiB (OWASP's minimum for argon2id: 19,456).
    pub memory_kib: u32,
    /// argon2id iterations.
    pub iterations: u32,
    /// Failed logins in a row before the account is locked.
    pub max_failures: u32,
    /// How long a locked account stays locked.
    pub lockout: Duration,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            memory_kib: 19_456,
            iterations: 2,
            max_failures: 5,
            lockout: Duration::from_secs(15 * 60),
        }
    }
}

/// Why a password could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// An empty password.
    #[error("a password must not be empty")]
    Empty,
    /// The argon2 parameters are out of range.
    #[error("argon2 parameters refused: {0}")]
    Parameters(String),
}

/// The stored login data of an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    /// The argon2id PHC string, or None when no password was ever set.
    pub hash: Option<String>,
    /// Hand a (new) password to the client at its next login instead of checking one.
    pub transfer_at_next_login: bool,
    /// Failed logins in a row.
    pub failed_logins: u32,
    /// Until when (Unix ms) the account is locked.
    pub locked_until_ms: Option<i64>,
}

/// The outcome of a login attempt; the caller stores the changed `Credentials`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginCheck {
    /// The password is right.
    Accepted,
    /// The account was marked for a password transfer: the password was not checked, this
    /// new password replaces the old one and must be handed to the client.
    AcceptedWithNewPassword(String),
    /// Wrong password; the account locks after `attempts_left` more failures.
    Wrong {
        /// Failures left before the lock.
        attempts_left: u32,
    },
    /// Locked until this time (Unix ms): too many failures.
    Locked {
        /// End of the lock.
        until_ms: i64,
    },
}

impl PasswordPolicy {
    fn argon2(&self) -> Result<Argon2<'static>, PasswordError> {
        let params = Params::new(self.memory_kib, self.iterations, 1, None)
            .map_err(|e| PasswordError::Parameters(e.to_string()))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// The argon2id PHC string of `password`, with a fresh random salt.
    pub fn hash(&self, password: &str) -> Result<String, PasswordError> {
        if password.is_empty() {
            return Err(PasswordError::Empty);
        }
        let hash = self
            .argon2()?
            .hash_password(password.as_bytes())
            .map_err(|e| PasswordError::Parameters(e.to_string()))?;
        Ok(hash.to_string())
    }

    /// Checks a login and updates `credentials` (failure count, lock, transferred password).
    pub fn check(
        &self,
        credentials: &mut Credentials,
        password: Option<&str>,
        now_ms: i64,
    ) -> Result<LoginCheck, PasswordError> {
        if let Some(until_ms) = credentials.locked_until_ms.filter(|until| *until > now_ms) {
            return Ok(LoginCheck::Locked { until_ms });
        }
        if credentials.transfer_at_next_login {
            let password = generate_password();
            credentials.hash = Some(self.hash(&password)?);
            credentials.transfer_at_next_login = false;
            credentials.failed_logins = 0;
            credentials.locked_until_ms = None;
            return Ok(LoginCheck::AcceptedWithNewPassword(password));
        }
        let right = match (&credentials.hash, password) {
            (Some(hash), Some(password)) => verify(hash, password),
            _ => false,
        };
        if right {
            credentials.failed_logins = 0;
            credentials.locked_until_ms = None;
            return Ok(LoginCheck::Accepted);
        }
        credentials.failed_logins = credentials.failed_logins.saturating_add(1);
        if credentials.failed_logins >= self.max_failures {
            let until_ms = now_ms.saturating_add(self.lockout.as_millis() as i64);
            credentials.locked_until_ms = Some(until_ms);
            credentials.failed_logins = 0;
            return Ok(LoginCheck::Locked { until_ms });
        }
        Ok(LoginCheck::Wrong {
            attempts_left: self.max_failures - credentials.failed_logins,
        })
    }
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A random password of 20 characters without look-alikes (no 0/O, 1/l/I).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..20)
        .map(|_| {
            let index = rand::random::<u32>() as usize % ALPHABET.len();
            char::from(ALPHABET[index])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> PasswordPolicy {
        PasswordPolicy {
            memory_kib: 256,
            iterations: 1,
            max_failures: 3,
            lockout: Duration::from_secs(60),
        }
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let policy = fast();
        let a = policy.hash("secret").unwrap();
        let b = policy.hash("secret").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify(&a, "secret"));
        assert!(!verify(&a, "Secret"));
        assert!(!verify("not a hash", "secret"));
        assert_eq!(policy.hash(""), Err(PasswordError::Empty));
    }

    #[test]
    fn repeated_failures_lock_the_account_until_the_lockout_ends() {
        let policy = fast();
        let mut credentials = Credentials {
            hash: Some(policy.hash("right").unwrap()),
            ..Credentials::default()
        };
        assert_eq!(
            policy.check(&mut credentials, Some("wrong"), 0).unwrap(),
            LoginCheck::Wrong { attempts_left: 2 }
        );
        assert_eq!(
            policy.check(&mut credentials, Some("right"), 1).unwrap(),
            LoginCheck::Accepted,
            "a success resets the count"
        );
        for attempts_left in [2, 1] {
            assert_eq!(
                policy.check(&mut credentials, Some("wrong"), 2).unwrap(),
                LoginCheck::Wrong { attempts_left }
            );
        }
        assert_eq!(
            policy.check(&mut credentials, Some("wrong"), 3).unwrap(),
            LoginCheck::Locked { until_ms: 60_003 }
        );
        assert_eq!(
            policy
                .check(&mut credentials, Some("right"), 50_000)
                .unwrap(),
            LoginCheck::Locked { until_ms: 60_003 },
            "even the right password is refused while locked"
        );
        assert_eq!(
            policy
                .check(&mut credentials, Some("right"), 60_004)
                .unwrap(),
            LoginCheck::Accepted
        );
    }

    #[test]
    fn a_transfer_hands_a_new_password_over_once_without_checking() {
        let policy = fast();
        let mut credentials = Credentials {
            hash: None,
            transfer_at_next_login: true,
            ..Credentials::default()
        };
        let LoginCheck::AcceptedWithNewPassword(new) =
            policy.check(&mut credentials, None, 0).unwrap()
        else {
            panic!("expected a transferred password");
        };
        assert_eq!(new.len(), 20);
        assert!(!credentials.transfer_at_next_login, "the flag clears");
        assert_eq!(
            policy.check(&mut credentials, Some(&new), 1).unwrap(),
            LoginCheck::Accepted
        );
        assert!(matches!(
            policy.check(&mut credentials, None, 2).unwrap(),
            LoginCheck::Wrong { .. }
        ));
    }

    #[test]
    fn generated_passwords_differ_and_avoid_look_alikes() {
        let a = generate_password();
        assert_ne!(a, generate_password());
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']), "{a}");
    }
}
