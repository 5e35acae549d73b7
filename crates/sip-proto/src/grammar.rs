//! Lexical helpers shared by the parsers: RFC 3261 §25.1 character classes,
//! quoted strings, top-level splitting and generic parameter lists.

/// A parameter list: names as written, values as written (quoted strings keep their quotes).
pub(crate) type Params = Vec<(String, Option<String>)>;

/// `token` characters (RFC 3261 §25.1).
pub(crate) fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// Whether `s` is a non-empty `token`.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// Linear white space inside an (already unfolded) header value.
pub(crate) fn is_lws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Trims spaces and tabs (not other Unicode white space) from both ends.
pub(crate) fn trim_lws(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// Index just past the quoted string that starts at `start` (which must be `"`).
fn quoted_end(bytes: &[u8], start: usize) -> Result<usize, &'static str> {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err("unterminated quoted string")
}

/// Splits `s` at every `sep` that is outside quoted strings and `<...>`.
pub(crate) fn split_top_level(s: &str, sep: u8) -> Result<Vec<&str>, &'static str> {
    let bytes = s.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'"' {
            i = quoted_end(bytes, i)?;
            continue;
        }
        if b == b'<' {
            match memchr::memchr(b'>', bytes.get(i..).unwrap_or_default()) {
                Some(off) => i += off + 1,
                None => return Err("'<' without matching '>'"),
            }
            continue;
        }
        if b == sep {
            parts.push(s.get(start..i).unwrap_or_default());
            start = i + 1;
        }
        i += 1;
    }
    parts.push(s.get(start..).unwrap_or_default());
    Ok(parts)
}

/// Position of the first `target` outside quoted strings, if any.
pub(crate) fn find_top_level(s: &str, target: u8) -> Result<Option<usize>, &'static str> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'"' {
            i = quoted_end(bytes, i)?;
            continue;
        }
        if b == target {
            return Ok(Some(i));
        }
        i += 1;
    }
    Ok(None)
}

/// Removes the quotes and quoted-pair escapes of a complete quoted string.
pub(crate) fn unquote(raw: &str) -> Result<String, &'static str> {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or("not a quoted string")?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) if escaped != '\r' && escaped != '\n' => out.push(escaped),
                _ => return Err("invalid quoted-pair"),
            },
            '"' => return Err("unescaped '\"' inside quoted string"),
            '\r' | '\n' => return Err("line break inside quoted string"),
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// Writes `s` as a quoted string, escaping `"`, `\` and control characters.
/// CR and LF cannot be escaped in SIP and are written as spaces.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii_control() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` is one complete quoted string.
fn is_quoted_string(s: &str) -> bool {
    s.starts_with('"') && quoted_end(s.as_bytes(), 0) == Ok(s.len()) && unquote(s).is_ok()
}

/// Characters accepted in an unquoted generic parameter value: `token`
/// plus what a `host` adds (`[`, `]` and `:` of IPv6 references).
fn is_gen_value_char(b: u8) -> bool {
    is_token_char(b) || b"[]:".contains(&b)
}

/// Parses `*( SEMI generic-param )` where `s` is empty or starts (after LWS) with `;`.
///
/// LWS around `;` and `=` is allowed. Empty parameters (`;;`) are rejected.
pub(crate) fn parse_generic_params(s: &str) -> Result<Params, String> {
    let s = trim_lws(s);
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = s.strip_prefix(';') else {
        return Err(format!("unexpected text {s:?} before parameters"));
    };
    let mut params = Vec::new();
    for piece in split_top_level(rest, b';')? {
        let piece = trim_lws(piece);
        if piece.is_empty() {
            return Err("empty parameter".to_owned());
        }
        let (name, value) = match piece.split_once('=') {
            Some((n, v)) => (trim_lws(n), Some(trim_lws(v))),
            None => (piece, None),
        };
        if !is_token(name) {
            return Err(format!("invalid parameter name {name:?}"));
        }
        if let Some(v) = value {
            let ok = if v.starts_with('"') {
                is_quoted_string(v)
            } else {
                !v.is_empty() && v.bytes().all(is_gen_value_char)
            };
            if !ok {
                return Err(format!("invalid value {v:?} for parameter {name:?}"));
            }
        }
        params.push((name.to_owned(), value.map(str::to_owned)));
    }
    Ok(params)
}

/// Case-insensitive lookup of a parameter by name.
pub(crate) fn find_param<'a>(params: &'a Params, name: &str) -> Option<Option<&'a str>> {
    params
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_deref())
}

/// Writes `;name[=value]` for every parameter.
pub(crate) fn write_params(f: &mut std::fmt::Formatter<'_>, params: &Params) -> std::fmt::Result {
    for (name, value) in params {
        match value {
            Some(v) => write!(f, ";{name}={v}")?,
            None => write!(f, ";{name}")?,
        }
    }
    Ok(())
}

/// Parses an unsigned decimal made only of ASCII digits (leading zeros allowed).
pub(crate) fn parse_decimal<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_ignores_separators_in_quotes_and_brackets() {
        let parts = split_top_level(r#""a,b" <sip:x;y,z>, c"#, b',').unwrap();
        assert_eq!(parts, vec![r#""a,b" <sip:x;y,z>"#, " c"]);
        assert!(split_top_level("\"open", b',').is_err());
        assert!(split_top_level("<sip:x", b',').is_err());
    }

    #[test]
    fn quoting_round_trips() {
        for s in ["plain", "with \"quotes\"", "back\\slash", "nul\0bel\x07"] {
            assert_eq!(unquote(&quote(s)).unwrap(), s);
        }
        assert_eq!(
            unquote(r#""J Rosenberg \\\"""#).unwrap(),
            "J Rosenberg \\\""
        );
        assert!(unquote("\"a\"b\"").is_err());
    }

    #[test]
    fn generic_params() {
        let p = parse_generic_params(" ;  tag = 98asjd8 ; lr ; q=\"x;y\"").unwrap();
        assert_eq!(
            p,
            vec![
                ("tag".to_owned(), Some("98asjd8".to_owned())),
                ("lr".to_owned(), None),
                ("q".to_owned(), Some("\"x;y\"".to_owned())),
            ]
        );
        assert!(parse_generic_params(";;").is_err());
        assert!(parse_generic_params(";a=").is_err());
        assert!(parse_generic_params("junk;a").is_err());
        assert_eq!(find_param(&p, "TAG"), Some(Some("98asjd8")));
        assert_eq!(find_param(&p, "lr"), Some(None));
        assert_eq!(find_param(&p, "nope"), None);
    }

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal::<u32>("0009"), Some(9));
        assert_eq!(parse_decimal::<u32>("+9"), None);
        assert_eq!(parse_decimal::<u32>("4294967296"), None);
        assert_eq!(parse_decimal::<u32>(""), None);
    }
}
