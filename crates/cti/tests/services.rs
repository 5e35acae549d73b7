//! Monitors, relayed service requests and CSTA errors over the wire.

mod common;

use common::*;
use csta_proto::CstaMessage;

#[tokio::test]
async fn monitors_by_number_and_by_identity_deliver_numbered_events() {
    let harness = Harness::start().await;
    let (mut by_number, _) = harness.logged_in().await;
    let (mut by_identity, _) = harness.logged_in().await;
    let invoke = by_number.invoke();
    by_number.send(invoke, &monitor_start("201")).await;
    let response = by_number.response(invoke).await;
    let CstaMessage::MonitorStartResponse(started) = response.message() else {
        panic!("{}", response.xml)
    };
    let cross_ref = started.monitor_cross_ref_id;
    assert_eq!(
        by_identity
            .monitor("sip:201@other.example;user=phone")
            .await,
        cross_ref,
        "one cross reference per line"
    );
    assert_ne!(by_identity.monitor(OTHER_LINE).await, cross_ref);
    for i in 0..5 {
        harness.event(LINE, &format!("ev-{i}")).await;
    }
    harness.event(OTHER_LINE, "other").await;
    for client in [&mut by_number, &mut by_identity] {
        let mut last = 0;
        for i in 0..5 {
            let event = client.next_event().await;
            assert_eq!(event.call(), format!("ev-{i}"));
            let CstaMessage::DeliveredEvent(delivered) = event.message() else {
                panic!()
            };
            assert_eq!(delivered.monitor_cross_ref_id, cross_ref);
            assert!(event.seq() > last, "increasing sequence numbers");
            last = event.seq();
        }
    }
    assert_eq!(by_identity.next_event().await.call(), "other");
    assert_eq!(
        harness
            .until_seen("two monitors", |s| s.len() == 2)
            .await
            .iter()
            .filter(|s| **s == Seen::MonitorStart(LINE.into()))
            .count(),
        1
    );

    // MonitorStop: no more events of that line for this client.
    let response = by_number.request(&monitor_stop(&cross_ref)).await;
    assert_eq!(response.name(), "MonitorStopResponse");
    harness.event(LINE, "after-stop").await;
    assert_eq!(by_identity.next_event().await.call(), "after-stop");
    assert!(
        by_number.no_pending_event().await,
        "no event after MonitorStop"
    );
    assert!(harness.listener.latency().count() >= 10);
}

#[tokio::test]
async fn monitor_errors() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    let response = client.request(&monitor_start("999")).await;
    assert_eq!(response.error(), "operation/invalidDeviceID");
    let response = client.request(&monitor_stop("12345")).await;
    assert_eq!(response.error(), "operation/invalidMonitorCrossRefID");
    let call_monitor = csta(
        "MonitorStart",
        "<monitorObject><callObject><callID>1</callID><deviceID>201</deviceID></callObject></monitorObject>",
    );
    assert_eq!(
        client.request(&call_monitor).await.error(),
        "operation/serviceNotSupported"
    );
    let cross_ref = client.monitor("201").await;
    assert_eq!(
        client.request(&monitor_stop(&cross_ref)).await.name(),
        "MonitorStopResponse"
    );
    assert_eq!(
        client.request(&monitor_stop(&cross_ref)).await.error(),
        "operation/invalidMonitorCrossRefID"
    );
}

#[tokio::test]
async fn services_are_relayed_to_the_line_link_with_the_request_invoke_id() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    let make_call = csta(
        "MakeCall",
        "<callingDevice>201</callingDevice><calledDirectoryNumber>300</calledDirectoryNumber><autoOriginate>doNotPrompt</autoOriginate>",
    );
    client.send(1234, &make_call).await;
    let response = client.response(1234).await;
    let CstaMessage::MakeCallResponse(made) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(made.calling_device.call_id.as_deref(), Some("C1"));
    let seen = harness.seen();
    let Some(Seen::Request(relayed)) = seen.last() else {
        panic!("{seen:?}")
    };
    assert!(
        relayed.contains("<callingDevice>sip:201@pbx.example</callingDevice>"),
        "the link gets its own device form: {relayed}"
    );

    // The link's CSTA error comes back as CSTAErrorCode.
    let answer = csta(
        "AnswerCall",
        "<callToBeAnswered><callID>C1</callID><deviceID>201</deviceID></callToBeAnswered>",
    );
    client.send(9998, &answer).await;
    assert_eq!(
        client.response(9998).await.error(),
        "stateIncompatibility/noCallToAnswer"
    );
    // A line nobody owns.
    let make_call_999 = make_call.replace(">201<", ">999<");
    assert_eq!(
        client.request(&make_call_999).await.error(),
        "operation/invalidDeviceID"
    );
    // Snapshots are answered by the hub.
    let snapshot = csta("SnapshotDevice", "<snapshotObject>201</snapshotObject>");
    assert_eq!(
        client.request(&snapshot).await.name(),
        "SnapshotDeviceResponse"
    );
}

#[tokio::test]
async fn unknown_services_responses_and_events_from_clients_are_not_supported() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    for xml in [
        csta("FrobnicateCall", "<x>1</x>"),
        csta(
            "MakeCallResponse",
            "<callingDevice><callID>1</callID><deviceID>201</deviceID></callingDevice>",
        ),
        csta(
            "DeliveredEvent",
            "<monitorCrossRefID>1</monitorCrossRefID><connection><callID>1</callID><deviceID>201</deviceID></connection><alertingDevice><deviceIdentifier>201</deviceIdentifier></alertingDevice><callingDevice><deviceIdentifier>202</deviceIdentifier></callingDevice><calledDevice><deviceIdentifier>201</deviceIdentifier></calledDevice><lastRedirectionDevice><notKnown/></lastRedirectionDevice>",
        ),
        csta("CSTAErrorCode", "<operation>generic</operation>"),
        csta(
            "SystemRegister",
            "<requestTypes><systemStatus>true</systemStatus></requestTypes>",
        ),
    ] {
        assert_eq!(
            client.request(&xml).await.error(),
            "operation/serviceNotSupported",
            "{xml}"
        );
    }
    // The answer to a MonitorStop the server sent (a withdrawn right) is taken silently.
    let invoke = client.invoke();
    client.send(invoke, &csta("MonitorStopResponse", "")).await;
    assert!(client.no_pending_event().await);
    // Still served.
    client.monitor("201").await;
}

#[tokio::test]
async fn a_slow_request_does_not_hold_up_the_others() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    let hold = csta(
        "HoldCall",
        "<callToBeHeld><callID>C1</callID><deviceID>201</deviceID></callToBeHeld>",
    );
    let make_call = csta(
        "MakeCall",
        "<callingDevice>201</callingDevice><calledDirectoryNumber>300</calledDirectoryNumber>",
    );
    client.send(10, &hold).await;
    client.send(11, &make_call).await;
    let first = client.read_frame().await.unwrap();
    assert_eq!(
        (first.invoke, first.name().as_str()),
        (11, "MakeCallResponse")
    );
    harness.release_holds.add_permits(1);
    let second = client.read_frame().await.unwrap();
    assert_eq!(
        (second.invoke, second.name().as_str()),
        (10, "HoldCallResponse")
    );
}

#[tokio::test]
async fn requests_in_flight_are_bounded() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    let hold = csta(
        "HoldCall",
        "<callToBeHeld><callID>C1</callID><deviceID>201</deviceID></callToBeHeld>",
    );
    let mut burst = Vec::new();
    for invoke in 1..=40 {
        burst.extend_from_slice(&frame(invoke, &hold));
    }
    client.send_raw(&burst).await;
    let mut busy = Vec::new();
    for _ in 0..8 {
        let frame = client.read_frame().await.unwrap();
        assert_eq!(frame.error(), "systemResourceAvailability/resourceBusy");
        busy.push(frame.invoke);
    }
    assert_eq!(busy, (33..=40).collect::<Vec<u16>>());
    harness.release_holds.add_permits(32);
    let mut held: Vec<u16> = Vec::new();
    for _ in 0..32 {
        let frame = client.read_frame().await.unwrap();
        assert_eq!(frame.name(), "HoldCallResponse");
        held.push(frame.invoke);
    }
    held.sort_unstable();
    assert_eq!(held, (1..=32).collect::<Vec<u16>>());
    // Permits are back: a new request is served.
    harness.release_holds.add_permits(1);
    assert_eq!(client.request(&hold).await.name(), "HoldCallResponse");
}

#[tokio::test]
async fn the_device_list_follows_its_response_with_the_same_cross_reference() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    let response = client
        .request(&csta("GetSwitchingFunctionDevices", ""))
        .await;
    let CstaMessage::GetSwitchingFunctionDevicesResponse(started) = response.message() else {
        panic!("{}", response.xml)
    };
    let cross_ref = started.service_cross_ref_id.expect("a serviceCrossRefID");
    let list = client.next_event().await;
    let CstaMessage::SwitchingFunctionDevices(list) = list.message() else {
        panic!("{}", list.xml)
    };
    assert_eq!(list.service_cross_ref_id, cross_ref);
    assert!(list.is_last_segment());
    let devices: Vec<&str> = list
        .device_list
        .iter()
        .map(|d| d.device_id.as_str())
        .collect();
    assert_eq!(devices, [LINE, OTHER_LINE]);

    let unknown = client
        .request(&csta(
            "GetSwitchingFunctionDevices",
            "<requestedDeviceID>299</requestedDeviceID>",
        ))
        .await;
    assert_eq!(unknown.error(), "operation/invalidDeviceID");
    assert!(
        client.no_pending_event().await,
        "no device list after an error"
    );
    assert!(
        harness.seen().is_empty(),
        "answered by callboard, not by the phone"
    );
}
