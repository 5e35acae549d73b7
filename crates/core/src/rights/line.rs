//! What a user may see and do on one line (PERM2, PERM3): [`LineRights`], and how much of the
//! line's events reach the user: [`Visibility`] with its [`NumberVisibility`].
//!
//! Every source of rights on a line (main device, additional line, group line, monitor right,
//! person-to-person authorisation, group leader authorisation, global grant) is turned into a
//! [`LineRights`] by one of the constructors here, and the sources are combined with
//! [`LineRights::union`]: rights are cumulative, a right granted anywhere is granted.

use super::bits::{
    LINEACCESS_ACTIVE, LINEACCESS_MULTILINECHECKUSER, LINEACCESS_NUMBERSIN, LINEACCESS_NUMBERSOUT,
    LINEACCESS_REDIRECT, LineAccess, PhoneRights, UR_PHONE_NUMBERS_INBOUND,
    UR_PHONE_NUMBERS_OUTBOUND, UR_PHONE_NUMBERS_REDIRECTED, UR_PHONE_PICKUP_CALLS,
    UR_PHONE_SET_REDIRECTION,
};

/// Which numbers of other parties a watcher of a line sees, by the class of the call they
/// belong to (see [`super::CallClass`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct NumberVisibility {
    /// Numbers of calls coming in to the line (callers, and how the call reached the line).
    pub incoming: bool,
    /// Numbers of calls the line makes (called parties, dialled digits, DTMF).
    pub outgoing: bool,
    /// Numbers of calls the line redirects elsewhere, and its forwarding destinations.
    pub redirected: bool,
}

impl NumberVisibility {
    /// No number.
    pub const NONE: NumberVisibility = NumberVisibility {
        incoming: false,
        outgoing: false,
        redirected: false,
    };
    /// Every number.
    pub const ALL: NumberVisibility = NumberVisibility {
        incoming: true,
        outgoing: true,
        redirected: true,
    };

    /// The numbers of both.
    #[must_use]
    pub const fn union(self, other: NumberVisibility) -> NumberVisibility {
        NumberVisibility {
            incoming: self.incoming || other.incoming,
            outgoing: self.outgoing || other.outgoing,
            redirected: self.redirected || other.redirected,
        }
    }

    /// Whether no number is visible.
    pub const fn is_none(self) -> bool {
        !self.incoming && !self.outgoing && !self.redirected
    }

    /// Whether every number is visible.
    pub const fn is_all(self) -> bool {
        self.incoming && self.outgoing && self.redirected
    }
}

/// How much of a line's events a user receives. The hub encodes each event once per level in
/// use (at most nine distinct values: `None`, `FreeBusy`, six `Partial`, `Full`). The derived
/// order only serves map keys; combine levels with [`Visibility::union`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Visibility {
    /// The line is invisible: no event, MonitorStart refused.
    #[default]
    None,
    /// Free/busy only: the state of the line's calls, never a number of another party.
    FreeBusy,
    /// The state plus the numbers of some call classes; never all of them and never none
    /// (those are [`Visibility::Full`] and [`Visibility::FreeBusy`]).
    Partial(NumberVisibility),
    /// Everything the line's monitor reports.
    Full,
}

impl Visibility {
    /// The level of a visible line that shows `numbers`: `FreeBusy` for none, `Full` for all,
    /// `Partial` otherwise (so each level has exactly one representation).
    pub const fn with_numbers(numbers: NumberVisibility) -> Visibility {
        if numbers.is_none() {
            Visibility::FreeBusy
        } else if numbers.is_all() {
            Visibility::Full
        } else {
            Visibility::Partial(numbers)
        }
    }

    /// The numbers visible at this level.
    pub const fn numbers(self) -> NumberVisibility {
        match self {
            Visibility::None | Visibility::FreeBusy => NumberVisibility::NONE,
            Visibility::Partial(numbers) => numbers,
            Visibility::Full => NumberVisibility::ALL,
        }
    }

    /// Whether the line is visible at all (events delivered, MonitorStart allowed).
    pub const fn is_visible(self) -> bool {
        !matches!(self, Visibility::None)
    }

    /// The level that shows what either shows.
    #[must_use]
    pub const fn union(self, other: Visibility) -> Visibility {
        if !self.is_visible() && !other.is_visible() {
            Visibility::None
        } else {
            Visibility::with_numbers(self.numbers().union(other.numbers()))
        }
    }
}

/// What a user may see and do on one line. Build it from a source with the constructors and
/// combine sources with [`LineRights::union`]; the `monitor` level always agrees with the
/// number flags (it is recomputed by every constructor and by `union`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct LineRights {
    /// The line is one of the user's own lines (main device, 1st/2nd phone, roaming line):
    /// every right.
    pub main_device: bool,
    /// Call control: make, answer, clear, hold, retrieve, transfer, conference calls, send
    /// digits, set do-not-disturb (`LINEACCESS_ACTIVE`, main device).
    pub control: bool,
    /// Deflect calls alerting at the line (`LINEACCESS_REDIRECT`, main device).
    pub redirect: bool,
    /// Pick calls of the line up to one's own device (`LINEACCESS_REDIRECT`, monitor right
    /// with Pickup, `UR_PHONE_PICKUP_CALLS`, main device).
    pub pickup: bool,
    /// Change the line's call forwarding (`LINEACCESS_REDIRECT`, `UR_PHONE_SET_REDIRECTION`,
    /// main device).
    pub set_forwarding: bool,
    /// See the numbers of incoming calls (`LINEACCESS_NUMBERSIN`, `UR_PHONE_NUMBERS_INBOUND`,
    /// CLIP, main device).
    pub see_incoming_numbers: bool,
    /// See the numbers of outgoing calls (`LINEACCESS_NUMBERSOUT`,
    /// `UR_PHONE_NUMBERS_OUTBOUND`, CLIP, main device).
    pub see_outgoing_numbers: bool,
    /// See the numbers of redirected calls and forwarding destinations
    /// (`UR_PHONE_NUMBERS_REDIRECTED`, `LINEACCESS_NUMBERSIN`, CLIP, main device).
    pub see_redirected_numbers: bool,
    /// A line access grant for this line carried `LINEACCESS_MULTILINECHECKUSER` ("only the
    /// owner acts"), so its ACTIVE and REDIRECT bits were not applied; rights from other
    /// sources still add up. Never set on the user's own lines.
    pub only_owner_acts: bool,
    /// How much of the line's events the user receives.
    pub monitor: Visibility,
}

impl LineRights {
    /// No right: the line is invisible.
    pub const NONE: LineRights = LineRights {
        main_device: false,
        control: false,
        redirect: false,
        pickup: false,
        set_forwarding: false,
        see_incoming_numbers: false,
        see_outgoing_numbers: false,
        see_redirected_numbers: false,
        only_owner_acts: false,
        monitor: Visibility::None,
    };

    /// A main device: full control and monitoring.
    pub const MAIN_DEVICE: LineRights = LineRights {
        main_device: true,
        control: true,
        redirect: true,
        pickup: true,
        set_forwarding: true,
        see_incoming_numbers: true,
        see_outgoing_numbers: true,
        see_redirected_numbers: true,
        only_owner_acts: false,
        monitor: Visibility::Full,
    };

    /// An additional line or group line with its `LINEACCESS_*` bits. The line is always
    /// visible (at least free/busy). `LINEACCESS_NUMBERSIN` also shows redirected calls: the
    /// calls a line redirects came in to it, and line access has no bit of its own for them.
    /// With `LINEACCESS_MULTILINECHECKUSER` the ACTIVE and REDIRECT bits give nothing (the user
    /// is not the owner; owners have the line as a main device).
    pub fn from_line_access(access: LineAccess) -> LineRights {
        let owner_only = access.contains(LINEACCESS_MULTILINECHECKUSER);
        let acts = !owner_only;
        let redirect = acts && access.contains(LINEACCESS_REDIRECT);
        LineRights {
            main_device: false,
            control: acts && access.contains(LINEACCESS_ACTIVE),
            redirect,
            pickup: redirect,
            set_forwarding: redirect,
            see_incoming_numbers: access.contains(LINEACCESS_NUMBERSIN),
            see_outgoing_numbers: access.contains(LINEACCESS_NUMBERSOUT),
            see_redirected_numbers: access.contains(LINEACCESS_NUMBERSIN),
            only_owner_acts: owner_only,
            monitor: Visibility::FreeBusy,
        }
        .normalized()
    }

    /// A monitor right on another line: with CLIP every number is visible (`Full`), without
    /// it only free/busy; `pickup` allows picking up the line's calls.
    pub fn from_monitor_right(clip: bool, pickup: bool) -> LineRights {
        LineRights {
            pickup,
            see_incoming_numbers: clip,
            see_outgoing_numbers: clip,
            see_redirected_numbers: clip,
            monitor: Visibility::FreeBusy,
            ..LineRights::NONE
        }
        .normalized()
    }

    /// A person-to-person authorisation on the grantor's primary or secondary line
    /// (`UR_PHONE_*`). Any known bit makes the line visible (at least free/busy); no known
    /// bit gives nothing.
    pub fn from_phone_rights(rights: PhoneRights) -> LineRights {
        if !rights.intersects(PhoneRights::KNOWN) {
            return LineRights::NONE;
        }
        LineRights {
            pickup: rights.contains(UR_PHONE_PICKUP_CALLS),
            set_forwarding: rights.contains(UR_PHONE_SET_REDIRECTION),
            see_incoming_numbers: rights.contains(UR_PHONE_NUMBERS_INBOUND),
            see_outgoing_numbers: rights.contains(UR_PHONE_NUMBERS_OUTBOUND),
            see_redirected_numbers: rights.contains(UR_PHONE_NUMBERS_REDIRECTED),
            monitor: Visibility::FreeBusy,
            ..LineRights::NONE
        }
        .normalized()
    }

    /// The rights of both sources (cumulative).
    #[must_use]
    pub fn union(self, other: LineRights) -> LineRights {
        LineRights {
            main_device: self.main_device || other.main_device,
            control: self.control || other.control,
            redirect: self.redirect || other.redirect,
            pickup: self.pickup || other.pickup,
            set_forwarding: self.set_forwarding || other.set_forwarding,
            see_incoming_numbers: self.see_incoming_numbers || other.see_incoming_numbers,
            see_outgoing_numbers: self.see_outgoing_numbers || other.see_outgoing_numbers,
            see_redirected_numbers: self.see_redirected_numbers || other.see_redirected_numbers,
            only_owner_acts: self.only_owner_acts || other.only_owner_acts,
            monitor: self.monitor.union(other.monitor),
        }
        .normalized()
    }

    /// The numbers of other parties the user sees on this line.
    pub const fn numbers(&self) -> NumberVisibility {
        NumberVisibility {
            incoming: self.see_incoming_numbers,
            outgoing: self.see_outgoing_numbers,
            redirected: self.see_redirected_numbers,
        }
    }

    /// Whether the line is visible to the user (MonitorStart allowed, events delivered).
    pub const fn may_monitor(&self) -> bool {
        self.monitor.is_visible()
    }

    /// Restores the invariants: a main device has every right; any right makes the line
    /// visible; the monitor level is the one of the number flags.
    fn normalized(self) -> LineRights {
        if self.main_device {
            return LineRights::MAIN_DEVICE;
        }
        let numbers = self.numbers();
        let visible = self.monitor.is_visible()
            || self.control
            || self.redirect
            || self.pickup
            || self.set_forwarding
            || !numbers.is_none();
        LineRights {
            monitor: if visible {
                Visibility::with_numbers(numbers)
            } else {
                Visibility::None
            },
            ..self
        }
    }
}
