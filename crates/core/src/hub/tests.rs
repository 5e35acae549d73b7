//! The hub with a fake link: monitor reference counting, fan-out order and sequence numbers,
//! resume, slow clients, request routing and snapshots.

use std::time::Duration;

use csta_proto::{
    ConnectionId, CstaError, CstaMessage, DeliveredEvent, DeviceId, EstablishedEvent,
    LocalConnectionState, MakeCall, MakeCallResponse, Party, SnapshotCall, SnapshotDevice,
};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::*;

struct FakeLink {
    handle: LinkHandle,
    commands: mpsc::Receiver<LinkCommand>,
}

fn fake_link(name: &str) -> FakeLink {
    let (tx, commands) = mpsc::channel(64);
    FakeLink {
        handle: LinkHandle::new(name, tx),
        commands,
    }
}

fn settings() -> HubSettings {
    HubSettings {
        retention: Duration::from_secs(120),
        retention_events: 100,
        outbox_capacity: 64,
        request_timeout: Duration::from_secs(2),
        ..HubSettings::default()
    }
}

async fn hub_with_line(device: &str) -> (Hub, FakeLink) {
    let hub = Hub::start(settings());
    let link = fake_link("phone A");
    hub.link_events()
        .send(LinkEvent::LineUp {
            device: device.into(),
            link: link.handle.clone(),
        })
        .await;
    hub.stats().await; // wait until handled
    (hub, link)
}

fn delivered(call: &str) -> CstaMessage {
    DeliveredEvent {
        monitor_cross_ref_id: "phone-ref".into(),
        connection: ConnectionId::new(call, "sip:201@pbx.example"),
        alerting_device: Party::device("sip:201@pbx.example"),
        calling_device: Party::device("sip:202@pbx.example"),
        called_device: Party::device("sip:201@pbx.example"),
        last_redirection_device: Party::NotKnown,
        local_connection_info: Some(LocalConnectionState::Alerting),
        cause: None,
    }
    .into()
}

fn established(call: &str) -> CstaMessage {
    EstablishedEvent {
        monitor_cross_ref_id: "phone-ref".into(),
        established_connection: ConnectionId::new(call, "sip:201@pbx.example"),
        answering_device: Party::device("sip:201@pbx.example"),
        calling_device: Party::device("sip:202@pbx.example"),
        called_device: Party::device("sip:201@pbx.example"),
        last_redirection_device: Party::NotKnown,
        local_connection_info: Some(LocalConnectionState::Connected),
        cause: None,
    }
    .into()
}

async fn line_event(hub: &Hub, event: CstaMessage) {
    hub.link_events()
        .send(LinkEvent::Event {
            line: LineKey::from_device_id("201").unwrap(),
            event: Box::new(event),
            at: Instant::now(),
        })
        .await;
}

async fn next(attachment: &mut SessionAttachment) -> (String, u64, String) {
    let delivery = tokio::time::timeout(Duration::from_secs(2), attachment.events.recv())
        .await
        .expect("an event in time")
        .expect("session open");
    let mut decoder = csta_proto::FrameDecoder::new();
    let mut buf = bytes::BytesMut::from(&delivery.frame[..]);
    let frame = decoder.decode(&mut buf).unwrap().unwrap();
    assert_eq!(frame.invoke_id, csta_proto::EVENT_INVOKE_ID);
    let xml = String::from_utf8(frame.xml.to_vec()).unwrap();
    let decoded = csta_proto::decode(xml.as_bytes()).unwrap().message;
    let seq: u64 = xml
        .split("<sequenceNumber xmlns=\"urn:callboard:csta\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .expect("sequence number");
    (
        decoded.name().to_owned(),
        seq,
        decoded
            .monitor_cross_ref_id()
            .unwrap_or_default()
            .to_owned(),
    )
}

/// The client of `attachment` goes away: its connection is dropped and the session detached.
/// Returns the session ID and the attachment's generation.
async fn go_away(hub: &Hub, attachment: SessionAttachment) -> (String, u64) {
    let id = attachment.session_id.clone();
    let generation = attachment.generation;
    drop(attachment);
    hub.detach_session(&id, generation).await;
    (id, generation)
}

fn assert_quiet(attachment: &mut SessionAttachment) {
    assert!(
        attachment.events.try_recv().is_err(),
        "no further event expected"
    );
}

#[tokio::test]
async fn the_first_subscriber_starts_the_monitor_and_the_last_one_stops_it() {
    let (hub, mut link) = hub_with_line("sip:201@pbx.example").await;
    let mut a = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    let mut b = hub.open_session("bob", Access::Unrestricted).await.unwrap();
    let ref_a = hub.monitor_start(&a.session_id, "201").await.unwrap();
    let ref_b = hub
        .monitor_start(&b.session_id, "sip:201@other-host;tel=201")
        .await
        .unwrap();
    assert_eq!(
        ref_a, ref_b,
        "one cross reference per line, shared by its subscribers"
    );
    match link.commands.try_recv() {
        Ok(LinkCommand::MonitorStart { device, .. }) => assert_eq!(device, "sip:201@pbx.example"),
        other => panic!("expected one MonitorStart, got {other:?}"),
    }
    assert!(link.commands.try_recv().is_err(), "no second MonitorStart");

    hub.link_events()
        .send(LinkEvent::MonitorActive {
            line: LineKey::from_device_id("201").unwrap(),
        })
        .await;
    assert_eq!(next(&mut a).await.0, "BackInServiceEvent");
    assert_eq!(next(&mut b).await.0, "BackInServiceEvent");

    // A third subscriber joining an active monitor is told the line is in service.
    let mut c = hub
        .open_session("carol", Access::Unrestricted)
        .await
        .unwrap();
    // A listener's MonitorStart: its response is queued with the subscription, ahead of the
    // line's events.
    let answered = hub
        .monitor_start_answering(
            &c.session_id,
            "201",
            Box::new(|cross_ref: &str| Bytes::from(format!("response {cross_ref}"))),
        )
        .await
        .unwrap();
    assert_eq!(answered, ref_a);
    let first = c.events.recv().await.unwrap();
    assert_eq!(first.frame, Bytes::from(format!("response {ref_a}")));
    assert_eq!(next(&mut c).await.0, "BackInServiceEvent");
    assert!(link.commands.try_recv().is_err());

    hub.monitor_stop(&a.session_id, &ref_a).await.unwrap();
    hub.monitor_stop(&b.session_id, &ref_b).await.unwrap();
    assert!(link.commands.try_recv().is_err(), "carol still watches");
    hub.close_session(&c.session_id).await;
    hub.stats().await;
    assert!(matches!(
        link.commands.try_recv(),
        Ok(LinkCommand::MonitorStop { .. })
    ));
    assert!(link.commands.try_recv().is_err());
    assert_eq!(
        hub.monitor_stop(&a.session_id, &ref_a).await,
        Err(CstaError::invalid_monitor_cross_ref_id())
    );
}

#[tokio::test]
async fn events_reach_every_subscriber_in_order_with_increasing_sequence_numbers() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let mut sessions = Vec::new();
    for i in 0..20 {
        let session = hub
            .open_session(&format!("client{i}"), Access::Unrestricted)
            .await
            .unwrap();
        hub.monitor_start(&session.session_id, "201").await.unwrap();
        sessions.push(session);
    }
    line_event(&hub, delivered("5")).await;
    line_event(&hub, established("5")).await;
    for session in &mut sessions {
        let (first, seq1, cross_ref) = next(session).await;
        let (second, seq2, _) = next(session).await;
        assert_eq!(
            (first.as_str(), second.as_str()),
            ("DeliveredEvent", "EstablishedEvent")
        );
        assert!(seq2 > seq1);
        assert_ne!(
            cross_ref, "phone-ref",
            "clients see the hub's cross reference"
        );
        assert_quiet(session);
    }
}

#[tokio::test]
async fn unknown_lines_and_unknown_cross_references_are_csta_errors() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let session = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    assert_eq!(
        hub.monitor_start(&session.session_id, "999").await,
        Err(CstaError::invalid_device_id())
    );
    assert_eq!(
        hub.monitor_stop(&session.session_id, "12345").await,
        Err(CstaError::invalid_monitor_cross_ref_id())
    );
}

#[tokio::test(start_paused = true)]
async fn a_resumed_session_gets_exactly_the_events_it_missed_until_the_window_closes() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let mut session = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&session.session_id, "201").await.unwrap();
    line_event(&hub, delivered("1")).await;
    let (_, last_seen, _) = next(&mut session).await;
    let (id, generation) = go_away(&hub, session).await;

    line_event(&hub, established("1")).await;
    line_event(&hub, delivered("2")).await;
    hub.stats().await;

    assert_eq!(
        hub.resume_session("mallory", &id, last_seen).await.err(),
        Some(ResumeRefused::WrongAccount)
    );
    let mut resumed = hub.resume_session("alice", &id, last_seen).await.unwrap();
    assert_eq!(resumed.replayed, 2);
    let (first, seq1, _) = next(&mut resumed).await;
    let (second, seq2, _) = next(&mut resumed).await;
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("EstablishedEvent", "DeliveredEvent")
    );
    assert_eq!((seq1, seq2), (last_seen + 1, last_seen + 2));
    assert_quiet(&mut resumed);
    // Live events continue on the resumed attachment, and a late detach of the old
    // attachment does not take them away.
    hub.detach_session(&id, generation).await;
    line_event(&hub, established("2")).await;
    assert_eq!(next(&mut resumed).await.1, last_seen + 3);

    let generation = resumed.generation;
    drop(resumed);
    hub.detach_session(&id, generation).await;
    hub.stats().await;
    tokio::time::advance(Duration::from_secs(125)).await;
    hub.stats().await;
    tokio::time::advance(Duration::from_secs(2)).await;
    let stats = hub.stats().await;
    assert_eq!(stats.detached_sessions, 0, "{stats:?}");
    assert_eq!(
        hub.resume_session("alice", &id, last_seen + 3).await.err(),
        Some(ResumeRefused::UnknownSession),
        "after the window the client must snapshot"
    );
}

#[tokio::test]
async fn a_resume_replays_everything_missed_even_after_others_joined_the_monitor() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let mut alice = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&alice.session_id, "201").await.unwrap();
    hub.link_events()
        .send(LinkEvent::MonitorActive { line: key("201") })
        .await;
    let (name, last_seen, _) = next(&mut alice).await;
    assert_eq!(name, "BackInServiceEvent");
    let (id, _) = go_away(&hub, alice).await;

    // Others join the running monitor (each hears its own BackInService) while events happen.
    let mut joiners = Vec::new();
    for i in 0..3 {
        let mut joiner = hub.open_session("bob", Access::Unrestricted).await.unwrap();
        hub.monitor_start(&joiner.session_id, "201").await.unwrap();
        assert_eq!(next(&mut joiner).await.0, "BackInServiceEvent");
        line_event(&hub, delivered(&i.to_string())).await;
        joiners.push(joiner);
    }
    hub.stats().await;

    let mut resumed = hub.resume_session("alice", &id, last_seen).await.unwrap();
    assert_eq!(
        resumed.replayed, 3,
        "the three DeliveredEvents, not the others' BackInService"
    );
    let mut seqs = Vec::new();
    for _ in 0..3 {
        let (name, seq, _) = next(&mut resumed).await;
        assert_eq!(name, "DeliveredEvent");
        seqs.push(seq);
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]) && seqs[0] > last_seen);
    assert_quiet(&mut resumed);

    // A joiner that drops out after its BackInService gets it back on resume.
    let joiner = joiners.pop().unwrap();
    let (joiner_id, joiner_generation) = (joiner.session_id.clone(), joiner.generation);
    drop(joiner);
    hub.detach_session(&joiner_id, joiner_generation).await;
    let mut back = hub
        .resume_session("bob", &joiner_id, seqs[1])
        .await
        .unwrap();
    assert_eq!(back.replayed, 2);
    assert_eq!(next(&mut back).await.0, "BackInServiceEvent");
    assert_eq!(next(&mut back).await.0, "DeliveredEvent");
}

#[tokio::test]
async fn a_resume_counts_only_what_happened_since_the_session_opened() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let other = hub.open_session("bob", Access::Unrestricted).await.unwrap();
    hub.monitor_start(&other.session_id, "201").await.unwrap();
    // More events than the log keeps, all before alice's session.
    for i in 0..150 {
        line_event(&hub, delivered(&format!("old-{i}"))).await;
    }
    let session = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&session.session_id, "201").await.unwrap();
    let (id, _) = go_away(&hub, session).await;
    line_event(&hub, delivered("missed")).await;
    let stats = hub.stats().await;

    assert_eq!(
        hub.resume_session("alice", &id, stats.last_seq + 5)
            .await
            .err(),
        Some(ResumeRefused::UnknownSequenceNumber(stats.last_seq + 5)),
        "a number never given out"
    );
    // "Nothing seen" means nothing since the session opened, not since the server started.
    let mut resumed = hub.resume_session("alice", &id, 0).await.unwrap();
    assert_eq!(resumed.replayed, 1);
    assert_eq!(next(&mut resumed).await.1, stats.last_seq);
    drop(other);
}

#[tokio::test]
async fn missing_more_than_the_retention_count_means_snapshot() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let session = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&session.session_id, "201").await.unwrap();
    let (id, _) = go_away(&hub, session).await;
    for i in 0..101 {
        line_event(&hub, delivered(&i.to_string())).await;
    }
    hub.stats().await;
    assert_eq!(
        hub.resume_session("alice", &id, 0).await.err(),
        Some(ResumeRefused::TooManyMissed)
    );
}

#[tokio::test]
async fn a_client_that_does_not_read_is_cut_off_and_others_keep_receiving() {
    let hub = Hub::start(HubSettings {
        outbox_capacity: 8,
        ..settings()
    });
    let link = fake_link("phone A");
    hub.link_events()
        .send(LinkEvent::LineUp {
            device: "sip:201@pbx.example".into(),
            link: link.handle.clone(),
        })
        .await;
    let slow = hub
        .open_session("slow", Access::Unrestricted)
        .await
        .unwrap();
    let mut fast = hub
        .open_session("fast", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&slow.session_id, "201").await.unwrap();
    hub.monitor_start(&fast.session_id, "201").await.unwrap();
    for i in 0..20 {
        line_event(&hub, delivered(&i.to_string())).await;
        next(&mut fast).await;
    }
    assert!(
        slow.cutoff
            .borrow()
            .as_deref()
            .unwrap()
            .contains("queue full")
    );
    assert_eq!(hub.stats().await.detached_sessions, 1);
}

#[tokio::test]
async fn requests_go_to_the_line_link_in_its_device_form() {
    let (hub, mut link) = hub_with_line("sip:201@pbx.example").await;
    let responder = tokio::spawn(async move {
        match link.commands.recv().await {
            Some(LinkCommand::Request { request, reply, .. }) => {
                let CstaMessage::MakeCall(make) = request.as_ref() else {
                    panic!("{request:?}")
                };
                assert_eq!(make.calling_device.as_str(), "sip:201@pbx.example");
                let _ = reply.send(Ok(MakeCallResponse {
                    calling_device: ConnectionId::new("9", "sip:201@pbx.example"),
                }
                .into()));
            }
            other => panic!("{other:?}"),
        }
        link
    });
    let result = hub
        .request(
            &Access::Unrestricted,
            MakeCall {
                calling_device: DeviceId::new("201"),
                called_directory_number: DeviceId::new("202"),
                auto_originate: None,
            }
            .into(),
        )
        .await
        .unwrap();
    assert_eq!(result.name(), "MakeCallResponse");
    let link = responder.await.unwrap();

    let unknown = hub
        .request(
            &Access::Unrestricted,
            MakeCall {
                calling_device: DeviceId::new("999"),
                called_directory_number: DeviceId::new("202"),
                auto_originate: None,
            }
            .into(),
        )
        .await;
    assert_eq!(unknown, Err(CstaError::invalid_device_id()));

    hub.link_events()
        .send(LinkEvent::LineDown {
            device: "sip:201@pbx.example".into(),
            link: link.handle.clone(),
        })
        .await;
    hub.stats().await;
    let offline = hub
        .request(
            &Access::Unrestricted,
            MakeCall {
                calling_device: DeviceId::new("201"),
                called_directory_number: DeviceId::new("202"),
                auto_originate: None,
            }
            .into(),
        )
        .await;
    assert_eq!(offline, Err(CstaError::device_out_of_service()));
}

#[tokio::test]
async fn snapshots_are_answered_from_the_call_model() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let session = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&session.session_id, "201").await.unwrap();
    line_event(&hub, delivered("-12")).await;
    line_event(&hub, established("-12")).await;
    let snapshot = hub
        .request(
            &Access::Unrestricted,
            SnapshotDevice {
                snapshot_object: DeviceId::new("201"),
            }
            .into(),
        )
        .await
        .unwrap();
    let CstaMessage::SnapshotDeviceResponse(response) = snapshot else {
        panic!("{snapshot:?}")
    };
    let SnapshotData::Data(items) = response.cross_ref_id_or_snapshot_data else {
        panic!()
    };
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].connection_identifier.call_id.as_deref(),
        Some("-12")
    );
    assert_eq!(
        items[0]
            .local_call_state
            .as_ref()
            .unwrap()
            .compound_call_state,
        vec![LocalConnectionState::Connected]
    );
    let call = hub
        .request(
            &Access::Unrestricted,
            SnapshotCall {
                snapshot_object: ConnectionId::new("-12", "201"),
            }
            .into(),
        )
        .await
        .unwrap();
    let CstaMessage::SnapshotCallResponse(response) = call else {
        panic!()
    };
    let SnapshotData::Data(parties) = response.cross_ref_id_or_snapshot_data else {
        panic!()
    };
    assert_eq!(parties.len(), 2, "the line and the caller 202: {parties:?}");
    assert_eq!(
        hub.request(
            &Access::Unrestricted,
            SnapshotCall {
                snapshot_object: ConnectionId::new("77", "201"),
            }
            .into()
        )
        .await,
        Err(CstaError::invalid_call_id())
    );
}

#[tokio::test]
async fn a_line_going_down_and_up_again_tells_subscribers_and_restarts_its_monitor() {
    let (hub, mut link) = hub_with_line("sip:201@pbx.example").await;
    let mut session = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&session.session_id, "201").await.unwrap();
    assert!(matches!(
        link.commands.try_recv(),
        Ok(LinkCommand::MonitorStart { .. })
    ));
    let key = LineKey::from_device_id("201").unwrap();
    hub.link_events()
        .send(LinkEvent::MonitorActive { line: key.clone() })
        .await;
    assert_eq!(next(&mut session).await.0, "BackInServiceEvent");
    hub.link_events()
        .send(LinkEvent::LineDown {
            device: "sip:201@pbx.example".into(),
            link: link.handle.clone(),
        })
        .await;
    assert_eq!(next(&mut session).await.0, "OutOfServiceEvent");

    let mut new_link = fake_link("phone A again");
    hub.link_events()
        .send(LinkEvent::LineUp {
            device: "sip:201@pbx.example".into(),
            link: new_link.handle.clone(),
        })
        .await;
    hub.stats().await;
    assert!(matches!(
        new_link.commands.try_recv(),
        Ok(LinkCommand::MonitorStart { .. })
    ));
    hub.link_events()
        .send(LinkEvent::MonitorActive { line: key })
        .await;
    assert_eq!(next(&mut session).await.0, "BackInServiceEvent");
}

#[tokio::test]
async fn internal_consumers_hold_the_monitor_like_clients() {
    let (hub, mut link) = hub_with_line("sip:201@pbx.example").await;
    let mut journal = hub.subscribe_internal("201").await.unwrap();
    assert!(matches!(
        link.commands.try_recv(),
        Ok(LinkCommand::MonitorStart { .. })
    ));
    let client = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    let cross_ref = hub.monitor_start(&client.session_id, "201").await.unwrap();
    assert!(
        link.commands.try_recv().is_err(),
        "the monitor is already open"
    );
    hub.monitor_stop(&client.session_id, &cross_ref)
        .await
        .unwrap();
    hub.stats().await;
    assert!(
        link.commands.try_recv().is_err(),
        "the journal still holds it"
    );
    line_event(&hub, delivered("3")).await;
    let notice = journal.events.recv().await.unwrap();
    assert_eq!(notice.event.name(), "DeliveredEvent");
    hub.unsubscribe_internal(notice.line, journal.id).await;
    hub.stats().await;
    assert!(matches!(
        link.commands.try_recv(),
        Ok(LinkCommand::MonitorStop { .. })
    ));
}

#[test]
fn the_sequence_number_goes_inside_the_root_element() {
    let xml = "<?xml version=\"1.0\"?><A xmlns=\"x\"><b>1</b></A>";
    let out = with_sequence_number(xml, 42);
    assert!(out.ends_with("<sequenceNumber xmlns=\"urn:callboard:csta\">42</sequenceNumber></private></privateData></extensions></A>"), "{out}");
    let closed = with_sequence_number("<?xml version=\"1.0\"?><A xmlns=\"x\"/>", 7);
    assert!(
        closed.starts_with("<?xml version=\"1.0\"?><A xmlns=\"x\"><extensions>"),
        "{closed}"
    );
    assert!(closed.ends_with("</extensions></A>"), "{closed}");
    roxmltree_check(&out);
    roxmltree_check(&closed);
}

fn roxmltree_check(xml: &str) {
    assert!(csta_proto::parse_xml(xml.as_bytes()).is_ok(), "{xml}");
}

#[tokio::test]
async fn the_first_subscriber_hears_back_in_service_once_even_when_the_monitor_comes_up_at_once() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let mut session = hub
        .open_session("alice", Access::Unrestricted)
        .await
        .unwrap();
    hub.monitor_start(&session.session_id, "201").await.unwrap();
    hub.link_events()
        .send(LinkEvent::MonitorActive {
            line: LineKey::from_device_id("201").unwrap(),
        })
        .await;
    hub.stats().await;
    assert_eq!(next(&mut session).await.0, "BackInServiceEvent");
    assert_quiet(&mut session);
    assert_eq!(
        hub.monitor_start(&session.session_id, "999").await,
        Err(CstaError::invalid_device_id())
    );
}

fn rights_of(login: &str, build: impl FnOnce(&mut crate::rights::UserRights)) -> Access {
    let mut user = crate::rights::UserRights::new(login);
    build(&mut user);
    let model = crate::rights::RightsModel::new([user], [], crate::rights::GlobalRights::default());
    Access::Rights(Arc::new(model.effective(login)))
}

fn key(number: &str) -> LineKey {
    LineKey::from_device_id(number).unwrap()
}

#[tokio::test]
async fn rights_decide_monitors_requests_and_which_numbers_an_event_shows() {
    let (hub, _link) = hub_with_line("sip:201@pbx.example").await;
    let owner = rights_of("owner", |u| u.main_devices.push(key("201")));
    let watcher = rights_of("watcher", |u| {
        u.monitor_rights.push(crate::rights::MonitorRight {
            line: key("201"),
            clip: false,
            pickup: false,
        })
    });
    let stranger = rights_of("stranger", |_| {});

    let mut full = hub.open_session("owner", owner.clone()).await.unwrap();
    let mut busy_only = hub.open_session("watcher", watcher.clone()).await.unwrap();
    let nobody = hub
        .open_session("stranger", stranger.clone())
        .await
        .unwrap();
    assert_eq!(
        hub.monitor_start(&nobody.session_id, "201").await,
        Err(CstaError::privilege_violation_specified_device())
    );
    assert_eq!(
        hub.monitor_start(&nobody.session_id, "201").await,
        Err(CstaError::privilege_violation_specified_device())
    );
    assert_eq!(
        hub.monitor_start(&nobody.session_id, "999").await,
        Err(CstaError::privilege_violation_specified_device()),
        "a refusal does not tell whether the line exists"
    );
    assert_eq!(
        hub.monitor_start(&full.session_id, "999").await,
        Err(CstaError::privilege_violation_specified_device())
    );
    hub.monitor_start(&full.session_id, "201").await.unwrap();
    hub.monitor_start(&busy_only.session_id, "201")
        .await
        .unwrap();

    line_event(&hub, delivered("4")).await;
    let full_frame = raw(&mut full).await;
    let busy_frame = raw(&mut busy_only).await;
    assert!(
        full_frame.contains("sip:202@pbx.example"),
        "the owner sees the caller: {full_frame}"
    );
    assert!(
        !busy_frame.contains("202"),
        "free/busy only hides the caller: {busy_frame}"
    );
    assert!(busy_frame.contains("DeliveredEvent") && busy_frame.contains("alerting"));

    let make = |from: &str| -> CstaMessage {
        MakeCall {
            calling_device: DeviceId::new(from),
            called_directory_number: DeviceId::new("202"),
            auto_originate: None,
        }
        .into()
    };
    assert_eq!(
        hub.request(&watcher, make("201")).await,
        Err(CstaError::privilege_violation_specified_device()),
        "watching is not controlling"
    );
    assert_eq!(
        hub.request(&stranger, make("999")).await,
        Err(CstaError::privilege_violation_specified_device()),
        "a refusal does not tell whether the line exists"
    );
    let snapshot = hub
        .request(
            &watcher,
            SnapshotCall {
                snapshot_object: ConnectionId::new("4", "201"),
            }
            .into(),
        )
        .await
        .unwrap();
    let text = csta_proto::encode(&snapshot, csta_proto::Edition::Ed5);
    assert!(!text.contains("202"), "snapshots are masked too: {text}");
}

#[tokio::test]
async fn the_device_list_shows_only_the_lines_a_session_may_see() {
    let (hub, link) = hub_with_line("sip:201@pbx.example").await;
    for device in ["sip:202@pbx.example", "sip:203@pbx.example"] {
        hub.link_events()
            .send(LinkEvent::LineUp {
                device: device.into(),
                link: link.handle.clone(),
            })
            .await;
    }
    hub.stats().await;
    let all = GetSwitchingFunctionDevices::default();
    let listed = |access: &Access, request: &GetSwitchingFunctionDevices| {
        hub.switching_function_devices(access, request)
            .map(|devices| {
                devices
                    .into_iter()
                    .map(|d| d.device_id.as_str().to_owned())
                    .collect::<Vec<_>>()
            })
    };
    assert_eq!(
        listed(&Access::Unrestricted, &all).unwrap(),
        [
            "sip:201@pbx.example",
            "sip:202@pbx.example",
            "sip:203@pbx.example"
        ]
    );
    let owner_watching = rights_of("owner", |u| {
        u.main_devices.push(key("203"));
        u.monitor_rights.push(crate::rights::MonitorRight {
            line: key("201"),
            clip: false,
            pickup: false,
        })
    });
    assert_eq!(
        listed(&owner_watching, &all).unwrap(),
        ["sip:201@pbx.example", "sip:203@pbx.example"],
        "202 is neither owned nor watched"
    );
    assert!(
        listed(&rights_of("stranger", |_| {}), &all)
            .unwrap()
            .is_empty()
    );

    let only = |device: &str| GetSwitchingFunctionDevices {
        requested_device_id: Some(DeviceId::new(device)),
        requested_device_category: None,
    };
    assert_eq!(
        listed(&owner_watching, &only("203")).unwrap(),
        ["sip:203@pbx.example"]
    );
    assert_eq!(
        listed(&owner_watching, &only("202")),
        Err(CstaError::privilege_violation_specified_device())
    );
    assert_eq!(
        listed(&Access::Unrestricted, &only("299")),
        Err(CstaError::invalid_device_id())
    );
    let groups = GetSwitchingFunctionDevices {
        requested_device_id: None,
        requested_device_category: Some(csta_proto::DeviceCategory::Group),
    };
    assert!(listed(&Access::Unrestricted, &groups).unwrap().is_empty());
}

#[tokio::test]
async fn new_rights_apply_to_a_running_session_and_end_a_detached_one() {
    let (hub, link) = hub_with_line("sip:201@pbx.example").await;
    hub.link_events()
        .send(LinkEvent::LineUp {
            device: "sip:203@pbx.example".into(),
            link: link.handle.clone(),
        })
        .await;
    let watcher = |clip: bool| {
        rights_of("watcher", |u| {
            u.main_devices.push(key("203"));
            u.monitor_rights.push(crate::rights::MonitorRight {
                line: key("201"),
                clip,
                pickup: false,
            })
        })
    };
    let login = crate::accounts::SessionLogin {
        account: "watcher".into(),
        computer: None,
    };
    let mut session = hub
        .open_directory_session(login.clone(), watcher(true))
        .await
        .unwrap();
    assert_eq!(
        hub.directory_sessions().await,
        vec![(session.session_id.clone(), login.clone())]
    );
    let on_201 = hub.monitor_start(&session.session_id, "201").await.unwrap();
    hub.monitor_start(&session.session_id, "203").await.unwrap();
    line_event(&hub, delivered("1")).await;
    assert!(raw(&mut session).await.contains("sip:202@pbx.example"));

    // CLIP withdrawn: the next event comes without the caller's number.
    hub.update_access(&session.session_id, watcher(false)).await;
    assert!(matches!(
        &*session.access.borrow(),
        Access::Rights(rights) if rights.visibility(&key("201")) == Visibility::FreeBusy
    ));
    line_event(&hub, delivered("2")).await;
    let masked = raw(&mut session).await;
    assert!(
        masked.contains("DeliveredEvent") && !masked.contains("202"),
        "{masked}"
    );

    // The monitor right withdrawn: MonitorStop for that line, no more of its events.
    let only_own = rights_of("watcher", |u| u.main_devices.push(key("203")));
    hub.update_access(&session.session_id, only_own.clone())
        .await;
    let stop = raw(&mut session).await;
    assert!(
        stop.contains("MonitorStop") && stop.contains(&on_201),
        "{stop}"
    );
    line_event(&hub, delivered("3")).await;
    hub.stats().await;
    assert_quiet(&mut session);
    assert_eq!(
        hub.monitor_start(&session.session_id, "201").await,
        Err(CstaError::privilege_violation_specified_device())
    );

    // Away when its monitors would change: the session ends and a resume must start over.
    let (id, _) = go_away(&hub, session).await;
    hub.update_access(&id, rights_of("watcher", |_| {})).await;
    assert!(hub.directory_sessions().await.is_empty());
    assert_eq!(
        hub.resume_session("watcher", &id, 0).await.err(),
        Some(ResumeRefused::UnknownSession)
    );

    // Ended by the server: the reason is there for the listener to pass on.
    let ended = hub.open_directory_session(login, only_own).await.unwrap();
    hub.end_session(&ended.session_id, "account disabled").await;
    hub.stats().await;
    assert_eq!(
        ended.end_reason.get().map(String::as_str),
        Some("account disabled")
    );
    assert!(hub.directory_sessions().await.is_empty());
}

async fn raw(attachment: &mut SessionAttachment) -> String {
    let delivery = tokio::time::timeout(Duration::from_secs(2), attachment.events.recv())
        .await
        .expect("an event in time")
        .expect("session open");
    String::from_utf8_lossy(&delivery.frame[8..]).into_owned()
}
