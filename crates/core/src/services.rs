//! Which line a CSTA service request acts on, and rewriting the request's device identifiers
//! into the form the line's link uses (a client may write `201` where the phone wants
//! `sip:201@pbx.example`).

use csta_proto::{ConnectionId, CstaMessage, DeviceId};

/// The device a service request acts on (its subject), if the message is a service request.
pub fn subject_device(request: &CstaMessage) -> Option<&DeviceId> {
    use CstaMessage as M;
    fn from_connection(c: &ConnectionId) -> Option<&DeviceId> {
        c.device_id.as_ref()
    }
    match request {
        M::MakeCall(r) => Some(&r.calling_device),
        M::AnswerCall(r) => from_connection(&r.call_to_be_answered),
        M::ClearConnection(r) => from_connection(&r.connection_to_be_cleared),
        M::HoldCall(r) => from_connection(&r.call_to_be_held),
        M::RetrieveCall(r) => from_connection(&r.call_to_be_retrieved),
        M::AlternateCall(r) => from_connection(&r.held_call).or(from_connection(&r.active_call)),
        M::ReconnectCall(r) => from_connection(&r.held_call).or(from_connection(&r.active_call)),
        M::ConferenceCall(r) => from_connection(&r.held_call).or(from_connection(&r.active_call)),
        M::TransferCall(r) => from_connection(&r.held_call).or(from_connection(&r.active_call)),
        M::ConsultationCall(r) => from_connection(&r.existing_call),
        M::SingleStepTransferCall(r) => from_connection(&r.active_call),
        M::SingleStepConferenceCall(r) => from_connection(&r.active_call),
        M::DeflectCall(r) => from_connection(&r.call_to_be_diverted),
        M::DirectedPickupCall(r) => Some(&r.requesting_device),
        M::GenerateDigits(r) => from_connection(&r.connection_to_send_digits),
        M::DialDigits(r) => from_connection(&r.dialling_connection),
        M::GetDoNotDisturb(r) => Some(&r.device),
        M::SetDoNotDisturb(r) => Some(&r.device),
        M::GetForwarding(r) => Some(&r.device),
        M::SetForwarding(r) => Some(&r.device),
        M::GetMessageWaitingIndicator(r) => Some(&r.device),
        M::SetMessageWaitingIndicator(r) => Some(&r.device),
        M::SnapshotDevice(r) => Some(&r.snapshot_object),
        M::SnapshotCall(r) => from_connection(&r.snapshot_object),
        M::GetLogicalDeviceInformation(r) => Some(&r.device),
        M::GetPhysicalDeviceInformation(r) => Some(&r.device),
        _ => None,
    }
}

/// Applies `rewrite` to every device identifier of a service request that names a device of
/// the acting line (connections and subject devices; dialled numbers are left alone).
pub fn rewrite_subject_devices(
    request: &mut CstaMessage,
    rewrite: &dyn Fn(&DeviceId) -> Option<DeviceId>,
) {
    use CstaMessage as M;
    let device = |d: &mut DeviceId| {
        if let Some(new) = rewrite(d) {
            *d = new;
        }
    };
    let connection = |c: &mut ConnectionId| {
        if let Some(d) = c.device_id.as_mut() {
            if let Some(new) = rewrite(d) {
                *d = new;
            }
        }
    };
    match request {
        M::MakeCall(r) => device(&mut r.calling_device),
        M::AnswerCall(r) => connection(&mut r.call_to_be_answered),
        M::ClearConnection(r) => connection(&mut r.connection_to_be_cleared),
        M::HoldCall(r) => connection(&mut r.call_to_be_held),
        M::RetrieveCall(r) => connection(&mut r.call_to_be_retrieved),
        M::AlternateCall(r) => {
            connection(&mut r.held_call);
            connection(&mut r.active_call);
        }
        M::ReconnectCall(r) => {
            connection(&mut r.held_call);
            connection(&mut r.active_call);
        }
        M::ConferenceCall(r) => {
            connection(&mut r.held_call);
            connection(&mut r.active_call);
        }
        M::TransferCall(r) => {
            connection(&mut r.held_call);
            connection(&mut r.active_call);
        }
        M::ConsultationCall(r) => connection(&mut r.existing_call),
        M::SingleStepTransferCall(r) => connection(&mut r.active_call),
        M::SingleStepConferenceCall(r) => connection(&mut r.active_call),
        M::DeflectCall(r) => connection(&mut r.call_to_be_diverted),
        M::DirectedPickupCall(r) => device(&mut r.requesting_device),
        M::GenerateDigits(r) => connection(&mut r.connection_to_send_digits),
        M::DialDigits(r) => connection(&mut r.dialling_connection),
        M::GetDoNotDisturb(r) => device(&mut r.device),
        M::SetDoNotDisturb(r) => device(&mut r.device),
        M::GetForwarding(r) => device(&mut r.device),
        M::SetForwarding(r) => device(&mut r.device),
        M::GetMessageWaitingIndicator(r) => device(&mut r.device),
        M::SetMessageWaitingIndicator(r) => device(&mut r.device),
        M::SnapshotDevice(r) => device(&mut r.snapshot_object),
        M::SnapshotCall(r) => connection(&mut r.snapshot_object),
        M::GetLogicalDeviceInformation(r) => device(&mut r.device),
        M::GetPhysicalDeviceInformation(r) => device(&mut r.device),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csta_proto::{AnswerCall, MakeCall};

    #[test]
    fn the_subject_of_make_call_is_the_calling_device_and_is_rewritten_alone() {
        let mut request: CstaMessage = MakeCall {
            calling_device: DeviceId::new("201"),
            called_directory_number: DeviceId::new("202"),
            auto_originate: None,
        }
        .into();
        assert_eq!(subject_device(&request).unwrap().as_str(), "201");
        rewrite_subject_devices(&mut request, &|d| {
            Some(DeviceId::new(format!("sip:{}@pbx.example", d.as_str())))
        });
        let CstaMessage::MakeCall(make) = &request else {
            unreachable!()
        };
        assert_eq!(make.calling_device.as_str(), "sip:201@pbx.example");
        assert_eq!(
            make.called_directory_number.as_str(),
            "202",
            "dialled numbers stay"
        );
    }

    #[test]
    fn connections_carry_the_subject_of_call_services() {
        let request: CstaMessage = AnswerCall {
            call_to_be_answered: ConnectionId::new("7", "201"),
        }
        .into();
        assert_eq!(subject_device(&request).unwrap().as_str(), "201");
        let not_a_service: CstaMessage = csta_proto::RequestSystemStatus::default().into();
        assert!(subject_device(&not_a_service).is_none());
    }
}
