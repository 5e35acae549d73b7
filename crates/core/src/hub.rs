//! The hub: the one place where lines, their monitors, the call model and client sessions
//! meet. Links (phones, the simulator, later PBXs) report line events; the hub applies them to
//! the call model, numbers each event globally, encodes it once (CSTA XML frame) and hands the
//! shared bytes to every session subscribed to the line. Monitors are reference counted: the
//! first subscriber of a line makes its link start the monitor, the last one leaving stops it.
//!
//! The hub is an actor: one task owns all state and handles commands in order, so fan-out,
//! sequence numbers and session attach/resume never race. Service requests do not pass through
//! it: they go from the caller straight to the line's link through the shared line directory.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use bytes::Bytes;
use csta_proto::{
    BackInServiceEvent, CstaError, CstaMessage, DeviceCategory, DeviceId, Edition,
    GetSwitchingFunctionDevices, OutOfServiceEvent, Party, SnapshotCallResponse, SnapshotData,
    SnapshotDeviceResponse, SwitchingFunctionDevice,
};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

use crate::LineKey;
use crate::accounts::SessionLogin;
use crate::calls::LineCalls;
use crate::event_log::{EventLog, LoggedEvent};
use crate::rights::{EffectiveRights, Visibility, mask_event, mask_response};
use crate::services::{rewrite_subject_devices, subject_device};

/// Settings of the hub.
#[derive(Debug, Clone)]
pub struct HubSettings {
    /// CSTA edition events are encoded in.
    pub edition: Edition,
    /// How long a disconnected session is kept for resuming.
    pub retention: Duration,
    /// Most events a resuming session may have missed; more means "snapshot".
    pub retention_events: usize,
    /// Most events kept in the global log for resuming.
    pub log_capacity: usize,
    /// Events queued per session before a slow client is cut off.
    pub outbox_capacity: usize,
    /// Time a link gets to answer a service request.
    pub request_timeout: Duration,
}

impl Default for HubSettings {
    fn default() -> Self {
        HubSettings {
            edition: Edition::Ed5,
            retention: Duration::from_secs(120),
            retention_events: 10_000,
            log_capacity: 1_000_000,
            outbox_capacity: 10_000,
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Commands from the hub to a link.
#[derive(Debug)]
pub enum LinkCommand {
    /// Start monitoring a line (first subscriber arrived).
    MonitorStart {
        /// The line.
        line: LineKey,
        /// The line's device as the link knows it.
        device: String,
    },
    /// Stop monitoring a line (last subscriber left).
    MonitorStop {
        /// The line.
        line: LineKey,
        /// The line's device as the link knows it.
        device: String,
    },
    /// Execute a service request on a line; its result or CSTA error goes to `reply`.
    Request {
        /// The line.
        line: LineKey,
        /// The request, device identifiers already in the link's form.
        request: Box<CstaMessage>,
        /// Where the result goes.
        reply: oneshot::Sender<Result<CstaMessage, CstaError>>,
    },
}

/// Where the hub sends a line's commands.
#[derive(Debug, Clone)]
pub struct LinkHandle {
    /// The link's name for logs (`phone 000413A1B2C3`, `sim`).
    pub name: Arc<str>,
    /// The command queue.
    pub commands: mpsc::Sender<LinkCommand>,
}

impl LinkHandle {
    /// A handle named `name` sending into `commands`.
    pub fn new(name: impl Into<Arc<str>>, commands: mpsc::Sender<LinkCommand>) -> Self {
        LinkHandle {
            name: name.into(),
            commands,
        }
    }

    fn same(&self, other: &LinkHandle) -> bool {
        self.commands.same_channel(&other.commands)
    }
}

/// What links report to the hub.
#[derive(Debug)]
pub enum LinkEvent {
    /// A line exists (e.g. it is in the phone inventory) but may not be reachable now.
    LineKnown {
        /// The line's device as reported (`sip:201@pbx.example`).
        device: String,
    },
    /// A line became reachable through `link`.
    LineUp {
        /// The line's device as the link knows it.
        device: String,
        /// Where its commands go.
        link: LinkHandle,
    },
    /// A line is no longer reachable through `link` (phone offline, identity removed).
    LineDown {
        /// The line's device.
        device: String,
        /// The link that had it (a stale report from an older link is ignored).
        link: LinkHandle,
    },
    /// The link's monitor of the line is active.
    MonitorActive {
        /// The line.
        line: LineKey,
    },
    /// The link could not start the line's monitor.
    MonitorFailed {
        /// The line.
        line: LineKey,
        /// Why.
        error: CstaError,
    },
    /// A CSTA event of the line's monitor.
    Event {
        /// The line.
        line: LineKey,
        /// The event (its monitorCrossRefID is replaced by the hub's).
        event: Box<CstaMessage>,
        /// When the link received it (for delivery latency).
        at: Instant,
    },
}

/// A queued event for a session: the encoded frame and when its link received it.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The CSTA frame (8-byte header + XML), shared between sessions.
    pub frame: Bytes,
    /// When the link received the event.
    pub at: Instant,
}

/// What a client session may see and do.
#[derive(Debug, Clone)]
pub enum Access {
    /// A technical account of the configuration (`[[cti.accounts]]`): every line, every
    /// service, every number.
    Unrestricted,
    /// A directory account: its effective rights (PERM1–PERM5).
    Rights(Arc<EffectiveRights>),
}

impl Access {
    /// How much of a line's events the session gets.
    pub fn visibility(&self, line: &LineKey) -> Visibility {
        match self {
            Access::Unrestricted => Visibility::Full,
            Access::Rights(rights) => rights.visibility(line),
        }
    }

    /// Checks a service request against the rights (before the line is looked up).
    pub fn check_request(&self, request: &CstaMessage) -> Result<(), CstaError> {
        match self {
            Access::Unrestricted => Ok(()),
            Access::Rights(rights) => rights.check_request(request),
        }
    }
}

/// A session attached to a connection.
#[derive(Debug)]
pub struct SessionAttachment {
    /// The session's ID (given to the client, used to resume).
    pub session_id: String,
    /// Events for the session, replayed ones first.
    pub events: mpsc::Receiver<Delivery>,
    /// Set to a reason when the hub cuts the connection off (slow client, replaced).
    pub cutoff: watch::Receiver<Option<String>>,
    /// How many missed events were replayed at the front of `events`.
    pub replayed: usize,
    /// Which attachment of the session this is; a detach names it, so a late detach from an
    /// older connection cannot take the events of a newer one.
    pub generation: u64,
    /// What the session may see and do now; the hub replaces it when the directory changes
    /// (CL5), so requests must read it each time.
    pub access: watch::Receiver<Access>,
    /// Why the hub ended the session, when it did (the account was disabled, …).
    pub end_reason: Arc<OnceLock<String>>,
}

/// Why a session could not be resumed: the client must start over and take snapshots.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResumeRefused {
    /// The session is unknown (expired, closed, or from before a restart).
    #[error("session unknown or expired")]
    UnknownSession,
    /// The session belongs to another account.
    #[error("session belongs to another account")]
    WrongAccount,
    /// Too many events were missed, or some are no longer kept.
    #[error("too many missed events to replay")]
    TooManyMissed,
    /// The client's last sequence number was never given out.
    #[error("the last sequence number {0} was never given out")]
    UnknownSequenceNumber(u64),
}

/// An internal consumer's view of a line's events (journal, presence).
#[derive(Debug, Clone)]
pub struct LineNotice {
    /// The line.
    pub line: LineKey,
    /// The event as the link reported it.
    pub event: Arc<CstaMessage>,
}

#[derive(Debug, Clone)]
struct DirectoryEntry {
    device: String,
    link: Option<LinkHandle>,
}

type Directory = Arc<RwLock<HashMap<LineKey, DirectoryEntry>>>;

enum Command {
    Link(LinkEvent),
    Open {
        account: String,
        access: Access,
        login: Option<SessionLogin>,
        reply: oneshot::Sender<SessionAttachment>,
    },
    DirectorySessions {
        reply: oneshot::Sender<Vec<(String, SessionLogin)>>,
    },
    UpdateAccess {
        session_id: String,
        access: Access,
        reply: oneshot::Sender<()>,
    },
    End {
        session_id: String,
        reason: String,
    },
    Resume {
        account: String,
        session_id: String,
        last_seq: u64,
        reply: oneshot::Sender<Result<SessionAttachment, ResumeRefused>>,
    },
    Detach {
        session_id: String,
        generation: u64,
    },
    Close {
        session_id: String,
    },
    MonitorStart {
        session_id: String,
        line: LineKey,
        answer: Option<MonitorAnswer>,
        reply: oneshot::Sender<Result<String, CstaError>>,
    },
    MonitorStop {
        session_id: String,
        cross_ref: String,
        reply: oneshot::Sender<Result<(), CstaError>>,
    },
    Subscribe {
        line: LineKey,
        reply: oneshot::Sender<Result<InternalSubscription, CstaError>>,
    },
    Unsubscribe {
        line: LineKey,
        id: u64,
    },
    Snapshot {
        request: Box<CstaMessage>,
        reply: oneshot::Sender<Result<CstaMessage, CstaError>>,
    },
    Stats {
        reply: oneshot::Sender<HubStats>,
    },
}

/// Counters for status pages and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HubStats {
    /// Known lines.
    pub lines: usize,
    /// Lines with at least one subscriber (each counts once, ADM3).
    pub monitored_lines: usize,
    /// Sessions attached to a connection.
    pub attached_sessions: usize,
    /// Sessions kept for resuming.
    pub detached_sessions: usize,
    /// Last global event sequence number.
    pub last_seq: u64,
}

/// Turns a monitorCrossRefID into the encoded `MonitorStartResponse` frame (see
/// [`Hub::monitor_start_answering`]).
pub type MonitorAnswer = Box<dyn FnOnce(&str) -> Bytes + Send>;

/// An internal subscription to a line; dropping it does not unsubscribe, call
/// [`Hub::unsubscribe_internal`].
#[derive(Debug)]
pub struct InternalSubscription {
    /// Its ID.
    pub id: u64,
    /// The line's events.
    pub events: mpsc::Receiver<LineNotice>,
}

/// The hub's handle: cheap to clone.
#[derive(Debug, Clone)]
pub struct Hub {
    commands: mpsc::Sender<Command>,
    directory: Directory,
    settings: Arc<HubSettings>,
}

/// The sender links use to report to the hub.
#[derive(Debug, Clone)]
pub struct LinkEvents {
    commands: mpsc::Sender<Command>,
}

impl LinkEvents {
    /// Reports one event; waits while the hub is busy (links are slowed, never clients).
    pub async fn send(&self, event: LinkEvent) {
        let _ = self.commands.send(Command::Link(event)).await;
    }
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Command")
    }
}

impl Hub {
    /// Starts the hub's task.
    pub fn start(settings: HubSettings) -> Hub {
        let (commands, rx) = mpsc::channel(65_536);
        let directory: Directory = Arc::default();
        let settings = Arc::new(settings);
        let state = State {
            settings: settings.clone(),
            directory: directory.clone(),
            lines: HashMap::new(),
            sessions: HashMap::new(),
            log: EventLog::new(settings.log_capacity, settings.retention),
            next_seq: 0,
            next_cross_ref: 1,
            next_internal: 1,
        };
        tokio::spawn(state.run(rx));
        Hub {
            commands,
            directory,
            settings,
        }
    }

    /// The sender links report to.
    pub fn link_events(&self) -> LinkEvents {
        LinkEvents {
            commands: self.commands.clone(),
        }
    }

    /// The hub's settings.
    pub fn settings(&self) -> &HubSettings {
        &self.settings
    }

    async fn ask<T>(&self, command: Command, rx: oneshot::Receiver<T>) -> Option<T> {
        self.commands.send(command).await.ok()?;
        rx.await.ok()
    }

    /// Opens a new session for `account`, which may see and do what `access` allows (for
    /// good: see [`Hub::open_directory_session`] for sessions whose rights follow the
    /// directory).
    pub async fn open_session(&self, account: &str, access: Access) -> Option<SessionAttachment> {
        self.open(account, access, None).await
    }

    /// Opens a new session of a directory account; [`Hub::directory_sessions`] lists it so its
    /// access can be updated when the directory changes.
    pub async fn open_directory_session(
        &self,
        login: SessionLogin,
        access: Access,
    ) -> Option<SessionAttachment> {
        let account = login.account.clone();
        self.open(&account, access, Some(login)).await
    }

    async fn open(
        &self,
        account: &str,
        access: Access,
        login: Option<SessionLogin>,
    ) -> Option<SessionAttachment> {
        let (reply, rx) = oneshot::channel();
        self.ask(
            Command::Open {
                account: account.to_owned(),
                access,
                login,
                reply,
            },
            rx,
        )
        .await
    }

    /// The sessions of directory accounts (attached or kept for resuming), with their logins.
    pub async fn directory_sessions(&self) -> Vec<(String, SessionLogin)> {
        let (reply, rx) = oneshot::channel();
        self.ask(Command::DirectorySessions { reply }, rx)
            .await
            .unwrap_or_default()
    }

    /// Gives a session new rights (CL5): its requests are checked against them from now on,
    /// its monitors see their lines at the new visibility, and a monitor of a line it may no
    /// longer see is stopped (the client gets a `MonitorStop` with its cross reference). A
    /// session kept for resuming whose monitors would change is ended instead: its client must
    /// start over and take snapshots.
    /// Returns once the hub has applied it.
    pub async fn update_access(&self, session_id: &str, access: Access) {
        let (reply, rx) = oneshot::channel();
        self.ask(
            Command::UpdateAccess {
                session_id: session_id.to_owned(),
                access,
                reply,
            },
            rx,
        )
        .await;
    }

    /// Ends a session for `reason` (its account was disabled or deleted): the client is told
    /// with `StopApplicationSession` and the session cannot be resumed.
    pub async fn end_session(&self, session_id: &str, reason: &str) {
        let _ = self
            .commands
            .send(Command::End {
                session_id: session_id.to_owned(),
                reason: reason.to_owned(),
            })
            .await;
    }

    /// Re-attaches a session after a reconnect: the events after `last_seq` of its lines are
    /// queued first. A session still attached elsewhere is cut off there.
    pub async fn resume_session(
        &self,
        account: &str,
        session_id: &str,
        last_seq: u64,
    ) -> Result<SessionAttachment, ResumeRefused> {
        let (reply, rx) = oneshot::channel();
        self.ask(
            Command::Resume {
                account: account.to_owned(),
                session_id: session_id.to_owned(),
                last_seq,
                reply,
            },
            rx,
        )
        .await
        .unwrap_or(Err(ResumeRefused::UnknownSession))
    }

    /// The connection of attachment `generation` of a session is gone; keep the session for
    /// the retention window. A detach of an older attachment is ignored.
    pub async fn detach_session(&self, session_id: &str, generation: u64) {
        let _ = self
            .commands
            .send(Command::Detach {
                session_id: session_id.to_owned(),
                generation,
            })
            .await;
    }

    /// Ends a session now (StopApplicationSession, expired timer): its monitors are released.
    pub async fn close_session(&self, session_id: &str) {
        let _ = self
            .commands
            .send(Command::Close {
                session_id: session_id.to_owned(),
            })
            .await;
    }

    /// The line a device identifier names, when it is known.
    pub fn line_of(&self, device: &str) -> Option<LineKey> {
        let key = LineKey::from_device_id(device)?;
        let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
        directory.contains_key(&key).then_some(key)
    }

    /// Answers a client's `GetSwitchingFunctionDevices` with the lines its rights let it see
    /// (every known line for an unrestricted account), sorted by device ID; all of them are
    /// stations. A requested device narrows the list to that line: invisible gives
    /// `privilegeViolationSpecifiedDevice` (whether or not it exists), unknown
    /// `invalidDeviceID`.
    pub fn switching_function_devices(
        &self,
        access: &Access,
        request: &GetSwitchingFunctionDevices,
    ) -> Result<Vec<SwitchingFunctionDevice>, CstaError> {
        let wanted = match &request.requested_device_id {
            Some(device) => Some(
                LineKey::from_device_id(device.as_str())
                    .ok_or_else(CstaError::invalid_device_id)?,
            ),
            None => None,
        };
        let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
        if let Some(key) = &wanted {
            // Rights first, so a refusal does not tell whether the line exists.
            if access.visibility(key) == Visibility::None {
                return Err(CstaError::privilege_violation_specified_device());
            }
            if !directory.contains_key(key) {
                return Err(CstaError::invalid_device_id());
            }
        }
        if request
            .requested_device_category
            .as_ref()
            .is_some_and(|category| *category != DeviceCategory::Station)
        {
            return Ok(Vec::new());
        }
        let mut devices: Vec<SwitchingFunctionDevice> = directory
            .iter()
            .filter(|(key, _)| wanted.as_ref().is_none_or(|wanted| wanted == *key))
            .filter(|(key, _)| access.visibility(key) != Visibility::None)
            .map(|(_, entry)| SwitchingFunctionDevice {
                device_id: DeviceId::new(entry.device.clone()),
                device_category: Some(DeviceCategory::Station),
                device_model_name: None,
            })
            .collect();
        devices.sort_by(|a, b| a.device_id.as_str().cmp(b.device_id.as_str()));
        Ok(devices)
    }

    /// Subscribes a session to a line; returns the line's monitorCrossRefID. The rights are
    /// checked before the line is looked up, as for every request: a line the session may not
    /// see gets `privilegeViolationSpecifiedDevice` whether or not it exists; an unknown line
    /// `invalidDeviceID`.
    pub async fn monitor_start(&self, session_id: &str, device: &str) -> Result<String, CstaError> {
        self.start_monitor_for(session_id, device, None).await
    }

    /// [`Hub::monitor_start`] for a client listener: `answer` turns the cross reference into
    /// the encoded `MonitorStartResponse`, which the hub queues on the session's event queue
    /// in the same step as it subscribes. So the response comes before every event of the line
    /// and the client misses none that happen after it. On an error nothing is queued.
    pub async fn monitor_start_answering(
        &self,
        session_id: &str,
        device: &str,
        answer: MonitorAnswer,
    ) -> Result<String, CstaError> {
        self.start_monitor_for(session_id, device, Some(answer))
            .await
    }

    async fn start_monitor_for(
        &self,
        session_id: &str,
        device: &str,
        answer: Option<MonitorAnswer>,
    ) -> Result<String, CstaError> {
        let line = LineKey::from_device_id(device).ok_or_else(CstaError::invalid_device_id)?;
        let (reply, rx) = oneshot::channel();
        self.ask(
            Command::MonitorStart {
                session_id: session_id.to_owned(),
                line,
                answer,
                reply,
            },
            rx,
        )
        .await
        .unwrap_or_else(|| Err(CstaError::resource_busy()))
    }

    /// Ends a session's monitor by its cross reference ID.
    pub async fn monitor_stop(&self, session_id: &str, cross_ref: &str) -> Result<(), CstaError> {
        let (reply, rx) = oneshot::channel();
        self.ask(
            Command::MonitorStop {
                session_id: session_id.to_owned(),
                cross_ref: cross_ref.to_owned(),
                reply,
            },
            rx,
        )
        .await
        .unwrap_or_else(|| Err(CstaError::resource_busy()))
    }

    /// Subscribes an internal consumer (journal, presence) to a line: it counts for the
    /// line's monitor like a client does.
    pub async fn subscribe_internal(
        &self,
        device: &str,
    ) -> Result<InternalSubscription, CstaError> {
        let line = self
            .line_of(device)
            .ok_or_else(CstaError::invalid_device_id)?;
        let (reply, rx) = oneshot::channel();
        self.ask(Command::Subscribe { line, reply }, rx)
            .await
            .unwrap_or_else(|| Err(CstaError::resource_busy()))
    }

    /// Ends an internal subscription.
    pub async fn unsubscribe_internal(&self, line: LineKey, id: u64) {
        let _ = self.commands.send(Command::Unsubscribe { line, id }).await;
    }

    /// Counters.
    pub async fn stats(&self) -> HubStats {
        let (reply, rx) = oneshot::channel();
        self.ask(Command::Stats { reply }, rx)
            .await
            .unwrap_or_default()
    }

    /// Executes a service request for a session with `access`: the rights are checked first
    /// (so a refusal does not tell whether the line exists); snapshots are answered from the
    /// call model, everything else goes to the link of the request's line, with device IDs
    /// rewritten to the link's form; results are masked like the line's events.
    pub async fn request(
        &self,
        access: &Access,
        request: CstaMessage,
    ) -> Result<CstaMessage, CstaError> {
        access.check_request(&request)?;
        let subject = subject_device(&request).ok_or_else(CstaError::service_not_supported)?;
        let line =
            LineKey::from_device_id(subject.as_str()).ok_or_else(CstaError::invalid_device_id)?;
        let visibility = access.visibility(&line);
        let result = self.execute(line.clone(), request).await?;
        mask_response(&result, &line, visibility)
            .ok_or_else(CstaError::privilege_violation_specified_device)
    }

    async fn execute(
        &self,
        line: LineKey,
        mut request: CstaMessage,
    ) -> Result<CstaMessage, CstaError> {
        if matches!(
            request,
            CstaMessage::SnapshotDevice(_) | CstaMessage::SnapshotCall(_)
        ) {
            let (reply, rx) = oneshot::channel();
            return self
                .ask(
                    Command::Snapshot {
                        request: Box::new(request),
                        reply,
                    },
                    rx,
                )
                .await
                .unwrap_or_else(|| Err(CstaError::resource_busy()));
        }
        let entry = {
            let directory = self.directory.read().unwrap_or_else(|e| e.into_inner());
            directory.get(&line).cloned()
        };
        let entry = entry.ok_or_else(CstaError::invalid_device_id)?;
        let link = entry.link.ok_or_else(CstaError::device_out_of_service)?;
        let device = entry.device.clone();
        let directory = self.directory.clone();
        rewrite_subject_devices(&mut request, &|d| {
            let key = LineKey::from_device_id(d.as_str())?;
            if key == line {
                return Some(DeviceId::new(device.clone()));
            }
            let directory = directory.read().unwrap_or_else(|e| e.into_inner());
            directory.get(&key).map(|e| DeviceId::new(e.device.clone()))
        });
        let (reply, rx) = oneshot::channel();
        link.commands
            .try_send(LinkCommand::Request {
                line,
                request: Box::new(request),
                reply,
            })
            .map_err(|_| CstaError::resource_busy())?;
        match tokio::time::timeout(self.settings.request_timeout, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(CstaError::device_out_of_service()),
            Err(_) => Err(CstaError::system_resource_availability("resourceBusy")),
        }
    }
}

enum Subscriber {
    /// A client session, with its current outbox cached so fan-out needs no lookup, and how
    /// much of the line's events it may see.
    Session {
        id: Arc<str>,
        outbox: Option<mpsc::Sender<Delivery>>,
        visibility: Visibility,
    },
    Internal(u64, mpsc::Sender<LineNotice>),
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum MonitorState {
    Idle,
    Starting,
    Active,
}

struct Line {
    key: LineKey,
    device: String,
    link: Option<LinkHandle>,
    subscribers: Vec<Subscriber>,
    cross_ref: String,
    monitor: MonitorState,
    calls: LineCalls,
}

struct Session {
    account: String,
    /// Set for directory sessions, whose rights follow the directory.
    login: Option<SessionLogin>,
    access: Access,
    access_updates: watch::Sender<Access>,
    end_reason: Arc<OnceLock<String>>,
    /// The last sequence number given out before the session opened: it missed nothing
    /// before that, whatever number a resuming client names.
    opened_after_seq: u64,
    generation: u64,
    outbox: Option<mpsc::Sender<Delivery>>,
    cutoff: watch::Sender<Option<String>>,
    /// monitorCrossRefID → the line and the visibility the session has on it.
    monitors: HashMap<String, (LineKey, Visibility)>,
    detached_at: Option<Instant>,
}

struct State {
    settings: Arc<HubSettings>,
    directory: Directory,
    lines: HashMap<LineKey, Line>,
    sessions: HashMap<String, Session>,
    log: EventLog,
    next_seq: u64,
    next_cross_ref: u64,
    next_internal: u64,
}

/// Inserts `<extensions>…<sequenceNumber>` before the root's closing tag.
fn with_sequence_number(xml: &str, seq: u64) -> String {
    let extension = format!(
        "<extensions><privateData><private><sequenceNumber xmlns=\"urn:callboard:csta\">{seq}</sequenceNumber></private></privateData></extensions>"
    );
    match xml.rfind("</") {
        Some(at) if !xml[..at].trim_end().ends_with("?>") => {
            let mut out = String::with_capacity(xml.len() + extension.len());
            out.push_str(&xml[..at]);
            out.push_str(&extension);
            out.push_str(&xml[at..]);
            out
        }
        _ => {
            // A self-closed root (`<X/>`): open it.
            let trimmed = xml.trim_end();
            match trimmed.strip_suffix("/>") {
                Some(open) => {
                    let name_end = open.rfind('<').map_or(0, |i| i + 1);
                    let name: String = open[name_end..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect();
                    format!("{open}>{extension}</{name}>")
                }
                None => xml.to_owned(),
            }
        }
    }
}

impl State {
    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                command = rx.recv() => match command {
                    Some(command) => self.handle(command),
                    None => return,
                },
                _ = tick.tick() => self.expire(Instant::now()),
            }
        }
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Link(event) => self.on_link_event(event),
            Command::Open {
                account,
                access,
                login,
                reply,
            } => {
                let attachment = self.open(account, access, login);
                let _ = reply.send(attachment);
            }
            Command::DirectorySessions { reply } => {
                let sessions = self
                    .sessions
                    .iter()
                    .filter_map(|(id, s)| Some((id.clone(), s.login.clone()?)))
                    .collect();
                let _ = reply.send(sessions);
            }
            Command::UpdateAccess {
                session_id,
                access,
                reply,
            } => {
                self.update_access(&session_id, access);
                let _ = reply.send(());
            }
            Command::End { session_id, reason } => self.end(&session_id, reason),
            Command::Resume {
                account,
                session_id,
                last_seq,
                reply,
            } => {
                let result = self.resume(&account, &session_id, last_seq);
                let _ = reply.send(result);
            }
            Command::Detach {
                session_id,
                generation,
            } => {
                if let Some(session) = self
                    .sessions
                    .get_mut(&session_id)
                    .filter(|s| s.generation == generation)
                {
                    session.outbox = None;
                    session.detached_at.get_or_insert_with(Instant::now);
                    tracing::debug!(session = %session_id, "session detached; kept for resuming");
                    self.sync_outbox(&session_id);
                }
            }
            Command::Close { session_id } => self.close(&session_id),
            Command::MonitorStart {
                session_id,
                line,
                answer,
                reply,
            } => {
                let result = self.monitor_start(&session_id, line, answer);
                let _ = reply.send(result);
            }
            Command::MonitorStop {
                session_id,
                cross_ref,
                reply,
            } => {
                let result = self.monitor_stop(&session_id, &cross_ref);
                let _ = reply.send(result);
            }
            Command::Subscribe { line, reply } => {
                let id = self.next_internal;
                self.next_internal += 1;
                let (tx, events) = mpsc::channel(self.settings.outbox_capacity.max(16));
                let result = if self.lines.contains_key(&line) {
                    self.subscribe(&line, Subscriber::Internal(id, tx));
                    Ok(InternalSubscription { id, events })
                } else {
                    Err(CstaError::invalid_device_id())
                };
                let _ = reply.send(result);
            }
            Command::Unsubscribe { line, id } => {
                self.unsubscribe(
                    &line,
                    |s| matches!(s, Subscriber::Internal(i, _) if *i == id),
                );
            }
            Command::Snapshot { request, reply } => {
                let _ = reply.send(self.snapshot(&request));
            }
            Command::Stats { reply } => {
                let stats = HubStats {
                    lines: self.lines.len(),
                    monitored_lines: self
                        .lines
                        .values()
                        .filter(|l| !l.subscribers.is_empty())
                        .count(),
                    attached_sessions: self
                        .sessions
                        .values()
                        .filter(|s| s.outbox.is_some())
                        .count(),
                    detached_sessions: self
                        .sessions
                        .values()
                        .filter(|s| s.outbox.is_none())
                        .count(),
                    last_seq: self.next_seq,
                };
                let _ = reply.send(stats);
            }
        }
    }

    fn line_entry(&mut self, device: &str) -> Option<&mut Line> {
        let key = LineKey::from_device_id(device)?;
        let cross_ref = &mut self.next_cross_ref;
        let line = self.lines.entry(key.clone()).or_insert_with(|| {
            let id = *cross_ref;
            *cross_ref += 1;
            Line {
                key,
                device: device.to_owned(),
                link: None,
                subscribers: Vec::new(),
                cross_ref: id.to_string(),
                monitor: MonitorState::Idle,
                calls: LineCalls::for_device(device),
            }
        });
        Some(line)
    }

    fn publish_directory(&self, key: &LineKey) {
        let mut directory = self.directory.write().unwrap_or_else(|e| e.into_inner());
        if let Some(line) = self.lines.get(key) {
            directory.insert(
                key.clone(),
                DirectoryEntry {
                    device: line.device.clone(),
                    link: line.link.clone(),
                },
            );
        }
    }

    fn on_link_event(&mut self, event: LinkEvent) {
        match event {
            LinkEvent::LineKnown { device } => {
                if let Some(line) = self.line_entry(&device) {
                    let key = line.key.clone();
                    self.publish_directory(&key);
                }
            }
            LinkEvent::LineUp { device, link } => {
                let Some(line) = self.line_entry(&device) else {
                    return;
                };
                if let Some(old) = &line.link {
                    if !old.same(&link) {
                        tracing::info!(line = %line.key, from = %old.name, to = %link.name, "line moved to another link");
                    }
                }
                line.calls.set_device(&device);
                line.device = device;
                line.link = Some(link);
                line.monitor = MonitorState::Idle;
                let key = line.key.clone();
                if !line.subscribers.is_empty() {
                    Self::start_monitor(line);
                }
                self.publish_directory(&key);
            }
            LinkEvent::LineDown { device, link } => {
                let Some(key) = LineKey::from_device_id(&device) else {
                    return;
                };
                let Some(line) = self.lines.get_mut(&key) else {
                    return;
                };
                if !line.link.as_ref().is_some_and(|l| l.same(&link)) {
                    return;
                }
                line.link = None;
                let was_monitored = line.monitor != MonitorState::Idle;
                line.monitor = MonitorState::Idle;
                line.calls.clear();
                self.publish_directory(&key);
                if was_monitored {
                    self.emit_service_change(&key, false);
                }
            }
            LinkEvent::MonitorActive { line } => {
                if let Some(entry) = self.lines.get_mut(&line) {
                    if entry.monitor == MonitorState::Starting {
                        entry.monitor = MonitorState::Active;
                        self.emit_service_change(&line, true);
                    }
                }
            }
            LinkEvent::MonitorFailed { line, error } => {
                if let Some(entry) = self.lines.get_mut(&line) {
                    tracing::warn!(line = %line, error = ?error, "starting the line's monitor failed");
                    entry.monitor = MonitorState::Idle;
                }
            }
            LinkEvent::Event { line, event, at } => self.on_line_event(line, *event, at),
        }
    }

    fn start_monitor(line: &mut Line) {
        let Some(link) = &line.link else {
            return;
        };
        let command = LinkCommand::MonitorStart {
            line: line.key.clone(),
            device: line.device.clone(),
        };
        match link.commands.try_send(command) {
            Ok(()) => line.monitor = MonitorState::Starting,
            Err(_) => {
                tracing::warn!(line = %line.key, link = %link.name, "link busy; monitor not started")
            }
        }
    }

    fn stop_monitor(line: &mut Line) {
        if line.monitor == MonitorState::Idle {
            return;
        }
        line.monitor = MonitorState::Idle;
        if let Some(link) = &line.link {
            let command = LinkCommand::MonitorStop {
                line: line.key.clone(),
                device: line.device.clone(),
            };
            if link.commands.try_send(command).is_err() {
                tracing::warn!(line = %line.key, link = %link.name, "link busy; monitor not stopped");
            }
        }
        line.calls.clear();
    }

    fn emit_service_change(&mut self, key: &LineKey, in_service: bool) {
        let Some(line) = self.lines.get(key) else {
            return;
        };
        let device = Party::Device(DeviceId::new(line.device.clone()));
        let event: CstaMessage = if in_service {
            BackInServiceEvent {
                monitor_cross_ref_id: line.cross_ref.clone(),
                device,
                cause: None,
            }
            .into()
        } else {
            OutOfServiceEvent {
                monitor_cross_ref_id: line.cross_ref.clone(),
                device,
                cause: None,
            }
            .into()
        };
        self.deliver(key.clone(), event, Instant::now());
    }

    fn on_line_event(&mut self, key: LineKey, event: CstaMessage, at: Instant) {
        let Some(line) = self.lines.get_mut(&key) else {
            return;
        };
        line.calls.apply(&key, &event);
        if line.subscribers.is_empty() {
            return;
        }
        self.deliver(key, event, at);
    }

    /// Numbers, encodes once, logs and fans out one event of a line.
    fn deliver(&mut self, key: LineKey, mut event: CstaMessage, at: Instant) {
        let Some(line) = self.lines.get_mut(&key) else {
            return;
        };
        event.set_monitor_cross_ref_id(line.cross_ref.clone());
        self.next_seq += 1;
        let seq = self.next_seq;
        // Encoded once per visibility level among the subscribers (PERM3: numbers hidden for
        // watchers without CLIP); a level whose masking drops the event gets nothing.
        let mut frames: Vec<(Visibility, Option<Bytes>)> = Vec::new();
        for subscriber in &line.subscribers {
            if let Subscriber::Session { visibility, .. } = subscriber {
                if frames.iter().all(|(level, _)| level != visibility) {
                    let frame = mask_event(&event, &key, *visibility).and_then(|masked| {
                        let xml = with_sequence_number(
                            &csta_proto::encode(&masked, self.settings.edition),
                            seq,
                        );
                        match csta_proto::encode_frame(csta_proto::EVENT_INVOKE_ID, xml.as_bytes()) {
                            Ok(frame) => Some(frame),
                            Err(error) => {
                                tracing::warn!(line = %key, %error, "event too large to frame; dropped");
                                None
                            }
                        }
                    });
                    frames.push((*visibility, frame));
                }
            }
        }
        self.log.push(LoggedEvent {
            seq,
            line: key.clone(),
            at,
            frames: frames
                .iter()
                .filter_map(|(level, frame)| Some((*level, frame.clone()?)))
                .collect(),
            only_for: None,
        });
        let shared = Arc::new(event);
        let mut cut_off = Vec::new();
        for subscriber in &line.subscribers {
            match subscriber {
                Subscriber::Session {
                    id,
                    outbox,
                    visibility,
                } => {
                    let Some(outbox) = outbox else {
                        continue;
                    };
                    let Some(frame) = frames
                        .iter()
                        .find(|(level, _)| level == visibility)
                        .and_then(|(_, frame)| frame.as_ref())
                    else {
                        continue;
                    };
                    let delivery = Delivery {
                        frame: frame.clone(),
                        at,
                    };
                    if let Err(mpsc::error::TrySendError::Full(_)) = outbox.try_send(delivery) {
                        cut_off.push(id.to_string());
                    }
                }
                Subscriber::Internal(id, tx) => {
                    let notice = LineNotice {
                        line: key.clone(),
                        event: shared.clone(),
                    };
                    if tx.try_send(notice).is_err() {
                        tracing::warn!(line = %key, subscriber = id, "internal subscriber lagging; event skipped");
                    }
                }
            }
        }
        for id in cut_off {
            if let Some(session) = self.sessions.get_mut(&id) {
                tracing::warn!(session = %id, account = %session.account, "client does not read its events; cut off");
                session.outbox = None;
                session.detached_at = Some(Instant::now());
                let _ = session.cutoff.send(Some(
                    "outbound queue full: the client does not read its events".into(),
                ));
            }
            self.sync_outbox(&id);
        }
    }

    /// Copies a session's outbox into its subscriber entries (after it changed).
    fn sync_outbox(&mut self, session_id: &str) {
        let Some(session) = self.sessions.get(session_id) else {
            return;
        };
        for (key, _) in session.monitors.values() {
            if let Some(line) = self.lines.get_mut(key) {
                for subscriber in &mut line.subscribers {
                    if let Subscriber::Session { id, outbox, .. } = subscriber {
                        if &**id == session_id {
                            outbox.clone_from(&session.outbox);
                        }
                    }
                }
            }
        }
    }

    fn new_session_id() -> String {
        format!("{:032x}", rand::random::<u128>())
    }

    /// Attaches a (new) connection to a session; the events queue holds `capacity`.
    fn attach(&mut self, session_id: &str, capacity: usize) -> Option<SessionAttachment> {
        let session = self.sessions.get_mut(session_id)?;
        session.generation += 1;
        let (tx, events) = mpsc::channel(capacity.max(1));
        if session.outbox.is_some() {
            let _ = session
                .cutoff
                .send(Some("session resumed on another connection".into()));
        }
        let (cutoff_tx, cutoff) = watch::channel(None);
        session.cutoff = cutoff_tx;
        session.outbox = Some(tx);
        session.detached_at = None;
        let attachment = SessionAttachment {
            session_id: session_id.to_owned(),
            events,
            cutoff,
            replayed: 0,
            generation: session.generation,
            access: session.access_updates.subscribe(),
            end_reason: session.end_reason.clone(),
        };
        self.sync_outbox(session_id);
        Some(attachment)
    }

    fn open(
        &mut self,
        account: String,
        access: Access,
        login: Option<SessionLogin>,
    ) -> SessionAttachment {
        let session_id = Self::new_session_id();
        let (cutoff, _) = watch::channel(None);
        let (access_updates, _) = watch::channel(access.clone());
        self.sessions.insert(
            session_id.clone(),
            Session {
                account,
                login,
                access,
                access_updates,
                end_reason: Arc::default(),
                opened_after_seq: self.next_seq,
                generation: 0,
                outbox: None,
                cutoff,
                monitors: HashMap::new(),
                detached_at: None,
            },
        );
        let capacity = self.settings.outbox_capacity;
        self.attach(&session_id, capacity)
            .expect("the session was just inserted")
    }

    fn resume(
        &mut self,
        account: &str,
        session_id: &str,
        last_seq: u64,
    ) -> Result<SessionAttachment, ResumeRefused> {
        let session = self
            .sessions
            .get(session_id)
            .ok_or(ResumeRefused::UnknownSession)?;
        if session.account != account {
            return Err(ResumeRefused::WrongAccount);
        }
        if last_seq > self.next_seq {
            return Err(ResumeRefused::UnknownSequenceNumber(last_seq));
        }
        let last_seq = last_seq.max(session.opened_after_seq);
        let lines: HashMap<&LineKey, Visibility> = session
            .monitors
            .values()
            .map(|(line, v)| (line, *v))
            .collect();
        let missed: Option<Vec<Delivery>> =
            self.log.after(last_seq, self.next_seq).ok().map(|events| {
                events
                    .filter_map(|e| {
                        let visibility = lines.get(&e.line)?;
                        Some(Delivery {
                            frame: e.frame_for(session_id, *visibility)?.clone(),
                            at: e.at,
                        })
                    })
                    .collect()
            });
        let replayable = missed.filter(|m| m.len() <= self.settings.retention_events);
        let Some(missed) = replayable else {
            // A session still attached elsewhere is not ended by someone's failed resume.
            if self
                .sessions
                .get(session_id)
                .is_some_and(|s| s.outbox.is_none())
            {
                self.close(session_id);
            }
            return Err(ResumeRefused::TooManyMissed);
        };
        let replayed = missed.len();
        let capacity = self.settings.outbox_capacity + replayed;
        let mut attachment = self
            .attach(session_id, capacity)
            .ok_or(ResumeRefused::UnknownSession)?;
        attachment.replayed = replayed;
        if let Some(outbox) = self
            .sessions
            .get(session_id)
            .and_then(|s| s.outbox.as_ref())
        {
            for delivery in missed {
                let _ = outbox.try_send(delivery);
            }
        }
        tracing::info!(session = %session_id, account, replayed, "session resumed");
        Ok(attachment)
    }

    /// See [`Hub::end_session`].
    fn end(&mut self, session_id: &str, reason: String) {
        if let Some(session) = self.sessions.get(session_id) {
            tracing::info!(session = %session_id, account = %session.account, %reason, "session ended by the server");
            let _ = session.end_reason.set(reason);
        }
        self.close(session_id);
    }

    /// See [`Hub::update_access`].
    fn update_access(&mut self, session_id: &str, access: Access) {
        let Some(session) = self.sessions.get_mut(session_id) else {
            return;
        };
        let mut lost = Vec::new();
        let mut changed = Vec::new();
        for (cross_ref, (line, visibility)) in &session.monitors {
            let now = access.visibility(line);
            if now == Visibility::None {
                lost.push((cross_ref.clone(), line.clone()));
            } else if now != *visibility {
                changed.push((cross_ref.clone(), line.clone(), now));
            }
        }
        if session.outbox.is_none() && !(lost.is_empty() && changed.is_empty()) {
            self.end(
                session_id,
                "rights changed while the client was away".into(),
            );
            return;
        }
        session.access = access.clone();
        session.access_updates.send_replace(access);
        let outbox = session.outbox.clone();
        for (cross_ref, line, visibility) in changed {
            session
                .monitors
                .insert(cross_ref, (line.clone(), visibility));
            if let Some(entry) = self.lines.get_mut(&line) {
                for subscriber in &mut entry.subscribers {
                    if let Subscriber::Session {
                        id,
                        visibility: seen,
                        ..
                    } = subscriber
                    {
                        if &**id == session_id {
                            *seen = visibility;
                        }
                    }
                }
            }
        }
        for (cross_ref, line) in lost {
            if let Some(session) = self.sessions.get_mut(session_id) {
                session.monitors.remove(&cross_ref);
            }
            self.unsubscribe(
                &line,
                |s| matches!(s, Subscriber::Session { id, .. } if &**id == session_id),
            );
            tracing::info!(session = %session_id, %line, "monitor stopped: the right to see the line was withdrawn");
            let stop: CstaMessage = csta_proto::MonitorStop {
                monitor_cross_ref_id: cross_ref,
            }
            .into();
            let xml = csta_proto::encode(&stop, self.settings.edition);
            if let (Some(outbox), Ok(frame)) = (
                &outbox,
                csta_proto::encode_frame(csta_proto::EVENT_INVOKE_ID, xml.as_bytes()),
            ) {
                let _ = outbox.try_send(Delivery {
                    frame,
                    at: Instant::now(),
                });
            }
        }
    }

    fn close(&mut self, session_id: &str) {
        let Some(session) = self.sessions.remove(session_id) else {
            return;
        };
        for (line, _) in session.monitors.values() {
            self.unsubscribe(
                line,
                |s| matches!(s, Subscriber::Session { id, .. } if &**id == session_id),
            );
        }
        tracing::debug!(session = %session_id, "session closed");
    }

    fn expire(&mut self, now: Instant) {
        self.log.prune(now);
        let retention = self.settings.retention;
        let expired: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, s)| {
                s.detached_at
                    .is_some_and(|at| now.duration_since(at) > retention)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            tracing::info!(session = %id, "detached session expired");
            self.close(&id);
        }
    }

    fn subscribe(&mut self, key: &LineKey, subscriber: Subscriber) {
        let Some(line) = self.lines.get_mut(key) else {
            return;
        };
        line.subscribers.push(subscriber);
        if line.subscribers.len() == 1 && line.monitor == MonitorState::Idle {
            Self::start_monitor(line);
        }
    }

    /// A BackInService event for one session joining an already active monitor, logged for
    /// that session alone (so a resume replays it to that session and no other).
    fn back_in_service_for(&mut self, key: &LineKey, session_id: &str, visibility: Visibility) {
        let Some(line) = self.lines.get(key) else {
            return;
        };
        let event: CstaMessage = BackInServiceEvent {
            monitor_cross_ref_id: line.cross_ref.clone(),
            device: Party::Device(DeviceId::new(line.device.clone())),
            cause: None,
        }
        .into();
        self.next_seq += 1;
        let seq = self.next_seq;
        let xml = with_sequence_number(&csta_proto::encode(&event, self.settings.edition), seq);
        let Ok(frame) = csta_proto::encode_frame(csta_proto::EVENT_INVOKE_ID, xml.as_bytes())
        else {
            return;
        };
        let at = Instant::now();
        self.log.push(LoggedEvent {
            seq,
            line: key.clone(),
            at,
            frames: vec![(visibility, frame.clone())],
            only_for: Some(Arc::from(session_id)),
        });
        if let Some(outbox) = self
            .sessions
            .get(session_id)
            .and_then(|s| s.outbox.as_ref())
        {
            let _ = outbox.try_send(Delivery { frame, at });
        }
    }

    fn unsubscribe(&mut self, key: &LineKey, is_it: impl Fn(&Subscriber) -> bool) {
        let Some(line) = self.lines.get_mut(key) else {
            return;
        };
        let Some(position) = line.subscribers.iter().position(is_it) else {
            return;
        };
        line.subscribers.remove(position);
        if line.subscribers.is_empty() {
            Self::stop_monitor(line);
        }
    }

    fn monitor_start(
        &mut self,
        session_id: &str,
        key: LineKey,
        answer: Option<MonitorAnswer>,
    ) -> Result<String, CstaError> {
        let session = self
            .sessions
            .get_mut(session_id)
            .ok_or_else(CstaError::invalid_cross_ref_id)?;
        let visibility = session.access.visibility(&key);
        if visibility == Visibility::None {
            return Err(CstaError::privilege_violation_specified_device());
        }
        let cross_ref = self
            .lines
            .get(&key)
            .map(|l| l.cross_ref.clone())
            .ok_or_else(CstaError::invalid_device_id)?;
        if let (Some(answer), Some(outbox)) = (answer, &session.outbox) {
            // A full queue means a client about to be cut off; it gets no response either.
            let _ = outbox.try_send(Delivery {
                frame: answer(&cross_ref),
                at: Instant::now(),
            });
        }
        if session.monitors.contains_key(&cross_ref) {
            return Ok(cross_ref);
        }
        session
            .monitors
            .insert(cross_ref.clone(), (key.clone(), visibility));
        let outbox = session.outbox.clone();
        self.subscribe(
            &key,
            Subscriber::Session {
                id: Arc::from(session_id),
                outbox,
                visibility,
            },
        );
        // Joining a monitor that is already up: the newcomer hears it is in service too.
        if self
            .lines
            .get(&key)
            .is_some_and(|l| l.monitor == MonitorState::Active)
        {
            self.back_in_service_for(&key, session_id, visibility);
        }
        Ok(cross_ref)
    }

    fn monitor_stop(&mut self, session_id: &str, cross_ref: &str) -> Result<(), CstaError> {
        let session = self
            .sessions
            .get_mut(session_id)
            .ok_or_else(CstaError::invalid_monitor_cross_ref_id)?;
        let (key, _) = session
            .monitors
            .remove(cross_ref)
            .ok_or_else(CstaError::invalid_monitor_cross_ref_id)?;
        self.unsubscribe(
            &key,
            |s| matches!(s, Subscriber::Session { id, .. } if &**id == session_id),
        );
        Ok(())
    }

    fn snapshot(&self, request: &CstaMessage) -> Result<CstaMessage, CstaError> {
        let subject = subject_device(request).ok_or_else(CstaError::service_not_supported)?;
        let key =
            LineKey::from_device_id(subject.as_str()).ok_or_else(CstaError::invalid_device_id)?;
        let line = self
            .lines
            .get(&key)
            .ok_or_else(CstaError::invalid_device_id)?;
        match request {
            CstaMessage::SnapshotDevice(_) => Ok(SnapshotDeviceResponse {
                cross_ref_id_or_snapshot_data: SnapshotData::Data(line.calls.snapshot_device()),
            }
            .into()),
            CstaMessage::SnapshotCall(r) => {
                let call_id = r
                    .snapshot_object
                    .call_id
                    .as_deref()
                    .ok_or_else(CstaError::invalid_call_id)?;
                let parties = line
                    .calls
                    .snapshot_call(call_id)
                    .ok_or_else(CstaError::invalid_call_id)?;
                Ok(SnapshotCallResponse {
                    cross_ref_id_or_snapshot_data: SnapshotData::Data(parties),
                }
                .into())
            }
            _ => Err(CstaError::service_not_supported()),
        }
    }
}

#[cfg(test)]
mod tests;
