//! Settings of the CSTA XML client listener and the client accounts it accepts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use callboard_core::accounts::AccountDirectory;

use csta_proto::Edition;

/// Settings of the CSTA XML client listener.
#[derive(Clone)]
pub struct CtiSettings {
    /// ECMA-323 edition (namespace) of the responses and of `actualProtocolVersion`. Events are
    /// encoded by the hub in its own edition, so this should equal `HubSettings::edition`.
    pub edition: Edition,
    /// Technical accounts of the configuration: they see and do everything. Checked first.
    pub accounts: Vec<ClientAccount>,
    /// The directory's accounts (users, computers), with their rights.
    pub directory: Option<Arc<dyn AccountDirectory>>,
    /// Session duration granted when the client asks for none (180 s).
    pub default_session_duration: Duration,
    /// Longest session duration granted, whatever the client asks for (3600 s).
    pub max_session_duration: Duration,
    /// Time a new connection has to send `StartApplicationSession`, and a begun frame has to
    /// be complete (10 s).
    pub login_timeout: Duration,
    /// Largest frame accepted from a client, header included (65535, the most the 16-bit
    /// length can say).
    pub max_frame: usize,
}

impl Default for CtiSettings {
    fn default() -> Self {
        CtiSettings {
            edition: Edition::Ed5,
            accounts: Vec::new(),
            directory: None,
            default_session_duration: Duration::from_secs(180),
            max_session_duration: Duration::from_secs(3600),
            login_timeout: Duration::from_secs(10),
            max_frame: csta_proto::DEFAULT_MAX_FRAME,
        }
    }
}

/// A client account: the `userName` and `password` of `StartApplicationSession`.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientAccount {
    /// The user name (compared exactly).
    pub name: String,
    /// The password (compared exactly; hidden in `Debug` output).
    pub password: String,
}

impl ClientAccount {
    /// An account called `name` with `password`.
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Self {
        ClientAccount {
            name: name.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for ClientAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAccount")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl fmt::Debug for CtiSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtiSettings")
            .field("edition", &self.edition)
            .field("accounts", &self.accounts)
            .field("directory", &self.directory.is_some())
            .field("default_session_duration", &self.default_session_duration)
            .field("max_session_duration", &self.max_session_duration)
            .field("login_timeout", &self.login_timeout)
            .field("max_frame", &self.max_frame)
            .finish()
    }
}

impl CtiSettings {
    /// The session duration granted for a request of `requested` seconds (`None`: the
    /// default): at most `max_session_duration`, at least one second, in whole seconds.
    pub fn session_duration(&self, requested: Option<u32>) -> Duration {
        let secs = requested
            .map(u64::from)
            .unwrap_or(self.default_session_duration.as_secs())
            .min(self.max_session_duration.as_secs())
            .max(1);
        Duration::from_secs(secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_durations_are_clamped() {
        let settings = CtiSettings::default();
        assert_eq!(settings.session_duration(None), Duration::from_secs(180));
        assert_eq!(settings.session_duration(Some(30)), Duration::from_secs(30));
        assert_eq!(
            settings.session_duration(Some(u32::MAX)),
            Duration::from_secs(3600)
        );
        assert_eq!(settings.session_duration(Some(0)), Duration::from_secs(1));
    }

    #[test]
    fn passwords_stay_out_of_debug_output() {
        let account = ClientAccount::new("crm", "hunter2");
        let settings = CtiSettings {
            accounts: vec![account],
            ..CtiSettings::default()
        };
        let debug = format!("{settings:?}");
        assert!(
            debug.contains("crm") && !debug.contains("hunter2"),
            "{debug}"
        );
    }
}
