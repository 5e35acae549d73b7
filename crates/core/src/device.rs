//! Lines and the device identifiers that name them. Phones and clients write the same line in
//! many forms (`sip:201@host`, `201@host`, `sips:201@host:5061`, `tel:201`,
//! `sip:201@host;tel=201`, plain `201`); they all map to one [`LineKey`].

use std::fmt;
use std::sync::Arc;

/// The key of a line: the user part (number) of a device identifier.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineKey(Arc<str>);

impl LineKey {
    /// The line a device identifier names, or `None` for an empty or meaningless one.
    pub fn from_device_id(device_id: &str) -> Option<LineKey> {
        let mut text = device_id.trim();
        if let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
            text = inner.trim();
        }
        for scheme in ["sips:", "sip:", "tel:"] {
            if text
                .get(..scheme.len())
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(scheme))
            {
                text = &text[scheme.len()..];
                break;
            }
        }
        // Parameters (`;tel=…`, `;user=phone`, `;phone-context=…`) never name the line.
        let text = text.split(';').next().unwrap_or("");
        let user = match text.split_once('@') {
            Some((user, _host)) => user,
            None => text,
        };
        // `user:password@host` (never seen from phones, but cheap to tolerate).
        let user = user.split(':').next().unwrap_or("").trim();
        if user.is_empty()
            || user
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>')
        {
            return None;
        }
        Some(LineKey(Arc::from(user)))
    }

    /// The key's text (the line number).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LineKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LineKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LineKey({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Option<String> {
        LineKey::from_device_id(text).map(|k| k.to_string())
    }

    #[test]
    fn every_form_of_a_device_names_the_same_line() {
        for form in [
            "201",
            "sip:201@pbx.example",
            "SIP:201@pbx.example",
            "201@pbx.example",
            "sips:201@pbx.example:5061",
            "sip:201@pbx.example:5060;transport=tcp",
            "sip:201@192.0.2.1;tel=201",
            "tel:201",
            "<sip:201@pbx.example>",
            " sip:201@pbx.example ",
        ] {
            assert_eq!(key(form).as_deref(), Some("201"), "{form}");
        }
        assert_eq!(
            key("tel:+4930123456;phone-context=example").as_deref(),
            Some("+4930123456")
        );
    }

    #[test]
    fn meaningless_identifiers_name_no_line() {
        for form in ["", "sip:", "sip:@host", "tel:", "  ", "<>", "a b"] {
            assert_eq!(key(form), None, "{form:?}");
        }
    }
}
