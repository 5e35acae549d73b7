//! Domain types of callboard that every other crate shares: phones and their MAC addresses,
//! the phone inventory record, and phone models recognised from a SIP User-Agent.

pub mod mac;
pub mod phone;

pub use mac::{Mac, MacError};
pub use phone::{AdminState, PhoneModel, PhoneRecord, PhoneStatus, Transport};
