//! LDAP / Active Directory as the user source of callboard (requirement DIR5).
//!
//! Reads users, groups and computers with their CTI settings, either from the `ectisrv3*`
//! attributes of the estos schema extension ([`Mode::Schema`]) or from the reserved
//! multi-valued attribute `extensionName` ([`Mode::Reserved`], one value
//! `ectisrv3<Name>=<value>` per setting), and optionally writes settings back, adding the
//! user's SIP address to `proxyAddresses`.
//!
//! - [`read_directory`]: paged (RFC 2696) subtree searches, never chasing referrals, with a
//!   progress callback; returns a [`Snapshot`] of plain data types.
//! - [`write_back`] / [`write_back_clearing`]: patch one entry's settings.
//! - [`mapping`]: the pure attribute mappings of both modes (tables in its docs).
//!
//! The crate does not depend on the store or the core: the server maps [`DirUser`],
//! [`DirGroup`] and [`DirComputer`] into its own model. TLS is rustls (ring); no OpenSSL.

mod client;
mod entry;
mod error;
pub mod mapping;
mod model;
mod settings;

pub use client::{read_directory, write_back, write_back_clearing};
pub use entry::Entry;
pub use error::DirectoryError;
pub use mapping::CtiField;
pub use model::{
    CtiAttributes, DirComputer, DirGroup, DirUser, SkippedEntry, Snapshot, UserPermission,
};
pub use settings::{
    DEFAULT_COMPUTER_FILTER_RESERVED, DEFAULT_COMPUTER_FILTER_SCHEMA,
    DEFAULT_GROUP_FILTER_RESERVED, DEFAULT_GROUP_FILTER_SCHEMA, DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT,
    DEFAULT_USER_FILTER_RESERVED, DEFAULT_USER_FILTER_SCHEMA, LdapSettings, Mode, ObjectKind,
    Progress,
};
