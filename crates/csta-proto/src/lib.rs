//! ECMA-323 CSTA XML and ECMA-354 application session codec for callboard.
//!
//! Pure data transformation, no I/O:
//! - [`decode`] turns one XML document into a [`CstaMessage`] (dispatching on
//!   the root element's local name, ignoring namespaces and unknown
//!   elements) and reports the peer's [`Edition`];
//! - [`encode`] writes a message in the namespace of a chosen edition;
//! - [`XmlElement`] / [`parse_xml`] are the bounded generic tree underneath
//!   (size and depth limits, no DTDs, no external entities);
//! - [`encode_frame`] / [`FrameDecoder`] handle the 8-byte header of CSTA XML
//!   over raw TCP.
//!
//! Covered: the CSTA services of the project's CC1 list with their positive
//! responses, the events of CC2, `CSTAErrorCode`, system status and
//! capability exchange, and the ECMA-354 application session messages.
//!
//! Vendor quirks handled: snom answering ed5 to ed3 requests, Yealink's
//! `ecmainternational` namespace and `SwFunctionDevicesChanged`,
//! `<CSTAErrorCode><unspecified/></CSTAErrorCode>`, SOAP-wrapped errors,
//! OpenScape extra elements, prefixed roots such as `<csta:MakeCall>`.

mod call_control;
mod codec;
mod edition;
mod error;
mod events;
mod features;
mod frame;
mod message;
mod monitor;
mod session;
mod system;
mod types;
mod xml;

pub use call_control::*;
pub use edition::{Edition, ParseEditionError, SESSION_NAMESPACE, detect_edition};
pub use error::{DecodeError, FrameError};
pub use events::*;
pub use features::*;
pub use frame::{
    CstaFrame, DEFAULT_MAX_FRAME, EVENT_INVOKE_ID, FrameDecoder, HEADER_LEN, encode_frame,
};
pub use message::{CstaMessage, Decoded, decode, decode_with, encode};
pub use monitor::*;
pub use session::*;
pub use system::*;
pub use types::*;
pub use xml::{
    DEFAULT_MAX_DEPTH, DEFAULT_MAX_INPUT, ParseLimits, XmlElement, parse_xml, parse_xml_with,
};
