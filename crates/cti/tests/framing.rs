//! Bad input on the byte stream: broken headers close the connection, a stalled frame is
//! closed after the timeout, undecodable XML in a good frame is a CSTA error on a kept
//! connection.

mod common;

use std::time::Duration;

use callboard_cti::CtiSettings;
use common::*;

async fn closed_after(harness: &Harness, bytes: &[u8], logged_in: bool) {
    let mut client = harness.client().await;
    if logged_in {
        client.login(USER, PASSWORD).await;
    }
    client.send_raw(bytes).await;
    let frames = client.until_closed().await;
    assert!(frames.is_empty(), "{frames:?}");
}

#[tokio::test]
async fn a_bad_frame_header_closes_the_connection() {
    let harness = Harness::start().await;
    let good = frame(1, &start_session(USER, PASSWORD, None, None));
    // First word not zero (a SOAP variant, or not CSTA at all).
    let mut soap = good.clone();
    soap[1] = 1;
    closed_after(&harness, &soap, false).await;
    closed_after(&harness, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false).await;
    // Length below the header's own size.
    closed_after(&harness, &[0, 0, 0, 7, b'0', b'0', b'0', b'1'], false).await;
    closed_after(&harness, &[0, 0, 0, 0, b'0', b'0', b'0', b'1'], true).await;
    // Invoke ID not four digits.
    let mut letters = good.clone();
    letters[5] = b'x';
    closed_after(&harness, &letters, false).await;
    let mut space = frame(3, &csta("RequestSystemStatus", ""));
    space[4] = b' ';
    closed_after(&harness, &space, true).await;
    // The two logged-in sessions stay resumable after such a close.
    harness
        .until_stats("both sessions to be detached", |s| {
            s.attached_sessions == 0 && s.detached_sessions == 2
        })
        .await;
}

#[tokio::test]
async fn frames_above_the_configured_maximum_close_the_connection() {
    let settings = CtiSettings {
        max_frame: 1024,
        ..cti_settings()
    };
    let harness = Harness::start_with(hub_settings(), settings).await;
    let padding = "<x/>".repeat(300);
    closed_after(
        &harness,
        &frame(1, &csta("RequestSystemStatus", &padding)),
        true,
    )
    .await;
    // Just below the limit is fine.
    let (mut client, _) = harness.logged_in().await;
    let xml = csta("RequestSystemStatus", "");
    let fill = "<x/>".repeat((1024 - 8 - xml.len()) / 4);
    let response = client.request(&csta("RequestSystemStatus", &fill)).await;
    assert_eq!(response.name(), "RequestSystemStatusResponse");
}

#[tokio::test]
async fn a_frame_that_stalls_half_way_is_closed_after_the_timeout() {
    let settings = CtiSettings {
        login_timeout: Duration::from_millis(400),
        ..cti_settings()
    };
    let harness = Harness::start_with(hub_settings(), settings).await;
    // Declares 500 bytes, sends 20, stalls: before and after the login.
    let mut partial = vec![0, 0, 0x01, 0xF4, b'0', b'0', b'0', b'1'];
    partial.extend_from_slice(b"<?xml version=\"1.0\"");
    closed_after(&harness, &partial, false).await;
    closed_after(&harness, &partial, true).await;
    harness
        .until_stats("the stalled session to be detached", |s| {
            s.attached_sessions == 0 && s.detached_sessions == 1
        })
        .await;
}

#[tokio::test]
async fn a_stalled_frame_ends_with_the_server() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    client
        .send_raw(&[0, 0, 0x01, 0xF4, b'0', b'0', b'0', b'1', b'<'])
        .await;
    harness.hub.stats().await;
    harness.shutdown.cancel();
    assert!(client.until_closed().await.is_empty());
}

#[tokio::test]
async fn undecodable_xml_in_a_good_frame_is_a_csta_error_and_the_connection_stays() {
    let harness = Harness::start().await;
    let (mut client, _) = harness.logged_in().await;
    let bad: Vec<(u16, Vec<u8>)> = vec![
        (11, b"hello".to_vec()),
        (12, b"<MakeCall><callingDevice>201</MakeCall>".to_vec()),
        (13, vec![0xFF, 0xFE, 0x00, 0x41]),
        (14, Vec::new()),
        (
            15,
            b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><MakeCall>&a;</MakeCall>".to_vec(),
        ),
        // Well-formed, but a required element is missing.
        (16, csta("MakeCall", "").into_bytes()),
    ];
    for (invoke, payload) in &bad {
        let length = u16::try_from(payload.len() + 8).unwrap();
        let mut bytes = vec![0, 0];
        bytes.extend_from_slice(&length.to_be_bytes());
        bytes.extend_from_slice(format!("{invoke:04}").as_bytes());
        bytes.extend_from_slice(payload);
        client.send_raw(&bytes).await;
        let response = client.response(*invoke).await;
        assert_eq!(response.error(), "operation/invalidParameterValue");
    }
    assert!(client.monitor("201").await.parse::<u64>().is_ok());
}

#[tokio::test]
async fn frames_split_and_joined_arbitrarily_are_all_served() {
    let harness = Harness::start().await;
    let mut client = harness.client().await;
    let mut bytes = frame(1, &start_session(USER, PASSWORD, None, None));
    for invoke in 2..=20 {
        bytes.extend_from_slice(&frame(invoke, &csta("RequestSystemStatus", "")));
    }
    for chunk in bytes.chunks(7) {
        client.send_raw(chunk).await;
    }
    let mut invokes = Vec::new();
    for _ in 1..=20 {
        invokes.push(client.read_frame().await.unwrap().invoke);
    }
    assert_eq!(invokes, (1..=20).collect::<Vec<u16>>());
}
