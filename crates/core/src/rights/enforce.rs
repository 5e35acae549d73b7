//! Which right each service request needs on the line it acts on, and the checks the hub and
//! the client listeners call before a request goes to a link.
//!
//! | service | needs on the line |
//! |---|---|
//! | `MonitorStart`, `SnapshotDevice`, `SnapshotCall`, `GetDoNotDisturb`, `GetForwarding`, `GetMessageWaitingIndicator`, `GetLogicalDeviceInformation`, `GetPhysicalDeviceInformation` | [`Requirement::Monitor`]: the line is visible (results masked with [`super::mask_response`]) |
//! | `MakeCall`, `AnswerCall`, `ClearConnection`, `HoldCall`, `RetrieveCall`, `AlternateCall`, `ReconnectCall`, `ConferenceCall`, `TransferCall`, `ConsultationCall`, `SingleStepTransferCall`, `SingleStepConferenceCall`, `GenerateDigits`, `DialDigits`, `SetDoNotDisturb`, `SetMessageWaitingIndicator` | [`Requirement::Control`]: main device or `LINEACCESS_ACTIVE` |
//! | `DeflectCall` | [`Requirement::Redirect`]: main device or `LINEACCESS_REDIRECT` |
//! | `DirectedPickupCall` | [`Requirement::Pickup`] on the line the call is picked from (main device, `LINEACCESS_REDIRECT`, monitor right with Pickup, `UR_PHONE_PICKUP_CALLS`), and Control on the requesting device |
//! | `SetForwarding` | [`Requirement::SetForwarding`]: main device, `LINEACCESS_REDIRECT` or `UR_PHONE_SET_REDIRECTION` |
//! | `MonitorStop`, system status and registration, `GetSwitchingFunctionDevices`, application session messages | [`Requirement::NoLine`] |
//! | anything else | refused |
//!
//! Requests that name two connections (`AlternateCall`, `ReconnectCall`, `ConferenceCall`,
//! `TransferCall`) need Control on the line of each. Destinations (`calledDirectoryNumber`,
//! `consultedDevice`, `transferredTo`, `newDestination`, `deviceToJoin`) need no right: anyone
//! may be called.

use csta_proto::{ConnectionId, CstaError, CstaMessage, DeviceId, MonitorObject};

use super::line::LineRights;
use super::model::EffectiveRights;
use crate::LineKey;
use crate::services::subject_device;

/// What a service needs on the line it acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// The line is visible (any [`super::Visibility`] but `None`).
    Monitor,
    /// Call control on the line ([`LineRights::control`]).
    Control,
    /// Deflecting calls alerting at the line ([`LineRights::redirect`]).
    Redirect,
    /// Picking up calls of the line ([`LineRights::pickup`]).
    Pickup,
    /// Changing the line's call forwarding ([`LineRights::set_forwarding`]).
    SetForwarding,
    /// Nothing: the service acts on no line.
    NoLine,
}

/// The service → requirement table (CSTA root element names).
pub const SERVICE_REQUIREMENTS: &[(&str, Requirement)] = &[
    ("MonitorStart", Requirement::Monitor),
    ("SnapshotDevice", Requirement::Monitor),
    ("SnapshotCall", Requirement::Monitor),
    ("GetDoNotDisturb", Requirement::Monitor),
    ("GetForwarding", Requirement::Monitor),
    ("GetMessageWaitingIndicator", Requirement::Monitor),
    ("GetLogicalDeviceInformation", Requirement::Monitor),
    ("GetPhysicalDeviceInformation", Requirement::Monitor),
    ("MakeCall", Requirement::Control),
    ("AnswerCall", Requirement::Control),
    ("ClearConnection", Requirement::Control),
    ("HoldCall", Requirement::Control),
    ("RetrieveCall", Requirement::Control),
    ("AlternateCall", Requirement::Control),
    ("ReconnectCall", Requirement::Control),
    ("ConferenceCall", Requirement::Control),
    ("TransferCall", Requirement::Control),
    ("ConsultationCall", Requirement::Control),
    ("SingleStepTransferCall", Requirement::Control),
    ("SingleStepConferenceCall", Requirement::Control),
    ("GenerateDigits", Requirement::Control),
    ("DialDigits", Requirement::Control),
    ("SetDoNotDisturb", Requirement::Control),
    ("SetMessageWaitingIndicator", Requirement::Control),
    ("DeflectCall", Requirement::Redirect),
    ("DirectedPickupCall", Requirement::Pickup),
    ("SetForwarding", Requirement::SetForwarding),
    ("MonitorStop", Requirement::NoLine),
    ("RequestSystemStatus", Requirement::NoLine),
    ("SystemStatus", Requirement::NoLine),
    ("SystemStatusResponse", Requirement::NoLine),
    ("SystemRegister", Requirement::NoLine),
    ("SystemRegisterCancel", Requirement::NoLine),
    ("GetSwitchingFunctionDevices", Requirement::NoLine),
    ("StartApplicationSession", Requirement::NoLine),
    ("StopApplicationSession", Requirement::NoLine),
    ("ResetApplicationSessionTimer", Requirement::NoLine),
];

/// What a service needs on its line; `None` for a service not in
/// [`SERVICE_REQUIREMENTS`] (refused).
pub fn required_right(service: &str) -> Option<Requirement> {
    SERVICE_REQUIREMENTS
        .iter()
        .find_map(|(name, requirement)| (*name == service).then_some(*requirement))
}

impl LineRights {
    /// Whether these rights meet `requirement`.
    pub const fn allows(&self, requirement: Requirement) -> bool {
        match requirement {
            Requirement::Monitor => self.may_monitor(),
            Requirement::Control => self.control,
            Requirement::Redirect => self.redirect,
            Requirement::Pickup => self.pickup,
            Requirement::SetForwarding => self.set_forwarding,
            Requirement::NoLine => true,
        }
    }
}

fn line_of(device: &DeviceId) -> Result<LineKey, CstaError> {
    LineKey::from_device_id(device.as_str()).ok_or_else(CstaError::invalid_device_id)
}

impl EffectiveRights {
    /// Whether the account may use `service` (a CSTA request name) on `line`; an unknown
    /// service is refused. For `DirectedPickupCall`, `line` is the line the call is picked
    /// from; [`EffectiveRights::check_request`] also checks the requesting device.
    pub fn may_request(&self, line: &LineKey, service: &str) -> bool {
        required_right(service).is_some_and(|requirement| self.line(line).allows(requirement))
    }

    fn require(
        &self,
        device: Option<&DeviceId>,
        requirement: Requirement,
    ) -> Result<(), CstaError> {
        let device = device.ok_or_else(CstaError::privilege_violation_specified_device)?;
        let line = line_of(device)?;
        if self.line(&line).allows(requirement) {
            Ok(())
        } else {
            Err(CstaError::privilege_violation_specified_device())
        }
    }

    /// Checks a client's request against the account's rights, before the line is even
    /// looked up (so a refusal does not tell whether the line exists):
    /// `operation/privilegeViolationSpecifiedDevice` when a right is missing,
    /// `operation/invalidDeviceID` when a device names no line. Messages that act on no
    /// line pass; a line service missing from [`SERVICE_REQUIREMENTS`] is refused.
    pub fn check_request(&self, request: &CstaMessage) -> Result<(), CstaError> {
        use CstaMessage as M;
        let device_of = |c: &ConnectionId| c.device_id.clone();
        match request {
            M::MonitorStart(r) => {
                let device = match &r.monitor_object {
                    MonitorObject::Device(d) => Some(d.clone()),
                    MonitorObject::Call(c) => device_of(c),
                };
                self.require(device.as_ref(), Requirement::Monitor)
            }
            M::DirectedPickupCall(r) => {
                self.require(Some(&r.requesting_device), Requirement::Control)?;
                self.require(
                    r.call_to_be_picked_up.device_id.as_ref(),
                    Requirement::Pickup,
                )
            }
            M::AlternateCall(r) => self.both(&r.held_call, &r.active_call),
            M::ReconnectCall(r) => self.both(&r.held_call, &r.active_call),
            M::ConferenceCall(r) => self.both(&r.held_call, &r.active_call),
            M::TransferCall(r) => self.both(&r.held_call, &r.active_call),
            other => match subject_device(other) {
                None => Ok(()),
                Some(device) => match required_right(other.name()) {
                    Some(requirement) => self.require(Some(device), requirement),
                    None => Err(CstaError::privilege_violation_specified_device()),
                },
            },
        }
    }

    /// Control on the line of each connection that names a device (at least one must).
    fn both(&self, held: &ConnectionId, active: &ConnectionId) -> Result<(), CstaError> {
        let devices: Vec<&DeviceId> = [held, active]
            .into_iter()
            .filter_map(|c| c.device_id.as_ref())
            .collect();
        if devices.is_empty() {
            return Err(CstaError::privilege_violation_specified_device());
        }
        for device in devices {
            self.require(Some(device), Requirement::Control)?;
        }
        Ok(())
    }
}
