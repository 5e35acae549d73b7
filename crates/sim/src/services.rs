//! CSTA services that clients ask of simulated lines. Device identifiers arrive in the
//! simulator's own form (`sip:201@simulator.invalid`); dialled numbers may be in any form a
//! client writes (`202`, `tel:202`, `sip:202@…`) and name a simulated line when their user
//! part is one, else an external number.

use callboard_core::LineKey;
use csta_proto::{
    AlternateCallResponse, AnswerCallResponse, ClearConnectionResponse, ConferenceCallResponse,
    ConferencedEvent, ConnectionId, ConnectionListItem, ConsultationCallResponse, CstaError,
    CstaMessage, DeflectCallResponse, DeviceCategory, DeviceId, DigitsGeneratedEvent,
    DivertedEvent, Endpoint, EventCause, ForwardListItem, ForwardingType, GenerateDigitsResponse,
    GetDoNotDisturbResponse, GetForwardingResponse, GetLogicalDeviceInformationResponse,
    GetMessageWaitingIndicatorResponse, GetPhysicalDeviceInformationResponse, HoldCallResponse,
    LocalCallState, LocalConnectionState as S, MakeCallResponse, ReconnectCallResponse,
    RetrieveCallResponse, SetDoNotDisturbResponse, SetForwardingResponse,
    SetMessageWaitingIndicatorResponse, SingleStepTransferCallResponse, SnapshotCallResponse,
    SnapshotCallResponseInfo, SnapshotData, SnapshotDeviceResponse, SnapshotDeviceResponseInfo,
    TransferCallResponse, TransferredEvent,
};

use crate::engine::Engine;
use crate::model::{Answer, Call, CallNo, Conn, Names, Who};

type Reply = Result<CstaMessage, CstaError>;

/// `operation/invalidCalledDeviceID`: a dialled number that names nothing.
fn invalid_called() -> CstaError {
    CstaError::operation("invalidCalledDeviceID")
}

impl Engine {
    /// Executes a client's request on `line` at virtual time `now`.
    pub(crate) fn request(&mut self, line: &LineKey, request: CstaMessage, now: u64) -> Reply {
        let Some(&acting) = self.by_key.get(line) else {
            return Err(CstaError::invalid_device_id());
        };
        self.now = now.max(self.now);
        self.in_service = true;
        let result = self.serve(acting, request);
        self.in_service = false;
        result
    }

    fn serve(&mut self, acting: u32, request: CstaMessage) -> Reply {
        use CstaMessage as M;
        match request {
            M::MakeCall(r) => self.make_call(acting, &r.calling_device, &r.called_directory_number),
            M::AnswerCall(r) => {
                let (no, line) = self.locate_or(
                    acting,
                    &r.call_to_be_answered,
                    |s| *s == S::Alerting,
                    CstaError::no_call_to_answer,
                )?;
                self.require(no, line, &[S::Alerting], CstaError::no_call_to_answer)?;
                self.establish(no, &Who::Line(line));
                Ok(AnswerCallResponse::default().into())
            }
            M::ClearConnection(r) => {
                let (no, line) = self.locate_or(
                    acting,
                    &r.connection_to_be_cleared,
                    |_| true,
                    CstaError::no_call_to_clear,
                )?;
                let cause = r.reason.unwrap_or(EventCause::NormalClearing);
                self.release(no, &Who::Line(line), cause);
                Ok(ClearConnectionResponse::default().into())
            }
            M::HoldCall(r) => {
                let (no, line) = self.locate_or(
                    acting,
                    &r.call_to_be_held,
                    |s| *s == S::Connected,
                    CstaError::no_active_call,
                )?;
                self.require(no, line, &[S::Connected], CstaError::no_active_call)?;
                self.hold(no, &Who::Line(line), None);
                Ok(HoldCallResponse::default().into())
            }
            M::RetrieveCall(r) => {
                let (no, line) = self.locate_or(
                    acting,
                    &r.call_to_be_retrieved,
                    |s| *s == S::Hold,
                    CstaError::no_held_call,
                )?;
                self.require(no, line, &[S::Hold], CstaError::no_held_call)?;
                if self.has_active_call(line, Some(no)) {
                    return Err(CstaError::invalid_object_state());
                }
                self.retrieve(no, &Who::Line(line), None);
                Ok(RetrieveCallResponse::default().into())
            }
            M::AlternateCall(r) => {
                let (held, active, line) = self.pair(acting, &r.held_call, &r.active_call)?;
                self.require(held, line, &[S::Hold], CstaError::no_held_call)?;
                self.require(active, line, &[S::Connected], CstaError::no_active_call)?;
                let me = Who::Line(line);
                self.hold(active, &me, Some(EventCause::Alternate));
                self.retrieve(held, &me, Some(EventCause::Alternate));
                Ok(AlternateCallResponse::default().into())
            }
            M::ReconnectCall(r) => {
                let (held, active, line) = self.pair(acting, &r.held_call, &r.active_call)?;
                self.require(held, line, &[S::Hold], CstaError::no_held_call)?;
                let me = Who::Line(line);
                self.release(active, &me, EventCause::NormalClearing);
                self.retrieve(held, &me, None);
                Ok(ReconnectCallResponse::default().into())
            }
            M::ConsultationCall(r) => {
                let (no, line) = self.locate(acting, &r.existing_call)?;
                self.require(no, line, &[S::Connected], CstaError::no_active_call)?;
                if self.has_active_call(line, Some(no)) {
                    return Err(CstaError::invalid_object_state());
                }
                let target = self
                    .resolve(&r.consulted_device)
                    .ok_or_else(invalid_called)?;
                let me = Who::Line(line);
                self.hold(no, &me, Some(EventCause::Consultation));
                let new =
                    self.originate(line, target, false, EventCause::Consultation, Answer::Auto);
                let device = self.names().device(&me);
                Ok(ConsultationCallResponse {
                    initiated_call: ConnectionId::new(new.to_string(), device),
                }
                .into())
            }
            M::TransferCall(r) => self.transfer(acting, &r.held_call, &r.active_call),
            M::ConferenceCall(r) => self.conference(acting, &r.held_call, &r.active_call),
            M::SingleStepTransferCall(r) => {
                self.single_step_transfer(acting, &r.active_call, &r.transferred_to)
            }
            M::DeflectCall(r) => self.deflect(acting, &r.call_to_be_diverted, &r.new_destination),
            M::GenerateDigits(r) => {
                let (no, line) = self.locate(acting, &r.connection_to_send_digits)?;
                self.require(no, line, &[S::Connected], CstaError::no_active_call)?;
                if r.characters_to_send.trim().is_empty() {
                    return Err(CstaError::invalid_parameter_value());
                }
                let digits = r.characters_to_send;
                let me = Who::Line(line);
                let call = self.calls[&no].clone();
                self.emit_at(line, |n| {
                    DigitsGeneratedEvent {
                        connection: n.conn(&call, &me),
                        digit_generated_list: digits,
                        ..Default::default()
                    }
                    .into()
                });
                Ok(GenerateDigitsResponse::default().into())
            }
            M::GetDoNotDisturb(r) => {
                let line = self.device_line(acting, &r.device)?;
                Ok(GetDoNotDisturbResponse {
                    do_not_disturb_on: self.lines[line as usize].dnd,
                }
                .into())
            }
            M::SetDoNotDisturb(r) => {
                let line = self.device_line(acting, &r.device)?;
                self.set_dnd(line, r.do_not_disturb_on);
                Ok(SetDoNotDisturbResponse::default().into())
            }
            M::GetMessageWaitingIndicator(r) => {
                let line = self.device_line(acting, &r.device)?;
                Ok(GetMessageWaitingIndicatorResponse {
                    message_waiting_on: self.lines[line as usize].mwi,
                }
                .into())
            }
            M::SetMessageWaitingIndicator(r) => {
                let line = self.device_line(acting, &r.device)?;
                self.set_mwi(line, r.message_waiting_on);
                Ok(SetMessageWaitingIndicatorResponse::default().into())
            }
            M::GetForwarding(r) => {
                let line = self.device_line(acting, &r.device)?;
                let mut list: Vec<ForwardListItem> = self.lines[line as usize]
                    .forwards
                    .iter()
                    .map(|f| ForwardListItem {
                        forwarding_type: f.kind.clone(),
                        forward_status: f.on,
                        forward_dn: f.to.clone(),
                        ring_count: None,
                        ring_duration: None,
                    })
                    .collect();
                if list.is_empty() {
                    list.push(ForwardListItem {
                        forwarding_type: ForwardingType::Immediate,
                        forward_status: false,
                        ..Default::default()
                    });
                }
                Ok(GetForwardingResponse {
                    forwarding_list: list,
                }
                .into())
            }
            M::SetForwarding(r) => {
                let line = self.device_line(acting, &r.device)?;
                let to = r.forward_dn.filter(|d| !d.as_str().trim().is_empty());
                if let Some(to) = &to {
                    if self.resolve(to).is_none() {
                        return Err(invalid_called());
                    }
                }
                let known = self.lines[line as usize]
                    .forwards
                    .iter()
                    .any(|f| f.kind == r.forwarding_type && f.to.is_some());
                if r.activate_forward && to.is_none() && !known {
                    return Err(CstaError::invalid_parameter_value());
                }
                self.set_forwarding(line, r.forwarding_type, r.activate_forward, to);
                Ok(SetForwardingResponse::default().into())
            }
            M::SnapshotDevice(r) => {
                let line = self.device_line(acting, &r.snapshot_object)?;
                let me = Who::Line(line);
                let names = self.names();
                let items = self.lines[line as usize]
                    .calls
                    .iter()
                    .filter_map(|no| self.calls.get(no))
                    .filter_map(|call| {
                        Some(SnapshotDeviceResponseInfo {
                            connection_identifier: names.conn(call, &me),
                            local_call_state: Some(LocalCallState {
                                compound_call_state: vec![call.state(&me)?.clone()],
                            }),
                        })
                    })
                    .collect();
                Ok(SnapshotDeviceResponse {
                    cross_ref_id_or_snapshot_data: SnapshotData::Data(items),
                }
                .into())
            }
            M::SnapshotCall(r) => {
                let (no, _) = self.locate(acting, &r.snapshot_object)?;
                let names = self.names();
                let call = &self.calls[&no];
                let items = call
                    .parties
                    .iter()
                    .map(|conn| SnapshotCallResponseInfo {
                        device_on_call: names.party(&conn.who),
                        call_identifier: Some(names.conn(call, &conn.who)),
                        local_connection_state: Some(conn.state.clone()),
                    })
                    .collect();
                Ok(SnapshotCallResponse {
                    cross_ref_id_or_snapshot_data: SnapshotData::Data(items),
                }
                .into())
            }
            M::GetLogicalDeviceInformation(r) => {
                let line = self.device_line(acting, &r.device)?;
                let number = self.lines[line as usize].key.as_str().to_owned();
                Ok(GetLogicalDeviceInformationResponse {
                    device_category: Some(DeviceCategory::Station),
                    short_form_device_id: Some(DeviceId::new(number)),
                    has_physical_element: Some(false),
                    appearance_addressable: Some(false),
                    max_active_calls: Some(1),
                    max_held_calls: Some(8),
                    max_fwd_settings: Some(12),
                    max_devices_in_conf: Some(8),
                }
                .into())
            }
            M::GetPhysicalDeviceInformation(r) => {
                self.device_line(acting, &r.device)?;
                Ok(GetPhysicalDeviceInformationResponse {
                    device_category: Some(DeviceCategory::Station),
                    device_model_name: Some("callboard simulator (simulated line)".into()),
                    ..Default::default()
                }
                .into())
            }
            _ => Err(CstaError::service_not_supported()),
        }
    }

    fn names(&self) -> Names<'_> {
        Names {
            lines: &self.lines,
            trunk: &self.trunk,
        }
    }

    /// The simulated line a device names (the acting line when the device is empty).
    fn device_line(&self, acting: u32, device: &DeviceId) -> Result<u32, CstaError> {
        if device.as_str().trim().is_empty() {
            return Ok(acting);
        }
        LineKey::from_device_id(device.as_str())
            .and_then(|key| self.by_key.get(&key).copied())
            .ok_or_else(CstaError::invalid_device_id)
    }

    /// The call and line a connection names: the call must exist (`invalidCallID`) and the
    /// line must be in it (`invalidConnectionID`).
    fn locate(&self, acting: u32, conn: &ConnectionId) -> Result<(CallNo, u32), CstaError> {
        let line = match conn.device_id.as_ref() {
            Some(d) if !d.as_str().trim().is_empty() => self
                .device_line(acting, d)
                .map_err(|_| CstaError::invalid_connection_id())?,
            _ => acting,
        };
        let id = conn
            .call_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or_else(CstaError::invalid_call_id)?;
        let no: CallNo = id.parse().map_err(|_| CstaError::invalid_call_id())?;
        let call = self.calls.get(&no).ok_or_else(CstaError::invalid_call_id)?;
        if call.position(&Who::Line(line)).is_none() {
            return Err(CstaError::invalid_connection_id());
        }
        Ok((no, line))
    }

    /// Like [`Engine::locate`], but a connection without a call ID names the line's only call
    /// whose state passes `fits` (else `none`).
    fn locate_or(
        &self,
        acting: u32,
        conn: &ConnectionId,
        fits: impl Fn(&S) -> bool,
        none: fn() -> CstaError,
    ) -> Result<(CallNo, u32), CstaError> {
        if conn
            .call_id
            .as_deref()
            .is_some_and(|id| !id.trim().is_empty())
        {
            return self.locate(acting, conn);
        }
        let line = match conn.device_id.as_ref() {
            Some(d) => self.device_line(acting, d)?,
            None => acting,
        };
        let me = Who::Line(line);
        let mut fitting = self.lines[line as usize].calls.iter().filter(|no| {
            self.calls
                .get(no)
                .and_then(|c| c.state(&me))
                .is_some_and(&fits)
        });
        match (fitting.next(), fitting.next()) {
            (Some(&no), None) => Ok((no, line)),
            _ => Err(none()),
        }
    }

    /// The line's connection in the call must be in one of `states`.
    fn require(
        &self,
        no: CallNo,
        line: u32,
        states: &[S],
        error: fn() -> CstaError,
    ) -> Result<(), CstaError> {
        let state = self.calls.get(&no).and_then(|c| c.state(&Who::Line(line)));
        match state {
            Some(s) if states.contains(s) => Ok(()),
            _ => Err(error()),
        }
    }

    /// A held and an active call of the same line, in that order (a client that swapped
    /// them is forgiven).
    fn pair(
        &self,
        acting: u32,
        held: &ConnectionId,
        active: &ConnectionId,
    ) -> Result<(CallNo, CallNo, u32), CstaError> {
        let (held, line) = self.locate(acting, held)?;
        let (active, other_line) = self.locate(acting, active)?;
        if line != other_line {
            return Err(CstaError::invalid_connection_id());
        }
        if held == active {
            return Err(CstaError::request_incompatible_with_object());
        }
        let me = Who::Line(line);
        let state = |no: CallNo| self.calls.get(&no).and_then(|c| c.state(&me)).cloned();
        if state(held) != Some(S::Hold) && state(active) == Some(S::Hold) {
            return Ok((active, held, line));
        }
        Ok((held, active, line))
    }

    fn make_call(&mut self, acting: u32, calling: &DeviceId, called: &DeviceId) -> Reply {
        let line = self
            .device_line(acting, calling)
            .map_err(|_| CstaError::operation("invalidCallingDeviceID"))?;
        let target = self.resolve(called).ok_or_else(invalid_called)?;
        if self.has_active_call(line, None) {
            return Err(CstaError::invalid_object_state());
        }
        tracing::debug!(line = %self.lines[line as usize].key, called = %called, "simulator: MakeCall");
        let no = self.originate(line, target, false, EventCause::MakeCall, Answer::Auto);
        let device = self.names().device(&Who::Line(line));
        Ok(MakeCallResponse {
            calling_device: ConnectionId::new(no.to_string(), device),
        }
        .into())
    }

    /// Checks a held and an active call for transfer and conference: the line holds the
    /// first, talks (or hears ringing) in the second, and no party is in both.
    fn joinable(
        &self,
        acting: u32,
        held: &ConnectionId,
        active: &ConnectionId,
    ) -> Result<(CallNo, CallNo, u32), CstaError> {
        let (held, active, line) = self.pair(acting, held, active)?;
        self.require(held, line, &[S::Hold], CstaError::no_held_call)?;
        self.require(active, line, &[S::Connected], CstaError::no_active_call)?;
        let me = Who::Line(line);
        let first: Vec<&Conn> = self.calls[&held].others(&me).collect();
        let second: Vec<&Conn> = self.calls[&active].others(&me).collect();
        if first.is_empty() || second.is_empty() {
            return Err(CstaError::invalid_object_state());
        }
        if first.iter().any(|a| second.iter().any(|b| a.who == b.who)) {
            return Err(CstaError::request_incompatible_with_object());
        }
        Ok((held, active, line))
    }

    /// A new call made of parties of old calls: `(party, old call)` with their states.
    fn merged_call(&mut self, template: &Call, parties: &[(Conn, CallNo)]) -> (CallNo, Call) {
        let no = self.allocate_call();
        let call = Call {
            id: no.to_string(),
            parties: parties.iter().map(|(c, _)| c.clone()).collect(),
            scripted: false,
            ..template.clone()
        };
        (no, call)
    }

    fn connection_list(&self, new: &Call, parties: &[(Conn, CallNo)]) -> Vec<ConnectionListItem> {
        let names = self.names();
        parties
            .iter()
            .map(|(conn, old)| ConnectionListItem {
                new_connection: Some(names.conn(new, &conn.who)),
                old_connection: Some(ConnectionId::new(old.to_string(), names.device(&conn.who))),
                endpoint: Some(Endpoint::Device(names.device(&conn.who))),
            })
            .collect()
    }

    /// Puts a merged call in place of the old ones at its lines and schedules what its
    /// ringing parties do.
    fn install(&mut self, no: CallNo, call: Call, parties: &[(Conn, CallNo)]) {
        let alerting: Vec<Who> = call
            .parties
            .iter()
            .filter(|c| c.state == S::Alerting)
            .map(|c| c.who.clone())
            .collect();
        let autonomous = call.autonomous;
        self.calls.insert(no, call);
        for (conn, old) in parties {
            if let Who::Line(line) = conn.who {
                self.rename_at_line(line, *old, no);
            }
        }
        for who in &alerting {
            self.auto_answer_later(no, who.clone());
        }
        if autonomous && alerting.is_empty() {
            self.start_script(no, None);
        }
    }

    fn transfer(&mut self, acting: u32, held: &ConnectionId, active: &ConnectionId) -> Reply {
        let (first, second, line) = self.joinable(acting, held, active)?;
        let me = Who::Line(line);
        let mut parties: Vec<(Conn, CallNo)> = Vec::new();
        for old in [first, second] {
            for conn in self.calls[&old].others(&me) {
                parties.push((conn.clone(), old));
            }
        }
        let template = Call {
            calling: parties[0].0.who.clone(),
            called: self.calls[&second]
                .others(&me)
                .next()
                .map_or_else(|| me.clone(), |c| c.who.clone()),
            redirected_by: Some(me.clone()),
            cause: EventCause::Transfer,
            autonomous: true,
            ..self.calls[&first].clone()
        };
        let (no, call) = self.merged_call(&template, &parties);
        let list = self.connection_list(&call, &parties);
        let transferred_to = call.called.clone();
        // Tell every line of both calls, the transferring line first.
        let names = self.names();
        let primary = names.conn(&self.calls[&first], &me);
        let secondary = names.conn(&self.calls[&second], &me);
        let mut events = Vec::new();
        let recipients = std::iter::once(Conn {
            who: me.clone(),
            state: S::Null,
        })
        .chain(call.parties.iter().cloned());
        for conn in recipients {
            let Who::Line(l) = conn.who else { continue };
            events.push((
                l,
                TransferredEvent {
                    primary_old_call: primary.clone(),
                    secondary_old_call: Some(secondary.clone()),
                    transferring_device: names.party(&me),
                    transferred_to_device: names.party(&transferred_to),
                    transferred_connections: list.clone(),
                    local_connection_info: Some(conn.state.clone()),
                    cause: Some(EventCause::Transfer),
                    ..Default::default()
                },
            ));
        }
        for (l, event) in events {
            self.emit_at(l, |_| event.into());
        }
        let response_conn = names_conn(self, &call, &transferred_to);
        self.calls.remove(&first);
        self.calls.remove(&second);
        self.remove_from_line(line, first);
        self.remove_from_line(line, second);
        self.install(no, call, &parties);
        tracing::debug!(call = no, "simulator: call transferred");
        Ok(TransferCallResponse {
            transferred_call: response_conn,
            connections: list,
        }
        .into())
    }

    fn conference(&mut self, acting: u32, held: &ConnectionId, active: &ConnectionId) -> Reply {
        let (first, second, line) = self.joinable(acting, held, active)?;
        let me = Who::Line(line);
        let mut parties: Vec<(Conn, CallNo)> = vec![(
            Conn {
                who: me.clone(),
                state: S::Connected,
            },
            first,
        )];
        for old in [first, second] {
            for conn in self.calls[&old].others(&me) {
                parties.push((conn.clone(), old));
            }
        }
        let added = self.calls[&second]
            .others(&me)
            .next()
            .map_or_else(|| me.clone(), |c| c.who.clone());
        let template = Call {
            cause: EventCause::Conference,
            autonomous: false,
            ..self.calls[&first].clone()
        };
        let (no, call) = self.merged_call(&template, &parties);
        let list = self.connection_list(&call, &parties);
        let names = self.names();
        let primary = names.conn(&self.calls[&first], &me);
        let secondary = names.conn(&self.calls[&second], &me);
        let mut events = Vec::new();
        for conn in &call.parties {
            let Who::Line(l) = conn.who else { continue };
            events.push((
                l,
                ConferencedEvent {
                    primary_old_call: primary.clone(),
                    secondary_old_call: Some(secondary.clone()),
                    conferencing_device: names.party(&me),
                    added_party: names.party(&added),
                    conference_connections: list.clone(),
                    local_connection_info: Some(conn.state.clone()),
                    cause: Some(EventCause::Conference),
                    ..Default::default()
                },
            ));
        }
        for (l, event) in events {
            self.emit_at(l, |_| event.into());
        }
        let response_conn = names_conn(self, &call, &me);
        self.calls.remove(&first);
        self.calls.remove(&second);
        // The conferencing line keeps one call: the first becomes the conference.
        self.remove_from_line(line, second);
        self.install(no, call, &parties);
        Ok(ConferenceCallResponse {
            conference_call: response_conn,
            connections: list,
        }
        .into())
    }

    fn single_step_transfer(&mut self, acting: u32, active: &ConnectionId, to: &DeviceId) -> Reply {
        let (old, line) = self.locate(acting, active)?;
        self.require(old, line, &[S::Connected], CstaError::no_active_call)?;
        let target = self.resolve(to).ok_or_else(invalid_called)?;
        let me = Who::Line(line);
        if target == me {
            return Err(CstaError::request_incompatible_with_object());
        }
        let parties: Vec<(Conn, CallNo)> = self.calls[&old]
            .others(&me)
            .map(|c| (c.clone(), old))
            .collect();
        let Some(first_party) = parties.first().map(|(c, _)| c.who.clone()) else {
            return Err(CstaError::invalid_object_state());
        };
        let template = Call {
            calling: first_party,
            called: target.clone(),
            redirected_by: Some(me.clone()),
            cause: EventCause::SingleStepTransfer,
            autonomous: true,
            ..self.calls[&old].clone()
        };
        let (no, call) = self.merged_call(&template, &parties);
        let list = self.connection_list(&call, &parties);
        let names = self.names();
        let primary = names.conn(&self.calls[&old], &me);
        let recipients = std::iter::once(Conn {
            who: me.clone(),
            state: S::Null,
        })
        .chain(call.parties.iter().cloned());
        let mut events = Vec::new();
        for conn in recipients {
            let Who::Line(l) = conn.who else { continue };
            events.push((
                l,
                TransferredEvent {
                    primary_old_call: primary.clone(),
                    secondary_old_call: None,
                    transferring_device: names.party(&me),
                    transferred_to_device: names.party(&target),
                    transferred_connections: list.clone(),
                    local_connection_info: Some(conn.state.clone()),
                    cause: Some(EventCause::SingleStepTransfer),
                    ..Default::default()
                },
            ));
        }
        for (l, event) in events {
            self.emit_at(l, |_| event.into());
        }
        let response_conn = names_conn(self, &call, &target);
        self.calls.remove(&old);
        self.remove_from_line(line, old);
        // Not `install`: the new call is delivered to the target first.
        self.calls.insert(no, call);
        for (conn, old) in &parties {
            if let Who::Line(l) = conn.who {
                self.rename_at_line(l, *old, no);
            }
        }
        self.deliver(no, target, EventCause::SingleStepTransfer, Answer::Auto, 0);
        Ok(SingleStepTransferCallResponse {
            transferred_call: response_conn,
        }
        .into())
    }

    fn deflect(&mut self, acting: u32, alerting: &ConnectionId, to: &DeviceId) -> Reply {
        let (no, line) = self.locate(acting, alerting)?;
        self.require(
            no,
            line,
            &[S::Alerting],
            CstaError::invalid_connection_state,
        )?;
        let target = self.resolve(to).ok_or_else(invalid_called)?;
        let me = Who::Line(line);
        if target == me {
            return Err(CstaError::request_incompatible_with_object());
        }
        self.broadcast(no, Some(&me), |n, c, conn| {
            let local = if conn.who == me {
                S::Null
            } else {
                conn.state.clone()
            };
            DivertedEvent {
                connection: n.conn(c, &me),
                diverting_device: n.party(&me),
                new_destination: n.party(&target),
                calling_device: Some(n.party(&c.calling)),
                called_device: Some(n.party(&c.called)),
                last_redirection_device: n.redirection(c),
                local_connection_info: Some(local),
                cause: Some(EventCause::Redirected),
                ..Default::default()
            }
            .into()
        });
        if let Some(call) = self.calls.get_mut(&no) {
            call.parties.retain(|c| c.who != me);
            call.redirected_by = Some(me.clone());
        }
        self.remove_from_line(line, no);
        self.deliver(no, target, EventCause::Redirected, Answer::Auto, 0);
        Ok(DeflectCallResponse::default().into())
    }
}

fn names_conn(engine: &Engine, call: &Call, who: &Who) -> ConnectionId {
    Names {
        lines: &engine.lines,
        trunk: &engine.trunk,
    }
    .conn(call, who)
}
