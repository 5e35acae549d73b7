//! The uaCSTA phone link (PH1–PH4): a SIP registrar for desk phones over TCP and TLS that
//! authenticates each phone by MAC address and digest, keeps the phone inventory, and opens one
//! long-lived CSTA dialog to every registered phone over the phone's own connection
//! (INVITE with `RequestSystemStatus`, then `SystemRegister`, `GetSwitchingFunctionDevices`, and
//! `RequestSystemStatus` keepalives).

mod admin;
pub mod capabilities;
mod connection;
mod dialog;
mod jobs;
mod link;
mod registrar;

pub use link::{ListenerRole, PhoneLink, PhoneLinkSettings};
