//! One client connection. The reader (this task) takes frames off the socket, logs the client
//! in, keeps the ECMA-354 session timer and answers the session messages itself; every CSTA
//! service request runs in a task of its own (at most [`MAX_IN_FLIGHT`] at once), so a slow
//! phone never holds up the client's other requests. All writing goes through the connection's
//! writer task (see [`crate::writer`]), which also delivers the session's events.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use callboard_core::accounts::{LoginRefusal, LoginRequest, SessionLogin};
use callboard_core::{Access, Hub, MonitorAnswer};
use callboard_net::{CancellationToken, Connection, Stream};
use csta_proto::{
    CstaError, CstaFrame, CstaMessage, Edition, FrameDecoder, GetSwitchingFunctionDevicesResponse,
    MonitorObject, MonitorStartResponse, MonitorStopResponse, ProtocolVersion,
    RequestSystemStatusResponse, ResetApplicationSessionTimerNegResponse,
    ResetApplicationSessionTimerPosResponse, SessionEndReason, SessionErrorCode, SessionExtensions,
    SessionResume, StartApplicationSession, StartApplicationSessionNegResponse,
    StartApplicationSessionPosResponse, StopApplicationSession, StopApplicationSessionNegResponse,
    StopApplicationSessionPosResponse, SwitchingFunctionDevice, SwitchingFunctionDevices,
    SystemStatus,
};
use tokio::io::{AsyncReadExt, ReadHalf};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::Accounts;
use crate::writer::{self, Outbound, WriterEnd};
use crate::{CtiSettings, DeliveryLatency};

/// Service requests of one connection executed at once; more are answered `resourceBusy`.
pub(crate) const MAX_IN_FLIGHT: usize = 32;
/// Frames queued for the writer (responses; events have the hub's queue).
const OUTBOUND_QUEUE: usize = 64;
/// Free space kept in the read buffer.
const READ_CHUNK: usize = 4096;
/// Time the writer gets to flush the last frames when the connection closes.
const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// After a final frame (a refusal, the end of the session), how long the connection waits
/// for the client to close first, so that the final frame is not lost to a reset.
const LINGER: Duration = Duration::from_secs(1);
/// Invoke ID of what the server sends unasked (events, StopApplicationSession).
const UNSOLICITED: u16 = csta_proto::EVENT_INVOKE_ID;

/// Devices per `SwitchingFunctionDevices` message: about 10 kB of XML, well inside a frame.
const DEVICES_PER_SEGMENT: usize = 100;

/// What every connection of a listener shares.
pub(crate) struct Shared {
    pub(crate) hub: Hub,
    pub(crate) settings: CtiSettings,
    pub(crate) accounts: Accounts,
    pub(crate) latency: Arc<DeliveryLatency>,
}

/// The ECMA-354 session of a logged-in connection.
struct Session {
    id: Arc<str>,
    /// What the session may see and do; the hub updates it when the directory changes.
    access: watch::Receiver<Access>,
    /// Why the hub ended the session, once it has.
    end_reason: Arc<OnceLock<String>>,
    /// The hub's attachment generation, named when detaching.
    generation: u64,
    expires: Instant,
    cutoff: watch::Receiver<Option<String>>,
}

enum Phase {
    /// Waiting for `StartApplicationSession` until the deadline.
    Login { deadline: Instant },
    /// Logged in.
    Active(Session),
}

/// How a connection ends.
enum End {
    /// Write `last` (if any) after what is queued, close, and keep no session (a refused
    /// login, a session stopped by the client or by its timer).
    Close {
        last: Option<Bytes>,
        reason: &'static str,
    },
    /// The client went away or broke the protocol: the session stays resumable.
    Lost(String),
    /// The writer stopped (cut off, write error) or the server is shutting down.
    Stopped,
}

type Step = Result<(), End>;

struct ClientConnection {
    shared: Arc<Shared>,
    out: mpsc::Sender<Outbound>,
    stop: CancellationToken,
    shutdown: CancellationToken,
    phase: Phase,
    in_flight: Arc<Semaphore>,
}

/// Serves one connection until it closes.
pub(crate) async fn run(shared: Arc<Shared>, connection: Connection, shutdown: CancellationToken) {
    let Connection { stream, peer, .. } = connection;
    let tls = matches!(stream, Stream::Tls(_));
    let span = tracing::info_span!(
        "cti_client",
        %peer,
        account = tracing::field::Empty,
        session = tracing::field::Empty
    );
    async move {
        tracing::debug!(tls, "client connected");
        let (mut reader, write_half) = tokio::io::split(stream);
        let stop = shutdown.child_token();
        let (out, out_rx) = mpsc::channel(OUTBOUND_QUEUE);
        let writer = tokio::spawn(
            writer::run(write_half, out_rx, stop.clone(), shared.latency.clone()).in_current_span(),
        );
        let deadline = after(Instant::now(), shared.settings.login_timeout);
        let mut connection = ClientConnection {
            shared,
            out,
            stop,
            shutdown,
            phase: Phase::Login { deadline },
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
        };
        let end = connection.read_loop(&mut reader).await;
        connection.finish(end, writer, &mut reader).await;
    }
    .instrument(span)
    .await
}

/// Encodes a message as a frame; a response too large for a frame becomes a CSTA error.
fn frame_of(invoke: u16, message: &CstaMessage, edition: Edition) -> Bytes {
    let xml = csta_proto::encode(message, edition);
    match csta_proto::encode_frame(invoke, xml.as_bytes()) {
        Ok(frame) => frame,
        Err(error) => {
            tracing::warn!(%error, message = message.name(), "response does not fit a frame");
            let fallback: CstaMessage = CstaError::system_resource_availability("generic").into();
            let xml = csta_proto::encode(&fallback, edition);
            csta_proto::encode_frame(invoke, xml.as_bytes()).unwrap_or_default()
        }
    }
}

/// Whether a message is a service request a client may send (not a response, an event, an
/// error, a session message or something unknown).
fn is_service_request(message: &CstaMessage) -> bool {
    !message.is_event()
        && !message.is_session()
        && !matches!(
            message,
            CstaMessage::Unknown { .. } | CstaMessage::CstaErrorCode(_)
        )
        && !message.name().ends_with("Response")
}

/// A client-supplied string made safe and short for logs.
fn loggable(text: &str) -> String {
    let short: String = text.chars().take(64).collect();
    format!("{short:?}")
}

fn session_error(defined: &str) -> Option<SessionErrorCode> {
    Some(SessionErrorCode {
        defined_error: Some(defined.to_owned()),
        implementation_specific: None,
    })
}

fn seconds(duration: Duration) -> u32 {
    u32::try_from(duration.as_secs()).unwrap_or(u32::MAX)
}

/// A request's response and what the server sends unasked right after it (the device list
/// after `GetSwitchingFunctionDevicesResponse`). No response: the hub queued it itself (see
/// [`Hub::monitor_start_answering`]).
struct Answer {
    response: Option<CstaMessage>,
    follow_ups: Vec<CstaMessage>,
}

impl From<CstaMessage> for Answer {
    fn from(response: CstaMessage) -> Self {
        Answer {
            response: Some(response),
            follow_ups: Vec::new(),
        }
    }
}

/// Runs one service request (invoke ID `invoke`) against the hub.
async fn execute(
    hub: &Hub,
    access: &Access,
    session: &str,
    (invoke, edition): (u16, Edition),
    message: CstaMessage,
) -> Result<Answer, CstaError> {
    match message {
        CstaMessage::MonitorStart(start) => match start.monitor_object {
            MonitorObject::Device(device) => {
                // The hub queues the response with the subscription, ahead of the line's events.
                let answer: MonitorAnswer = Box::new(move |cross_ref: &str| {
                    let response: CstaMessage = MonitorStartResponse {
                        monitor_cross_ref_id: cross_ref.to_owned(),
                        monitor_existing_calls: None,
                    }
                    .into();
                    frame_of(invoke, &response, edition)
                });
                hub.monitor_start_answering(session, device.as_str(), answer)
                    .await?;
                Ok(Answer {
                    response: None,
                    follow_ups: Vec::new(),
                })
            }
            MonitorObject::Call(_) => Err(CstaError::service_not_supported()),
        },
        CstaMessage::MonitorStop(stop) => {
            hub.monitor_stop(session, stop.monitor_cross_ref_id.trim())
                .await?;
            Ok(CstaMessage::from(MonitorStopResponse {}).into())
        }
        CstaMessage::GetSwitchingFunctionDevices(request) => {
            let devices = hub.switching_function_devices(access, &request)?;
            Ok(device_list(devices))
        }
        other => Ok(hub.request(access, other).await?.into()),
    }
}

/// `GetSwitchingFunctionDevicesResponse` with a fresh serviceCrossRefID, followed by the
/// devices in segments of [`DEVICES_PER_SEGMENT`] (one empty segment when there are none).
fn device_list(devices: Vec<SwitchingFunctionDevice>) -> Answer {
    static NEXT_CROSS_REF: AtomicU64 = AtomicU64::new(1);
    let cross_ref = format!("sfd{}", NEXT_CROSS_REF.fetch_add(1, Ordering::Relaxed));
    let chunks: Vec<&[SwitchingFunctionDevice]> = if devices.is_empty() {
        vec![&[]]
    } else {
        devices.chunks(DEVICES_PER_SEGMENT).collect()
    };
    let last = chunks.len();
    let follow_ups = chunks
        .into_iter()
        .enumerate()
        .map(|(index, chunk)| {
            SwitchingFunctionDevices {
                service_cross_ref_id: cross_ref.clone(),
                segment_id: u32::try_from(index + 1).ok(),
                last_segment: Some(index + 1 == last),
                device_list: chunk.to_vec(),
            }
            .into()
        })
        .collect();
    Answer {
        response: Some(
            GetSwitchingFunctionDevicesResponse {
                service_cross_ref_id: Some(cross_ref),
            }
            .into(),
        ),
        follow_ups,
    }
}

/// Returns when the hub dropped the session without a cutoff reason (it closed the session
/// under the connection); never during the login. A cutoff with a reason is the writer's to
/// handle.
async fn session_gone(phase: &mut Phase) {
    let Phase::Active(session) = phase else {
        return std::future::pending().await;
    };
    loop {
        if session.cutoff.changed().await.is_ok() {
            session.cutoff.borrow_and_update();
            continue;
        }
        if session.cutoff.borrow().is_none() {
            return;
        }
        return std::future::pending().await;
    }
}

/// `start + duration`, or about a year later when that would overflow.
fn after(start: Instant, duration: Duration) -> Instant {
    start
        .checked_add(duration)
        .or_else(|| start.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(start)
}

async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

impl ClientConnection {
    fn edition(&self) -> Edition {
        self.shared.settings.edition
    }

    /// Reads and handles frames until the connection is to end.
    async fn read_loop(&mut self, reader: &mut ReadHalf<Stream>) -> End {
        let mut decoder = FrameDecoder::with_max_frame(self.shared.settings.max_frame);
        let frame_timeout = self.shared.settings.login_timeout;
        let mut buf = BytesMut::with_capacity(READ_CHUNK);
        let mut partial_since: Option<Instant> = None;
        loop {
            loop {
                match decoder.decode(&mut buf) {
                    Ok(Some(frame)) => {
                        partial_since = None;
                        if let Err(end) = self.on_frame(frame).await {
                            return end;
                        }
                    }
                    Ok(None) => break,
                    Err(error) => return End::Lost(format!("bad frame header: {error}")),
                }
            }
            if buf.is_empty() {
                partial_since = None;
            } else if partial_since.is_none() {
                partial_since = Some(Instant::now());
            }
            let frame_deadline = partial_since.map(|since| after(since, frame_timeout));
            let phase_deadline = match &self.phase {
                Phase::Login { deadline } => *deadline,
                Phase::Active(session) => session.expires,
            };
            if buf.capacity() - buf.len() < READ_CHUNK / 2 {
                buf.reserve(READ_CHUNK);
            }
            tokio::select! {
                biased;
                _ = self.stop.cancelled() => return End::Stopped,
                _ = session_gone(&mut self.phase) => return self.on_session_gone(),
                _ = tokio::time::sleep_until(phase_deadline) => return self.on_deadline().await,
                _ = sleep_until_some(frame_deadline) => {
                    return End::Lost(format!(
                        "a frame stayed incomplete ({} bytes) for {frame_timeout:?}",
                        buf.len()
                    ));
                }
                read = reader.read_buf(&mut buf) => match read {
                    Ok(0) => return End::Lost("closed by the client".into()),
                    Ok(_) => {}
                    Err(error) => return End::Lost(format!("read failed: {error}")),
                }
            }
        }
    }

    /// Queues a frame for the writer; fails when the connection is ending.
    async fn send(&self, outbound: Outbound) -> Step {
        tokio::select! {
            sent = self.out.send(outbound) => sent.map_err(|_| End::Stopped),
            _ = self.stop.cancelled() => Err(End::Stopped),
        }
    }

    async fn reply(&self, invoke: u16, message: &CstaMessage) -> Step {
        let frame = frame_of(invoke, message, self.edition());
        self.send(Outbound::Frame(frame)).await
    }

    async fn on_frame(&mut self, frame: CstaFrame) -> Step {
        let invoke = frame.invoke_id;
        let message = match csta_proto::decode(&frame.xml) {
            Ok(decoded) => decoded.message,
            Err(error) => {
                tracing::debug!(invoke, %error, "undecodable message");
                return self
                    .reply(invoke, &CstaError::invalid_parameter_value().into())
                    .await;
            }
        };
        tracing::debug!(invoke, message = message.name(), "request");
        match (&self.phase, message) {
            (Phase::Login { .. }, CstaMessage::StartApplicationSession(start)) => {
                self.login(invoke, start).await
            }
            (Phase::Login { .. }, other) => {
                tracing::debug!(
                    message = other.name(),
                    "request before StartApplicationSession"
                );
                self.reply(
                    invoke,
                    &CstaError::request_incompatible_with_object().into(),
                )
                .await
            }
            (Phase::Active(_), message) => self.on_request(invoke, message).await,
        }
    }

    /// A refused login: the negative response, then the connection closes.
    fn refuse(&self, invoke: u16, defined_error: &str) -> End {
        let response: CstaMessage = StartApplicationSessionNegResponse {
            error_code: session_error(defined_error),
        }
        .into();
        End::Close {
            last: Some(frame_of(invoke, &response, self.edition())),
            reason: "login refused",
        }
    }

    async fn login(&mut self, invoke: u16, start: StartApplicationSession) -> Step {
        let edition = self.edition();
        let info = start
            .application_info
            .application_specific_info
            .unwrap_or_default();
        let user = loggable(info.user_name.as_deref().unwrap_or_default());
        let versions = &start.requested_protocol_versions;
        if !versions.is_empty() && !versions.iter().any(|v| v.edition() == Some(edition)) {
            let requested: Vec<&str> = versions.iter().map(|v| v.0.as_str()).collect();
            tracing::info!(
                %user,
                ?requested,
                supported = edition.namespace(),
                "login refused: no supported protocol version requested"
            );
            return Err(self.refuse(invoke, "requestedProtocolVersionNotSupported"));
        }
        let technical = match (&info.user_name, &info.password) {
            (Some(name), Some(password)) => self.shared.accounts.check(name, password),
            _ => None,
        };
        let (account, access, transferred_password, directory_login) = match technical {
            Some(account) => (account.to_owned(), Access::Unrestricted, None, None),
            None => {
                let refused = |reason: &str| {
                    tracing::info!(%user, %reason, "login refused");
                };
                let (Some(directory), Some(name)) = (
                    self.shared.settings.directory.clone(),
                    info.user_name.clone(),
                ) else {
                    refused("wrong or missing user name or password");
                    return Err(self.refuse(invoke, "invalidApplicationInfo"));
                };
                let request = LoginRequest {
                    name,
                    password: info.password.clone(),
                    computer: info.computer_name.clone(),
                };
                match directory.login(request).await {
                    Ok(accepted) => {
                        let login = SessionLogin {
                            account: accepted.account.clone(),
                            computer: info.computer_name.clone(),
                        };
                        (
                            accepted.account,
                            accepted.access,
                            accepted.transferred_password,
                            Some(login),
                        )
                    }
                    Err(refusal) => {
                        refused(&refusal.to_string());
                        let defined = match refusal {
                            LoginRefusal::Invalid => "invalidApplicationInfo",
                            LoginRefusal::Locked { .. } => "accountLocked",
                            LoginRefusal::NoLogin => "loginNotAllowed",
                            LoginRefusal::Disabled => "accountDisabled",
                            LoginRefusal::Unavailable => "unspecified",
                        };
                        return Err(self.refuse(invoke, defined));
                    }
                }
            }
        };
        let duration = self
            .shared
            .settings
            .session_duration(start.requested_session_duration);
        let hub = &self.shared.hub;
        let open = |access: Access| async {
            match directory_login.clone() {
                Some(login) => hub.open_directory_session(login, access).await,
                None => hub.open_session(&account, access).await,
            }
        };
        let (attachment, resume) = match info.resume_session_id.as_deref() {
            Some(old) => {
                let last_seq = info.last_sequence_number.unwrap_or(0);
                match hub.resume_session(&account, old.trim(), last_seq).await {
                    Ok(attachment) => {
                        // The rights as of this login hold from now on.
                        hub.update_access(&attachment.session_id, access.clone())
                            .await;
                        (Some(attachment), Some(SessionResume::Resumed))
                    }
                    Err(why) => {
                        tracing::info!(
                            %account,
                            old_session = %loggable(old),
                            last_seq,
                            reason = %why,
                            "resume refused; opening a new session"
                        );
                        (
                            open(access.clone()).await,
                            Some(SessionResume::SnapshotRequired),
                        )
                    }
                }
            }
            None => (open(access.clone()).await, None),
        };
        let Some(attachment) = attachment else {
            tracing::warn!(%account, "the hub is not running; login refused");
            return Err(self.refuse(invoke, "unspecified"));
        };
        let span = tracing::Span::current();
        span.record("account", account.as_str());
        span.record("session", attachment.session_id.as_str());
        tracing::info!(
            resumed = resume == Some(SessionResume::Resumed),
            replayed = attachment.replayed,
            session_duration_s = duration.as_secs(),
            "client logged in"
        );
        let response: CstaMessage = StartApplicationSessionPosResponse {
            session_id: attachment.session_id.clone(),
            actual_protocol_version: ProtocolVersion::for_edition(edition),
            actual_session_duration: Some(seconds(duration)),
            extensions: (resume.is_some() || transferred_password.is_some()).then(|| {
                SessionExtensions {
                    session_resume: resume.clone(),
                    transferred_password: transferred_password.clone(),
                }
            }),
        }
        .into();
        let first = frame_of(invoke, &response, edition);
        self.phase = Phase::Active(Session {
            id: Arc::from(attachment.session_id.as_str()),
            access: attachment.access.clone(),
            end_reason: attachment.end_reason.clone(),
            generation: attachment.generation,
            expires: after(Instant::now(), duration),
            cutoff: attachment.cutoff.clone(),
        });
        self.send(Outbound::Attach {
            first,
            events: attachment.events,
            cutoff: attachment.cutoff,
        })
        .await
    }

    /// A message of a logged-in client.
    async fn on_request(&mut self, invoke: u16, message: CstaMessage) -> Step {
        let Phase::Active(session) = &mut self.phase else {
            return Ok(());
        };
        let session_id = session.id.clone();
        let access = session.access.borrow().clone();
        match message {
            CstaMessage::StartApplicationSession(_) => {
                tracing::debug!("StartApplicationSession on a logged-in connection");
                let response = StartApplicationSessionNegResponse {
                    error_code: Some(SessionErrorCode {
                        defined_error: None,
                        implementation_specific: Some(
                            "a session is already open on this connection".into(),
                        ),
                    }),
                };
                self.reply(invoke, &response.into()).await
            }
            CstaMessage::ResetApplicationSessionTimer(reset) => {
                if reset.session_id.trim() != &*session_id {
                    let response = ResetApplicationSessionTimerNegResponse {
                        error_code: session_error("invalidSessionID"),
                    };
                    return self.reply(invoke, &response.into()).await;
                }
                let duration = self
                    .shared
                    .settings
                    .session_duration(reset.requested_session_duration);
                session.expires = after(Instant::now(), duration);
                tracing::debug!(
                    session_duration_s = duration.as_secs(),
                    "session timer reset"
                );
                let response = ResetApplicationSessionTimerPosResponse {
                    actual_session_duration: Some(seconds(duration)),
                };
                self.reply(invoke, &response.into()).await
            }
            CstaMessage::StopApplicationSession(stop) => {
                if stop.session_id.trim() != &*session_id {
                    let response = StopApplicationSessionNegResponse {
                        error_code: session_error("invalidSessionID"),
                    };
                    return self.reply(invoke, &response.into()).await;
                }
                self.shared.hub.close_session(&session_id).await;
                tracing::info!("the client ended its session");
                let response: CstaMessage = StopApplicationSessionPosResponse {}.into();
                Err(End::Close {
                    last: Some(frame_of(invoke, &response, self.edition())),
                    reason: "session stopped by the client",
                })
            }
            CstaMessage::RequestSystemStatus(_) => {
                let response = RequestSystemStatusResponse {
                    system_status: SystemStatus::Normal,
                };
                self.reply(invoke, &response.into()).await
            }
            message if is_service_request(&message) => {
                self.spawn_request(invoke, session_id, access, message)
                    .await
            }
            CstaMessage::MonitorStopResponse(_) => {
                // The answer to a MonitorStop the server sent (a right was withdrawn).
                tracing::debug!(invoke, "MonitorStopResponse from the client");
                Ok(())
            }
            other => {
                tracing::debug!(message = other.name(), "not a service request");
                self.reply(invoke, &CstaError::service_not_supported().into())
                    .await
            }
        }
    }

    /// Runs a service request in its own task; its response is written whenever it is ready.
    async fn spawn_request(
        &self,
        invoke: u16,
        session: Arc<str>,
        access: Access,
        message: CstaMessage,
    ) -> Step {
        let Ok(permit) = self.in_flight.clone().try_acquire_owned() else {
            tracing::debug!(invoke, "too many requests in flight");
            return self.reply(invoke, &CstaError::resource_busy().into()).await;
        };
        let hub = self.shared.hub.clone();
        let out = self.out.clone();
        let edition = self.edition();
        tokio::spawn(
            async move {
                let name = message.name().to_owned();
                let result = execute(&hub, &access, &session, (invoke, edition), message).await;
                if let Err(error) = &result {
                    tracing::debug!(invoke, request = %name, %error, "request failed");
                }
                let Answer {
                    response,
                    follow_ups,
                } = result.unwrap_or_else(|error| CstaMessage::CstaErrorCode(error).into());
                let frames = response
                    .iter()
                    .map(|response| frame_of(invoke, response, edition))
                    .chain(
                        follow_ups
                            .iter()
                            .map(|message| frame_of(UNSOLICITED, message, edition)),
                    );
                for frame in frames {
                    if out.send(Outbound::Frame(frame)).await.is_err() {
                        break;
                    }
                }
                drop(permit);
            }
            .in_current_span(),
        );
        Ok(())
    }

    /// The login timeout or the session timer ran out.
    async fn on_deadline(&mut self) -> End {
        match &self.phase {
            Phase::Login { .. } => {
                tracing::info!("no StartApplicationSession in time; closing the connection");
                End::Close {
                    last: None,
                    reason: "no login in time",
                }
            }
            Phase::Active(session) => {
                tracing::info!("session timer expired; ending the session");
                self.shared.hub.close_session(&session.id).await;
                let stop: CstaMessage = StopApplicationSession {
                    session_id: session.id.to_string(),
                    session_end_reason: Some(SessionEndReason {
                        defined_end_reason: Some("applicationTimeout".into()),
                        application_end_reason: None,
                    }),
                }
                .into();
                End::Close {
                    last: Some(frame_of(UNSOLICITED, &stop, self.edition())),
                    reason: "session timer expired",
                }
            }
        }
    }

    /// The hub closed the session while the connection was attached to it (a resume of the
    /// same session elsewhere that was refused, or the hub stopping): tell the client.
    fn on_session_gone(&self) -> End {
        let Phase::Active(session) = &self.phase else {
            return End::Stopped;
        };
        let reason = session.end_reason.get().cloned();
        tracing::warn!(
            reason = reason.as_deref().unwrap_or("none given"),
            "the hub ended the session; closing the connection"
        );
        let stop: CstaMessage = StopApplicationSession {
            session_id: session.id.to_string(),
            session_end_reason: reason.map(|reason| SessionEndReason {
                defined_end_reason: None,
                application_end_reason: Some(reason),
            }),
        }
        .into();
        End::Close {
            last: Some(frame_of(UNSOLICITED, &stop, self.edition())),
            reason: "session ended by the hub",
        }
    }

    /// Closes the writer, releases or keeps the session, and closes the socket.
    async fn finish(
        self,
        end: End,
        mut writer: JoinHandle<WriterEnd>,
        reader: &mut ReadHalf<Stream>,
    ) {
        let mut detach = matches!(self.phase, Phase::Active(_));
        let mut linger = false;
        match end {
            End::Close { last, reason } => {
                tracing::debug!(reason, "closing the connection");
                detach = false;
                linger = true;
                let _ = tokio::time::timeout(CLOSE_GRACE, self.send(Outbound::Close(last))).await;
            }
            End::Lost(reason) => {
                tracing::info!(%reason, "connection closed");
                let _ = tokio::time::timeout(CLOSE_GRACE, self.send(Outbound::Close(None))).await;
            }
            End::Stopped => {}
        }
        let writer_end = match tokio::time::timeout(CLOSE_GRACE, &mut writer).await {
            Ok(Ok(end)) => Some(end),
            _ => {
                writer.abort();
                None
            }
        };
        self.stop.cancel();
        match &writer_end {
            Some(WriterEnd::CutOff(_)) => {
                // The hub already detached the session (or gave it to another connection).
                detach = false;
                linger = false;
            }
            Some(WriterEnd::Failed(error)) => {
                tracing::info!(%error, "writing to the client failed; connection closed");
                linger = false;
            }
            Some(WriterEnd::Stopped) if self.shutdown.is_cancelled() => {
                tracing::info!("server shutting down; connection closed");
            }
            _ => {}
        }
        if let Phase::Active(session) = &self.phase {
            let cut_off = session.cutoff.borrow().is_some();
            if detach && !cut_off {
                self.shared
                    .hub
                    .detach_session(&session.id, session.generation)
                    .await;
                tracing::debug!("session detached; it can be resumed");
            }
        }
        if linger && !self.shutdown.is_cancelled() {
            let mut sink = [0u8; 1024];
            let _ = tokio::time::timeout(LINGER, async {
                while let Ok(n) = reader.read(&mut sink).await {
                    if n == 0 {
                        break;
                    }
                }
            })
            .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use csta_proto::{MakeCall, MakeCallResponse, MonitorStart};

    fn segments(answer: &Answer) -> Vec<(Option<u32>, Option<bool>, usize, String)> {
        answer
            .follow_ups
            .iter()
            .map(|message| match message {
                CstaMessage::SwitchingFunctionDevices(list) => (
                    list.segment_id,
                    list.last_segment,
                    list.device_list.len(),
                    list.service_cross_ref_id.clone(),
                ),
                other => panic!("not a device list: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn long_device_lists_are_segmented_and_framed_within_the_limit() {
        let devices: Vec<SwitchingFunctionDevice> = (0..250)
            .map(|n| SwitchingFunctionDevice {
                device_id: csta_proto::DeviceId::new(format!(
                    "sip:{n:0>40}@a-rather-long-host-name.example.com"
                )),
                device_category: Some(csta_proto::DeviceCategory::Station),
                device_model_name: None,
            })
            .collect();
        let answer = device_list(devices);
        let Some(CstaMessage::GetSwitchingFunctionDevicesResponse(response)) = &answer.response
        else {
            panic!("{:?}", answer.response)
        };
        let cross_ref = response.service_cross_ref_id.clone().unwrap();
        assert_eq!(
            segments(&answer),
            [
                (Some(1), Some(false), 100, cross_ref.clone()),
                (Some(2), Some(false), 100, cross_ref.clone()),
                (Some(3), Some(true), 50, cross_ref.clone()),
            ]
        );
        for message in &answer.follow_ups {
            let xml = csta_proto::encode(message, Edition::Ed6);
            assert!(csta_proto::encode_frame(UNSOLICITED, xml.as_bytes()).is_ok());
        }

        let empty = segments(&device_list(Vec::new()));
        let [(Some(1), Some(true), 0, other_ref)] = empty.as_slice() else {
            panic!("one empty last segment")
        };
        assert_ne!(
            *other_ref, cross_ref,
            "a fresh serviceCrossRefID per request"
        );
    }

    #[test]
    fn service_requests_are_told_apart_from_the_rest() {
        let make_call: CstaMessage = MakeCall::default().into();
        assert!(is_service_request(&make_call));
        assert!(is_service_request(&MonitorStart::default().into()));
        assert!(!is_service_request(&MakeCallResponse::default().into()));
        assert!(!is_service_request(&CstaError::generic().into()));
        assert!(!is_service_request(&CstaMessage::Unknown {
            name: "Foo".into()
        }));
        assert!(!is_service_request(
            &csta_proto::DeliveredEvent::default().into()
        ));
        assert!(!is_service_request(
            &StopApplicationSession::default().into()
        ));
    }

    #[test]
    fn client_strings_are_bounded_and_escaped_in_logs() {
        let long = "a".repeat(1000);
        assert_eq!(loggable(&long).len(), 66);
        assert_eq!(loggable("x\ny"), "\"x\\ny\"");
    }
}
