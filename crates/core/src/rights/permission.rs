//! Person-to-person authorisations (PERM4) and their `ectisrv3UserPermissions` string form:
//! `"user name";"presence rights";"primary line rights";"secondary line rights"`, the rights as
//! hex values of the `UR_*` bit fields.
//!
//! Reading is lenient about form and strict about content: fields may be quoted or not, hex
//! values may carry `0x`, any case, one to eight digits, and spaces around fields are ignored;
//! but exactly four fields, a non-empty user name and valid hex are required. A `"` inside a
//! quoted name is written doubled (`""`). The grantee `*` means everyone. Writing gives
//! `"name";"00000001";"00000203";"00000000"` (quoted, eight upper-case hex digits).

use std::fmt;
use std::str::FromStr;

use super::bits::{PhoneRights, PresenceRights};

/// The rights one person has on another: presence rights and rights on the other's primary and
/// secondary line (the `UR_*` bits of one authorisation).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct PersonRights {
    /// `UR_PRESENCE_*` bits.
    pub presence: PresenceRights,
    /// `UR_PHONE_*` bits on the grantor's primary line.
    pub primary: PhoneRights,
    /// `UR_PHONE_*` bits on the grantor's secondary line.
    pub secondary: PhoneRights,
}

impl PersonRights {
    /// No right.
    pub const NONE: PersonRights = PersonRights {
        presence: PresenceRights::EMPTY,
        primary: PhoneRights::EMPTY,
        secondary: PhoneRights::EMPTY,
    };

    /// Every known right (what a person has on themselves).
    pub const ALL: PersonRights = PersonRights {
        presence: PresenceRights(PresenceRights::KNOWN),
        primary: PhoneRights(PhoneRights::KNOWN),
        secondary: PhoneRights(PhoneRights::KNOWN),
    };

    /// Rights from raw bit values.
    pub const fn new(presence: u32, primary: u32, secondary: u32) -> PersonRights {
        PersonRights {
            presence: PresenceRights(presence),
            primary: PhoneRights(primary),
            secondary: PhoneRights(secondary),
        }
    }

    /// The rights of both (cumulative).
    #[must_use]
    pub const fn union(self, other: PersonRights) -> PersonRights {
        PersonRights {
            presence: self.presence.union(other.presence),
            primary: self.primary.union(other.primary),
            secondary: self.secondary.union(other.secondary),
        }
    }

    /// Whether no bit is set.
    pub const fn is_empty(self) -> bool {
        self.presence.is_empty() && self.primary.is_empty() && self.secondary.is_empty()
    }

    /// Reads the rights of a single-entry permission string whose user name does not matter
    /// (`ectisrv3GroupLeaderPermissions`, `ectisrv3GroupMembersPermissions`); the name may be
    /// empty there.
    pub fn parse_entry(text: &str) -> Result<PersonRights, PermissionParseError> {
        let fields = split_fields(text)?;
        rights_of(&fields)
    }
}

/// Who an authorisation is given to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grantee {
    /// One account, by login name.
    User(String),
    /// Every account (written `*`).
    Everyone,
}

/// One authorisation a user gives another (one value of `ectisrv3UserPermissions`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserPermission {
    /// Who gets the rights.
    pub grantee: Grantee,
    /// The rights.
    pub rights: PersonRights,
}

/// Why a permission string could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermissionParseError {
    /// Not exactly four `;`-separated fields.
    #[error("expected 4 fields \"user\";\"presence\";\"primary\";\"secondary\", found {0}")]
    FieldCount(usize),
    /// A quoted field is not closed.
    #[error("unterminated quote")]
    UnterminatedQuote,
    /// Text follows a quoted field before the next `;`.
    #[error("unexpected text after a quoted field: {0:?}")]
    TextAfterQuote(String),
    /// The user name is empty.
    #[error("empty user name")]
    EmptyUser,
    /// A rights field is not a 32-bit hex value.
    #[error("{field} rights: not a hex value: {value:?}")]
    BadHex {
        /// Which field (`presence`, `primary line`, `secondary line`).
        field: &'static str,
        /// The field's text.
        value: String,
    },
}

/// Splits a permission string into its fields, unquoting quoted ones.
fn split_fields(text: &str) -> Result<Vec<String>, PermissionParseError> {
    let mut fields = Vec::with_capacity(4);
    let mut rest = text.trim_start();
    loop {
        let field;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c != '"' {
                    value.push(c);
                } else if quoted[i + 1..].starts_with('"') {
                    value.push('"');
                    chars.next();
                } else {
                    end = Some(i + 1);
                    break;
                }
            }
            let end = end.ok_or(PermissionParseError::UnterminatedQuote)?;
            rest = quoted[end..].trim_start();
            if !rest.is_empty() && !rest.starts_with(';') {
                let garbage: String = rest.chars().take_while(|&c| c != ';').collect();
                return Err(PermissionParseError::TextAfterQuote(garbage));
            }
            field = value;
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            field = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        fields.push(field);
        match rest.strip_prefix(';') {
            Some(next) => rest = next.trim_start(),
            None => break,
        }
    }
    Ok(fields)
}

fn hex_field(field: &'static str, value: &str) -> Result<u32, PermissionParseError> {
    let digits = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
        .unwrap_or(value);
    let valid = (1..=8).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_hexdigit());
    valid
        .then(|| u32::from_str_radix(digits, 16).ok())
        .flatten()
        .ok_or_else(|| PermissionParseError::BadHex {
            field,
            value: value.to_owned(),
        })
}

fn rights_of(fields: &[String]) -> Result<PersonRights, PermissionParseError> {
    let [_, presence, primary, secondary] = fields else {
        return Err(PermissionParseError::FieldCount(fields.len()));
    };
    Ok(PersonRights::new(
        hex_field("presence", presence)?,
        hex_field("primary line", primary)?,
        hex_field("secondary line", secondary)?,
    ))
}

impl FromStr for UserPermission {
    type Err = PermissionParseError;

    fn from_str(text: &str) -> Result<UserPermission, PermissionParseError> {
        let fields = split_fields(text)?;
        let rights = rights_of(&fields)?;
        let name = fields.first().map(String::as_str).unwrap_or_default();
        let grantee = match name {
            "" => return Err(PermissionParseError::EmptyUser),
            "*" => Grantee::Everyone,
            login => Grantee::User(login.to_owned()),
        };
        Ok(UserPermission { grantee, rights })
    }
}

impl fmt::Display for UserPermission {
    /// `"name";"00000001";"00000203";"00000000"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match &self.grantee {
            Grantee::Everyone => "*".to_owned(),
            Grantee::User(login) => login.replace('"', "\"\""),
        };
        write!(
            f,
            "\"{name}\";\"{:08X}\";\"{:08X}\";\"{:08X}\"",
            self.rights.presence.bits(),
            self.rights.primary.bits(),
            self.rights.secondary.bits()
        )
    }
}
