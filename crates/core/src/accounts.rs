//! How client listeners check logins against the directory (CL4, DIR4) without knowing the
//! store: a small trait the server implements. Login types: a user by user name, a computer by
//! its name (its phones follow), and users without login, who are always refused. The same
//! trait works out again what a logged-in session may do when the directory changes (CL5).

use std::future::Future;
use std::pin::Pin;

use crate::hub::Access;

/// A login attempt.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginRequest {
    /// The user or computer name the client sent.
    pub name: String,
    /// The password, if the client sent one.
    pub password: Option<String>,
    /// The computer a user logs in from (its phones are added to the user's lines, NUM3).
    pub computer: Option<String>,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("name", &self.name)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("computer", &self.computer)
            .finish()
    }
}

/// Why a login was refused; each has a message a client can show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginRefusal {
    /// Unknown name or wrong password (never told apart).
    #[error("unknown user name or wrong password")]
    Invalid,
    /// Too many failed logins: locked until this time (Unix ms).
    #[error("account locked after repeated failed logins; try again later")]
    Locked {
        /// End of the lock.
        until_ms: i64,
    },
    /// A "user without login" exists only for speed-dial groups.
    #[error("this account cannot log in (user without login)")]
    NoLogin,
    /// An administrator disabled the account.
    #[error("account disabled")]
    Disabled,
    /// The directory could not be read.
    #[error("the directory is not available")]
    Unavailable,
}

/// An accepted login.
#[derive(Debug, Clone)]
pub struct LoginAccepted {
    /// The account's name as stored.
    pub account: String,
    /// What the session may see and do.
    pub access: Access,
    /// A new password to hand to the client (the account was marked "transfer password at
    /// next login"; this login was not checked).
    pub transferred_password: Option<String>,
}

/// Who a directory session logged in as: enough to work its rights out again (CL5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLogin {
    /// The account's name as stored (a user's login or a computer's name).
    pub account: String,
    /// The computer a user logged in from, if any.
    pub computer: Option<String>,
}

/// The accounts a listener checks logins against.
pub trait AccountDirectory: Send + Sync {
    /// Checks a login; updates failure counts, locks and transferred passwords.
    fn login<'a>(
        &'a self,
        request: LoginRequest,
    ) -> Pin<Box<dyn Future<Output = Result<LoginAccepted, LoginRefusal>> + Send + 'a>>;

    /// What an account that logged in earlier may do now, without checking a password: its
    /// current access, or why it may no longer be logged in (`Invalid` when the account is
    /// gone, `Disabled`, `NoLogin`; `Unavailable` when the directory cannot be read, which
    /// changes nothing).
    fn current_access<'a>(
        &'a self,
        login: &'a SessionLogin,
    ) -> Pin<Box<dyn Future<Output = Result<Access, LoginRefusal>> + Send + 'a>>;
}
