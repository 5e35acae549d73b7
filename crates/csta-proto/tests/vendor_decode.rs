//! Decoding of realistic documents in the shapes real peers send (snom,
//! Yealink, OpenScape Voice, Avaya), including their quirks.

use csta_proto::*;

fn dec(xml: &str) -> Decoded {
    decode(xml.as_bytes()).unwrap_or_else(|e| panic!("decode failed: {e}\n{xml}"))
}

const ED3: &str = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";

#[test]
fn request_system_status_and_response() {
    let d = dec(&format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><RequestSystemStatus xmlns="{ED3}"/>"#
    ));
    assert_eq!(
        d.message,
        CstaMessage::RequestSystemStatus(RequestSystemStatus {})
    );
    assert_eq!(d.edition, Some(Edition::Ed3));

    // snom answers in ed5 even to an ed3 request.
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<RequestSystemStatusResponse xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
  <systemStatus>normal</systemStatus>
</RequestSystemStatusResponse>"#);
    assert_eq!(d.edition, Some(Edition::Ed5));
    assert_eq!(
        d.message,
        CstaMessage::RequestSystemStatusResponse(RequestSystemStatusResponse {
            system_status: SystemStatus::Normal
        })
    );
}

#[test]
fn openscape_system_status_and_register() {
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<SystemStatus xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4">
  <systemStatus>enabled</systemStatus>
  <extensions><privateData><private><ns1:x xmlns:ns1="http://www.siemens.com/schema/csta">1</ns1:x></private></privateData></extensions>
</SystemStatus>"#);
    assert_eq!(d.edition, Some(Edition::Ed4));
    assert_eq!(
        d.message,
        CstaMessage::SystemStatus(SystemStatusMessage {
            system_status: SystemStatus::Enabled,
            sys_stat_register_id: None
        })
    );

    let d = dec(
        r#"<SystemRegister xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4">
  <requestTypes><systemStatus>true</systemStatus></requestTypes>
</SystemRegister>"#,
    );
    let CstaMessage::SystemRegister(r) = d.message else {
        panic!()
    };
    assert_eq!(r.request_types.system_status, Some(true));
    assert_eq!(r.request_types.switching_function_devices_changed, None);

    // Avaya-style response with a status filter and private data, ed3/priv2.
    let d = dec(
        r#"<SystemRegisterResponse xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv2">
  <sysStatRegisterID>500046</sysStatRegisterID>
  <actualStatusFilter><initializing>false</initializing><normal>true</normal></actualStatusFilter>
  <extensions><privateData><private><ns1:SystemRegisterPrivateData xmlns:ns1="http://www.avaya.com/csta"/></private></privateData></extensions>
</SystemRegisterResponse>"#,
    );
    assert_eq!(d.edition, Some(Edition::Ed3));
    assert_eq!(
        d.message,
        CstaMessage::SystemRegisterResponse(SystemRegisterResponse {
            sys_stat_register_id: "500046".into()
        })
    );
}

#[test]
fn snom_system_register_devices_changed() {
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<SystemRegister xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3">
  <requestTypes>
    <switchingFunctionDevicesChanged>true</switchingFunctionDevicesChanged>
  </requestTypes>
</SystemRegister>"#);
    assert_eq!(
        d.message,
        CstaMessage::SystemRegister(SystemRegister {
            request_types: RequestTypes {
                switching_function_devices_changed: Some(true),
                ..Default::default()
            }
        })
    );
    // requestTypes missing entirely: all unset rather than an error.
    let d = dec("<SystemRegister/>");
    assert_eq!(
        d.message,
        CstaMessage::SystemRegister(SystemRegister::default())
    );
    assert_eq!(d.edition, None);
}

#[test]
fn system_register_cancel() {
    let d = dec(
        "<SystemRegisterCancel><sysStatRegisterID>2</sysStatRegisterID></SystemRegisterCancel>",
    );
    assert_eq!(
        d.message,
        CstaMessage::SystemRegisterCancel(SystemRegisterCancel {
            sys_stat_register_id: "2".into()
        })
    );
    let d = dec("<SystemRegisterCancelResponse/>");
    assert_eq!(
        d.message,
        CstaMessage::SystemRegisterCancelResponse(SystemRegisterCancelResponse {})
    );
    assert!(decode(b"<SystemRegisterCancel/>").is_err());
}

#[test]
fn yealink_switching_function_devices() {
    let d = dec(r#"<?xml version="1.0" encoding="utf-8"?>
<GetSwitchingFunctionDevicesResponse xmlns="http://www.ecmainternational.org/standards/ecma-323/csta/ed5">
    <serviceCrossRefID>C2527445F5CC4848A7E80CBF0F76A11E</serviceCrossRefID>
</GetSwitchingFunctionDevicesResponse>"#);
    assert_eq!(d.edition, Some(Edition::Ed5));
    assert_eq!(
        d.message,
        CstaMessage::GetSwitchingFunctionDevicesResponse(GetSwitchingFunctionDevicesResponse {
            service_cross_ref_id: Some("C2527445F5CC4848A7E80CBF0F76A11E".into())
        })
    );

    let d = dec(r#"<?xml version="1.0" encoding="utf-8"?>
<SwitchingFunctionDevices xmlns="http://www.ecmainternational.org/standards/ecma-323/csta/ed5">
    <serviceCrossRefID>C2527445F5CC4848A7E80CBF0F76A11E</serviceCrossRefID>
    <lastSegment>true</lastSegment>
    <deviceList>
        <device><deviceID>sip:201@pbx.example:5060;tel=+4930201</deviceID></device>
        <device><deviceID>sip:202@pbx.example:5060</deviceID><deviceCategory>station</deviceCategory></device>
    </deviceList>
</SwitchingFunctionDevices>"#);
    let CstaMessage::SwitchingFunctionDevices(s) = d.message else {
        panic!()
    };
    assert_eq!(s.service_cross_ref_id, "C2527445F5CC4848A7E80CBF0F76A11E");
    assert!(s.is_last_segment());
    assert_eq!(s.segment_id, None);
    assert_eq!(s.device_list.len(), 2);
    assert_eq!(
        s.device_list[0].device_id.as_str(),
        "sip:201@pbx.example:5060;tel=+4930201"
    );
    assert_eq!(
        s.device_list[1].device_category,
        Some(DeviceCategory::Station)
    );

    let d = dec(
        r#"<SwitchingFunctionDevices><serviceCrossRefID>9</serviceCrossRefID><segmentID>1</segmentID><lastSegment>false</lastSegment></SwitchingFunctionDevices>"#,
    );
    let CstaMessage::SwitchingFunctionDevices(s) = d.message else {
        panic!()
    };
    assert!(!s.is_last_segment());
    assert_eq!(s.segment_id, Some(1));
    assert!(s.device_list.is_empty());
}

#[test]
fn get_switching_function_devices_request() {
    let d = dec(
        r#"<GetSwitchingFunctionDevices xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5"/>"#,
    );
    assert_eq!(
        d.message,
        CstaMessage::GetSwitchingFunctionDevices(Default::default())
    );
    let d = dec(
        r#"<GetSwitchingFunctionDevices><requestedDeviceID>201</requestedDeviceID><requestedDeviceCategory>station</requestedDeviceCategory></GetSwitchingFunctionDevices>"#,
    );
    assert_eq!(
        d.message,
        CstaMessage::GetSwitchingFunctionDevices(GetSwitchingFunctionDevices {
            requested_device_id: Some(DeviceId::new("201")),
            requested_device_category: Some(DeviceCategory::Station),
        })
    );
}

#[test]
fn devices_changed_both_spellings() {
    let d = dec(r#"<?xml version="1.0" encoding="utf-8"?>
<SwFunctionDevicesChanged xmlns="http://www.ecmainternational.org/standards/ecma-323/csta/ed5">
    <sysStatRegisterID>2</sysStatRegisterID>
</SwFunctionDevicesChanged>"#);
    assert_eq!(
        d.message,
        CstaMessage::SwitchingFunctionDevicesChanged(SwitchingFunctionDevicesChanged {
            sys_stat_register_id: Some("2".into()),
            device_list: vec![],
        })
    );
    let d = dec(
        r#"<SwitchingFunctionDevicesChanged xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed6">
  <deviceList><device><deviceID>sip:201@x</deviceID></device></deviceList>
</SwitchingFunctionDevicesChanged>"#,
    );
    assert_eq!(d.edition, Some(Edition::Ed6));
    let CstaMessage::SwitchingFunctionDevicesChanged(c) = d.message else {
        panic!()
    };
    assert_eq!(c.sys_stat_register_id, None);
    assert_eq!(c.device_list[0].device_id, DeviceId::new("sip:201@x"));
}

#[test]
fn error_codes_all_categories() {
    for cat in [
        "operation",
        "security",
        "stateIncompatibility",
        "systemResourceAvailability",
        "subscribedResourceAvailability",
        "performanceManagement",
        "privateData",
        "unspecified",
    ] {
        let xml = format!(r#"<CSTAErrorCode xmlns="{ED3}"><{cat}>generic</{cat}></CSTAErrorCode>"#);
        let d = dec(&xml);
        let CstaMessage::CstaErrorCode(e) = d.message else {
            panic!()
        };
        assert_eq!(e.category.as_str(), cat);
        assert!(!matches!(e.category, ErrorCategory::Other(_)));
        assert_eq!(e.value, "generic");
    }
    // Yealink's bare unspecified error.
    let d = dec(r#"<?xml version="1.0" encoding="utf-8"?>
<CSTAErrorCode xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5"><unspecified /></CSTAErrorCode>"#);
    assert_eq!(
        d.message,
        CstaMessage::CstaErrorCode(CstaError::unspecified())
    );
    let d = dec(r#"<CSTAErrorCode><operation>invalidConnectionID</operation></CSTAErrorCode>"#);
    assert_eq!(
        d.message,
        CstaMessage::CstaErrorCode(CstaError::invalid_connection_id())
    );
}

#[test]
fn monitor_start_and_stop() {
    // snom style, prefixed root.
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<csta:MonitorStart xmlns:csta="http://www.ecma-international.org/standards/ecma-323/csta/ed3">
  <csta:monitorObject><csta:deviceObject>sip:455455@ser.intern.snom.de</csta:deviceObject></csta:monitorObject>
  <csta:requestedMonitorFilter><csta:callcontrol><csta:conferenced>true</csta:conferenced></csta:callcontrol></csta:requestedMonitorFilter>
  <csta:monitorType>device</csta:monitorType>
</csta:MonitorStart>"#);
    assert_eq!(d.edition, Some(Edition::Ed3));
    assert_eq!(
        d.message,
        CstaMessage::MonitorStart(MonitorStart {
            monitor_object: MonitorObject::Device(DeviceId::new("sip:455455@ser.intern.snom.de")),
            monitor_type: Some(MonitorType::Device),
        })
    );
    let d = dec(
        r#"<MonitorStartResponse xmlns="http://www.ecmainternational.org/standards/ecma-323/csta/ed5">
<monitorCrossRefID>1</monitorCrossRefID><monitorExistingCalls>true</monitorExistingCalls></MonitorStartResponse>"#,
    );
    assert_eq!(
        d.message,
        CstaMessage::MonitorStartResponse(MonitorStartResponse {
            monitor_cross_ref_id: "1".into(),
            monitor_existing_calls: Some(true),
        })
    );
    let d = dec(
        "<MonitorStart><monitorObject><callObject><callID>5</callID><deviceID>201</deviceID></callObject></monitorObject></MonitorStart>",
    );
    let CstaMessage::MonitorStart(m) = d.message else {
        panic!()
    };
    assert_eq!(
        m.monitor_object,
        MonitorObject::Call(ConnectionId::new("5", "201"))
    );
    assert!(decode(b"<MonitorStart><monitorObject/></MonitorStart>").is_err());
    let d = dec("<MonitorStop><monitorCrossRefID>1</monitorCrossRefID></MonitorStop>");
    assert_eq!(
        d.message,
        CstaMessage::MonitorStop(MonitorStop {
            monitor_cross_ref_id: "1".into()
        })
    );
    let d = dec("<MonitorStopResponse/>");
    assert_eq!(
        d.message,
        CstaMessage::MonitorStopResponse(MonitorStopResponse {})
    );
}

#[test]
fn wrong_types_and_unknown_roots() {
    // Non-boolean in an optional field: tolerated as absent.
    let d = dec(
        "<MonitorStartResponse><monitorCrossRefID>1</monitorCrossRefID><monitorExistingCalls>yes</monitorExistingCalls></MonitorStartResponse>",
    );
    let CstaMessage::MonitorStartResponse(r) = d.message else {
        panic!()
    };
    assert_eq!(r.monitor_existing_calls, None);
    // Non-number in an optional field.
    let d = dec(
        "<SwitchingFunctionDevices><serviceCrossRefID>1</serviceCrossRefID><segmentID>x</segmentID></SwitchingFunctionDevices>",
    );
    let CstaMessage::SwitchingFunctionDevices(s) = d.message else {
        panic!()
    };
    assert_eq!(s.segment_id, None);
    // Missing required field: error naming the element.
    assert_eq!(
        decode(b"<MonitorStartResponse/>").unwrap_err(),
        DecodeError::MissingElement {
            parent: "MonitorStartResponse".into(),
            name: "monitorCrossRefID".into()
        }
    );
    // Unknown root.
    let d = dec(r#"<FooBar xmlns="urn:other"><x/></FooBar>"#);
    assert_eq!(
        d.message,
        CstaMessage::Unknown {
            name: "FooBar".into()
        }
    );
    assert_eq!(d.edition, None);
}

// ---------------------------------------------------------------------------
// Stage 2: call control, events, features, sessions.

#[test]
fn prefixed_make_call_and_response() {
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<csta:MakeCall xmlns:csta="http://www.ecma-international.org/standards/ecma-323/csta/ed3">
  <csta:callingDevice>455455@ser.intern.snom.de</csta:callingDevice>
  <csta:calledDirectoryNumber typeOfNumber="dialingNumber">0049 (30) 1234-5</csta:calledDirectoryNumber>
  <csta:autoOriginate>doNotPrompt</csta:autoOriginate>
</csta:MakeCall>"#);
    assert_eq!(d.edition, Some(Edition::Ed3));
    assert_eq!(
        d.message,
        CstaMessage::MakeCall(MakeCall {
            calling_device: DeviceId::new("455455@ser.intern.snom.de"),
            called_directory_number: DeviceId {
                value: "0049 (30) 1234-5".into(),
                type_of_number: Some("dialingNumber".into()),
            },
            auto_originate: Some(AutoOriginate::DoNotPrompt),
        })
    );
    // snom answers in ed5 with a negative call ID.
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<MakeCallResponse xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
  <callingDevice><callID>-12</callID><deviceID>sip:455455@ser.intern.snom.de</deviceID></callingDevice>
</MakeCallResponse>"#);
    assert_eq!(d.edition, Some(Edition::Ed5));
    assert_eq!(
        d.message,
        CstaMessage::MakeCallResponse(MakeCallResponse {
            calling_device: ConnectionId::new("-12", "sip:455455@ser.intern.snom.de"),
        })
    );
}

#[test]
fn yealink_call_events() {
    let d = dec(r#"<?xml version="1.0" encoding="utf-8"?>
<DeliveredEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
    <monitorCrossRefID>0</monitorCrossRefID>
    <connection><callID>12</callID><deviceID>sip:201@10.2.1.199:5060</deviceID></connection>
    <alertingDevice><deviceIdentifier>sip:201@10.2.1.199:5060</deviceIdentifier></alertingDevice>
    <callingDevice><deviceIdentifier>sip:202@10.2.1.199</deviceIdentifier></callingDevice>
    <calledDevice><deviceIdentifier>sip:201@10.2.1.199:5060</deviceIdentifier></calledDevice>
    <lastRedirectionDevice><notKnown /></lastRedirectionDevice>
    <localConnectionInfo>alerting</localConnectionInfo>
    <cause>normal</cause>
</DeliveredEvent>"#);
    assert!(d.message.is_event());
    assert_eq!(d.message.monitor_cross_ref_id(), Some("0"));
    let CstaMessage::DeliveredEvent(e) = d.message else {
        panic!()
    };
    assert_eq!(
        e.connection,
        ConnectionId::new("12", "sip:201@10.2.1.199:5060")
    );
    assert_eq!(e.calling_device, Party::device("sip:202@10.2.1.199"));
    assert_eq!(e.last_redirection_device, Party::NotKnown);
    assert_eq!(
        e.local_connection_info,
        Some(LocalConnectionState::Alerting)
    );
    assert_eq!(e.cause, Some(EventCause::Normal));

    // The misspelt transfer event with an empty connection list item.
    let d = dec(r#"<?xml version="1.0" encoding="utf-8"?>
<TransferedEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
    <monitorCrossRefID>0</monitorCrossRefID>
    <primaryOldCall><callID>12</callID><deviceID>sip:201@10.2.1.199:5060</deviceID></primaryOldCall>
    <secondaryOldCall><callID>13</callID><deviceID>sip:201@10.2.1.199:5060</deviceID></secondaryOldCall>
    <transferringDevice><deviceIdentifier>sip:201@10.2.1.199:5060</deviceIdentifier></transferringDevice>
    <transferredToDevice><deviceIdentifier>sip:203@10.2.1.199</deviceIdentifier></transferredToDevice>
    <transferredConnections><connectionListItem /></transferredConnections>
    <localConnectionInfo>null</localConnectionInfo>
    <cause>transfer</cause>
</TransferedEvent>"#);
    assert_eq!(d.message.name(), "TransferredEvent");
    let CstaMessage::TransferredEvent(t) = d.message else {
        panic!()
    };
    assert_eq!(t.secondary_old_call.unwrap().call_id.as_deref(), Some("13"));
    assert_eq!(
        t.transferred_connections,
        vec![ConnectionListItem::default()]
    );
    assert_eq!(t.cause, Some(EventCause::Transfer));

    // Conference with Yealink's combined call ID.
    let d = dec(
        r#"<ConferencedEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
    <monitorCrossRefID>0</monitorCrossRefID>
    <primaryOldCall><callID>13</callID><deviceID>sip:201@x</deviceID></primaryOldCall>
    <secondaryOldCall><callID>12</callID><deviceID>sip:201@x</deviceID></secondaryOldCall>
    <conferencingDevice><deviceIdentifier>sip:201@x</deviceIdentifier></conferencingDevice>
    <conferenceConnections>
      <connectionListItem>
        <newConnection><callID>12|13</callID><deviceID>sip:203@x</deviceID></newConnection>
        <oldConnection><callID>13</callID><deviceID>sip:203@x</deviceID></oldConnection>
      </connectionListItem>
      <connectionListItem>
        <newConnection><callID>12|13</callID><deviceID>sip:202@x</deviceID></newConnection>
        <oldConnection><callID>12</callID><deviceID>sip:202@x</deviceID></oldConnection>
      </connectionListItem>
    </conferenceConnections>
    <localConnectionInfo>connected</localConnectionInfo>
    <cause>normal</cause>
</ConferencedEvent>"#,
    );
    let CstaMessage::ConferencedEvent(c) = d.message else {
        panic!()
    };
    assert_eq!(c.added_party, Party::NotKnown); // Yealink leaves it out
    assert_eq!(c.conference_connections.len(), 2);
    assert_eq!(
        c.conference_connections[1].new_connection,
        Some(ConnectionId::new("12|13", "sip:202@x"))
    );

    let d = dec(
        r#"<DigitsGeneratedEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
<monitorCrossRefID>0</monitorCrossRefID><connection><callID>12</callID><deviceID>sip:201@x</deviceID></connection>
<digitGeneratedList>5</digitGeneratedList></DigitsGeneratedEvent>"#,
    );
    let CstaMessage::DigitsGeneratedEvent(g) = d.message else {
        panic!()
    };
    assert_eq!(g.digit_generated_list, "5");
}

#[test]
fn yealink_feature_events_and_responses() {
    let d = dec(
        r#"<ForwardingEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
<monitorCrossRefID>0</monitorCrossRefID><device><deviceIdentifier>sip:201@x</deviceIdentifier></device>
<forwardingType>forwardNoAns</forwardingType><forwardStatus>true</forwardStatus><forwardTo>tel:300</forwardTo>
<ringCount>4</ringCount></ForwardingEvent>"#,
    );
    assert_eq!(
        d.message,
        CstaMessage::ForwardingEvent(ForwardingEvent {
            monitor_cross_ref_id: "0".into(),
            device: Party::device("sip:201@x"),
            forwarding_type: Some(ForwardingType::NoAnswer),
            forward_status: true,
            forward_to: Some(DeviceId::new("tel:300")),
            ring_count: Some(4),
            ring_duration: None,
        })
    );
    let d = dec(
        r#"<DoNotDisturbEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
<monitorCrossRefID>0</monitorCrossRefID><device><deviceIdentifier>sip:201@x</deviceIdentifier></device>
<doNotDisturbOn>false</doNotDisturbOn></DoNotDisturbEvent>"#,
    );
    let CstaMessage::DoNotDisturbEvent(e) = d.message else {
        panic!()
    };
    assert!(!e.do_not_disturb_on);

    // GetDoNotDisturbResponse comes in ed3, GetForwardingResponse with the typo namespace.
    let d = dec(
        r#"<GetDoNotDisturbResponse xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3"><doNotDisturbOn>true</doNotDisturbOn></GetDoNotDisturbResponse>"#,
    );
    assert_eq!(d.edition, Some(Edition::Ed3));
    assert_eq!(
        d.message,
        GetDoNotDisturbResponse {
            do_not_disturb_on: true
        }
        .into()
    );
    let d = dec(
        r#"<GetForwardingResponse xmlns="http://www.ecmainternational.org/standards/ecma-323/csta/ed5">
<forwardingList>
 <forwardListItem><forwardingType>forwardImmediate</forwardingType><forwardStatus>false</forwardStatus><forwardDN>tel:</forwardDN></forwardListItem>
 <forwardListItem><forwardingType>forwardBusy</forwardingType><forwardStatus>true</forwardStatus><forwardDN>tel:300</forwardDN></forwardListItem>
 <forwardListItem><forwardingType>forwardNoAns</forwardingType><forwardStatus>false</forwardStatus><forwardDN>tel:</forwardDN><ringDuration>20</ringDuration></forwardListItem>
</forwardingList></GetForwardingResponse>"#,
    );
    let CstaMessage::GetForwardingResponse(f) = d.message else {
        panic!()
    };
    assert_eq!(f.forwarding_list.len(), 3);
    assert_eq!(f.forwarding_list[1].forwarding_type, ForwardingType::Busy);
    assert!(f.forwarding_list[1].forward_status);
    assert_eq!(f.forwarding_list[2].ring_duration, Some(20));

    let d = dec(
        r#"<SnapshotDeviceResponse xmlns="http://www.ecmainternational.org/standards/ecma-323/csta/ed5">
<crossRefIDorSnapshotData><snapshotData><snapshotDeviceResponseInfo>
<connectionIdentifier><callID>12|13</callID><deviceID>sip:201@x</deviceID></connectionIdentifier>
<localCallState><compoundCallState><localConnectionState>hold</localConnectionState></compoundCallState></localCallState>
</snapshotDeviceResponseInfo></snapshotData></crossRefIDorSnapshotData></SnapshotDeviceResponse>"#,
    );
    let CstaMessage::SnapshotDeviceResponse(s) = d.message else {
        panic!()
    };
    let SnapshotData::Data(items) = s.cross_ref_id_or_snapshot_data else {
        panic!()
    };
    assert_eq!(
        items[0].connection_identifier.call_id.as_deref(),
        Some("12|13")
    );
    assert_eq!(
        items[0]
            .local_call_state
            .as_ref()
            .unwrap()
            .compound_call_state,
        vec![LocalConnectionState::Hold]
    );
    // OpenScape: empty snapshot.
    let d = dec(
        r#"<SnapshotDeviceResponse xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4"><crossRefIDorSnapshotData><snapshotData/></crossRefIDorSnapshotData></SnapshotDeviceResponse>"#,
    );
    assert_eq!(d.message, SnapshotDeviceResponse::default().into());
}

#[test]
fn openscape_event_with_extra_elements() {
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<DeliveredEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <monitorCrossRefID>12345</monitorCrossRefID>
  <connection>
    <callID>FF0001000000000056F7A7AB26130000</callID>
    <deviceID>N&lt;302118840101&gt;;displayNumber=+302118840101</deviceID>
  </connection>
  <alertingDevice><deviceIdentifier>N&lt;302118840101&gt;</deviceIdentifier></alertingDevice>
  <callingDevice><deviceIdentifier>N&lt;302118840102&gt;</deviceIdentifier></callingDevice>
  <calledDevice><deviceIdentifier>N&lt;302118840101&gt;</deviceIdentifier></calledDevice>
  <lastRedirectionDevice><numberDialed>302118840101</numberDialed></lastRedirectionDevice>
  <localConnectionInfo>alerting</localConnectionInfo>
  <cause>newCall</cause>
  <servicesPermitted>
    <callControlServices><answerCall>true</answerCall><deflectCall>true</deflectCall></callControlServices>
    <callAssociatedServices/><mediaAttachmentServices/><routeingServices/><voiceUnitServices/>
  </servicesPermitted>
  <networkCallingDevice><deviceIdentifier>N&lt;302118840102&gt;</deviceIdentifier></networkCallingDevice>
  <mediaCallCharacteristics><mediaClass><voice>true</voice></mediaClass></mediaCallCharacteristics>
  <extensions>
    <privateData>
      <private>
        <ns1:callingDevice xmlns:ns1="http://www.siemens.com/schema/csta">x</ns1:callingDevice>
        <ns1:cause xmlns:ns1="http://www.siemens.com/schema/csta">bogus</ns1:cause>
      </private>
    </privateData>
  </extensions>
</DeliveredEvent>"#);
    assert_eq!(d.edition, Some(Edition::Ed4));
    let CstaMessage::DeliveredEvent(e) = d.message else {
        panic!()
    };
    assert_eq!(
        e.connection.call_id.as_deref(),
        Some("FF0001000000000056F7A7AB26130000")
    );
    assert_eq!(
        e.connection.device_id.as_ref().map(DeviceId::as_str),
        Some("N<302118840101>;displayNumber=+302118840101")
    );
    assert_eq!(e.calling_device, Party::device("N<302118840102>"));
    assert_eq!(
        e.last_redirection_device,
        Party::NumberDialed(DeviceId::new("302118840101"))
    );
    assert_eq!(e.cause, Some(EventCause::NewCall));
}

#[test]
fn yealink_deflect_with_nested_device() {
    let d = dec(
        r#"<DeflectCall xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
<callToBeDiverted><callID>5</callID><deviceID>sip:201@x</deviceID></callToBeDiverted>
<newDestination><device>300</device></newDestination></DeflectCall>"#,
    );
    let CstaMessage::DeflectCall(c) = d.message else {
        panic!()
    };
    assert_eq!(c.new_destination, DeviceId::new("300"));
}

#[test]
fn dial_digits_both_spellings() {
    for (conn, seq) in [
        ("diallingConnection", "diallingSequence"),
        ("dialingConnection", "dialingSequence"),
    ] {
        let xml = format!(
            "<DialDigits><{conn}><callID>1</callID></{conn}><{seq}>42</{seq}></DialDigits>"
        );
        let CstaMessage::DialDigits(d) = dec(&xml).message else {
            panic!()
        };
        assert_eq!(d.dialling_sequence, DeviceId::new("42"));
    }
}

#[test]
fn application_sessions() {
    // Avaya DMCC style login.
    let d = dec(r#"<?xml version="1.0" encoding="UTF-8"?>
<StartApplicationSession xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session">
  <applicationInfo>
    <applicationID>TestApp</applicationID>
    <applicationSpecificInfo>
      <ns1:SessionLoginInfo xsi:type="ns1:SessionLoginInfo" xmlns:ns1="http://www.avaya.com/csta" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
        <ns1:userName>user</ns1:userName>
        <ns1:password>1234</ns1:password>
        <ns1:sessionCleanupDelay>5</ns1:sessionCleanupDelay>
      </ns1:SessionLoginInfo>
    </applicationSpecificInfo>
  </applicationInfo>
  <requestedProtocolVersions>
    <protocolVersion>http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv4</protocolVersion>
  </requestedProtocolVersions>
  <requestedSessionDuration>180</requestedSessionDuration>
</StartApplicationSession>"#);
    assert_eq!(d.edition, None);
    assert!(d.message.is_session());
    let CstaMessage::StartApplicationSession(s) = d.message else {
        panic!()
    };
    assert_eq!(
        s.application_info.application_id.as_deref(),
        Some("TestApp")
    );
    let login = s
        .application_info
        .application_specific_info
        .clone()
        .unwrap();
    assert_eq!(login.user_name.as_deref(), Some("user"));
    assert_eq!(login.password.as_deref(), Some("1234"));
    assert!(
        !format!("{login:?}").contains("1234"),
        "password leaked into Debug"
    );
    assert_eq!(
        s.requested_protocol_versions[0].edition(),
        Some(Edition::Ed3)
    );
    assert_eq!(s.requested_session_duration, Some(180));

    // OpenScape Business client style: user/password directly inside.
    let d = dec(
        r#"<StartApplicationSession xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session">
<applicationInfo><applicationID>rec</applicationID><applicationSpecificInfo><user>bob</user><password>pw</password></applicationSpecificInfo></applicationInfo>
<requestedProtocolVersions><protocolVersion>http://www.ecma-international.org/standards/ecma-323/csta/ed4</protocolVersion></requestedProtocolVersions>
<requestedSessionDuration>300</requestedSessionDuration></StartApplicationSession>"#,
    );
    let CstaMessage::StartApplicationSession(s) = d.message else {
        panic!()
    };
    let login = s.application_info.application_specific_info.unwrap();
    assert_eq!(
        (login.user_name.as_deref(), login.password.as_deref()),
        (Some("bob"), Some("pw"))
    );
    assert_eq!(
        s.requested_protocol_versions[0].edition(),
        Some(Edition::Ed4)
    );

    let d = dec(
        r#"<StartApplicationSessionPosResponse xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session">
<sessionID>469421A9364D46D6444524AE41BEAD72-0</sessionID>
<actualProtocolVersion>http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv4</actualProtocolVersion>
<actualSessionDuration>180</actualSessionDuration></StartApplicationSessionPosResponse>"#,
    );
    let CstaMessage::StartApplicationSessionPosResponse(p) = d.message else {
        panic!()
    };
    assert_eq!(p.session_id, "469421A9364D46D6444524AE41BEAD72-0");
    assert_eq!(p.actual_session_duration, Some(180));

    let d = dec(
        r#"<StartApplicationSessionNegResponse xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session">
<errorCode><definedError>invalidApplicationInfo</definedError></errorCode></StartApplicationSessionNegResponse>"#,
    );
    let CstaMessage::StartApplicationSessionNegResponse(n) = d.message else {
        panic!()
    };
    assert_eq!(
        n.error_code.unwrap().defined_error.as_deref(),
        Some("invalidApplicationInfo")
    );

    let d = dec(
        r#"<ResetApplicationSessionTimer xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session">
<sessionID>469421A9364D46D6444524AE41BEAD72-0</sessionID><requestedSessionDuration>180</requestedSessionDuration></ResetApplicationSessionTimer>"#,
    );
    assert_eq!(
        d.message,
        ResetApplicationSessionTimer {
            session_id: "469421A9364D46D6444524AE41BEAD72-0".into(),
            requested_session_duration: Some(180),
        }
        .into()
    );
    let d = dec(
        r#"<StopApplicationSession xmlns="http://www.ecma-international.org/standards/ecma-354/appl_session">
<sessionID>S1</sessionID><sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason></StopApplicationSession>"#,
    );
    let CstaMessage::StopApplicationSession(s) = d.message else {
        panic!()
    };
    assert_eq!(
        s.session_end_reason.unwrap().defined_end_reason.as_deref(),
        Some("normal")
    );
}

#[test]
fn encode_uses_the_session_namespace_for_session_messages() {
    let xml = encode(&StopApplicationSessionPosResponse {}.into(), Edition::Ed3);
    assert!(xml.contains(SESSION_NAMESPACE));
    let xml = encode(&MonitorStopResponse {}.into(), Edition::Ed3);
    assert!(xml.contains(Edition::Ed3.namespace()));
}
