//! A blocking CSTA XML client for the end-to-end tests: raw TCP, the 8-byte frame header
//! through `csta_proto::{encode_frame, FrameDecoder}`, documents written by hand (as a client
//! would) and read with `csta_proto::decode`. It logs in with the test account, monitors
//! lines, sends requests and keeps the events that arrive while it waits for a response, in
//! order, for `next_event`.
#![allow(dead_code)] // each test binary uses a different part of the harness

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use csta_proto::{CstaMessage, FrameDecoder};

use crate::common::CLIENT;

/// How long the client waits for any one frame before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(8);
pub const ED5: &str = "http://www.ecma-international.org/standards/ecma-323/csta/ed5";
pub const SESSION_NS: &str = "http://www.ecma-international.org/standards/ecma-354/appl_session";

/// A CSTA request document in the ed5 namespace.
pub fn csta(name: &str, inner: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><{name} xmlns="{ED5}">{inner}</{name}>"#)
}

/// One frame as received.
#[derive(Debug, Clone)]
pub struct Frame {
    pub invoke: u16,
    pub xml: String,
    /// Whether it arrived (was read) before the response the client was waiting for when it
    /// came in; see [`CtiClient::request`].
    pub before_response: bool,
}

impl Frame {
    pub fn message(&self) -> CstaMessage {
        csta_proto::decode(self.xml.as_bytes())
            .unwrap_or_else(|e| panic!("undecodable frame ({e}): {}", self.xml))
            .message
    }

    pub fn name(&self) -> String {
        self.message().name().to_owned()
    }

    /// callboard's sequence number of an event.
    pub fn seq(&self) -> u64 {
        self.xml
            .split("<sequenceNumber xmlns=\"urn:callboard:csta\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no sequence number: {}", self.xml))
    }

    /// The event's monitorCrossRefID.
    pub fn cross_ref(&self) -> String {
        self.message()
            .monitor_cross_ref_id()
            .unwrap_or_else(|| panic!("no monitorCrossRefID: {}", self.xml))
            .to_owned()
    }

    /// `category/value` of a CSTAErrorCode.
    pub fn error(&self) -> String {
        match self.message() {
            CstaMessage::CstaErrorCode(e) => format!("{}/{}", e.category, e.value),
            other => panic!("not a CSTAErrorCode: {other:?}\n{}", self.xml),
        }
    }
}

/// A logged-in client.
pub struct CtiClient {
    stream: TcpStream,
    decoder: FrameDecoder,
    /// Bytes read but not yet framed.
    pending: Vec<u8>,
    /// Events read while waiting for a response.
    events: VecDeque<Frame>,
    next_invoke: u16,
    pub session_id: String,
    /// The last event sequence number seen (strictly increasing, checked).
    pub last_seq: u64,
}

impl CtiClient {
    /// A connection to `127.0.0.1:port`, not logged in yet.
    fn connect(port: u16) -> CtiClient {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        CtiClient {
            stream,
            decoder: FrameDecoder::new(),
            pending: Vec::new(),
            events: VecDeque::new(),
            next_invoke: 1,
            session_id: String::new(),
            last_seq: 0,
        }
    }

    /// Connects to `127.0.0.1:port` and logs in as `user` (optionally from `computer`);
    /// returns the client when the login was accepted, and the server's answer either way.
    pub fn try_login(
        port: u16,
        user: &str,
        password: &str,
        computer: Option<&str>,
    ) -> (Option<CtiClient>, Frame) {
        let mut client = CtiClient::connect(port);
        let computer = computer
            .map(|c| format!("<computerName>{c}</computerName>"))
            .unwrap_or_default();
        let login = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><StartApplicationSession xmlns="{SESSION_NS}"><applicationInfo><applicationID>directory-e2e</applicationID><applicationSpecificInfo><SessionLoginInfo><userName>{user}</userName><password>{password}</password>{computer}</SessionLoginInfo></applicationSpecificInfo></applicationInfo><requestedSessionDuration>300</requestedSessionDuration></StartApplicationSession>"#
        );
        let response = client.request(&login);
        match response.message() {
            CstaMessage::StartApplicationSessionPosResponse(pos) => {
                client.session_id = pos.session_id;
                (Some(client), response)
            }
            _ => (None, response),
        }
    }

    /// Connects to `127.0.0.1:port` and logs in with the test account.
    pub fn login(port: u16) -> CtiClient {
        let mut client = CtiClient::connect(port);
        let (user, password) = CLIENT;
        let login = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><StartApplicationSession xmlns="{SESSION_NS}"><applicationInfo><applicationID>call-control-e2e</applicationID><applicationSpecificInfo><SessionLoginInfo><userName>{user}</userName><password>{password}</password></SessionLoginInfo></applicationSpecificInfo></applicationInfo><requestedProtocolVersions><protocolVersion>{ED5}</protocolVersion></requestedProtocolVersions><requestedSessionDuration>300</requestedSessionDuration></StartApplicationSession>"#
        );
        let response = client.request(&login);
        match response.message() {
            CstaMessage::StartApplicationSessionPosResponse(pos) => {
                client.session_id = pos.session_id;
            }
            _ => panic!("login refused: {}", response.xml),
        }
        client
    }

    fn invoke(&mut self) -> u16 {
        let invoke = self.next_invoke;
        self.next_invoke = if invoke >= 9998 { 1 } else { invoke + 1 };
        invoke
    }

    pub fn send(&mut self, invoke: u16, xml: &str) {
        let frame = csta_proto::encode_frame(invoke, xml.as_bytes()).unwrap();
        self.stream.write_all(&frame).unwrap();
    }

    /// Reads the next frame, waiting at most until `deadline`.
    fn read_frame_until(&mut self, deadline: Instant) -> Option<Frame> {
        loop {
            // The server crate has no `bytes` dependency of its own, so the decoder's buffer
            // (a `bytes::BytesMut`) is made from our bytes by inference.
            let mut buf = From::from(&self.pending[..]);
            let frame = self
                .decoder
                .decode(&mut buf)
                .unwrap_or_else(|e| panic!("bad frame from the server: {e}"));
            self.pending = buf.to_vec();
            if let Some(frame) = frame {
                return Some(Frame {
                    invoke: frame.invoke_id,
                    xml: String::from_utf8(frame.xml.to_vec()).unwrap(),
                    before_response: false,
                });
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            self.stream
                .set_read_timeout(Some((deadline - now).max(Duration::from_millis(1))))
                .unwrap();
            let mut chunk = [0u8; 16 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the server closed the connection"),
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("read failed: {e}"),
            }
        }
    }

    /// Sends `xml` with a fresh invoke ID and returns the response with that ID; events that
    /// arrive meanwhile are kept (marked `before_response`) for `next_event`.
    pub fn request(&mut self, xml: &str) -> Frame {
        let invoke = self.invoke();
        self.send(invoke, xml);
        self.response(invoke, xml)
    }

    /// Waits for the response with `invoke`.
    pub fn response(&mut self, invoke: u16, what: &str) -> Frame {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(mut frame) = self.read_frame_until(deadline) else {
                panic!("no response with invoke ID {invoke} to {what}");
            };
            if frame.invoke == invoke {
                return frame;
            }
            assert_eq!(
                frame.invoke,
                csta_proto::EVENT_INVOKE_ID,
                "unexpected frame while waiting for {invoke}: {}",
                frame.xml
            );
            frame.before_response = true;
            self.events.push_back(frame);
        }
    }

    /// The next response (any invoke ID but the events'), keeping the events before it.
    pub fn next_response(&mut self) -> Frame {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let Some(mut frame) = self.read_frame_until(deadline) else {
                panic!("no response within {PATIENCE:?}");
            };
            if frame.invoke != csta_proto::EVENT_INVOKE_ID {
                return frame;
            }
            frame.before_response = true;
            self.events.push_back(frame);
        }
    }

    /// Ends the session with StopApplicationSession; the server answers and closes.
    pub fn stop_session(mut self) {
        let stop = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><StopApplicationSession xmlns="{SESSION_NS}"><sessionID>{}</sessionID><sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason></StopApplicationSession>"#,
            self.session_id
        );
        let response = self.request(&stop);
        assert!(
            matches!(
                response.message(),
                CstaMessage::StopApplicationSessionPosResponse(_)
            ),
            "{}",
            response.xml
        );
    }

    /// Skips frames sent unasked (events and others) until one named `name` comes.
    pub fn until_unsolicited(&mut self, name: &str) -> Frame {
        loop {
            let frame = self.next_unsolicited();
            if frame.name() == name {
                return frame;
            }
        }
    }

    /// Whether the server closes the connection within `wait` (frames still coming are
    /// dropped).
    pub fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        let mut chunk = [0u8; 16 * 1024];
        while Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            match self.stream.read(&mut chunk) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return true,
            }
        }
        false
    }

    /// The next frame sent unasked (invoke ID 9999), without the event checks: a device list
    /// after its response carries no sequence number.
    pub fn next_unsolicited(&mut self) -> Frame {
        if let Some(frame) = self.events.pop_front() {
            return frame;
        }
        let frame = self
            .read_frame_until(Instant::now() + PATIENCE)
            .unwrap_or_else(|| panic!("nothing within {PATIENCE:?}"));
        assert_eq!(frame.invoke, csta_proto::EVENT_INVOKE_ID, "{}", frame.xml);
        frame
    }

    /// The next event (kept or new); checks that sequence numbers increase.
    pub fn next_event(&mut self) -> Frame {
        let event = match self.events.pop_front() {
            Some(event) => event,
            None => {
                let frame = self
                    .read_frame_until(Instant::now() + PATIENCE)
                    .unwrap_or_else(|| panic!("no event within {PATIENCE:?}"));
                assert_eq!(
                    frame.invoke,
                    csta_proto::EVENT_INVOKE_ID,
                    "a response where an event was expected: {}",
                    frame.xml
                );
                frame
            }
        };
        let seq = event.seq();
        assert!(
            seq > self.last_seq,
            "sequence numbers increase: {seq} after {}\n{}",
            self.last_seq,
            event.xml
        );
        self.last_seq = seq;
        event
    }

    /// The next event, which must be `name` (the decoded root, e.g. `TransferredEvent`) and
    /// carry `cross_ref`.
    pub fn expect_event(&mut self, name: &str, cross_ref: &str) -> Frame {
        let event = self.next_event();
        assert_eq!(event.name(), name, "{}", event.xml);
        assert_eq!(event.cross_ref(), cross_ref, "{}", event.xml);
        event
    }

    /// Whether no event arrives within `wait`.
    pub fn quiet_for(&mut self, wait: Duration) -> bool {
        if !self.events.is_empty() {
            return false;
        }
        match self.read_frame_until(Instant::now() + wait) {
            None => true,
            Some(frame) => {
                self.events.push_back(frame);
                false
            }
        }
    }

    /// MonitorStart of `device`: the response's cross reference, after checking that the
    /// line's BackInServiceEvent (with it) comes too. Returns whether BackInService arrived
    /// before the response (it should not; see `call_control_sipp.rs`, test
    /// `the_monitor_start_response_reaches_the_client_before_the_lines_events`).
    pub fn monitor_ordered(&mut self, device: &str) -> (String, bool) {
        let response = self.request(&csta(
            "MonitorStart",
            &format!("<monitorObject><deviceObject>{device}</deviceObject></monitorObject>"),
        ));
        let CstaMessage::MonitorStartResponse(started) = response.message() else {
            panic!("MonitorStart of {device} failed: {}", response.xml)
        };
        let cross_ref = started.monitor_cross_ref_id;
        let back = self.expect_event("BackInServiceEvent", &cross_ref);
        (cross_ref, back.before_response)
    }

    /// MonitorStart of `device` (see [`CtiClient::monitor_ordered`]): the cross reference.
    pub fn monitor(&mut self, device: &str) -> String {
        self.monitor_ordered(device).0
    }
}
