//! SIP message codec for callboard: parser, printer, typed header accessors,
//! a TCP stream framer and server-side Digest authentication. Pure code, no I/O.
//!
//! ```
//! use sip_proto::{SipMessage, Method};
//!
//! let req = SipMessage::parse(
//!     b"OPTIONS sip:pbx.example.com SIP/2.0\r\n\
//!       Via: SIP/2.0/TCP 192.0.2.7;branch=z9hG4bK1\r\n\
//!       To: <sip:pbx.example.com>\r\n\
//!       From: <sip:alice@example.com>;tag=1\r\n\
//!       Call-ID: abc@192.0.2.7\r\n\
//!       CSeq: 1 OPTIONS\r\n\
//!       Content-Length: 0\r\n\r\n",
//! )
//! .unwrap();
//! assert_eq!(req.method(), Some(&Method::Options));
//! let resp = SipMessage::response_to(&req, 200, "OK");
//! assert!(resp.to_bytes().starts_with(b"SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP"));
//! ```

pub mod digest;
pub mod error;
pub mod framer;
mod grammar;
pub mod message;
mod parser;
mod uri;
mod values;

pub use digest::{
    DigestAlgorithm, DigestAuthenticator, DigestChallenge, DigestCredentials, DigestError,
};
pub use error::{ParseError, sip_response_code};
pub use framer::{Frame, FrameError, Framer, FramerLimits};
pub use message::{Header, Headers, Method, SipMessage, StartLine};
pub use uri::Uri;
pub use values::{CSeq, Contact, ContentType, NameAddr, SipDate, Via};
