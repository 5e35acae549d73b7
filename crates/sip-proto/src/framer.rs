//! Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3) and CRLF
//! keep-alives (RFC 5626 §3.5.1), incrementally and within size limits.

use bytes::{Buf, BytesMut};

use crate::error::ParseError;
use crate::grammar::parse_decimal;
use crate::message::{SipMessage, names_match};
use crate::parser::find_head_end;

/// Size limits of the framer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramerLimits {
    /// Largest start line plus header section, blank line included.
    pub max_header_bytes: usize,
    /// Largest body (Content-Length).
    pub max_body_bytes: usize,
}

impl Default for FramerLimits {
    /// 16 KiB of headers, 64 KiB of body.
    fn default() -> Self {
        FramerLimits {
            max_header_bytes: 16 * 1024,
            max_body_bytes: 64 * 1024,
        }
    }
}

/// One unit decoded from the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete SIP message.
    Message(SipMessage),
    /// A double-CRLF keep-alive ping (RFC 5626): answer with a single CRLF.
    Ping,
    /// A single-CRLF keep-alive pong.
    Pong,
}

/// Why the stream cannot be decoded.
///
/// All errors except [`FrameError::Parse`] mean the message boundaries are
/// lost: close the connection. A `Parse` error concerns one message whose
/// bytes have been consumed; decoding can go on with the next one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// No end of the header section within `limit` bytes.
    #[error("header section larger than {limit} bytes")]
    HeadersTooLarge {
        /// The configured limit.
        limit: usize,
    },
    /// The announced body is larger than the limit.
    #[error("body of {length} bytes exceeds the {limit}-byte limit")]
    BodyTooLarge {
        /// The Content-Length.
        length: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The start line names no SIP version: garbage, HTTP or another protocol.
    #[error("not a SIP message (no SIP version in the start line)")]
    NotSip,
    /// A message on a stream has no Content-Length (RFC 3261 §18.3).
    #[error("message without Content-Length on a stream transport")]
    MissingContentLength,
    /// The Content-Length is not a number, or repeated with different values.
    #[error("invalid Content-Length")]
    InvalidContentLength,
    /// The message was framed (and consumed) but is not a valid SIP message.
    #[error("invalid message: {0}")]
    Parse(ParseError),
}

impl FrameError {
    /// Whether the connection must be closed (every error but `Parse`).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, FrameError::Parse(_))
    }
}

/// Where the framer is within the current message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Looking for the end of the header section; bytes before `scanned` hold
    /// no empty line.
    Head { scanned: usize },
    /// Header section of `head_len` bytes found, waiting for `body_len` bytes.
    Body { head_len: usize, body_len: usize },
}

/// Incremental decoder for a SIP byte stream. Feed it the connection's read
/// buffer after every read; the buffer must only be appended to between calls.
#[derive(Debug, Clone)]
pub struct Framer {
    limits: FramerLimits,
    state: State,
}

/// The Content-Length of a raw header section, read line by line without
/// trusting the rest of the section (so that a malformed message can still
/// be skipped).
/// Whether the start line names a SIP version (`… SIP/2.0` or `SIP/2.0 …`, any version: the
/// parser judges it), so that garbage and other protocols are told apart from a SIP message
/// that merely lacks its Content-Length.
fn check_start_line(head: &[u8]) -> Result<(), FrameError> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let names_sip = line.windows(4).any(|w| w.eq_ignore_ascii_case(b"SIP/"));
    if names_sip {
        Ok(())
    } else {
        Err(FrameError::NotSip)
    }
}

fn raw_content_length(head: &[u8]) -> Result<usize, FrameError> {
    let mut found: Option<usize> = None;
    for line in head.split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = line.split_at(colon);
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        if !names_match(name.trim_end_matches([' ', '\t']), "Content-Length") {
            continue;
        }
        let value = std::str::from_utf8(value.get(1..).unwrap_or_default())
            .map_err(|_| FrameError::InvalidContentLength)?;
        let n = parse_decimal::<usize>(value.trim_matches([' ', '\t']))
            .ok_or(FrameError::InvalidContentLength)?;
        if found.is_some_and(|f| f != n) {
            return Err(FrameError::InvalidContentLength);
        }
        found = Some(n);
    }
    found.ok_or(FrameError::MissingContentLength)
}

impl Framer {
    /// A framer with these limits.
    pub fn new(limits: FramerLimits) -> Framer {
        Framer {
            limits,
            state: State::Head { scanned: 0 },
        }
    }

    /// Decodes the next frame from `buf`, consuming exactly its bytes.
    /// `Ok(None)` means more bytes are needed. Messages are validated like
    /// [`SipMessage::parse`].
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        match self.decode_unvalidated(buf)? {
            Some(Frame::Message(message)) => {
                message.validate().map_err(FrameError::Parse)?;
                Ok(Some(Frame::Message(message)))
            }
            other => Ok(other),
        }
    }

    /// Like [`Framer::decode`], but messages are only parsed as with
    /// [`SipMessage::parse_unvalidated`], so that a server can answer an
    /// invalid request itself after calling [`SipMessage::validate`].
    pub fn decode_unvalidated(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        let scanned = match self.state {
            State::Body { head_len, body_len } => {
                return self.finish(buf, head_len, body_len);
            }
            State::Head { scanned } if scanned > buf.len() => 0,
            State::Head { scanned } => scanned,
        };
        if scanned == 0 {
            if buf.starts_with(b"\r\n\r\n") {
                buf.advance(4);
                return Ok(Some(Frame::Ping));
            }
            match buf.as_ref() {
                // Could still become a ping.
                b"\r" | b"\r\n" | b"\r\n\r" => return Ok(None),
                [b'\r', b'\n', ..] => {
                    buf.advance(2);
                    return Ok(Some(Frame::Pong));
                }
                _ => {}
            }
        }
        let limit = self.limits.max_header_bytes;
        let window = buf.get(..buf.len().min(limit)).unwrap_or_default();
        let Some(head_len) = find_head_end(window, scanned) else {
            if buf.len() >= limit {
                return Err(FrameError::HeadersTooLarge { limit });
            }
            self.state = State::Head { scanned: buf.len() };
            return Ok(None);
        };
        let head = buf.get(..head_len).unwrap_or_default();
        let body_len = check_start_line(head)
            .and_then(|()| raw_content_length(head))
            .inspect_err(|_| self.state = State::Head { scanned: 0 })?;
        if body_len > self.limits.max_body_bytes {
            self.state = State::Head { scanned: 0 };
            return Err(FrameError::BodyTooLarge {
                length: body_len,
                limit: self.limits.max_body_bytes,
            });
        }
        self.finish(buf, head_len, body_len)
    }

    fn finish(
        &mut self,
        buf: &mut BytesMut,
        head_len: usize,
        body_len: usize,
    ) -> Result<Option<Frame>, FrameError> {
        // cannot overflow with sane limits; saturating keeps huge ones harmless
        let total = head_len.saturating_add(body_len);
        if buf.len() < total {
            self.state = State::Body { head_len, body_len };
            return Ok(None);
        }
        self.state = State::Head { scanned: 0 };
        let bytes = buf.split_to(total).freeze();
        SipMessage::parse_bytes_unvalidated(&bytes)
            .map(|m| Some(Frame::Message(m)))
            .map_err(FrameError::Parse)
    }
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(FramerLimits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_other_protocols_are_not_sip() {
        for head in [
            &b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..],
            b"\x16\x03\x01garbage\r\n\r\n",
            b"REGISTER sip:x\r\nContent-Length: 0\r\n\r\n",
        ] {
            assert_eq!(check_start_line(head), Err(FrameError::NotSip), "{head:?}");
        }
        for head in [
            &b"REGISTER sip:x SIP/2.0\r\n\r\n"[..],
            b"SIP/2.0 200 OK\r\n\r\n",
            b"INVITE sip:x sip/7.0\r\n\r\n",
        ] {
            assert_eq!(check_start_line(head), Ok(()), "{head:?}");
        }
    }

    #[test]
    fn raw_content_length_reading() {
        assert_eq!(raw_content_length(b"X\r\nl: 12\r\n\r\n"), Ok(12));
        assert_eq!(
            raw_content_length(b"X\r\nContent-Length : 3\r\nContent-Length: 3\r\n\r\n"),
            Ok(3)
        );
        assert_eq!(
            raw_content_length(b"X\r\nContent-Length: 3\r\nl: 4\r\n\r\n"),
            Err(FrameError::InvalidContentLength)
        );
        assert_eq!(
            raw_content_length(b"X\r\nl: -1\r\n\r\n"),
            Err(FrameError::InvalidContentLength)
        );
        assert_eq!(
            raw_content_length(b"X\r\nTo: a\r\n\r\n"),
            Err(FrameError::MissingContentLength)
        );
        // the start line is not a header, even if it looks like one
        assert_eq!(
            raw_content_length(b"l: 5\r\n\r\n"),
            Err(FrameError::MissingContentLength)
        );
    }
}
