//! Error types of the codec: XML decoding errors and TCP frame errors.

use thiserror::Error;

/// Why a CSTA XML document could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The input is larger than the configured limit.
    #[error("input of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// Configured maximum.
        limit: usize,
    },
    /// Elements are nested deeper than the configured limit.
    #[error("elements nested deeper than {0} levels")]
    TooDeep(usize),
    /// The input is not valid UTF-8.
    #[error("input is not valid UTF-8")]
    NotUtf8,
    /// The input is not well-formed XML.
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// The input contains a document type declaration (DTDs and entity
    /// declarations are refused to rule out XXE and entity expansion).
    #[error("DOCTYPE / DTD declarations are not allowed")]
    DoctypeForbidden,
    /// A reference to an entity other than the five predefined XML entities.
    #[error("reference to unknown entity &{0};")]
    UnknownEntity(String),
    /// The input contains no root element.
    #[error("no root element")]
    NoRoot,
    /// The document ended before all elements were closed.
    #[error("document truncated: {0} element(s) not closed")]
    Truncated(usize),
    /// Something other than whitespace, comments or processing instructions
    /// follows the root element.
    #[error("content after the root element")]
    TrailingContent,
    /// A required child element is missing.
    #[error("element <{parent}> lacks required child <{name}>")]
    MissingElement {
        /// Local name of the parent element.
        parent: String,
        /// Local name of the missing child.
        name: String,
    },
    /// An element holds a value of the wrong type (e.g. a non-boolean).
    #[error("element <{element}> has invalid value {value:?}")]
    InvalidValue {
        /// Local name of the element.
        element: String,
        /// The offending text (shortened to 64 characters).
        value: String,
    },
}

impl DecodeError {
    /// Builds an [`DecodeError::InvalidValue`], shortening long values.
    pub(crate) fn invalid(element: &str, value: &str) -> Self {
        DecodeError::InvalidValue {
            element: element.to_owned(),
            value: value.chars().take(64).collect(),
        }
    }
}

/// Why a CSTA TCP frame (ECMA-323 8-byte header) could not be built or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// The first two header bytes are not `0x0000` (plain CSTA XML without SOAP).
    #[error("unsupported frame type 0x{0:04x} (expected 0x0000)")]
    BadFrameType(u16),
    /// The length field is smaller than the header itself.
    #[error("frame length {0} is smaller than the 8-byte header")]
    LengthTooSmall(usize),
    /// The frame (header included) is larger than allowed.
    #[error("frame length {length} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Length of the frame including the header.
        length: usize,
        /// Configured maximum.
        limit: usize,
    },
    /// The invoke ID field is not four ASCII digits.
    #[error("invoke ID is not four ASCII digits: \"{}\"", .0.escape_ascii())]
    BadInvokeId([u8; 4]),
    /// An invoke ID above 9999 was given to the encoder.
    #[error("invoke ID {0} does not fit in four digits")]
    InvokeIdOutOfRange(u16),
}
