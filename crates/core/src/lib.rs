//! The domain of callboard: phones and their MAC addresses, lines and the device identifiers
//! naming them, the call model, and the hub that joins links (phones, simulator) to client
//! sessions with reference-counted monitors, numbered events and resumable sessions.

pub mod accounts;
pub mod calls;
pub mod device;
pub mod directory;
mod event_log;
pub mod hub;
pub mod mac;
pub mod numbers;
pub mod passwords;
pub mod phone;
pub mod rights;
pub mod services;

pub use device::LineKey;
pub use hub::{
    Access, Delivery, Hub, HubSettings, HubStats, InternalSubscription, LineNotice, LinkCommand,
    LinkEvent, LinkEvents, LinkHandle, MonitorAnswer, ResumeRefused, SessionAttachment,
};
pub use mac::{Mac, MacError};
pub use phone::{AdminState, PhoneModel, PhoneRecord, PhoneStatus, Transport};
