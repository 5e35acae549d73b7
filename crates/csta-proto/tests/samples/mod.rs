//! One realistic sample of every message kind, shared by the golden tests.

use csta_proto::*;

fn dev(s: &str) -> DeviceId {
    DeviceId::new(s)
}

fn conn(call: &str, device: &str) -> ConnectionId {
    ConnectionId::new(call, device)
}

fn party(s: &str) -> Party {
    Party::device(s)
}

const ME: &str = "sip:201@pbx.example";
const YOU: &str = "sip:202@pbx.example";
const THEM: &str = "sip:203@pbx.example";

fn conn_list() -> Vec<ConnectionListItem> {
    vec![
        ConnectionListItem {
            new_connection: Some(conn("12|13", ME)),
            old_connection: Some(conn("12", ME)),
            endpoint: Some(Endpoint::Device(dev(ME))),
        },
        ConnectionListItem {
            new_connection: Some(conn("12|13", YOU)),
            old_connection: Some(conn("13", YOU)),
            endpoint: Some(Endpoint::Restricted),
        },
        ConnectionListItem::default(),
    ]
}

/// A sample of every message kind.
pub fn all() -> Vec<CstaMessage> {
    vec![
        RequestSystemStatus {}.into(),
        RequestSystemStatusResponse {
            system_status: SystemStatus::Normal,
        }
        .into(),
        SystemStatusMessage {
            system_status: SystemStatus::Enabled,
            sys_stat_register_id: Some("7".into()),
        }
        .into(),
        SystemStatusResponse {}.into(),
        SystemRegister {
            request_types: RequestTypes {
                system_status: Some(true),
                request_system_status: Some(false),
                switching_function_caps_changed: None,
                switching_function_devices_changed: Some(true),
            },
        }
        .into(),
        SystemRegisterResponse {
            sys_stat_register_id: "2".into(),
        }
        .into(),
        SystemRegisterCancel {
            sys_stat_register_id: "2".into(),
        }
        .into(),
        SystemRegisterCancelResponse {}.into(),
        SystemRegisterAbort {
            sys_stat_register_id: "2".into(),
        }
        .into(),
        GetSwitchingFunctionDevices {
            requested_device_id: None,
            requested_device_category: Some(DeviceCategory::Station),
        }
        .into(),
        GetSwitchingFunctionDevicesResponse {
            service_cross_ref_id: Some("C25274".into()),
        }
        .into(),
        SwitchingFunctionDevices {
            service_cross_ref_id: "C25274".into(),
            segment_id: Some(1),
            last_segment: Some(true),
            device_list: vec![
                SwitchingFunctionDevice {
                    device_id: dev("sip:201@pbx.example:5060;tel=+4930201"),
                    device_category: Some(DeviceCategory::Station),
                    device_model_name: Some("T46G & co".into()),
                },
                SwitchingFunctionDevice {
                    device_id: dev("sip:202@pbx.example"),
                    ..Default::default()
                },
            ],
        }
        .into(),
        SwitchingFunctionDevicesChanged {
            sys_stat_register_id: Some("2".into()),
            device_list: vec![],
        }
        .into(),
        CstaMessage::CstaErrorCode(CstaError::invalid_call_id()),
        MonitorStart {
            monitor_object: MonitorObject::Device(dev("sip:201@pbx.example")),
            monitor_type: Some(MonitorType::Device),
        }
        .into(),
        MonitorStartResponse {
            monitor_cross_ref_id: "1".into(),
            monitor_existing_calls: Some(true),
        }
        .into(),
        MonitorStop {
            monitor_cross_ref_id: "1".into(),
        }
        .into(),
        MonitorStopResponse {}.into(),
        // capability exchange: device information
        GetLogicalDeviceInformation { device: dev(ME) }.into(),
        GetLogicalDeviceInformationResponse {
            device_category: Some(DeviceCategory::Station),
            short_form_device_id: Some(dev("201")),
            has_physical_element: Some(true),
            appearance_addressable: Some(false),
            max_active_calls: Some(1),
            max_held_calls: Some(2),
            max_fwd_settings: Some(3),
            max_devices_in_conf: Some(3),
        }
        .into(),
        GetPhysicalDeviceInformation { device: dev(ME) }.into(),
        GetPhysicalDeviceInformationResponse {
            device_category: Some(DeviceCategory::Station),
            device_model_name: Some("snom D785".into()),
            max_displays: Some(1),
            max_buttons: None,
            max_lamps: None,
            max_ring_patterns: Some(10),
        }
        .into(),
        // snapshots
        SnapshotDevice {
            snapshot_object: dev(ME),
        }
        .into(),
        SnapshotDeviceResponse {
            cross_ref_id_or_snapshot_data: SnapshotData::Data(vec![
                SnapshotDeviceResponseInfo {
                    connection_identifier: conn("-12", ME),
                    local_call_state: Some(LocalCallState {
                        compound_call_state: vec![LocalConnectionState::Connected],
                    }),
                },
                SnapshotDeviceResponseInfo {
                    connection_identifier: conn("-18", ME),
                    local_call_state: Some(LocalCallState {
                        compound_call_state: vec![LocalConnectionState::Hold],
                    }),
                },
            ]),
        }
        .into(),
        SnapshotCall {
            snapshot_object: conn("7", ME),
        }
        .into(),
        SnapshotCallResponse {
            cross_ref_id_or_snapshot_data: SnapshotData::Data(vec![
                SnapshotCallResponseInfo {
                    device_on_call: party(ME),
                    call_identifier: Some(conn("7", ME)),
                    local_connection_state: Some(LocalConnectionState::Connected),
                },
                SnapshotCallResponseInfo {
                    device_on_call: Party::Restricted,
                    call_identifier: None,
                    local_connection_state: Some(LocalConnectionState::Alerting),
                },
            ]),
        }
        .into(),
        // call control
        MakeCall {
            calling_device: dev(ME),
            called_directory_number: dev("202"),
            auto_originate: Some(AutoOriginate::DoNotPrompt),
        }
        .into(),
        MakeCallResponse {
            calling_device: conn("3", ME),
        }
        .into(),
        AnswerCall {
            call_to_be_answered: conn("3", ME),
        }
        .into(),
        AnswerCallResponse {}.into(),
        ClearConnection {
            connection_to_be_cleared: conn("3", ME),
            reason: Some(EventCause::NormalClearing),
        }
        .into(),
        ClearConnectionResponse {}.into(),
        HoldCall {
            call_to_be_held: conn("3", ME),
            connection_reservation: Some(true),
        }
        .into(),
        HoldCallResponse {}.into(),
        RetrieveCall {
            call_to_be_retrieved: conn("3", ME),
        }
        .into(),
        RetrieveCallResponse {}.into(),
        AlternateCall {
            held_call: conn("3", ME),
            active_call: conn("4", ME),
        }
        .into(),
        AlternateCallResponse {}.into(),
        ReconnectCall {
            active_call: conn("4", ME),
            held_call: conn("3", ME),
        }
        .into(),
        ReconnectCallResponse {}.into(),
        ConferenceCall {
            held_call: conn("12", ME),
            active_call: conn("13", ME),
        }
        .into(),
        ConferenceCallResponse {
            conference_call: conn("12|13", ME),
            connections: conn_list(),
        }
        .into(),
        TransferCall {
            held_call: conn("3", ME),
            active_call: conn("4", ME),
        }
        .into(),
        TransferCallResponse {
            transferred_call: conn("4", YOU),
            connections: vec![],
        }
        .into(),
        ConsultationCall {
            existing_call: conn("3", ME),
            consulted_device: dev("203"),
            consult_options: Some(ConsultOptions::TransferOnly),
        }
        .into(),
        ConsultationCallResponse {
            initiated_call: conn("4", ME),
        }
        .into(),
        SingleStepTransferCall {
            active_call: conn("3", ME),
            transferred_to: dev("203"),
        }
        .into(),
        SingleStepTransferCallResponse {
            transferred_call: conn("3", "203"),
        }
        .into(),
        SingleStepConferenceCall {
            active_call: conn("3", ME),
            device_to_join: dev(THEM),
            participation_type: Some(ParticipationType::Silent),
        }
        .into(),
        SingleStepConferenceCallResponse {
            conferenced_call: conn("3", THEM),
            connections: conn_list(),
        }
        .into(),
        DeflectCall {
            call_to_be_diverted: conn("5", ME),
            new_destination: dev("300"),
        }
        .into(),
        DeflectCallResponse {}.into(),
        DirectedPickupCall {
            call_to_be_picked_up: conn("5", YOU),
            requesting_device: dev(ME),
        }
        .into(),
        DirectedPickupCallResponse {
            picked_call: Some(conn("5", ME)),
        }
        .into(),
        GenerateDigits {
            connection_to_send_digits: conn("3", ME),
            characters_to_send: "12*#".into(),
        }
        .into(),
        GenerateDigitsResponse {}.into(),
        DialDigits {
            dialling_connection: conn("3", ME),
            dialling_sequence: dev("0049"),
        }
        .into(),
        DialDigitsResponse {}.into(),
        // device features
        GetDoNotDisturb { device: dev(ME) }.into(),
        GetDoNotDisturbResponse {
            do_not_disturb_on: false,
        }
        .into(),
        SetDoNotDisturb {
            device: dev(ME),
            do_not_disturb_on: true,
        }
        .into(),
        SetDoNotDisturbResponse {}.into(),
        GetForwarding { device: dev(ME) }.into(),
        GetForwardingResponse {
            forwarding_list: vec![
                ForwardListItem {
                    forwarding_type: ForwardingType::Immediate,
                    forward_status: false,
                    forward_dn: Some(dev("tel:")),
                    ring_count: None,
                    ring_duration: None,
                },
                ForwardListItem {
                    forwarding_type: ForwardingType::NoAnswer,
                    forward_status: true,
                    forward_dn: Some(dev("tel:300")),
                    ring_count: None,
                    ring_duration: Some(20),
                },
            ],
        }
        .into(),
        SetForwarding {
            device: dev(ME),
            forwarding_type: ForwardingType::Busy,
            activate_forward: true,
            forward_dn: Some(dev("300")),
            ring_count: Some(3),
            ring_duration: None,
        }
        .into(),
        SetForwardingResponse {}.into(),
        GetMessageWaitingIndicator { device: dev(ME) }.into(),
        GetMessageWaitingIndicatorResponse {
            message_waiting_on: true,
        }
        .into(),
        SetMessageWaitingIndicator {
            device: dev(ME),
            message_waiting_on: false,
        }
        .into(),
        SetMessageWaitingIndicatorResponse {}.into(),
        // events
        ServiceInitiatedEvent {
            monitor_cross_ref_id: "1".into(),
            initiated_connection: conn("3", ME),
            initiating_device: party(ME),
            local_connection_info: Some(LocalConnectionState::Initiated),
            cause: Some(EventCause::MakeCall),
        }
        .into(),
        OriginatedEvent {
            monitor_cross_ref_id: "1".into(),
            originated_connection: conn("3", ME),
            calling_device: party(ME),
            called_device: party(YOU),
            local_connection_info: Some(LocalConnectionState::Connected),
            cause: Some(EventCause::Normal),
        }
        .into(),
        DeliveredEvent {
            monitor_cross_ref_id: "7".into(),
            connection: conn("3", ME),
            alerting_device: party(ME),
            calling_device: party(YOU),
            called_device: party(ME),
            last_redirection_device: Party::NotKnown,
            local_connection_info: Some(LocalConnectionState::Alerting),
            cause: Some(EventCause::NewCall),
        }
        .into(),
        OfferedEvent {
            monitor_cross_ref_id: "7".into(),
            offered_connection: conn("3", ME),
            offered_device: party(ME),
            calling_device: Party::Restricted,
            called_device: party(ME),
            last_redirection_device: Party::NumberDialed(dev("0800")),
            local_connection_info: None,
            cause: Some(EventCause::NewCall),
        }
        .into(),
        EstablishedEvent {
            monitor_cross_ref_id: "7".into(),
            established_connection: conn("3", ME),
            answering_device: party(ME),
            calling_device: party(YOU),
            called_device: party(ME),
            last_redirection_device: Party::NotRequired,
            local_connection_info: Some(LocalConnectionState::Connected),
            cause: Some(EventCause::Normal),
        }
        .into(),
        HeldEvent {
            monitor_cross_ref_id: "7".into(),
            held_connection: conn("3", ME),
            holding_device: party(ME),
            local_connection_info: Some(LocalConnectionState::Hold),
            cause: Some(EventCause::Normal),
        }
        .into(),
        RetrievedEvent {
            monitor_cross_ref_id: "7".into(),
            retrieved_connection: conn("3", ME),
            retrieving_device: party(ME),
            local_connection_info: Some(LocalConnectionState::Connected),
            cause: Some(EventCause::Normal),
        }
        .into(),
        ConferencedEvent {
            monitor_cross_ref_id: "7".into(),
            primary_old_call: conn("13", ME),
            secondary_old_call: Some(conn("12", ME)),
            conferencing_device: party(ME),
            added_party: party(THEM),
            conference_connections: conn_list(),
            local_connection_info: Some(LocalConnectionState::Connected),
            cause: Some(EventCause::Conference),
        }
        .into(),
        TransferredEvent {
            monitor_cross_ref_id: "7".into(),
            primary_old_call: conn("3", ME),
            secondary_old_call: None,
            transferring_device: party(ME),
            transferred_to_device: party(THEM),
            transferred_connections: vec![ConnectionListItem::default()],
            local_connection_info: Some(LocalConnectionState::Null),
            cause: Some(EventCause::SingleStepTransfer),
        }
        .into(),
        DivertedEvent {
            monitor_cross_ref_id: "7".into(),
            connection: conn("5", ME),
            diverting_device: party(ME),
            new_destination: party("300"),
            calling_device: Some(party(YOU)),
            called_device: None,
            last_redirection_device: Party::NotKnown,
            local_connection_info: Some(LocalConnectionState::Null),
            cause: Some(EventCause::Redirected),
        }
        .into(),
        ConnectionClearedEvent {
            monitor_cross_ref_id: "7".into(),
            dropped_connection: conn("3", ME),
            releasing_device: party(ME),
            local_connection_info: Some(LocalConnectionState::Null),
            cause: Some(EventCause::NormalClearing),
        }
        .into(),
        CallClearedEvent {
            monitor_cross_ref_id: "7".into(),
            cleared_call: ConnectionId {
                call_id: Some("3".into()),
                device_id: None,
            },
            cause: Some(EventCause::NormalClearing),
        }
        .into(),
        FailedEvent {
            monitor_cross_ref_id: "7".into(),
            failed_connection: conn("3", ME),
            failing_device: party(ME),
            calling_device: party(YOU),
            called_device: party(ME),
            last_redirection_device: Party::NotKnown,
            local_connection_info: Some(LocalConnectionState::Null),
            cause: Some(EventCause::CallCancelled),
        }
        .into(),
        NetworkReachedEvent {
            monitor_cross_ref_id: "7".into(),
            outbound_connection: conn("3", "trunk1"),
            network_interface_used: party("trunk1"),
            calling_device: party(ME),
            called_device: party("+4930123456"),
            last_redirection_device: Party::NotSpecified,
            local_connection_info: Some(LocalConnectionState::Connected),
            cause: Some(EventCause::Normal),
        }
        .into(),
        NetworkCapabilitiesChangedEvent {
            monitor_cross_ref_id: "7".into(),
            outbound_connection: conn("3", "trunk1"),
            network_interface_used: party("trunk1"),
            called_device: party("+4930123456"),
            progress_indicator: Some(ProgressIndicator {
                progress_location: Some("publicNetServingLocal".into()),
                progress_description: Some("iSDNProgressDesc".into()),
            }),
            local_connection_info: None,
            cause: Some(EventCause::NetworkSignal),
        }
        .into(),
        QueuedEvent {
            monitor_cross_ref_id: "7".into(),
            queued_connection: conn("3", "acd1"),
            queue: party("acd1"),
            calling_device: party(YOU),
            called_device: party("acd1"),
            last_redirection_device: Party::NotKnown,
            number_queued: Some(4),
            calls_in_front: Some(3),
            local_connection_info: Some(LocalConnectionState::Queued),
            cause: Some(EventCause::EnteringDistribution),
        }
        .into(),
        DigitsDialedEvent {
            monitor_cross_ref_id: "7".into(),
            dialing_connection: conn("3", ME),
            dialing_device: party(ME),
            dialing_sequence: dev("20"),
            local_connection_info: Some(LocalConnectionState::Initiated),
            cause: Some(EventCause::Normal),
        }
        .into(),
        DigitsGeneratedEvent {
            monitor_cross_ref_id: "7".into(),
            connection: conn("3", ME),
            digit_generated_list: "5".into(),
        }
        .into(),
        DoNotDisturbEvent {
            monitor_cross_ref_id: "7".into(),
            device: party(ME),
            do_not_disturb_on: true,
        }
        .into(),
        ForwardingEvent {
            monitor_cross_ref_id: "7".into(),
            device: party(ME),
            forwarding_type: Some(ForwardingType::NoAnswer),
            forward_status: true,
            forward_to: Some(dev("tel:300")),
            ring_count: Some(4),
            ring_duration: None,
        }
        .into(),
        MessageWaitingEvent {
            monitor_cross_ref_id: "7".into(),
            target_device: party(ME),
            device_for_message: Some(party("voicemail")),
            message_waiting_on: true,
        }
        .into(),
        BackInServiceEvent {
            monitor_cross_ref_id: "7".into(),
            device: party(ME),
            cause: None,
        }
        .into(),
        OutOfServiceEvent {
            monitor_cross_ref_id: "7".into(),
            device: party(ME),
            cause: Some(EventCause::Maintenance),
        }
        .into(),
        // ECMA-354 sessions
        StartApplicationSession {
            application_info: ApplicationInfo {
                application_id: Some("callboard-test".into()),
                application_specific_info: Some(SessionLoginInfo {
                    user_name: Some("alice".into()),
                    password: Some("s3cr<e>t&".into()),
                    resume_session_id: None,
                    last_sequence_number: None,
                    computer_name: None,
                }),
            },
            requested_protocol_versions: vec![
                ProtocolVersion::for_edition(Edition::Ed4),
                ProtocolVersion::for_edition(Edition::Ed5),
            ],
            requested_session_duration: Some(180),
        }
        .into(),
        StartApplicationSessionPosResponse {
            session_id: "469421A9364D46D6444524AE41BEAD72-0".into(),
            actual_protocol_version: ProtocolVersion::for_edition(Edition::Ed5),
            actual_session_duration: Some(180),
            extensions: None,
        }
        .into(),
        StartApplicationSessionNegResponse {
            error_code: Some(SessionErrorCode {
                defined_error: Some("invalidApplicationInfo".into()),
                implementation_specific: None,
            }),
        }
        .into(),
        ResetApplicationSessionTimer {
            session_id: "469421A9364D46D6444524AE41BEAD72-0".into(),
            requested_session_duration: Some(180),
        }
        .into(),
        ResetApplicationSessionTimerPosResponse {
            actual_session_duration: Some(180),
        }
        .into(),
        ResetApplicationSessionTimerNegResponse {
            error_code: Some(SessionErrorCode {
                defined_error: Some("invalidSessionID".into()),
                implementation_specific: None,
            }),
        }
        .into(),
        StopApplicationSession {
            session_id: "469421A9364D46D6444524AE41BEAD72-0".into(),
            session_end_reason: Some(SessionEndReason {
                defined_end_reason: Some("normal".into()),
                application_end_reason: None,
            }),
        }
        .into(),
        StopApplicationSessionPosResponse {}.into(),
        StopApplicationSessionNegResponse { error_code: None }.into(),
    ]
}
