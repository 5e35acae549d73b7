//! Rights (PERM1–PERM5): who may see and do what, as a pure model without I/O.
//!
//! - [`bits`]: the bit fields of seed 004 with their exact values (`USERRIGHTS_*`,
//!   `USERRIGHTS2_*`, `LINEACCESS_*`, `UR_PRESENCE_*`, `UR_PHONE_*`) and typed wrappers
//!   ([`Services`], [`Services2`], [`LineAccess`], [`PresenceRights`], [`PhoneRights`]).
//! - [`PersonRights`] / [`UserPermission`]: person-to-person authorisations and their
//!   `ectisrv3UserPermissions` string form.
//! - Inputs as plain data, filled by the store or the directory: [`UserRights`] per account,
//!   [`GroupRights`] per group, [`GlobalRights`]; indexed by [`RightsModel::new`].
//! - Evaluation: [`RightsModel::effective`] gives an account's [`EffectiveRights`]: effective
//!   services, and per line [`LineRights`] (control, redirect, pickup, set forwarding, which
//!   numbers are visible, "only the owner acts", and the [`Visibility`] of its events).
//!   Cumulative: a right granted by the user, a group or globally is granted; nothing removes
//!   it elsewhere.
//! - Enforcement: [`EffectiveRights::may_monitor`], [`EffectiveRights::may_request`] and
//!   [`EffectiveRights::check_request`] with the service table [`SERVICE_REQUIREMENTS`];
//!   [`mask_event`] and [`mask_response`] strip what a [`Visibility`] may not see.
//!
//! Where the sources land on a line:
//!
//! | source | line | rights |
//! |---|---|---|
//! | main device, 1st/2nd phone, roaming line | that line | everything, `Full` |
//! | additional line, group line (members) | that line | per `LINEACCESS_*`: ACTIVE → control; REDIRECT → deflect, pickup, set forwarding; NUMBERSIN → incoming and redirected numbers; NUMBERSOUT → outgoing numbers; MULTILINECHECKUSER → ACTIVE and REDIRECT ignored; always at least `FreeBusy` |
//! | monitor right (user, group, global) | that line | CLIP → `Full`, else `FreeBusy`; Pickup → pickup |
//! | authorisation given by a user to this one, to everyone, group member permissions, leader permissions (leader and deputy on members), global person rights | the grantor's primary / secondary line | `UR_PHONE_NUMBERS_INBOUND/OUTBOUND/REDIRECTED` → numbers of that class; `SET_REDIRECTION` → set forwarding; `PICKUP_CALLS` → pickup; any of them → at least `FreeBusy` |
//!
//! How the hub plugs this in: compute [`EffectiveRights`] when a session opens (and after a
//! directory change), call [`EffectiveRights::check_request`] before routing a request and
//! before MonitorStart (refusing with `privilegeViolationSpecifiedDevice`), store the
//! session's [`Visibility`] of the line in its subscriber entry at MonitorStart, and per
//! delivered event encode [`mask_event`]`(event, line, level)` once per distinct level among
//! the line's subscribers (`Full` is the event itself). Snapshot and other results go through
//! [`mask_response`].
//!
//! Tests: `crates/core/tests/rights.rs` (examples of every rule) and
//! `crates/core/tests/rights_props.rs` (property tests, 110,000 cases in a normal `cargo test`;
//! `PROPTEST_CASES=N` runs N cases per property for longer runs).

pub mod bits;
mod enforce;
mod line;
mod mask;
mod model;
mod permission;

pub use bits::{BitsParseError, LineAccess, PhoneRights, PresenceRights, Services, Services2};
pub use enforce::{Requirement, SERVICE_REQUIREMENTS, required_right};
pub use line::{LineRights, NumberVisibility, Visibility};
pub use mask::{CallClass, call_class, mask_event, mask_response};
pub use model::{
    BlfMode, BlfOptions, EffectiveRights, GlobalRights, GroupRights, LineGrant, MonitorRight,
    RightsModel, UserRights,
};
pub use permission::{Grantee, PermissionParseError, PersonRights, UserPermission};
