//! Parse errors of the SIP codec and the status code a server answers them with.

use crate::message::Method;

/// Why a SIP message, header value or URI was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The input holds no message at all (nothing, or only line breaks).
    #[error("empty message")]
    Empty,
    /// The start line is neither a well-formed Request-Line nor a Status-Line.
    #[error("invalid start line: {0}")]
    InvalidStartLine(String),
    /// The start line names a SIP version other than SIP/2.0.
    #[error("unsupported SIP version {0:?}")]
    UnsupportedVersion(String),
    /// The Status-Code of a response is not three digits between 100 and 699.
    #[error("invalid status code {0:?}")]
    InvalidStatusCode(String),
    /// The Request-URI is malformed, or carries something a Request-URI may not.
    #[error("invalid Request-URI {uri:?}: {reason}")]
    InvalidRequestUri {
        /// The Request-URI as received.
        uri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The Request-URI is well formed but its scheme is not one this crate handles.
    #[error("unsupported URI scheme {0:?}")]
    UnsupportedUriScheme(String),
    /// A URI is malformed.
    #[error("invalid URI {uri:?}: {reason}")]
    InvalidUri {
        /// The URI as given.
        uri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The start line or the header section is not valid UTF-8.
    #[error("start line or header section is not valid UTF-8")]
    InvalidUtf8,
    /// A line of the header section is not `name: value` (or a continuation line).
    #[error("invalid header line: {0}")]
    InvalidHeaderLine(String),
    /// The header section does not end with an empty line.
    #[error("header section is not terminated by an empty line")]
    UnterminatedHeaders,
    /// A header required in every request is absent.
    #[error("missing {0} header")]
    MissingHeader(&'static str),
    /// A header is present but its value is malformed.
    #[error("invalid {name} header: {reason}")]
    InvalidHeader {
        /// The header's canonical name, e.g. `Via`.
        name: String,
        /// What is wrong with its value.
        reason: String,
    },
    /// A header that may appear once appears several times with different values.
    #[error("{0} header repeated with different values")]
    ConflictingHeader(&'static str),
    /// The CSeq method differs from the method of the Request-Line.
    #[error("CSeq method {cseq} does not match request method {request}")]
    CSeqMethodMismatch {
        /// The method of the Request-Line.
        request: String,
        /// The method of the CSeq header.
        cseq: String,
    },
    /// The Content-Length value is not a non-negative decimal number.
    #[error("invalid Content-Length {0:?}")]
    InvalidContentLength(String),
    /// Content-Length announces more body bytes than the message holds.
    #[error("Content-Length is {declared} but only {actual} body bytes follow")]
    ContentLengthMismatch {
        /// The value of the Content-Length header.
        declared: usize,
        /// How many bytes follow the header section.
        actual: usize,
    },
    /// A request-only operation was applied to a response.
    #[error("message is a response, not a request")]
    NotARequest,
}

/// The status code a server answers a request that failed with `err`.
///
/// 505 for an unsupported SIP version, 416 for an unsupported Request-URI
/// scheme, 501 for a CSeq mismatch on a method the crate does not know
/// (RFC 4475 §3.1.2.18), and 400 (Bad Request) for everything else.
pub fn sip_response_code(err: &ParseError) -> u16 {
    match err {
        ParseError::UnsupportedVersion(_) => 505,
        ParseError::UnsupportedUriScheme(_) => 416,
        ParseError::CSeqMethodMismatch { request, .. } => {
            if matches!(Method::parse(request), Method::Other(_)) {
                501
            } else {
                400
            }
        }
        _ => 400,
    }
}

/// Builds an [`ParseError::InvalidHeader`].
pub(crate) fn invalid_header(name: &str, reason: impl Into<String>) -> ParseError {
    ParseError::InvalidHeader {
        name: name.to_owned(),
        reason: reason.into(),
    }
}
