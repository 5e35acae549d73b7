//! Fuzz target for the CSTA XML codec and the TCP frame decoder.
//!
//! Arbitrary bytes go into `csta_proto::decode` and, as a byte stream, into
//! the `FrameDecoder`. Nothing may panic; whatever decodes must encode to a
//! document that decodes again.

#![no_main]

use bytes::BytesMut;
use csta_proto::{Edition, FrameDecoder, decode, encode};
use libfuzzer_sys::fuzz_target;

fn check_document(data: &[u8]) {
    if let Ok(decoded) = decode(data) {
        let edition = decoded.edition.unwrap_or_default();
        let xml = encode(&decoded.message, edition);
        let again = decode(xml.as_bytes()).expect("re-decoding our own encoding failed");
        assert_eq!(again.message.name(), decoded.message.name());
    }
}

fuzz_target!(|data: &[u8]| {
    check_document(data);

    // The same bytes as a TCP stream, delivered in two pieces.
    let mut dec = FrameDecoder::with_max_frame(4096);
    let split = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let (head, tail) = data.split_at(split);
    let mut buf = BytesMut::new();
    for chunk in [head, tail] {
        buf.extend_from_slice(chunk);
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(frame)) => check_document(&frame.xml),
                Ok(None) | Err(_) => break,
            }
        }
    }
    let _ = Edition::default();
});
