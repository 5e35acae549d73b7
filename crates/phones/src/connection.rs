//! One phone connection: reads SIP from the stream, answers REGISTERs, runs the phone's CSTA
//! dialog (one request at a time, keepalives, timeouts), keeps the inventory up to date, and is
//! the hub's link for the phone's lines: it opens and closes monitors, relays client requests
//! (refusing what the phone model cannot do, emulating AlternateCall) and passes the phone's
//! events on. Everything about a phone happens in this one task, so no state is shared but the
//! registry of which connection holds which phone.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use callboard_core::{
    AdminState, LineKey, LinkCommand, LinkEvent, LinkHandle, Mac, PhoneModel, Transport,
};
use callboard_net::{CancellationToken, Connection, Stream};
use callboard_store::{PhoneUpdate, RegistrationUpdate};
use csta_proto::{CstaError, CstaMessage, RequestSystemStatus};
use sip_proto::{Frame, FrameError, Framer, Method, NameAddr, SipMessage, StartLine};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::Instrument;

use crate::ListenerRole;
use crate::capabilities::{self, Support, Vendor};
use crate::dialog::{
    ALLOW, CSTA_CONTENT_TYPE, CstaDialog, LocalEndpoint, SentRequest, random_token,
};
use crate::jobs::{self, Job, JobQueue, Outcome};
use crate::link::{Holder, PhoneCommand, Shared};
use crate::registrar::{self, AuthFailure, BindingRequest};

/// Why the connection ends.
#[derive(Debug)]
struct Close(String);

/// What the request in flight is.
#[derive(Debug)]
enum InFlight {
    /// The INVITE that opens the dialog.
    Invite,
    /// A CSTA request in an INFO.
    Info(Job),
}

#[derive(Debug)]
struct Pending {
    what: InFlight,
    cseq: u32,
    method: Method,
    deadline: Instant,
}

/// The phone registered on this connection.
#[derive(Debug)]
struct Registration {
    mac: Mac,
    aor: NameAddr,
    contact: String,
    expires_at: Instant,
}

struct PhoneConnection {
    shared: Arc<Shared>,
    id: u64,
    peer: SocketAddr,
    transport: Transport,
    endpoint: LocalEndpoint,
    commands: mpsc::Sender<PhoneCommand>,
    to_tag: String,
    registration: Option<Registration>,
    /// Vendor, model and firmware from the last REGISTER, for the capability table.
    model: PhoneModel,
    dialog: Option<CstaDialog>,
    pending: Option<Pending>,
    queue: JobQueue,
    keepalive_at: Option<Instant>,
    idle_deadline: Option<Instant>,
    partial_since: Option<Instant>,
    /// Identities gathered from `SwitchingFunctionDevices` segments.
    devices: Vec<String>,
    /// Identities the phone reported, each a line of the hub while the dialog is up.
    lines: Vec<String>,
    /// The phone's monitor cross reference IDs and their lines.
    monitors: HashMap<String, LineKey>,
    /// This phone as a link of the hub (created when the phone is known).
    link: Option<LinkHandle>,
    link_commands: mpsc::Sender<LinkCommand>,
    online: bool,
    /// The MAC put into the connection's log span (recorded once: recording a span field
    /// again would repeat it on every later log line).
    logged_mac: Option<Mac>,
}

pub(crate) async fn run(
    shared: Arc<Shared>,
    id: u64,
    connection: Connection,
    role: ListenerRole,
    shutdown: CancellationToken,
) {
    let Connection {
        mut stream,
        peer,
        local,
    } = connection;
    let span = tracing::info_span!(
        "phone_connection",
        %peer,
        transport = role.transport.sip_name(),
        mac = tracing::field::Empty
    );
    let (commands, mut command_rx) = mpsc::channel(4);
    let (link_commands, mut link_rx) = mpsc::channel(256);
    let endpoint = LocalEndpoint {
        via_transport: role.transport.sip_name(),
        uri_transport: match role.transport {
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
        },
        host_port: role.advertised.clone().unwrap_or_else(|| local.to_string()),
    };
    let idle_deadline = Some(Instant::now() + shared.settings.idle_timeout);
    let mut framer = Framer::new(shared.settings.limits);
    let mut state = PhoneConnection {
        shared,
        id,
        peer,
        transport: role.transport,
        endpoint,
        commands,
        to_tag: random_token(),
        registration: None,
        model: PhoneModel::default(),
        dialog: None,
        pending: None,
        queue: JobQueue::default(),
        keepalive_at: None,
        idle_deadline,
        partial_since: None,
        devices: Vec::new(),
        lines: Vec::new(),
        monitors: HashMap::new(),
        logged_mac: None,
        link: None,
        link_commands,
        online: false,
    };
    async move {
        tracing::debug!("phone connection opened");
        let mut buf = BytesMut::with_capacity(2048);
        let outcome = loop {
            let deadline = state.next_deadline();
            let result = tokio::select! {
                _ = shutdown.cancelled() => {
                    state.end_dialog(&mut stream, "server shutting down").await;
                    break Close("server shutting down".into());
                }
                Some(command) = command_rx.recv() => match command {
                    PhoneCommand::Disconnect(reason) => {
                        state.end_dialog(&mut stream, reason).await;
                        break Close(reason.into());
                    }
                },
                Some(command) = link_rx.recv() => state.on_link_command(&mut stream, command).await,
                read = stream.read_buf(&mut buf) => match read {
                    Ok(0) => break Close("connection closed by the phone".into()),
                    Ok(_) => state.on_bytes(&mut stream, &mut framer, &mut buf).await,
                    Err(error) => break Close(format!("read failed: {error}")),
                },
                _ = tokio::time::sleep_until(deadline) => state.on_timer(&mut stream).await,
            };
            if let Err(close) = result {
                break close;
            }
            if buf.is_empty() && buf.capacity() > 16 * 1024 {
                buf = BytesMut::with_capacity(2048);
            }
        };
        tracing::info!(reason = %outcome.0, "phone connection closed");
        let _ = stream.shutdown().await;
        state.forget().await;
        // Requests that arrived too late get an answer rather than a dropped reply.
        link_rx.close();
        while let Ok(command) = link_rx.try_recv() {
            if let LinkCommand::Request { reply, .. } = command {
                let _ = reply.send(Err(CstaError::device_out_of_service()));
            }
        }
    }
    .instrument(span)
    .await;
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Writes one message, giving up (and closing) when the phone does not take it in time.
async fn send(stream: &mut Stream, bytes: &[u8], timeout: Duration) -> Result<(), Close> {
    match tokio::time::timeout(timeout, stream.write_all(bytes)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(Close(format!("write failed: {error}"))),
        Err(_) => Err(Close("the phone does not read what we send".into())),
    }
}

impl PhoneConnection {
    fn next_deadline(&self) -> Instant {
        let far = Instant::now() + Duration::from_secs(3600);
        [
            self.pending.as_ref().map(|p| p.deadline),
            self.registration.as_ref().map(|r| r.expires_at),
            self.keepalive_at,
            self.idle_deadline,
            self.partial_since
                .map(|since| since + self.shared.settings.message_timeout),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(far)
    }

    async fn write(&self, stream: &mut Stream, message: &SipMessage) -> Result<(), Close> {
        tracing::trace!(message = %String::from_utf8_lossy(&message.to_bytes()), "sending");
        send(
            stream,
            &message.to_bytes(),
            self.shared.settings.request_timeout,
        )
        .await
    }

    async fn on_bytes(
        &mut self,
        stream: &mut Stream,
        framer: &mut Framer,
        buf: &mut BytesMut,
    ) -> Result<(), Close> {
        let mut completed = false;
        loop {
            match framer.decode_unvalidated(buf) {
                Ok(Some(Frame::Message(message))) => {
                    completed = true;
                    let valid = message
                        .validate()
                        .and_then(|()| match message.is_request() {
                            true => message.request_uri().map(|_| ()),
                            false => Ok(()),
                        });
                    match valid {
                        Ok(()) => self.on_message(stream, message).await?,
                        Err(error) => self.on_invalid(stream, &message, &error).await?,
                    }
                }
                Ok(Some(Frame::Ping)) => {
                    completed = true;
                    send(stream, b"\r\n", self.shared.settings.request_timeout).await?;
                }
                Ok(Some(Frame::Pong)) => completed = true,
                Ok(None) => break,
                Err(error) => {
                    let (code, reason) = match &error {
                        FrameError::HeadersTooLarge { .. } => (513, "Message Too Large"),
                        FrameError::BodyTooLarge { .. } => (413, "Request Entity Too Large"),
                        FrameError::MissingContentLength => (411, "Length Required"),
                        _ => (400, "Bad Request"),
                    };
                    let answer = format!("SIP/2.0 {code} {reason}\r\nContent-Length: 0\r\n\r\n");
                    let _ = send(stream, answer.as_bytes(), Duration::from_secs(1)).await;
                    return Err(Close(format!("unreadable SIP: {error}")));
                }
            }
        }
        self.partial_since = if buf.is_empty() {
            None
        } else if completed || self.partial_since.is_none() {
            Some(Instant::now())
        } else {
            self.partial_since
        };
        Ok(())
    }

    /// A message that frames and parses but breaks the rules (missing headers, CSeq method
    /// mismatch, unsupported version or URI scheme): requests get the matching error response,
    /// responses are dropped; the connection stays up.
    async fn on_invalid(
        &mut self,
        stream: &mut Stream,
        message: &SipMessage,
        error: &sip_proto::ParseError,
    ) -> Result<(), Close> {
        tracing::info!(%error, "invalid SIP message");
        if !message.is_request() || message.method() == Some(&Method::Ack) {
            return Ok(());
        }
        let code = sip_proto::sip_response_code(error);
        let reason = match code {
            416 => "Unsupported URI Scheme",
            501 => "Not Implemented",
            505 => "Version Not Supported",
            _ => "Bad Request",
        };
        let answer = self.response(message, code, reason);
        self.write(stream, &answer).await
    }

    async fn on_message(&mut self, stream: &mut Stream, message: SipMessage) -> Result<(), Close> {
        tracing::trace!(message = %String::from_utf8_lossy(&message.to_bytes()), "received");
        match &message.start {
            StartLine::Response { .. } => self.on_response(stream, message).await,
            StartLine::Request { method, .. } => {
                let method = method.clone();
                let in_dialog = self.dialog.as_ref().is_some_and(|d| d.owns(&message));
                match method {
                    Method::Register => self.on_register(stream, message).await,
                    _ if in_dialog => self.on_dialog_request(stream, message, method).await,
                    Method::Ack => Ok(()),
                    Method::Options => {
                        let mut answer = self.response(&message, 200, "OK");
                        answer.headers.push("Allow", ALLOW);
                        self.write(stream, &answer).await
                    }
                    Method::Info | Method::Bye | Method::Cancel => {
                        let answer =
                            self.response(&message, 481, "Call/Transaction Does Not Exist");
                        self.write(stream, &answer).await
                    }
                    _ => {
                        let mut answer = self.response(&message, 405, "Method Not Allowed");
                        answer.headers.push("Allow", ALLOW);
                        self.write(stream, &answer).await
                    }
                }
            }
        }
    }

    /// A response to `request` with our To tag.
    fn response(&self, request: &SipMessage, code: u16, reason: &str) -> SipMessage {
        let mut answer = SipMessage::response_to(request, code, reason);
        if code > 100 {
            let has_tag = request.to_header().is_ok_and(|to| to.tag().is_some());
            if let (false, Some(to)) = (has_tag, request.headers.get("To")) {
                let tagged = format!("{to};tag={}", self.to_tag);
                answer.headers.set("To", tagged);
            }
        }
        answer
            .headers
            .push("Server", concat!("callboard/", env!("CARGO_PKG_VERSION")));
        answer
    }

    async fn on_register(&mut self, stream: &mut Stream, request: SipMessage) -> Result<(), Close> {
        if let Err(error) = request.cseq().and_then(|_| request.call_id().map(|_| ())) {
            let answer = self.response(&request, 400, "Bad Request");
            tracing::info!(%error, "malformed REGISTER");
            return self.write(stream, &answer).await;
        }
        let mac = match registrar::authenticate(&self.shared, &request, now_secs()) {
            Ok(mac) => mac,
            Err(AuthFailure::Challenge { stale }) => {
                let mut answer = self.response(&request, 401, "Unauthorized");
                for algorithm in &self.shared.settings.digest_algorithms {
                    let challenge =
                        self.shared
                            .authenticator
                            .challenge(*algorithm, stale, now_secs());
                    answer
                        .headers
                        .push("WWW-Authenticate", challenge.to_header_value());
                }
                return self.write(stream, &answer).await;
            }
            Err(AuthFailure::Forbidden(reason, detail)) => {
                tracing::warn!(peer = %self.peer, %detail, "REGISTER refused");
                let answer = self.response(&request, 403, reason);
                return self.write(stream, &answer).await;
            }
            Err(AuthFailure::BadRequest(detail)) => {
                tracing::info!(%detail, "REGISTER with a malformed Authorization header");
                let answer = self.response(&request, 400, "Bad Authorization Header");
                return self.write(stream, &answer).await;
            }
        };
        if let Some(registration) = &self.registration {
            if registration.mac != mac {
                tracing::warn!(mac = %mac, registered = %registration.mac, "second phone on one connection refused");
                let answer = self.response(&request, 403, "One Phone Per Connection");
                return self.write(stream, &answer).await;
            }
        }
        if self.logged_mac != Some(mac) {
            tracing::Span::current().record("mac", tracing::field::display(mac));
            self.logged_mac = Some(mac);
        }
        if let Some(reason) = self.admission(mac, &request).await {
            let answer = self.response(&request, 403, reason);
            return self.write(stream, &answer).await;
        }
        let binding = match registrar::binding_request(&request) {
            Ok(binding) => binding,
            Err(detail) => {
                tracing::info!(%detail, "REGISTER with a malformed binding");
                let answer = self.response(&request, 400, "Bad Contact Or Expires");
                return self.write(stream, &answer).await;
            }
        };
        match binding {
            BindingRequest::Query => {
                let mut answer = self.response(&request, 200, "OK");
                if let Some(registration) = &self.registration {
                    let left = registration
                        .expires_at
                        .saturating_duration_since(Instant::now())
                        .as_secs();
                    answer.headers.push(
                        "Contact",
                        format!("<{}>;expires={left}", registration.contact),
                    );
                }
                self.write(stream, &answer).await
            }
            BindingRequest::Unbind => {
                let answer = self.response(&request, 200, "OK");
                self.write(stream, &answer).await?;
                tracing::info!("phone de-registered");
                self.unregister(stream, "phone de-registered").await;
                Ok(())
            }
            BindingRequest::Bind { contact, expires } => {
                let aor = match registrar::address_of_record(&request) {
                    Ok(aor) => aor,
                    Err(detail) => {
                        tracing::info!(%detail, "REGISTER with a malformed To header");
                        let answer = self.response(&request, 400, "Bad To Header");
                        return self.write(stream, &answer).await;
                    }
                };
                let max = self
                    .shared
                    .settings
                    .expires
                    .as_secs()
                    .min(u64::from(u32::MAX)) as u32;
                let granted = registrar::granted_expiry(expires, max);
                let mut answer = self.response(&request, 200, "OK");
                answer
                    .headers
                    .push("Contact", format!("<{contact}>;expires={granted}"));
                answer.headers.push("Expires", granted.to_string());
                self.write(stream, &answer).await?;
                self.bind(stream, mac, aor, contact, granted, &request)
                    .await
            }
        }
    }

    /// Applies the admin decision; returns the 403 reason when the phone may not register.
    async fn admission(&mut self, mac: Mac, request: &SipMessage) -> Option<&'static str> {
        let known = self
            .shared
            .admin
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&mac)
            .copied();
        let state = match known {
            Some(state) => state,
            None => {
                let state = if self.shared.settings.auto_commission {
                    AdminState::Enabled
                } else {
                    AdminState::Pending
                };
                self.shared
                    .admin
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(mac)
                    .or_insert(state);
                tracing::info!(state = state.as_str(), "new phone");
                state
            }
        };
        match state {
            AdminState::Enabled => None,
            AdminState::Pending => {
                self.record_registration(mac, request, false, AdminState::Pending)
                    .await;
                tracing::info!("phone waits for an administrator to enable it (403)");
                Some("Phone Not Yet Enabled")
            }
            AdminState::Disabled => {
                tracing::info!("phone is disabled (403)");
                Some("Phone Disabled")
            }
        }
    }

    async fn record_registration(
        &self,
        mac: Mac,
        request: &SipMessage,
        registered: bool,
        admin_state_if_new: AdminState,
    ) {
        let user_agent = request.user_agent().unwrap_or_default().to_owned();
        self.shared
            .writer
            .send(PhoneUpdate::Registered(RegistrationUpdate {
                mac,
                model: PhoneModel::from_user_agent(&user_agent),
                user_agent,
                address: self.peer.to_string(),
                transport: self.transport,
                at_ms: now_ms(),
                registered,
                admin_state_if_new,
            }))
            .await;
    }

    async fn bind(
        &mut self,
        stream: &mut Stream,
        mac: Mac,
        aor: NameAddr,
        contact: String,
        granted: u32,
        request: &SipMessage,
    ) -> Result<(), Close> {
        let first = self.registration.is_none();
        let previous = self
            .shared
            .holders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                mac,
                Holder {
                    connection_id: self.id,
                    commands: self.commands.clone(),
                },
            );
        if let Some(previous) = previous.filter(|p| p.connection_id != self.id) {
            tracing::info!("phone registered on a new connection; closing the old one");
            let _ = previous.commands.try_send(PhoneCommand::Disconnect(
                "phone registered on another connection",
            ));
        }
        self.record_registration(mac, request, true, AdminState::Enabled)
            .await;
        self.model = PhoneModel::from_user_agent(request.user_agent().unwrap_or_default());
        if self.link.is_none() {
            self.link = Some(LinkHandle::new(
                format!("phone {mac}"),
                self.link_commands.clone(),
            ));
        }
        self.registration = Some(Registration {
            mac,
            aor,
            contact,
            expires_at: Instant::now() + Duration::from_secs(u64::from(granted)),
        });
        self.idle_deadline = None;
        if first {
            tracing::info!(
                expires = granted,
                user_agent = request.user_agent().unwrap_or(""),
                "phone registered"
            );
        } else {
            tracing::debug!(expires = granted, "registration refreshed");
        }
        if self.dialog.is_none() {
            self.open_dialog(stream).await?;
        }
        Ok(())
    }

    async fn open_dialog(&mut self, stream: &mut Stream) -> Result<(), Close> {
        let Some(registration) = &self.registration else {
            return Ok(());
        };
        let mut dialog = CstaDialog::new(
            registration.aor.clone(),
            registration.contact.clone(),
            self.endpoint.clone(),
        );
        let body = csta_proto::encode(
            &CstaMessage::from(RequestSystemStatus::default()),
            self.shared.settings.edition,
        );
        let sent = dialog.request(Method::Invite, Some(body));
        tracing::debug!(call_id = %dialog.call_id, "opening the CSTA dialog");
        self.dialog = Some(dialog);
        self.track(InFlight::Invite, &sent);
        self.write(stream, &sent.message).await
    }

    fn track(&mut self, what: InFlight, sent: &SentRequest) {
        self.pending = Some(Pending {
            what,
            cseq: sent.cseq,
            method: sent.method.clone(),
            deadline: Instant::now() + self.shared.settings.request_timeout,
        });
    }

    fn dialog_up(&self) -> bool {
        self.dialog.as_ref().is_some_and(|d| d.established)
    }

    fn enqueue(&mut self, job: Job) {
        let in_flight = match &self.pending {
            Some(Pending {
                what: InFlight::Info(job),
                ..
            }) => Some(job),
            _ => None,
        };
        self.queue.push(job, in_flight);
    }

    /// Sends the next queued request when none is outstanding (one at a time per phone).
    async fn send_next(&mut self, stream: &mut Stream) -> Result<(), Close> {
        while self.pending.is_none() && self.dialog_up() {
            let Some(job) = self.queue.pop() else {
                return Ok(());
            };
            let Some(message) = job.request() else {
                continue;
            };
            let body = csta_proto::encode(&message, self.shared.settings.edition);
            let Some(dialog) = self.dialog.as_mut() else {
                job.fail(CstaError::device_out_of_service());
                return Ok(());
            };
            let sent = dialog.request(Method::Info, Some(body));
            self.track(InFlight::Info(job), &sent);
            self.write(stream, &sent.message).await?;
        }
        Ok(())
    }

    /// A command of the hub for one of this phone's lines.
    async fn on_link_command(
        &mut self,
        stream: &mut Stream,
        command: LinkCommand,
    ) -> Result<(), Close> {
        match command {
            LinkCommand::MonitorStart { line, device } => {
                if self.dialog_up() {
                    self.enqueue(Job::MonitorStart { line, device });
                } else if let Some(hub) = &self.shared.hub {
                    hub.send(LinkEvent::MonitorFailed {
                        line,
                        error: CstaError::device_out_of_service(),
                    })
                    .await;
                }
            }
            LinkCommand::MonitorStop { line, .. } => {
                let cross_refs: Vec<String> = self
                    .monitors
                    .iter()
                    .filter(|(_, l)| **l == line)
                    .map(|(id, _)| id.clone())
                    .collect();
                for cross_ref in cross_refs {
                    self.monitors.remove(&cross_ref);
                    if self.dialog_up() {
                        self.enqueue(Job::MonitorStop { cross_ref });
                    }
                }
            }
            LinkCommand::Request { request, reply, .. } => {
                if !self.dialog_up() {
                    let _ = reply.send(Err(CstaError::device_out_of_service()));
                    return Ok(());
                }
                match capabilities::support(&self.model, request.name()) {
                    Support::Unsupported => {
                        tracing::info!(service = request.name(), model = ?self.model, "service not supported by this phone model");
                        let _ = reply.send(Err(CstaError::service_not_supported()));
                    }
                    Support::Native => self.enqueue(Job::Client { request, reply }),
                    Support::Emulated => match alternate_steps(&request) {
                        Some(steps) => self.enqueue(Job::Steps {
                            steps,
                            done: Box::new(csta_proto::AlternateCallResponse::default().into()),
                            reply,
                        }),
                        None => {
                            let _ = reply.send(Err(CstaError::service_not_supported()));
                        }
                    },
                }
            }
        }
        self.send_next(stream).await
    }

    async fn on_response(
        &mut self,
        stream: &mut Stream,
        response: SipMessage,
    ) -> Result<(), Close> {
        let Some(code) = response.status_code() else {
            return Ok(());
        };
        let matches = match (&self.pending, &self.dialog) {
            (Some(pending), Some(dialog)) => {
                dialog.owns(&response)
                    && response
                        .cseq()
                        .is_ok_and(|c| c.seq == pending.cseq && c.method == pending.method)
            }
            _ => false,
        };
        if !matches {
            tracing::debug!(code, "response to nothing pending ignored");
            return Ok(());
        }
        if code < 200 {
            return Ok(());
        }
        let Some(pending) = self.pending.take() else {
            return Ok(());
        };
        match pending.what {
            InFlight::Invite => {
                self.on_invite_answer(stream, &response, code, pending.cseq)
                    .await?
            }
            InFlight::Info(job) => {
                if code == 408 || code == 481 {
                    tracing::warn!(code, "CSTA dialog is gone");
                    job.fail(CstaError::device_out_of_service());
                    self.lose_dialog("the phone no longer knows the CSTA dialog")
                        .await;
                    return Ok(());
                }
                let outcome = if (200..300).contains(&code) {
                    if response.body.is_empty() {
                        Outcome::Answered(None)
                    } else {
                        match csta_proto::decode(&response.body) {
                            Ok(decoded) => Outcome::Answered(Some(Box::new(decoded.message))),
                            Err(error) => Outcome::Unreadable(error.to_string()),
                        }
                    }
                } else {
                    tracing::warn!(code, "phone refused a CSTA request");
                    Outcome::Refused(code)
                };
                self.complete(stream, job, outcome).await?;
            }
        }
        self.send_next(stream).await
    }

    /// A job's request was answered.
    async fn complete(
        &mut self,
        stream: &mut Stream,
        job: Job,
        outcome: Outcome,
    ) -> Result<(), Close> {
        match job {
            Job::Client { request, reply } => {
                let _ = reply.send(jobs::client_result(&request, outcome));
            }
            Job::Steps {
                mut steps,
                done,
                reply,
            } => {
                let Some(step) = steps.pop_front() else {
                    let _ = reply.send(Ok(*done));
                    return Ok(());
                };
                match jobs::client_result(&step, outcome) {
                    Err(error) => {
                        let _ = reply.send(Err(error));
                    }
                    Ok(_) if steps.is_empty() => {
                        let _ = reply.send(Ok(*done));
                    }
                    Ok(_) => {
                        // The next step goes out at once, before anything queued.
                        let job = Job::Steps { steps, done, reply };
                        if let (Some(message), Some(dialog)) = (job.request(), self.dialog.as_mut())
                        {
                            let body = csta_proto::encode(&message, self.shared.settings.edition);
                            let sent = dialog.request(Method::Info, Some(body));
                            self.track(InFlight::Info(job), &sent);
                            self.write(stream, &sent.message).await?;
                        } else {
                            job.fail(CstaError::device_out_of_service());
                        }
                    }
                }
            }
            Job::MonitorStart { line, device } => {
                let answer = match outcome {
                    Outcome::Answered(Some(message)) => Ok(*message),
                    other => Err(other),
                };
                let result = match answer {
                    Ok(CstaMessage::MonitorStartResponse(answer)) => {
                        Ok(answer.monitor_cross_ref_id)
                    }
                    Ok(CstaMessage::CstaErrorCode(error)) => Err(error),
                    other => {
                        tracing::info!(outcome = ?other, "unexpected answer to MonitorStart");
                        Err(CstaError::unspecified())
                    }
                };
                match result {
                    Ok(cross_ref) => {
                        tracing::info!(%device, %cross_ref, "phone monitor started");
                        self.monitors.insert(cross_ref, line.clone());
                        self.report(LinkEvent::MonitorActive { line }).await;
                    }
                    Err(error) => {
                        tracing::warn!(%device, error = ?error, "phone refused MonitorStart");
                        self.report(LinkEvent::MonitorFailed { line, error }).await;
                    }
                }
            }
            Job::SystemRegister | Job::GetDevices | Job::Keepalive | Job::MonitorStop { .. } => {
                match outcome {
                    Outcome::Answered(Some(message)) => match *message {
                        CstaMessage::CstaErrorCode(error) => {
                            tracing::info!(error = ?error, "phone answered with a CSTA error");
                        }
                        CstaMessage::SystemRegisterResponse(answer) => {
                            tracing::debug!(id = ?answer.sys_stat_register_id, "subscribed to configuration changes");
                        }
                        other => tracing::debug!(result = other.name(), "CSTA result"),
                    },
                    Outcome::Unreadable(error) => tracing::info!(%error, "unreadable CSTA result"),
                    other => tracing::debug!(outcome = ?other, "CSTA result"),
                }
            }
        }
        Ok(())
    }

    async fn report(&self, event: LinkEvent) {
        if let Some(hub) = &self.shared.hub {
            hub.send(event).await;
        }
    }

    async fn on_invite_answer(
        &mut self,
        stream: &mut Stream,
        response: &SipMessage,
        code: u16,
        cseq: u32,
    ) -> Result<(), Close> {
        if !(200..300).contains(&code) {
            let hint = if code == 401 || code == 407 {
                " (the phone challenges CSTA requests; turn its CSTA challenge off, e.g. snom csta_challenge=0)"
            } else {
                ""
            };
            tracing::warn!(code, "phone refused the CSTA dialog{hint}");
            if let Some(ack) = self.dialog.take().and_then(|d| d.ack_failure(response)) {
                self.write(stream, &ack).await?;
            }
            return Ok(());
        }
        let Some(dialog) = self.dialog.as_mut() else {
            return Ok(());
        };
        let ack = dialog.confirm(response, cseq);
        self.write(stream, &ack).await?;
        tracing::info!("CSTA dialog established");
        if let Some(registration) = &self.registration {
            if !self.online {
                self.online = true;
                self.shared.set_online(registration.mac, true).await;
            }
        }
        self.keepalive_at = Some(Instant::now() + self.shared.settings.keepalive);
        if capabilities::support(&self.model, "SystemRegister") != Support::Unsupported
            || Vendor::of(&self.model) == Vendor::Other
        {
            self.enqueue(Job::SystemRegister);
        }
        self.enqueue(Job::GetDevices);
        Ok(())
    }

    async fn on_dialog_request(
        &mut self,
        stream: &mut Stream,
        request: SipMessage,
        method: Method,
    ) -> Result<(), Close> {
        match method {
            Method::Ack => Ok(()),
            Method::Bye => {
                let answer = self.response(&request, 200, "OK");
                self.write(stream, &answer).await?;
                tracing::info!("phone ended the CSTA dialog");
                self.lose_dialog("phone ended the CSTA dialog").await;
                Ok(())
            }
            Method::Info => {
                let reply = self.on_phone_csta(&request).await;
                let mut answer = self.response(&request, 200, "OK");
                if let Some(body) = reply {
                    answer.set_body(CSTA_CONTENT_TYPE, Bytes::from(body));
                }
                self.write(stream, &answer).await?;
                self.send_next(stream).await
            }
            Method::Invite => {
                // A re-INVITE (e.g. a session refresh) keeps the dialog.
                let mut answer = self.response(&request, 200, "OK");
                answer.headers.push(
                    "Contact",
                    format!(
                        "<sip:callboard@{};transport={}>",
                        self.endpoint.host_port, self.endpoint.uri_transport
                    ),
                );
                self.write(stream, &answer).await
            }
            _ => {
                let mut answer = self.response(&request, 405, "Method Not Allowed");
                answer.headers.push("Allow", ALLOW);
                self.write(stream, &answer).await
            }
        }
    }

    /// Handles a CSTA document the phone sent in an INFO; returns the body of our 200, if any.
    async fn on_phone_csta(&mut self, request: &SipMessage) -> Option<String> {
        if request.body.is_empty() {
            return None;
        }
        let at = Instant::now();
        let decoded = match csta_proto::decode(&request.body) {
            Ok(decoded) => decoded,
            Err(error) => {
                tracing::info!(%error, "unreadable CSTA document from the phone");
                return None;
            }
        };
        let edition = decoded.edition.unwrap_or(self.shared.settings.edition);
        match decoded.message {
            CstaMessage::SwitchingFunctionDevices(devices) => {
                let last = devices.is_last_segment();
                self.devices.extend(
                    devices
                        .device_list
                        .iter()
                        .map(|d| d.device_id.as_str().to_owned()),
                );
                if last {
                    let identities = std::mem::take(&mut self.devices);
                    self.set_identities(identities).await;
                }
                None
            }
            CstaMessage::SwitchingFunctionDevicesChanged(_) => {
                tracing::info!("phone's identities changed; reading them again");
                self.enqueue(Job::GetDevices);
                None
            }
            CstaMessage::SystemStatus(status) => {
                tracing::info!(status = ?status.system_status, "phone reported its system status");
                Some(csta_proto::encode(
                    &CstaMessage::SystemStatusResponse(Default::default()),
                    edition,
                ))
            }
            CstaMessage::SystemRegisterAbort(_) => {
                tracing::info!("phone aborted the configuration-change subscription");
                None
            }
            event if event.is_event() => {
                let line = event
                    .monitor_cross_ref_id()
                    .and_then(|id| self.monitors.get(id))
                    .cloned();
                match line {
                    Some(line) => {
                        tracing::debug!(%line, event = event.name(), "phone event");
                        self.report(LinkEvent::Event {
                            line,
                            event: Box::new(event),
                            at,
                        })
                        .await;
                    }
                    None => {
                        tracing::debug!(event = event.name(), "event for no open monitor dropped")
                    }
                }
                None
            }
            other => {
                tracing::debug!(
                    message = other.name(),
                    "CSTA message from the phone ignored"
                );
                None
            }
        }
    }

    /// The phone's identities: stored, and each one a line of the hub through this phone.
    async fn set_identities(&mut self, identities: Vec<String>) {
        let Some(registration) = &self.registration else {
            return;
        };
        let mac = registration.mac;
        tracing::info!(identities = ?identities, "phone reported its identities");
        self.shared
            .writer
            .send(PhoneUpdate::Identities {
                mac,
                identities: identities.clone(),
            })
            .await;
        let Some(link) = self.link.clone() else {
            return;
        };
        let gone: Vec<String> = self
            .lines
            .iter()
            .filter(|old| !identities.contains(old))
            .cloned()
            .collect();
        for device in gone {
            if let Some(key) = LineKey::from_device_id(&device) {
                self.monitors.retain(|_, line| *line != key);
            }
            self.report(LinkEvent::LineDown {
                device,
                link: link.clone(),
            })
            .await;
        }
        for device in &identities {
            if !self.lines.contains(device) {
                self.report(LinkEvent::LineUp {
                    device: device.clone(),
                    link: link.clone(),
                })
                .await;
            }
        }
        self.lines = identities;
    }

    async fn on_timer(&mut self, stream: &mut Stream) -> Result<(), Close> {
        let now = Instant::now();
        if self.pending.as_ref().is_some_and(|p| p.deadline <= now) {
            if let Some(pending) = self.pending.take() {
                match pending.what {
                    InFlight::Invite => {
                        tracing::warn!("phone did not answer the CSTA INVITE");
                        self.dialog = None;
                    }
                    InFlight::Info(job) => {
                        tracing::warn!(job = ?job, "phone did not answer; CSTA dialog is dead");
                        job.fail(CstaError::device_out_of_service());
                        self.lose_dialog("no answer in the CSTA dialog").await;
                    }
                }
            }
        }
        if self
            .registration
            .as_ref()
            .is_some_and(|r| r.expires_at <= now)
        {
            tracing::info!("registration expired");
            self.unregister(stream, "registration expired").await;
        }
        if self.keepalive_at.is_some_and(|at| at <= now) {
            self.keepalive_at = Some(now + self.shared.settings.keepalive);
            if self.dialog_up() {
                self.enqueue(Job::Keepalive);
            }
        }
        if self.idle_deadline.is_some_and(|at| at <= now) && self.registration.is_none() {
            return Err(Close("no registration within the idle timeout".into()));
        }
        if self
            .partial_since
            .is_some_and(|since| since + self.shared.settings.message_timeout <= now)
        {
            return Err(Close("incomplete message timed out".into()));
        }
        self.send_next(stream).await
    }

    /// Sends BYE (best effort) and forgets the dialog.
    async fn end_dialog(&mut self, stream: &mut Stream, reason: &str) {
        if let Some(mut dialog) = self.dialog.take() {
            if dialog.established {
                let bye = dialog.request(Method::Bye, None);
                tracing::debug!(%reason, "ending the CSTA dialog");
                let _ = send(stream, &bye.message.to_bytes(), Duration::from_secs(1)).await;
            }
        }
        self.lose_dialog(reason).await;
    }

    /// The dialog is gone: the phone is offline until its next REGISTER opens a new one, and
    /// its lines are out of service.
    async fn lose_dialog(&mut self, reason: &str) {
        self.dialog = None;
        if let Some(pending) = self.pending.take() {
            if let InFlight::Info(job) = pending.what {
                job.fail(CstaError::device_out_of_service());
            }
        }
        self.queue.fail_all(CstaError::device_out_of_service());
        self.keepalive_at = None;
        self.devices.clear();
        self.monitors.clear();
        if let Some(link) = self.link.clone() {
            for device in std::mem::take(&mut self.lines) {
                self.report(LinkEvent::LineDown {
                    device,
                    link: link.clone(),
                })
                .await;
            }
        }
        if self.online {
            self.online = false;
            if let Some(registration) = &self.registration {
                tracing::info!(%reason, "phone offline");
                self.shared.set_online(registration.mac, false).await;
            }
        }
    }

    async fn unregister(&mut self, stream: &mut Stream, reason: &str) {
        self.end_dialog(stream, reason).await;
        self.release_holder();
        self.registration = None;
        self.idle_deadline = Some(Instant::now() + self.shared.settings.idle_timeout);
    }

    fn release_holder(&self) {
        if let Some(registration) = &self.registration {
            let mut holders = self
                .shared
                .holders
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if holders
                .get(&registration.mac)
                .is_some_and(|h| h.connection_id == self.id)
            {
                holders.remove(&registration.mac);
            }
        }
    }

    /// The connection is closing: the phone is offline.
    async fn forget(&mut self) {
        self.lose_dialog("connection closed").await;
        self.release_holder();
        self.registration = None;
    }
}

/// AlternateCall emulated: hold the active call, then retrieve the held one.
fn alternate_steps(request: &CstaMessage) -> Option<VecDeque<CstaMessage>> {
    let CstaMessage::AlternateCall(alternate) = request else {
        return None;
    };
    Some(VecDeque::from([
        csta_proto::HoldCall {
            call_to_be_held: alternate.active_call.clone(),
            connection_reservation: None,
        }
        .into(),
        csta_proto::RetrieveCall {
            call_to_be_retrieved: alternate.held_call.clone(),
        }
        .into(),
    ]))
}
