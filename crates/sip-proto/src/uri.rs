//! URIs as they appear in SIP: `sip:`/`sips:` (RFC 3261 §19.1), `tel:` (RFC 3966)
//! and any other scheme kept opaque.

use std::fmt;
use std::net::Ipv6Addr;

use crate::error::ParseError;
use crate::grammar::{Params, find_param, parse_decimal, write_params};

/// A parsed URI. Components are kept as written (escapes are not decoded), so
/// printing it gives back the original text (with the scheme in lower case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uri {
    /// The scheme in lower case: `sip`, `sips`, `tel`, or any other.
    pub scheme: String,
    /// The user part (sip/sips), as written, `%HH` escapes included.
    pub user: Option<String>,
    /// The password after `user:` (sip/sips), as written.
    pub password: Option<String>,
    /// The host (sip/sips; IPv6 references keep their brackets), the number
    /// (tel), or everything after the colon (other schemes).
    pub host: String,
    /// The port, if one is given.
    pub port: Option<u16>,
    /// URI parameters (`;name[=value]`), as written.
    pub params: Vec<(String, Option<String>)>,
    /// The raw header part after `?`, if any.
    pub headers: Option<String>,
}

fn err(uri: &str, reason: impl Into<String>) -> ParseError {
    ParseError::InvalidUri {
        uri: uri.to_owned(),
        reason: reason.into(),
    }
}

/// RFC 3261 `unreserved` = alphanum / mark.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// Checks that every byte is `%HH` or satisfies `allowed`.
fn check_escaped(s: &str, allowed: impl Fn(u8) -> bool) -> Result<(), String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex_ok = bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !hex_ok {
                return Err(format!("bad %-escape in {s:?}"));
            }
            i += 3;
        } else if allowed(b) {
            i += 1;
        } else {
            return Err(format!(
                "character {:?} not allowed in {s:?}",
                char::from(b)
            ));
        }
    }
    Ok(())
}

fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

/// Parses `host [":" port]` where host is a hostname, IPv4 address or IPv6 reference.
pub(crate) fn parse_hostport(s: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if s.starts_with('[') {
        let close = s.find(']').ok_or("IPv6 reference without ']'")?;
        let (host, rest) = s.split_at(close + 1);
        let inner = host.get(1..host.len() - 1).unwrap_or_default();
        if inner.parse::<Ipv6Addr>().is_err() {
            return Err(format!("invalid IPv6 address {inner:?}"));
        }
        match rest {
            "" => (host, None),
            _ => match rest.strip_prefix(':') {
                Some(p) => (host, Some(p)),
                None => return Err(format!("unexpected {rest:?} after IPv6 reference")),
            },
        }
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if host.is_empty() {
        return Err("empty host".to_owned());
    }
    if !host.starts_with('[')
        && !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        return Err(format!("invalid host {host:?}"));
    }
    let port = match port {
        Some(p) => Some(parse_decimal::<u16>(p).ok_or_else(|| format!("invalid port {p:?}"))?),
        None => None,
    };
    Ok((host.to_owned(), port))
}

/// Parses `*( ";" pname [ "=" pvalue ] )` of a SIP URI (`s` starts with `;` or is empty).
fn parse_uri_params(s: &str, allowed: impl Fn(u8) -> bool) -> Result<Params, String> {
    let Some(rest) = s.strip_prefix(';') else {
        return if s.is_empty() {
            Ok(Vec::new())
        } else {
            Err(format!("unexpected {s:?}"))
        };
    };
    let mut params = Vec::new();
    for piece in rest.split(';') {
        let (name, value) = match piece.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (piece, None),
        };
        if name.is_empty() {
            return Err("empty URI parameter".to_owned());
        }
        check_escaped(name, &allowed)?;
        if let Some(v) = value {
            if v.is_empty() {
                return Err(format!("empty value for URI parameter {name:?}"));
            }
            check_escaped(v, &allowed)?;
        }
        params.push((name.to_owned(), value.map(str::to_owned)));
    }
    Ok(params)
}

impl Uri {
    /// Parses a URI. `sip`/`sips` URIs are parsed per RFC 3261 §19.1, `tel`
    /// URIs into number and parameters; other schemes are accepted as opaque
    /// (everything after the colon goes to `host`).
    pub fn parse(s: &str) -> Result<Uri, ParseError> {
        let (scheme, rest) = s.split_once(':').ok_or_else(|| err(s, "no scheme"))?;
        if !is_scheme(scheme) {
            return Err(err(s, "invalid scheme"));
        }
        if rest.is_empty() {
            return Err(err(s, "nothing after the scheme"));
        }
        if rest
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
        {
            return Err(err(
                s,
                "white space, control characters, '<', '>' or '\"' in URI",
            ));
        }
        let scheme = scheme.to_ascii_lowercase();
        match scheme.as_str() {
            "sip" | "sips" => Self::parse_sip(s, scheme, rest),
            "tel" => {
                let (number, params) = match rest.find(';') {
                    Some(i) => rest.split_at(i),
                    None => (rest, ""),
                };
                if number.is_empty() {
                    return Err(err(s, "empty telephone number"));
                }
                check_escaped(number, |b| {
                    b.is_ascii_alphanumeric() || b"+-.()*#".contains(&b)
                })
                .map_err(|r| err(s, r))?;
                let params =
                    parse_uri_params(params, |b| is_unreserved(b) || b"[]/:&+$".contains(&b))
                        .map_err(|r| err(s, r))?;
                Ok(Uri {
                    scheme,
                    user: None,
                    password: None,
                    host: number.to_owned(),
                    port: None,
                    params,
                    headers: None,
                })
            }
            _ => Ok(Uri {
                scheme,
                user: None,
                password: None,
                host: rest.to_owned(),
                port: None,
                params: Vec::new(),
                headers: None,
            }),
        }
    }

    fn parse_sip(s: &str, scheme: String, rest: &str) -> Result<Uri, ParseError> {
        // '@' cannot appear unescaped after the userinfo, so the first one ends it.
        let (userinfo, hostpart) = match rest.split_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (user, password) = match userinfo {
            Some(u) => {
                let (user, password) = match u.split_once(':') {
                    Some((user, pw)) => (user, Some(pw)),
                    None => (u, None),
                };
                if user.is_empty() {
                    return Err(err(s, "empty user part"));
                }
                check_escaped(user, |b| is_unreserved(b) || b"&=+$,;?/".contains(&b))
                    .map_err(|r| err(s, r))?;
                if let Some(pw) = password {
                    check_escaped(pw, |b| is_unreserved(b) || b"&=+$,".contains(&b))
                        .map_err(|r| err(s, r))?;
                }
                (Some(user.to_owned()), password.map(str::to_owned))
            }
            None => (None, None),
        };
        let (hostpart, headers) = match hostpart.split_once('?') {
            Some((h, hdrs)) => {
                if hdrs.is_empty() {
                    return Err(err(s, "empty header part after '?'"));
                }
                check_escaped(hdrs, |b| is_unreserved(b) || b"[]/?:+$=&".contains(&b))
                    .map_err(|r| err(s, r))?;
                (h, Some(hdrs.to_owned()))
            }
            None => (hostpart, None),
        };
        let (hostport, params) = match hostpart.find(';') {
            Some(i) => hostpart.split_at(i),
            None => (hostpart, ""),
        };
        let (host, port) = parse_hostport(hostport).map_err(|r| err(s, r))?;
        let params = parse_uri_params(params, |b| is_unreserved(b) || b"[]/:&+$".contains(&b))
            .map_err(|r| err(s, r))?;
        Ok(Uri {
            scheme,
            user,
            password,
            host,
            port,
            params,
            headers,
        })
    }

    /// Looks a URI parameter up by name (case-insensitive): `None` if absent,
    /// `Some(None)` if present without a value.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        find_param(&self.params, name)
    }

    /// Whether the scheme is `sip` or `sips`.
    pub fn is_sip(&self) -> bool {
        self.scheme == "sip" || self.scheme == "sips"
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.scheme)?;
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if let Some(pw) = &self.password {
                write!(f, ":{pw}")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        write_params(f, &self.params)?;
        if let Some(h) = &self.headers {
            write!(f, "?{h}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Uri {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Uri, ParseError> {
        Uri::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) -> Uri {
        let uri = Uri::parse(s).unwrap();
        assert_eq!(uri.to_string(), s, "display of {s}");
        uri
    }

    #[test]
    fn sip_uri_components() {
        let u = round_trip("sip:alice:secret@example.com:5070;transport=tcp;lr?subject=hi&x=y");
        assert_eq!(u.scheme, "sip");
        assert_eq!(u.user.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("secret"));
        assert_eq!(u.host, "example.com");
        assert_eq!(u.port, Some(5070));
        assert_eq!(u.param("TRANSPORT"), Some(Some("tcp")));
        assert_eq!(u.param("lr"), Some(None));
        assert_eq!(u.headers.as_deref(), Some("subject=hi&x=y"));
    }

    #[test]
    fn unusual_but_legal_sip_uris() {
        let u = round_trip(
            "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
        );
        assert_eq!(
            u.user.as_deref(),
            Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        );
        assert_eq!(
            u.password.as_deref(),
            Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        );
        let u = round_trip("sip:user;par=u%40example.net@example.com");
        assert_eq!(u.user.as_deref(), Some("user;par=u%40example.net"));
        let u = round_trip("sips:[2001:db8::10]:5061;maddr=[2001:db8::1]");
        assert_eq!(u.host, "[2001:db8::10]");
        assert_eq!(u.port, Some(5061));
        round_trip("sip:%00%00@host5.example.com");
        round_trip("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    }

    #[test]
    fn tel_and_opaque_schemes() {
        let u = round_trip("tel:+1-201-555-0123;phone-context=example.com");
        assert_eq!(u.host, "+1-201-555-0123");
        assert_eq!(u.param("phone-context"), Some(Some("example.com")));
        let u = round_trip("soap.beep://192.0.2.103:3002");
        assert_eq!(u.scheme, "soap.beep");
        assert_eq!(u.host, "//192.0.2.103:3002");
        assert_eq!(
            Uri::parse("SIP:Example.com").unwrap().to_string(),
            "sip:Example.com"
        );
    }

    #[test]
    fn malformed_uris_are_rejected() {
        for bad in [
            "example.com",
            "sip:",
            "sip:@example.com",
            "sip:user@",
            "sip:user@exa mple.com",
            "sip:user@example.com:99999",
            "sip:user@example.com:5x",
            "sip:us%zzer@example.com",
            "sip:2001:db8::10",
            "sip:[2001:db8::zz]",
            "sip:host;;lr",
            "sip:host;a=",
            "sip:host?",
            "<sip:user@example.com>",
            "1sip:x",
            "tel:",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
