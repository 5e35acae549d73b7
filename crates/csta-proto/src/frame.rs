//! The 8-byte TCP frame header of CSTA XML links (ECMA-323 "CSTA XML
//! without SOAP"): bytes 0-1 = `0x0000`, bytes 2-3 = big-endian total
//! length including the header, bytes 4-7 = invoke ID as four ASCII digits
//! (`9999` for unsolicited events), then the XML document.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::error::FrameError;

/// Length of the frame header in bytes.
pub const HEADER_LEN: usize = 8;
/// Default (and largest possible) frame size, header included.
pub const DEFAULT_MAX_FRAME: usize = 65535;
/// Invoke ID carried by unsolicited events.
pub const EVENT_INVOKE_ID: u16 = 9999;

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CstaFrame {
    /// Invoke ID from the header (0–9999).
    pub invoke_id: u16,
    /// The XML document (the frame without its header).
    pub xml: Bytes,
}

/// Builds a frame: header + `xml`.
///
/// Fails if `invoke_id` is above 9999 or the frame would exceed
/// [`DEFAULT_MAX_FRAME`] bytes.
pub fn encode_frame(invoke_id: u16, xml: &[u8]) -> Result<Bytes, FrameError> {
    if invoke_id > EVENT_INVOKE_ID {
        return Err(FrameError::InvokeIdOutOfRange(invoke_id));
    }
    let total = xml.len().saturating_add(HEADER_LEN);
    let length = u16::try_from(total).map_err(|_| FrameError::TooLarge {
        length: total,
        limit: DEFAULT_MAX_FRAME,
    })?;
    let mut out = BytesMut::with_capacity(total);
    out.put_u16(0);
    out.put_u16(length);
    out.put_slice(format!("{invoke_id:04}").as_bytes());
    out.put_slice(xml);
    Ok(out.freeze())
}

/// Incremental frame decoder for a byte stream.
///
/// Feed received bytes into a `BytesMut` and call
/// [`FrameDecoder::decode`] until it returns `Ok(None)`. Errors are not
/// recoverable (the stream has lost framing); close the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameDecoder {
    max_frame: usize,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        FrameDecoder {
            max_frame: DEFAULT_MAX_FRAME,
        }
    }
}

impl FrameDecoder {
    /// A decoder accepting frames up to [`DEFAULT_MAX_FRAME`] bytes.
    pub fn new() -> Self {
        FrameDecoder::default()
    }

    /// A decoder accepting frames up to `max_frame` bytes (header
    /// included); values below the header length are raised to it.
    pub fn with_max_frame(max_frame: usize) -> Self {
        FrameDecoder {
            max_frame: max_frame.max(HEADER_LEN),
        }
    }

    /// The configured maximum frame size.
    pub fn max_frame(&self) -> usize {
        self.max_frame
    }

    /// Takes one complete frame off the front of `buf`, if there is one.
    ///
    /// The header is validated as soon as its 8 bytes are available, so a
    /// bad stream is reported without waiting for the body.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<CstaFrame>, FrameError> {
        let Some(header) = buf.get(..HEADER_LEN) else {
            return Ok(None);
        };
        let mut header_bytes = [0u8; HEADER_LEN];
        header_bytes.copy_from_slice(header);
        let [t0, t1, l0, l1, d0, d1, d2, d3] = header_bytes;
        let frame_type = u16::from_be_bytes([t0, t1]);
        if frame_type != 0 {
            return Err(FrameError::BadFrameType(frame_type));
        }
        let length = usize::from(u16::from_be_bytes([l0, l1]));
        if length < HEADER_LEN {
            return Err(FrameError::LengthTooSmall(length));
        }
        if length > self.max_frame {
            return Err(FrameError::TooLarge {
                length,
                limit: self.max_frame,
            });
        }
        let digits = [d0, d1, d2, d3];
        let invoke_id = parse_invoke_id(digits)?;
        if buf.len() < length {
            buf.reserve(length - buf.len());
            return Ok(None);
        }
        let mut frame = buf.split_to(length);
        frame.advance(HEADER_LEN);
        Ok(Some(CstaFrame {
            invoke_id,
            xml: frame.freeze(),
        }))
    }
}

/// Parses four ASCII digits.
fn parse_invoke_id(digits: [u8; 4]) -> Result<u16, FrameError> {
    digits.iter().try_fold(0u16, |acc, &d| {
        if d.is_ascii_digit() {
            Ok(acc * 10 + u16::from(d - b'0'))
        } else {
            Err(FrameError::BadInvokeId(digits))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoke_ids() {
        assert_eq!(parse_invoke_id(*b"0000"), Ok(0));
        assert_eq!(parse_invoke_id(*b"9999"), Ok(9999));
        assert_eq!(parse_invoke_id(*b"0042"), Ok(42));
        assert!(parse_invoke_id(*b"12a4").is_err());
        assert!(parse_invoke_id(*b" 123").is_err());
    }

    #[test]
    fn max_frame_floor() {
        assert_eq!(FrameDecoder::with_max_frame(2).max_frame(), HEADER_LEN);
        assert_eq!(FrameDecoder::new().max_frame(), DEFAULT_MAX_FRAME);
    }
}
