//! One directory entry as raw bytes per attribute, decoded from the BER of a
//! SearchResultEntry without panicking on malformed input (ldap3's own `SearchEntry::construct`
//! panics, and sorts values into text or binary by guessing, which would turn a thumbnail that
//! happens to be valid UTF-8 into text).
//!
//! Attribute names are compared case-insensitively (`objectGUID` = `objectguid`), and options
//! are stripped (`thumbnailPhoto;binary` → `thumbnailphoto`). Active Directory's ranged
//! retrieval (`member;range=0-1499`) is recorded so that the client can fetch the rest.

use ldap3::asn1::{PL, StructureTag};

/// An attribute whose values the server sent only in part (AD `;range=lo-hi` with `hi` not `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingRange {
    /// Attribute name as the server sent it, without options (e.g. `member`).
    pub name: String,
    /// First index of the next range to ask for.
    pub next: u64,
}

/// A directory entry: its DN and the raw values of each attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    dn: String,
    /// (name without options, as sent; values). Few attributes per entry, so a linear,
    /// case-insensitive scan beats hashing a lower-cased copy of every name looked up.
    attrs: Vec<(String, Vec<Vec<u8>>)>,
    pending: Vec<PendingRange>,
}

impl Entry {
    /// An entry with no attributes.
    pub fn new(dn: impl Into<String>) -> Self {
        Entry {
            dn: dn.into(),
            ..Entry::default()
        }
    }

    /// Builder: adds text values to `name` (for tests and callers that already have values).
    pub fn with<I, V>(mut self, name: &str, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: AsRef<[u8]>,
    {
        for v in values {
            self.push(name, v.as_ref().to_vec());
        }
        self
    }

    /// Adds one value to `name` (options after `;` are ignored).
    pub fn push(&mut self, name: &str, value: Vec<u8>) {
        self.values_mut(base_name(name)).push(value);
    }

    fn values_mut(&mut self, name: &str) -> &mut Vec<Vec<u8>> {
        let idx = match self
            .attrs
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(idx) => idx,
            None => {
                self.attrs.push((name.to_string(), Vec::new()));
                self.attrs.len() - 1
            }
        };
        &mut self.attrs[idx].1
    }

    /// The distinguished name.
    pub fn dn(&self) -> &str {
        &self.dn
    }

    /// Raw values of `name` (empty if absent).
    pub fn raw(&self, name: &str) -> &[Vec<u8>] {
        let name = base_name(name);
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// Values of `name` as text (invalid UTF-8 replaced, never an error).
    pub fn texts(&self, name: &str) -> Vec<String> {
        self.raw(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    /// The first non-blank value of `name` as trimmed text.
    pub fn text(&self, name: &str) -> Option<String> {
        self.raw(name).iter().find_map(|v| {
            let s = String::from_utf8_lossy(v);
            let t = s.trim();
            (!t.is_empty()).then(|| t.to_string())
        })
    }

    /// The first non-blank value of the first of `names` that has one.
    pub fn text_of(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.text(n))
    }

    /// The first non-empty raw value of `name`.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.raw(name)
            .iter()
            .find(|v| !v.is_empty())
            .map(Vec::as_slice)
    }

    /// Names of the attributes present, as the server spelled them (without options).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attrs.iter().map(|(n, _)| n.as_str())
    }

    pub(crate) fn take_pending(&mut self) -> Vec<PendingRange> {
        std::mem::take(&mut self.pending)
    }

    /// Merges the values of a ranged follow-up read; returns the next pending range, if any.
    pub(crate) fn merge_range(&mut self, more: Entry, name: &str) -> Option<PendingRange> {
        let wanted = base_name(name);
        let mut next = None;
        for p in more.pending {
            if p.name.eq_ignore_ascii_case(wanted) {
                next = Some(p);
            }
        }
        for (k, mut vals) in more.attrs {
            if k.eq_ignore_ascii_case(wanted) {
                self.values_mut(wanted).append(&mut vals);
            }
        }
        next
    }

    /// Decodes a SearchResultEntry (`[APPLICATION 4]`); None if the BER has another shape.
    pub(crate) fn from_ber(tag: StructureTag) -> Option<Entry> {
        if tag.id != 4 {
            return None;
        }
        let PL::C(parts) = tag.payload else {
            return None;
        };
        let mut parts = parts.into_iter();
        let PL::P(dn) = parts.next()?.payload else {
            return None;
        };
        let mut entry = Entry::new(String::from_utf8_lossy(&dn).into_owned());
        let PL::C(attrs) = parts.next()?.payload else {
            return None;
        };
        for attr in attrs {
            let PL::C(pieces) = attr.payload else {
                return None;
            };
            let mut pieces = pieces.into_iter();
            let PL::P(desc) = pieces.next()?.payload else {
                return None;
            };
            let desc = String::from_utf8_lossy(&desc).into_owned();
            let values = match pieces.next().map(|p| p.payload) {
                Some(PL::C(values)) => values,
                Some(PL::P(_)) => return None,
                None => Vec::new(),
            };
            let (name, range) = split_description(&desc);
            let list = entry.values_mut(name);
            for v in values {
                if let PL::P(bytes) = v.payload {
                    list.push(bytes);
                }
            }
            if let Some(Range { end: Some(end), .. }) = range {
                entry.pending.push(PendingRange {
                    name: name.to_string(),
                    next: end.saturating_add(1),
                });
            }
        }
        Some(entry)
    }
}

/// The attribute type of a description, without options (`member;range=0-9` → `member`).
fn base_name(name: &str) -> &str {
    name.split(';').next().unwrap_or(name)
}

/// An AD range option `range=<start>-<end>`; `end` None means `*` (the last part).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub end: Option<u64>,
}

/// Splits `member;range=0-1499` into the name and the range option (other options are ignored).
pub(crate) fn split_description(desc: &str) -> (&str, Option<Range>) {
    let mut parts = desc.split(';');
    let name = parts.next().unwrap_or(desc);
    let mut range = None;
    for opt in parts {
        let lower = opt.to_ascii_lowercase();
        if let Some(spec) = lower.strip_prefix("range=") {
            if let Some((lo, hi)) = spec.split_once('-') {
                if lo.parse::<u64>().is_ok() {
                    let end = if hi == "*" { None } else { hi.parse().ok() };
                    if hi == "*" || end.is_some() {
                        range = Some(Range { end });
                    }
                }
            }
        }
    }
    (name, range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ldap3::asn1::TagClass;

    fn prim(bytes: &[u8]) -> StructureTag {
        StructureTag {
            class: TagClass::Universal,
            id: 4,
            payload: PL::P(bytes.to_vec()),
        }
    }

    fn cons(id: u64, class: TagClass, inner: Vec<StructureTag>) -> StructureTag {
        StructureTag {
            class,
            id,
            payload: PL::C(inner),
        }
    }

    fn attr(name: &str, values: &[&[u8]]) -> StructureTag {
        cons(
            16,
            TagClass::Universal,
            vec![
                prim(name.as_bytes()),
                cons(
                    17,
                    TagClass::Universal,
                    values.iter().map(|v| prim(v)).collect(),
                ),
            ],
        )
    }

    #[test]
    fn decodes_entries_with_binary_and_ranged_values() {
        let tag = cons(
            4,
            TagClass::Application,
            vec![
                prim(b"cn=g,dc=x"),
                cons(
                    16,
                    TagClass::Universal,
                    vec![
                        attr("objectGUID", &[&[0xff, 0x00, 0x41]]),
                        attr("thumbnailPhoto;binary", &[b"abc"]),
                        attr("member;range=0-1", &[b"cn=a", b"cn=b"]),
                        attr("CN", &[b"g"]),
                    ],
                ),
            ],
        );
        let mut e = Entry::from_ber(tag).unwrap();
        assert_eq!(e.dn(), "cn=g,dc=x");
        assert_eq!(e.bytes("objectguid"), Some(&[0xff, 0x00, 0x41][..]));
        assert_eq!(e.bytes("thumbnailPhoto"), Some(&b"abc"[..]));
        assert_eq!(e.text("cn").as_deref(), Some("g"));
        assert_eq!(e.texts("member"), vec!["cn=a", "cn=b"]);
        let pending = e.take_pending();
        assert_eq!(
            pending,
            vec![PendingRange {
                name: "member".into(),
                next: 2
            }]
        );
        let more = Entry::new("cn=g,dc=x").with("member;range=2-*", ["cn=c"]);
        assert_eq!(e.merge_range(more, "member"), None);
        assert_eq!(e.texts("member"), vec!["cn=a", "cn=b", "cn=c"]);
    }

    #[test]
    fn malformed_ber_is_rejected_not_panicking() {
        assert!(Entry::from_ber(prim(b"x")).is_none());
        assert!(Entry::from_ber(cons(4, TagClass::Application, vec![])).is_none());
        assert!(
            Entry::from_ber(cons(
                4,
                TagClass::Application,
                vec![prim(b"dn"), prim(b"x")]
            ))
            .is_none()
        );
        let bad_attr = cons(
            4,
            TagClass::Application,
            vec![
                prim(b"dn"),
                cons(16, TagClass::Universal, vec![prim(b"oops")]),
            ],
        );
        assert!(Entry::from_ber(bad_attr).is_none());
        // invalid UTF-8 in a DN or text value is replaced, not an error
        let e = Entry::from_ber(cons(
            4,
            TagClass::Application,
            vec![
                prim(&[0xff]),
                cons(16, TagClass::Universal, vec![attr("cn", &[&[0xfe]])]),
            ],
        ))
        .unwrap();
        assert_eq!(e.dn(), "\u{fffd}");
        assert_eq!(e.text("cn").as_deref(), Some("\u{fffd}"));
    }

    #[test]
    fn range_options() {
        assert_eq!(split_description("member"), ("member", None));
        assert_eq!(
            split_description("member;Range=0-1499"),
            ("member", Some(Range { end: Some(1499) }))
        );
        assert_eq!(
            split_description("member;range=1500-*"),
            ("member", Some(Range { end: None }))
        );
        assert_eq!(split_description("member;range=x-1"), ("member", None));
        assert_eq!(split_description("a;binary"), ("a", None));
    }
}
