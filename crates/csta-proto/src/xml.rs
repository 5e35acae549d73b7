//! A small, bounded XML element tree (parsed with quick-xml) and a writer.
//!
//! CSTA documents are small and shallow, so the decoder first builds a
//! generic [`XmlElement`] tree and the message structs read from it by
//! local name. Namespaces and prefixes are dropped from names; each element
//! keeps its resolved namespace URI so the caller can answer a peer in the
//! edition it used. The parser enforces size and depth limits, refuses DTDs
//! and unknown entities, and rejects trailing garbage.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::PrefixDeclaration;
use quick_xml::{Reader, XmlVersion};

use crate::error::DecodeError;

/// Default maximum input size accepted by [`parse_xml`] (64 KiB).
pub const DEFAULT_MAX_INPUT: usize = 64 * 1024;
/// Default maximum element nesting depth accepted by [`parse_xml`].
pub const DEFAULT_MAX_DEPTH: usize = 32;

/// Limits applied while parsing untrusted XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Largest accepted input in bytes.
    pub max_input: usize,
    /// Deepest accepted element nesting (the root is depth 1).
    pub max_depth: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits {
            max_input: DEFAULT_MAX_INPUT,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// One XML element: local name, attributes, trimmed text and children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XmlElement {
    /// Local name (prefix removed).
    pub name: String,
    /// Resolved namespace URI of the element, if any was in scope.
    pub namespace: Option<String>,
    /// Attributes as (local name, unescaped value); namespace declarations
    /// (`xmlns`, `xmlns:*`) are not included.
    pub attrs: Vec<(String, String)>,
    /// Concatenated character data directly inside this element, trimmed.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<XmlElement>,
}

impl XmlElement {
    /// Creates an element with the given local name and nothing else.
    pub fn new(name: impl Into<String>) -> Self {
        XmlElement {
            name: name.into(),
            ..XmlElement::default()
        }
    }

    /// First child with the given local name.
    pub fn child(&self, name: &str) -> Option<&XmlElement> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children with the given local name, in document order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlElement> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Follows a `/`-separated path of local names from this element
    /// (first match at each step).
    pub fn find(&self, path: &str) -> Option<&XmlElement> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .try_fold(self, |el, step| el.child(step))
    }

    /// Text of the element at `path` (see [`XmlElement::find`]).
    pub fn text_of(&self, path: &str) -> Option<&str> {
        self.find(path).map(|e| e.text.as_str())
    }

    /// Value of the attribute with the given local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// First element with the given local name anywhere below this one
    /// (depth-first, document order), not including this element itself.
    pub fn descendant(&self, name: &str) -> Option<&XmlElement> {
        self.children.iter().find_map(|c| {
            if c.name == name {
                Some(c)
            } else {
                c.descendant(name)
            }
        })
    }
}

/// Parses a document with the default [`ParseLimits`] and returns its root.
pub fn parse_xml(input: &[u8]) -> Result<XmlElement, DecodeError> {
    parse_xml_with(input, &ParseLimits::default())
}

/// Open element on the parser stack.
struct Open {
    el: XmlElement,
    text: String,
    /// Number of namespace bindings this element pushed.
    bindings: usize,
}

/// Parses a document with explicit limits and returns its root element.
pub fn parse_xml_with(input: &[u8], limits: &ParseLimits) -> Result<XmlElement, DecodeError> {
    if input.len() > limits.max_input {
        return Err(DecodeError::TooLarge {
            size: input.len(),
            limit: limits.max_input,
        });
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = std::str::from_utf8(input).map_err(|_| DecodeError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    {
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
    }
    // (prefix, uri); the empty prefix is the default namespace.
    let mut scopes: Vec<(String, String)> = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<XmlElement> = None;

    loop {
        let event = reader
            .read_event()
            .map_err(|e| DecodeError::Malformed(e.to_string()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(DecodeError::TrailingContent);
            }
            Event::Start(start) => {
                if stack.len() >= limits.max_depth {
                    return Err(DecodeError::TooDeep(limits.max_depth));
                }
                let open = open_element(&start, &mut scopes)?;
                stack.push(open);
            }
            Event::Empty(start) => {
                if stack.len() >= limits.max_depth {
                    return Err(DecodeError::TooDeep(limits.max_depth));
                }
                let open = open_element(&start, &mut scopes)?;
                close_element(open, &mut stack, &mut scopes, &mut root);
            }
            Event::End(_) => match stack.pop() {
                Some(open) => close_element(open, &mut stack, &mut scopes, &mut root),
                None => return Err(DecodeError::Malformed("unexpected end tag".into())),
            },
            Event::Text(t) => {
                let content = t.xml10_content();
                check_chars(&content)?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None => outside_text(&content, root.is_some())?,
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(top) => {
                    let content = c.xml10_content();
                    check_chars(&content)?;
                    top.text.push_str(&content);
                }
                None => {
                    return Err(if root.is_some() {
                        DecodeError::TrailingContent
                    } else {
                        DecodeError::Malformed("character data outside the root".into())
                    });
                }
            },
            Event::GeneralRef(r) => {
                let ch = resolve_reference(&r)?;
                match stack.last_mut() {
                    Some(top) => top.text.push(ch),
                    None => {
                        return Err(if root.is_some() {
                            DecodeError::TrailingContent
                        } else {
                            DecodeError::Malformed("reference outside the root".into())
                        });
                    }
                }
            }
            Event::DocType(_) => return Err(DecodeError::DoctypeForbidden),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(DecodeError::Truncated(stack.len()));
    }
    root.ok_or(DecodeError::NoRoot)
}

/// Rejects characters that XML 1.0 does not allow in documents.
fn check_chars(content: &str) -> Result<(), DecodeError> {
    match content.chars().find(|c| !is_xml_char(*c)) {
        Some(ch) => Err(DecodeError::Malformed(format!(
            "illegal character U+{:04X}",
            ch as u32
        ))),
        None => Ok(()),
    }
}

/// Whitespace is the only character data allowed outside the root.
fn outside_text(content: &str, after_root: bool) -> Result<(), DecodeError> {
    if content.trim().is_empty() {
        Ok(())
    } else if after_root {
        Err(DecodeError::TrailingContent)
    } else {
        Err(DecodeError::Malformed(
            "text outside the root element".into(),
        ))
    }
}

/// Resolves `&name;` / `&#N;` to a character; only the five predefined
/// entities and legal XML characters are accepted.
fn resolve_reference(r: &BytesRef<'_>) -> Result<char, DecodeError> {
    if r.is_char_ref() {
        let ch = r
            .resolve_char_ref()
            .map_err(|e| DecodeError::Malformed(e.to_string()))?
            .ok_or_else(|| DecodeError::Malformed("bad character reference".into()))?;
        if is_xml_char(ch) {
            Ok(ch)
        } else {
            Err(DecodeError::Malformed(format!(
                "character reference to illegal character U+{:04X}",
                ch as u32
            )))
        }
    } else {
        match &**r {
            "amp" => Ok('&'),
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "quot" => Ok('"'),
            "apos" => Ok('\''),
            other => Err(DecodeError::UnknownEntity(other.chars().take(64).collect())),
        }
    }
}

/// True for characters allowed in XML 1.0 documents.
pub(crate) fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Builds an open element from a start tag, pushing its namespace bindings.
fn open_element(
    start: &BytesStart<'_>,
    scopes: &mut Vec<(String, String)>,
) -> Result<Open, DecodeError> {
    let qname = start.name();
    let (local, prefix) = qname.decompose();
    let valid_prefix = prefix.is_none_or(|p| is_xml_name(p.into_inner()));
    if !valid_prefix || !is_xml_name(local.into_inner()) {
        return Err(DecodeError::Malformed(format!(
            "invalid element name {:?}",
            qname.into_inner().chars().take(64).collect::<String>()
        )));
    }
    let mut el = XmlElement::new(local.into_inner());
    let mut bindings = 0;
    for attr in start.attributes() {
        let attr = attr.map_err(|e| DecodeError::Malformed(e.to_string()))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| DecodeError::Malformed(e.to_string()))?;
        if let Some(ch) = value.chars().find(|c| !is_xml_char(*c)) {
            return Err(DecodeError::Malformed(format!(
                "illegal character U+{:04X} in attribute",
                ch as u32
            )));
        }
        match attr.key.as_namespace_binding() {
            Some(PrefixDeclaration::Default) => {
                scopes.push((String::new(), value.into_owned()));
                bindings += 1;
            }
            Some(PrefixDeclaration::Named(p)) => {
                scopes.push((p.to_owned(), value.into_owned()));
                bindings += 1;
            }
            None => {
                let key = attr.key.local_name().into_inner().to_owned();
                el.attrs.push((key, value.into_owned()));
            }
        }
    }
    let prefix = prefix.map(|p| p.into_inner()).unwrap_or("");
    el.namespace = scopes
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, uri)| uri.clone())
        .filter(|uri| !uri.is_empty());
    Ok(Open {
        el,
        text: String::new(),
        bindings,
    })
}

/// Finishes an element: trims its text, drops its namespace bindings and
/// attaches it to its parent (or makes it the root).
fn close_element(
    open: Open,
    stack: &mut [Open],
    scopes: &mut Vec<(String, String)>,
    root: &mut Option<XmlElement>,
) {
    let Open {
        mut el,
        text,
        bindings,
    } = open;
    el.text = text.trim().to_owned();
    let keep = scopes.len().saturating_sub(bindings);
    scopes.truncate(keep);
    match stack.last_mut() {
        Some(parent) => parent.el.children.push(el),
        None => *root = Some(el),
    }
}

/// Appends XML-escaped text to `out`; characters not allowed in XML 1.0 are
/// dropped, and `\r` is written as a character reference so it survives
/// end-of-line normalisation.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    escape(out, text, false);
}

/// Like [`escape_into`] for attribute values: tabs and newlines are written as
/// character references so attribute-value normalisation keeps them.
fn escape_attr_into(out: &mut String, text: &str) {
    escape(out, text, true);
}

fn escape(out: &mut String, text: &str, attr: bool) {
    for ch in text.chars() {
        match ch {
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// A conservative check for an XML name without a prefix.
pub(crate) fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Minimal XML writer producing compact documents.
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
}

impl XmlWriter {
    /// Starts a document with the XML declaration and an open root element
    /// carrying a default namespace declaration.
    pub(crate) fn document(root: &str, namespace: &str) -> Self {
        let mut w = XmlWriter {
            out: String::with_capacity(256),
        };
        w.out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        w.out.push('<');
        w.out.push_str(root);
        w.out.push_str(" xmlns=\"");
        escape_attr_into(&mut w.out, namespace);
        w.out.push('"');
        w.out.push('>');
        w
    }

    /// Opens `<name>`.
    pub(crate) fn start(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Opens `<name attr="value"…>`.
    pub(crate) fn start_with_attrs(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_attr_into(&mut self.out, v);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// Closes `</name>`.
    pub(crate) fn end(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes an empty element `<name/>`.
    pub(crate) fn empty(&mut self, name: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str("/>");
    }

    /// Writes escaped character data.
    pub(crate) fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    /// Writes `<name>text</name>`.
    pub(crate) fn text_element(&mut self, name: &str, text: &str) {
        self.start(name);
        self.text(text);
        self.end(name);
    }

    /// Closes the root element and returns the document.
    pub(crate) fn finish(mut self, root: &str) -> String {
        self.end(root);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_namespaces_text_and_attrs() {
        let doc = br#"<?xml version="1.0"?>
            <csta:MakeCall xmlns:csta="urn:x" xmlns:o="urn:o">
              <csta:callingDevice typeOfNumber="dialingNumber"> 201 </csta:callingDevice>
              <o:other>a &amp; b&#33;<![CDATA[<c>]]></o:other>
              <empty/>
            </csta:MakeCall>"#;
        let root = parse_xml(doc).unwrap();
        assert_eq!(root.name, "MakeCall");
        assert_eq!(root.namespace.as_deref(), Some("urn:x"));
        assert!(root.attrs.is_empty());
        let cd = root.child("callingDevice").unwrap();
        assert_eq!(cd.text, "201");
        assert_eq!(cd.attr("typeOfNumber"), Some("dialingNumber"));
        assert_eq!(cd.namespace.as_deref(), Some("urn:x"));
        assert_eq!(root.text_of("other"), Some("a & b!<c>"));
        assert_eq!(
            root.child("other").unwrap().namespace.as_deref(),
            Some("urn:o")
        );
        assert_eq!(root.child("empty").unwrap().namespace, None);
        assert_eq!(root.children_named("empty").count(), 1);
    }

    #[test]
    fn find_and_descendant() {
        let root = parse_xml(b"<a><b><c>x</c></b><d><e><f>y</f></e></d></a>").unwrap();
        assert_eq!(root.text_of("b/c"), Some("x"));
        assert_eq!(root.text_of("b/zz"), None);
        assert_eq!(root.descendant("f").map(|e| e.text.as_str()), Some("y"));
        assert!(root.descendant("a").is_none());
    }

    #[test]
    fn rejects_bad_documents() {
        assert!(matches!(parse_xml(b""), Err(DecodeError::NoRoot)));
        assert!(matches!(parse_xml(b"   \n"), Err(DecodeError::NoRoot)));
        assert!(parse_xml(b"hello").is_err());
        assert!(matches!(
            parse_xml(b"<a><b>"),
            Err(DecodeError::Truncated(2))
        ));
        assert!(parse_xml(b"<a></b>").is_err());
        assert!(matches!(
            parse_xml(b"<a/><b/>"),
            Err(DecodeError::TrailingContent)
        ));
        assert!(matches!(
            parse_xml(b"<a/>junk"),
            Err(DecodeError::TrailingContent)
        ));
        assert!(parse_xml(b"<a/> <!-- ok --> <?pi ok?>\n").is_ok());
        assert!(matches!(
            parse_xml(b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"),
            Err(DecodeError::DoctypeForbidden)
        ));
        assert!(matches!(
            parse_xml(b"<a>&x;</a>"),
            Err(DecodeError::UnknownEntity(_))
        ));
        assert!(parse_xml(b"<a>&#1;</a>").is_err());
        assert!(parse_xml(b"<a>\x01</a>").is_err());
        assert!(parse_xml("<a>\u{FFFF}</a>".as_bytes()).is_err());
        assert!(parse_xml(b"<1a/>").is_err());
        assert!(parse_xml(b"<a:-b/>").is_err());
        assert!(parse_xml(b"<a><b c='\x01'/></a>").is_err());
        assert!(matches!(
            parse_xml(b"<a>\xff</a>"),
            Err(DecodeError::NotUtf8)
        ));
    }

    #[test]
    fn enforces_limits() {
        let limits = ParseLimits {
            max_input: 100,
            max_depth: 3,
        };
        assert!(parse_xml_with(b"<a><b><c/></b></a>", &limits).is_ok());
        assert_eq!(
            parse_xml_with(b"<a><b><c><d/></c></b></a>", &limits),
            Err(DecodeError::TooDeep(3))
        );
        assert_eq!(
            parse_xml_with(b"<a><b><c><d></d></c></b></a>", &limits),
            Err(DecodeError::TooDeep(3))
        );
        let big = vec![b' '; 101];
        assert!(matches!(
            parse_xml_with(&big, &limits),
            Err(DecodeError::TooLarge {
                size: 101,
                limit: 100
            })
        ));
        let deep = "<a>".repeat(33) + &"</a>".repeat(33);
        assert_eq!(parse_xml(deep.as_bytes()), Err(DecodeError::TooDeep(32)));
    }

    #[test]
    fn xml_names() {
        assert!(is_xml_name("MakeCall"));
        assert!(is_xml_name("_a-b.c1"));
        assert!(!is_xml_name(""));
        assert!(!is_xml_name("1a"));
        assert!(!is_xml_name("a b"));
        assert!(!is_xml_name("a:b"));
        assert!(is_xml_name("äö"));
        assert!(!is_xml_name("-a"));
    }

    #[test]
    fn writer_escapes() {
        let mut w = XmlWriter::document("R", "urn:x");
        w.text_element("t", "a<b>&\"'\r\u{1}z");
        w.empty("e");
        w.start_with_attrs("d", &[("typeOfNumber", "x\"y\n\tz")]);
        w.end("d");
        let s = w.finish("R");
        assert_eq!(
            s,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><R xmlns=\"urn:x\"><t>a&lt;b&gt;&amp;&quot;&apos;&#13;z</t><e/><d typeOfNumber=\"x&quot;y&#10;&#9;z\"></d></R>"
        );
        let root = parse_xml(s.as_bytes()).unwrap();
        assert_eq!(root.text_of("t"), Some("a<b>&\"'\rz"));
        assert_eq!(
            root.child("d").unwrap().attr("typeOfNumber"),
            Some("x\"y\n\tz")
        );
    }
}
