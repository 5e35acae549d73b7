//! The SIP message model: methods, start line, ordered headers, typed header
//! accessors, validation and the printer.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use crate::digest::{DigestChallenge, DigestCredentials};
use crate::error::{ParseError, invalid_header};
use crate::grammar::{parse_decimal, split_top_level, trim_lws};
use crate::parser::{content_length, parse_message};
use crate::uri::Uri;
use crate::values::parse_via_list;

pub use crate::values::{CSeq, Contact, ContentType, NameAddr, SipDate, Via};

/// A SIP method. Parsing is case-sensitive (RFC 3261 §7.1): `invite` is an
/// unknown method, not INVITE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// REGISTER (RFC 3261).
    Register,
    /// INVITE (RFC 3261).
    Invite,
    /// ACK (RFC 3261).
    Ack,
    /// BYE (RFC 3261).
    Bye,
    /// CANCEL (RFC 3261).
    Cancel,
    /// OPTIONS (RFC 3261).
    Options,
    /// INFO (RFC 6086).
    Info,
    /// NOTIFY (RFC 6665).
    Notify,
    /// SUBSCRIBE (RFC 6665).
    Subscribe,
    /// MESSAGE (RFC 3428).
    Message,
    /// UPDATE (RFC 3311).
    Update,
    /// PRACK (RFC 3262).
    Prack,
    /// REFER (RFC 3515).
    Refer,
    /// PUBLISH (RFC 3903).
    Publish,
    /// Any other method token, as written.
    Other(String),
}

impl Method {
    /// The method token.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Register => "REGISTER",
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Notify => "NOTIFY",
            Method::Subscribe => "SUBSCRIBE",
            Method::Message => "MESSAGE",
            Method::Update => "UPDATE",
            Method::Prack => "PRACK",
            Method::Refer => "REFER",
            Method::Publish => "PUBLISH",
            Method::Other(s) => s,
        }
    }

    /// Maps a method token to a [`Method`] (case-sensitive).
    pub fn parse(token: &str) -> Method {
        match token {
            "REGISTER" => Method::Register,
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "OPTIONS" => Method::Options,
            "INFO" => Method::Info,
            "NOTIFY" => Method::Notify,
            "SUBSCRIBE" => Method::Subscribe,
            "MESSAGE" => Method::Message,
            "UPDATE" => Method::Update,
            "PRACK" => Method::Prack,
            "REFER" => Method::Refer,
            "PUBLISH" => Method::Publish,
            other => Method::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first line of a message. The version is always SIP/2.0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `METHOD Request-URI SIP/2.0`
    Request {
        /// The method.
        method: Method,
        /// The Request-URI as received.
        uri: String,
    },
    /// `SIP/2.0 code reason`
    Response {
        /// The status code (100–699).
        code: u16,
        /// The reason phrase (may be empty).
        reason: String,
    },
}

/// One header line: the name exactly as received, the value with surrounding
/// white space trimmed and folded lines joined by one space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The header name as received (`Via`, `v`, `VIA`…).
    pub name: String,
    /// The unfolded, trimmed value.
    pub value: String,
}

/// The full name of a compact header name (RFC 3261 §7.3.3 and extensions).
fn expand_compact(name: &str) -> &str {
    match name.as_bytes() {
        [b] => match b.to_ascii_lowercase() {
            b'i' => "Call-ID",
            b'f' => "From",
            b't' => "To",
            b'v' => "Via",
            b'm' => "Contact",
            b'l' => "Content-Length",
            b'c' => "Content-Type",
            b'k' => "Supported",
            b'e' => "Content-Encoding",
            b's' => "Subject",
            b'o' => "Event",
            b'r' => "Refer-To",
            b'u' => "Allow-Events",
            _ => name,
        },
        _ => name,
    }
}

/// Whether two header names denote the same header (case-insensitive,
/// compact forms equal to their long forms).
pub(crate) fn names_match(a: &str, b: &str) -> bool {
    expand_compact(a).eq_ignore_ascii_case(expand_compact(b))
}

/// The header lines of a message, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    list: Vec<Header>,
}

impl Headers {
    /// An empty header list.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// The value of the first header with this name (case-insensitive,
    /// compact forms equivalent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|h| names_match(&h.name, name))
            .map(|h| h.value.as_str())
    }

    /// The values of all header lines with this name, in order. Values are not
    /// split on commas.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.list
            .iter()
            .filter(move |h| names_match(&h.name, name))
            .map(|h| h.value.as_str())
    }

    /// Whether a header with this name is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Appends a header line.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.list.push(Header {
            name: name.into(),
            value: value.into(),
        });
    }

    /// Replaces all headers with this name by one `name: value` line, at the
    /// position of the first of them (appended if there was none).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let header = Header {
            name: name.to_owned(),
            value: value.into(),
        };
        match self.list.iter().position(|h| names_match(&h.name, name)) {
            Some(first) => {
                self.list.retain(|h| !names_match(&h.name, name));
                self.list.insert(first, header);
            }
            None => self.list.push(header),
        }
    }

    /// Removes all headers with this name.
    pub fn remove(&mut self, name: &str) {
        self.list.retain(|h| !names_match(&h.name, name));
    }

    /// All header lines in order.
    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.list.iter()
    }

    /// The number of header lines.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are no header lines.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// A SIP request or response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipMessage {
    /// The request or status line.
    pub start: StartLine,
    /// The header lines in order.
    pub headers: Headers,
    /// The body (empty if none).
    pub body: Bytes,
}

/// Headers a request cannot do without (RFC 3261 §8.1.1; Max-Forwards is
/// not required here, for leniency towards RFC 2543 peers).
const REQUIRED: [&str; 5] = ["To", "From", "Call-ID", "CSeq", "Via"];
/// Headers that may appear only once (repeats must carry the same value).
const SINGLE: [&str; 4] = ["Call-ID", "CSeq", "From", "To"];

impl SipMessage {
    /// Parses one complete message (a datagram, or one framed by [`crate::Framer`])
    /// and validates it (see [`SipMessage::validate`]).
    ///
    /// Line breaks before the start line are skipped. The body is the first
    /// Content-Length bytes after the empty line (or all remaining bytes when
    /// there is no Content-Length). Fewer bytes than Content-Length is an
    /// error; bytes beyond it are ignored (RFC 3261 §18.3).
    pub fn parse(input: &[u8]) -> Result<SipMessage, ParseError> {
        let message = Self::parse_unvalidated(input)?;
        message.validate()?;
        Ok(message)
    }

    /// Parses the syntax of a message (start line, header lines, Content-Length,
    /// body) without [`SipMessage::validate`]. A server uses this to answer an
    /// invalid request with an error response built from its headers.
    pub fn parse_unvalidated(input: &[u8]) -> Result<SipMessage, ParseError> {
        let (head, body) = parse_message(input)?;
        Ok(SipMessage {
            start: head.start,
            headers: head.headers,
            body: Bytes::copy_from_slice(input.get(body).unwrap_or_default()),
        })
    }

    /// Like [`SipMessage::parse_unvalidated`], sharing the body with `input`.
    pub(crate) fn parse_bytes_unvalidated(input: &Bytes) -> Result<SipMessage, ParseError> {
        let (head, body) = parse_message(input)?;
        Ok(SipMessage {
            start: head.start,
            headers: head.headers,
            body: input.slice(body),
        })
    }

    /// Checks what a SIP element needs to rely on: for requests, a valid
    /// SIP/SIPS Request-URI without headers and the presence of To, From,
    /// Call-ID, CSeq and Via; for all messages, that Call-ID, CSeq, From and
    /// To are not repeated with different values and that they and every Via
    /// value parse; for requests, that the CSeq method matches the request
    /// method. Errors come in that order.
    pub fn validate(&self) -> Result<(), ParseError> {
        if let StartLine::Request { uri, .. } = &self.start {
            let parsed = Uri::parse(uri).map_err(|e| ParseError::InvalidRequestUri {
                uri: uri.clone(),
                reason: match e {
                    ParseError::InvalidUri { reason, .. } => reason,
                    other => other.to_string(),
                },
            })?;
            if parsed.is_sip() && parsed.headers.is_some() {
                return Err(ParseError::InvalidRequestUri {
                    uri: uri.clone(),
                    reason: "headers are not allowed in a Request-URI (RFC 3261 §19.1.1)"
                        .to_owned(),
                });
            }
            if let Some(missing) = REQUIRED.iter().find(|n| !self.headers.contains(n)) {
                return Err(ParseError::MissingHeader(missing));
            }
        }
        for name in SINGLE {
            let mut values = self.headers.get_all(name);
            if let Some(first) = values.next() {
                if values.any(|v| v != first) {
                    return Err(ParseError::ConflictingHeader(name));
                }
            }
        }
        if self.headers.contains("Call-ID") {
            self.call_id()?;
        }
        let cseq = if self.headers.contains("CSeq") {
            Some(self.cseq()?)
        } else {
            None
        };
        if self.headers.contains("From") {
            self.from_header()?;
        }
        if self.headers.contains("To") {
            self.to_header()?;
        }
        self.vias()?;
        if let (StartLine::Request { method, .. }, Some(cseq)) = (&self.start, cseq) {
            if cseq.method != *method {
                return Err(ParseError::CSeqMethodMismatch {
                    request: method.to_string(),
                    cseq: cseq.method.to_string(),
                });
            }
        }
        Ok(())
    }

    /// A request with no headers and an empty body.
    pub fn request(method: Method, uri: impl Into<String>) -> SipMessage {
        SipMessage {
            start: StartLine::Request {
                method,
                uri: uri.into(),
            },
            headers: Headers::new(),
            body: Bytes::new(),
        }
    }

    /// A response to `request`: copies all Via values (in order), From, To,
    /// Call-ID and CSeq, and sets `Content-Length: 0`. Adding a To tag is up
    /// to the caller.
    pub fn response_to(request: &SipMessage, code: u16, reason: &str) -> SipMessage {
        let mut headers = Headers::new();
        for via in request.headers.get_all("Via") {
            headers.push("Via", via);
        }
        for name in ["From", "To", "Call-ID", "CSeq"] {
            if let Some(value) = request.headers.get(name) {
                headers.push(name, value);
            }
        }
        headers.push("Content-Length", "0");
        SipMessage {
            start: StartLine::Response {
                code,
                reason: reason.to_owned(),
            },
            headers,
            body: Bytes::new(),
        }
    }

    /// Prints the message. A Content-Length equal to the body length is always
    /// printed: Content-Length headers stay in place (with their value
    /// rewritten if it does not match), and one is appended if there was none.
    /// So a parsed message that carries Content-Length prints back to bytes
    /// that parse to an equal message.
    pub fn write_to(&self, out: &mut BytesMut) {
        let body_len = self.body.len();
        match &self.start {
            StartLine::Request { method, uri } => {
                put_all(out, &[method.as_str(), " ", uri, " SIP/2.0\r\n"]);
            }
            StartLine::Response { code, reason } => {
                put_all(out, &["SIP/2.0 ", &code.to_string(), " ", reason, "\r\n"]);
            }
        }
        let mut wrote_length = false;
        for h in &self.headers {
            if names_match(&h.name, "Content-Length") {
                wrote_length = true;
                if parse_decimal::<usize>(&h.value) != Some(body_len) {
                    put_all(out, &[&h.name, ": ", &body_len.to_string(), "\r\n"]);
                    continue;
                }
            }
            if h.value.is_empty() {
                put_all(out, &[&h.name, ":\r\n"]);
            } else {
                put_all(out, &[&h.name, ": ", &h.value, "\r\n"]);
            }
        }
        if !wrote_length {
            put_all(out, &["Content-Length: ", &body_len.to_string(), "\r\n"]);
        }
        out.put_slice(b"\r\n");
        out.put_slice(&self.body);
    }

    /// The printed message (see [`SipMessage::write_to`]).
    pub fn to_bytes(&self) -> Bytes {
        let mut out = BytesMut::with_capacity(256 + self.body.len());
        self.write_to(&mut out);
        out.freeze()
    }

    /// Sets the body with its Content-Type and Content-Length.
    pub fn set_body(&mut self, content_type: &str, body: Bytes) {
        self.headers.set("Content-Type", content_type);
        self.headers.set("Content-Length", body.len().to_string());
        self.body = body;
    }

    /// Whether this is a request.
    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    /// The request method (`None` for responses).
    pub fn method(&self) -> Option<&Method> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The status code (`None` for requests).
    pub fn status_code(&self) -> Option<u16> {
        match &self.start {
            StartLine::Response { code, .. } => Some(*code),
            StartLine::Request { .. } => None,
        }
    }

    /// The parsed Request-URI. Errors: [`ParseError::NotARequest`],
    /// [`ParseError::InvalidRequestUri`], and [`ParseError::UnsupportedUriScheme`]
    /// (answer 416) for schemes other than sip, sips and tel.
    pub fn request_uri(&self) -> Result<Uri, ParseError> {
        let StartLine::Request { uri, .. } = &self.start else {
            return Err(ParseError::NotARequest);
        };
        let parsed = Uri::parse(uri).map_err(|e| ParseError::InvalidRequestUri {
            uri: uri.clone(),
            reason: e.to_string(),
        })?;
        match parsed.scheme.as_str() {
            "sip" | "sips" | "tel" => Ok(parsed),
            other => Err(ParseError::UnsupportedUriScheme(other.to_owned())),
        }
    }

    fn required(&self, name: &'static str) -> Result<&str, ParseError> {
        self.headers
            .get(name)
            .ok_or(ParseError::MissingHeader(name))
    }

    /// The Call-ID (a non-empty word without white space).
    pub fn call_id(&self) -> Result<&str, ParseError> {
        let value = self.required("Call-ID")?;
        if value.is_empty() || value.contains([' ', '\t']) {
            return Err(invalid_header("Call-ID", "empty or contains white space"));
        }
        Ok(value)
    }

    /// The CSeq header.
    pub fn cseq(&self) -> Result<CSeq, ParseError> {
        CSeq::parse_reason(self.required("CSeq")?).map_err(|r| invalid_header("CSeq", r))
    }

    /// The From header.
    pub fn from_header(&self) -> Result<NameAddr, ParseError> {
        NameAddr::parse_reason(self.required("From")?).map_err(|r| invalid_header("From", r))
    }

    /// The To header.
    pub fn to_header(&self) -> Result<NameAddr, ParseError> {
        NameAddr::parse_reason(self.required("To")?).map_err(|r| invalid_header("To", r))
    }

    /// All Via values, top first, split on commas across all Via lines.
    pub fn vias(&self) -> Result<Vec<Via>, ParseError> {
        let mut vias = Vec::new();
        for line in self.headers.get_all("Via") {
            vias.extend(parse_via_list(line).map_err(|r| invalid_header("Via", r))?);
        }
        Ok(vias)
    }

    /// The topmost Via value.
    pub fn top_via(&self) -> Result<Via, ParseError> {
        let line = self.required("Via")?;
        let first = split_top_level(line, b',')
            .map_err(|r| invalid_header("Via", r))?
            .into_iter()
            .next()
            .unwrap_or_default();
        Via::parse_reason(first).map_err(|r| invalid_header("Via", r))
    }

    /// All Contact values across all Contact lines. `*` must stand alone.
    pub fn contacts(&self) -> Result<Vec<Contact>, ParseError> {
        let mut contacts = Vec::new();
        for line in self.headers.get_all("Contact") {
            if trim_lws(line) == "*" {
                contacts.push(Contact::Star);
                continue;
            }
            for part in split_top_level(line, b',').map_err(|r| invalid_header("Contact", r))? {
                let addr =
                    NameAddr::parse_reason(part).map_err(|r| invalid_header("Contact", r))?;
                contacts.push(Contact::Address(addr));
            }
        }
        if contacts.len() > 1 && contacts.contains(&Contact::Star) {
            return Err(invalid_header("Contact", "'*' must be the only Contact"));
        }
        Ok(contacts)
    }

    fn delta_seconds(&self, name: &'static str, max: u32) -> Result<Option<u32>, ParseError> {
        let Some(value) = self.headers.get(name) else {
            return Ok(None);
        };
        parse_decimal::<u32>(value)
            .filter(|v| *v <= max)
            .map(Some)
            .ok_or_else(|| invalid_header(name, format!("{value:?} is not a number in 0..={max}")))
    }

    /// The Expires header (delta-seconds).
    pub fn expires(&self) -> Result<Option<u32>, ParseError> {
        self.delta_seconds("Expires", u32::MAX)
    }

    /// The Max-Forwards header (0–255).
    pub fn max_forwards(&self) -> Result<Option<u32>, ParseError> {
        self.delta_seconds("Max-Forwards", 255)
    }

    /// The Content-Length header (`InvalidContentLength`/`ConflictingHeader` if bad).
    pub fn content_length(&self) -> Result<Option<usize>, ParseError> {
        content_length(&self.headers)
    }

    /// The Content-Type header.
    pub fn content_type(&self) -> Result<Option<ContentType>, ParseError> {
        self.headers
            .get("Content-Type")
            .map(|v| ContentType::parse_reason(v).map_err(|r| invalid_header("Content-Type", r)))
            .transpose()
    }

    /// The credentials of the first Authorization header using the Digest
    /// scheme; headers with other schemes are ignored (RFC 4475 §3.3.7).
    pub fn authorization(&self) -> Result<Option<DigestCredentials>, ParseError> {
        for value in self.headers.get_all("Authorization") {
            if let Some(creds) =
                DigestCredentials::parse(value).map_err(|r| invalid_header("Authorization", r))?
            {
                return Ok(Some(creds));
            }
        }
        Ok(None)
    }

    /// The first Digest challenge of the WWW-Authenticate headers.
    pub fn www_authenticate(&self) -> Result<Option<DigestChallenge>, ParseError> {
        for value in self.headers.get_all("WWW-Authenticate") {
            if let Some(challenge) =
                DigestChallenge::parse(value).map_err(|r| invalid_header("WWW-Authenticate", r))?
            {
                return Ok(Some(challenge));
            }
        }
        Ok(None)
    }

    fn name_addrs(&self, name: &'static str) -> Result<Vec<NameAddr>, ParseError> {
        let mut all = Vec::new();
        for line in self.headers.get_all(name) {
            all.extend(
                crate::values::parse_name_addr_list(line).map_err(|r| invalid_header(name, r))?,
            );
        }
        Ok(all)
    }

    /// All Record-Route values in order.
    pub fn record_routes(&self) -> Result<Vec<NameAddr>, ParseError> {
        self.name_addrs("Record-Route")
    }

    /// All Route values in order.
    pub fn routes(&self) -> Result<Vec<NameAddr>, ParseError> {
        self.name_addrs("Route")
    }

    fn tokens<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .get_all(name)
            .flat_map(|v| v.split(','))
            .map(trim_lws)
            .filter(|t| !t.is_empty())
    }

    /// The methods listed in Allow headers.
    pub fn allow(&self) -> Vec<Method> {
        self.tokens("Allow").map(Method::parse).collect()
    }

    /// The option tags listed in Supported headers.
    pub fn supported(&self) -> Vec<String> {
        self.tokens("Supported").map(str::to_owned).collect()
    }

    /// The option tags listed in Require headers.
    pub fn require(&self) -> Vec<String> {
        self.tokens("Require").map(str::to_owned).collect()
    }

    /// The User-Agent header.
    pub fn user_agent(&self) -> Option<&str> {
        self.headers.get("User-Agent")
    }

    /// The Date header (must be an RFC 1123 date in GMT).
    pub fn date(&self) -> Result<Option<SipDate>, ParseError> {
        self.headers
            .get("Date")
            .map(|v| SipDate::parse_reason(v).map_err(|r| invalid_header("Date", r)))
            .transpose()
    }
}

fn put_all(out: &mut BytesMut, parts: &[&str]) {
    for p in parts {
        out.put_slice(p.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_names_match_long_names() {
        for (short, long) in [
            ("i", "Call-ID"),
            ("F", "from"),
            ("t", "TO"),
            ("v", "Via"),
            ("m", "Contact"),
            ("l", "Content-Length"),
            ("c", "Content-Type"),
            ("k", "Supported"),
            ("e", "Content-Encoding"),
            ("s", "Subject"),
            ("o", "Event"),
            ("r", "Refer-To"),
            ("u", "Allow-Events"),
        ] {
            assert!(names_match(short, long), "{short} vs {long}");
        }
        assert!(!names_match("x", "Via"));
        assert!(!names_match("Vias", "Via"));
    }

    #[test]
    fn headers_set_and_remove() {
        let mut h = Headers::new();
        h.push("Via", "a");
        h.push("To", "t");
        h.push("v", "b");
        h.push("Via", "c");
        h.set("VIA", "z");
        assert_eq!(
            h.iter().map(|x| x.value.as_str()).collect::<Vec<_>>(),
            ["z", "t"]
        );
        assert_eq!(h.iter().next().map(|x| x.name.as_str()), Some("VIA"));
        h.set("Contact", "<sip:x>");
        assert_eq!(h.len(), 3);
        h.remove("m");
        assert_eq!(h.len(), 2);
        assert!(!h.contains("Contact"));
        h.remove("to");
        h.remove("via");
        assert!(h.is_empty());
    }

    #[test]
    fn methods() {
        assert_eq!(Method::parse("INVITE"), Method::Invite);
        assert_eq!(Method::parse("invite"), Method::Other("invite".into()));
        for m in [
            "REGISTER",
            "ACK",
            "BYE",
            "CANCEL",
            "OPTIONS",
            "INFO",
            "NOTIFY",
            "SUBSCRIBE",
            "MESSAGE",
            "UPDATE",
            "PRACK",
            "REFER",
            "PUBLISH",
            "X-Y",
        ] {
            assert_eq!(Method::parse(m).as_str(), m);
            assert_eq!(Method::parse(m).to_string(), m);
        }
    }
}
