//! ECMA-354 sessions over the wire: login, refusals, the login timeout, the session timer,
//! StopApplicationSession, resuming after a lost connection, and server shutdown.

mod common;

use std::time::Duration;

use callboard_core::HubSettings;
use callboard_cti::CtiSettings;
use common::*;
use csta_proto::{CstaMessage, SessionResume};

#[tokio::test]
async fn a_client_logs_in_with_a_configured_account() {
    let harness = Harness::start().await;
    let mut client = harness.client().await;
    client
        .send(42, &start_session(USER, PASSWORD, Some(600), None))
        .await;
    let response = client.response(42).await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert!(!pos.session_id.is_empty());
    assert_eq!(pos.actual_protocol_version.0, ED5);
    assert_eq!(pos.actual_session_duration, Some(600));
    assert_eq!(
        pos.extensions.clone().and_then(|e| e.session_resume),
        None,
        "no resume was asked"
    );
    assert!(!response.xml.contains("sessionResume"));
    assert!(response.xml.contains(SESSION_NS));

    // The default duration, and the maximum.
    let mut second = harness.client().await;
    let response = second
        .request(&start_session("tapi", "other", None, None))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(pos.actual_session_duration, Some(180));
    let mut third = harness.client().await;
    let response = third
        .request(&start_session(USER, PASSWORD, Some(99_999), None))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(pos.actual_session_duration, Some(3600));
    assert_eq!(harness.hub.stats().await.attached_sessions, 3);

    // A client that leaves out the applicationID is let in all the same.
    let mut fourth = harness.client().await;
    let without_id = start_session(USER, PASSWORD, None, None)
        .replace("<applicationID>cti-test</applicationID>", "");
    assert!(!without_id.contains("applicationID"));
    let response = fourth.request(&without_id).await;
    assert_eq!(
        response.name(),
        "StartApplicationSessionPosResponse",
        "{}",
        response.xml
    );
}

async fn expect_refusal(harness: &Harness, xml: &str, defined_error: &str) {
    let mut client = harness.client().await;
    client.send(7, xml).await;
    let frames = client.until_closed().await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0].invoke, 7);
    let CstaMessage::StartApplicationSessionNegResponse(neg) = frames[0].message() else {
        panic!("{}", frames[0].xml)
    };
    assert_eq!(
        neg.error_code.unwrap().defined_error.as_deref(),
        Some(defined_error)
    );
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused_and_the_connection_closed() {
    let harness = Harness::start().await;
    let invalid = "invalidApplicationInfo";
    expect_refusal(&harness, &start_session(USER, "wrong", None, None), invalid).await;
    expect_refusal(
        &harness,
        &start_session("nobody", PASSWORD, None, None),
        invalid,
    )
    .await;
    expect_refusal(
        &harness,
        &start_session("tapi", PASSWORD, None, None),
        invalid,
    )
    .await;
    expect_refusal(&harness, &start_session("", "", None, None), invalid).await;
    let no_login_info = session_message(
        "StartApplicationSession",
        "<applicationInfo><applicationID>x</applicationID></applicationInfo>",
    );
    expect_refusal(&harness, &no_login_info, invalid).await;
    let ed3_only = session_message(
        "StartApplicationSession",
        &format!(
            "<applicationInfo><applicationID>x</applicationID><applicationSpecificInfo><user>{USER}</user><password>s3cret&lt;&amp;&gt;</password></applicationSpecificInfo></applicationInfo><requestedProtocolVersions><protocolVersion>http://www.ecma-international.org/standards/ecma-323/csta/ed3</protocolVersion></requestedProtocolVersions>"
        ),
    );
    expect_refusal(&harness, &ed3_only, "requestedProtocolVersionNotSupported").await;
    // The same login without the version list is fine (OpenScape-style `user`).
    let mut client = harness.client().await;
    let response = client
        .request(&ed3_only.replace(
            "<requestedProtocolVersions><protocolVersion>http://www.ecma-international.org/standards/ecma-323/csta/ed3</protocolVersion></requestedProtocolVersions>",
            "",
        ))
        .await;
    assert_eq!(response.name(), "StartApplicationSessionPosResponse");
    assert_eq!(harness.hub.stats().await.attached_sessions, 1);
}

#[tokio::test]
async fn requests_before_login_are_errors_and_the_login_may_follow() {
    let harness = Harness::start().await;
    let mut client = harness.client().await;
    let response = client.request(&monitor_start("201")).await;
    assert_eq!(response.error(), "operation/requestIncompatibleWithObject");
    let response = client.request(&reset_timer("x", 10)).await;
    assert_eq!(response.error(), "operation/requestIncompatibleWithObject");
    client.send(5, "not xml at all").await;
    assert_eq!(
        client.response(5).await.error(),
        "operation/invalidParameterValue"
    );
    client.login(USER, PASSWORD).await;
    assert!(client.monitor("201").await.parse::<u64>().is_ok());
}

#[tokio::test]
async fn a_client_that_does_not_log_in_in_time_is_closed() {
    let settings = CtiSettings {
        login_timeout: Duration::from_millis(300),
        ..cti_settings()
    };
    let harness = Harness::start_with(hub_settings(), settings).await;
    let mut silent = harness.client().await;
    assert!(silent.until_closed().await.is_empty());

    // Requests before the login do not extend the timeout.
    let mut chatty = harness.client().await;
    let mut errors = 0;
    let frames = loop {
        let invoke = chatty.invoke();
        chatty.send(invoke, &monitor_start("201")).await;
        match chatty.read_frame().await {
            Some(frame) => {
                assert_eq!(frame.error(), "operation/requestIncompatibleWithObject");
                errors += 1;
            }
            None => break errors,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(frames >= 1);
    assert_eq!(harness.hub.stats().await.attached_sessions, 0);
}

#[tokio::test]
async fn the_session_timer_is_kept_by_resets_and_ends_the_session_when_it_runs_out() {
    let harness = Harness::start().await;
    let mut client = harness.client().await;
    let response = client
        .request(&start_session(USER, PASSWORD, Some(2), None))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(pos.actual_session_duration, Some(2));
    let session = pos.session_id;
    client.monitor("201").await;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let response = client.request(&reset_timer(&session, 2)).await;
        let CstaMessage::ResetApplicationSessionTimerPosResponse(reset) = response.message() else {
            panic!("{}", response.xml)
        };
        assert_eq!(reset.actual_session_duration, Some(2));
    }
    // A reset for another session is refused and does not count.
    let response = client.request(&reset_timer("not-mine", 2)).await;
    let CstaMessage::ResetApplicationSessionTimerNegResponse(neg) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(
        neg.error_code.unwrap().defined_error.as_deref(),
        Some("invalidSessionID")
    );
    assert_eq!(
        client
            .request(&csta("RequestSystemStatus", ""))
            .await
            .name(),
        "RequestSystemStatusResponse"
    );

    let frames = client.until_closed().await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0].invoke, 9999);
    let CstaMessage::StopApplicationSession(stop) = frames[0].message() else {
        panic!("{}", frames[0].xml)
    };
    assert_eq!(stop.session_id, session);
    assert!(
        stop.session_end_reason
            .unwrap()
            .defined_end_reason
            .is_some()
    );
    // The session is gone, not kept for resuming, and its monitor is released.
    harness
        .until_stats("the session to be closed", |s| {
            s.attached_sessions == 0 && s.detached_sessions == 0 && s.monitored_lines == 0
        })
        .await;
}

#[tokio::test]
async fn stop_application_session_ends_the_session_and_the_connection() {
    let harness = Harness::start().await;
    let (mut client, session) = harness.logged_in().await;
    client.monitor("201").await;
    let response = client.request(&stop_session("someone-else")).await;
    assert_eq!(response.name(), "StopApplicationSessionNegResponse");
    let invoke = client.invoke();
    client.send(invoke, &stop_session(&session)).await;
    let frames = client.until_closed().await;
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert_eq!(frames[0].invoke, invoke);
    assert_eq!(frames[0].name(), "StopApplicationSessionPosResponse");
    harness
        .until_stats("the session to be closed", |s| {
            s.attached_sessions == 0 && s.detached_sessions == 0 && s.monitored_lines == 0
        })
        .await;
    harness
        .until_seen("the monitor to stop", |seen| {
            seen.contains(&Seen::MonitorStop(LINE.into()))
        })
        .await;
}

#[tokio::test]
async fn a_second_start_application_session_is_refused_without_closing() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    let response = client
        .request(&start_session(USER, PASSWORD, None, None))
        .await;
    assert_eq!(response.name(), "StartApplicationSessionNegResponse");
    client.monitor("201").await;
}

#[tokio::test]
async fn a_resumed_session_gets_exactly_the_missed_events_then_live_ones() {
    let harness = Harness::start().await;
    let (mut client, session) = harness.logged_in().await;
    let cross_ref = client.monitor("201").await;
    harness.event(LINE, "ev-1").await;
    let first = client.next_event().await;
    assert_eq!(first.call(), "ev-1");
    let last_seen = first.seq();
    drop(client);
    harness
        .until_stats("the session to be detached", |s| s.detached_sessions == 1)
        .await;

    harness.event(LINE, "ev-2").await;
    harness.event(OTHER_LINE, "not-monitored").await;
    harness.event(LINE, "ev-3").await;
    harness.hub.stats().await;

    let mut client = harness.client().await;
    let invoke = client.invoke();
    client
        .send(
            invoke,
            &start_session(USER, PASSWORD, None, Some((&session, last_seen))),
        )
        .await;
    let response = client.response(invoke).await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(pos.session_id, session, "the same session continues");
    assert_eq!(
        pos.extensions.clone().and_then(|e| e.session_resume),
        Some(SessionResume::Resumed)
    );
    assert!(
        response
            .xml
            .contains("<sessionResume xmlns=\"urn:callboard:csta\">resumed</sessionResume>")
    );

    let second = client.next_event().await;
    let third = client.next_event().await;
    assert_eq!(
        (second.call(), third.call()),
        ("ev-2".into(), "ev-3".into())
    );
    assert!(last_seen < second.seq() && second.seq() < third.seq());
    let CstaMessage::DeliveredEvent(event) = third.message() else {
        panic!()
    };
    assert_eq!(event.monitor_cross_ref_id, cross_ref);
    harness.event(LINE, "ev-4").await;
    let fourth = client.next_event().await;
    assert_eq!(fourth.call(), "ev-4", "nothing in between: {}", fourth.xml);
    assert!(fourth.seq() > third.seq());
    // The monitor was kept throughout: one MonitorStart, no MonitorStop.
    assert_eq!(harness.seen(), vec![Seen::MonitorStart(LINE.into())]);
    // MonitorStop works on the resumed session.
    assert_eq!(
        client.request(&monitor_stop(&cross_ref)).await.name(),
        "MonitorStopResponse"
    );
}

#[tokio::test]
async fn a_resume_after_the_retention_window_gets_a_new_session_and_snapshot_required() {
    let hub = HubSettings {
        retention: Duration::from_millis(200),
        ..hub_settings()
    };
    let harness = Harness::start_with(hub, cti_settings()).await;
    let (mut client, session) = harness.logged_in().await;
    client.monitor("201").await;
    harness.event(LINE, "ev-1").await;
    let last_seen = client.next_event().await.seq();
    drop(client);
    harness
        .until_stats("the session to be detached", |s| s.detached_sessions == 1)
        .await;
    harness
        .until_stats("the detached session to expire", |s| {
            s.detached_sessions == 0 && s.monitored_lines == 0
        })
        .await;

    let mut client = harness.client().await;
    let response = client
        .request(&start_session(
            USER,
            PASSWORD,
            None,
            Some((&session, last_seen)),
        ))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_ne!(pos.session_id, session, "a new session");
    assert_eq!(
        pos.extensions.clone().and_then(|e| e.session_resume),
        Some(SessionResume::SnapshotRequired)
    );
    assert!(
        response.xml.contains(
            "<sessionResume xmlns=\"urn:callboard:csta\">snapshotRequired</sessionResume>"
        )
    );
    // The new session starts without monitors.
    harness.event(LINE, "ev-2").await;
    client.monitor("201").await;
    harness.event(LINE, "ev-3").await;
    assert_eq!(client.next_event().await.call(), "ev-3");
}

#[tokio::test]
async fn another_account_cannot_resume_a_session() {
    let harness = Harness::start().await;
    let (client, session) = harness.logged_in().await;
    drop(client);
    harness
        .until_stats("the session to be detached", |s| s.detached_sessions == 1)
        .await;
    let mut intruder = harness.client().await;
    let response = intruder
        .request(&start_session("tapi", "other", None, Some((&session, 0))))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_ne!(pos.session_id, session);
    assert_eq!(
        pos.extensions.clone().and_then(|e| e.session_resume),
        Some(SessionResume::SnapshotRequired)
    );
    // The owner still can.
    let mut owner = harness.client().await;
    let response = owner
        .request(&start_session(USER, PASSWORD, None, Some((&session, 0))))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(pos.session_id, session);
    assert_eq!(
        pos.extensions.clone().and_then(|e| e.session_resume),
        Some(SessionResume::Resumed)
    );
}

#[tokio::test]
async fn resuming_on_a_new_connection_cuts_the_old_one_off() {
    let harness = Harness::start().await;
    let (mut old, session) = harness.logged_in().await;
    old.monitor("201").await;
    harness.event(LINE, "ev-1").await;
    let last_seen = old.next_event().await.seq();

    let mut new = harness.client().await;
    let response = new
        .request(&start_session(
            USER,
            PASSWORD,
            None,
            Some((&session, last_seen)),
        ))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(
        pos.extensions.clone().and_then(|e| e.session_resume),
        Some(SessionResume::Resumed)
    );
    assert!(old.until_closed().await.is_empty());
    // The old connection's end must not detach the session from the new one.
    harness.hub.stats().await;
    harness.event(LINE, "ev-2").await;
    assert_eq!(new.next_event().await.call(), "ev-2");
    let stats = harness.hub.stats().await;
    assert_eq!((stats.attached_sessions, stats.detached_sessions), (1, 0));
}

#[tokio::test]
async fn shutdown_closes_every_connection_and_keeps_sessions_resumable() {
    let harness = Harness::start().await;
    let (mut a, _) = harness.logged_in().await;
    let mut b = harness.client().await;
    harness.shutdown.cancel();
    assert!(a.until_closed().await.is_empty());
    assert!(b.until_closed().await.is_empty());
    tokio::time::timeout(PATIENCE, harness.server)
        .await
        .expect("serve returns after shutdown")
        .unwrap();
    let stats = harness.hub.stats().await;
    assert_eq!((stats.attached_sessions, stats.detached_sessions), (0, 1));
}

#[tokio::test]
async fn a_failed_resume_does_not_end_a_session_that_is_still_attached() {
    let harness = Harness::start().await;
    let (mut victim, session) = harness.logged_in().await;
    victim.monitor("201").await;
    // Someone resumes the session with an impossible sequence number: they get a new session
    // and must snapshot, while the connection that holds the session keeps it.
    let mut other = harness.client().await;
    let response = other
        .request(&start_session(
            USER,
            PASSWORD,
            None,
            Some((&session, u64::MAX)),
        ))
        .await;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = response.message() else {
        panic!("{}", response.xml)
    };
    assert_eq!(
        pos.extensions.clone().and_then(|e| e.session_resume),
        Some(SessionResume::SnapshotRequired)
    );
    assert_ne!(pos.session_id, session);
    harness.event("201", "1").await;
    let event = victim.next_event().await;
    assert_eq!(event.name(), "DeliveredEvent", "{}", event.xml);
    harness
        .until_stats("both sessions attached", |s| {
            s.attached_sessions == 2 && s.detached_sessions == 0 && s.monitored_lines == 1
        })
        .await;
}
