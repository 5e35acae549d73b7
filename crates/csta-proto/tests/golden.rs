//! Golden tests: `encode` of every message kind (ed5, plus a few in ed3 and
//! ed6) against committed insta snapshots; every document must be
//! well-formed (checked with roxmltree) and decode back to the same message.

mod samples;

use csta_proto::*;

fn check(msg: &CstaMessage, edition: Edition) -> String {
    let xml = encode(msg, edition);
    let doc =
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), msg.name());
    let expected_ns = if msg.is_session() {
        SESSION_NAMESPACE
    } else {
        edition.namespace()
    };
    assert_eq!(root.tag_name().namespace(), Some(expected_ns));
    let back = decode(xml.as_bytes()).unwrap_or_else(|e| panic!("decode failed: {e}\n{xml}"));
    assert_eq!(&back.message, msg, "round trip changed the message:\n{xml}");
    if !msg.is_session() {
        assert_eq!(back.edition, Some(edition));
    }
    xml
}

#[test]
fn every_message_in_ed5() {
    let all = samples::all();
    for msg in &all {
        let xml = check(msg, Edition::Ed5);
        insta::assert_snapshot!(format!("ed5_{}", msg.name()), xml);
    }
}

#[test]
fn some_messages_in_ed3_and_ed6() {
    let picked = [
        "RequestSystemStatus",
        "SystemStatus",
        "MakeCall",
        "MonitorStartResponse",
        "DeliveredEvent",
        "CSTAErrorCode",
        "StartApplicationSession",
    ];
    for msg in samples::all().iter().filter(|m| picked.contains(&m.name())) {
        insta::assert_snapshot!(format!("ed3_{}", msg.name()), check(msg, Edition::Ed3));
        insta::assert_snapshot!(format!("ed6_{}", msg.name()), check(msg, Edition::Ed6));
    }
    for msg in samples::all() {
        check(&msg, Edition::Ed4);
    }
}

#[test]
fn samples_cover_every_kind_once() {
    let all = samples::all();
    let mut names: Vec<&str> = all.iter().map(|m| m.name()).collect();
    names.sort_unstable();
    let mut known: Vec<&str> = CstaMessage::NAMES.to_vec();
    known.sort_unstable();
    assert_eq!(names, known);
}
