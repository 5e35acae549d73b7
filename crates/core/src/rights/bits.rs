//! The bit fields of seed 004 (`ectisrv3CTIServices`, `ectisrv3CTIServices2`,
//! `ectisrv3CTILinesPermissions`, the presence and line rights of `ectisrv3UserPermissions`), with
//! their exact values, and small typed wrappers around them.
//!
//! A wrapper keeps every bit it is given, known or not, so a value read from a directory is
//! written back unchanged. Its text form ([`std::fmt::Display`]) lists the names of the known
//! bits and the unknown rest in hex; [`std::str::FromStr`] reads a decimal or `0x` hex number,
//! or names separated by `|`, `,`, `+` or spaces (with or without their prefix, any case), or a
//! mix of both.

use std::fmt;
use std::str::FromStr;

/// A bit field text that could not be read (see [`std::str::FromStr`] of the wrappers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: unknown bit name or bad number {token:?}")]
pub struct BitsParseError {
    /// The bit field being read (`Services`, `LineAccess`, …).
    pub kind: &'static str,
    /// The part of the text that is neither a known name nor a number.
    pub token: String,
}

/// Declares the constants of one bit field and its wrapper type.
macro_rules! bitfield {
    (
        $(#[$meta:meta])*
        $name:ident, prefix $prefix:literal {
            $( $(#[$cmeta:meta])* $constant:ident = $value:literal, )*
        }
    ) => {
        $( $(#[$cmeta])* pub const $constant: u32 = $value; )*

        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// No bit set.
            pub const EMPTY: Self = Self(0);
            /// Every known bit, with its constant's name, in ascending order of value.
            pub const NAMED: &'static [(&'static str, u32)] = &[$((stringify!($constant), $value)),*];
            /// All known bits together.
            pub const KNOWN: u32 = 0 $(| $value)*;
            /// The common prefix of the constants' names (accepted but not required when
            /// parsing names).
            pub const PREFIX: &'static str = $prefix;

            /// The raw bits (known and unknown).
            pub const fn bits(self) -> u32 {
                self.0
            }

            /// Whether every bit of `bits` is set.
            pub const fn contains(self, bits: u32) -> bool {
                self.0 & bits == bits
            }

            /// Whether any bit of `bits` is set.
            pub const fn intersects(self, bits: u32) -> bool {
                self.0 & bits != 0
            }

            /// The bits of both (rights are cumulative: granted anywhere is granted).
            #[must_use]
            pub const fn union(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }

            /// These bits plus `bits`.
            #[must_use]
            pub const fn with(self, bits: u32) -> Self {
                Self(self.0 | bits)
            }

            /// These bits without `bits`.
            #[must_use]
            pub const fn without(self, bits: u32) -> Self {
                Self(self.0 & !bits)
            }

            /// Whether no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The set bits that have no name here (kept, never interpreted).
            pub const fn unknown_bits(self) -> u32 {
                self.0 & !Self::KNOWN
            }

            /// The names of the set known bits, in ascending order of value.
            pub fn names(&self) -> Vec<&'static str> {
                Self::NAMED
                    .iter()
                    .filter(|(_, bit)| self.0 & bit != 0)
                    .map(|(name, _)| *name)
                    .collect()
            }

            /// The value of one bit name (`USERRIGHTS_SENDSMS`, `sendsms`), if known.
            pub fn bit_named(name: &str) -> Option<u32> {
                Self::NAMED.iter().find_map(|(full, bit)| {
                    let short = full.strip_prefix(Self::PREFIX).unwrap_or(full);
                    (full.eq_ignore_ascii_case(name) || short.eq_ignore_ascii_case(name))
                        .then_some(*bit)
                })
            }
        }

        impl From<u32> for $name {
            fn from(bits: u32) -> Self {
                Self(bits)
            }
        }

        impl From<$name> for u32 {
            fn from(value: $name) -> u32 {
                value.0
            }
        }

        impl std::ops::BitOr for $name {
            type Output = Self;
            fn bitor(self, other: Self) -> Self {
                self.union(other)
            }
        }

        impl std::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, other: Self) {
                *self = self.union(other);
            }
        }

        impl fmt::Display for $name {
            /// `USERRIGHTS_SENDSMS | USERRIGHTS_USEPROCALL | 0x100000`, or `0` when empty.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_bits(f, &self.names(), self.unknown_bits())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(0x{:08x}: {})", stringify!($name), self.0, self)
            }
        }

        impl FromStr for $name {
            type Err = BitsParseError;
            fn from_str(text: &str) -> Result<Self, BitsParseError> {
                parse_bits(text, stringify!($name), Self::bit_named).map(Self)
            }
        }
    };
}

fn write_bits(f: &mut fmt::Formatter<'_>, names: &[&str], unknown: u32) -> fmt::Result {
    if names.is_empty() && unknown == 0 {
        return f.write_str("0");
    }
    let mut first = true;
    for name in names {
        if !first {
            f.write_str(" | ")?;
        }
        first = false;
        f.write_str(name)?;
    }
    if unknown != 0 {
        if !first {
            f.write_str(" | ")?;
        }
        write!(f, "0x{unknown:x}")?;
    }
    Ok(())
}

/// Reads a number (decimal or `0x` hex) or names joined by `|`, `,`, `+` or whitespace.
fn parse_bits(
    text: &str,
    kind: &'static str,
    named: fn(&str) -> Option<u32>,
) -> Result<u32, BitsParseError> {
    let mut bits = 0u32;
    for token in text
        .split(|c: char| c == '|' || c == ',' || c == '+' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        let value = if let Some(hex) = token
            .strip_prefix("0x")
            .or_else(|| token.strip_prefix("0X"))
        {
            u32::from_str_radix(hex, 16).ok()
        } else if token.bytes().all(|b| b.is_ascii_digit()) {
            token.parse().ok()
        } else {
            named(token)
        };
        bits |= value.ok_or_else(|| BitsParseError {
            kind,
            token: token.to_owned(),
        })?;
    }
    Ok(bits)
}

bitfield! {
    /// `ectisrv3CTIServices` of a user or group: the services the user may use (PERM1,
    /// `USERRIGHTS_*`). The `USERRIGHTS_GROUP_*` bits only mean something on a group.
    Services, prefix "USERRIGHTS_" {
        /// User is allowed to send user-user messages (chat).
        USERRIGHTS_SENDUSERUSER = 0x0000_0001,
        /// User is allowed to send SMS messages.
        USERRIGHTS_SENDSMS = 0x0000_0002,
        /// User is allowed to log in to the web server (not used at the moment).
        USERRIGHTS_WEB = 0x0000_0004,
        /// User is allowed to use the client (ProCall).
        USERRIGHTS_USEPROCALL = 0x0000_0008,
        /// User is allowed to change their own settings.
        USERRIGHTS_SELFADMIN = 0x0000_0020,
        /// User uses the offline journal.
        USERRIGHTS_OFFLINE_JOURNAL = 0x0000_0080,
        /// User receives mails for unanswered calls.
        USERRIGHTS_OFFLINE_MAIL = 0x0000_0100,
        /// User may use call recording.
        USERRIGHTS_CALLRECORDING = 0x0000_0200,
        /// User may use phone books.
        USERRIGHTS_USEPHONEBOOK = 0x0000_0400,
        /// (Groups only) all members see all group members in a special view of the monitor.
        USERRIGHTS_GROUP_ALLINMONITOR = 0x0000_1000,
        /// (Groups only) all members may see the phone journal of all group members.
        USERRIGHTS_GROUP_VIEWJOURNAL = 0x0000_4000,
        /// (Groups only) the group leaders may see the phone journal of all group members.
        USERRIGHTS_GROUP_VIEWJOURNALLEADER = 0x0000_8000,
        /// User may use audio chat.
        USERRIGHTS_AV_AUDIO = 0x0200_0000,
        /// User may use video chat.
        USERRIGHTS_AV_VIDEO = 0x0400_0000,
    }
}

bitfield! {
    /// `ectisrv3CTIServices2` of a user or group: more services (PERM1, `USERRIGHTS2_*`). The
    /// `USERRIGHTS2_GROUP_*` bits only mean something on a group.
    Services2, prefix "USERRIGHTS2_" {
        /// User presence and a small set of user data are visible to anonymous users.
        USERRIGHTS2_ENABLE_FOR_ANONYMOUS_API = 0x0000_0001,
        /// User may log in from the internet.
        USERRIGHTS2_LOGIN_OVER_INTERNET = 0x0000_0002,
        /// User may log in with mobile clients.
        USERRIGHTS2_LOGIN_BY_MOBILE = 0x0000_0004,
        /// User is activated as an agent.
        USERRIGHTS2_ENABLE_AGENTMANAGER = 0x0000_0008,
        /// Reserved for future use (agent supervisor).
        USERRIGHTS2_IS_AGENT_SUPERVISOR = 0x0000_0010,
        /// (Groups only) the group receives chat messages sent to an agent group.
        USERRIGHTS2_GROUP_FOR_PUBLIC_CHAT = 0x0000_0020,
        /// (Groups only) the group's members are shown in the contact portal.
        USERRIGHTS2_GROUP_FOR_PORTAL = 0x0000_0040,
        /// (Groups only) reserved for future use (monitor group).
        USERRIGHTS2_GROUP_FOR_MONITOR = 0x0000_0080,
    }
}

bitfield! {
    /// `ectisrv3CTILinesPermissions`: what a user may do with an additional line, and what the
    /// members of a group may do with the group line (PERM2, `LINEACCESS_*`).
    LineAccess, prefix "LINEACCESS_" {
        /// Make calls (and every other call control action) on the line.
        LINEACCESS_ACTIVE = 0x0000_0004,
        /// Redirect (deflect) or pick up calls of the line; configure its call forwarding.
        LINEACCESS_REDIRECT = 0x0000_0010,
        /// See the numbers of outgoing calls.
        LINEACCESS_NUMBERSOUT = 0x0000_0020,
        /// Only the owner of the line may act on it.
        LINEACCESS_MULTILINECHECKUSER = 0x0000_0200,
        /// See the numbers of incoming calls.
        LINEACCESS_NUMBERSIN = 0x0000_0800,
    }
}

bitfield! {
    /// The presence rights of one person-to-person authorisation (PERM4, `UR_PRESENCE_*`).
    PresenceRights, prefix "UR_PRESENCE_" {
        /// The grantee sees the grantor's presence.
        UR_PRESENCE_VISIBLE = 0x0000_0001,
        /// The grantee may change the grantor's presence.
        UR_PRESENCE_CHANGEABLE = 0x0000_0002,
        /// The grantee sees the grantor's private appointments.
        UR_PRESENCE_APPOINTMENT_PRIVATE = 0x0000_0010,
        /// The grantee sees the grantor's public appointments.
        UR_PRESENCE_APPOINTMENT_PUBLIC = 0x0000_0020,
    }
}

bitfield! {
    /// The rights of one person-to-person authorisation on the grantor's primary or secondary
    /// line (PERM4, `UR_PHONE_*`; the same values for both lines).
    PhoneRights, prefix "UR_PHONE_" {
        /// The grantee sees the numbers of outgoing calls.
        UR_PHONE_NUMBERS_OUTBOUND = 0x0000_0001,
        /// The grantee sees the numbers of incoming calls.
        UR_PHONE_NUMBERS_INBOUND = 0x0000_0002,
        /// The grantee sees the numbers of redirected calls.
        UR_PHONE_NUMBERS_REDIRECTED = 0x0000_0004,
        /// The grantee may set the line's call forwarding (redirection).
        UR_PHONE_SET_REDIRECTION = 0x0000_0100,
        /// The grantee may pick up calls of the line.
        UR_PHONE_PICKUP_CALLS = 0x0000_0200,
    }
}

/// The `USERRIGHTS_*` bits that only mean something on a group; they never become a user's
/// effective service.
pub const USERRIGHTS_GROUP_ONLY: u32 = USERRIGHTS_GROUP_ALLINMONITOR
    | USERRIGHTS_GROUP_VIEWJOURNAL
    | USERRIGHTS_GROUP_VIEWJOURNALLEADER;

/// The `USERRIGHTS2_*` bits that only mean something on a group; they never become a user's
/// effective service.
pub const USERRIGHTS2_GROUP_ONLY: u32 = USERRIGHTS2_GROUP_FOR_PUBLIC_CHAT
    | USERRIGHTS2_GROUP_FOR_PORTAL
    | USERRIGHTS2_GROUP_FOR_MONITOR;
