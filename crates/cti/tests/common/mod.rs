//! Test harness: a hub with a fake link owning two lines, the listener served by
//! `callboard_net::serve` on a loopback port, and a raw-frame client that knows nothing of the
//! listener's internals (it writes and reads the 8-byte frame header itself).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use callboard_core::{Hub, HubSettings, HubStats, LineKey, LinkCommand, LinkEvent, LinkHandle};
use callboard_cti::{ClientAccount, CtiListener, CtiSettings};
use callboard_net::{CancellationToken, ListenerLimits};
use csta_proto::{
    ConnectionId, CstaError, CstaMessage, DeliveredEvent, HoldCallResponse, LocalConnectionState,
    MakeCallResponse, Party,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The line the fake link owns, as the phone reports it.
pub const LINE: &str = "sip:201@pbx.example";
/// A second line of the fake link.
pub const OTHER_LINE: &str = "sip:202@pbx.example";
pub const USER: &str = "crm";
pub const PASSWORD: &str = "s3cret<&>";
pub const ED5: &str = "http://www.ecma-international.org/standards/ecma-323/csta/ed5";
pub const SESSION_NS: &str = "http://www.ecma-international.org/standards/ecma-354/appl_session";
/// How long the client waits for anything before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub fn hub_settings() -> HubSettings {
    HubSettings {
        retention: Duration::from_secs(120),
        retention_events: 1000,
        outbox_capacity: 1000,
        request_timeout: Duration::from_secs(10),
        ..HubSettings::default()
    }
}

pub fn cti_settings() -> CtiSettings {
    CtiSettings {
        accounts: vec![
            ClientAccount::new(USER, PASSWORD),
            ClientAccount::new("tapi", "other"),
        ],
        ..CtiSettings::default()
    }
}

/// What the fake link was asked to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    MonitorStart(String),
    MonitorStop(String),
    Request(String),
}

pub struct Harness {
    pub hub: Hub,
    pub addr: SocketAddr,
    pub listener: CtiListener,
    pub shutdown: CancellationToken,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Held `HoldCall` requests are answered once a permit is added here.
    pub release_holds: Arc<Semaphore>,
    pub server: JoinHandle<()>,
}

impl Harness {
    pub async fn start() -> Harness {
        Harness::start_with(hub_settings(), cti_settings()).await
    }

    pub async fn start_with(hub_settings: HubSettings, cti: CtiSettings) -> Harness {
        Harness::start_full(hub_settings, cti, None).await
    }

    /// The harness with the listener behind `tls`.
    pub async fn start_full(
        hub_settings: HubSettings,
        cti: CtiSettings,
        tls: Option<callboard_net::TlsAcceptor>,
    ) -> Harness {
        let hub = Hub::start(hub_settings);
        let (tx, commands) = mpsc::channel(256);
        let link = LinkHandle::new("fake phone", tx);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let release_holds = Arc::new(Semaphore::new(0));
        tokio::spawn(fake_link(commands, seen.clone(), release_holds.clone()));
        for device in [LINE, OTHER_LINE] {
            hub.link_events()
                .send(LinkEvent::LineUp {
                    device: device.into(),
                    link: link.clone(),
                })
                .await;
        }
        hub.stats().await;
        let listener = CtiListener::new(hub.clone(), cti);
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let server = {
            let listener = listener.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(callboard_net::serve(
                "cti-test",
                tcp,
                tls,
                ListenerLimits::default(),
                shutdown.clone(),
                move |connection| {
                    let listener = listener.clone();
                    let shutdown = shutdown.clone();
                    async move { listener.serve_connection(connection, shutdown).await }
                },
            ))
        };
        Harness {
            hub,
            addr,
            listener,
            shutdown,
            seen,
            release_holds,
            server,
        }
    }

    pub async fn client(&self) -> Client {
        Client::connect(self.addr).await
    }

    /// A client that is logged in.
    pub async fn logged_in(&self) -> (Client, String) {
        let mut client = self.client().await;
        let session = client.login(USER, PASSWORD).await;
        (client, session)
    }

    /// The link reports a `DeliveredEvent` of call `call` on `device`'s line.
    pub async fn event(&self, device: &str, call: &str) {
        let event: CstaMessage = DeliveredEvent {
            monitor_cross_ref_id: "phone-ref".into(),
            connection: ConnectionId::new(call, device),
            alerting_device: Party::device(device),
            calling_device: Party::device("sip:300@pbx.example"),
            called_device: Party::device(device),
            last_redirection_device: Party::NotKnown,
            local_connection_info: Some(LocalConnectionState::Alerting),
            cause: None,
        }
        .into();
        self.hub
            .link_events()
            .send(LinkEvent::Event {
                line: LineKey::from_device_id(device).unwrap(),
                event: Box::new(event),
                at: Instant::now(),
            })
            .await;
    }

    /// Polls the hub until `done` holds for its counters.
    pub async fn until_stats(&self, what: &str, done: impl Fn(&HubStats) -> bool) -> HubStats {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let stats = self.hub.stats().await;
            if done(&stats) {
                return stats;
            }
            assert!(Instant::now() < deadline, "waiting for {what}: {stats:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Polls the fake link's log until `done` holds for it.
    pub async fn until_seen(&self, what: &str, done: impl Fn(&[Seen]) -> bool) -> Vec<Seen> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let seen = self.seen.lock().unwrap().clone();
            if done(&seen) {
                return seen;
            }
            assert!(Instant::now() < deadline, "waiting for {what}: {seen:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The fake phone link: logs every command; MakeCall succeeds, AnswerCall fails with
/// `noCallToAnswer`, HoldCall waits for `release_holds`, anything else is `serviceNotSupported`.
async fn fake_link(
    mut commands: mpsc::Receiver<LinkCommand>,
    seen: Arc<Mutex<Vec<Seen>>>,
    release_holds: Arc<Semaphore>,
) {
    while let Some(command) = commands.recv().await {
        match command {
            LinkCommand::MonitorStart { device, .. } => {
                seen.lock().unwrap().push(Seen::MonitorStart(device))
            }
            LinkCommand::MonitorStop { device, .. } => {
                seen.lock().unwrap().push(Seen::MonitorStop(device))
            }
            LinkCommand::Request { request, reply, .. } => {
                seen.lock().unwrap().push(Seen::Request(csta_proto::encode(
                    &request,
                    csta_proto::Edition::Ed5,
                )));
                let release_holds = release_holds.clone();
                tokio::spawn(async move {
                    let result: Result<CstaMessage, CstaError> = match *request {
                        CstaMessage::MakeCall(make) => Ok(MakeCallResponse {
                            calling_device: ConnectionId::new("C1", make.calling_device),
                        }
                        .into()),
                        CstaMessage::AnswerCall(_) => Err(CstaError::no_call_to_answer()),
                        CstaMessage::HoldCall(_) => {
                            if let Ok(permit) = release_holds.acquire().await {
                                permit.forget();
                            }
                            Ok(HoldCallResponse {}.into())
                        }
                        _ => Err(CstaError::service_not_supported()),
                    };
                    let _ = reply.send(result);
                });
            }
        }
    }
}

/// One frame as received.
#[derive(Debug, Clone)]
pub struct Frame {
    pub invoke: u16,
    pub xml: String,
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

    /// The callboard sequence number of an event.
    pub fn seq(&self) -> u64 {
        self.xml
            .split("<sequenceNumber xmlns=\"urn:callboard:csta\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no sequence number: {}", self.xml))
    }

    /// The call ID of a DeliveredEvent (the tests' event marker).
    pub fn call(&self) -> String {
        match self.message() {
            CstaMessage::DeliveredEvent(e) => e.connection.call_id.unwrap_or_default(),
            other => panic!("not a DeliveredEvent: {other:?}"),
        }
    }

    /// `category/value` of a CSTAErrorCode.
    pub fn error(&self) -> String {
        match self.message() {
            CstaMessage::CstaErrorCode(e) => format!("{}/{}", e.category, e.value),
            other => panic!("not a CSTAErrorCode: {other:?}"),
        }
    }
}

/// Frames `xml` with `invoke`.
pub fn frame(invoke: u16, xml: &str) -> Vec<u8> {
    let length = u16::try_from(xml.len() + 8).unwrap();
    let mut out = Vec::with_capacity(xml.len() + 8);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(format!("{invoke:04}").as_bytes());
    out.extend_from_slice(xml.as_bytes());
    out
}

pub fn csta(name: &str, body: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><{name} xmlns="{ED5}">{body}</{name}>"#)
}

pub fn session_message(name: &str, body: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><{name} xmlns="{SESSION_NS}">{body}</{name}>"#)
}

/// `StartApplicationSession` with the given login, duration and resume request.
pub fn start_session(
    user: &str,
    password: &str,
    duration: Option<u32>,
    resume: Option<(&str, u64)>,
) -> String {
    let resume = resume
        .map(|(id, seq)| {
            format!("<resumeSessionID>{id}</resumeSessionID><lastSequenceNumber>{seq}</lastSequenceNumber>")
        })
        .unwrap_or_default();
    let duration = duration
        .map(|d| format!("<requestedSessionDuration>{d}</requestedSessionDuration>"))
        .unwrap_or_default();
    let user = escape(user);
    let password = escape(password);
    session_message(
        "StartApplicationSession",
        &format!(
            "<applicationInfo><applicationID>cti-test</applicationID><applicationSpecificInfo><SessionLoginInfo><userName>{user}</userName><password>{password}</password></SessionLoginInfo>{resume}</applicationSpecificInfo></applicationInfo><requestedProtocolVersions><protocolVersion>{ED5}</protocolVersion></requestedProtocolVersions>{duration}"
        ),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn monitor_start(device: &str) -> String {
    csta(
        "MonitorStart",
        &format!("<monitorObject><deviceObject>{device}</deviceObject></monitorObject>"),
    )
}

pub fn monitor_stop(cross_ref: &str) -> String {
    csta(
        "MonitorStop",
        &format!("<monitorCrossRefID>{cross_ref}</monitorCrossRefID>"),
    )
}

pub fn stop_session(session: &str) -> String {
    session_message(
        "StopApplicationSession",
        &format!(
            "<sessionID>{session}</sessionID><sessionEndReason><definedEndReason>normal</definedEndReason></sessionEndReason>"
        ),
    )
}

pub fn reset_timer(session: &str, duration: u32) -> String {
    session_message(
        "ResetApplicationSessionTimer",
        &format!(
            "<sessionID>{session}</sessionID><requestedSessionDuration>{duration}</requestedSessionDuration>"
        ),
    )
}

/// A byte stream the client can use: plain TCP or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A raw-frame CSTA client.
pub struct Client {
    pub stream: Box<dyn Io>,
    buf: BytesMut,
    /// Events read while waiting for a response.
    events: VecDeque<Frame>,
    next_invoke: u16,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Client {
        Client::from_stream(TcpStream::connect(addr).await.unwrap())
    }

    pub fn from_stream(stream: impl Io + 'static) -> Client {
        Client {
            stream: Box::new(stream),
            buf: BytesMut::with_capacity(4096),
            events: VecDeque::new(),
            next_invoke: 1,
        }
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    pub async fn send(&mut self, invoke: u16, xml: &str) {
        self.send_raw(&frame(invoke, xml)).await;
    }

    /// A fresh invoke ID (1…9998).
    pub fn invoke(&mut self) -> u16 {
        let invoke = self.next_invoke;
        self.next_invoke = if invoke >= 9998 { 1 } else { invoke + 1 };
        invoke
    }

    /// The next frame, or `None` when the server closed the connection.
    pub async fn read_frame(&mut self) -> Option<Frame> {
        tokio::time::timeout(PATIENCE, self.read_frame_inner(true))
            .await
            .expect("a frame or the end of the connection in time")
    }

    /// The next frame; at the end of the connection `None`, and with `whole`, the end must
    /// not cut a frame.
    async fn read_frame_inner(&mut self, whole: bool) -> Option<Frame> {
        loop {
            if self.buf.len() >= 8 {
                assert_eq!(&self.buf[..2], &[0, 0], "frame type");
                let length = usize::from(u16::from_be_bytes([self.buf[2], self.buf[3]]));
                assert!(length >= 8, "frame length {length}");
                if self.buf.len() >= length {
                    let invoke: u16 = std::str::from_utf8(&self.buf[4..8])
                        .unwrap()
                        .parse()
                        .expect("four digits of invoke ID");
                    let xml = String::from_utf8(self.buf[8..length].to_vec()).unwrap();
                    self.buf.advance(length);
                    return Some(Frame { invoke, xml });
                }
            }
            self.buf.reserve(4096);
            match self.stream.read_buf(&mut self.buf).await {
                Ok(0) | Err(_) => {
                    assert!(
                        !whole || self.buf.is_empty(),
                        "connection closed inside a frame"
                    );
                    return None;
                }
                Ok(_) => {}
            }
        }
    }

    /// The response with `invoke`; events read meanwhile are kept for [`Client::next_event`].
    pub async fn response(&mut self, invoke: u16) -> Frame {
        loop {
            let frame = self
                .read_frame()
                .await
                .unwrap_or_else(|| panic!("connection closed before the response to {invoke}"));
            if frame.invoke == invoke {
                return frame;
            }
            assert_eq!(frame.invoke, 9999, "unexpected frame: {}", frame.xml);
            self.events.push_back(frame);
        }
    }

    /// Sends a request and waits for its response.
    pub async fn request(&mut self, xml: &str) -> Frame {
        let invoke = self.invoke();
        self.send(invoke, xml).await;
        self.response(invoke).await
    }

    /// The next event (invoke ID 9999).
    pub async fn next_event(&mut self) -> Frame {
        if let Some(event) = self.events.pop_front() {
            return event;
        }
        let frame = self.read_frame().await.expect("an event, not the end");
        assert_eq!(frame.invoke, 9999, "expected an event: {}", frame.xml);
        frame
    }

    /// Logs in; returns the session ID.
    pub async fn login(&mut self, user: &str, password: &str) -> String {
        let response = self
            .request(&start_session(user, password, None, None))
            .await;
        match response.message() {
            CstaMessage::StartApplicationSessionPosResponse(p) => p.session_id,
            other => panic!("login failed: {other:?}"),
        }
    }

    /// Starts a monitor; returns its cross reference ID.
    pub async fn monitor(&mut self, device: &str) -> String {
        let response = self.request(&monitor_start(device)).await;
        match response.message() {
            CstaMessage::MonitorStartResponse(r) => r.monitor_cross_ref_id,
            other => panic!("MonitorStart failed: {other:?}"),
        }
    }

    /// Reads until the server closes the connection; returns what came before.
    pub async fn until_closed(&mut self) -> Vec<Frame> {
        let mut frames: Vec<Frame> = self.events.drain(..).collect();
        while let Some(frame) = self.read_frame().await {
            frames.push(frame);
        }
        frames
    }
}

impl Client {
    /// True when no event is pending: the response to a RequestSystemStatus comes next.
    pub async fn no_pending_event(&mut self) -> bool {
        if !self.events.is_empty() {
            return false;
        }
        let invoke = self.invoke();
        self.send(invoke, &csta("RequestSystemStatus", "")).await;
        let frame = self.read_frame().await.expect("a response");
        frame.invoke == invoke
    }
}

impl Client {
    /// Reads events until the server closes the connection, possibly in the middle of a
    /// frame (a cut-off client); returns how many whole events there were.
    pub async fn drain_until_closed(&mut self) -> usize {
        let mut events = self.events.len();
        self.events.clear();
        while let Some(frame) = tokio::time::timeout(PATIENCE, self.read_frame_inner(false))
            .await
            .expect("the end of the connection in time")
        {
            assert_eq!(frame.invoke, 9999);
            events += 1;
        }
        events
    }
}
