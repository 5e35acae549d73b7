//! The machinery shared by all message types: how a Rust value is read from
//! and written to an XML element, and the macros that declare message
//! structs and string enums field by field.

use crate::error::DecodeError;
use crate::xml::{XmlElement, XmlWriter};

/// A value stored in one XML element (its text, attributes and children).
pub(crate) trait XmlValue: Sized {
    /// Reads the value from its element.
    fn decode(el: &XmlElement) -> Result<Self, DecodeError>;
    /// Writes the value as an element called `name`.
    fn encode(&self, name: &str, w: &mut XmlWriter);
    /// Value to use when a required element is absent; `None` makes the
    /// absence an error.
    fn when_missing() -> Option<Self> {
        None
    }
}

/// A type that appears as the repeated item of a list element, e.g.
/// `connectionListItem` inside `conferenceConnections`.
pub(crate) trait ListItem {
    /// Local name of each item element.
    const ITEM: &'static str;
}

/// How a struct field maps to a child element of its parent.
pub(crate) trait Field: Sized {
    /// Reads the field from the first child of `parent` whose local name is
    /// one of `names` (the first name is the one written).
    fn decode_field(parent: &XmlElement, names: &[&str]) -> Result<Self, DecodeError>;
    /// Writes the field into the parent element being written.
    fn encode_field(&self, name: &str, w: &mut XmlWriter);
}

/// First child of `parent` called any of `names`.
fn find_child<'a>(parent: &'a XmlElement, names: &[&str]) -> Option<&'a XmlElement> {
    names.iter().find_map(|n| parent.child(n))
}

/// Required element: absent → [`XmlValue::when_missing`] or an error.
impl<T: XmlValue> Field for T {
    fn decode_field(parent: &XmlElement, names: &[&str]) -> Result<Self, DecodeError> {
        match find_child(parent, names) {
            Some(el) => T::decode(el),
            None => T::when_missing().ok_or_else(|| DecodeError::MissingElement {
                parent: parent.name.clone(),
                name: names.first().copied().unwrap_or_default().to_owned(),
            }),
        }
    }
    fn encode_field(&self, name: &str, w: &mut XmlWriter) {
        self.encode(name, w);
    }
}

/// Optional element: absent or unreadable → `None` (lenient, so that one odd
/// optional value from a vendor does not lose the whole message).
impl<T: XmlValue> Field for Option<T> {
    fn decode_field(parent: &XmlElement, names: &[&str]) -> Result<Self, DecodeError> {
        Ok(find_child(parent, names).and_then(|el| T::decode(el).ok()))
    }
    fn encode_field(&self, name: &str, w: &mut XmlWriter) {
        if let Some(v) = self {
            v.encode(name, w);
        }
    }
}

/// List element: `<name><item/>…</name>`; absent → empty, empty → omitted.
impl<T: XmlValue + ListItem> Field for Vec<T> {
    fn decode_field(parent: &XmlElement, names: &[&str]) -> Result<Self, DecodeError> {
        match find_child(parent, names) {
            Some(list) => decode_items(list),
            None => Ok(Vec::new()),
        }
    }
    fn encode_field(&self, name: &str, w: &mut XmlWriter) {
        if self.is_empty() {
            return;
        }
        w.start(name);
        encode_items(self, w);
        w.end(name);
    }
}

/// Reads every `T::ITEM` child of `list`.
pub(crate) fn decode_items<T: XmlValue + ListItem>(
    list: &XmlElement,
) -> Result<Vec<T>, DecodeError> {
    list.children_named(T::ITEM).map(T::decode).collect()
}

/// Writes each item as a `T::ITEM` element.
pub(crate) fn encode_items<T: XmlValue + ListItem>(items: &[T], w: &mut XmlWriter) {
    for item in items {
        item.encode(T::ITEM, w);
    }
}

impl XmlValue for String {
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        Ok(el.text.clone())
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.text_element(name, self);
    }
}

impl XmlValue for bool {
    /// `xs:boolean`: `true`, `false`, `1`, `0`.
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        match el.text.as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            other => Err(DecodeError::invalid(&el.name, other)),
        }
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.text_element(name, if *self { "true" } else { "false" });
    }
}

impl XmlValue for u32 {
    fn decode(el: &XmlElement) -> Result<Self, DecodeError> {
        el.text
            .parse()
            .map_err(|_| DecodeError::invalid(&el.name, &el.text))
    }
    fn encode(&self, name: &str, w: &mut XmlWriter) {
        w.text_element(name, &self.to_string());
    }
}

/// Message bodies: a struct written as the children of one element.
pub(crate) trait XmlBody: Sized {
    /// Reads the struct from the children of `el`.
    fn decode_body(el: &XmlElement) -> Result<Self, DecodeError>;
    /// Writes the struct's fields as children of the element being written.
    fn encode_body(&self, w: &mut XmlWriter);
}

/// Declares a struct whose fields map one-to-one to child elements (in
/// order), and implements [`XmlBody`] and [`XmlValue`] for it. Writing
/// `[default_when_missing]` after the struct name makes an absent required
/// element of this type read as `Default::default()`.
macro_rules! csta_struct {
    (@missing) => { None };
    (@missing default_when_missing) => { Some(Default::default()) };
    (
        $(#[$meta:meta])*
        pub struct $name:ident $([$flag:ident])? {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty => $xml:literal $(| $falias:literal)*,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        impl $crate::codec::XmlBody for $name {
            #[allow(unused_variables)]
            fn decode_body(
                el: &$crate::xml::XmlElement,
            ) -> Result<Self, $crate::error::DecodeError> {
                Ok($name {
                    $( $field: <$ty as $crate::codec::Field>::decode_field(el, &[$xml $(, $falias)*])?, )*
                })
            }
            #[allow(unused_variables)]
            fn encode_body(&self, w: &mut $crate::xml::XmlWriter) {
                $( $crate::codec::Field::encode_field(&self.$field, $xml, w); )*
            }
        }

        impl $crate::codec::XmlValue for $name {
            fn decode(
                el: &$crate::xml::XmlElement,
            ) -> Result<Self, $crate::error::DecodeError> {
                <$name as $crate::codec::XmlBody>::decode_body(el)
            }
            fn encode(&self, name: &str, w: &mut $crate::xml::XmlWriter) {
                w.start(name);
                <$name as $crate::codec::XmlBody>::encode_body(self, w);
                w.end(name);
            }
            fn when_missing() -> Option<Self> {
                csta_struct!(@missing $($flag)?)
            }
        }
    };
}

/// Declares an enum of XML string values with an `Other(String)` fallback,
/// `as_str`, `From<&str>`, `Display`, and [`XmlValue`] (element text).
macro_rules! csta_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $xml:literal $(| $alias:literal)*, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("`", $xml, "`")]
                $variant,
            )*
            /// A value not known to this codec, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every known value (without `Other`).
            pub const KNOWN: &'static [$name] = &[$($name::$variant),*];

            /// The XML spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $xml, )*
                    $name::Other(s) => s.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $xml $(| $alias)* => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::codec::XmlValue for $name {
            fn decode(
                el: &$crate::xml::XmlElement,
            ) -> Result<Self, $crate::error::DecodeError> {
                Ok($name::from(el.text.as_str()))
            }
            fn encode(&self, name: &str, w: &mut $crate::xml::XmlWriter) {
                w.text_element(name, self.as_str());
            }
        }
    };
}

pub(crate) use {csta_enum, csta_struct};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse_xml;

    csta_struct! {
        /// Test struct.
        pub struct Sample {
            /// Required text.
            pub a: String => "a",
            /// Optional flag.
            pub b: Option<bool> => "b",
            /// Required number.
            pub n: u32 => "n",
        }
    }

    #[test]
    fn required_optional_and_invalid() {
        let el = parse_xml(b"<S><a>x</a><b>maybe</b><n>7</n><junk/></S>").unwrap();
        let s = Sample::decode_body(&el).unwrap();
        assert_eq!(
            s,
            Sample {
                a: "x".into(),
                b: None,
                n: 7
            }
        );

        let el = parse_xml(b"<S><n>7</n></S>").unwrap();
        assert_eq!(
            Sample::decode_body(&el),
            Err(DecodeError::MissingElement {
                parent: "S".into(),
                name: "a".into()
            })
        );
        let el = parse_xml(b"<S><a/><n>seven</n></S>").unwrap();
        assert!(matches!(
            Sample::decode_body(&el),
            Err(DecodeError::InvalidValue { .. })
        ));
        let el = parse_xml(b"<S><a/><b>1</b><n>0</n></S>").unwrap();
        assert_eq!(Sample::decode_body(&el).unwrap().b, Some(true));
    }
}
