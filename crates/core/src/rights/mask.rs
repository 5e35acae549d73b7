//! Masking events and results to a [`Visibility`]: what a watcher of a line may not see is
//! removed before the message is encoded for them.
//!
//! Rules (for `FreeBusy` and `Partial`; `Full` passes everything, `None` nothing):
//! - The line's own device stays wherever it appears (party fields and connection IDs whose
//!   device names the watched line); call IDs, states, causes and cross references stay.
//! - Every other party is "foreign". The event's call is classified ([`call_class`]):
//!   outgoing when the calling device is the line, redirected when the line diverts the call
//!   away (`DivertedEvent` with the line as diverting device), incoming when the line is the
//!   called, alerting, offered, answering, failing or new-destination device, otherwise
//!   unknown. Foreign numbers of the event are kept only if the watcher sees the numbers of
//!   that class; an unknown class needs all three (incoming, outgoing and redirected).
//! - A foreign party becomes `<restricted/>`; the device of a foreign connection ID is
//!   removed (the call ID stays); a foreign connection list endpoint becomes `<restricted/>`;
//!   `forwardTo` / `forwardDN` (class redirected, or unknown if the device is foreign) and
//!   `progressIndicator` are removed.
//! - `DigitsDialedEvent` and `DigitsGeneratedEvent` (class outgoing when the line dials,
//!   unknown otherwise) are dropped entirely when their digits may not be seen.
//! - Any message that is not one of the known events (or, for [`mask_response`], not one of
//!   the known results) is dropped below `Full`: what is not understood is not delivered.
//!
//! The line's own device is recognised by [`LineKey::from_device_id`]; a device identifier
//! that names no line (such as `N<201>;displayNumber=…`) counts as foreign.

use csta_proto::{ConnectionId, ConnectionListItem, CstaMessage, DeviceId, Endpoint, Party};

use super::line::{NumberVisibility, Visibility};
use crate::LineKey;

/// The class of the call an event belongs to, as seen from the watched line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallClass {
    /// The call came in to the line.
    Incoming,
    /// The line made the call.
    Outgoing,
    /// The line redirected the call away.
    Redirected,
    /// The event does not tell (or is not about a call).
    Unknown,
}

impl NumberVisibility {
    /// Whether numbers of a call of `class` are visible (an unknown class needs all three).
    pub const fn allows(self, class: CallClass) -> bool {
        match class {
            CallClass::Incoming => self.incoming,
            CallClass::Outgoing => self.outgoing,
            CallClass::Redirected => self.redirected,
            CallClass::Unknown => self.is_all(),
        }
    }
}

struct Mask<'a> {
    line: &'a LineKey,
}

impl Mask<'_> {
    fn own(&self, device: &DeviceId) -> bool {
        LineKey::from_device_id(device.as_str()).is_some_and(|key| &key == self.line)
    }

    fn own_party(&self, party: &Party) -> bool {
        party.device_id().is_some_and(|d| self.own(d))
    }

    fn own_opt(&self, party: Option<&Party>) -> bool {
        party.is_some_and(|p| self.own_party(p))
    }

    fn own_connection(&self, connection: &ConnectionId) -> bool {
        connection.device_id.as_ref().is_some_and(|d| self.own(d))
    }

    /// Outgoing when the line calls, incoming when it is one of `locals`, else unknown.
    fn classify(&self, calling: Option<&Party>, locals: &[Option<&Party>]) -> CallClass {
        if self.own_opt(calling) {
            CallClass::Outgoing
        } else if locals.iter().any(|p| self.own_opt(*p)) {
            CallClass::Incoming
        } else {
            CallClass::Unknown
        }
    }

    fn party(&self, party: &mut Party, show: bool) {
        if !show && party.device_id().is_some_and(|d| !self.own(d)) {
            *party = Party::Restricted;
        }
    }

    fn opt_party(&self, party: &mut Option<Party>, show: bool) {
        if let Some(party) = party {
            self.party(party, show);
        }
    }

    fn connection(&self, connection: &mut ConnectionId, show: bool) {
        if !show && connection.device_id.as_ref().is_some_and(|d| !self.own(d)) {
            connection.device_id = None;
        }
    }

    fn opt_connection(&self, connection: &mut Option<ConnectionId>, show: bool) {
        if let Some(connection) = connection {
            self.connection(connection, show);
        }
    }

    fn device(&self, device: &mut Option<DeviceId>, show: bool) {
        if !show && device.as_ref().is_some_and(|d| !self.own(d)) {
            *device = None;
        }
    }

    fn list(&self, items: &mut [ConnectionListItem], show: bool) {
        for item in items {
            self.opt_connection(&mut item.new_connection, show);
            self.opt_connection(&mut item.old_connection, show);
            if let Some(Endpoint::Device(device)) = &item.endpoint {
                if !show && !self.own(device) {
                    item.endpoint = Some(Endpoint::Restricted);
                }
            }
        }
    }
}

/// The class of the call `event` belongs to, seen from `line` (see the module documentation).
pub fn call_class(event: &CstaMessage, line: &LineKey) -> CallClass {
    use CstaMessage as M;
    let m = Mask { line };
    match event {
        M::ServiceInitiatedEvent(e) if m.own_party(&e.initiating_device) => CallClass::Outgoing,
        M::OriginatedEvent(e) => m.classify(Some(&e.calling_device), &[Some(&e.called_device)]),
        M::DeliveredEvent(e) => m.classify(
            Some(&e.calling_device),
            &[Some(&e.alerting_device), Some(&e.called_device)],
        ),
        M::OfferedEvent(e) => m.classify(
            Some(&e.calling_device),
            &[Some(&e.offered_device), Some(&e.called_device)],
        ),
        M::EstablishedEvent(e) => m.classify(
            Some(&e.calling_device),
            &[Some(&e.answering_device), Some(&e.called_device)],
        ),
        M::FailedEvent(e) => m.classify(
            Some(&e.calling_device),
            &[Some(&e.failing_device), Some(&e.called_device)],
        ),
        M::NetworkReachedEvent(e) => m.classify(Some(&e.calling_device), &[Some(&e.called_device)]),
        M::QueuedEvent(e) => m.classify(Some(&e.calling_device), &[Some(&e.called_device)]),
        M::DivertedEvent(e) if m.own_party(&e.diverting_device) => CallClass::Redirected,
        M::DivertedEvent(e) => m.classify(
            e.calling_device.as_ref(),
            &[Some(&e.new_destination), e.called_device.as_ref()],
        ),
        M::DigitsDialedEvent(e) if m.own_party(&e.dialing_device) => CallClass::Outgoing,
        M::DigitsGeneratedEvent(e) if m.own_connection(&e.connection) => CallClass::Outgoing,
        M::ForwardingEvent(e) if m.own_party(&e.device) => CallClass::Redirected,
        _ => CallClass::Unknown,
    }
}

/// The event as a watcher of `line` with `visibility` may receive it, or `None` when it must
/// not reach them at all (invisible line, digits they may not see, a message that is not a
/// known event). See the module documentation for the rules.
pub fn mask_event(
    event: &CstaMessage,
    line: &LineKey,
    visibility: Visibility,
) -> Option<CstaMessage> {
    use CstaMessage as M;
    let numbers = match visibility {
        Visibility::None => return None,
        Visibility::Full => return Some(event.clone()),
        Visibility::FreeBusy | Visibility::Partial(_) => visibility.numbers(),
    };
    let m = Mask { line };
    let show = numbers.allows(call_class(event, line));
    let mut out = event.clone();
    match &mut out {
        M::ServiceInitiatedEvent(e) => {
            m.connection(&mut e.initiated_connection, show);
            m.party(&mut e.initiating_device, show);
        }
        M::OriginatedEvent(e) => {
            m.connection(&mut e.originated_connection, show);
            m.party(&mut e.calling_device, show);
            m.party(&mut e.called_device, show);
        }
        M::DeliveredEvent(e) => {
            m.connection(&mut e.connection, show);
            m.party(&mut e.alerting_device, show);
            m.party(&mut e.calling_device, show);
            m.party(&mut e.called_device, show);
            m.party(&mut e.last_redirection_device, show);
        }
        M::OfferedEvent(e) => {
            m.connection(&mut e.offered_connection, show);
            m.party(&mut e.offered_device, show);
            m.party(&mut e.calling_device, show);
            m.party(&mut e.called_device, show);
            m.party(&mut e.last_redirection_device, show);
        }
        M::EstablishedEvent(e) => {
            m.connection(&mut e.established_connection, show);
            m.party(&mut e.answering_device, show);
            m.party(&mut e.calling_device, show);
            m.party(&mut e.called_device, show);
            m.party(&mut e.last_redirection_device, show);
        }
        M::HeldEvent(e) => {
            m.connection(&mut e.held_connection, show);
            m.party(&mut e.holding_device, show);
        }
        M::RetrievedEvent(e) => {
            m.connection(&mut e.retrieved_connection, show);
            m.party(&mut e.retrieving_device, show);
        }
        M::ConferencedEvent(e) => {
            m.connection(&mut e.primary_old_call, show);
            m.opt_connection(&mut e.secondary_old_call, show);
            m.party(&mut e.conferencing_device, show);
            m.party(&mut e.added_party, show);
            m.list(&mut e.conference_connections, show);
        }
        M::TransferredEvent(e) => {
            m.connection(&mut e.primary_old_call, show);
            m.opt_connection(&mut e.secondary_old_call, show);
            m.party(&mut e.transferring_device, show);
            m.party(&mut e.transferred_to_device, show);
            m.list(&mut e.transferred_connections, show);
        }
        M::DivertedEvent(e) => {
            m.connection(&mut e.connection, show);
            m.party(&mut e.diverting_device, show);
            m.party(&mut e.new_destination, show);
            m.opt_party(&mut e.calling_device, show);
            m.opt_party(&mut e.called_device, show);
            m.party(&mut e.last_redirection_device, show);
        }
        M::ConnectionClearedEvent(e) => {
            m.connection(&mut e.dropped_connection, show);
            m.party(&mut e.releasing_device, show);
        }
        M::CallClearedEvent(e) => m.connection(&mut e.cleared_call, show),
        M::FailedEvent(e) => {
            m.connection(&mut e.failed_connection, show);
            m.party(&mut e.failing_device, show);
            m.party(&mut e.calling_device, show);
            m.party(&mut e.called_device, show);
            m.party(&mut e.last_redirection_device, show);
        }
        M::NetworkReachedEvent(e) => {
            m.connection(&mut e.outbound_connection, show);
            m.party(&mut e.network_interface_used, show);
            m.party(&mut e.calling_device, show);
            m.party(&mut e.called_device, show);
            m.party(&mut e.last_redirection_device, show);
        }
        M::NetworkCapabilitiesChangedEvent(e) => {
            m.connection(&mut e.outbound_connection, show);
            m.party(&mut e.network_interface_used, show);
            m.party(&mut e.called_device, show);
            if !show {
                e.progress_indicator = None;
            }
        }
        M::QueuedEvent(e) => {
            m.connection(&mut e.queued_connection, show);
            m.party(&mut e.queue, show);
            m.party(&mut e.calling_device, show);
            m.party(&mut e.called_device, show);
            m.party(&mut e.last_redirection_device, show);
        }
        M::DigitsDialedEvent(_) | M::DigitsGeneratedEvent(_) => {
            if !show {
                return None;
            }
        }
        M::DoNotDisturbEvent(e) => m.party(&mut e.device, show),
        M::ForwardingEvent(e) => {
            m.party(&mut e.device, show);
            m.device(&mut e.forward_to, show);
        }
        M::MessageWaitingEvent(e) => {
            m.party(&mut e.target_device, show);
            m.opt_party(&mut e.device_for_message, show);
        }
        M::BackInServiceEvent(e) => m.party(&mut e.device, show),
        M::OutOfServiceEvent(e) => m.party(&mut e.device, show),
        _ => return None,
    }
    Some(out)
}

/// A service result as an account with `visibility` on the request's `line` may receive it,
/// or `None` for a result this function does not know (answer with an error instead). Parties
/// and connections of other devices in snapshots and connection lists count as class unknown
/// (kept only when every number is visible); `forwardDN` of `GetForwardingResponse` as
/// redirected.
pub fn mask_response(
    response: &CstaMessage,
    line: &LineKey,
    visibility: Visibility,
) -> Option<CstaMessage> {
    use CstaMessage as M;
    let numbers = match visibility {
        Visibility::None => return None,
        Visibility::Full => return Some(response.clone()),
        Visibility::FreeBusy | Visibility::Partial(_) => visibility.numbers(),
    };
    let m = Mask { line };
    let show = numbers.allows(CallClass::Unknown);
    let mut out = response.clone();
    match &mut out {
        M::SnapshotDeviceResponse(r) => {
            if let csta_proto::SnapshotData::Data(items) = &mut r.cross_ref_id_or_snapshot_data {
                for item in items {
                    m.connection(&mut item.connection_identifier, show);
                }
            }
        }
        M::SnapshotCallResponse(r) => {
            if let csta_proto::SnapshotData::Data(items) = &mut r.cross_ref_id_or_snapshot_data {
                for item in items {
                    m.party(&mut item.device_on_call, show);
                    m.opt_connection(&mut item.call_identifier, show);
                }
            }
        }
        M::GetForwardingResponse(r) => {
            let show = numbers.allows(CallClass::Redirected);
            for item in &mut r.forwarding_list {
                m.device(&mut item.forward_dn, show);
            }
        }
        M::MakeCallResponse(r) => m.connection(&mut r.calling_device, show),
        M::ConsultationCallResponse(r) => m.connection(&mut r.initiated_call, show),
        M::ConferenceCallResponse(r) => {
            m.connection(&mut r.conference_call, show);
            m.list(&mut r.connections, show);
        }
        M::TransferCallResponse(r) => {
            m.connection(&mut r.transferred_call, show);
            m.list(&mut r.connections, show);
        }
        M::SingleStepTransferCallResponse(r) => m.connection(&mut r.transferred_call, show),
        M::SingleStepConferenceCallResponse(r) => {
            m.connection(&mut r.conferenced_call, show);
            m.list(&mut r.connections, show);
        }
        M::DirectedPickupCallResponse(r) => m.opt_connection(&mut r.picked_call, show),
        M::AnswerCallResponse(_)
        | M::ClearConnectionResponse(_)
        | M::HoldCallResponse(_)
        | M::RetrieveCallResponse(_)
        | M::AlternateCallResponse(_)
        | M::ReconnectCallResponse(_)
        | M::DeflectCallResponse(_)
        | M::GenerateDigitsResponse(_)
        | M::DialDigitsResponse(_)
        | M::GetDoNotDisturbResponse(_)
        | M::SetDoNotDisturbResponse(_)
        | M::SetForwardingResponse(_)
        | M::GetMessageWaitingIndicatorResponse(_)
        | M::SetMessageWaitingIndicatorResponse(_)
        | M::GetLogicalDeviceInformationResponse(_)
        | M::GetPhysicalDeviceInformationResponse(_)
        | M::MonitorStartResponse(_)
        | M::MonitorStopResponse(_)
        | M::CstaErrorCode(_) => {}
        _ => return None,
    }
    Some(out)
}
