//! Runtime updates of the phone inventory, written by the phones link.

use callboard_core::{AdminState, Mac, PhoneModel, Transport};

/// A successful REGISTER (or a refused one of a phone being recorded as pending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationUpdate {
    /// The phone.
    pub mac: Mac,
    /// Model from the User-Agent.
    pub model: PhoneModel,
    /// The User-Agent as sent.
    pub user_agent: String,
    /// `ip:port` of the phone's connection.
    pub address: String,
    /// TCP or TLS.
    pub transport: Transport,
    /// When (Unix ms). Also the first-seen time of a new phone.
    pub at_ms: i64,
    /// Whether this counts as a successful registration (false for a phone stored as pending).
    pub registered: bool,
    /// The admin state a phone gets when it is new; an existing phone keeps its own.
    pub admin_state_if_new: AdminState,
}

/// One change the phones link makes to the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneUpdate {
    /// The phone registered (or was seen for the first time).
    Registered(RegistrationUpdate),
    /// The phone's CSTA dialog came up or went away.
    Online {
        /// The phone.
        mac: Mac,
        /// Whether it is online now.
        online: bool,
    },
    /// The phone reported its identities (lines).
    Identities {
        /// The phone.
        mac: Mac,
        /// The identities in the order the phone listed them.
        identities: Vec<String>,
    },
}
