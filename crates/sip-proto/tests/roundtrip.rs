//! Property tests: print/parse round trip on generated messages, robustness on
//! mutated input, and framing independent of how the stream is chunked.
//!
//! Generated messages always carry a correct `Content-Length` written as the
//! printer writes it (the printer rewrites a wrong one and appends a missing
//! one), so printing a parsed message gives back the very same bytes.

use bytes::BytesMut;
use proptest::prelude::*;
use sip_proto::{Frame, Framer, FramerLimits, SipMessage};

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "REGISTER",
            "INVITE",
            "ACK",
            "BYE",
            "CANCEL",
            "OPTIONS",
            "INFO",
            "NOTIFY",
            "SUBSCRIBE",
            "MESSAGE",
            "UPDATE",
            "PRACK",
            "REFER",
            "PUBLISH",
        ])
        .prop_map(str::to_owned),
        "[A-Za-z0-9!%*_+`'~.-]{1,12}",
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}(\\.[a-z]{2,5}){0,2}",
        (any::<[u8; 4]>()).prop_map(|[a, b, c, d]| format!("{a}.{b}.{c}.{d}")),
        any::<[u16; 8]>().prop_map(|s| format!("[{}]", std::net::Ipv6Addr::from(s))),
    ]
}

fn uri() -> impl Strategy<Value = String> {
    (
        prop::option::of("[a-zA-Z0-9._~+-]{1,10}"),
        host(),
        prop::option::of(1u16..),
        prop::collection::vec(
            ("[a-z][a-z0-9-]{0,6}", prop::option::of("[a-zA-Z0-9.]{1,8}")),
            0..3,
        ),
    )
        .prop_map(|(user, host, port, params)| {
            let mut s = String::from("sip:");
            if let Some(u) = user {
                s += &u;
                s.push('@');
            }
            s += &host;
            if let Some(p) = port {
                s += &format!(":{p}");
            }
            for (n, v) in params {
                s += &match v {
                    Some(v) => format!(";{n}={v}"),
                    None => format!(";{n}"),
                };
            }
            s
        })
}

/// A header value: token characters with single inner spaces.
fn value() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9!%*_+`'~.-]{1,8}", 1..4).prop_map(|w| w.join(" "))
}

/// Raw bytes of a valid request or response.
fn message() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::option::of((100u16..700, "[A-Za-z][A-Za-z ]{0,15}")),
        method(),
        uri(),
        host(),
        "[a-zA-Z0-9]{1,16}(@[a-z0-9.]{1,10})?",
        any::<u32>(),
        prop::collection::vec(("X-[A-Za-z0-9-]{1,10}", value()), 0..6),
        prop::collection::vec(any::<u8>(), 0..200),
        any::<bool>(),
    )
        .prop_map(
            |(status, method, uri, via_host, call_id, seq, extra, body, compact)| {
                let mut out = match &status {
                    Some((code, reason)) => format!("SIP/2.0 {code} {reason}\r\n"),
                    None => format!("{method} {uri} SIP/2.0\r\n"),
                };
                let (via, from, to, cid, len) = if compact {
                    ("v", "f", "t", "i", "l")
                } else {
                    ("Via", "From", "To", "Call-ID", "Content-Length")
                };
                out += &format!("{via}: SIP/2.0/TCP {via_host};branch=z9hG4bK{seq}\r\n");
                out += &format!("{from}: <{uri}>;tag={seq}\r\n");
                out += &format!("{to}: \"Some One\" <{uri}>\r\n");
                out += &format!("{cid}: {call_id}\r\n");
                out += &format!("CSeq: {seq} {method}\r\n");
                for (n, v) in extra {
                    out += &format!("{n}: {v}\r\n");
                }
                out += &format!("{len}: {}\r\n\r\n", body.len());
                let mut bytes = out.into_bytes();
                bytes.extend(body);
                bytes
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn print_parse_round_trip(bytes in message()) {
        let m = SipMessage::parse(&bytes).unwrap();
        let printed = m.to_bytes();
        prop_assert_eq!(&printed[..], &bytes[..]);
        prop_assert_eq!(SipMessage::parse(&printed).unwrap(), m);
    }

    #[test]
    fn mutated_messages_never_panic_and_reprint_stably(
        bytes in message(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut bytes = bytes;
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        if let Ok(m) = SipMessage::parse(&bytes) {
            let reparsed = SipMessage::parse(&m.to_bytes());
            prop_assert!(reparsed.is_ok(), "{:?}", reparsed);
            if m.headers.contains("Content-Length") {
                prop_assert_eq!(reparsed.unwrap(), m);
            }
        }
        let mut framer = Framer::new(FramerLimits::default());
        let mut buf = BytesMut::from(&bytes[..]);
        // every call either consumes bytes, waits, or fails
        for _ in 0..bytes.len() + 2 {
            let before = buf.len();
            match framer.decode(&mut buf) {
                Ok(Some(_)) => prop_assert!(buf.len() < before),
                Ok(None) => break,
                Err(e) if e.is_fatal() => break,
                Err(_) => prop_assert!(buf.len() < before),
            }
        }
    }

    #[test]
    fn framing_does_not_depend_on_chunking(
        messages in prop::collection::vec(message(), 1..4),
        pings in prop::collection::vec(any::<bool>(), 4),
        cuts in prop::collection::vec(1usize..64, 1..40),
    ) {
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        for (i, m) in messages.iter().enumerate() {
            if pings[i] {
                stream.extend_from_slice(b"\r\n\r\n");
                expected.push(Frame::Ping);
            }
            stream.extend_from_slice(m);
            expected.push(Frame::Message(SipMessage::parse(m).unwrap()));
        }
        let mut framer = Framer::new(FramerLimits::default());
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        let mut rest = &stream[..];
        let mut cut = cuts.iter().cycle();
        while !rest.is_empty() {
            let n = (*cut.next().unwrap_or(&1)).min(rest.len());
            buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            while let Some(f) = framer.decode(&mut buf).unwrap() {
                frames.push(f);
            }
        }
        prop_assert_eq!(frames, expected);
        prop_assert!(buf.is_empty());
    }
}
