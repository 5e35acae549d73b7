//! Plain data read from (and written to) the directory. These types know nothing about the
//! store or the core's user model; the server maps them.

/// The CTI settings of a user, group or computer, wherever they are stored (the `ectisrv3*`
/// attributes, or the `extensionName` values). `None` / empty means "not set in the directory".
///
/// Which fields exist per kind (seed 004, section 5):
/// - user: everything except `leader_dn`, `deputy_dn`, `leader_permissions`, `members_permissions`;
/// - group: `enabled`, `schema_version`, `services`, `services2`, `sip_uri`, `property_bag` and the
///   four group fields;
/// - computer: `enabled`, `schema_version`, `phone_primary`, `phone_secondary`, `lines`,
///   `lines_permissions`, `password`, `property_bag`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CtiAttributes {
    /// `ectisrv3CTIEnabled`: the object is set up for CTI.
    pub enabled: Option<bool>,
    /// `ectisrv3SchemaVersion`.
    pub schema_version: Option<u32>,
    /// `ectisrv3UserSipUri`: federation identity (`sip:user@domain`).
    pub sip_uri: Option<String>,
    /// `ectisrv3CTIPhonePrimary`: first own phone (or the phone beside a computer).
    pub phone_primary: Option<String>,
    /// `ectisrv3CTIPhoneSecondary`: second own phone.
    pub phone_secondary: Option<String>,
    /// `ectisrv3UserPhoneMailbox`: voice mailbox number.
    pub mailbox: Option<String>,
    /// `ectisrv3UserPhoneRecordingServer`: external call recording number.
    pub recording_server: Option<String>,
    /// `ectisrv3CTILines`: additional lines (busy lamp field), or the multi-line TAPI lines of a
    /// computer (`*` = all); stored `§`-separated.
    pub lines: Vec<String>,
    /// `ectisrv3CTILinesPermissions`: LINEACCESS_* bits for `lines`.
    pub lines_permissions: Option<u32>,
    /// `ectisrv3CTIServices`: USERRIGHTS_* bits.
    pub services: Option<u32>,
    /// `ectisrv3CTIServices2`: USERRIGHTS2_* bits.
    pub services2: Option<u32>,
    /// `ectisrv3UserPassword` (users) or `ectisrv3ComputerPassword` (computers), opaque as stored.
    pub password: Option<String>,
    /// `ectisrv3UserPermissions`: raw values, one per grantee (see [`UserPermission`]).
    pub permissions: Vec<String>,
    /// `ectisrv3PropertyBag`: additional properties, stored `§`-separated.
    pub property_bag: Vec<String>,
    /// `ectisrv3UserHomeServer` (reserved for future use).
    pub home_server: Option<String>,
    /// `ectisrv3GroupLeaderDN` (groups).
    pub leader_dn: Option<String>,
    /// `ectisrv3GroupDeputyDN` (groups).
    pub deputy_dn: Option<String>,
    /// `ectisrv3GroupLeaderPermissions` (groups): one permission entry, raw.
    pub leader_permissions: Option<String>,
    /// `ectisrv3GroupMembersPermissions` (groups): one permission entry, raw.
    pub members_permissions: Option<String>,
}

impl CtiAttributes {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == CtiAttributes::default()
    }
}

/// One `ectisrv3UserPermissions` value (or a group leader / members permission):
/// `<user>;<presence rights>;<primary line rights>;<secondary line rights>` with the rights as
/// hexadecimal bit fields (UR_PRESENCE_*, UR_PHONE_*), parsed by
/// [`parse_user_permission`](crate::mapping::parse_user_permission).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPermission {
    /// Who receives the rights (a login name, a DN, or `*` in group entries), without quotes.
    pub grantee: String,
    /// UR_PRESENCE_* bits.
    pub presence: u32,
    /// UR_PHONE_* bits on the primary line.
    pub primary_line: u32,
    /// UR_PHONE_* bits on the secondary line.
    pub secondary_line: u32,
}

/// A user read from the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirUser {
    /// Distinguished name.
    pub dn: String,
    /// `objectGUID` (Active Directory, shown in AD's own text form) or `entryUUID` (OpenLDAP),
    /// as a lowercase UUID string.
    pub guid: Option<String>,
    /// Login name: `sAMAccountName`, else `uid`.
    pub login: String,
    /// `userPrincipalName`.
    pub principal: Option<String>,
    /// `givenName`.
    pub first_name: Option<String>,
    /// `sn`.
    pub last_name: Option<String>,
    /// `displayName`, else `cn`.
    pub display_name: Option<String>,
    /// `mail`.
    pub email: Option<String>,
    /// `telephoneNumber` (business).
    pub telephone: Option<String>,
    /// `otherTelephone` (business 2; first value).
    pub other_telephone: Option<String>,
    /// `homePhone`.
    pub home_phone: Option<String>,
    /// `mobile`.
    pub mobile: Option<String>,
    /// `pager`.
    pub pager: Option<String>,
    /// `company`, else `o`.
    pub company: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `physicalDeliveryOfficeName`.
    pub office: Option<String>,
    /// `streetAddress` (= `street` on OpenLDAP).
    pub street: Option<String>,
    /// `postalCode`.
    pub postal_code: Option<String>,
    /// `l`.
    pub city: Option<String>,
    /// `st`.
    pub state: Option<String>,
    /// `co` (country name), else `c`.
    pub country: Option<String>,
    /// `wWWHomePage`, else `labeledURI`.
    pub web: Option<String>,
    /// `thumbnailPhoto`, else `jpegPhoto`: the raw bytes (the store scales it).
    pub thumbnail: Option<Vec<u8>>,
    /// Group DNs from `memberOf` (AD, or OpenLDAP's memberof overlay); empty if the server has none.
    pub member_of: Vec<String>,
    /// `proxyAddresses` (where SIP addresses are written back).
    pub proxy_addresses: Vec<String>,
    /// The CTI settings.
    pub cti: CtiAttributes,
}

/// A group read from the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirGroup {
    /// Distinguished name.
    pub dn: String,
    /// `objectGUID` / `entryUUID`, as for users.
    pub guid: Option<String>,
    /// `sAMAccountName`, else `cn`.
    pub name: String,
    /// Member DNs (`member`, plus `uniqueMember` without its optional `#'…'B` suffix); on Active
    /// Directory all ranges of a large `member` attribute are fetched.
    pub members: Vec<String>,
    /// `mail`.
    pub email: Option<String>,
    /// The CTI settings.
    pub cti: CtiAttributes,
}

/// A computer read from the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirComputer {
    /// Distinguished name.
    pub dn: String,
    /// `objectGUID` / `entryUUID`, as for users.
    pub guid: Option<String>,
    /// Computer name: `sAMAccountName` without AD's trailing `$`, else `cn`.
    pub name: String,
    /// The CTI settings (phones, lines, line permissions, password, property bag).
    pub cti: CtiAttributes,
}

/// A matching entry that could not be used, with the reason (for the sync report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    /// The entry's DN.
    pub dn: String,
    /// The kind it was read as.
    pub kind: crate::ObjectKind,
    /// Why it was skipped, e.g. "no sAMAccountName and no uid".
    pub reason: String,
}

/// Everything read in one sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// CTI users.
    pub users: Vec<DirUser>,
    /// CTI groups.
    pub groups: Vec<DirGroup>,
    /// CTI computers.
    pub computers: Vec<DirComputer>,
    /// Matching entries that were left out, with reasons.
    pub skipped: Vec<SkippedEntry>,
}
