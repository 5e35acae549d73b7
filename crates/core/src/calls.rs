//! The call model of one line (CC3): the calls at the line and the state of the line's
//! connection in each, updated from events only (phones may answer a request before they act,
//! so the model follows what happened, not what was asked). Snapshots are answered from it.

use std::collections::BTreeMap;

use csta_proto::{
    ConnectionId, CstaMessage, DeviceId, LocalCallState, LocalConnectionState, Party,
    SnapshotCallResponseInfo, SnapshotDeviceResponseInfo,
};

use crate::LineKey;

/// One call at the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAtLine {
    /// The call ID, opaque (snom uses small and negative numbers, Yealink `12|13`).
    pub call_id: String,
    /// The line's device as the link writes it in this call.
    pub device: DeviceId,
    /// The state of the line's connection.
    pub state: LocalConnectionState,
    /// The calling party, when an event told it.
    pub calling: Option<Party>,
    /// The called party, when an event told it.
    pub called: Option<Party>,
}

/// The calls at one line, by call ID, plus the line's feature states last reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineCalls {
    /// The line's device as its link writes it, for calls first seen through another party's
    /// connection (e.g. `Delivered` at the caller names the callee's connection).
    device: Option<DeviceId>,
    calls: BTreeMap<String, CallAtLine>,
    /// Do-not-disturb, as the last `DoNotDisturbEvent` said.
    pub do_not_disturb: Option<bool>,
    /// Message waiting, as the last `MessageWaitingEvent` said.
    pub message_waiting: Option<bool>,
}

fn is_line(line: &LineKey, device: Option<&DeviceId>) -> bool {
    device
        .and_then(|d| LineKey::from_device_id(d.as_str()))
        .is_some_and(|k| &k == line)
}

fn party_is_line(line: &LineKey, party: &Party) -> bool {
    is_line(line, party.device_id())
}

impl LineCalls {
    /// The model of a line whose link writes it as `device`.
    pub fn for_device(device: &str) -> Self {
        LineCalls {
            device: Some(DeviceId::new(device)),
            ..LineCalls::default()
        }
    }

    /// The line's device changed (e.g. the phone re-registered under another host).
    pub fn set_device(&mut self, device: &str) {
        self.device = Some(DeviceId::new(device));
    }

    /// The calls, ordered by call ID.
    pub fn calls(&self) -> impl Iterator<Item = &CallAtLine> {
        self.calls.values()
    }

    /// One call.
    pub fn call(&self, call_id: &str) -> Option<&CallAtLine> {
        self.calls.get(call_id)
    }

    /// Whether the line has no call.
    pub fn is_idle(&self) -> bool {
        self.calls.is_empty()
    }

    /// Forgets every call (the line went out of service).
    pub fn clear(&mut self) {
        self.calls.clear();
    }

    fn set(
        &mut self,
        line: &LineKey,
        connection: &ConnectionId,
        state: LocalConnectionState,
        calling: Option<&Party>,
        called: Option<&Party>,
    ) {
        let Some(call_id) = connection.call_id.clone() else {
            return;
        };
        let device = match &connection.device_id {
            Some(device) if is_line(line, Some(device)) => device.clone(),
            _ => self
                .device
                .clone()
                .unwrap_or_else(|| DeviceId::new(line.as_str())),
        };
        let entry = self.calls.entry(call_id.clone()).or_insert(CallAtLine {
            call_id,
            device,
            state: state.clone(),
            calling: None,
            called: None,
        });
        entry.state = state;
        if let Some(calling) = calling.filter(|p| !matches!(p, Party::NotKnown)) {
            entry.calling = Some(calling.clone());
        }
        if let Some(called) = called.filter(|p| !matches!(p, Party::NotKnown)) {
            entry.called = Some(called.clone());
        }
    }

    fn remove(&mut self, connection: &ConnectionId) {
        if let Some(call_id) = &connection.call_id {
            self.calls.remove(call_id);
        }
    }

    /// The state an event gives the line's connection: `localConnectionInfo` when the event has
    /// it (it always describes the monitored device), else `fallback`.
    fn state_of(
        info: &Option<LocalConnectionState>,
        fallback: LocalConnectionState,
    ) -> LocalConnectionState {
        info.clone().unwrap_or(fallback)
    }

    /// Applies one event of the line's monitor.
    pub fn apply(&mut self, line: &LineKey, event: &CstaMessage) {
        use LocalConnectionState as S;
        match event {
            CstaMessage::ServiceInitiatedEvent(e) => {
                let state = Self::state_of(&e.local_connection_info, S::Initiated);
                self.set(line, &e.initiated_connection, state, None, None);
            }
            CstaMessage::OriginatedEvent(e) => {
                let state = Self::state_of(&e.local_connection_info, S::Connected);
                self.set(
                    line,
                    &e.originated_connection,
                    state,
                    Some(&e.calling_device),
                    Some(&e.called_device),
                );
            }
            CstaMessage::DeliveredEvent(e) => {
                let fallback = if party_is_line(line, &e.alerting_device) {
                    S::Alerting
                } else {
                    S::Connected
                };
                let state = Self::state_of(&e.local_connection_info, fallback);
                let connection = self.own_connection(line, &e.connection);
                self.set(
                    line,
                    &connection,
                    state,
                    Some(&e.calling_device),
                    Some(&e.called_device),
                );
            }
            CstaMessage::OfferedEvent(e) => {
                let state = Self::state_of(&e.local_connection_info, S::Alerting);
                let connection = self.own_connection(line, &e.offered_connection);
                self.set(
                    line,
                    &connection,
                    state,
                    Some(&e.calling_device),
                    Some(&e.called_device),
                );
            }
            CstaMessage::EstablishedEvent(e) => {
                let state = Self::state_of(&e.local_connection_info, S::Connected);
                let connection = self.own_connection(line, &e.established_connection);
                self.set(
                    line,
                    &connection,
                    state,
                    Some(&e.calling_device),
                    Some(&e.called_device),
                );
            }
            CstaMessage::HeldEvent(e)
                if e.local_connection_info.is_some() || party_is_line(line, &e.holding_device) =>
            {
                let state = Self::state_of(&e.local_connection_info, S::Hold);
                let connection = self.own_connection(line, &e.held_connection);
                self.set(line, &connection, state, None, None);
            }
            CstaMessage::RetrievedEvent(e)
                if e.local_connection_info.is_some()
                    || party_is_line(line, &e.retrieving_device) =>
            {
                let state = Self::state_of(&e.local_connection_info, S::Connected);
                let connection = self.own_connection(line, &e.retrieved_connection);
                self.set(line, &connection, state, None, None);
            }
            CstaMessage::FailedEvent(e) => {
                let state = Self::state_of(&e.local_connection_info, S::Fail);
                let connection = self.own_connection(line, &e.failed_connection);
                self.set(
                    line,
                    &connection,
                    state,
                    Some(&e.calling_device),
                    Some(&e.called_device),
                );
            }
            CstaMessage::QueuedEvent(e) => {
                let connection = self.own_connection(line, &e.queued_connection);
                self.set(
                    line,
                    &connection,
                    S::Queued,
                    Some(&e.calling_device),
                    Some(&e.called_device),
                );
            }
            CstaMessage::NetworkReachedEvent(e) => {
                if let Some(state) = &e.local_connection_info {
                    let connection = self.own_connection(line, &e.outbound_connection);
                    self.set(line, &connection, state.clone(), None, None);
                }
            }
            CstaMessage::ConnectionClearedEvent(e) => {
                let ours = is_line(line, e.dropped_connection.device_id.as_ref())
                    || e.local_connection_info == Some(S::Null)
                    || e.dropped_connection.device_id.is_none();
                if ours {
                    self.remove(&e.dropped_connection);
                }
            }
            CstaMessage::CallClearedEvent(e) => self.remove(&e.cleared_call),
            CstaMessage::DivertedEvent(e) => {
                if party_is_line(line, &e.diverting_device) {
                    self.remove(&e.connection);
                } else if party_is_line(line, &e.new_destination) {
                    let state = Self::state_of(&e.local_connection_info, S::Alerting);
                    let connection = self.own_connection(line, &e.connection);
                    self.set(
                        line,
                        &connection,
                        state,
                        e.calling_device.as_ref(),
                        e.called_device.as_ref(),
                    );
                }
            }
            CstaMessage::TransferredEvent(e) => {
                self.remove(&e.primary_old_call);
                if let Some(secondary) = &e.secondary_old_call {
                    self.remove(secondary);
                }
                if !party_is_line(line, &e.transferring_device) {
                    self.adopt_new_connections(
                        line,
                        &e.transferred_connections,
                        &e.local_connection_info,
                    );
                }
            }
            CstaMessage::ConferencedEvent(e) => {
                self.remove(&e.primary_old_call);
                if let Some(secondary) = &e.secondary_old_call {
                    self.remove(secondary);
                }
                self.adopt_new_connections(
                    line,
                    &e.conference_connections,
                    &e.local_connection_info,
                );
                if self.calls.is_empty() {
                    // No connection list: the conference keeps the primary call's ID.
                    let state = Self::state_of(&e.local_connection_info, S::Connected);
                    let connection = self.own_connection(line, &e.primary_old_call);
                    self.set(line, &connection, state, None, None);
                }
            }
            CstaMessage::DoNotDisturbEvent(e) => self.do_not_disturb = Some(e.do_not_disturb_on),
            CstaMessage::MessageWaitingEvent(e) => {
                self.message_waiting = Some(e.message_waiting_on)
            }
            CstaMessage::OutOfServiceEvent(_) => self.clear(),
            _ => {}
        }
    }

    /// Calls in an event are named by a connection of any device; the model keeps the line's
    /// own device for a call it already knows.
    fn own_connection(&self, line: &LineKey, connection: &ConnectionId) -> ConnectionId {
        let known = connection
            .call_id
            .as_ref()
            .and_then(|id| self.calls.get(id))
            .map(|call| call.device.clone());
        match known {
            Some(device) if !is_line(line, connection.device_id.as_ref()) => ConnectionId {
                call_id: connection.call_id.clone(),
                device_id: Some(device),
            },
            _ => connection.clone(),
        }
    }

    fn adopt_new_connections(
        &mut self,
        line: &LineKey,
        items: &[csta_proto::ConnectionListItem],
        info: &Option<LocalConnectionState>,
    ) {
        for item in items {
            if let Some(new) = &item.new_connection {
                if is_line(line, new.device_id.as_ref()) {
                    if let Some(old) = &item.old_connection {
                        self.remove(old);
                    }
                    let state = Self::state_of(info, LocalConnectionState::Connected);
                    self.set(line, new, state, None, None);
                }
            }
        }
    }

    /// The `snapshotDeviceResponseInfo` list of the line.
    pub fn snapshot_device(&self) -> Vec<SnapshotDeviceResponseInfo> {
        self.calls
            .values()
            .map(|call| SnapshotDeviceResponseInfo {
                connection_identifier: ConnectionId {
                    call_id: Some(call.call_id.clone()),
                    device_id: Some(call.device.clone()),
                },
                local_call_state: Some(LocalCallState {
                    compound_call_state: vec![call.state.clone()],
                }),
            })
            .collect()
    }

    /// The `snapshotCallResponseInfo` list of one call as this line knows it: the line's own
    /// connection with its state, and the other party (state unknown).
    pub fn snapshot_call(&self, call_id: &str) -> Option<Vec<SnapshotCallResponseInfo>> {
        let call = self.calls.get(call_id)?;
        let own = ConnectionId {
            call_id: Some(call.call_id.clone()),
            device_id: Some(call.device.clone()),
        };
        let mut parties = vec![SnapshotCallResponseInfo {
            device_on_call: Party::Device(call.device.clone()),
            call_identifier: Some(own),
            local_connection_state: Some(call.state.clone()),
        }];
        let line = LineKey::from_device_id(call.device.as_str());
        for party in [&call.calling, &call.called].into_iter().flatten() {
            let is_own = line.as_ref().is_some_and(|l| party_is_line(l, party));
            if !is_own && party.device_id().is_some() {
                parties.push(SnapshotCallResponseInfo {
                    device_on_call: party.clone(),
                    call_identifier: None,
                    local_connection_state: None,
                });
            }
        }
        Some(parties)
    }
}

#[cfg(test)]
mod tests {
    use csta_proto::{DeliveredEvent, EstablishedEvent};

    use super::*;

    #[test]
    fn a_call_first_seen_through_the_other_partys_connection_is_kept_under_the_lines_device() {
        let line = LineKey::from_device_id("sip:201@pbx.example").unwrap();
        let mut calls = LineCalls::for_device("sip:201@pbx.example");
        // Delivered at the caller names the callee's (alerting) connection.
        calls.apply(
            &line,
            &DeliveredEvent {
                connection: ConnectionId::new("7", "sip:202@pbx.example"),
                alerting_device: Party::device("sip:202@pbx.example"),
                calling_device: Party::device("sip:201@pbx.example"),
                called_device: Party::device("sip:202@pbx.example"),
                local_connection_info: Some(LocalConnectionState::Connected),
                ..Default::default()
            }
            .into(),
        );
        let call = calls.call("7").unwrap();
        assert_eq!(call.device.as_str(), "sip:201@pbx.example");
        assert_eq!(call.state, LocalConnectionState::Connected);
        calls.apply(
            &line,
            &EstablishedEvent {
                established_connection: ConnectionId::new("7", "sip:202@pbx.example"),
                answering_device: Party::device("sip:202@pbx.example"),
                local_connection_info: Some(LocalConnectionState::Connected),
                ..Default::default()
            }
            .into(),
        );
        assert_eq!(calls.snapshot_device().len(), 1);
        let parties = calls.snapshot_call("7").unwrap();
        assert_eq!(
            parties[0].device_on_call,
            Party::device("sip:201@pbx.example")
        );
        assert!(
            parties
                .iter()
                .any(|p| p.device_on_call == Party::device("sip:202@pbx.example"))
        );
    }
}
