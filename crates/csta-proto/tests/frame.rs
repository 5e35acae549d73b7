//! TCP frame header: encode/decode vectors, split delivery, bad headers.

use bytes::BytesMut;
use csta_proto::*;

#[test]
fn encode_vectors() {
    let f = encode_frame(1, b"<a/>").unwrap();
    assert_eq!(&f[..], b"\x00\x00\x00\x0c0001<a/>");
    let f = encode_frame(EVENT_INVOKE_ID, b"").unwrap();
    assert_eq!(&f[..], b"\x00\x00\x00\x089999");
    let f = encode_frame(42, &[b'x'; 300]).unwrap();
    assert_eq!(&f[..8], b"\x00\x00\x01\x340042");
    assert_eq!(f.len(), 308);
    assert_eq!(
        encode_frame(10000, b"").unwrap_err(),
        FrameError::InvokeIdOutOfRange(10000)
    );
    let max = vec![b'x'; DEFAULT_MAX_FRAME - HEADER_LEN];
    assert_eq!(encode_frame(1, &max).unwrap().len(), DEFAULT_MAX_FRAME);
    let over = vec![b'x'; DEFAULT_MAX_FRAME - HEADER_LEN + 1];
    assert!(matches!(
        encode_frame(1, &over),
        Err(FrameError::TooLarge { length: 65536, .. })
    ));
}

/// The OpenScape capture: `00 00 03 EB 39 39 39 39` = 1003 bytes, event.
#[test]
fn openscape_capture_header() {
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ServiceInitiatedEvent xmlns=\"http://www.ecma-international.org/standards/ecma-323/csta/ed4\"><monitorCrossRefID>1</monitorCrossRefID><initiatedConnection><callID>FF000100000000003D9C6C5B</callID><deviceID>N&lt;302118840101&gt;</deviceID></initiatedConnection><initiatingDevice><deviceIdentifier>N&lt;302118840101&gt;</deviceIdentifier></initiatingDevice><localConnectionInfo>initiated</localConnectionInfo><cause>newCall</cause>";
    let tail = "</ServiceInitiatedEvent>";
    // Pad with whitespace inside the root to reach exactly 1003 - 8 bytes.
    let xml = format!("{head}{}{tail}", " ".repeat(995 - head.len() - tail.len()));
    assert_eq!(xml.len(), 995);
    let mut wire = BytesMut::from(&[0x00, 0x00, 0x03, 0xEB, 0x39, 0x39, 0x39, 0x39][..]);
    wire.extend_from_slice(xml.as_bytes());
    assert_eq!(&encode_frame(9999, xml.as_bytes()).unwrap()[..], &wire[..]);

    let mut dec = FrameDecoder::new();
    let frame = dec.decode(&mut wire).unwrap().unwrap();
    assert_eq!(frame.invoke_id, 9999);
    assert_eq!(frame.xml.len(), 995);
    assert!(wire.is_empty());
    let msg = decode(&frame.xml).unwrap();
    assert_eq!(msg.edition, Some(Edition::Ed4));
    let CstaMessage::ServiceInitiatedEvent(e) = msg.message else {
        panic!()
    };
    assert_eq!(
        e.initiated_connection.call_id.as_deref(),
        Some("FF000100000000003D9C6C5B")
    );
    assert_eq!(e.initiating_device, Party::device("N<302118840101>"));
}

#[test]
fn split_delivery_byte_by_byte() {
    let a = encode_frame(7, b"<RequestSystemStatus/>").unwrap();
    let b = encode_frame(
        9999,
        b"<SystemStatus><systemStatus>normal</systemStatus></SystemStatus>",
    )
    .unwrap();
    let wire: Vec<u8> = a.iter().chain(b.iter()).copied().collect();
    let mut dec = FrameDecoder::new();
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for byte in wire {
        buf.extend_from_slice(&[byte]);
        while let Some(f) = dec.decode(&mut buf).unwrap() {
            frames.push(f);
        }
    }
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].invoke_id, 7);
    assert_eq!(&frames[0].xml[..], b"<RequestSystemStatus/>");
    assert_eq!(frames[1].invoke_id, 9999);
    assert!(buf.is_empty());
}

#[test]
fn several_frames_in_one_read() {
    let mut buf = BytesMut::new();
    for id in 1..=3u16 {
        buf.extend_from_slice(&encode_frame(id, format!("<m{id}/>").as_bytes()).unwrap());
    }
    buf.extend_from_slice(b"\x00\x00"); // start of a fourth
    let mut dec = FrameDecoder::new();
    let ids: Vec<u16> = std::iter::from_fn(|| dec.decode(&mut buf).unwrap())
        .map(|f| f.invoke_id)
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(&buf[..], b"\x00\x00");
}

#[test]
fn bad_headers() {
    let mut dec = FrameDecoder::new();
    let mut buf = BytesMut::from(&b"\x00\x01\x00\x0c0001<a/>"[..]);
    assert_eq!(
        dec.decode(&mut buf).unwrap_err(),
        FrameError::BadFrameType(1)
    );
    let mut buf = BytesMut::from(&b"<?xml ve"[..]);
    assert!(matches!(
        dec.decode(&mut buf),
        Err(FrameError::BadFrameType(_))
    ));
    let mut buf = BytesMut::from(&b"\x00\x00\x00\x070001"[..]);
    assert_eq!(
        dec.decode(&mut buf).unwrap_err(),
        FrameError::LengthTooSmall(7)
    );
    let mut buf = BytesMut::from(&b"\x00\x00\x00\x00000"[..]);
    assert_eq!(dec.decode(&mut buf).unwrap(), None); // header incomplete
    buf.extend_from_slice(b"0");
    assert_eq!(
        dec.decode(&mut buf).unwrap_err(),
        FrameError::LengthTooSmall(0)
    );
    let mut buf = BytesMut::from(&b"\x00\x00\x00\x0c00a1<a/>"[..]);
    assert_eq!(
        dec.decode(&mut buf).unwrap_err(),
        FrameError::BadInvokeId(*b"00a1")
    );
    assert_eq!(
        FrameError::BadInvokeId(*b"0\x01a1").to_string(),
        r#"invoke ID is not four ASCII digits: "0\x01a1""#
    );
    // An empty body is a valid frame.
    let mut buf = BytesMut::from(&b"\x00\x00\x00\x080005"[..]);
    let f = dec.decode(&mut buf).unwrap().unwrap();
    assert_eq!((f.invoke_id, f.xml.len()), (5, 0));
}

#[test]
fn oversize_rejected_from_header() {
    let mut dec = FrameDecoder::with_max_frame(1000);
    let mut buf = BytesMut::from(&[0x00, 0x00, 0x03, 0xEB, b'9', b'9', b'9', b'9'][..]);
    assert_eq!(
        dec.decode(&mut buf).unwrap_err(),
        FrameError::TooLarge {
            length: 1003,
            limit: 1000
        }
    );
    let mut dec = FrameDecoder::default();
    let mut buf = BytesMut::from(&[0x00, 0x00, 0xFF, 0xFF, b'0', b'0', b'0', b'1'][..]);
    assert_eq!(dec.decode(&mut buf).unwrap(), None); // 65535 is allowed, waits for the body
}
