//! Fuzz target for the CSTA XML codec and the TCP frame decoder.
//!
//! Arbitrary bytes go into `csta_proto::decode` and, as a byte stream, into
//! the `FrameDecoder`. Nothing may panic; whatever decodes must encode to a
//! document that decodes again to the same message.

#![no_main]

use bytes::BytesMut;
use csta_proto::{FrameDecoder, decode, encode};
use libfuzzer_sys::fuzz_target;

fn check_document(data: &[u8]) {
    if let Ok(decoded) = decode(data) {
        let xml = encode(&decoded.message, decoded.edition.unwrap_or_default());
        let again = decode(xml.as_bytes()).expect("re-decoding our own encoding failed");
        assert_eq!(again.message, decoded.message, "{xml}");
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
        while let Ok(Some(frame)) = dec.decode(&mut buf) {
            check_document(&frame.xml);
        }
    }
});
