//! Bad input on the SIP listener never takes the server down: every malformed, oversized,
//! truncated or stalled message gets a SIP error and/or a clean close, and a well-behaved SIPp
//! phone is served normally afterwards.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Phone, PhoneSpec, Server, status};

/// Sends `bytes`, then reads until the server closes the connection; returns what it answered
/// and how long the close took. Panics when the server keeps the connection open for 10 s.
fn send_and_wait_for_close(port: u16, bytes: &[u8]) -> (String, Duration) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    // The server may close before everything is written (e.g. oversized headers).
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("connection not closed by the server: {e}"),
        }
    }
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

fn register_with(extra_headers: &str, content_length: &str, body: &str) -> Vec<u8> {
    format!(
        "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKbad\r\n\
         From: <sip:000413000099@test.local>;tag=1\r\nTo: <sip:000413000099@test.local>\r\n\
         Call-ID: bad@test\r\nCSeq: 1 REGISTER\r\nContact: <sip:x@127.0.0.1:5999;transport=tcp>\r\n\
         {extra_headers}Content-Length: {content_length}\r\n\r\n{body}"
    )
    .into_bytes()
}

#[test]
fn bad_input_gets_errors_or_clean_closes_and_a_good_phone_is_served_afterwards() {
    let server = Server::start(&[
        ("CALLBOARD_SIP__MESSAGE_TIMEOUT", "1"),
        ("CALLBOARD_SIP__IDLE_TIMEOUT", "2"),
    ]);
    let port = server.sip_tcp;

    // Garbage bytes, with a blank line so that they look like a (broken) message.
    let garbage: Vec<u8> = (0..2048u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .chain(b"\r\n\r\n".iter().copied())
        .collect();
    let (answer, _) = send_and_wait_for_close(port, &garbage);
    assert!(
        answer.is_empty() || answer.starts_with("SIP/2.0 400"),
        "garbage: {answer}"
    );
    // Another protocol: 400, not a complaint about its missing Content-Length.
    let (answer, _) = send_and_wait_for_close(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(answer.starts_with("SIP/2.0 400"), "HTTP: {answer}");

    // A malformed request line.
    let (answer, _) =
        send_and_wait_for_close(port, b"REGISTER\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n");
    assert!(
        answer.starts_with("SIP/2.0 400"),
        "malformed request line: {answer}"
    );

    // A Content-Length beyond the body: the rest never comes; closed after message_timeout.
    let (answer, took) = send_and_wait_for_close(port, &register_with("", "500", "only ten b"));
    assert!(answer.is_empty(), "short body: {answer}");
    assert!(
        took >= Duration::from_millis(900),
        "closed after the timeout, not at once: {took:?}"
    );

    // Headers over the limit (default 16 KiB).
    let huge_header = format!("X-Padding: {}\r\n", "p".repeat(20_000));
    let (answer, _) = send_and_wait_for_close(port, &register_with(&huge_header, "0", ""));
    assert!(
        answer.starts_with("SIP/2.0 513"),
        "oversized headers: {answer}"
    );

    // A body over the limit (default 64 KiB) is refused from its Content-Length alone.
    let (answer, took) = send_and_wait_for_close(port, &register_with("", "1000000", ""));
    assert!(
        answer.starts_with("SIP/2.0 413"),
        "oversized body: {answer}"
    );
    assert!(
        took < Duration::from_millis(900),
        "refused at once: {took:?}"
    );

    // A message without Content-Length on a stream.
    let (answer, _) = send_and_wait_for_close(
        port,
        b"OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n",
    );
    assert!(
        answer.starts_with("SIP/2.0 411"),
        "missing Content-Length: {answer}"
    );

    // Half a message, then silence: closed after message_timeout.
    let (answer, took) =
        send_and_wait_for_close(port, b"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TC");
    assert!(answer.is_empty(), "{answer}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );

    // A connection that never says anything: closed after idle_timeout.
    let (answer, took) = send_and_wait_for_close(port, b"");
    assert!(answer.is_empty());
    assert!(
        took >= Duration::from_millis(1900) && took < Duration::from_secs(6),
        "{took:?}"
    );

    // 1,000 connections opened and dropped, some after half a message.
    let mut connections = Vec::new();
    for i in 0..1000 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        if i % 3 == 0 {
            let _ = stream.write_all(b"REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP");
        }
        connections.push(stream);
    }
    drop(connections);

    // A well-behaved phone is served normally.
    let mut phone = Phone::start(port, &PhoneSpec::snom("000413000100"));
    server.wait_for_phone("000413000100", "online", |p| status(p) == "online");
    assert!(phone.wait(), "{}", phone.logs());
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

#[test]
fn requests_the_registrar_does_not_serve_get_sip_errors_on_a_kept_connection() {
    let server = Server::start(&[]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.sip_tcp)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let ask = |stream: &mut TcpStream, request: &str| -> String {
        stream.write_all(request.as_bytes()).unwrap();
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).unwrap();
        String::from_utf8_lossy(&chunk[..n]).into_owned()
    };
    let headers = "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKq\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: q@test\r\n";
    let answer = ask(
        &mut stream,
        &format!("MESSAGE sip:x SIP/2.0\r\n{headers}CSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n"),
    );
    assert!(answer.starts_with("SIP/2.0 405"), "{answer}");
    assert!(answer.contains("Allow:"), "{answer}");
    let answer = ask(
        &mut stream,
        &format!("INFO sip:x SIP/2.0\r\n{headers}CSeq: 2 INFO\r\nContent-Length: 0\r\n\r\n"),
    );
    assert!(
        answer.starts_with("SIP/2.0 481"),
        "INFO outside a dialog: {answer}"
    );
    let answer = ask(
        &mut stream,
        &format!("OPTIONS sip:x SIP/2.0\r\n{headers}CSeq: 3 OPTIONS\r\nContent-Length: 0\r\n\r\n"),
    );
    assert!(answer.starts_with("SIP/2.0 200"), "{answer}");
    // A request that parses but breaks the rules gets its error on a kept connection.
    let answer = ask(
        &mut stream,
        &format!("OPTIONS sip:x SIP/2.0\r\n{headers}CSeq: 6 INFO\r\nContent-Length: 0\r\n\r\n"),
    );
    assert!(
        answer.starts_with("SIP/2.0 400"),
        "CSeq method mismatch: {answer}"
    );
    assert!(
        answer.contains("Call-ID: q@test"),
        "a real response with the request's headers: {answer}"
    );
    let answer = ask(
        &mut stream,
        &format!(
            "OPTIONS mailto:x@y SIP/2.0\r\n{headers}CSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        ),
    );
    assert!(
        answer.starts_with("SIP/2.0 416"),
        "unsupported URI scheme: {answer}"
    );
    // RFC 5626 keep-alive ping gets a pong.
    stream.write_all(b"\r\n\r\n").unwrap();
    let mut pong = [0u8; 2];
    stream.read_exact(&mut pong).unwrap();
    assert_eq!(&pong, b"\r\n");
    // A user name that is not a MAC address is forbidden after the challenge.
    let answer = ask(
        &mut stream,
        &format!(
            "REGISTER sip:x SIP/2.0\r\n{headers}CSeq: 4 REGISTER\r\nContact: <sip:a@127.0.0.1:5999>\r\nContent-Length: 0\r\n\r\n"
        ),
    );
    assert!(answer.starts_with("SIP/2.0 401"), "{answer}");
    let nonce = answer
        .split("nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let answer = ask(
        &mut stream,
        &format!(
            "REGISTER sip:x SIP/2.0\r\n{headers}CSeq: 5 REGISTER\r\nContact: <sip:a@127.0.0.1:5999>\r\n\
         Authorization: Digest username=\"alice\", realm=\"callboard\", nonce=\"{nonce}\", uri=\"sip:x\", response=\"00000000000000000000000000000000\", qop=auth, nc=00000001, cnonce=\"c\"\r\n\
         Content-Length: 0\r\n\r\n"
        ),
    );
    assert!(answer.starts_with("SIP/2.0 403"), "{answer}");
}

/// `hex(SHA-256(text))`, computed here independently of callboard's digest code.
fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// The value of `name="…"` in a challenge.
fn quoted<'a>(challenge: &'a str, name: &str) -> &'a str {
    challenge
        .split(&format!("{name}=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {name} in {challenge}"))
}

#[test]
fn sha256_is_offered_first_when_configured_and_a_phone_registers_with_it() {
    let server = Server::start(&[("CALLBOARD_SIP__DIGEST_ALGORITHMS", "SHA-256,MD5")]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.sip_tcp)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mac = "000413000777";
    let register = |cseq: u32, authorization: &str| {
        format!(
            "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKsha{cseq}\r\n\
             From: <sip:{mac}@127.0.0.1>;tag=1\r\nTo: <sip:{mac}@127.0.0.1>\r\n\
             Call-ID: sha256@test\r\nCSeq: {cseq} REGISTER\r\n\
             Contact: <sip:{mac}@127.0.0.1:5999;transport=tcp>\r\nExpires: 60\r\n\
             User-Agent: snomD785/10.1.54.13\r\n{authorization}Content-Length: 0\r\n\r\n"
        )
    };
    let read = |stream: &mut TcpStream| -> String {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).unwrap();
        String::from_utf8_lossy(&chunk[..n]).into_owned()
    };
    stream.write_all(register(1, "").as_bytes()).unwrap();
    let answer = read(&mut stream);
    assert!(answer.starts_with("SIP/2.0 401"), "{answer}");
    let challenges: Vec<&str> = answer
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("www-authenticate:"))
        .collect();
    assert_eq!(challenges.len(), 2, "{answer}");
    assert!(challenges[0].contains("algorithm=SHA-256"), "{answer}");
    assert!(challenges[1].contains("algorithm=MD5"), "{answer}");

    // RFC 7616 / RFC 8760 with qop=auth, answered to the SHA-256 challenge.
    let (realm, nonce) = (
        quoted(challenges[0], "realm"),
        quoted(challenges[0], "nonce"),
    );
    let uri = "sip:127.0.0.1";
    let ha1 = sha256_hex(&format!("{mac}:{realm}:{}", common::PASSWORD));
    let ha2 = sha256_hex(&format!("REGISTER:{uri}"));
    let (nc, cnonce) = ("00000001", "0a4f113b");
    let response = sha256_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    let authorization = format!(
        "Authorization: Digest username=\"{mac}\", realm=\"{realm}\", nonce=\"{nonce}\", \
         uri=\"{uri}\", response=\"{response}\", algorithm=SHA-256, qop=auth, nc={nc}, \
         cnonce=\"{cnonce}\"\r\n"
    );
    stream
        .write_all(register(2, &authorization).as_bytes())
        .unwrap();
    let answer = read(&mut stream);
    assert!(answer.starts_with("SIP/2.0 200"), "{answer}");
    server.wait_for_phone(mac, "known", |_| true);

    // The default offers MD5 only.
    let md5_only = Server::start(&[]);
    let mut stream = TcpStream::connect(("127.0.0.1", md5_only.sip_tcp)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(register(1, "").as_bytes()).unwrap();
    let answer = read(&mut stream);
    let challenges: Vec<&str> = answer
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("www-authenticate:"))
        .collect();
    assert_eq!(challenges.len(), 1, "{answer}");
    assert!(challenges[0].contains("algorithm=MD5"), "{answer}");
}
