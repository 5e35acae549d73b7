//! Hostile and broken input: every case must give an error or a sensible
//! value, never a panic.

use csta_proto::*;
use proptest::prelude::*;

#[test]
fn non_xml_and_truncated() {
    for input in [
        &b""[..],
        b"   ",
        b"hello world",
        b"{\"json\": true}",
        b"<",
        b"<MakeCall",
        b"<MakeCall>",
        b"<MakeCall><callingDevice>201</callingDevice>",
        b"<MakeCall></MakeCal>",
        b"</MakeCall>",
        b"<MakeCall attr=unquoted/>",
        b"<?xml version=\"1.0\"?>",
        b"\x00\x00\x03\xeb9999<?xml version=\"1.0\"?><a/>",
    ] {
        assert!(
            decode(input).is_err(),
            "accepted {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn trailing_garbage_and_second_root() {
    assert_eq!(
        decode(b"<MonitorStopResponse/>x").unwrap_err(),
        DecodeError::TrailingContent
    );
    assert_eq!(
        decode(b"<MonitorStopResponse/><MonitorStopResponse/>").unwrap_err(),
        DecodeError::TrailingContent
    );
    assert!(decode(b"<MonitorStopResponse/>\r\n  \n").is_ok());
}

#[test]
fn too_deep() {
    let deep = format!(
        "<MakeCall>{}{}</MakeCall>",
        "<a>".repeat(40),
        "</a>".repeat(40)
    );
    assert_eq!(
        decode(deep.as_bytes()).unwrap_err(),
        DecodeError::TooDeep(DEFAULT_MAX_DEPTH)
    );
    let limits = ParseLimits {
        max_depth: 64,
        ..ParseLimits::default()
    };
    assert!(decode_with(deep.as_bytes(), &limits).is_err()); // missing callingDevice
    let ok = format!(
        "<MonitorStopResponse>{}{}</MonitorStopResponse>",
        "<a>".repeat(40),
        "</a>".repeat(40)
    );
    assert!(decode_with(ok.as_bytes(), &limits).is_ok());
}

#[test]
fn too_big() {
    let body = "x".repeat(DEFAULT_MAX_INPUT);
    let doc = format!("<MakeCall><callingDevice>{body}</callingDevice></MakeCall>");
    assert!(matches!(
        decode(doc.as_bytes()),
        Err(DecodeError::TooLarge { .. })
    ));
    let limits = ParseLimits {
        max_input: 200_000,
        ..ParseLimits::default()
    };
    assert!(decode_with(doc.as_bytes(), &limits).is_err()); // still lacks calledDirectoryNumber
}

#[test]
fn dtd_and_entities_refused() {
    let xxe = br#"<?xml version="1.0"?>
<!DOCTYPE MakeCall [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<MakeCall><callingDevice>&xxe;</callingDevice><calledDirectoryNumber>1</calledDirectoryNumber></MakeCall>"#;
    assert_eq!(decode(xxe).unwrap_err(), DecodeError::DoctypeForbidden);
    let bomb = br#"<!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><a>&b;</a>"#;
    assert_eq!(decode(bomb).unwrap_err(), DecodeError::DoctypeForbidden);
    assert!(matches!(
        decode(b"<MonitorStop><monitorCrossRefID>&undefined;</monitorCrossRefID></MonitorStop>"),
        Err(DecodeError::UnknownEntity(_))
    ));
    // The five predefined entities and character references are fine.
    let d = decode(b"<MonitorStop><monitorCrossRefID>&lt;&amp;&gt;&quot;&apos;&#65;&#x42;</monitorCrossRefID></MonitorStop>")
        .unwrap();
    assert_eq!(d.message.name(), "MonitorStop");
    let CstaMessage::MonitorStop(m) = d.message else {
        panic!()
    };
    assert_eq!(m.monitor_cross_ref_id, "<&>\"'AB");
}

#[test]
fn not_utf8() {
    assert_eq!(
        decode(b"<MonitorStop>\xc3\x28</MonitorStop>").unwrap_err(),
        DecodeError::NotUtf8
    );
    // A UTF-8 byte order mark is skipped.
    assert!(decode(b"\xEF\xBB\xBF<MonitorStopResponse/>").is_ok());
}

#[test]
fn wrong_types() {
    // Required boolean with garbage: error naming the element.
    let err = decode(b"<GetDoNotDisturbResponse><doNotDisturbOn>maybe</doNotDisturbOn></GetDoNotDisturbResponse>")
        .unwrap_err();
    assert_eq!(
        err,
        DecodeError::InvalidValue {
            element: "doNotDisturbOn".into(),
            value: "maybe".into()
        }
    );
    // xs:boolean numerals.
    let d = decode(
        b"<GetDoNotDisturbResponse><doNotDisturbOn>1</doNotDisturbOn></GetDoNotDisturbResponse>",
    )
    .unwrap();
    assert_eq!(
        d.message,
        GetDoNotDisturbResponse {
            do_not_disturb_on: true
        }
        .into()
    );
    // Optional number with garbage: dropped.
    let d = decode(b"<ForwardingEvent><monitorCrossRefID>1</monitorCrossRefID><device>201</device><forwardStatus>true</forwardStatus><ringCount>-3</ringCount></ForwardingEvent>")
        .unwrap();
    let CstaMessage::ForwardingEvent(f) = d.message else {
        panic!()
    };
    assert_eq!(f.ring_count, None);
    assert_eq!(f.device, Party::device("201"));
    // Unknown enum values are kept verbatim.
    let d = decode(b"<ConnectionClearedEvent><monitorCrossRefID>1</monitorCrossRefID><droppedConnection><callID>1</callID></droppedConnection><cause>vendorSpecial</cause></ConnectionClearedEvent>")
        .unwrap();
    let CstaMessage::ConnectionClearedEvent(e) = d.message else {
        panic!()
    };
    assert_eq!(e.cause, Some(EventCause::Other("vendorSpecial".into())));
    assert_eq!(e.releasing_device, Party::NotKnown);
    assert_eq!(e.local_connection_info, None);
}

#[test]
fn missing_required_fields() {
    assert!(matches!(
        decode(b"<DeliveredEvent><connection><callID>1</callID></connection></DeliveredEvent>"),
        Err(DecodeError::MissingElement { ref name, .. }) if name == "monitorCrossRefID"
    ));
    assert!(matches!(
        decode(b"<MakeCall><callingDevice>201</callingDevice></MakeCall>"),
        Err(DecodeError::MissingElement { ref name, .. }) if name == "calledDirectoryNumber"
    ));
}

#[test]
fn unknown_root_is_not_an_error() {
    let d = decode(br#"<csta:GetCSTAFeatures xmlns:csta="http://www.ecma-international.org/standards/ecma-323/csta/ed4"/>"#)
        .unwrap();
    assert_eq!(
        d.message,
        CstaMessage::Unknown {
            name: "GetCSTAFeatures".into()
        }
    );
    assert_eq!(d.edition, Some(Edition::Ed4));
}

#[test]
fn unbound_prefix_is_tolerated() {
    // No namespace declared at all: still decoded by local name.
    let d = decode(b"<csta:MonitorStopResponse/>").unwrap();
    assert_eq!(d.message, MonitorStopResponse {}.into());
    assert_eq!(d.edition, None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(d) = decode(&bytes) {
            let xml = encode(&d.message, d.edition.unwrap_or_default());
            let again = decode(xml.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again.message, d.message);
        }
    }

    #[test]
    fn mutated_documents_never_panic(
        idx in 0usize..102,
        cut in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let names = CstaMessage::NAMES;
        let name = names[idx % names.len()];
        let doc = format!(
            "<{name} xmlns=\"urn:x\"><monitorCrossRefID>1</monitorCrossRefID><connection><callID>1</callID><deviceID>2</deviceID></connection><device>3</device></{name}>"
        );
        let mut bytes = doc.into_bytes();
        let i = flip.index(bytes.len());
        bytes[i] = byte;
        let end = cut.index(bytes.len() + 1);
        for input in [&bytes[..], &bytes[..end]] {
            if let Ok(d) = decode(input) {
                let xml = encode(&d.message, Edition::Ed5);
                let again = decode(xml.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
                prop_assert_eq!(again.message, d.message, "{}", xml);
            }
        }
    }
}
