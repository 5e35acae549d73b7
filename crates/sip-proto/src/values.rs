//! Typed header values: name-addr (From/To/Contact/Route), Via, CSeq,
//! Content-Type and the SIP Date.

use std::fmt;

use crate::error::ParseError;
use crate::grammar::{
    find_param, find_top_level, is_lws, is_token, parse_decimal, parse_generic_params, quote,
    split_top_level, trim_lws, unquote, write_params,
};
use crate::message::Method;
use crate::uri::{Uri, parse_hostport};

/// A `name-addr` or `addr-spec` with header parameters (From, To, Contact, Route…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name, unquoted and unescaped.
    pub display_name: Option<String>,
    /// The address.
    pub uri: Uri,
    /// Header parameters (`;tag=…`, `;expires=…`), as written.
    pub params: Vec<(String, Option<String>)>,
}

fn uri_error_reason(e: ParseError) -> String {
    match e {
        ParseError::InvalidUri { uri, reason } => format!("URI {uri:?}: {reason}"),
        other => other.to_string(),
    }
}

/// Parses a display name given as `*(token LWS)`, normalising LWS to one space.
fn token_display_name(s: &str) -> Result<Option<String>, String> {
    let words: Vec<&str> = s.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Ok(None);
    }
    if let Some(bad) = words.iter().find(|w| !is_token(w)) {
        return Err(format!(
            "display name word {bad:?} is neither a token nor quoted"
        ));
    }
    Ok(Some(words.join(" ")))
}

impl NameAddr {
    /// Parses `[display-name] <URI> *(;param)` or `URI *(;param)`.
    ///
    /// In the second (addr-spec) form the URI may not contain `?` or `,`, and
    /// semicolons after the host start header parameters (RFC 3261 §20.10).
    /// No white space is allowed inside `<...>` (RFC 4475 §3.1.2.14).
    pub fn parse(s: &str) -> Result<NameAddr, ParseError> {
        Self::parse_reason(s).map_err(|reason| ParseError::InvalidHeader {
            name: "name-addr".to_owned(),
            reason,
        })
    }

    /// Like [`NameAddr::parse`] but reports the bare reason.
    pub(crate) fn parse_reason(s: &str) -> Result<NameAddr, String> {
        let s = trim_lws(s);
        if s.is_empty() {
            return Err("empty address".to_owned());
        }
        let (display_name, after_display) = if s.starts_with('"') {
            let end = closing_quote(s)?;
            let raw = s.get(..end).unwrap_or_default();
            let name = unquote(raw).map_err(str::to_owned)?;
            let rest = trim_lws(s.get(end..).unwrap_or_default());
            if !rest.starts_with('<') {
                return Err("quoted display name not followed by <URI>".to_owned());
            }
            (Some(name), rest)
        } else if let Some(lt) = find_top_level(s, b'<').map_err(str::to_owned)? {
            let name = token_display_name(s.get(..lt).unwrap_or_default())?;
            (name, s.get(lt..).unwrap_or_default())
        } else {
            return Self::parse_addr_spec(s);
        };
        let inner_and_rest = after_display.get(1..).unwrap_or_default();
        let gt = inner_and_rest
            .find('>')
            .ok_or_else(|| "'<' without matching '>'".to_owned())?;
        let inner = inner_and_rest.get(..gt).unwrap_or_default();
        if inner.bytes().any(is_lws) {
            return Err(format!("white space inside <{inner}>"));
        }
        let uri = Uri::parse(inner).map_err(uri_error_reason)?;
        let params = parse_generic_params(inner_and_rest.get(gt + 1..).unwrap_or_default())?;
        Ok(NameAddr {
            display_name,
            uri,
            params,
        })
    }

    fn parse_addr_spec(s: &str) -> Result<NameAddr, String> {
        let search_from = s.find('@').unwrap_or(0);
        let split = s
            .get(search_from..)
            .and_then(|tail| tail.find(';'))
            .map_or(s.len(), |i| i + search_from);
        let uri_text = trim_lws(s.get(..split).unwrap_or_default());
        if uri_text.contains(['?', ',']) {
            return Err(format!(
                "URI {uri_text:?} contains '?' or ',' and must be enclosed in <>"
            ));
        }
        if uri_text.bytes().any(is_lws) {
            return Err(format!("white space inside URI {uri_text:?}"));
        }
        let uri = Uri::parse(uri_text).map_err(uri_error_reason)?;
        let params = parse_generic_params(s.get(split..).unwrap_or_default())?;
        Ok(NameAddr {
            display_name: None,
            uri,
            params,
        })
    }

    /// The `tag` parameter.
    pub fn tag(&self) -> Option<&str> {
        self.param("tag").flatten()
    }

    /// Looks a header parameter up by name (case-insensitive): `None` if absent,
    /// `Some(None)` if present without a value.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(&self.params, name)
    }
}

/// Index just past the closing quote of the quoted string starting at 0.
fn closing_quote(s: &str) -> Result<usize, String> {
    let bytes = s.as_bytes();
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err("unterminated quoted display name".to_owned())
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.display_name {
            write!(f, "{} ", quote(name))?;
        }
        write!(f, "<{}>", self.uri)?;
        write_params(f, &self.params)
    }
}

/// Parses a comma-separated list of name-addrs (Route, Record-Route…).
pub(crate) fn parse_name_addr_list(value: &str) -> Result<Vec<NameAddr>, String> {
    split_top_level(value, b',')
        .map_err(str::to_owned)?
        .into_iter()
        .map(NameAddr::parse_reason)
        .collect()
}

/// One Contact header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// `Contact: *` (remove all bindings, with `Expires: 0`).
    Star,
    /// An address with its parameters.
    Address(NameAddr),
}

impl Contact {
    /// The `expires` parameter, if present and a valid delta-seconds value.
    pub fn expires(&self) -> Option<u32> {
        match self {
            Contact::Star => None,
            Contact::Address(a) => a.param("expires").flatten().and_then(parse_decimal),
        }
    }
}

impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contact::Star => f.write_str("*"),
            Contact::Address(a) => a.fmt(f),
        }
    }
}

/// One Via header value (`SIP/2.0/transport host[:port];params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// The transport token as written (`UDP`, `TCP`, `TLS`, `WS`…).
    pub transport: String,
    /// The sent-by host (IPv6 references keep their brackets).
    pub host: String,
    /// The sent-by port.
    pub port: Option<u16>,
    /// Via parameters (`branch`, `received`, `rport`…), as written.
    pub params: Vec<(String, Option<String>)>,
}

/// Reads a token at the start of `s`, returning it and the rest.
fn take_token(s: &str) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|b| !crate::grammar::is_token_char(b))
        .unwrap_or(s.len());
    s.split_at(end)
}

/// Expects `SWS "/" SWS` at the start of `s`.
fn take_slash(s: &str) -> Result<&str, String> {
    trim_lws(s)
        .strip_prefix('/')
        .map(|r| r.trim_start_matches([' ', '\t']))
        .ok_or_else(|| "expected '/' in sent-protocol".to_owned())
}

impl Via {
    /// Parses one Via value. LWS is allowed around `/`, `;` and `=`.
    pub fn parse(s: &str) -> Result<Via, ParseError> {
        Self::parse_reason(s).map_err(|reason| crate::error::invalid_header("Via", reason))
    }

    pub(crate) fn parse_reason(s: &str) -> Result<Via, String> {
        let s = trim_lws(s);
        let (name, rest) = take_token(s);
        let rest = take_slash(rest)?;
        let (version, rest) = take_token(rest);
        if !name.eq_ignore_ascii_case("SIP") || version != "2.0" {
            return Err(format!("unsupported protocol {name}/{version}"));
        }
        let rest = take_slash(rest)?;
        let (transport, rest) = take_token(rest);
        if transport.is_empty() {
            return Err("missing transport".to_owned());
        }
        if !rest.starts_with([' ', '\t']) {
            return Err("expected white space before sent-by".to_owned());
        }
        let rest = trim_lws(rest);
        let (sent_by, params) = match rest.find(';') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let sent_by = trim_lws(sent_by);
        if sent_by.bytes().any(is_lws) {
            return Err(format!("white space inside sent-by {sent_by:?}"));
        }
        let (host, port) = parse_hostport(sent_by)?;
        let params = parse_generic_params(params)?;
        Ok(Via {
            transport: transport.to_owned(),
            host,
            port,
            params,
        })
    }

    /// The `branch` parameter.
    pub fn branch(&self) -> Option<&str> {
        self.param("branch").flatten()
    }

    /// Looks a Via parameter up by name (case-insensitive): `None` if absent,
    /// `Some(None)` if present without a value.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(&self.params, name)
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SIP/2.0/{} {}", self.transport, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        write_params(f, &self.params)
    }
}

/// Parses a comma-separated list of Via values.
pub(crate) fn parse_via_list(value: &str) -> Result<Vec<Via>, String> {
    split_top_level(value, b',')
        .map_err(str::to_owned)?
        .into_iter()
        .map(Via::parse_reason)
        .collect()
}

/// The CSeq header: sequence number and method.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CSeq {
    /// The sequence number.
    pub seq: u32,
    /// The method.
    pub method: Method,
}

impl CSeq {
    pub(crate) fn parse_reason(s: &str) -> Result<CSeq, String> {
        let mut words = s.split([' ', '\t']).filter(|w| !w.is_empty());
        let (Some(seq), Some(method), None) = (words.next(), words.next(), words.next()) else {
            return Err("expected '<number> <method>'".to_owned());
        };
        let seq = parse_decimal::<u32>(seq)
            .ok_or_else(|| format!("sequence number {seq:?} is not a 32-bit number"))?;
        if !is_token(method) {
            return Err(format!("invalid method {method:?}"));
        }
        Ok(CSeq {
            seq,
            method: Method::parse(method),
        })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

/// A Content-Type value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType {
    /// `type/subtype` in lower case.
    pub media_type: String,
    /// Parameters (`charset`, `boundary`…), as written.
    pub params: Vec<(String, Option<String>)>,
}

impl ContentType {
    pub(crate) fn parse_reason(s: &str) -> Result<ContentType, String> {
        let (media, params) = match find_top_level(s, b';').map_err(str::to_owned)? {
            Some(i) => s.split_at(i),
            None => (s, ""),
        };
        let (ty, sub) = media
            .split_once('/')
            .ok_or_else(|| format!("media type {media:?} has no '/'"))?;
        let (ty, sub) = (trim_lws(ty), trim_lws(sub));
        if !is_token(ty) || !is_token(sub) {
            return Err(format!("invalid media type {media:?}"));
        }
        Ok(ContentType {
            media_type: format!("{ty}/{sub}").to_ascii_lowercase(),
            params: parse_generic_params(params)?,
        })
    }

    /// Looks a parameter up by name (case-insensitive).
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(&self.params, name)
    }
}

impl fmt::Display for ContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.media_type)?;
        write_params(f, &self.params)
    }
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A SIP Date (RFC 3261 §20.17: RFC 1123 form, always GMT), as seconds since
/// the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SipDate {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix_secs: u64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl SipDate {
    /// Parses `Sat, 13 Nov 2010 23:29:00 GMT`. Only `GMT` is accepted as the
    /// zone (RFC 3261 §20.17, RFC 4475 §3.1.2.12).
    pub fn parse(s: &str) -> Result<SipDate, ParseError> {
        Self::parse_reason(s).map_err(|r| crate::error::invalid_header("Date", r))
    }

    pub(crate) fn parse_reason(s: &str) -> Result<SipDate, String> {
        let bad = || format!("{s:?} is not an RFC 1123 date");
        let (wkday, rest) = trim_lws(s).split_once(',').ok_or_else(bad)?;
        if !WEEKDAYS.contains(&wkday) {
            return Err(bad());
        }
        let words: Vec<&str> = rest.split(' ').filter(|w| !w.is_empty()).collect();
        let [day, month, year, time, zone] = words.as_slice() else {
            return Err(bad());
        };
        if *zone != "GMT" {
            return Err(format!("time zone {zone:?} is not GMT"));
        }
        let day: i64 = parse_decimal(day)
            .filter(|d| (1..=31).contains(d))
            .ok_or_else(bad)?;
        let month = MONTHS
            .iter()
            .position(|m| m == month)
            .and_then(|m| i64::try_from(m).ok())
            .ok_or_else(bad)?
            + 1;
        let year: i64 = parse_decimal(year)
            .filter(|y| (1970..=9999).contains(y))
            .ok_or_else(bad)?;
        let mut hms = time.split(':').map(parse_decimal::<i64>);
        let (Some(Some(h)), Some(Some(m)), Some(Some(sec)), None) =
            (hms.next(), hms.next(), hms.next(), hms.next())
        else {
            return Err(bad());
        };
        if h > 23 || m > 59 || sec > 60 {
            return Err(bad());
        }
        let days = days_from_civil(year, month, day);
        if civil_from_days(days) != (year, month, day) {
            return Err(format!("{s:?} is not a calendar date"));
        }
        let secs = days * 86_400 + h * 3600 + m * 60 + sec;
        Ok(SipDate {
            unix_secs: u64::try_from(secs).map_err(|_| bad())?,
        })
    }
}

impl fmt::Display for SipDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = i64::try_from(self.unix_secs / 86_400).unwrap_or(i64::MAX / 2);
        let secs = self.unix_secs % 86_400;
        let (y, m, d) = civil_from_days(days);
        let wkday = WEEKDAYS
            .get(usize::try_from(days.rem_euclid(7)).unwrap_or(0))
            .copied()
            .unwrap_or("Thu");
        let month = MONTHS
            .get(usize::try_from(m - 1).unwrap_or(0))
            .copied()
            .unwrap_or("Jan");
        write!(
            f,
            "{wkday}, {d:02} {month} {y} {:02}:{:02}:{:02} GMT",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_addr_forms() {
        let a = NameAddr::parse(
            r#""J Rosenberg \\\""       <sip:jdrosen@example.com> ; tag = 98asjd8"#,
        )
        .unwrap();
        assert_eq!(a.display_name.as_deref(), Some("J Rosenberg \\\""));
        assert_eq!(a.tag(), Some("98asjd8"));
        let a = NameAddr::parse("caller<sip:caller@example.com>;tag=323").unwrap();
        assert_eq!(a.display_name.as_deref(), Some("caller"));
        let a = NameAddr::parse("token1~` token2'+_  <sip:m@example.com>").unwrap();
        assert_eq!(a.display_name.as_deref(), Some("token1~` token2'+_"));
        let a = NameAddr::parse("sip:+19725552222@gw1.example.net;unknownparam").unwrap();
        assert!(a.uri.params.is_empty());
        assert_eq!(a.param("unknownparam"), Some(None));
        let a = NameAddr::parse("<sip:+19725552222@gw1.example.net;unknownparam>").unwrap();
        assert_eq!(a.uri.param("unknownparam"), Some(None));
        assert!(a.params.is_empty());
        let a = NameAddr::parse("isbn:2983792873").unwrap();
        assert_eq!(a.uri.scheme, "isbn");
    }

    #[test]
    fn name_addr_display_round_trips() {
        for s in [
            r#""A \"B\"" <sip:a@b.example>;tag=1;lr"#,
            "<sip:a@b.example;lr>",
            "<tel:+123;phone-context=x>;expires=60",
        ] {
            let a = NameAddr::parse(s).unwrap();
            assert_eq!(a.to_string(), s);
            assert_eq!(NameAddr::parse(&a.to_string()).unwrap(), a);
        }
        let a = NameAddr::parse("Bob <sip:bob@example.com>").unwrap();
        assert_eq!(a.to_string(), r#""Bob" <sip:bob@example.com>"#);
    }

    #[test]
    fn bad_name_addrs() {
        for bad in [
            "",
            r#""Mr. J. User <sip:j.user@example.com>"#,
            r#""Watson, Thomas" < sip:t.watson@example.org >"#,
            "Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            r#""Joe" <sip:joe@example.org>;;;;"#,
            "<sip:joe@example.org",
            r#""x" sip:joe@example.org"#,
        ] {
            assert!(NameAddr::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn via_with_odd_whitespace() {
        let v = Via::parse(
            "SIP  / 2.0  / TCP     spindle.example.com   ;\n  branch  =   z9hG4bK9ikj8  "
                .replace('\n', " ")
                .as_str(),
        )
        .unwrap();
        assert_eq!(v.transport, "TCP");
        assert_eq!(v.host, "spindle.example.com");
        assert_eq!(v.branch(), Some("z9hG4bK9ikj8"));
        let v = Via::parse("SIP/2.0/UDP [2001:db8::9:1]:5070;received=[2001:db8::9:255];rport")
            .unwrap();
        assert_eq!(v.host, "[2001:db8::9:1]");
        assert_eq!(v.port, Some(5070));
        assert_eq!(v.param("rport"), Some(None));
        assert_eq!(
            v.to_string(),
            "SIP/2.0/UDP [2001:db8::9:1]:5070;received=[2001:db8::9:255];rport"
        );
        for bad in [
            "SIP/2.0/UDP 192.0.2.15;;,;,,",
            "SIP/7.0/UDP host",
            "SIP/2.0/UDP",
            "SIP/2.0 UDP host",
            "SIP/2.0/UDPhost",
            "SIP/2.0/UDP ho st",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn cseq_and_content_type() {
        let c = CSeq::parse_reason("0009 INVITE").unwrap();
        assert_eq!((c.seq, c.method), (9, Method::Invite));
        assert!(CSeq::parse_reason("36893488147419103232 REGISTER").is_err());
        assert!(CSeq::parse_reason("1").is_err());
        assert!(CSeq::parse_reason("-1 INVITE").is_err());
        let ct = ContentType::parse_reason("Multipart/Mixed ;boundary=7a9cbec02ceef655").unwrap();
        assert_eq!(ct.media_type, "multipart/mixed");
        assert_eq!(ct.param("boundary"), Some(Some("7a9cbec02ceef655")));
        assert!(ContentType::parse_reason("text").is_err());
    }

    #[test]
    fn dates() {
        let d = SipDate::parse_reason("Sat, 15 Oct 2005 04:44:56 GMT").unwrap();
        assert_eq!(d.unix_secs, 1_129_351_496);
        assert_eq!(d.to_string(), "Sat, 15 Oct 2005 04:44:56 GMT");
        assert_eq!(
            SipDate { unix_secs: 0 }.to_string(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert!(SipDate::parse("Fri, 01 Jan 2010 16:00:00 EST").is_err());
        assert!(SipDate::parse("Fri, 31 Feb 2010 16:00:00 GMT").is_err());
        assert!(SipDate::parse("Fri 01 Jan 2010 16:00:00 GMT").is_err());
    }
}
