//! The two attribute mappings, as pure functions: directory entry → [`DirUser`] /
//! [`DirGroup`] / [`DirComputer`], and [`CtiAttributes`] → the changes to write back.
//!
//! # Schema mode
//! Each setting is its own attribute (seed 004, section 5):
//!
//! | field | attribute | kinds | format |
//! |---|---|---|---|
//! | `enabled` | `ectisrv3CTIEnabled` | user, group, computer | `TRUE`/`FALSE` (reads `1`/`0` too) |
//! | `schema_version` | `ectisrv3SchemaVersion` | all | integer |
//! | `sip_uri` | `ectisrv3UserSipUri` | user, group | text |
//! | `phone_primary` | `ectisrv3CTIPhonePrimary` | user, computer | text |
//! | `phone_secondary` | `ectisrv3CTIPhoneSecondary` | user, computer | text |
//! | `mailbox` | `ectisrv3UserPhoneMailbox` | user | text |
//! | `recording_server` | `ectisrv3UserPhoneRecordingServer` | user | text |
//! | `lines` | `ectisrv3CTILines` | user, computer | one value, `§`-separated |
//! | `lines_permissions` | `ectisrv3CTILinesPermissions` | user, computer | integer (LINEACCESS_*) |
//! | `services` | `ectisrv3CTIServices` | user, group | integer (USERRIGHTS_*) |
//! | `services2` | `ectisrv3CTIServices2` | user, group | integer (USERRIGHTS2_*) |
//! | `password` | `ectisrv3UserPassword` / `ectisrv3ComputerPassword` | user / computer | opaque text |
//! | `permissions` | `ectisrv3UserPermissions` | user | multi-valued, one grantee per value |
//! | `property_bag` | `ectisrv3PropertyBag` | all | one value, `§`-separated |
//! | `home_server` | `ectisrv3UserHomeServer` | user | text |
//! | `leader_dn` | `ectisrv3GroupLeaderDN` | group | DN |
//! | `deputy_dn` | `ectisrv3GroupDeputyDN` | group | DN |
//! | `leader_permissions` | `ectisrv3GroupLeaderPermissions` | group | one permission entry |
//! | `members_permissions` | `ectisrv3GroupMembersPermissions` | group | one permission entry |
//!
//! Integers are read as decimal, negative decimal (AD INTEGER is signed 32-bit, so bit 31 shows
//! as a negative number) or `0x` hex; they are written as signed 32-bit decimal (`776`).
//!
//! # Reserved mode
//! Every setting is one value of the multi-valued attribute `extensionName`, written
//! `<attribute>=<value>` with the attribute name of the table above, e.g.
//! `ectisrv3CTIServices=776`, `ectisrv3CTIEnabled=TRUE`, `ectisrv3CTILines=201§202`.
//! - Names are matched case-insensitively; values that do not start with `ectisrv3` and contain
//!   `=` belong to other applications and are never touched; `ectisrv3…` names this crate does not
//!   know are kept too.
//! - Multi-valued settings (`ectisrv3UserPermissions`) repeat the name, one value per grantee.
//! - `§`-lists (`ectisrv3CTILines`, `ectisrv3PropertyBag`) are one value, split into several values
//!   of the same name when longer than 255 characters (AD's `extensionName` limit); reading
//!   concatenates all values of the name in the order the server returns them.
//!
//! # Write-back semantics
//! A write-back is a patch: `Some(value)` / a non-empty list replaces the setting, `None` / an
//! empty list leaves it as it is in the directory, and the fields named in `clear` are removed
//! (as is a `Some("")` text). Fields that do not exist for the object's kind are ignored.

use crate::entry::Entry;
use crate::model::{CtiAttributes, DirComputer, DirGroup, DirUser, UserPermission};
use crate::settings::{Mode, ObjectKind};

/// Separator of `ectisrv3CTILines` and `ectisrv3PropertyBag` entries.
pub const LIST_SEPARATOR: char = '§';
/// The reserved multi-valued attribute used when the schema is not extended.
pub const RESERVED_ATTRIBUTE: &str = "extensionName";
/// The attribute that receives the user's SIP address.
pub const PROXY_ADDRESSES: &str = "proxyAddresses";
/// Longest `extensionName` value Active Directory accepts (rangeUpper 255).
pub const RESERVED_VALUE_MAX: usize = 255;

/// One CTI setting, named after its [`CtiAttributes`] field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CtiField {
    /// `ectisrv3CTIEnabled`
    Enabled,
    /// `ectisrv3SchemaVersion`
    SchemaVersion,
    /// `ectisrv3UserSipUri`
    SipUri,
    /// `ectisrv3CTIPhonePrimary`
    PhonePrimary,
    /// `ectisrv3CTIPhoneSecondary`
    PhoneSecondary,
    /// `ectisrv3UserPhoneMailbox`
    Mailbox,
    /// `ectisrv3UserPhoneRecordingServer`
    RecordingServer,
    /// `ectisrv3CTILines`
    Lines,
    /// `ectisrv3CTILinesPermissions`
    LinesPermissions,
    /// `ectisrv3CTIServices`
    Services,
    /// `ectisrv3CTIServices2`
    Services2,
    /// `ectisrv3UserPassword` / `ectisrv3ComputerPassword`
    Password,
    /// `ectisrv3UserPermissions`
    Permissions,
    /// `ectisrv3PropertyBag`
    PropertyBag,
    /// `ectisrv3UserHomeServer`
    HomeServer,
    /// `ectisrv3GroupLeaderDN`
    LeaderDn,
    /// `ectisrv3GroupDeputyDN`
    DeputyDn,
    /// `ectisrv3GroupLeaderPermissions`
    LeaderPermissions,
    /// `ectisrv3GroupMembersPermissions`
    MembersPermissions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Bool,
    Int,
    Text,
    List,
    Multi,
}

impl CtiField {
    /// Every field, in the order they are written.
    pub const ALL: [CtiField; 19] = [
        CtiField::Enabled,
        CtiField::SchemaVersion,
        CtiField::SipUri,
        CtiField::PhonePrimary,
        CtiField::PhoneSecondary,
        CtiField::Mailbox,
        CtiField::RecordingServer,
        CtiField::Lines,
        CtiField::LinesPermissions,
        CtiField::Services,
        CtiField::Services2,
        CtiField::Password,
        CtiField::Permissions,
        CtiField::PropertyBag,
        CtiField::HomeServer,
        CtiField::LeaderDn,
        CtiField::DeputyDn,
        CtiField::LeaderPermissions,
        CtiField::MembersPermissions,
    ];

    /// The attribute name (schema mode) / `extensionName` key (reserved mode) for `kind`.
    pub fn attribute(self, kind: ObjectKind) -> &'static str {
        match self {
            CtiField::Enabled => "ectisrv3CTIEnabled",
            CtiField::SchemaVersion => "ectisrv3SchemaVersion",
            CtiField::SipUri => "ectisrv3UserSipUri",
            CtiField::PhonePrimary => "ectisrv3CTIPhonePrimary",
            CtiField::PhoneSecondary => "ectisrv3CTIPhoneSecondary",
            CtiField::Mailbox => "ectisrv3UserPhoneMailbox",
            CtiField::RecordingServer => "ectisrv3UserPhoneRecordingServer",
            CtiField::Lines => "ectisrv3CTILines",
            CtiField::LinesPermissions => "ectisrv3CTILinesPermissions",
            CtiField::Services => "ectisrv3CTIServices",
            CtiField::Services2 => "ectisrv3CTIServices2",
            CtiField::Password => {
                if kind == ObjectKind::Computer {
                    "ectisrv3ComputerPassword"
                } else {
                    "ectisrv3UserPassword"
                }
            }
            CtiField::Permissions => "ectisrv3UserPermissions",
            CtiField::PropertyBag => "ectisrv3PropertyBag",
            CtiField::HomeServer => "ectisrv3UserHomeServer",
            CtiField::LeaderDn => "ectisrv3GroupLeaderDN",
            CtiField::DeputyDn => "ectisrv3GroupDeputyDN",
            CtiField::LeaderPermissions => "ectisrv3GroupLeaderPermissions",
            CtiField::MembersPermissions => "ectisrv3GroupMembersPermissions",
        }
    }

    /// Whether the field exists for `kind` (seed 004, section 5).
    pub fn applies_to(self, kind: ObjectKind) -> bool {
        use CtiField::*;
        match kind {
            ObjectKind::User => !matches!(
                self,
                LeaderDn | DeputyDn | LeaderPermissions | MembersPermissions
            ),
            ObjectKind::Group => matches!(
                self,
                Enabled
                    | SchemaVersion
                    | Services
                    | Services2
                    | SipUri
                    | PropertyBag
                    | LeaderDn
                    | DeputyDn
                    | LeaderPermissions
                    | MembersPermissions
            ),
            ObjectKind::Computer => matches!(
                self,
                Enabled
                    | SchemaVersion
                    | PhonePrimary
                    | PhoneSecondary
                    | LinesPermissions
                    | Lines
                    | Password
                    | PropertyBag
            ),
        }
    }

    /// The fields of `kind`.
    pub fn for_kind(kind: ObjectKind) -> impl Iterator<Item = CtiField> {
        CtiField::ALL
            .into_iter()
            .filter(move |f| f.applies_to(kind))
    }

    fn shape(self) -> Shape {
        match self {
            CtiField::Enabled => Shape::Bool,
            CtiField::SchemaVersion
            | CtiField::LinesPermissions
            | CtiField::Services
            | CtiField::Services2 => Shape::Int,
            CtiField::Lines | CtiField::PropertyBag => Shape::List,
            CtiField::Permissions => Shape::Multi,
            _ => Shape::Text,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// value formats

/// Parses an integer bit field: decimal, negative decimal (signed 32-bit, two's complement) or
/// `0x` hexadecimal. None when it is none of these or out of 32-bit range.
pub fn parse_int(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    let v: i64 = t.parse().ok()?;
    if (i64::from(i32::MIN)..=i64::from(u32::MAX)).contains(&v) {
        Some(v as u32)
    } else {
        None
    }
}

/// Formats a bit field as Active Directory's signed 32-bit INTEGER (`776`; bit 31 → negative).
pub fn format_int(value: u32) -> String {
    (value as i32).to_string()
}

/// Parses `TRUE`/`FALSE`/`1`/`0` (case-insensitive, `yes`/`no` too).
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// Formats a boolean as LDAP's `TRUE` / `FALSE`.
pub fn format_bool(value: bool) -> &'static str {
    if value { "TRUE" } else { "FALSE" }
}

/// Splits a `§`-separated list, trimming entries and dropping empty ones.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Joins a list with `§` (empty entries dropped).
pub fn join_list(items: &[String]) -> String {
    let mut out = String::new();
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.is_empty() {
            out.push(LIST_SEPARATOR);
        }
        out.push_str(item);
    }
    out
}

/// Parses one `ectisrv3UserPermissions` value: `user;presence;primary;secondary` with the rights
/// in hex (`0x` optional). Quotes around parts and a trailing `§` are tolerated; missing trailing
/// rights count as 0. None when the grantee is empty or a right is not a number.
pub fn parse_user_permission(text: &str) -> Option<UserPermission> {
    let text = text.trim().trim_end_matches(LIST_SEPARATOR).trim();
    let mut parts = text.split(';').map(|p| p.trim().trim_matches('"').trim());
    let grantee = parts.next()?.to_string();
    if grantee.is_empty() {
        return None;
    }
    let mut rights = [0u32; 3];
    for slot in &mut rights {
        match parts.next() {
            None => break,
            Some("") => {}
            Some(p) => {
                let hex = p
                    .strip_prefix("0x")
                    .or_else(|| p.strip_prefix("0X"))
                    .unwrap_or(p);
                *slot = u32::from_str_radix(hex, 16).ok()?;
            }
        }
    }
    if parts.next().is_some() {
        return None;
    }
    Some(UserPermission {
        grantee,
        presence: rights[0],
        primary_line: rights[1],
        secondary_line: rights[2],
    })
}

/// Formats a permission as `user;0x00000003;0x00000203;0x00000000`.
pub fn format_user_permission(p: &UserPermission) -> String {
    format!(
        "{};0x{:08X};0x{:08X};0x{:08X}",
        p.grantee, p.presence, p.primary_line, p.secondary_line
    )
}

/// Active Directory's text form of a 16-byte `objectGUID` (the first three groups are stored
/// little-endian): bytes `ff 19 96 6f 86 8b 11 d0 …` → `6f9619ff-8b86-d011-…`.
pub fn ad_guid_to_string(bytes: &[u8; 16]) -> String {
    let b = bytes;
    format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[3],
        b[2],
        b[1],
        b[0],
        b[5],
        b[4],
        b[7],
        b[6],
        b[8],
        b[9],
        b[10],
        b[11],
        b[12],
        b[13],
        b[14],
        b[15]
    )
}

/// The entry's stable id: `objectGUID` (16 bytes → AD text form; a GUID already stored as text
/// is kept; anything else → hex), else `entryUUID`, lower case.
pub fn guid_of(entry: &Entry) -> Option<String> {
    if let Some(raw) = entry.bytes("objectGUID") {
        if let Ok(arr) = <&[u8; 16]>::try_from(raw) {
            return Some(ad_guid_to_string(arr));
        }
        if let Ok(text) = std::str::from_utf8(raw) {
            if looks_like_uuid(text.trim()) {
                return Some(text.trim().to_ascii_lowercase());
            }
        }
        return Some(raw.iter().map(|b| format!("{b:02x}")).collect());
    }
    entry.text("entryUUID").map(|s| s.to_ascii_lowercase())
}

fn looks_like_uuid(s: &str) -> bool {
    let s = s.trim_start_matches('{').trim_end_matches('}');
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

// ---------------------------------------------------------------------------------------------
// reading

/// The attributes to request for `kind` in `mode` (the server ignores names it does not know).
pub fn requested_attributes(kind: ObjectKind, mode: Mode) -> Vec<&'static str> {
    let mut attrs: Vec<&'static str> = match kind {
        ObjectKind::User => vec![
            "sAMAccountName",
            "uid",
            "cn",
            "userPrincipalName",
            "objectGUID",
            "entryUUID",
            "givenName",
            "sn",
            "displayName",
            "mail",
            "telephoneNumber",
            "otherTelephone",
            "homePhone",
            "mobile",
            "pager",
            "company",
            "o",
            "title",
            "physicalDeliveryOfficeName",
            "streetAddress",
            "street",
            "postalCode",
            "l",
            "st",
            "co",
            "c",
            "wWWHomePage",
            "labeledURI",
            "thumbnailPhoto",
            "jpegPhoto",
            "memberOf",
            PROXY_ADDRESSES,
        ],
        ObjectKind::Group => vec![
            "sAMAccountName",
            "cn",
            "objectGUID",
            "entryUUID",
            "member",
            "uniqueMember",
            "mail",
        ],
        ObjectKind::Computer => vec!["sAMAccountName", "cn", "objectGUID", "entryUUID"],
    };
    match mode {
        Mode::Schema => {
            for f in CtiField::for_kind(kind) {
                attrs.push(f.attribute(kind));
            }
        }
        Mode::Reserved => attrs.push(RESERVED_ATTRIBUTE),
    }
    attrs
}

fn first_nonblank(values: &[String]) -> Option<String> {
    values
        .iter()
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

fn apply(cti: &mut CtiAttributes, field: CtiField, values: &[String], dn: &str, kind: ObjectKind) {
    let bad = |what: &str, v: &str| {
        tracing::warn!(
            dn,
            attribute = field.attribute(kind),
            value = v,
            "ignoring a {what} that cannot be read"
        );
    };
    match field.shape() {
        Shape::Bool => {
            if let Some(v) = first_nonblank(values) {
                match parse_bool(&v) {
                    Some(b) => cti.enabled = Some(b),
                    None => bad("boolean", &v),
                }
            }
        }
        Shape::Int => {
            if let Some(v) = first_nonblank(values) {
                match parse_int(&v) {
                    Some(n) => *int_slot(cti, field) = Some(n),
                    None => bad("number", &v),
                }
            }
        }
        Shape::Text => {
            if let Some(v) = first_nonblank(values) {
                *text_slot(cti, field) = Some(v);
            }
        }
        Shape::List => {
            let list: Vec<String> = values.iter().flat_map(|v| split_list(v)).collect();
            *list_slot(cti, field) = list;
        }
        Shape::Multi => {
            cti.permissions = values
                .iter()
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect();
        }
    }
}

fn int_slot(cti: &mut CtiAttributes, field: CtiField) -> &mut Option<u32> {
    match field {
        CtiField::SchemaVersion => &mut cti.schema_version,
        CtiField::LinesPermissions => &mut cti.lines_permissions,
        CtiField::Services2 => &mut cti.services2,
        _ => &mut cti.services,
    }
}

fn text_slot(cti: &mut CtiAttributes, field: CtiField) -> &mut Option<String> {
    match field {
        CtiField::SipUri => &mut cti.sip_uri,
        CtiField::PhonePrimary => &mut cti.phone_primary,
        CtiField::PhoneSecondary => &mut cti.phone_secondary,
        CtiField::Mailbox => &mut cti.mailbox,
        CtiField::RecordingServer => &mut cti.recording_server,
        CtiField::Password => &mut cti.password,
        CtiField::HomeServer => &mut cti.home_server,
        CtiField::LeaderDn => &mut cti.leader_dn,
        CtiField::DeputyDn => &mut cti.deputy_dn,
        CtiField::LeaderPermissions => &mut cti.leader_permissions,
        _ => &mut cti.members_permissions,
    }
}

fn list_slot(cti: &mut CtiAttributes, field: CtiField) -> &mut Vec<String> {
    match field {
        CtiField::Lines => &mut cti.lines,
        _ => &mut cti.property_bag,
    }
}

/// Schema mode: reads the `ectisrv3*` attributes of `kind` from the entry.
pub fn cti_from_schema(entry: &Entry, kind: ObjectKind) -> CtiAttributes {
    let mut cti = CtiAttributes::default();
    for field in CtiField::for_kind(kind) {
        let values = entry.texts(field.attribute(kind));
        if !values.is_empty() {
            apply(&mut cti, field, &values, entry.dn(), kind);
        }
    }
    cti
}

/// Splits an `extensionName` value into `(name, value)` when it is an `ectisrv3<Name>=<value>`
/// setting; None for other applications' values.
pub fn parse_reserved_value(value: &str) -> Option<(&str, &str)> {
    let (name, v) = value.split_once('=')?;
    let name = name.trim();
    let is_ours = name.len() > 8
        && name.is_char_boundary(8)
        && name[..8].eq_ignore_ascii_case("ectisrv3")
        && name.bytes().all(|b| b.is_ascii_alphanumeric());
    is_ours.then(|| (name, v.trim()))
}

/// Reserved mode: reads the `ectisrv3<Name>=<value>` settings of `kind` out of the values of
/// `extensionName`, ignoring every other value.
pub fn cti_from_reserved(values: &[String], kind: ObjectKind, dn: &str) -> CtiAttributes {
    let mut cti = CtiAttributes::default();
    for field in CtiField::for_kind(kind) {
        let name = field.attribute(kind);
        let mine: Vec<String> = values
            .iter()
            .filter_map(|v| parse_reserved_value(v))
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_string())
            .collect();
        if !mine.is_empty() {
            apply(&mut cti, field, &mine, dn, kind);
        }
    }
    cti
}

/// The CTI settings of an entry in either mode.
pub fn cti_from_entry(entry: &Entry, kind: ObjectKind, mode: Mode) -> CtiAttributes {
    match mode {
        Mode::Schema => cti_from_schema(entry, kind),
        Mode::Reserved => cti_from_reserved(&entry.texts(RESERVED_ATTRIBUTE), kind, entry.dn()),
    }
}

/// Maps a user entry; Err(reason) when it has no login name.
pub fn user_from_entry(entry: &Entry, mode: Mode) -> Result<DirUser, String> {
    let login = entry
        .text_of(&["sAMAccountName", "uid"])
        .ok_or_else(|| "no sAMAccountName and no uid (no login name)".to_string())?;
    Ok(DirUser {
        dn: entry.dn().to_string(),
        guid: guid_of(entry),
        login,
        principal: entry.text("userPrincipalName"),
        first_name: entry.text("givenName"),
        last_name: entry.text("sn"),
        display_name: entry.text_of(&["displayName", "cn"]),
        email: entry.text("mail"),
        telephone: entry.text("telephoneNumber"),
        other_telephone: entry.text("otherTelephone"),
        home_phone: entry.text("homePhone"),
        mobile: entry.text("mobile"),
        pager: entry.text("pager"),
        company: entry.text_of(&["company", "o"]),
        title: entry.text("title"),
        office: entry.text("physicalDeliveryOfficeName"),
        street: entry.text_of(&["streetAddress", "street"]),
        postal_code: entry.text("postalCode"),
        city: entry.text("l"),
        state: entry.text("st"),
        country: entry.text_of(&["co", "friendlyCountryName", "c"]),
        web: entry.text_of(&["wWWHomePage", "labeledURI"]),
        thumbnail: entry
            .bytes("thumbnailPhoto")
            .or_else(|| entry.bytes("jpegPhoto"))
            .map(<[u8]>::to_vec),
        member_of: nonblank(entry.texts("memberOf")),
        proxy_addresses: nonblank(entry.texts(PROXY_ADDRESSES)),
        cti: cti_from_entry(entry, ObjectKind::User, mode),
    })
}

/// Maps a group entry; Err(reason) when it has no name.
pub fn group_from_entry(entry: &Entry, mode: Mode) -> Result<DirGroup, String> {
    let name = entry
        .text_of(&["sAMAccountName", "cn"])
        .ok_or_else(|| "no sAMAccountName and no cn (no group name)".to_string())?;
    let mut members = nonblank(entry.texts("member"));
    members.extend(
        nonblank(entry.texts("uniqueMember"))
            .into_iter()
            .map(|m| strip_unique_member_uid(&m).to_string()),
    );
    Ok(DirGroup {
        dn: entry.dn().to_string(),
        guid: guid_of(entry),
        name,
        members,
        email: entry.text("mail"),
        cti: cti_from_entry(entry, ObjectKind::Group, mode),
    })
}

/// Maps a computer entry; Err(reason) when it has no name.
pub fn computer_from_entry(entry: &Entry, mode: Mode) -> Result<DirComputer, String> {
    let name = entry
        .text("sAMAccountName")
        .map(|n| n.trim_end_matches('$').to_string())
        .filter(|n| !n.is_empty())
        .or_else(|| entry.text("cn"))
        .ok_or_else(|| "no sAMAccountName and no cn (no computer name)".to_string())?;
    Ok(DirComputer {
        dn: entry.dn().to_string(),
        guid: guid_of(entry),
        name,
        cti: cti_from_entry(entry, ObjectKind::Computer, mode),
    })
}

fn nonblank(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// `uniqueMember` may carry an optional unique id: `cn=x,dc=y#'0101'B`.
fn strip_unique_member_uid(value: &str) -> &str {
    if let Some(idx) = value.rfind("#'") {
        let tail = &value[idx + 2..];
        if let Some(bits) = tail.strip_suffix("'B") {
            if bits.bytes().all(|b| b == b'0' || b == b'1') {
                return &value[..idx];
            }
        }
    }
    value
}

// ---------------------------------------------------------------------------------------------
// writing

/// What the patch says about one field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Desired {
    Keep,
    Set(Vec<String>),
    Clear,
}

fn desired(cti: &CtiAttributes, field: CtiField, clear: &[CtiField]) -> Desired {
    if clear.contains(&field) {
        return Desired::Clear;
    }
    let text = |v: &Option<String>| match v {
        None => Desired::Keep,
        Some(s) if s.trim().is_empty() => Desired::Clear,
        Some(s) => Desired::Set(vec![s.trim().to_string()]),
    };
    let int = |v: Option<u32>| match v {
        None => Desired::Keep,
        Some(n) => Desired::Set(vec![format_int(n)]),
    };
    let list = |v: &[String]| {
        let joined = join_list(v);
        if joined.is_empty() {
            Desired::Keep
        } else {
            Desired::Set(vec![joined])
        }
    };
    match field {
        CtiField::Enabled => match cti.enabled {
            None => Desired::Keep,
            Some(b) => Desired::Set(vec![format_bool(b).to_string()]),
        },
        CtiField::SchemaVersion => int(cti.schema_version),
        CtiField::LinesPermissions => int(cti.lines_permissions),
        CtiField::Services => int(cti.services),
        CtiField::Services2 => int(cti.services2),
        CtiField::SipUri => text(&cti.sip_uri),
        CtiField::PhonePrimary => text(&cti.phone_primary),
        CtiField::PhoneSecondary => text(&cti.phone_secondary),
        CtiField::Mailbox => text(&cti.mailbox),
        CtiField::RecordingServer => text(&cti.recording_server),
        CtiField::Password => text(&cti.password),
        CtiField::HomeServer => text(&cti.home_server),
        CtiField::LeaderDn => text(&cti.leader_dn),
        CtiField::DeputyDn => text(&cti.deputy_dn),
        CtiField::LeaderPermissions => text(&cti.leader_permissions),
        CtiField::MembersPermissions => text(&cti.members_permissions),
        CtiField::Lines => list(&cti.lines),
        CtiField::PropertyBag => list(&cti.property_bag),
        CtiField::Permissions => {
            let values = dedup_ignore_case(
                cti.permissions
                    .iter()
                    .map(|p| p.trim())
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            );
            if values.is_empty() {
                Desired::Keep
            } else {
                Desired::Set(values)
            }
        }
    }
}

fn dedup_ignore_case(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&v)) {
            out.push(v);
        }
    }
    out
}

/// One attribute to replace in schema mode; `values` empty = remove the attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeChange {
    /// The `ectisrv3*` attribute.
    pub attribute: &'static str,
    /// Its new values (empty: delete it).
    pub values: Vec<String>,
}

/// Schema mode: the attribute replacements for a write-back of `cti` (see the module docs for
/// the patch semantics).
pub fn schema_changes(
    kind: ObjectKind,
    cti: &CtiAttributes,
    clear: &[CtiField],
) -> Vec<AttributeChange> {
    CtiField::for_kind(kind)
        .filter_map(|field| {
            let values = match desired(cti, field, clear) {
                Desired::Keep => return None,
                Desired::Set(v) => v,
                Desired::Clear => Vec::new(),
            };
            Some(AttributeChange {
                attribute: field.attribute(kind),
                values,
            })
        })
        .collect()
}

/// Values to delete from and add to `extensionName` (reserved mode).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueChanges {
    /// Existing values to delete, exactly as the server returned them.
    pub remove: Vec<String>,
    /// New values to add.
    pub add: Vec<String>,
}

impl ValueChanges {
    /// True when nothing changes.
    pub fn is_empty(&self) -> bool {
        self.remove.is_empty() && self.add.is_empty()
    }
}

/// Formats one reserved-mode setting; `§`-lists longer than [`RESERVED_VALUE_MAX`] are split
/// into several values of the same name at `§` boundaries.
fn reserved_values(name: &str, field: CtiField, values: &[String]) -> Vec<String> {
    if field.shape() != Shape::List {
        return values.iter().map(|v| format!("{name}={v}")).collect();
    }
    let prefix_len = name.chars().count() + 1;
    let mut out = Vec::new();
    for joined in values {
        let mut current = String::new();
        for item in split_list(joined) {
            let extra = item.chars().count() + usize::from(!current.is_empty());
            if !current.is_empty()
                && prefix_len + current.chars().count() + extra > RESERVED_VALUE_MAX
            {
                out.push(format!("{name}={current}"));
                current.clear();
            }
            if !current.is_empty() {
                current.push(LIST_SEPARATOR);
            }
            current.push_str(&item);
        }
        if !current.is_empty() {
            out.push(format!("{name}={current}"));
        }
    }
    out
}

/// Reserved mode: every `extensionName` value that represents `cti` for `kind` (all set fields).
pub fn cti_to_reserved(kind: ObjectKind, cti: &CtiAttributes) -> Vec<String> {
    CtiField::for_kind(kind)
        .flat_map(|field| match desired(cti, field, &[]) {
            Desired::Set(values) => reserved_values(field.attribute(kind), field, &values),
            _ => Vec::new(),
        })
        .collect()
}

/// Reserved mode: what to delete from and add to `extensionName` so that the settings named by
/// the patch have their new values. Only values `ectisrv3<Name>=…` of the fields being written or
/// cleared are removed; every other value (other applications', unknown `ectisrv3` names,
/// untouched settings) stays. A setting whose values are already right is left alone.
pub fn reserved_changes(
    current: &[String],
    kind: ObjectKind,
    cti: &CtiAttributes,
    clear: &[CtiField],
) -> ValueChanges {
    let mut changes = ValueChanges::default();
    for field in CtiField::for_kind(kind) {
        let new = match desired(cti, field, clear) {
            Desired::Keep => continue,
            Desired::Set(values) => reserved_values(field.attribute(kind), field, &values),
            Desired::Clear => Vec::new(),
        };
        let name = field.attribute(kind);
        let old: Vec<&String> = current
            .iter()
            .filter(
                |v| matches!(parse_reserved_value(v), Some((n, _)) if n.eq_ignore_ascii_case(name)),
            )
            .collect();
        let same = old.len() == new.len() && old.iter().zip(&new).all(|(o, n)| *o == n);
        if same {
            continue;
        }
        changes.remove.extend(old.into_iter().cloned());
        changes.add.extend(new);
    }
    changes
}

/// The `proxyAddresses` value to add for `sip_address` (with or without `sip:`), or None when
/// an equal address is already there (prefix and address compared case-insensitively) or the
/// address is empty. Exchange's convention is followed: the upper-case prefix `SIP:` marks the
/// primary address of its type, so a user's first SIP address is added as `SIP:user@domain`,
/// a further one as `sip:user@domain`. Other values are never changed.
pub fn proxy_address_to_add(current: &[String], sip_address: &str) -> Option<String> {
    let address = strip_sip(sip_address.trim()).trim();
    if address.is_empty() {
        return None;
    }
    let mut has_sip = false;
    for value in current {
        let value = value.trim();
        if value.len() >= 4 && value.is_char_boundary(4) && value[..4].eq_ignore_ascii_case("sip:")
        {
            has_sip = true;
            if value[4..].trim().eq_ignore_ascii_case(address) {
                return None;
            }
        }
    }
    Some(if has_sip {
        format!("sip:{address}")
    } else {
        format!("SIP:{address}")
    })
}

fn strip_sip(s: &str) -> &str {
    if s.len() >= 4 && s.is_char_boundary(4) && s[..4].eq_ignore_ascii_case("sip:") {
        &s[4..]
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_booleans() {
        assert_eq!(parse_int("776"), Some(776));
        assert_eq!(parse_int(" 0x308 "), Some(0x308));
        assert_eq!(parse_int("0X04000000"), Some(0x0400_0000));
        assert_eq!(parse_int("-2147483648"), Some(0x8000_0000));
        assert_eq!(parse_int("-1"), Some(u32::MAX));
        assert_eq!(parse_int("4294967295"), Some(u32::MAX));
        assert_eq!(parse_int("4294967296"), None);
        assert_eq!(parse_int("-2147483649"), None);
        assert_eq!(parse_int("0xZZ"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("12abc"), None);
        assert_eq!(format_int(776), "776");
        assert_eq!(format_int(0x8000_0000), "-2147483648");
        for (t, b) in [
            ("TRUE", true),
            ("false", false),
            ("1", true),
            ("0", false),
            (" True ", true),
        ] {
            assert_eq!(parse_bool(t), Some(b), "{t}");
        }
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(format_bool(true), "TRUE");
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_list("201§ 202 §§+49301234203"),
            vec!["201", "202", "+49301234203"]
        );
        assert!(split_list("").is_empty());
        assert_eq!(join_list(&["1".into(), " ".into(), "2".into()]), "1§2");
    }

    #[test]
    fn user_permissions() {
        let p = parse_user_permission("bob;0x00000003;0x00000203;0x00000000").unwrap();
        assert_eq!(
            p,
            UserPermission {
                grantee: "bob".into(),
                presence: 3,
                primary_line: 0x203,
                secondary_line: 0
            }
        );
        assert_eq!(
            format_user_permission(&p),
            "bob;0x00000003;0x00000203;0x00000000"
        );
        let q = parse_user_permission("\"uid=x,dc=y\";\"33\";\"307\";\"3\"§").unwrap();
        assert_eq!(
            (
                q.grantee.as_str(),
                q.presence,
                q.primary_line,
                q.secondary_line
            ),
            ("uid=x,dc=y", 0x33, 0x307, 3)
        );
        assert_eq!(parse_user_permission("carol;1").unwrap().primary_line, 0);
        assert_eq!(parse_user_permission(";1;2;3"), None);
        assert_eq!(parse_user_permission("a;zz;1;1"), None);
        assert_eq!(parse_user_permission("a;1;1;1;1"), None);
    }

    #[test]
    fn guids() {
        let bytes = [
            0xff, 0x19, 0x96, 0x6f, 0x86, 0x8b, 0x11, 0xd0, 0xb4, 0x2d, 0x00, 0xc0, 0x4f, 0xc9,
            0x64, 0xff,
        ];
        assert_eq!(
            ad_guid_to_string(&bytes),
            "6f9619ff-8b86-d011-b42d-00c04fc964ff"
        );
        let e = Entry::new("x").with("objectGUID", [bytes]);
        assert_eq!(guid_of(&e).unwrap(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
        let e = Entry::new("x").with("entryUUID", ["B0B003DE-7B0F-1041-90E6-E3C147E73315"]);
        assert_eq!(guid_of(&e).unwrap(), "b0b003de-7b0f-1041-90e6-e3c147e73315");
        let e = Entry::new("x").with("objectGUID", ["6F9619FF-8B86-D011-B42D-00C04FC964FF"]);
        assert_eq!(guid_of(&e).unwrap(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
        let e = Entry::new("x").with("objectGUID", [[1u8, 2, 0xab]]);
        assert_eq!(guid_of(&e).unwrap(), "0102ab");
        assert_eq!(guid_of(&Entry::new("x")), None);
    }

    fn full_user_cti() -> CtiAttributes {
        CtiAttributes {
            enabled: Some(true),
            schema_version: Some(6),
            sip_uri: Some("sip:alice@test.local".into()),
            phone_primary: Some("101".into()),
            phone_secondary: Some("102".into()),
            mailbox: Some("147".into()),
            recording_server: Some("199".into()),
            lines: vec!["201".into(), "202".into()],
            lines_permissions: Some(0x834),
            services: Some(776),
            services2: Some(6),
            password: Some("b3BhcXVl".into()),
            permissions: vec!["bob;0x3;0x203;0x0".into(), "dave;0x1;0x0;0x0".into()],
            property_bag: vec!["color=blue".into(), "lang=de".into()],
            home_server: Some("cti1".into()),
            ..CtiAttributes::default()
        }
    }

    fn schema_entry(kind: ObjectKind, cti: &CtiAttributes) -> Entry {
        let mut e = Entry::new("uid=alice,dc=x");
        for change in schema_changes(kind, cti, &[]) {
            for v in change.values {
                e.push(change.attribute, v.into_bytes());
            }
        }
        e
    }

    #[test]
    fn schema_mode_round_trip_per_kind() {
        let cti = full_user_cti();
        let e = schema_entry(ObjectKind::User, &cti);
        assert_eq!(cti_from_schema(&e, ObjectKind::User), cti);
        assert_eq!(e.text("ectisrv3CTILines").unwrap(), "201§202");
        assert_eq!(e.text("ectisrv3CTIServices").unwrap(), "776");

        let group = CtiAttributes {
            enabled: Some(true),
            services: Some(0xd000),
            services2: Some(0x40),
            leader_dn: Some("uid=alice,dc=x".into()),
            deputy_dn: Some("uid=dave,dc=x".into()),
            leader_permissions: Some("*;0x33;0x307;0x3".into()),
            members_permissions: Some("*;0x1;0x0;0x0".into()),
            sip_uri: Some("sip:g@x".into()),
            property_bag: vec!["portal=1".into()],
            ..CtiAttributes::default()
        };
        let e = schema_entry(ObjectKind::Group, &group);
        assert_eq!(cti_from_schema(&e, ObjectKind::Group), group);

        let computer = CtiAttributes {
            enabled: Some(false),
            phone_primary: Some("301".into()),
            lines: vec!["*".into()],
            lines_permissions: Some(0x200),
            password: Some("pc".into()),
            ..CtiAttributes::default()
        };
        let e = schema_entry(ObjectKind::Computer, &computer);
        assert!(e.text("ectisrv3ComputerPassword").is_some());
        assert!(e.text("ectisrv3UserPassword").is_none());
        assert_eq!(cti_from_schema(&e, ObjectKind::Computer), computer);
    }

    #[test]
    fn schema_changes_are_a_patch() {
        let cti = CtiAttributes {
            services: Some(8),
            mailbox: Some(" ".into()),
            leader_dn: Some("ignored for users".into()),
            ..CtiAttributes::default()
        };
        let changes = schema_changes(ObjectKind::User, &cti, &[CtiField::Lines]);
        assert_eq!(
            changes,
            vec![
                AttributeChange {
                    attribute: "ectisrv3UserPhoneMailbox",
                    values: vec![]
                },
                AttributeChange {
                    attribute: "ectisrv3CTILines",
                    values: vec![]
                },
                AttributeChange {
                    attribute: "ectisrv3CTIServices",
                    values: vec!["8".into()]
                },
            ]
        );
        assert!(schema_changes(ObjectKind::Group, &CtiAttributes::default(), &[]).is_empty());
    }

    #[test]
    fn malformed_schema_values_are_ignored() {
        let e = Entry::new("uid=x")
            .with("ectisrv3CTIServices", ["lots"])
            .with("ectisrv3CTIEnabled", ["perhaps"])
            .with("ectisrv3CTIServices2", ["0x10"])
            .with("ectisrv3CTILines", [&[0xffu8, b'1'][..]]);
        let cti = cti_from_schema(&e, ObjectKind::User);
        assert_eq!(cti.services, None);
        assert_eq!(cti.enabled, None);
        assert_eq!(cti.services2, Some(16));
        assert_eq!(cti.lines, vec!["\u{fffd}1"]);
    }

    #[test]
    fn reserved_mode_reads_only_our_values() {
        let values: Vec<String> = [
            "ectisrv3CTIEnabled=TRUE",
            "otherapp:setting=1",
            "ECTISRV3CTISERVICES=0x308",
            "ectisrv3CTILines=201§202",
            "ectisrv3CTILines=203",
            "ectisrv3UserPermissions=bob;0x3;0x203;0x0",
            "ectisrv3UserPermissions=dave;0x1;0x0;0x0",
            "ectisrv3Unknown=5",
            "ectisrv3CTIServices2=garbage",
            "no equals sign",
            "ectisrv3UserSipUri=sip:a=b@x",
            "ectisrv3GroupLeaderDN=uid=alice,dc=x",
        ]
        .map(String::from)
        .to_vec();
        let cti = cti_from_reserved(&values, ObjectKind::User, "uid=a");
        assert_eq!(cti.enabled, Some(true));
        assert_eq!(cti.services, Some(0x308));
        assert_eq!(cti.services2, None);
        assert_eq!(cti.lines, vec!["201", "202", "203"]);
        assert_eq!(cti.permissions.len(), 2);
        assert_eq!(cti.sip_uri.as_deref(), Some("sip:a=b@x"));
        assert_eq!(cti.leader_dn, None, "group field not read for users");
        let g = cti_from_reserved(&values, ObjectKind::Group, "cn=g");
        assert_eq!(g.leader_dn.as_deref(), Some("uid=alice,dc=x"));
        assert!(g.lines.is_empty());
        assert_eq!(parse_reserved_value("otherapp:setting=1"), None);
        assert_eq!(parse_reserved_value("ectisrv3=1"), None);
        assert_eq!(parse_reserved_value("ectisrv3Foo Bar=1"), None);
        assert_eq!(
            parse_reserved_value("ectisrv3Foo = 1 "),
            Some(("ectisrv3Foo", "1"))
        );
    }

    #[test]
    fn reserved_mode_round_trip() {
        let cti = full_user_cti();
        let values = cti_to_reserved(ObjectKind::User, &cti);
        assert!(values.contains(&"ectisrv3CTIServices=776".to_string()));
        assert!(values.contains(&"ectisrv3CTIEnabled=TRUE".to_string()));
        assert!(values.contains(&"ectisrv3CTILines=201§202".to_string()));
        assert!(values.contains(&"ectisrv3UserPermissions=dave;0x1;0x0;0x0".to_string()));
        assert_eq!(cti_from_reserved(&values, ObjectKind::User, "x"), cti);
    }

    #[test]
    fn reserved_changes_keep_foreign_and_untouched_values() {
        let current: Vec<String> = [
            "otherapp:setting=1",
            "ectisrv3CTIEnabled=TRUE",
            "ectisrv3CTIServices=776",
            "ectisrv3CTILines=201§202",
            "ectisrv3UserPermissions=bob;0x3;0x203;0x0",
            "ectisrv3Future=keep me",
        ]
        .map(String::from)
        .to_vec();
        let patch = CtiAttributes {
            enabled: Some(true),
            services: Some(1800),
            lines: vec!["201".into(), "202".into()],
            permissions: vec!["bob;0x3;0x203;0x0".into(), "carol;0x1;0x0;0x0".into()],
            ..CtiAttributes::default()
        };
        let changes = reserved_changes(&current, ObjectKind::User, &patch, &[]);
        assert_eq!(
            changes.remove,
            vec![
                "ectisrv3CTIServices=776",
                "ectisrv3UserPermissions=bob;0x3;0x203;0x0"
            ]
        );
        assert_eq!(
            changes.add,
            vec![
                "ectisrv3CTIServices=1800",
                "ectisrv3UserPermissions=bob;0x3;0x203;0x0",
                "ectisrv3UserPermissions=carol;0x1;0x0;0x0"
            ]
        );
        let cleared = reserved_changes(
            &current,
            ObjectKind::User,
            &CtiAttributes::default(),
            &[CtiField::Lines, CtiField::Mailbox],
        );
        assert_eq!(cleared.remove, vec!["ectisrv3CTILines=201§202"]);
        assert!(cleared.add.is_empty());
        assert!(
            reserved_changes(&current, ObjectKind::User, &CtiAttributes::default(), &[]).is_empty()
        );
    }

    #[test]
    fn long_lists_are_split_for_active_directory() {
        let lines: Vec<String> = (0..60).map(|i| format!("+4930123{i:04}")).collect();
        let cti = CtiAttributes {
            lines: lines.clone(),
            ..CtiAttributes::default()
        };
        let values = cti_to_reserved(ObjectKind::User, &cti);
        assert!(values.len() > 1);
        assert!(
            values
                .iter()
                .all(|v| v.chars().count() <= RESERVED_VALUE_MAX),
            "{values:?}"
        );
        assert_eq!(
            cti_from_reserved(&values, ObjectKind::User, "x").lines,
            lines
        );
        // the schema attribute has no such limit: one value
        assert_eq!(
            schema_changes(ObjectKind::User, &cti, &[])[0].values.len(),
            1
        );
    }

    #[test]
    fn proxy_addresses() {
        let cur = vec![
            "SMTP:alice@test.local".to_string(),
            "smtp:a@test.local".to_string(),
        ];
        assert_eq!(
            proxy_address_to_add(&cur, "alice@test.local").as_deref(),
            Some("SIP:alice@test.local")
        );
        assert_eq!(
            proxy_address_to_add(&cur, "sip:alice@test.local").as_deref(),
            Some("SIP:alice@test.local")
        );
        let with = vec!["sip:Alice@Test.Local".to_string()];
        assert_eq!(proxy_address_to_add(&with, "SIP:alice@test.local"), None);
        assert_eq!(
            proxy_address_to_add(&with, "alice2@test.local").as_deref(),
            Some("sip:alice2@test.local")
        );
        assert_eq!(proxy_address_to_add(&cur, " sip: "), None);
    }

    #[test]
    fn entries_map_to_objects() {
        let e = Entry::new("uid=dave,ou=people,dc=x")
            .with("uid", ["dave"])
            .with("cn", ["Dave Dorn"])
            .with("street", ["Main 1"])
            .with("jpegPhoto", [[0xffu8, 0xd8]])
            .with("memberOf", ["cn=a", " "])
            .with("ectisrv3CTIEnabled", ["TRUE"]);
        let u = user_from_entry(&e, Mode::Schema).unwrap();
        assert_eq!(u.login, "dave");
        assert_eq!(u.display_name.as_deref(), Some("Dave Dorn"));
        assert_eq!(u.street.as_deref(), Some("Main 1"));
        assert_eq!(u.thumbnail, Some(vec![0xff, 0xd8]));
        assert_eq!(u.member_of, vec!["cn=a"]);
        assert_eq!(u.cti.enabled, Some(true));
        // reserved mode ignores the schema attributes
        assert_eq!(
            user_from_entry(&e, Mode::Reserved).unwrap().cti,
            CtiAttributes::default()
        );
        assert!(user_from_entry(&Entry::new("cn=nobody").with("cn", ["x"]), Mode::Schema).is_err());

        let g = Entry::new("cn=g")
            .with("cn", ["g"])
            .with("member", ["uid=a"])
            .with("uniqueMember", ["uid=b#'0101'B", "uid=c#x"]);
        let g = group_from_entry(&g, Mode::Schema).unwrap();
        assert_eq!(g.members, vec!["uid=a", "uid=b", "uid=c#x"]);
        assert!(group_from_entry(&Entry::new("x"), Mode::Schema).is_err());

        let c = Entry::new("cn=PC01")
            .with("sAMAccountName", ["PC01$"])
            .with("cn", ["pc01"]);
        assert_eq!(computer_from_entry(&c, Mode::Schema).unwrap().name, "PC01");
        let c = Entry::new("cn=PC02")
            .with("sAMAccountName", ["$"])
            .with("cn", ["PC02"]);
        assert_eq!(computer_from_entry(&c, Mode::Schema).unwrap().name, "PC02");
    }

    #[test]
    fn requested_attributes_follow_the_mode() {
        let s = requested_attributes(ObjectKind::Computer, Mode::Schema);
        assert!(s.contains(&"ectisrv3ComputerPassword"));
        assert!(!s.contains(&"ectisrv3UserPassword"));
        assert!(!s.contains(&RESERVED_ATTRIBUTE));
        let r = requested_attributes(ObjectKind::User, Mode::Reserved);
        assert!(r.contains(&RESERVED_ATTRIBUTE));
        assert!(r.contains(&"memberOf"));
        assert!(!r.iter().any(|a| a.starts_with("ectisrv3")));
    }
}
