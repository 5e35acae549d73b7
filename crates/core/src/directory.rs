//! The directory of callboard (DIR1–DIR4, CL4): users, computers and groups as the store keeps
//! them, whether they come from the internal database or from LDAP / Active Directory. The
//! profile parts are plain data (serialized as one JSON document per object in the store), the
//! rights bit fields keep the values of seed 004 so directory data can be used as is.

use serde::{Deserialize, Serialize};

/// Where an object comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Created in callboard.
    #[default]
    Internal,
    /// Synchronised from LDAP / Active Directory; `id` is its DN or GUID.
    Ldap,
}

/// A user's phone numbers (DIR1), each stored supercanonical (`+4930123456`), as an internal
/// extension, or as a service number; `None` when unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserNumbers {
    /// Business phone.
    pub business: Option<String>,
    /// Second business phone.
    pub business2: Option<String>,
    /// Private phone.
    pub private: Option<String>,
    /// Mobile phone.
    pub mobile: Option<String>,
    /// Pager.
    pub pager: Option<String>,
    /// Voicemail box.
    pub voicemail: Option<String>,
    /// Call recording server.
    pub recording_server: Option<String>,
    /// First "other" phone (hidden from other users; manual 1st phone).
    pub first_phone: Option<String>,
    /// Second "other" phone (hidden; manual 2nd phone).
    pub second_phone: Option<String>,
}

impl UserNumbers {
    /// Every set number with its field name, in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("business", &self.business),
            ("business2", &self.business2),
            ("private", &self.private),
            ("mobile", &self.mobile),
            ("pager", &self.pager),
            ("voicemail", &self.voicemail),
            ("recording_server", &self.recording_server),
            ("first_phone", &self.first_phone),
            ("second_phone", &self.second_phone),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
    }

    /// The field named `name`, for setting it.
    pub fn field_mut(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "business" => &mut self.business,
            "business2" => &mut self.business2,
            "private" => &mut self.private,
            "mobile" => &mut self.mobile,
            "pager" => &mut self.pager,
            "voicemail" => &mut self.voicemail,
            "recording_server" => &mut self.recording_server,
            "first_phone" => &mut self.first_phone,
            "second_phone" => &mut self.second_phone,
            _ => return None,
        })
    }
}

/// A user's contact address (DIR1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactAddress {
    /// Company.
    pub company: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Office.
    pub office: Option<String>,
    /// Street.
    pub street: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Country.
    pub country: Option<String>,
    /// Web page.
    pub web: Option<String>,
}

/// An additional line of a user with its LINEACCESS_* bits (PERM2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineGrant {
    /// The line's number.
    pub line: String,
    /// LINEACCESS_* bits.
    pub access: u32,
}

/// A monitor right on another line (PERM3): see it, with numbers (CLIP) or free/busy only,
/// and whether calls may be picked up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorGrant {
    /// The line's number.
    pub line: String,
    /// Numbers visible (else free/busy only).
    pub clip: bool,
    /// Calls may be picked up.
    pub pickup: bool,
}

/// A person-to-person authorisation (PERM4) given by one user to another (or to everyone),
/// in the UR_* bits of seed 004.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonGrant {
    /// Login of the user the rights are given to; `*` for everyone.
    pub to: String,
    /// UR_PRESENCE_* bits.
    pub presence: u32,
    /// UR_PHONE_* bits on the giver's primary line.
    pub primary_line: u32,
    /// UR_PHONE_* bits on the giver's secondary line.
    pub secondary_line: u32,
}

/// Which main devices feed the busy lamp field of group panels (PERM5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlfFeed {
    /// Every main device.
    #[default]
    AllMainDevices,
    /// Only the device the client currently uses.
    OnlyCurrentDevice,
    /// Only the first main device.
    OnlyFirstDevice,
    /// Not from the client's softphone (avoid double signalling).
    NoSoftphone,
}

/// Everything about a user except the password (DIR1, PERM1–PERM5, NUM2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserProfile {
    /// SIP identity `sip:user@presence-domain`.
    pub sip_uri: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Display name (suggested from first and last name when empty).
    pub display_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Phone numbers.
    pub numbers: UserNumbers,
    /// Bind the business number automatically to a line (NUM2).
    pub bind_business: bool,
    /// Bind the second business number automatically.
    pub bind_business2: bool,
    /// Contact address.
    pub address: ContactAddress,
    /// USERRIGHTS_* bits.
    pub services: u32,
    /// USERRIGHTS2_* bits.
    pub services2: u32,
    /// Additional lines (busy lamp field) with their access rights.
    pub lines: Vec<LineGrant>,
    /// Monitor rights on other lines.
    pub monitors: Vec<MonitorGrant>,
    /// Authorisations this user gives to others.
    pub grants: Vec<PersonGrant>,
    /// Busy lamp field feed.
    pub blf: BlfFeed,
}

impl UserProfile {
    /// The display name, or "first last" when none is set.
    pub fn shown_name(&self) -> String {
        if !self.display_name.trim().is_empty() {
            return self.display_name.clone();
        }
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// A user of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Login name (unique, case-insensitive).
    pub login: String,
    /// False for a "user without login" (CL4): exists for speed-dial groups only.
    pub can_login: bool,
    /// An administrator disabled the account.
    pub disabled: bool,
    /// The profile.
    pub profile: UserProfile,
    /// Picture, PNG, 96x96.
    pub picture: Option<Vec<u8>>,
    /// Where the user comes from.
    pub source: Source,
    /// DN or GUID in the directory it comes from.
    pub external_id: Option<String>,
}

impl User {
    /// A new internal user with defaults (automatic line binding on).
    pub fn new(login: impl Into<String>) -> User {
        User {
            login: login.into(),
            can_login: true,
            disabled: false,
            profile: UserProfile {
                bind_business: true,
                bind_business2: true,
                ..UserProfile::default()
            },
            picture: None,
            source: Source::Internal,
            external_id: None,
        }
    }
}

/// A computer (DIR2): the phones located at it, lines for a multi-line client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComputerProfile {
    /// First phone at the computer.
    pub phone_primary: Option<String>,
    /// Second phone at the computer.
    pub phone_secondary: Option<String>,
    /// Lines of a multi-line client.
    pub lines: Vec<String>,
    /// `*`: every line.
    pub all_lines: bool,
    /// Only the owner of a line may dial from it.
    pub only_authorized_dial: bool,
    /// LINEACCESS_* bits for `lines`.
    pub lines_access: u32,
}

/// A computer of the directory; it can log in by its name (CL4) when it has a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computer {
    /// Computer name (unique, case-insensitive).
    pub name: String,
    /// The profile.
    pub profile: ComputerProfile,
    /// Where it comes from.
    pub source: Source,
    /// DN or GUID in the directory it comes from.
    pub external_id: Option<String>,
}

/// A group (DIR3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupProfile {
    /// The group line, if any.
    pub line: Option<String>,
    /// LINEACCESS_* bits members have on the group line.
    pub line_access: u32,
    /// Login of the leader (need not be a member).
    pub leader: Option<String>,
    /// Login of the deputy (need not be a member).
    pub deputy: Option<String>,
    /// USERRIGHTS_* bits granted to members (journal visibility and monitor view included).
    pub services: u32,
    /// USERRIGHTS2_* bits granted to members (portal group, anonymous profile included).
    pub services2: u32,
    /// Rights of the leader (and deputy) on members, UR_* bits.
    pub leader_grant: Option<PersonGrant>,
    /// Rights of members among each other, UR_* bits.
    pub member_grant: Option<PersonGrant>,
    /// Members may modify each other's journal entries.
    pub journal_editable: bool,
}

/// A group of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Group name (unique, case-insensitive).
    pub name: String,
    /// The profile.
    pub profile: GroupProfile,
    /// Member logins.
    pub members: Vec<String>,
    /// Where it comes from.
    pub source: Source,
    /// DN or GUID in the directory it comes from.
    pub external_id: Option<String>,
}
