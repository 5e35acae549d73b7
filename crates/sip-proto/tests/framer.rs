//! The stream framer: chunking, pipelining, keep-alives, limits and garbage.

use bytes::BytesMut;
use sip_proto::{Frame, FrameError, Framer, FramerLimits, Method, ParseError, SipMessage};

fn message(call_id: &str, body: &str) -> Vec<u8> {
    format!(
        "MESSAGE sip:bob@example.com SIP/2.0\r\n\
         Via: SIP/2.0/TCP 192.0.2.7;branch=z9hG4bK{call_id}\r\n\
         To: <sip:bob@example.com>\r\n\
         From: <sip:alice@example.com>;tag=9\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 1 MESSAGE\r\n\
         Content-Type: text/plain\r\n\
         Content-Length: {}\r\n\
         \r\n\
         {body}",
        body.len()
    )
    .into_bytes()
}

/// Feeds `input` in chunks of `chunk` bytes, collecting frames until an error.
fn feed(
    framer: &mut Framer,
    input: &[u8],
    chunk: usize,
) -> (Vec<Frame>, Option<FrameError>, BytesMut) {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for piece in input.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            match framer.decode(&mut buf) {
                Ok(Some(f)) => frames.push(f),
                Ok(None) => break,
                Err(e) => return (frames, Some(e), buf),
            }
        }
    }
    (frames, None, buf)
}

fn call_ids(frames: &[Frame]) -> Vec<String> {
    frames
        .iter()
        .map(|f| match f {
            Frame::Message(m) => m.call_id().unwrap().to_owned(),
            Frame::Ping => "ping".to_owned(),
            Frame::Pong => "pong".to_owned(),
        })
        .collect()
}

#[test]
fn message_split_into_tiny_chunks() {
    let input = message("a1", "hello, world");
    let expected = SipMessage::parse(&input).unwrap();
    for chunk in [1, 2, 3, 7, 64, input.len()] {
        let (frames, err, rest) = feed(&mut Framer::default(), &input, chunk);
        assert_eq!(err, None);
        assert_eq!(frames, [Frame::Message(expected.clone())], "chunk {chunk}");
        assert!(rest.is_empty());
    }
}

#[test]
fn partial_message_stays_buffered() {
    let input = message("a1", "hello");
    let mut framer = Framer::default();
    let mut buf = BytesMut::from(&input[..input.len() - 2]);
    assert_eq!(framer.decode(&mut buf), Ok(None));
    assert_eq!(framer.decode(&mut buf), Ok(None));
    assert_eq!(buf.len(), input.len() - 2, "nothing consumed");
    buf.extend_from_slice(&input[input.len() - 2..]);
    assert!(matches!(
        framer.decode(&mut buf),
        Ok(Some(Frame::Message(_)))
    ));
    assert!(buf.is_empty());
}

#[test]
fn two_messages_in_one_buffer() {
    let mut input = message("first", "1");
    input.extend(message("second", "22"));
    input.extend_from_slice(b"INVITE sip:x");
    let mut framer = Framer::default();
    let mut buf = BytesMut::from(&input[..]);
    let mut frames = Vec::new();
    while let Some(f) = framer.decode(&mut buf).unwrap() {
        frames.push(f);
    }
    assert_eq!(call_ids(&frames), ["first", "second"]);
    assert_eq!(
        &buf[..],
        b"INVITE sip:x",
        "the next message's start stays buffered"
    );
}

#[test]
fn keep_alives() {
    let mut input = b"\r\n\r\n".to_vec();
    input.extend(message("a", ""));
    input.extend_from_slice(b"\r\n");
    input.extend(message("b", "x"));
    input.extend_from_slice(b"\r\n\r\n\r\n\r\n");
    for chunk in [1, 3, input.len()] {
        let (frames, err, rest) = feed(&mut Framer::default(), &input, chunk);
        assert_eq!(err, None);
        assert_eq!(
            call_ids(&frames),
            ["ping", "a", "pong", "b", "ping", "ping"],
            "chunk {chunk}"
        );
        assert!(rest.is_empty());
    }
    // a lone CRLF at the end of the buffer may be the first half of a ping
    let mut framer = Framer::default();
    let mut buf = BytesMut::from(&b"\r\n"[..]);
    assert_eq!(framer.decode(&mut buf), Ok(None));
    buf.extend_from_slice(b"\r\n");
    assert_eq!(framer.decode(&mut buf), Ok(Some(Frame::Ping)));
}

#[test]
fn header_limit_is_enforced_before_buffering_more() {
    let limits = FramerLimits {
        max_header_bytes: 400,
        max_body_bytes: 1000,
    };
    // a head of exactly 400 bytes is accepted
    let mut input = message("x", "");
    let pad = 400 - input.len();
    let filler = format!("X-Pad: {}\r\n", "p".repeat(pad - 9));
    let at = input.len() - 2;
    input.splice(at..at, filler.into_bytes());
    assert_eq!(input.len(), 400);
    let (frames, err, _) = feed(&mut Framer::new(limits), &input, 1);
    assert_eq!((frames.len(), err), (1, None));

    // one more byte and the framer refuses once the limit is reached, without
    // waiting for the end of the headers
    let mut input = input.clone();
    input.insert(input.len() - 4, b'p');
    let mut framer = Framer::new(limits);
    let mut buf = BytesMut::new();
    let mut error_at = None;
    for (i, b) in input.iter().enumerate() {
        buf.extend_from_slice(&[*b]);
        if let Err(e) = framer.decode(&mut buf) {
            assert_eq!(e, FrameError::HeadersTooLarge { limit: 400 });
            assert!(e.is_fatal());
            error_at = Some(i + 1);
            break;
        }
    }
    assert_eq!(error_at, Some(400));
}

#[test]
fn body_limit_is_checked_before_waiting_for_the_body() {
    let limits = FramerLimits {
        max_header_bytes: 1000,
        max_body_bytes: 10,
    };
    let input = message("x", "01234567890");
    let head_len = input.len() - 11;
    let mut framer = Framer::new(limits);
    let mut buf = BytesMut::from(&input[..head_len]);
    assert_eq!(
        framer.decode(&mut buf),
        Err(FrameError::BodyTooLarge {
            length: 11,
            limit: 10
        })
    );
    let input = message("x", "0123456789");
    assert!(matches!(
        feed(&mut Framer::new(limits), &input, 5).0.as_slice(),
        [Frame::Message(_)]
    ));
}

#[test]
fn unlimited_body_limit_does_not_overflow() {
    let limits = FramerLimits {
        max_header_bytes: 1000,
        max_body_bytes: usize::MAX,
    };
    let mut buf =
        BytesMut::from(&b"OPTIONS sip:a@b SIP/2.0\r\nl: 18446744073709551615\r\n\r\nab"[..]);
    assert_eq!(Framer::new(limits).decode(&mut buf), Ok(None));
}

#[test]
fn content_length_is_mandatory_on_a_stream() {
    let input = b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n";
    let (_, err, _) = feed(&mut Framer::default(), input, 4);
    assert_eq!(err, Some(FrameError::MissingContentLength));
    let input = b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: ten\r\n\r\n";
    let (_, err, _) = feed(&mut Framer::default(), input, 4);
    assert_eq!(err, Some(FrameError::InvalidContentLength));
    let input = b"OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab";
    let (_, err, _) = feed(&mut Framer::default(), input, 4);
    assert_eq!(err, Some(FrameError::InvalidContentLength));
}

#[test]
fn invalid_message_is_consumed_and_decoding_goes_on() {
    let mut input = message("bad", "x");
    // CSeq method does not match: valid framing, invalid message
    let text = String::from_utf8(input)
        .unwrap()
        .replace("CSeq: 1 MESSAGE", "CSeq: 1 INVITE");
    input = text.into_bytes();
    input.extend(message("good", "y"));
    let mut framer = Framer::default();
    let mut buf = BytesMut::from(&input[..]);
    let err = framer.decode(&mut buf).unwrap_err();
    assert!(matches!(
        err,
        FrameError::Parse(ParseError::CSeqMethodMismatch { .. })
    ));
    assert!(!err.is_fatal());
    let Ok(Some(Frame::Message(m))) = framer.decode(&mut buf) else {
        panic!("the next message should decode");
    };
    assert_eq!(m.call_id().unwrap(), "good");

    // decode_unvalidated hands the invalid message over for an error response
    let text = String::from_utf8(message("bad", "x"))
        .unwrap()
        .replace("CSeq: 1 MESSAGE", "CSeq: 1 INVITE");
    let mut buf = BytesMut::from(text.as_bytes());
    let Ok(Some(Frame::Message(m))) = Framer::default().decode_unvalidated(&mut buf) else {
        panic!("framing should succeed");
    };
    assert_eq!(m.method(), Some(&Method::Message));
    assert!(m.validate().is_err());
}

#[test]
fn garbage_produces_an_error_not_a_hang() {
    // binary garbage without line structure hits the header limit
    let garbage: Vec<u8> = (0..40_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (frames, err, _) = feed(&mut Framer::default(), &garbage, 1000);
    assert!(frames.is_empty());
    assert!(
        matches!(err, Some(FrameError::HeadersTooLarge { .. })),
        "{err:?}"
    );
    // another protocol, or text garbage with a blank line, with or without a Content-Length:
    // not SIP, and the connection must close
    for other in [
        &b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"\x16\x03\x01 junk\r\nl: 2\r\n\r\nzz",
    ] {
        let (frames, err, _) = feed(&mut Framer::default(), other, 3);
        assert!(frames.is_empty());
        assert_eq!(err, Some(FrameError::NotSip));
        assert!(FrameError::NotSip.is_fatal());
    }
    // a SIP start line that does not parse, with a Content-Length, is framed and reported as
    // a parse error (the connection may go on)
    let (_, err, rest) = feed(
        &mut Framer::default(),
        b"REGISTER SIP/2.0\r\nl: 2\r\n\r\nzz",
        3,
    );
    assert!(matches!(err, Some(FrameError::Parse(_))), "{err:?}");
    assert!(rest.is_empty());
}
