//! CSTA services on simulated lines through a real hub (no autonomous traffic): the events
//! each produces at every line, the hub's snapshots afterwards, and the errors.

mod common;

use common::{Bench, check_sequences, conn, dev, settings};
use csta_proto::{
    AlternateCall, AnswerCall, ClearConnection, ConferenceCall, ConnectionId, ConsultationCall,
    CstaError, CstaMessage, DeflectCall, DeviceId, DialDigits, DirectedPickupCall, EventCause,
    ForwardingType, GenerateDigits, GetDoNotDisturb, GetForwarding, GetMessageWaitingIndicator,
    HoldCall, LocalConnectionState as S, MakeCall, Party, ReconnectCall, RetrieveCall,
    SetDoNotDisturb, SetForwarding, SetMessageWaitingIndicator, SingleStepConferenceCall,
    SingleStepTransferCall, TransferCall,
};

async fn bench() -> Bench {
    let lines: Vec<String> = (201..=205).map(|n| n.to_string()).collect();
    Bench::start(settings("201-205", 0.0, 1), &lines).await
}

fn make_call(from: &str, to: &str) -> MakeCall {
    MakeCall {
        calling_device: DeviceId::new(from),
        called_directory_number: DeviceId::new(to),
        auto_originate: None,
    }
}

/// MakeCall; returns the new call ID.
async fn call(bench: &Bench, from: &str, to: &str) -> String {
    match bench.request(make_call(from, to)).await.unwrap() {
        CstaMessage::MakeCallResponse(r) => {
            assert_eq!(r.calling_device.device_id, Some(DeviceId::new(dev(from))));
            r.calling_device.call_id.unwrap()
        }
        other => panic!("{other:?}"),
    }
}

/// A call from `from` to `to`, answered (auto-answer takes at most 3 s).
async fn talking(bench: &Bench, from: &str, to: &str) -> String {
    let id = call(bench, from, to).await;
    bench.wait(4.0).await;
    assert_eq!(bench.snapshot(from).await, [(id.clone(), S::Connected)]);
    id
}

fn local(event: &CstaMessage) -> Option<S> {
    use CstaMessage as M;
    match event {
        M::ServiceInitiatedEvent(e) => e.local_connection_info.clone(),
        M::OriginatedEvent(e) => e.local_connection_info.clone(),
        M::DeliveredEvent(e) => e.local_connection_info.clone(),
        M::EstablishedEvent(e) => e.local_connection_info.clone(),
        M::HeldEvent(e) => e.local_connection_info.clone(),
        M::RetrievedEvent(e) => e.local_connection_info.clone(),
        M::ConnectionClearedEvent(e) => e.local_connection_info.clone(),
        M::FailedEvent(e) => e.local_connection_info.clone(),
        M::NetworkReachedEvent(e) => e.local_connection_info.clone(),
        M::DivertedEvent(e) => e.local_connection_info.clone(),
        M::TransferredEvent(e) => e.local_connection_info.clone(),
        M::ConferencedEvent(e) => e.local_connection_info.clone(),
        _ => None,
    }
}

/// (event name, localConnectionInfo) of a line's events.
fn seen(bench: &Bench, line: &str) -> Vec<(String, Option<S>)> {
    bench
        .events(line)
        .iter()
        .map(|e| (e.name().to_owned(), local(e)))
        .collect()
}

fn ev(name: &str, state: S) -> (String, Option<S>) {
    (name.to_owned(), Some(state))
}

#[tokio::test(start_paused = true)]
async fn make_call_rings_the_callee_which_answers() {
    let bench = bench().await;
    let id = call(&bench, "201", "202").await;
    bench.wait(4.0).await;
    assert_eq!(
        seen(&bench, "201"),
        [
            ev("ServiceInitiatedEvent", S::Initiated),
            ev("OriginatedEvent", S::Connected),
            ev("DeliveredEvent", S::Connected),
            ev("EstablishedEvent", S::Connected),
        ]
    );
    assert_eq!(
        seen(&bench, "202"),
        [
            ev("DeliveredEvent", S::Alerting),
            ev("EstablishedEvent", S::Connected)
        ]
    );
    for (_, event) in bench.all().iter().filter(|(_, e)| e.is_event()) {
        if let Some(call) = common::call_id(event) {
            assert_eq!(call, id, "one call ID at both lines");
        }
    }
    let CstaMessage::ServiceInitiatedEvent(initiated) = &bench.events("201")[0] else {
        panic!()
    };
    assert_eq!(initiated.cause, Some(EventCause::MakeCall));
    let CstaMessage::DeliveredEvent(delivered) = &bench.events("202")[0] else {
        panic!()
    };
    assert_eq!(delivered.calling_device, Party::device(dev("201")));
    assert_eq!(delivered.alerting_device, Party::device(dev("202")));
    assert_eq!(bench.snapshot("202").await, [(id.clone(), S::Connected)]);

    // The far end never hangs up a client's call: the client clears it.
    bench.wait(600.0).await;
    assert_eq!(bench.snapshot("201").await, [(id.clone(), S::Connected)]);
    bench
        .request(ClearConnection {
            connection_to_be_cleared: conn(&id, "201"),
            reason: None,
        })
        .await
        .unwrap();
    bench.wait(0.1).await;
    assert_eq!(
        seen(&bench, "201")[4..],
        [ev("ConnectionClearedEvent", S::Null)]
    );
    assert_eq!(
        seen(&bench, "202")[2..],
        [
            ev("ConnectionClearedEvent", S::Connected),
            ev("ConnectionClearedEvent", S::Null),
            ("CallClearedEvent".into(), None),
        ]
    );
    assert_eq!(bench.snapshot("201").await, []);
    assert_eq!(bench.snapshot("202").await, []);
    check_sequences(&bench.everything(), true).unwrap();
}

#[tokio::test(start_paused = true)]
async fn answer_call_answers_a_ringing_line_and_refuses_otherwise() {
    let bench = bench().await;
    let id = call(&bench, "201", "202").await;
    bench.wait(0.7).await;
    assert_eq!(bench.snapshot("202").await, [(id.clone(), S::Alerting)]);
    let answer = |call: Option<&str>, line: &str| AnswerCall {
        call_to_be_answered: ConnectionId {
            call_id: call.map(str::to_owned),
            device_id: Some(DeviceId::new(line)),
        },
    };
    assert_eq!(
        bench.request(answer(None, "203")).await,
        Err(CstaError::no_call_to_answer())
    );
    assert_eq!(
        bench.request(answer(Some("999"), "202")).await,
        Err(CstaError::invalid_call_id())
    );
    assert_eq!(
        bench.request(answer(Some(&id), "203")).await,
        Err(CstaError::invalid_connection_id())
    );
    assert_eq!(
        bench.request(answer(Some(&id), "201")).await,
        Err(CstaError::no_call_to_answer()),
        "the caller has nothing to answer"
    );
    let answered = bench.request(answer(Some(&id), "202")).await.unwrap();
    assert_eq!(answered.name(), "AnswerCallResponse");
    assert_eq!(bench.snapshot("202").await, [(id.clone(), S::Connected)]);
    bench.wait(5.0).await;
    assert_eq!(
        seen(&bench, "202"),
        [
            ev("DeliveredEvent", S::Alerting),
            ev("EstablishedEvent", S::Connected)
        ],
        "answered once, the automatic answer came too late"
    );
    assert_eq!(
        bench.request(answer(Some(&id), "202")).await,
        Err(CstaError::no_call_to_answer())
    );
}

#[tokio::test(start_paused = true)]
async fn hold_and_retrieve() {
    let bench = bench().await;
    let id = talking(&bench, "201", "202").await;
    bench.clear();
    let hold = HoldCall {
        call_to_be_held: conn(&id, "201"),
        connection_reservation: None,
    };
    bench.request(hold.clone()).await.unwrap();
    assert_eq!(bench.snapshot("201").await, [(id.clone(), S::Hold)]);
    assert_eq!(bench.request(hold).await, Err(CstaError::no_active_call()));
    let retrieve = RetrieveCall {
        call_to_be_retrieved: conn(&id, "201"),
    };
    bench.request(retrieve.clone()).await.unwrap();
    assert_eq!(
        bench.request(retrieve).await,
        Err(CstaError::no_held_call())
    );
    bench.wait(0.1).await;
    assert_eq!(
        seen(&bench, "201"),
        [ev("HeldEvent", S::Hold), ev("RetrievedEvent", S::Connected)]
    );
    assert_eq!(
        seen(&bench, "202"),
        [
            ev("HeldEvent", S::Connected),
            ev("RetrievedEvent", S::Connected)
        ]
    );
    assert_eq!(bench.snapshot("201").await, [(id.clone(), S::Connected)]);
}

async fn consult(bench: &Bench, first: &str, line: &str, to: &str) -> String {
    let response = bench
        .request(ConsultationCall {
            existing_call: conn(first, line),
            consulted_device: DeviceId::new(to),
            consult_options: None,
        })
        .await
        .unwrap();
    let CstaMessage::ConsultationCallResponse(response) = response else {
        panic!("{response:?}")
    };
    assert_eq!(
        response.initiated_call.device_id,
        Some(DeviceId::new(dev(line)))
    );
    response.initiated_call.call_id.unwrap()
}

#[tokio::test(start_paused = true)]
async fn consultation_then_transfer() {
    let bench = bench().await;
    let first = talking(&bench, "201", "202").await;
    bench.clear();
    let second = consult(&bench, &first, "201", "203").await;
    assert_ne!(first, second);
    bench.wait(4.0).await;
    assert_eq!(
        seen(&bench, "201"),
        [
            ev("HeldEvent", S::Hold),
            ev("ServiceInitiatedEvent", S::Initiated),
            ev("OriginatedEvent", S::Connected),
            ev("DeliveredEvent", S::Connected),
            ev("EstablishedEvent", S::Connected),
        ]
    );
    let mut snapshot = bench.snapshot("201").await;
    snapshot.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![(first.clone(), S::Hold), (second.clone(), S::Connected)];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(snapshot, expected);
    bench.clear();

    let response = bench
        .request(TransferCall {
            held_call: conn(&first, "201"),
            active_call: conn(&second, "201"),
        })
        .await
        .unwrap();
    let CstaMessage::TransferCallResponse(response) = response else {
        panic!("{response:?}")
    };
    let new = response.transferred_call.call_id.clone().unwrap();
    assert_eq!(response.connections.len(), 2);
    bench.wait(0.1).await;
    assert_eq!(seen(&bench, "201"), [ev("TransferredEvent", S::Null)]);
    assert_eq!(seen(&bench, "202"), [ev("TransferredEvent", S::Connected)]);
    assert_eq!(seen(&bench, "203"), [ev("TransferredEvent", S::Connected)]);
    assert_eq!(bench.snapshot("201").await, []);
    assert_eq!(bench.snapshot("202").await, [(new.clone(), S::Connected)]);
    assert_eq!(bench.snapshot("203").await, [(new.clone(), S::Connected)]);
    // The client left: the two simulated people talk, then one hangs up.
    bench.wait(100.0).await;
    assert_eq!(bench.snapshot("202").await, []);
    assert_eq!(bench.snapshot("203").await, []);
    check_sequences(&bench.everything(), true).unwrap();
}

#[tokio::test(start_paused = true)]
async fn alternate_and_reconnect() {
    let bench = bench().await;
    let first = talking(&bench, "201", "202").await;
    let second = consult(&bench, &first, "201", "203").await;
    bench.wait(4.0).await;
    bench.clear();
    bench
        .request(AlternateCall {
            held_call: conn(&first, "201"),
            active_call: conn(&second, "201"),
        })
        .await
        .unwrap();
    let mut snapshot = bench.snapshot("201").await;
    snapshot.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![(first.clone(), S::Connected), (second.clone(), S::Hold)];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(snapshot, expected);
    bench
        .request(ReconnectCall {
            active_call: conn(&first, "201"),
            held_call: conn(&second, "201"),
        })
        .await
        .unwrap();
    bench.wait(0.1).await;
    assert_eq!(
        seen(&bench, "201"),
        [
            ev("HeldEvent", S::Hold),
            ev("RetrievedEvent", S::Connected),
            ev("ConnectionClearedEvent", S::Null),
            ev("RetrievedEvent", S::Connected),
        ]
    );
    assert_eq!(
        bench.snapshot("201").await,
        [(second.clone(), S::Connected)]
    );
    assert_eq!(bench.snapshot("202").await, []);
}

#[tokio::test(start_paused = true)]
async fn conference_then_leaving_one_by_one() {
    let bench = bench().await;
    let first = talking(&bench, "201", "202").await;
    let second = consult(&bench, &first, "201", "203").await;
    bench.wait(4.0).await;
    bench.clear();
    let response = bench
        .request(ConferenceCall {
            held_call: conn(&first, "201"),
            active_call: conn(&second, "201"),
        })
        .await
        .unwrap();
    let CstaMessage::ConferenceCallResponse(response) = response else {
        panic!("{response:?}")
    };
    let conference = response.conference_call.call_id.clone().unwrap();
    assert_eq!(response.connections.len(), 3);
    bench.wait(0.1).await;
    for line in ["201", "202", "203"] {
        assert_eq!(seen(&bench, line), [ev("ConferencedEvent", S::Connected)]);
        assert_eq!(
            bench.snapshot(line).await,
            [(conference.clone(), S::Connected)]
        );
    }
    // The conferencing line leaves: the two others stay connected.
    bench
        .request(ClearConnection {
            connection_to_be_cleared: conn(&conference, "201"),
            reason: None,
        })
        .await
        .unwrap();
    assert_eq!(bench.snapshot("201").await, []);
    assert_eq!(
        bench.snapshot("202").await,
        [(conference.clone(), S::Connected)]
    );
    bench
        .request(ClearConnection {
            connection_to_be_cleared: conn(&conference, "202"),
            reason: None,
        })
        .await
        .unwrap();
    bench.wait(0.1).await;
    for line in ["201", "202", "203"] {
        assert_eq!(bench.snapshot(line).await, [], "{line}");
    }
    assert_eq!(
        seen(&bench, "203")[1..],
        [
            ev("ConnectionClearedEvent", S::Connected),
            ev("ConnectionClearedEvent", S::Connected),
            ev("ConnectionClearedEvent", S::Null),
            ("CallClearedEvent".into(), None),
        ]
    );
    check_sequences(&bench.everything(), true).unwrap();
}

#[tokio::test(start_paused = true)]
async fn deflect_moves_a_ringing_call() {
    let bench = bench().await;
    let id = call(&bench, "201", "202").await;
    bench.wait(0.7).await;
    bench.clear();
    let deflect = |line: &str| DeflectCall {
        call_to_be_diverted: conn(&id, line),
        new_destination: DeviceId::new("203"),
    };
    assert_eq!(
        bench.request(deflect("201")).await,
        Err(CstaError::invalid_connection_state()),
        "only a ringing call can be deflected"
    );
    bench.request(deflect("202")).await.unwrap();
    bench.wait(4.0).await;
    assert_eq!(seen(&bench, "202"), [ev("DivertedEvent", S::Null)]);
    assert_eq!(
        seen(&bench, "203"),
        [
            ev("DeliveredEvent", S::Alerting),
            ev("EstablishedEvent", S::Connected)
        ]
    );
    assert_eq!(
        seen(&bench, "201"),
        [
            ev("DivertedEvent", S::Connected),
            ev("DeliveredEvent", S::Connected),
            ev("EstablishedEvent", S::Connected)
        ]
    );
    let CstaMessage::DeliveredEvent(delivered) = &bench.events("203")[0] else {
        panic!()
    };
    assert_eq!(delivered.last_redirection_device, Party::device(dev("202")));
    assert_eq!(delivered.cause, Some(EventCause::Redirected));
    assert_eq!(bench.snapshot("202").await, []);
    assert_eq!(bench.snapshot("203").await, [(id.clone(), S::Connected)]);
}

#[tokio::test(start_paused = true)]
async fn single_step_transfer_rings_the_new_party() {
    let bench = bench().await;
    let id = talking(&bench, "201", "202").await;
    bench.clear();
    let response = bench
        .request(SingleStepTransferCall {
            active_call: conn(&id, "201"),
            transferred_to: DeviceId::new("tel:203"),
        })
        .await
        .unwrap();
    let CstaMessage::SingleStepTransferCallResponse(response) = response else {
        panic!("{response:?}")
    };
    let new = response.transferred_call.call_id.unwrap();
    bench.wait(4.0).await;
    assert_eq!(seen(&bench, "201"), [ev("TransferredEvent", S::Null)]);
    assert_eq!(
        seen(&bench, "202"),
        [
            ev("TransferredEvent", S::Connected),
            ev("DeliveredEvent", S::Connected),
            ev("EstablishedEvent", S::Connected)
        ]
    );
    assert_eq!(
        seen(&bench, "203"),
        [
            ev("DeliveredEvent", S::Alerting),
            ev("EstablishedEvent", S::Connected)
        ]
    );
    assert_eq!(bench.snapshot("201").await, []);
    assert_eq!(bench.snapshot("203").await, [(new.clone(), S::Connected)]);
    check_sequences(&bench.everything(), false).unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_busy_line_fails_the_call_and_the_caller_clears() {
    let bench = bench().await;
    talking(&bench, "201", "202").await;
    bench.clear();
    call(&bench, "203", "202").await;
    bench.wait(1.0).await;
    assert_eq!(
        seen(&bench, "203"),
        [
            ev("ServiceInitiatedEvent", S::Initiated),
            ev("OriginatedEvent", S::Connected),
            ev("FailedEvent", S::Fail),
        ]
    );
    let CstaMessage::FailedEvent(failed) = &bench.events("203")[2] else {
        panic!()
    };
    assert_eq!(failed.cause, Some(EventCause::Busy));
    assert_eq!(seen(&bench, "202"), [], "the busy line hears nothing");
    bench.wait(5.0).await;
    assert_eq!(bench.snapshot("203").await, []);
    assert_eq!(
        seen(&bench, "203")[3..],
        [
            ev("ConnectionClearedEvent", S::Null),
            ("CallClearedEvent".into(), None)
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn external_numbers_are_reached_through_the_network() {
    let bench = bench().await;
    let id = call(&bench, "201", "0301234567").await;
    bench.wait(4.0).await;
    assert_eq!(
        seen(&bench, "201"),
        [
            ev("ServiceInitiatedEvent", S::Initiated),
            ev("OriginatedEvent", S::Connected),
            ev("NetworkReachedEvent", S::Connected),
            ev("EstablishedEvent", S::Connected),
        ]
    );
    assert_eq!(bench.snapshot("201").await, [(id.clone(), S::Connected)]);
    bench
        .request(ClearConnection {
            connection_to_be_cleared: conn(&id, "201"),
            reason: None,
        })
        .await
        .unwrap();
    assert_eq!(bench.snapshot("201").await, []);
}

#[tokio::test(start_paused = true)]
async fn generate_digits_reports_the_digits() {
    let bench = bench().await;
    let id = talking(&bench, "201", "202").await;
    bench.clear();
    bench
        .request(GenerateDigits {
            connection_to_send_digits: conn(&id, "201"),
            characters_to_send: "12#".into(),
        })
        .await
        .unwrap();
    bench.wait(0.1).await;
    let events = bench.events("201");
    let [CstaMessage::DigitsGeneratedEvent(digits)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(digits.digit_generated_list, "12#");
}

#[tokio::test(start_paused = true)]
async fn do_not_disturb_forwarding_and_message_waiting() {
    let bench = bench().await;
    // Do not disturb: set, reported, read back, and callers are refused.
    bench
        .request(SetDoNotDisturb {
            device: DeviceId::new("201"),
            do_not_disturb_on: true,
        })
        .await
        .unwrap();
    let got = bench
        .request(GetDoNotDisturb {
            device: DeviceId::new("201"),
        })
        .await
        .unwrap();
    let CstaMessage::GetDoNotDisturbResponse(got) = got else {
        panic!("{got:?}")
    };
    assert!(got.do_not_disturb_on);
    call(&bench, "202", "201").await;
    bench.wait(1.0).await;
    let CstaMessage::FailedEvent(failed) = &bench.events("202")[2] else {
        panic!("{:?}", bench.events("202"))
    };
    assert_eq!(failed.cause, Some(EventCause::DoNotDisturb));
    let CstaMessage::DoNotDisturbEvent(dnd) = &bench.events("201")[0] else {
        panic!()
    };
    assert!(dnd.do_not_disturb_on);
    bench.wait(5.0).await;

    // Forwarding: 203 forwards everything to 204.
    bench
        .request(SetForwarding {
            device: DeviceId::new("203"),
            forwarding_type: ForwardingType::Immediate,
            activate_forward: true,
            forward_dn: Some(DeviceId::new("204")),
            ring_count: None,
            ring_duration: None,
        })
        .await
        .unwrap();
    let got = bench
        .request(GetForwarding {
            device: DeviceId::new("203"),
        })
        .await
        .unwrap();
    let CstaMessage::GetForwardingResponse(got) = got else {
        panic!("{got:?}")
    };
    assert_eq!(got.forwarding_list.len(), 1);
    assert!(got.forwarding_list[0].forward_status);
    assert_eq!(
        got.forwarding_list[0].forward_dn,
        Some(DeviceId::new("204"))
    );
    let CstaMessage::ForwardingEvent(forwarding) = &bench.events("203")[0] else {
        panic!()
    };
    assert!(forwarding.forward_status);
    assert_eq!(forwarding.forwarding_type, Some(ForwardingType::Immediate));
    let id = call(&bench, "205", "203").await;
    bench.wait(4.0).await;
    assert_eq!(
        seen(&bench, "203")[1..],
        [ev("DivertedEvent", S::Null)],
        "the forwarding line is told"
    );
    let CstaMessage::DeliveredEvent(delivered) = &bench.events("204")[0] else {
        panic!()
    };
    assert_eq!(delivered.cause, Some(EventCause::CallForwardImmediate));
    assert_eq!(delivered.last_redirection_device, Party::device(dev("203")));
    assert_eq!(delivered.called_device, Party::device(dev("203")));
    assert_eq!(bench.snapshot("204").await, [(id, S::Connected)]);
    assert_eq!(
        bench
            .request(SetForwarding {
                device: DeviceId::new("202"),
                forwarding_type: ForwardingType::Busy,
                activate_forward: true,
                forward_dn: None,
                ring_count: None,
                ring_duration: None,
            })
            .await,
        Err(CstaError::invalid_parameter_value()),
        "forwarding needs a destination"
    );

    // Message waiting.
    bench
        .request(SetMessageWaitingIndicator {
            device: DeviceId::new("202"),
            message_waiting_on: true,
        })
        .await
        .unwrap();
    let got = bench
        .request(GetMessageWaitingIndicator {
            device: DeviceId::new("202"),
        })
        .await
        .unwrap();
    let CstaMessage::GetMessageWaitingIndicatorResponse(got) = got else {
        panic!("{got:?}")
    };
    assert!(got.message_waiting_on);
    bench.wait(0.1).await;
    assert!(
        bench
            .events("202")
            .iter()
            .any(|e| matches!(e, CstaMessage::MessageWaitingEvent(m) if m.message_waiting_on))
    );
}

#[tokio::test(start_paused = true)]
async fn unsupported_services_and_bad_requests_are_csta_errors() {
    let bench = bench().await;
    let id = talking(&bench, "201", "202").await;
    let unsupported: Vec<CstaMessage> = vec![
        DialDigits {
            dialling_connection: conn(&id, "201"),
            dialling_sequence: DeviceId::new("5"),
        }
        .into(),
        SingleStepConferenceCall {
            active_call: conn(&id, "201"),
            device_to_join: DeviceId::new("203"),
            participation_type: None,
        }
        .into(),
        DirectedPickupCall {
            call_to_be_picked_up: conn(&id, "202"),
            requesting_device: DeviceId::new("203"),
        }
        .into(),
    ];
    for request in unsupported {
        assert_eq!(
            bench.request(request).await,
            Err(CstaError::service_not_supported())
        );
    }
    assert_eq!(
        bench.request(make_call("201", "203")).await,
        Err(CstaError::invalid_object_state()),
        "201 is already talking"
    );
    assert_eq!(
        bench
            .request(HoldCall {
                call_to_be_held: conn("x7", "201"),
                connection_reservation: None,
            })
            .await,
        Err(CstaError::invalid_call_id())
    );
    assert_eq!(
        bench
            .request(ClearConnection {
                connection_to_be_cleared: conn(&id, "203"),
                reason: None,
            })
            .await,
        Err(CstaError::invalid_connection_id())
    );
    assert_eq!(
        bench
            .request(TransferCall {
                held_call: conn(&id, "201"),
                active_call: conn(&id, "201"),
            })
            .await,
        Err(CstaError::request_incompatible_with_object())
    );
}
