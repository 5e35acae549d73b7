//! Call control end to end (issue #3): SIPp phones play realistic uaCSTA sequences against the
//! real `callboard` binary while a CSTA client (raw frames over TCP, `cti_client`) logs in,
//! monitors line 201, sends services and follows the line's events.
//!
//! Each phone is generated from a script (`scenario`): the start-up of phone_csta.xml, the
//! server's MonitorStart answered with the phone's own cross reference, then the test's steps
//! (requests it expects, with checks on their bodies, and events it emits). The SIPp phone is
//! strict (anything unexpected fails it), so `finish()` also proves that nothing else reached
//! the phone; the bodies it received are read back from its message log for closer checks.
//! Nothing waits on timing where an order can be awaited: the phone emits a call's later
//! events only after the client's next request reached it.

mod common;
mod cti_client;
mod scenario;

use std::time::{Duration, Instant};

use common::Server;
use csta_proto::{CstaMessage, LocalConnectionState, Party, SnapshotData};
use cti_client::{CtiClient, csta};
use scenario::{Reply, Script, Vendor, connection, doc, xml_pattern};

/// Line 201 as the snom phone reports it.
const LINE: &str = "sip:201@pbx.example";
const CALLER: &str = "sip:302@pbx.example";

/// A server whose keepalives do not interleave with the scripts.
fn server() -> Server {
    Server::start(&[("CALLBOARD_SIP__KEEPALIVE", "600")])
}

/// Waits until the phone has reported `line` (until then it is unknown: `invalidDeviceID`).
fn wait_for_line(client: &mut CtiClient, server: &Server, line: &str) {
    let deadline = Instant::now() + cti_client::PATIENCE;
    loop {
        let probe = client.request(&csta(
            "SnapshotDevice",
            &format!("<snapshotObject>{line}</snapshotObject>"),
        ));
        match probe.message() {
            CstaMessage::SnapshotDeviceResponse(_) => return,
            CstaMessage::CstaErrorCode(_) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => panic!("line {line} never came up: {}\n{}", probe.xml, server.log()),
        }
    }
}

/// Logs a client in and monitors `line` once the phone has reported it; returns the client
/// and the line's cross reference (MonitorStartResponse and BackInServiceEvent checked).
fn client_monitoring(server: &Server, line: &str) -> (CtiClient, String) {
    let mut client = CtiClient::login(server.cti_tcp);
    wait_for_line(&mut client, server, line);
    let cross_ref = client.monitor(line);
    (client, cross_ref)
}

/// The client's view of the line: (callID, deviceID, state) of every call.
fn snapshot(client: &mut CtiClient, line: &str) -> Vec<(String, String, LocalConnectionState)> {
    let response = client.request(&csta(
        "SnapshotDevice",
        &format!("<snapshotObject>{line}</snapshotObject>"),
    ));
    let CstaMessage::SnapshotDeviceResponse(snapshot) = response.message() else {
        panic!("SnapshotDevice failed: {}", response.xml)
    };
    let SnapshotData::Data(items) = snapshot.cross_ref_id_or_snapshot_data else {
        panic!("snapshot by cross reference: {}", response.xml)
    };
    items
        .into_iter()
        .map(|item| {
            let state = item
                .local_call_state
                .and_then(|s| s.compound_call_state.into_iter().next())
                .unwrap_or_else(|| panic!("no state: {}", response.xml));
            (
                item.connection_identifier.call_id.unwrap_or_default(),
                item.connection_identifier
                    .device_id
                    .map(|d| d.as_str().to_owned())
                    .unwrap_or_default(),
                state,
            )
        })
        .collect()
}

fn call(
    call: &str,
    device: &str,
    state: LocalConnectionState,
) -> (String, String, LocalConnectionState) {
    (call.to_owned(), device.to_owned(), state)
}

/// A check for the phone's side that the request carries `<tag>` with this connection.
fn conn_pattern(tag: &str, call: &str, device: &str) -> String {
    xml_pattern(&connection(tag, call, device))
}

fn party_id(party: &Party) -> &str {
    party.device_id().map_or("", |d| d.as_str())
}

#[test]
fn an_incoming_call_answered_and_cleared_reaches_the_client_in_order_and_in_the_snapshot() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-11");
    let mut phone = script
        .expect_monitor_start("phone-11")
        .event(ev.delivered_incoming("7", CALLER))
        .expect(
            "AnswerCall",
            &[&conn_pattern("callToBeAnswered", "7", LINE)],
            Reply::Empty,
        )
        .event(ev.established_incoming("7", CALLER))
        .expect(
            "ClearConnection",
            &[&conn_pattern("connectionToBeCleared", "7", LINE)],
            Reply::Empty,
        )
        .event(ev.connection_cleared("7"))
        .event(ev.call_cleared("7"))
        .start(&server, "000413100001");

    let (mut client, cross_ref) = client_monitoring(&server, "201");
    assert_ne!(
        cross_ref, "phone-11",
        "clients get the hub's cross reference"
    );

    let delivered = client.expect_event("DeliveredEvent", &cross_ref);
    let CstaMessage::DeliveredEvent(d) = delivered.message() else {
        unreachable!()
    };
    assert_eq!(d.connection.call_id.as_deref(), Some("7"));
    assert_eq!(party_id(&d.alerting_device), LINE);
    assert_eq!(party_id(&d.calling_device), CALLER);
    assert_eq!(
        d.local_connection_info,
        Some(LocalConnectionState::Alerting)
    );
    assert_eq!(
        snapshot(&mut client, "201"),
        [call("7", LINE, LocalConnectionState::Alerting)]
    );

    let answer = client.request(&csta(
        "AnswerCall",
        &connection("callToBeAnswered", "7", "201"),
    ));
    assert_eq!(answer.name(), "AnswerCallResponse", "{}", answer.xml);
    let established = client.expect_event("EstablishedEvent", &cross_ref);
    let CstaMessage::EstablishedEvent(e) = established.message() else {
        unreachable!()
    };
    assert_eq!(e.established_connection.call_id.as_deref(), Some("7"));
    assert_eq!(party_id(&e.answering_device), LINE);
    assert_eq!(
        snapshot(&mut client, "201"),
        [call("7", LINE, LocalConnectionState::Connected)],
        "during the call"
    );

    let clear = client.request(&csta(
        "ClearConnection",
        &connection("connectionToBeCleared", "7", "201"),
    ));
    assert_eq!(clear.name(), "ClearConnectionResponse", "{}", clear.xml);
    client.expect_event("ConnectionClearedEvent", &cross_ref);
    let cleared = client.expect_event("CallClearedEvent", &cross_ref);
    assert!(cleared.seq() > delivered.seq());
    assert_eq!(snapshot(&mut client, "201"), [], "after the call");

    phone.finish();
    let answers = phone.infos_named("AnswerCall");
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert!(
        answers[0].contains(&connection("callToBeAnswered", "7", LINE)),
        "the phone gets its own device form: {}",
        answers[0]
    );
    // The phone's session ends with the registration: the client hears the line go.
    client.expect_event("OutOfServiceEvent", &cross_ref);
}

#[test]
fn make_call_reaches_the_phone_in_its_own_device_form_and_the_client_gets_its_response_and_events()
{
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-21");
    let called = "sip:303@pbx.example";
    let mut phone = script
        .expect_monitor_start("phone-21")
        .expect(
            "MakeCall",
            &[
                &xml_pattern(&format!("<callingDevice>{LINE}</callingDevice>")),
                &xml_pattern("<calledDirectoryNumber>303</calledDirectoryNumber>"),
            ],
            Reply::Body(doc(
                scenario::ED5,
                "MakeCallResponse",
                &connection("callingDevice", "21", LINE),
            )),
        )
        .event(ev.service_initiated("21", "makeCall"))
        .event(ev.originated("21", called))
        .event(ev.delivered_outgoing("21", called))
        .event(ev.established_outgoing("21", called))
        .start(&server, "000413100002");
    let (mut client, cross_ref) = client_monitoring(&server, "201");

    let response = client.request(&csta(
        "MakeCall",
        "<callingDevice>201</callingDevice><calledDirectoryNumber>303</calledDirectoryNumber><autoOriginate>doNotPrompt</autoOriginate>",
    ));
    let CstaMessage::MakeCallResponse(made) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(made.calling_device.call_id.as_deref(), Some("21"));
    assert_eq!(made.calling_device.device_id.unwrap().as_str(), LINE);
    // The events follow in the phone's order. (They may overtake the response: the phone
    // sends them right after its 200, and CSTA lets acknowledgements arrive asynchronously
    // (ECMA TR/68); under load about one MakeCall in five shows it here.)
    for name in [
        "ServiceInitiatedEvent",
        "OriginatedEvent",
        "DeliveredEvent",
        "EstablishedEvent",
    ] {
        let event = client.expect_event(name, &cross_ref);
        assert!(event.xml.contains("<callID>21</callID>"), "{}", event.xml);
    }
    assert_eq!(
        snapshot(&mut client, "201"),
        [call("21", LINE, LocalConnectionState::Connected)]
    );

    phone.finish();
    let make = phone.infos_named("MakeCall");
    assert_eq!(make.len(), 1, "{make:?}");
    assert!(
        make[0].contains(&format!("<callingDevice>{LINE}</callingDevice>"))
            && make[0].contains("<calledDirectoryNumber>303</calledDirectoryNumber>"),
        "{}",
        make[0]
    );
}

#[test]
fn hold_and_retrieve_are_answered_from_empty_200s_and_followed_by_held_and_retrieved() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-31");
    let mut phone = script
        .expect_monitor_start("phone-31")
        .event(ev.delivered_incoming("31", CALLER))
        .event(ev.established_incoming("31", CALLER))
        .expect(
            "HoldCall",
            &[&conn_pattern("callToBeHeld", "31", LINE)],
            Reply::Empty,
        )
        .event(ev.held("31"))
        .expect(
            "RetrieveCall",
            &[&conn_pattern("callToBeRetrieved", "31", LINE)],
            Reply::Empty,
        )
        .event(ev.retrieved("31"))
        .start(&server, "000413100003");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    client.expect_event("DeliveredEvent", &cross_ref);
    client.expect_event("EstablishedEvent", &cross_ref);

    let hold = client.request(&csta("HoldCall", &connection("callToBeHeld", "31", "201")));
    assert_eq!(hold.name(), "HoldCallResponse", "{}", hold.xml);
    let held = client.expect_event("HeldEvent", &cross_ref);
    let CstaMessage::HeldEvent(h) = held.message() else {
        unreachable!()
    };
    assert_eq!(h.held_connection.call_id.as_deref(), Some("31"));
    assert_eq!(party_id(&h.holding_device), LINE);
    assert_eq!(
        snapshot(&mut client, "201"),
        [call("31", LINE, LocalConnectionState::Hold)]
    );

    let retrieve = client.request(&csta(
        "RetrieveCall",
        &connection("callToBeRetrieved", "31", "201"),
    ));
    assert_eq!(retrieve.name(), "RetrieveCallResponse", "{}", retrieve.xml);
    client.expect_event("RetrievedEvent", &cross_ref);
    assert_eq!(
        snapshot(&mut client, "201"),
        [call("31", LINE, LocalConnectionState::Connected)]
    );
    phone.finish();
}

#[test]
fn a_consultation_call_then_transfer_follows_both_calls_until_the_line_is_idle() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-41");
    let consulted = "sip:304@pbx.example";
    let mut phone = script
        .expect_monitor_start("phone-41")
        .event(ev.delivered_incoming("41", CALLER))
        .event(ev.established_incoming("41", CALLER))
        .expect(
            "ConsultationCall",
            &[
                &conn_pattern("existingCall", "41", LINE),
                &xml_pattern("<consultedDevice>304</consultedDevice>"),
            ],
            Reply::Body(doc(
                scenario::ED5,
                "ConsultationCallResponse",
                &connection("initiatedCall", "42", LINE),
            )),
        )
        .event(ev.held("41"))
        .event(ev.service_initiated("42", "consultation"))
        .event(ev.originated("42", consulted))
        .event(ev.delivered_outgoing("42", consulted))
        .event(ev.established_outgoing("42", consulted))
        .expect(
            "TransferCall",
            &[
                &conn_pattern("heldCall", "41", LINE),
                &conn_pattern("activeCall", "42", LINE),
            ],
            Reply::Body(doc(
                scenario::ED5,
                "TransferCallResponse",
                &connection("transferredCall", "42", LINE),
            )),
        )
        .event(ev.transferred("TransferredEvent", "41", Some("42"), consulted, "transfer"))
        .event(ev.connection_cleared("41"))
        .start(&server, "000413100004");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    client.expect_event("DeliveredEvent", &cross_ref);
    client.expect_event("EstablishedEvent", &cross_ref);

    let consult = client.request(&csta(
        "ConsultationCall",
        &format!(
            "{}<consultedDevice>304</consultedDevice>",
            connection("existingCall", "41", "201")
        ),
    ));
    let CstaMessage::ConsultationCallResponse(c) = consult.message() else {
        panic!("{}", consult.xml)
    };
    assert_eq!(c.initiated_call.call_id.as_deref(), Some("42"));
    let held = client.expect_event("HeldEvent", &cross_ref);
    assert!(
        matches!(held.message(), CstaMessage::HeldEvent(h) if h.held_connection.call_id.as_deref() == Some("41"))
    );
    for name in [
        "ServiceInitiatedEvent",
        "OriginatedEvent",
        "DeliveredEvent",
        "EstablishedEvent",
    ] {
        let event = client.expect_event(name, &cross_ref);
        assert!(event.xml.contains("<callID>42</callID>"), "{}", event.xml);
    }
    assert_eq!(
        snapshot(&mut client, "201"),
        [
            call("41", LINE, LocalConnectionState::Hold),
            call("42", LINE, LocalConnectionState::Connected)
        ]
    );

    let transfer = client.request(&csta(
        "TransferCall",
        &format!(
            "{}{}",
            connection("heldCall", "41", "201"),
            connection("activeCall", "42", "201")
        ),
    ));
    assert_eq!(transfer.name(), "TransferCallResponse", "{}", transfer.xml);
    let transferred = client.expect_event("TransferredEvent", &cross_ref);
    let CstaMessage::TransferredEvent(t) = transferred.message() else {
        unreachable!()
    };
    assert_eq!(t.primary_old_call.call_id.as_deref(), Some("41"));
    assert_eq!(
        t.secondary_old_call.and_then(|c| c.call_id).as_deref(),
        Some("42")
    );
    assert_eq!(party_id(&t.transferred_to_device), consulted);
    client.expect_event("ConnectionClearedEvent", &cross_ref);
    assert_eq!(snapshot(&mut client, "201"), [], "both calls left the line");
    phone.finish();
}

#[test]
fn conference_call_joins_the_held_and_the_active_call() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-51");
    let other = "sip:305@pbx.example";
    let conference = "51|52";
    let mut phone = script
        .expect_monitor_start("phone-51")
        .event(ev.delivered_incoming("51", CALLER))
        .event(ev.established_incoming("51", CALLER))
        .event(ev.held("51"))
        .event(ev.service_initiated("52", "newCall"))
        .event(ev.originated("52", other))
        .event(ev.established_outgoing("52", other))
        .expect(
            "ConferenceCall",
            &[
                &conn_pattern("heldCall", "51", LINE),
                &conn_pattern("activeCall", "52", LINE),
            ],
            Reply::Body(doc(
                scenario::ED5,
                "ConferenceCallResponse",
                &connection("conferenceCall", conference, LINE),
            )),
        )
        .event(ev.conferenced("51", "52", conference, CALLER, other))
        .start(&server, "000413100005");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    for name in [
        "DeliveredEvent",
        "EstablishedEvent",
        "HeldEvent",
        "ServiceInitiatedEvent",
        "OriginatedEvent",
        "EstablishedEvent",
    ] {
        client.expect_event(name, &cross_ref);
    }
    let response = client.request(&csta(
        "ConferenceCall",
        &format!(
            "{}{}",
            connection("heldCall", "51", "201"),
            connection("activeCall", "52", "201")
        ),
    ));
    let CstaMessage::ConferenceCallResponse(r) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(r.conference_call.call_id.as_deref(), Some(conference));
    let conferenced = client.expect_event("ConferencedEvent", &cross_ref);
    let CstaMessage::ConferencedEvent(c) = conferenced.message() else {
        unreachable!()
    };
    assert_eq!(party_id(&c.added_party), other);
    assert_eq!(c.conference_connections.len(), 3, "{}", conferenced.xml);
    assert_eq!(
        snapshot(&mut client, "201"),
        [call(conference, LINE, LocalConnectionState::Connected)],
        "one conference call instead of the two calls"
    );
    phone.finish();
}

#[test]
fn deflect_call_diverts_the_ringing_call_away_from_the_line() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-61");
    let target = "sip:306@pbx.example";
    let mut phone = script
        .expect_monitor_start("phone-61")
        .event(ev.delivered_incoming("61", CALLER))
        .expect(
            "DeflectCall",
            &[
                &conn_pattern("callToBeDiverted", "61", LINE),
                &xml_pattern("<newDestination>306</newDestination>"),
            ],
            Reply::Empty,
        )
        .event(ev.diverted("61", target))
        .start(&server, "000413100006");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    client.expect_event("DeliveredEvent", &cross_ref);
    assert_eq!(snapshot(&mut client, "201").len(), 1);
    let response = client.request(&csta(
        "DeflectCall",
        &format!(
            "{}<newDestination>306</newDestination>",
            connection("callToBeDiverted", "61", "201")
        ),
    ));
    assert_eq!(response.name(), "DeflectCallResponse", "{}", response.xml);
    let diverted = client.expect_event("DivertedEvent", &cross_ref);
    let CstaMessage::DivertedEvent(d) = diverted.message() else {
        unreachable!()
    };
    assert_eq!(party_id(&d.new_destination), target);
    assert_eq!(party_id(&d.diverting_device), LINE);
    assert_eq!(snapshot(&mut client, "201"), [], "the call left the line");
    phone.finish();
}

#[test]
fn single_step_transfer_hands_the_call_over_and_reports_transferred() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-71");
    let mut phone = script
        .expect_monitor_start("phone-71")
        .event(ev.delivered_incoming("71", CALLER))
        .event(ev.established_incoming("71", CALLER))
        .expect(
            "SingleStepTransferCall",
            &[
                &conn_pattern("activeCall", "71", LINE),
                &xml_pattern("<transferredTo>307</transferredTo>"),
            ],
            Reply::Body(doc(
                scenario::ED5,
                "SingleStepTransferCallResponse",
                &connection("transferredCall", "71", "307"),
            )),
        )
        .event(ev.transferred(
            "TransferredEvent",
            "71",
            None,
            "sip:307@pbx.example",
            "singleStepTransfer",
        ))
        .start(&server, "000413100007");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    client.expect_event("DeliveredEvent", &cross_ref);
    client.expect_event("EstablishedEvent", &cross_ref);
    let response = client.request(&csta(
        "SingleStepTransferCall",
        &format!(
            "{}<transferredTo>307</transferredTo>",
            connection("activeCall", "71", "201")
        ),
    ));
    let CstaMessage::SingleStepTransferCallResponse(r) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(r.transferred_call.call_id.as_deref(), Some("71"));
    let transferred = client.expect_event("TransferredEvent", &cross_ref);
    assert!(
        transferred
            .xml
            .contains("<cause>singleStepTransfer</cause>"),
        "{}",
        transferred.xml
    );
    assert_eq!(snapshot(&mut client, "201"), []);
    phone.finish();
}

#[test]
fn do_not_disturb_forwarding_and_message_waiting_are_set_reported_and_read_back() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-81");
    let ns = scenario::ED5;
    let device = xml_pattern(&format!("<device>{LINE}</device>"));
    let mut phone = script
        .expect_monitor_start("phone-81")
        .expect(
            "SetDoNotDisturb",
            &[&device, &xml_pattern("<doNotDisturbOn>true</doNotDisturbOn>")],
            Reply::Empty,
        )
        .event(ev.do_not_disturb(true))
        .expect(
            "GetDoNotDisturb",
            &[&device],
            Reply::Body(doc(
                ns,
                "GetDoNotDisturbResponse",
                "<doNotDisturbOn>true</doNotDisturbOn>",
            )),
        )
        .expect(
            "SetForwarding",
            &[
                &device,
                &xml_pattern("<forwardingType>forwardImmediate</forwardingType>"),
                &xml_pattern("<activateForward>true</activateForward>"),
                &xml_pattern("<forwardDN>308</forwardDN>"),
            ],
            Reply::Empty,
        )
        .event(ev.forwarding("forwardImmediate", true, "tel:308"))
        .expect(
            "GetForwarding",
            &[&device],
            Reply::Body(doc(
                ns,
                "GetForwardingResponse",
                "<forwardingList><forwardListItem><forwardingType>forwardImmediate</forwardingType><forwardStatus>true</forwardStatus><forwardDN>tel:308</forwardDN></forwardListItem><forwardListItem><forwardingType>forwardBusy</forwardingType><forwardStatus>false</forwardStatus><forwardDN>tel:</forwardDN></forwardListItem></forwardingList>",
            )),
        )
        .expect(
            "SetMessageWaitingIndicator",
            &[
                &device,
                &xml_pattern("<messageWaitingOn>true</messageWaitingOn>"),
            ],
            Reply::Empty,
        )
        .event(ev.message_waiting(true))
        .expect(
            "GetMessageWaitingIndicator",
            &[&device],
            Reply::Body(doc(
                ns,
                "GetMessageWaitingIndicatorResponse",
                "<messageWaitingOn>true</messageWaitingOn>",
            )),
        )
        .start(&server, "000413100008");
    let (mut client, cross_ref) = client_monitoring(&server, "201");

    let set = client.request(&csta(
        "SetDoNotDisturb",
        "<device>201</device><doNotDisturbOn>true</doNotDisturbOn>",
    ));
    assert_eq!(set.name(), "SetDoNotDisturbResponse", "{}", set.xml);
    let event = client.expect_event("DoNotDisturbEvent", &cross_ref);
    assert!(
        matches!(event.message(), CstaMessage::DoNotDisturbEvent(e) if e.do_not_disturb_on && party_id(&e.device) == LINE)
    );
    let get = client.request(&csta("GetDoNotDisturb", "<device>201</device>"));
    assert!(
        matches!(get.message(), CstaMessage::GetDoNotDisturbResponse(r) if r.do_not_disturb_on),
        "{}",
        get.xml
    );

    let set = client.request(&csta(
        "SetForwarding",
        "<device>201</device><forwardingType>forwardImmediate</forwardingType><activateForward>true</activateForward><forwardDN>308</forwardDN>",
    ));
    assert_eq!(set.name(), "SetForwardingResponse", "{}", set.xml);
    let event = client.expect_event("ForwardingEvent", &cross_ref);
    let CstaMessage::ForwardingEvent(f) = event.message() else {
        unreachable!()
    };
    assert!(f.forward_status);
    assert_eq!(f.forward_to.unwrap().as_str(), "tel:308");
    let get = client.request(&csta("GetForwarding", "<device>201</device>"));
    let CstaMessage::GetForwardingResponse(list) = get.message() else {
        panic!("{}", get.xml)
    };
    assert_eq!(list.forwarding_list.len(), 2, "{}", get.xml);
    assert!(list.forwarding_list[0].forward_status);
    assert_eq!(
        list.forwarding_list[0]
            .forward_dn
            .as_ref()
            .unwrap()
            .as_str(),
        "tel:308"
    );

    let set = client.request(&csta(
        "SetMessageWaitingIndicator",
        "<device>201</device><messageWaitingOn>true</messageWaitingOn>",
    ));
    assert_eq!(
        set.name(),
        "SetMessageWaitingIndicatorResponse",
        "{}",
        set.xml
    );
    let event = client.expect_event("MessageWaitingEvent", &cross_ref);
    assert!(matches!(event.message(), CstaMessage::MessageWaitingEvent(e) if e.message_waiting_on));
    let get = client.request(&csta("GetMessageWaitingIndicator", "<device>201</device>"));
    assert!(
        matches!(get.message(), CstaMessage::GetMessageWaitingIndicatorResponse(r) if r.message_waiting_on),
        "{}",
        get.xml
    );
    phone.finish();
}

#[test]
fn a_yealink_with_its_quirks_is_driven_like_any_phone() {
    // No SystemRegister at start-up (the scenario fails on one), identities with the registrar
    // port, responses in `www.ecmainternational.org` (or ed3 for GetDoNotDisturb), positive
    // responses with a body even for HoldCall, and the misspelt `TransferedEvent`.
    let server = server();
    let script = Script::yealink();
    assert_eq!(script.vendor(), Vendor::Yealink);
    let me = script.me();
    assert_eq!(me, "sip:201@pbx.example:5060");
    let ev = script.events("1");
    let yealink = scenario::YEALINK_NS;
    let target = "sip:309@pbx.example";
    let mut phone = script
        .expect_monitor_start("1")
        .expect(
            "MakeCall",
            &[&xml_pattern(&format!("<callingDevice>{me}</callingDevice>"))],
            Reply::Body(doc(
                scenario::ED5,
                "MakeCallResponse",
                &connection("callingDevice", "91", &me),
            )),
        )
        .event(ev.service_initiated("91", "makeCall"))
        .event(ev.originated("91", CALLER))
        .event(ev.delivered_outgoing("91", CALLER))
        .event(ev.established_outgoing("91", CALLER))
        .expect(
            "HoldCall",
            &[&conn_pattern("callToBeHeld", "91", &me)],
            Reply::Body(doc(scenario::ED5, "HoldCallResponse", "")),
        )
        .event(ev.held("91"))
        .expect(
            "GetForwarding",
            &[&xml_pattern(&format!("<device>{me}</device>"))],
            Reply::Body(doc(
                yealink,
                "GetForwardingResponse",
                "<forwardingList><forwardListItem><forwardingType>forwardImmediate</forwardingType><forwardStatus>false</forwardStatus><forwardDN>tel:</forwardDN></forwardListItem><forwardListItem><forwardingType>forwardBusy</forwardingType><forwardStatus>false</forwardStatus><forwardDN>tel:</forwardDN></forwardListItem><forwardListItem><forwardingType>forwardNoAns</forwardingType><forwardStatus>true</forwardStatus><forwardDN>tel:310</forwardDN><ringDuration>20</ringDuration></forwardListItem></forwardingList>",
            )),
        )
        .expect(
            "GetDoNotDisturb",
            &[&xml_pattern(&format!("<device>{me}</device>"))],
            Reply::Body(doc(
                scenario::ED3,
                "GetDoNotDisturbResponse",
                "<doNotDisturbOn>false</doNotDisturbOn>",
            )),
        )
        .expect(
            "RetrieveCall",
            &[&conn_pattern("callToBeRetrieved", "91", &me)],
            Reply::Body(doc(scenario::ED5, "RetrieveCallResponse", "")),
        )
        .event(ev.retrieved("91"))
        .expect(
            "SingleStepTransferCall",
            &[
                &conn_pattern("activeCall", "91", &me),
                &xml_pattern("<transferredTo>309</transferredTo>"),
            ],
            Reply::Body(doc(
                scenario::ED5,
                "SingleStepTransferCallResponse",
                &connection("transferredCall", "91", "309"),
            )),
        )
        .event(ev.transferred(
            "TransferedEvent",
            "91",
            None,
            target,
            "singleStepTransfer",
        ))
        .start(&server, "001565100009");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    server.wait_for_phone("001565100009", "a Yealink", |p| p["vendor"] == "Yealink");

    let response = client.request(&csta(
        "MakeCall",
        "<callingDevice>201</callingDevice><calledDirectoryNumber>302</calledDirectoryNumber>",
    ));
    assert_eq!(response.name(), "MakeCallResponse", "{}", response.xml);
    for name in [
        "ServiceInitiatedEvent",
        "OriginatedEvent",
        "DeliveredEvent",
        "EstablishedEvent",
    ] {
        client.expect_event(name, &cross_ref);
    }
    let hold = client.request(&csta("HoldCall", &connection("callToBeHeld", "91", "201")));
    assert_eq!(hold.name(), "HoldCallResponse", "{}", hold.xml);
    client.expect_event("HeldEvent", &cross_ref);
    assert_eq!(
        snapshot(&mut client, "201"),
        [call("91", &me, LocalConnectionState::Hold)]
    );

    // Responses reach the client in the standard ed5 namespace, whatever the phone wrote.
    let forwarding = client.request(&csta("GetForwarding", "<device>201</device>"));
    assert!(
        forwarding
            .xml
            .contains(&format!("xmlns=\"{}\"", cti_client::ED5)),
        "{}",
        forwarding.xml
    );
    let CstaMessage::GetForwardingResponse(list) = forwarding.message() else {
        panic!("{}", forwarding.xml)
    };
    assert_eq!(list.forwarding_list.len(), 3, "{}", forwarding.xml);
    assert!(list.forwarding_list[2].forward_status);
    assert_eq!(list.forwarding_list[2].ring_duration, Some(20));
    let dnd = client.request(&csta("GetDoNotDisturb", "<device>201</device>"));
    assert!(
        matches!(dnd.message(), CstaMessage::GetDoNotDisturbResponse(r) if !r.do_not_disturb_on),
        "{}",
        dnd.xml
    );
    assert!(dnd.xml.contains(cti_client::ED5), "{}", dnd.xml);

    let retrieve = client.request(&csta(
        "RetrieveCall",
        &connection("callToBeRetrieved", "91", "201"),
    ));
    assert_eq!(retrieve.name(), "RetrieveCallResponse", "{}", retrieve.xml);
    client.expect_event("RetrievedEvent", &cross_ref);
    let transfer = client.request(&csta(
        "SingleStepTransferCall",
        &format!(
            "{}<transferredTo>309</transferredTo>",
            connection("activeCall", "91", "201")
        ),
    ));
    assert_eq!(
        transfer.name(),
        "SingleStepTransferCallResponse",
        "{}",
        transfer.xml
    );
    // The misspelt event reaches the client under its standard name.
    let transferred = client.expect_event("TransferredEvent", &cross_ref);
    assert!(
        transferred.xml.contains("<TransferredEvent ") && !transferred.xml.contains("Transfered"),
        "{}",
        transferred.xml
    );
    let CstaMessage::TransferredEvent(t) = transferred.message() else {
        unreachable!()
    };
    assert_eq!(party_id(&t.transferred_to_device), target);
    assert_eq!(snapshot(&mut client, "201"), []);
    phone.finish();
    assert!(
        phone.infos_named("SystemRegister").is_empty(),
        "{:?}",
        phone.infos()
    );
}

#[test]
fn alternate_call_on_a_snom_is_emulated_with_hold_then_retrieve_and_answered_once() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-95");
    let second = "sip:311@pbx.example";
    let mut phone = script
        .expect_monitor_start("phone-95")
        // 93 on hold, 94 active.
        .event(ev.delivered_incoming("93", CALLER))
        .event(ev.established_incoming("93", CALLER))
        .event(ev.held("93"))
        .event(ev.delivered_incoming("94", second))
        .event(ev.established_incoming("94", second))
        // AlternateCall{held 93, active 94}: hold the active call, then retrieve the held one.
        .expect(
            "HoldCall",
            &[&conn_pattern("callToBeHeld", "94", LINE)],
            Reply::Empty,
        )
        .expect(
            "RetrieveCall",
            &[&conn_pattern("callToBeRetrieved", "93", LINE)],
            Reply::Empty,
        )
        .event(ev.held("94"))
        .event(ev.retrieved("93"))
        .start(&server, "000413100010");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    for _ in 0..5 {
        client.next_event();
    }
    assert_eq!(
        snapshot(&mut client, "201"),
        [
            call("93", LINE, LocalConnectionState::Hold),
            call("94", LINE, LocalConnectionState::Connected)
        ]
    );
    let response = client.request(&csta(
        "AlternateCall",
        &format!(
            "{}{}",
            connection("heldCall", "93", "201"),
            connection("activeCall", "94", "201")
        ),
    ));
    assert_eq!(response.name(), "AlternateCallResponse", "{}", response.xml);
    client.expect_event("HeldEvent", &cross_ref);
    client.expect_event("RetrievedEvent", &cross_ref);
    assert_eq!(
        snapshot(&mut client, "201"),
        [
            call("93", LINE, LocalConnectionState::Connected),
            call("94", LINE, LocalConnectionState::Hold)
        ],
        "(the snapshot's response is the next frame: no second AlternateCall answer came)"
    );
    phone.finish();
    let names: Vec<String> = phone
        .infos()
        .iter()
        .filter_map(|b| scenario::root_name(b).map(str::to_owned))
        .collect();
    assert_eq!(
        names,
        [
            "SystemRegister",
            "GetSwitchingFunctionDevices",
            "MonitorStart",
            "HoldCall",
            "RetrieveCall"
        ],
        "no AlternateCall reaches a snom"
    );
}

#[test]
fn services_the_model_cannot_do_are_refused_without_reaching_the_phone() {
    let server = server();
    let mut phone = Script::snom()
        .expect_monitor_start("phone-101")
        // The next INFO the phone gets must be this one: nothing unsupported came before it.
        .expect(
            "GetDoNotDisturb",
            &[&xml_pattern(&format!("<device>{LINE}</device>"))],
            Reply::Body(doc(
                scenario::ED5,
                "GetDoNotDisturbResponse",
                "<doNotDisturbOn>false</doNotDisturbOn>",
            )),
        )
        .start(&server, "000413100011");
    let (mut client, _) = client_monitoring(&server, "201");
    let dial = client.request(&csta(
        "DialDigits",
        &format!(
            "{}<diallingSequence>5</diallingSequence>",
            connection("diallingConnection", "101", "201")
        ),
    ));
    assert_eq!(dial.error(), "operation/serviceNotSupported");
    let pickup = client.request(&csta(
        "DirectedPickupCall",
        &format!(
            "{}<requestingDevice>201</requestingDevice>",
            connection("callToBePickedUp", "102", "sip:312@pbx.example")
        ),
    ));
    assert_eq!(pickup.error(), "operation/serviceNotSupported");
    let dnd = client.request(&csta("GetDoNotDisturb", "<device>201</device>"));
    assert_eq!(dnd.name(), "GetDoNotDisturbResponse", "{}", dnd.xml);
    phone.finish();
    let infos = phone.infos();
    assert_eq!(infos.len(), 4, "{infos:#?}");
    assert!(
        infos
            .iter()
            .all(|b| !b.contains("DialDigits") && !b.contains("DirectedPickupCall")),
        "{infos:#?}"
    );
}

#[test]
fn a_phone_that_goes_away_takes_its_line_out_of_service() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-111");
    let mut phone = script
        .expect_monitor_start("phone-111")
        .event(ev.delivered_incoming("111", CALLER))
        .until_killed()
        .start(&server, "000413100012");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    client.expect_event("DeliveredEvent", &cross_ref);
    assert_eq!(snapshot(&mut client, "201").len(), 1);

    phone.phone.kill();
    let gone = client.expect_event("OutOfServiceEvent", &cross_ref);
    let CstaMessage::OutOfServiceEvent(o) = gone.message() else {
        unreachable!()
    };
    assert_eq!(party_id(&o.device), LINE);
    assert_eq!(snapshot(&mut client, "201"), [], "its calls are forgotten");
    for request in [
        csta(
            "MakeCall",
            "<callingDevice>201</callingDevice><calledDirectoryNumber>302</calledDirectoryNumber>",
        ),
        csta("AnswerCall", &connection("callToBeAnswered", "111", "201")),
    ] {
        let refused = client.request(&request);
        assert_eq!(
            refused.error(),
            "systemResourceAvailability/deviceOutOfService",
            "{request}"
        );
    }

    // The client's monitor stays: when the phone registers again, the server starts the
    // phone's monitor anew (the phone gives a new cross reference), the client hears the line
    // come back under its old cross reference and gets the new dialog's events.
    let ev = Script::snom().events("phone-111b");
    let mut back = Script::snom()
        .expect_monitor_start("phone-111b")
        .event(ev.delivered_incoming("116", CALLER))
        .expect(
            "MonitorStop",
            &[&xml_pattern(
                "<monitorCrossRefID>phone-111b</monitorCrossRefID>",
            )],
            Reply::Empty,
        )
        .start(&server, "000413100012");
    let again = client.expect_event("BackInServiceEvent", &cross_ref);
    assert!(again.seq() > gone.seq());
    let delivered = client.expect_event("DeliveredEvent", &cross_ref);
    assert!(
        delivered.xml.contains("<callID>116</callID>"),
        "{}",
        delivered.xml
    );
    let stop = client.request(&csta(
        "MonitorStop",
        &format!("<monitorCrossRefID>{cross_ref}</monitorCrossRefID>"),
    ));
    assert_eq!(stop.name(), "MonitorStopResponse", "{}", stop.xml);
    back.finish();
}

#[test]
fn a_phone_that_stops_answering_fails_the_request_and_goes_out_of_service() {
    // sip.request_timeout = 1 s: the phone takes HoldCall and never answers.
    let server = Server::start(&[
        ("CALLBOARD_SIP__KEEPALIVE", "600"),
        ("CALLBOARD_SIP__REQUEST_TIMEOUT", "1"),
    ]);
    let script = Script::snom();
    let ev = script.events("phone-131");
    let _phone = script
        .expect_monitor_start("phone-131")
        .event(ev.delivered_incoming("131", CALLER))
        .event(ev.established_incoming("131", CALLER))
        .expect(
            "HoldCall",
            &[&conn_pattern("callToBeHeld", "131", LINE)],
            Reply::Never,
        )
        .until_killed()
        .start(&server, "000413100015");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    client.expect_event("DeliveredEvent", &cross_ref);
    client.expect_event("EstablishedEvent", &cross_ref);
    let started = Instant::now();
    let hold = client.request(&csta("HoldCall", &connection("callToBeHeld", "131", "201")));
    assert_eq!(
        hold.error(),
        "systemResourceAvailability/deviceOutOfService",
        "{}",
        hold.xml
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    client.expect_event("OutOfServiceEvent", &cross_ref);
    assert_eq!(snapshot(&mut client, "201"), []);
    let again = client.request(&csta("HoldCall", &connection("callToBeHeld", "131", "201")));
    assert_eq!(
        again.error(),
        "systemResourceAvailability/deviceOutOfService"
    );
    server.wait_for_log("phone did not answer; CSTA dialog is dead");
}

#[test]
fn refusals_by_the_phone_reach_the_client_as_csta_errors_and_the_line_stays() {
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-121");
    let mut phone = script
        .expect_monitor_start("phone-121")
        .event(ev.delivered_incoming("121", CALLER))
        .event(ev.established_incoming("121", CALLER))
        .expect(
            "HoldCall",
            &[],
            Reply::Body(doc(
                scenario::ED5,
                "CSTAErrorCode",
                "<stateIncompatibility>invalidConnectionState</stateIncompatibility>",
            )),
        )
        .expect(
            "RetrieveCall",
            &[],
            Reply::Status(488, "Not Acceptable Here"),
        )
        // AlternateCall: its first step (HoldCall) is refused, so no RetrieveCall follows;
        // the phone's next INFO is the client's GetDoNotDisturb.
        .expect(
            "HoldCall",
            &[&conn_pattern("callToBeHeld", "121", LINE)],
            Reply::Body(doc(
                scenario::ED5,
                "CSTAErrorCode",
                "<operation>generic</operation>",
            )),
        )
        .expect(
            "GetDoNotDisturb",
            &[],
            Reply::Body(doc(
                scenario::ED5,
                "GetDoNotDisturbResponse",
                "<doNotDisturbOn>false</doNotDisturbOn>",
            )),
        )
        .start(&server, "000413100016");
    let (mut client, cross_ref) = client_monitoring(&server, "201");
    client.expect_event("DeliveredEvent", &cross_ref);
    client.expect_event("EstablishedEvent", &cross_ref);

    let hold = client.request(&csta("HoldCall", &connection("callToBeHeld", "121", "201")));
    assert_eq!(hold.error(), "stateIncompatibility/invalidConnectionState");
    let retrieve = client.request(&csta(
        "RetrieveCall",
        &connection("callToBeRetrieved", "121", "201"),
    ));
    assert_eq!(
        retrieve.error(),
        "systemResourceAvailability/resourceOutOfService",
        "a SIP refusal of the INFO"
    );
    let alternate = client.request(&csta(
        "AlternateCall",
        &format!(
            "{}{}",
            connection("heldCall", "122", "201"),
            connection("activeCall", "121", "201")
        ),
    ));
    assert_eq!(alternate.error(), "operation/generic");
    let dnd = client.request(&csta("GetDoNotDisturb", "<device>201</device>"));
    assert_eq!(dnd.name(), "GetDoNotDisturbResponse", "{}", dnd.xml);
    assert_eq!(
        snapshot(&mut client, "201"),
        [call("121", LINE, LocalConnectionState::Connected)],
        "refused requests change nothing"
    );
    phone.finish();
}

#[test]
fn requests_sent_together_reach_the_phone_one_at_a_time_and_are_answered_by_invoke_id() {
    let server = server();
    let mut script = Script::snom().expect_monitor_start("phone-141");
    for _ in 0..3 {
        // Each answered after 100 ms: a second INFO meanwhile would fail the phone.
        script = script.expect(
            "(SetDoNotDisturb|SetForwarding|SetMessageWaitingIndicator)",
            &[&xml_pattern(&format!("<device>{LINE}</device>"))],
            Reply::EmptyAfter(100),
        );
    }
    let mut phone = script.start(&server, "000413100017");
    let (mut client, _) = client_monitoring(&server, "201");
    let requests = [
        (
            101,
            "SetDoNotDisturb",
            "<device>201</device><doNotDisturbOn>true</doNotDisturbOn>",
        ),
        (
            102,
            "SetForwarding",
            "<device>201</device><forwardingType>forwardBusy</forwardingType><activateForward>true</activateForward><forwardDN>313</forwardDN>",
        ),
        (
            103,
            "SetMessageWaitingIndicator",
            "<device>201</device><messageWaitingOn>false</messageWaitingOn>",
        ),
    ];
    for (invoke, name, inner) in requests {
        client.send(invoke, &csta(name, inner));
    }
    let mut answered: Vec<(u16, String)> = (0..3)
        .map(|_| {
            let response = client.next_response();
            (response.invoke, response.name())
        })
        .collect();
    answered.sort();
    assert_eq!(
        answered,
        requests.map(|(invoke, name, _)| (invoke, format!("{name}Response")))
    );
    phone.finish();
    let mut names: Vec<String> = phone
        .infos()
        .iter()
        .filter_map(|b| scenario::root_name(b).map(str::to_owned))
        .skip(3)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "SetDoNotDisturb",
            "SetForwarding",
            "SetMessageWaitingIndicator"
        ]
    );
}

#[test]
fn a_leaving_client_keeps_the_phones_monitor_and_the_last_monitor_stop_ends_it() {
    let server = server();
    let mut phone = Script::snom()
        .expect_monitor_start("phone-112")
        // While a client still monitors the line, no MonitorStop: the next INFO is this.
        .expect(
            "GetDoNotDisturb",
            &[],
            Reply::Body(doc(
                scenario::ED5,
                "GetDoNotDisturbResponse",
                "<doNotDisturbOn>false</doNotDisturbOn>",
            )),
        )
        .expect(
            "MonitorStop",
            &[&xml_pattern(
                "<monitorCrossRefID>phone-112</monitorCrossRefID>",
            )],
            Reply::Empty,
        )
        .start(&server, "000413100013");
    let (first, cross_ref) = client_monitoring(&server, "201");
    let mut second = CtiClient::login(server.cti_tcp);
    assert_eq!(
        second.monitor("sip:201@pbx.example"),
        cross_ref,
        "one cross reference per line"
    );

    // The first client leaves (its session ends, releasing its monitor): the phone's monitor
    // stays for the second, so the phone's next INFO is the second client's request.
    first.stop_session();
    // A snapshot is answered by the hub after it has handled the session's end, so a
    // MonitorStop it might (wrongly) send would be in the phone's queue before the request
    // that follows.
    snapshot(&mut second, "201");
    let dnd = second.request(&csta("GetDoNotDisturb", "<device>201</device>"));
    assert_eq!(dnd.name(), "GetDoNotDisturbResponse", "{}", dnd.xml);
    let stop = second.request(&csta(
        "MonitorStop",
        &format!("<monitorCrossRefID>{cross_ref}</monitorCrossRefID>"),
    ));
    assert_eq!(stop.name(), "MonitorStopResponse", "{}", stop.xml);
    let stops = phone.wait_for_infos("MonitorStop", 1);
    assert!(
        stops[0].contains("<monitorCrossRefID>phone-112</monitorCrossRefID>"),
        "the phone's own cross reference: {}",
        stops[0]
    );
    phone.finish();
    assert_eq!(phone.infos_named("MonitorStop").len(), 1);
    assert_eq!(phone.infos_named("MonitorStart").len(), 1);
}

#[test]
fn the_monitor_start_response_reaches_the_client_before_the_lines_events() {
    // The listener asks the hub for the cross reference, queues the MonitorStartResponse, and
    // only then subscribes (which starts the phone's monitor); the writer sends queued responses
    // before events, so the line's events (BackInService first) can never overtake it.
    const CYCLES: usize = 100;
    let server = server();
    let script = Script::snom();
    let ev = script.events("phone-c");
    let mut phone = script
        .repeat(CYCLES as u32, |s| {
            s.expect_monitor_start("phone-c")
                .event(ev.delivered_incoming("c1", CALLER))
                .expect(
                    "MonitorStop",
                    &[&xml_pattern(
                        "<monitorCrossRefID>phone-c</monitorCrossRefID>",
                    )],
                    Reply::Empty,
                )
        })
        .start(&server, "000413100014");
    let mut client = CtiClient::login(server.cti_tcp);
    wait_for_line(&mut client, &server, "201");
    let mut early = Vec::new();
    for i in 0..CYCLES {
        let (cross_ref, back_early) = client.monitor_ordered("201");
        let delivered = client.expect_event("DeliveredEvent", &cross_ref);
        if back_early || delivered.before_response {
            early.push(format!(
                "cycle {i}: BackInService early: {back_early}, Delivered early: {}",
                delivered.before_response
            ));
        }
        let stop = client.request(&csta(
            "MonitorStop",
            &format!("<monitorCrossRefID>{cross_ref}</monitorCrossRefID>"),
        ));
        assert_eq!(stop.name(), "MonitorStopResponse", "{}", stop.xml);
        // The next MonitorStart must not overtake this cycle's MonitorStop at the phone.
        phone.wait_for_infos("MonitorStop", i + 1);
    }
    phone.finish();
    assert!(
        early.is_empty(),
        "{} of {CYCLES} MonitorStarts: events before the response:\n{}",
        early.len(),
        early.join("\n")
    );
}
