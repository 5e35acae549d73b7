//! Fuzzes the SIP stream framer and parser: arbitrary bytes, fed in arbitrary
//! chunks, must frame the same way as when fed whole, never panic, and every
//! message that parses must re-parse identically from its printed form.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use sip_proto::{Frame, FrameError, Framer, FramerLimits, SipMessage};

/// Small limits so that the limit paths are reached too.
const LIMITS: FramerLimits = FramerLimits {
    max_header_bytes: 2048,
    max_body_bytes: 4096,
};

/// Decodes `stream` fed in pieces whose sizes come from `cuts`.
fn decode_all(stream: &[u8], cuts: &[u8]) -> (Vec<Frame>, Option<FrameError>) {
    let mut framer = Framer::new(LIMITS);
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    let mut rest = stream;
    // No cuts: the whole stream at once.
    let mut sizes = cuts.iter().map(|&c| usize::from(c) + 1).cycle();
    while !rest.is_empty() {
        let n = sizes.next().unwrap_or(rest.len()).min(rest.len());
        let (piece, tail) = rest.split_at(n);
        buf.extend_from_slice(piece);
        rest = tail;
        loop {
            let before = buf.len();
            match framer.decode(&mut buf) {
                Ok(Some(frame)) => {
                    assert!(buf.len() < before, "a frame must consume bytes");
                    frames.push(frame);
                }
                Ok(None) => break,
                Err(e) if e.is_fatal() => return (frames, Some(e)),
                Err(e) => {
                    assert!(buf.len() < before, "a parse error must consume the message");
                    frames.push(Frame::Message(SipMessage::request(
                        sip_proto::Method::Other(format!("error: {e}")),
                        "",
                    )));
                }
            }
        }
    }
    (frames, None)
}

fn check_round_trip(bytes: &[u8]) {
    if let Ok(message) = SipMessage::parse(bytes) {
        let printed = message.to_bytes();
        let reparsed = SipMessage::parse(&printed)
            .unwrap_or_else(|e| panic!("printed message does not parse: {e}\n{printed:?}"));
        if message.headers.contains("Content-Length") {
            assert_eq!(reparsed, message, "round trip changed the message");
        }
        assert_eq!(reparsed.to_bytes(), reparsed.to_bytes());
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte says how many of the following bytes describe chunk sizes.
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let (cuts, stream) = rest.split_at(usize::from(n % 16).min(rest.len()));

    check_round_trip(stream);
    let whole = decode_all(stream, &[]);
    let chunked = decode_all(stream, cuts);
    assert_eq!(whole, chunked, "framing depends on chunking");
    for frame in &chunked.0 {
        if let Frame::Message(m) = frame {
            check_round_trip(&m.to_bytes());
        }
    }
});
