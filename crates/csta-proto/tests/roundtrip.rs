//! Property tests: `decode(encode(m, ed)) == m` for generated messages of
//! every kind in every edition, and encoded documents are well-formed.

use csta_proto::*;
use proptest::collection::vec;
use proptest::option::of;
use proptest::prelude::*;

/// Text without leading/trailing whitespace (element text is trimmed),
/// including characters that need escaping and some non-ASCII.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9<>&\"'|@:;=+*#._ äö€-]{0,12}".prop_map(|s| s.trim().to_owned())
}

fn xml_name() -> impl Strategy<Value = String> {
    "[a-wyzA-WYZ_][a-zA-Z0-9_.-]{0,10}"
}

fn device_id() -> BoxedStrategy<DeviceId> {
    (text(), of(text()))
        .prop_map(|(value, type_of_number)| DeviceId {
            value,
            type_of_number,
        })
        .boxed()
}

fn conn() -> BoxedStrategy<ConnectionId> {
    (of(text()), of(device_id()))
        .prop_map(|(call_id, device_id)| ConnectionId { call_id, device_id })
        .boxed()
}

fn party() -> BoxedStrategy<Party> {
    prop_oneof![
        device_id().prop_map(Party::Device),
        device_id().prop_map(Party::NumberDialed),
        Just(Party::NotKnown),
        Just(Party::Restricted),
        Just(Party::NotRequired),
        Just(Party::NotSpecified),
    ]
    .boxed()
}

/// Strategy for a string enum: a known value or an `Other` that does not
/// collide with a known spelling.
macro_rules! enum_strategy {
    ($t:ident) => {
        prop_oneof![
            proptest::sample::select($t::KNOWN.to_vec()),
            text().prop_filter_map("collides with a known value", |s| {
                match $t::from(s.as_str()) {
                    v @ $t::Other(_) => Some(v),
                    _ => None,
                }
            }),
        ]
        .boxed()
    };
}

fn lcs() -> BoxedStrategy<LocalConnectionState> {
    enum_strategy!(LocalConnectionState)
}
fn cause() -> BoxedStrategy<EventCause> {
    enum_strategy!(EventCause)
}
fn fwd_type() -> BoxedStrategy<ForwardingType> {
    enum_strategy!(ForwardingType)
}
fn category() -> BoxedStrategy<DeviceCategory> {
    enum_strategy!(DeviceCategory)
}

fn endpoint() -> BoxedStrategy<Endpoint> {
    prop_oneof![
        device_id().prop_map(Endpoint::Device),
        Just(Endpoint::NotKnown),
        Just(Endpoint::Restricted),
    ]
    .boxed()
}

fn conn_list() -> BoxedStrategy<Vec<ConnectionListItem>> {
    vec(
        (of(conn()), of(conn()), of(endpoint())).prop_map(|(n, o, e)| ConnectionListItem {
            new_connection: n,
            old_connection: o,
            endpoint: e,
        }),
        0..3,
    )
    .boxed()
}

fn sf_devices() -> BoxedStrategy<Vec<SwitchingFunctionDevice>> {
    vec(
        (device_id(), of(category()), of(text())).prop_map(|(d, c, m)| SwitchingFunctionDevice {
            device_id: d,
            device_category: c,
            device_model_name: m,
        }),
        0..3,
    )
    .boxed()
}

fn csta_error() -> BoxedStrategy<CstaError> {
    let cat = prop_oneof![
        proptest::sample::select(ErrorCategory::KNOWN.to_vec()),
        xml_name().prop_filter_map("known category", |s| {
            match ErrorCategory::from(s.as_str()) {
                c @ ErrorCategory::Other(_) => Some(c),
                _ => None,
            }
        }),
    ];
    (cat, text())
        .prop_map(|(category, value)| CstaError { category, value })
        .boxed()
}

fn session_error() -> BoxedStrategy<Option<SessionErrorCode>> {
    of(
        (of(text()), of(text())).prop_map(|(d, i)| SessionErrorCode {
            defined_error: d,
            implementation_specific: i,
        }),
    )
    .boxed()
}

fn system_msgs() -> BoxedStrategy<CstaMessage> {
    let status = enum_strategy!(SystemStatus);
    prop_oneof![
        Just(RequestSystemStatus {}.into()),
        status
            .clone()
            .prop_map(|s| RequestSystemStatusResponse { system_status: s }.into()),
        (status, of(text())).prop_map(|(s, id)| SystemStatusMessage {
            system_status: s,
            sys_stat_register_id: id
        }
        .into()),
        Just(SystemStatusResponse {}.into()),
        (
            of(any::<bool>()),
            of(any::<bool>()),
            of(any::<bool>()),
            of(any::<bool>())
        )
            .prop_map(|(a, b, c, d)| SystemRegister {
                request_types: RequestTypes {
                    system_status: a,
                    request_system_status: b,
                    switching_function_caps_changed: c,
                    switching_function_devices_changed: d,
                },
            }
            .into()),
        text().prop_map(|id| SystemRegisterResponse {
            sys_stat_register_id: id
        }
        .into()),
        text().prop_map(|id| SystemRegisterCancel {
            sys_stat_register_id: id
        }
        .into()),
        Just(SystemRegisterCancelResponse {}.into()),
        text().prop_map(|id| SystemRegisterAbort {
            sys_stat_register_id: id
        }
        .into()),
        (of(device_id()), of(category())).prop_map(|(d, c)| GetSwitchingFunctionDevices {
            requested_device_id: d,
            requested_device_category: c
        }
        .into()),
        of(text()).prop_map(|id| GetSwitchingFunctionDevicesResponse {
            service_cross_ref_id: id
        }
        .into()),
        (text(), of(any::<u32>()), of(any::<bool>()), sf_devices()).prop_map(
            |(id, seg, last, l)| {
                SwitchingFunctionDevices {
                    service_cross_ref_id: id,
                    segment_id: seg,
                    last_segment: last,
                    device_list: l,
                }
                .into()
            }
        ),
        (of(text()), sf_devices()).prop_map(|(id, l)| SwitchingFunctionDevicesChanged {
            sys_stat_register_id: id,
            device_list: l
        }
        .into()),
        csta_error().prop_map(CstaMessage::CstaErrorCode),
        device_id().prop_map(|d| GetLogicalDeviceInformation { device: d }.into()),
        (
            of(category()),
            of(device_id()),
            of(any::<bool>()),
            of(any::<bool>()),
            of(any::<u32>()),
            of(any::<u32>()),
            of(any::<u32>()),
            of(any::<u32>())
        )
            .prop_map(
                |(c, s, h, a, m1, m2, m3, m4)| GetLogicalDeviceInformationResponse {
                    device_category: c,
                    short_form_device_id: s,
                    has_physical_element: h,
                    appearance_addressable: a,
                    max_active_calls: m1,
                    max_held_calls: m2,
                    max_fwd_settings: m3,
                    max_devices_in_conf: m4,
                }
                .into()
            ),
        device_id().prop_map(|d| GetPhysicalDeviceInformation { device: d }.into()),
        (
            of(category()),
            of(text()),
            of(any::<u32>()),
            of(any::<u32>()),
            of(any::<u32>()),
            of(any::<u32>())
        )
            .prop_map(|(c, n, a, b, l, r)| GetPhysicalDeviceInformationResponse {
                device_category: c,
                device_model_name: n,
                max_displays: a,
                max_buttons: b,
                max_lamps: l,
                max_ring_patterns: r,
            }
            .into()),
    ]
    .boxed()
}

fn monitor_and_snapshot_msgs() -> BoxedStrategy<CstaMessage> {
    let object = prop_oneof![
        device_id().prop_map(MonitorObject::Device),
        conn().prop_map(MonitorObject::Call),
    ];
    let dev_info = vec(
        (conn(), of(vec(lcs(), 0..3))).prop_map(|(c, s)| SnapshotDeviceResponseInfo {
            connection_identifier: c,
            local_call_state: s.map(|v| LocalCallState {
                compound_call_state: v,
            }),
        }),
        0..3,
    );
    let call_info = vec(
        (party(), of(conn()), of(lcs())).prop_map(|(p, c, s)| SnapshotCallResponseInfo {
            device_on_call: p,
            call_identifier: c,
            local_connection_state: s,
        }),
        0..3,
    );
    prop_oneof![
        (object, of(enum_strategy!(MonitorType))).prop_map(|(o, t)| MonitorStart {
            monitor_object: o,
            monitor_type: t
        }
        .into()),
        (text(), of(any::<bool>())).prop_map(|(id, e)| MonitorStartResponse {
            monitor_cross_ref_id: id,
            monitor_existing_calls: e
        }
        .into()),
        text().prop_map(|id| MonitorStop {
            monitor_cross_ref_id: id
        }
        .into()),
        Just(MonitorStopResponse {}.into()),
        device_id().prop_map(|d| SnapshotDevice { snapshot_object: d }.into()),
        prop_oneof![
            text().prop_map(SnapshotData::ServiceCrossRefId),
            dev_info.prop_map(SnapshotData::Data)
        ]
        .prop_map(|d| SnapshotDeviceResponse {
            cross_ref_id_or_snapshot_data: d
        }
        .into()),
        conn().prop_map(|c| SnapshotCall { snapshot_object: c }.into()),
        prop_oneof![
            text().prop_map(SnapshotData::ServiceCrossRefId),
            call_info.prop_map(SnapshotData::Data)
        ]
        .prop_map(|d| SnapshotCallResponse {
            cross_ref_id_or_snapshot_data: d
        }
        .into()),
    ]
    .boxed()
}

fn call_control_msgs() -> BoxedStrategy<CstaMessage> {
    prop_oneof![
        (device_id(), device_id(), of(enum_strategy!(AutoOriginate))).prop_map(|(a, b, o)| {
            MakeCall {
                calling_device: a,
                called_directory_number: b,
                auto_originate: o,
            }
            .into()
        }),
        conn().prop_map(|c| MakeCallResponse { calling_device: c }.into()),
        conn().prop_map(|c| AnswerCall {
            call_to_be_answered: c
        }
        .into()),
        Just(AnswerCallResponse {}.into()),
        (conn(), of(cause())).prop_map(|(c, r)| ClearConnection {
            connection_to_be_cleared: c,
            reason: r
        }
        .into()),
        Just(ClearConnectionResponse {}.into()),
        (conn(), of(any::<bool>())).prop_map(|(c, r)| HoldCall {
            call_to_be_held: c,
            connection_reservation: r
        }
        .into()),
        Just(HoldCallResponse {}.into()),
        conn().prop_map(|c| RetrieveCall {
            call_to_be_retrieved: c
        }
        .into()),
        Just(RetrieveCallResponse {}.into()),
        (conn(), conn()).prop_map(|(h, a)| AlternateCall {
            held_call: h,
            active_call: a
        }
        .into()),
        Just(AlternateCallResponse {}.into()),
        (conn(), conn()).prop_map(|(a, h)| ReconnectCall {
            active_call: a,
            held_call: h
        }
        .into()),
        Just(ReconnectCallResponse {}.into()),
        (conn(), conn()).prop_map(|(h, a)| ConferenceCall {
            held_call: h,
            active_call: a
        }
        .into()),
        (conn(), conn_list()).prop_map(|(c, l)| ConferenceCallResponse {
            conference_call: c,
            connections: l
        }
        .into()),
        (conn(), conn()).prop_map(|(h, a)| TransferCall {
            held_call: h,
            active_call: a
        }
        .into()),
        (conn(), conn_list()).prop_map(|(c, l)| TransferCallResponse {
            transferred_call: c,
            connections: l
        }
        .into()),
        (conn(), device_id(), of(enum_strategy!(ConsultOptions))).prop_map(|(c, d, o)| {
            ConsultationCall {
                existing_call: c,
                consulted_device: d,
                consult_options: o,
            }
            .into()
        }),
        conn().prop_map(|c| ConsultationCallResponse { initiated_call: c }.into()),
        (conn(), device_id()).prop_map(|(c, d)| SingleStepTransferCall {
            active_call: c,
            transferred_to: d
        }
        .into()),
        conn().prop_map(|c| SingleStepTransferCallResponse {
            transferred_call: c
        }
        .into()),
        (conn(), device_id(), of(enum_strategy!(ParticipationType))).prop_map(|(c, d, p)| {
            SingleStepConferenceCall {
                active_call: c,
                device_to_join: d,
                participation_type: p,
            }
            .into()
        }),
        (conn(), conn_list()).prop_map(|(c, l)| SingleStepConferenceCallResponse {
            conferenced_call: c,
            connections: l
        }
        .into()),
        (conn(), device_id()).prop_map(|(c, d)| DeflectCall {
            call_to_be_diverted: c,
            new_destination: d
        }
        .into()),
        Just(DeflectCallResponse {}.into()),
        (conn(), device_id()).prop_map(|(c, d)| DirectedPickupCall {
            call_to_be_picked_up: c,
            requesting_device: d
        }
        .into()),
        of(conn()).prop_map(|c| DirectedPickupCallResponse { picked_call: c }.into()),
        (conn(), text()).prop_map(|(c, t)| GenerateDigits {
            connection_to_send_digits: c,
            characters_to_send: t
        }
        .into()),
        Just(GenerateDigitsResponse {}.into()),
        (conn(), device_id()).prop_map(|(c, d)| DialDigits {
            dialling_connection: c,
            dialling_sequence: d
        }
        .into()),
        Just(DialDigitsResponse {}.into()),
    ]
    .boxed()
}

fn feature_msgs() -> BoxedStrategy<CstaMessage> {
    let fwd_item = (
        fwd_type(),
        any::<bool>(),
        of(device_id()),
        of(any::<u32>()),
        of(any::<u32>()),
    )
        .prop_map(|(t, s, dn, rc, rd)| ForwardListItem {
            forwarding_type: t,
            forward_status: s,
            forward_dn: dn,
            ring_count: rc,
            ring_duration: rd,
        });
    prop_oneof![
        device_id().prop_map(|d| GetDoNotDisturb { device: d }.into()),
        any::<bool>().prop_map(|b| GetDoNotDisturbResponse {
            do_not_disturb_on: b
        }
        .into()),
        (device_id(), any::<bool>()).prop_map(|(d, b)| SetDoNotDisturb {
            device: d,
            do_not_disturb_on: b
        }
        .into()),
        Just(SetDoNotDisturbResponse {}.into()),
        device_id().prop_map(|d| GetForwarding { device: d }.into()),
        vec(fwd_item, 0..3).prop_map(|l| GetForwardingResponse { forwarding_list: l }.into()),
        (
            device_id(),
            fwd_type(),
            any::<bool>(),
            of(device_id()),
            of(any::<u32>()),
            of(any::<u32>())
        )
            .prop_map(|(d, t, a, dn, rc, rd)| SetForwarding {
                device: d,
                forwarding_type: t,
                activate_forward: a,
                forward_dn: dn,
                ring_count: rc,
                ring_duration: rd,
            }
            .into()),
        Just(SetForwardingResponse {}.into()),
        device_id().prop_map(|d| GetMessageWaitingIndicator { device: d }.into()),
        any::<bool>().prop_map(|b| GetMessageWaitingIndicatorResponse {
            message_waiting_on: b
        }
        .into()),
        (device_id(), any::<bool>()).prop_map(|(d, b)| SetMessageWaitingIndicator {
            device: d,
            message_waiting_on: b
        }
        .into()),
        Just(SetMessageWaitingIndicatorResponse {}.into()),
    ]
    .boxed()
}

fn call_event_msgs() -> BoxedStrategy<CstaMessage> {
    let lcs = || of(lcs());
    let cause = || of(cause());
    prop_oneof![
        (text(), conn(), party(), lcs(), cause()).prop_map(|(m, c, p, l, k)| {
            ServiceInitiatedEvent {
                monitor_cross_ref_id: m,
                initiated_connection: c,
                initiating_device: p,
                local_connection_info: l,
                cause: k,
            }
            .into()
        }),
        (text(), conn(), party(), party(), lcs(), cause()).prop_map(|(m, c, a, b, l, k)| {
            OriginatedEvent {
                monitor_cross_ref_id: m,
                originated_connection: c,
                calling_device: a,
                called_device: b,
                local_connection_info: l,
                cause: k,
            }
            .into()
        }),
        (
            text(),
            conn(),
            (party(), party(), party(), party()),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, (p1, p2, p3, p4), l, k)| DeliveredEvent {
                monitor_cross_ref_id: m,
                connection: c,
                alerting_device: p1,
                calling_device: p2,
                called_device: p3,
                last_redirection_device: p4,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (
            text(),
            conn(),
            (party(), party(), party(), party()),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, (p1, p2, p3, p4), l, k)| OfferedEvent {
                monitor_cross_ref_id: m,
                offered_connection: c,
                offered_device: p1,
                calling_device: p2,
                called_device: p3,
                last_redirection_device: p4,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (
            text(),
            conn(),
            (party(), party(), party(), party()),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, (p1, p2, p3, p4), l, k)| EstablishedEvent {
                monitor_cross_ref_id: m,
                established_connection: c,
                answering_device: p1,
                calling_device: p2,
                called_device: p3,
                last_redirection_device: p4,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (text(), conn(), party(), lcs(), cause()).prop_map(|(m, c, p, l, k)| HeldEvent {
            monitor_cross_ref_id: m,
            held_connection: c,
            holding_device: p,
            local_connection_info: l,
            cause: k,
        }
        .into()),
        (text(), conn(), party(), lcs(), cause()).prop_map(|(m, c, p, l, k)| RetrievedEvent {
            monitor_cross_ref_id: m,
            retrieved_connection: c,
            retrieving_device: p,
            local_connection_info: l,
            cause: k,
        }
        .into()),
        (
            text(),
            conn(),
            of(conn()),
            party(),
            party(),
            conn_list(),
            lcs(),
            cause()
        )
            .prop_map(|(m, c1, c2, p1, p2, list, l, k)| ConferencedEvent {
                monitor_cross_ref_id: m,
                primary_old_call: c1,
                secondary_old_call: c2,
                conferencing_device: p1,
                added_party: p2,
                conference_connections: list,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (
            text(),
            conn(),
            of(conn()),
            party(),
            party(),
            conn_list(),
            lcs(),
            cause()
        )
            .prop_map(|(m, c1, c2, p1, p2, list, l, k)| TransferredEvent {
                monitor_cross_ref_id: m,
                primary_old_call: c1,
                secondary_old_call: c2,
                transferring_device: p1,
                transferred_to_device: p2,
                transferred_connections: list,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (
            text(),
            conn(),
            (party(), party(), of(party()), of(party()), party()),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, (p1, p2, p3, p4, p5), l, k)| DivertedEvent {
                monitor_cross_ref_id: m,
                connection: c,
                diverting_device: p1,
                new_destination: p2,
                calling_device: p3,
                called_device: p4,
                last_redirection_device: p5,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (text(), conn(), party(), lcs(), cause()).prop_map(|(m, c, p, l, k)| {
            ConnectionClearedEvent {
                monitor_cross_ref_id: m,
                dropped_connection: c,
                releasing_device: p,
                local_connection_info: l,
                cause: k,
            }
            .into()
        }),
        (text(), conn(), cause()).prop_map(|(m, c, k)| CallClearedEvent {
            monitor_cross_ref_id: m,
            cleared_call: c,
            cause: k
        }
        .into()),
    ]
    .boxed()
}

fn more_event_msgs() -> BoxedStrategy<CstaMessage> {
    let lcs = || of(lcs());
    let cause = || of(cause());
    prop_oneof![
        (
            text(),
            conn(),
            (party(), party(), party(), party()),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, (p1, p2, p3, p4), l, k)| FailedEvent {
                monitor_cross_ref_id: m,
                failed_connection: c,
                failing_device: p1,
                calling_device: p2,
                called_device: p3,
                last_redirection_device: p4,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (
            text(),
            conn(),
            (party(), party(), party(), party()),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, (p1, p2, p3, p4), l, k)| NetworkReachedEvent {
                monitor_cross_ref_id: m,
                outbound_connection: c,
                network_interface_used: p1,
                calling_device: p2,
                called_device: p3,
                last_redirection_device: p4,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (
            text(),
            conn(),
            party(),
            party(),
            of((of(text()), of(text()))),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, p1, p2, pi, l, k)| NetworkCapabilitiesChangedEvent {
                monitor_cross_ref_id: m,
                outbound_connection: c,
                network_interface_used: p1,
                called_device: p2,
                progress_indicator: pi.map(|(a, b)| ProgressIndicator {
                    progress_location: a,
                    progress_description: b,
                }),
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (
            text(),
            conn(),
            (party(), party(), party(), party()),
            (of(any::<u32>()), of(any::<u32>())),
            lcs(),
            cause()
        )
            .prop_map(|(m, c, (p1, p2, p3, p4), (n, f), l, k)| QueuedEvent {
                monitor_cross_ref_id: m,
                queued_connection: c,
                queue: p1,
                calling_device: p2,
                called_device: p3,
                last_redirection_device: p4,
                number_queued: n,
                calls_in_front: f,
                local_connection_info: l,
                cause: k,
            }
            .into()),
        (text(), conn(), party(), device_id(), lcs(), cause()).prop_map(|(m, c, p, d, l, k)| {
            DigitsDialedEvent {
                monitor_cross_ref_id: m,
                dialing_connection: c,
                dialing_device: p,
                dialing_sequence: d,
                local_connection_info: l,
                cause: k,
            }
            .into()
        }),
        (text(), conn(), text()).prop_map(|(m, c, d)| DigitsGeneratedEvent {
            monitor_cross_ref_id: m,
            connection: c,
            digit_generated_list: d
        }
        .into()),
        (text(), party(), any::<bool>()).prop_map(|(m, p, b)| DoNotDisturbEvent {
            monitor_cross_ref_id: m,
            device: p,
            do_not_disturb_on: b
        }
        .into()),
        (
            text(),
            party(),
            of(fwd_type()),
            any::<bool>(),
            of(device_id()),
            of(any::<u32>()),
            of(any::<u32>())
        )
            .prop_map(|(m, p, t, s, to, rc, rd)| ForwardingEvent {
                monitor_cross_ref_id: m,
                device: p,
                forwarding_type: t,
                forward_status: s,
                forward_to: to,
                ring_count: rc,
                ring_duration: rd,
            }
            .into()),
        (text(), party(), of(party()), any::<bool>()).prop_map(|(m, t, d, b)| {
            MessageWaitingEvent {
                monitor_cross_ref_id: m,
                target_device: t,
                device_for_message: d,
                message_waiting_on: b,
            }
            .into()
        }),
        (text(), party(), cause()).prop_map(|(m, p, k)| BackInServiceEvent {
            monitor_cross_ref_id: m,
            device: p,
            cause: k
        }
        .into()),
        (text(), party(), cause()).prop_map(|(m, p, k)| OutOfServiceEvent {
            monitor_cross_ref_id: m,
            device: p,
            cause: k
        }
        .into()),
    ]
    .boxed()
}

fn session_resume() -> BoxedStrategy<SessionResume> {
    prop_oneof![
        Just(SessionResume::Resumed),
        Just(SessionResume::SnapshotRequired),
        text()
            .prop_filter("a known value", |t| {
                !matches!(t.as_str(), "resumed" | "snapshotRequired")
            })
            .prop_map(SessionResume::Other),
    ]
    .boxed()
}

fn session_msgs() -> BoxedStrategy<CstaMessage> {
    let login = of(
        (of(text()), of(text()), of(text()), of(any::<u64>())).prop_map(|(u, p, r, n)| {
            SessionLoginInfo {
                user_name: u,
                password: p,
                resume_session_id: r,
                last_sequence_number: n,
                computer_name: None,
            }
        }),
    );
    let version = || text().prop_map(ProtocolVersion);
    prop_oneof![
        (of(text()), login, vec(version(), 0..3), of(any::<u32>())).prop_map(|(id, l, v, d)| {
            StartApplicationSession {
                application_info: ApplicationInfo {
                    application_id: id,
                    application_specific_info: l,
                },
                requested_protocol_versions: v,
                requested_session_duration: d,
            }
            .into()
        }),
        (
            text(),
            version(),
            of(any::<u32>()),
            of(session_resume()),
            of(text()),
        )
            .prop_map(|(s, v, d, r, p)| {
                StartApplicationSessionPosResponse {
                    session_id: s,
                    actual_protocol_version: v,
                    actual_session_duration: d,
                    extensions: (r.is_some() || p.is_some()).then_some(SessionExtensions {
                        session_resume: r,
                        transferred_password: p,
                    }),
                }
                .into()
            }),
        session_error().prop_map(|e| StartApplicationSessionNegResponse { error_code: e }.into()),
        (text(), of(any::<u32>())).prop_map(|(s, d)| ResetApplicationSessionTimer {
            session_id: s,
            requested_session_duration: d
        }
        .into()),
        of(any::<u32>()).prop_map(|d| ResetApplicationSessionTimerPosResponse {
            actual_session_duration: d
        }
        .into()),
        session_error()
            .prop_map(|e| ResetApplicationSessionTimerNegResponse { error_code: e }.into()),
        (text(), of((of(text()), of(text())))).prop_map(|(s, r)| StopApplicationSession {
            session_id: s,
            session_end_reason: r.map(|(a, b)| SessionEndReason {
                defined_end_reason: a,
                application_end_reason: b
            }),
        }
        .into()),
        Just(StopApplicationSessionPosResponse {}.into()),
        session_error().prop_map(|e| StopApplicationSessionNegResponse { error_code: e }.into()),
    ]
    .boxed()
}

fn unknown_msg() -> BoxedStrategy<CstaMessage> {
    xml_name()
        .prop_filter("known or aliased name", |n| {
            !CstaMessage::NAMES.contains(&n.as_str())
                && ![
                    "TransferedEvent",
                    "SwitchingFunctionDevicesChanged",
                    "Envelope",
                ]
                .contains(&n.as_str())
        })
        .prop_map(|name| CstaMessage::Unknown { name })
        .boxed()
}

fn any_message() -> BoxedStrategy<CstaMessage> {
    prop_oneof![
        system_msgs(),
        monitor_and_snapshot_msgs(),
        call_control_msgs(),
        feature_msgs(),
        call_event_msgs(),
        more_event_msgs(),
        session_msgs(),
        unknown_msg(),
    ]
    .boxed()
}

fn edition() -> impl Strategy<Value = Edition> {
    proptest::sample::select(Edition::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn decode_encode_round_trip(msg in any_message(), ed in edition()) {
        let xml = encode(&msg, ed);
        prop_assert!(roxmltree::Document::parse(&xml).is_ok(), "not well-formed: {}", xml);
        let back = decode(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
        prop_assert_eq!(&back.message, &msg, "{}", xml);
        if !msg.is_session() {
            prop_assert_eq!(back.edition, Some(ed));
        }
    }

    #[test]
    fn events_carry_their_monitor(msg in prop_oneof![call_event_msgs(), more_event_msgs()]) {
        prop_assert!(msg.is_event());
        prop_assert!(msg.monitor_cross_ref_id().is_some());
    }
}
