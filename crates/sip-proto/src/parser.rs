//! The byte-level parser: finds the header section, splits and unfolds header
//! lines, parses the start line and delimits the body (RFC 3261 §7).

use std::ops::Range;

use crate::error::ParseError;
use crate::grammar::{is_token, parse_decimal, trim_lws};
use crate::message::{Headers, Method, StartLine};

/// A parsed start line and header section.
pub(crate) struct Head {
    pub(crate) start: StartLine,
    pub(crate) headers: Headers,
}

/// Searches for the empty line that ends a header section, looking at line
/// feeds from index `from` on. Returns the index just past it (where the body
/// starts). Accepts CRLF and bare LF line ends.
pub(crate) fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let tail = buf.get(from..)?;
    for off in memchr::memchr_iter(b'\n', tail) {
        let i = from + off;
        let before = |n: usize| i.checked_sub(n).and_then(|p| buf.get(p)).copied();
        match before(1) {
            Some(b'\n') => return Some(i + 1),
            Some(b'\r') if before(2) == Some(b'\n') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn bad_start(line: &str) -> ParseError {
    ParseError::InvalidStartLine(line.escape_debug().to_string())
}

/// Whether `s` has the shape `SIP/<digits>.<digits>` (any case).
fn looks_like_version(s: &str) -> bool {
    let Some(prefix) = s.get(..4) else {
        return false;
    };
    if !prefix.eq_ignore_ascii_case("SIP/") {
        return false;
    }
    let Some((major, minor)) = s.get(4..).and_then(|v| v.split_once('.')) else {
        return false;
    };
    parse_decimal::<u64>(major).is_some() && parse_decimal::<u64>(minor).is_some()
}

fn check_version(version: &str, line: &str) -> Result<(), ParseError> {
    if version.eq_ignore_ascii_case("SIP/2.0") {
        Ok(())
    } else if looks_like_version(version) {
        Err(ParseError::UnsupportedVersion(version.to_owned()))
    } else {
        Err(bad_start(line))
    }
}

/// Parses a Request-Line or Status-Line.
pub(crate) fn parse_start_line(line: &str) -> Result<StartLine, ParseError> {
    if line.is_empty() {
        return Err(ParseError::Empty);
    }
    let first = line.split(' ').next().unwrap_or_default();
    if first.len() >= 4
        && first
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("SIP/"))
    {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
        if line.chars().any(|c| c.is_control() && c != '\t') {
            return Err(bad_start(line));
        }
        check_version(first, line)?;
        let rest = line.get(first.len() + 1..).ok_or_else(|| bad_start(line))?;
        // A missing SP before an empty reason is tolerated (RFC 4475 §3.1.1.13).
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let valid_code = code.len() == 3
            && code.bytes().all(|b| b.is_ascii_digit())
            && (b'1'..=b'6').contains(&code.as_bytes().first().copied().unwrap_or(0));
        let code = if valid_code {
            parse_decimal::<u16>(code)
        } else {
            None
        }
        .ok_or_else(|| ParseError::InvalidStatusCode(code.to_owned()))?;
        return Ok(StartLine::Response {
            code,
            reason: reason.to_owned(),
        });
    }
    // Request-Line = Method SP Request-URI SP SIP-Version
    if line.chars().any(char::is_control) {
        return Err(bad_start(line));
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad_start(line));
    };
    if !is_token(method) || uri.is_empty() {
        return Err(bad_start(line));
    }
    check_version(version, line)?;
    Ok(StartLine::Request {
        method: Method::parse(method),
        uri: uri.to_owned(),
    })
}

/// Parses a start line and header section (`head` ends with the empty line,
/// or at the end of the last header line).
pub(crate) fn parse_head(head: &[u8]) -> Result<Head, ParseError> {
    let text = std::str::from_utf8(head).map_err(|_| ParseError::InvalidUtf8)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start_line = lines.next().unwrap_or_default();
    if start_line.contains('\r') {
        return Err(bad_start(start_line));
    }
    let start = parse_start_line(start_line)?;

    let mut headers = Headers::new();
    // (name, pieces of the value: first line remainder, then continuation lines)
    let mut current: Option<(&str, Vec<&str>)> = None;
    let flush = |current: &mut Option<(&str, Vec<&str>)>, headers: &mut Headers| {
        if let Some((name, pieces)) = current.take() {
            let value = pieces
                .iter()
                .map(|p| trim_lws(p))
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            headers.push(name, value);
        }
    };
    for line in lines {
        if line.is_empty() {
            break;
        }
        if line.contains('\r') {
            return Err(ParseError::InvalidHeaderLine(
                line.escape_debug().to_string(),
            ));
        }
        if line.starts_with([' ', '\t']) {
            match current.as_mut() {
                Some((_, pieces)) => pieces.push(line),
                None => {
                    return Err(ParseError::InvalidHeaderLine(format!(
                        "continuation line without a header: {}",
                        line.escape_debug()
                    )));
                }
            }
            continue;
        }
        flush(&mut current, &mut headers);
        let (name, value) = line.split_once(':').ok_or_else(|| {
            ParseError::InvalidHeaderLine(format!("no ':' in {}", line.escape_debug()))
        })?;
        let name = name.trim_end_matches([' ', '\t']);
        if !is_token(name) {
            return Err(ParseError::InvalidHeaderLine(format!(
                "invalid header name {}",
                name.escape_debug()
            )));
        }
        current = Some((name, vec![value]));
    }
    flush(&mut current, &mut headers);
    Ok(Head { start, headers })
}

/// The Content-Length of a header section: `None` if absent; an error if a
/// value is not a decimal number or if repeated values disagree.
pub(crate) fn content_length(headers: &Headers) -> Result<Option<usize>, ParseError> {
    let mut found = None;
    for value in headers.get_all("Content-Length") {
        let n = parse_decimal::<usize>(value)
            .ok_or_else(|| ParseError::InvalidContentLength(value.to_owned()))?;
        if found.is_some_and(|f| f != n) {
            return Err(ParseError::ConflictingHeader("Content-Length"));
        }
        found = Some(n);
    }
    Ok(found)
}

/// Parses one complete message: leading line breaks are skipped, the header
/// section must end with an empty line, and the body is the first
/// Content-Length bytes after it (all remaining bytes without Content-Length;
/// extra bytes after the body are ignored, RFC 3261 §18.3).
pub(crate) fn parse_message(input: &[u8]) -> Result<(Head, Range<usize>), ParseError> {
    let start = input
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .ok_or(ParseError::Empty)?;
    let head_end = find_head_end(input, start).ok_or(ParseError::UnterminatedHeaders)?;
    let head = parse_head(input.get(start..head_end).unwrap_or_default())?;
    let available = input.len() - head_end;
    let body_len = match content_length(&head.headers)? {
        Some(declared) if declared > available => {
            return Err(ParseError::ContentLengthMismatch {
                declared,
                actual: available,
            });
        }
        Some(declared) => declared,
        None => available,
    };
    Ok((head, head_end..head_end + body_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_end_detection() {
        assert_eq!(find_head_end(b"A\r\nB: c\r\n\r\nbody", 0), Some(11));
        assert_eq!(find_head_end(b"A\nB: c\n\nbody", 0), Some(8));
        assert_eq!(find_head_end(b"A\r\nB: c\r\n", 0), None);
        assert_eq!(find_head_end(b"A\r\nB: c\r\n\r", 0), None);
        assert_eq!(find_head_end(b"A\r\n\n", 0), Some(4));
    }

    #[test]
    fn start_lines() {
        assert!(matches!(
            parse_start_line("INVITE sip:a@b SIP/2.0"),
            Ok(StartLine::Request {
                method: Method::Invite,
                ..
            })
        ));
        assert_eq!(
            parse_start_line("SIP/2.0 180 Ringing").unwrap(),
            StartLine::Response {
                code: 180,
                reason: "Ringing".into()
            }
        );
        assert_eq!(
            parse_start_line("SIP/2.0 100").unwrap(),
            StartLine::Response {
                code: 100,
                reason: String::new()
            }
        );
        for (line, want) in [
            ("INVITE  sip:a@b SIP/2.0", "InvalidStartLine"),
            ("INVITE sip:a@b SIP/2.0 ", "InvalidStartLine"),
            ("INVITE sip:a@b", "InvalidStartLine"),
            ("INV ITE sip:a@b SIP/2.0", "InvalidStartLine"),
            ("INVITE sip:a@b HTTP/1.1", "InvalidStartLine"),
            ("INVITE sip:a@b SIP/7.0", "UnsupportedVersion"),
            ("SIP/1.0 200 OK", "UnsupportedVersion"),
            ("SIP/2.0 2000 OK", "InvalidStatusCode"),
            ("SIP/2.0 099 Low", "InvalidStatusCode"),
            ("SIP/2.0 700 High", "InvalidStatusCode"),
            ("SIP/2.0 20x OK", "InvalidStatusCode"),
            ("INVITE sip:a\0@b SIP/2.0", "InvalidStartLine"),
        ] {
            let got = format!("{:?}", parse_start_line(line).unwrap_err());
            assert!(got.starts_with(want), "{line:?}: {got}");
        }
    }
}
