//! The simulator's state machine: lines, calls, one seeded random generator for the
//! autonomous traffic and one schedule of virtual deadlines. Everything here is synchronous
//! and deterministic: given the same seed, settings and sequence of steps, it makes the same
//! calls and reports the same events. The async task in `lib.rs` only feeds it the hub's
//! commands and the passing of time, and forwards its output.
//!
//! Call flows (A calls B; events at a line carry that line's own `localConnectionInfo`):
//! - set-up: A ServiceInitiated (initiated) → A Originated (connected) → B Delivered
//!   (alerting) → A Delivered (connected); B busy or on do-not-disturb: A Failed (fail),
//!   A clears 2–4 s later; B external: A NetworkReached (connected).
//! - answer: Established at B, then at A.
//! - hold/retrieve: Held/Retrieved at every line, `hold` at the holding line.
//! - release of a party P: ConnectionCleared of P at every line of the call (`null` at P);
//!   when one party is left, ConnectionCleared of its own connection and CallCleared at it;
//!   when none is left, CallCleared at P.

use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use callboard_core::LineKey;
use csta_proto::{
    CallClearedEvent, ConnectionClearedEvent, CstaMessage, DeliveredEvent, DeviceId, DivertedEvent,
    DoNotDisturbEvent, EstablishedEvent, EventCause, FailedEvent, ForwardingEvent, ForwardingType,
    HeldEvent, LocalConnectionState as S, MessageWaitingEvent, NetworkReachedEvent,
    OriginatedEvent, RetrievedEvent, ServiceInitiatedEvent,
};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::model::{
    Action, Answer, Call, CallNo, Conn, Feature, Forward, Line, Names, Output, Step, Who,
};
use crate::settings::{SimSettings, sanitize_rate};

/// Share of autonomous arrivals that toggle a line feature (DND, MWI, forwarding) instead of
/// making a call.
const FEATURE_SHARE: f64 = 0.02;
/// Share of autonomous calls that are answered.
const ANSWER_SHARE: f64 = 0.75;
/// Share of answered autonomous calls in which the callee holds and retrieves.
const HOLD_SHARE: f64 = 0.10;

/// Seconds to nanoseconds (negative and NaN give 0).
pub(crate) fn secs(seconds: f64) -> u64 {
    (seconds * 1e9).round() as u64
}

/// The simulator's state.
pub(crate) struct Engine {
    pub(crate) lines: Vec<Line>,
    pub(crate) by_key: HashMap<LineKey, u32>,
    pub(crate) calls: HashMap<CallNo, Call>,
    next_call: CallNo,
    /// Lines without any call, for O(1) random picks; `idle_pos[line]` is the line's index in
    /// `idle` or `usize::MAX`.
    idle: Vec<u32>,
    idle_pos: Vec<usize>,
    steps: BinaryHeap<Step>,
    next_seq: u64,
    /// Virtual time (ns since start) of the step or request being handled.
    pub(crate) now: u64,
    traffic_rng: Xoshiro256PlusPlus,
    service_rng: Xoshiro256PlusPlus,
    /// Whether a client request is being handled (its random choices come from
    /// `service_rng`, so that requests do not shift the autonomous traffic's choices).
    pub(crate) in_service: bool,
    rate: f64,
    arrival_generation: u64,
    pub(crate) trunk: String,
    /// Factor applied to every simulated duration.
    time_scale: f64,
    /// What to tell the hub, in order; drained by the task.
    pub(crate) out: Vec<Output>,
}

impl Engine {
    /// A simulator for `settings`, its first autonomous call scheduled.
    pub(crate) fn new(settings: &SimSettings) -> Engine {
        let mut lines = Vec::with_capacity(settings.lines.len());
        let mut by_key = HashMap::with_capacity(settings.lines.len());
        for number in &settings.lines {
            let device = settings.device(number.trim());
            let Some(key) = LineKey::from_device_id(&device) else {
                tracing::warn!(number = %number, "simulator: not a usable line number; skipped");
                continue;
            };
            if by_key.contains_key(&key) {
                tracing::warn!(number = %number, "simulator: line listed twice; skipped");
                continue;
            }
            by_key.insert(key.clone(), lines.len() as u32);
            lines.push(Line::new(device, key));
        }
        let count = lines.len();
        let mut engine = Engine {
            lines,
            by_key,
            calls: HashMap::new(),
            next_call: 1,
            idle: (0..count as u32).collect(),
            idle_pos: (0..count).collect(),
            steps: BinaryHeap::new(),
            next_seq: 0,
            now: 0,
            traffic_rng: Xoshiro256PlusPlus::seed_from_u64(settings.seed),
            service_rng: Xoshiro256PlusPlus::seed_from_u64(settings.seed ^ 0x5EED_0F5E_2B1C_E5AA),
            in_service: false,
            rate: 0.0,
            arrival_generation: 0,
            trunk: format!("sip:trunk@{}", settings.host()),
            time_scale: if settings.time_scale.is_finite() && settings.time_scale > 0.0 {
                settings.time_scale
            } else {
                1.0
            },
            out: Vec::new(),
        };
        engine.set_rate(settings.rate(), 0);
        engine
    }

    // ----- time and randomness ---------------------------------------------------------------

    /// Virtual time of the next pending step.
    pub(crate) fn next_due(&self) -> Option<u64> {
        self.steps.peek().map(|s| s.at)
    }

    /// Number of pending steps (for tests and stats).
    #[cfg(test)]
    pub(crate) fn pending(&self) -> usize {
        self.steps.len()
    }

    /// Performs the steps due at `now`, earliest first, at most `max` of them (the rest stay
    /// due); returns how many ran.
    pub(crate) fn run_due(&mut self, now: u64, max: usize) -> usize {
        let mut done = 0;
        while done < max {
            match self.steps.peek() {
                Some(step) if step.at <= now => {}
                _ => break,
            }
            let Some(step) = self.steps.pop() else { break };
            self.now = step.at;
            self.in_service = false;
            self.perform(step.action);
            done += 1;
        }
        done
    }

    fn schedule(&mut self, delay: u64, action: Action) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.steps.push(Step {
            at: self.now.saturating_add(delay),
            seq,
            action,
        });
    }

    fn rng(&mut self) -> &mut Xoshiro256PlusPlus {
        if self.in_service {
            &mut self.service_rng
        } else {
            &mut self.traffic_rng
        }
    }

    /// A uniformly random delay between `low` and `high` seconds.
    fn between(&mut self, low: f64, high: f64) -> u64 {
        let scale = self.time_scale;
        secs(self.rng().random_range(low..high) * scale)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng().random_bool(p)
    }

    /// Changes the autonomous rate at virtual time `now`: pending arrivals are dropped and,
    /// for a positive rate, the next one is drawn from `now`.
    pub(crate) fn set_rate(&mut self, calls_per_minute: f64, now: u64) {
        let rate = sanitize_rate(calls_per_minute);
        self.arrival_generation += 1;
        self.rate = rate;
        if rate > 0.0 {
            let saved = (self.now, self.in_service);
            self.now = now.max(self.now);
            self.in_service = false;
            self.schedule_arrival();
            (self.now, self.in_service) = saved;
        }
    }

    fn schedule_arrival(&mut self) {
        let mean = 60.0 / self.rate;
        let u: f64 = self.rng().random();
        let gap = -(1.0 - u).ln() * mean;
        if !gap.is_finite() {
            return; // a rate so small that no call ever comes
        }
        let generation = self.arrival_generation;
        self.schedule(secs(gap), Action::Arrival { generation });
    }

    // ----- lines -----------------------------------------------------------------------------

    fn attach(&mut self, line: u32, call: CallNo) {
        let Some(l) = self.lines.get_mut(line as usize) else {
            return;
        };
        l.calls.push(call);
        if l.calls.len() == 1 {
            let pos = self.idle_pos[line as usize];
            if pos != usize::MAX {
                self.idle.swap_remove(pos);
                if let Some(&moved) = self.idle.get(pos) {
                    self.idle_pos[moved as usize] = pos;
                }
                self.idle_pos[line as usize] = usize::MAX;
            }
        }
    }

    fn detach(&mut self, line: u32, call: CallNo) {
        let Some(l) = self.lines.get_mut(line as usize) else {
            return;
        };
        let before = l.calls.len();
        l.calls.retain(|&c| c != call);
        if before > 0 && l.calls.is_empty() && self.idle_pos[line as usize] == usize::MAX {
            self.idle_pos[line as usize] = self.idle.len();
            self.idle.push(line);
        }
    }

    /// Takes a call off a line (the call goes on without it).
    pub(crate) fn remove_from_line(&mut self, line: u32, call: CallNo) {
        self.detach(line, call);
    }

    /// A fresh call number.
    pub(crate) fn allocate_call(&mut self) -> CallNo {
        let no = self.next_call;
        self.next_call += 1;
        no
    }

    /// `who` answers call `no` in 1–3 s.
    pub(crate) fn auto_answer_later(&mut self, no: CallNo, who: Who) {
        let delay = self.between(1.0, 3.0);
        self.schedule(delay, Action::AutoAnswer { call: no, who });
    }

    /// Replaces `old` by `new` in the line's calls (transfer, conference).
    pub(crate) fn rename_at_line(&mut self, line: u32, old: CallNo, new: CallNo) {
        if let Some(l) = self.lines.get_mut(line as usize) {
            for c in &mut l.calls {
                if *c == old {
                    *c = new;
                }
            }
        }
    }

    /// Whether the line is busy (has a call).
    fn busy(&self, line: u32) -> bool {
        self.lines
            .get(line as usize)
            .is_some_and(|l| !l.calls.is_empty())
    }

    /// The party a dialled number names: a simulated line or an external number.
    pub(crate) fn resolve(&self, dialled: &DeviceId) -> Option<Who> {
        let text = dialled.as_str().trim();
        let key = LineKey::from_device_id(text)?;
        Some(match self.by_key.get(&key) {
            Some(&line) => Who::Line(line),
            None => Who::External(Arc::from(text)),
        })
    }

    // ----- output ----------------------------------------------------------------------------

    /// Reports an event at one line, if it is monitored.
    pub(crate) fn emit_at(&mut self, line: u32, build: impl FnOnce(&Names<'_>) -> CstaMessage) {
        let Some(l) = self.lines.get(line as usize) else {
            return;
        };
        if !l.monitored {
            return;
        }
        let names = Names {
            lines: &self.lines,
            trunk: &self.trunk,
        };
        let event = build(&names);
        self.out.push(Output::Event(l.key.clone(), Box::new(event)));
    }

    /// Reports an event at every monitored line of a call (`first` first, then in joining
    /// order), built for the receiving line's own connection.
    pub(crate) fn broadcast(
        &mut self,
        call: CallNo,
        first: Option<&Who>,
        build: impl Fn(&Names<'_>, &Call, &Conn) -> CstaMessage,
    ) {
        let Some(c) = self.calls.get(&call) else {
            return;
        };
        let names = Names {
            lines: &self.lines,
            trunk: &self.trunk,
        };
        let lead = first.and_then(|w| c.parties.iter().find(|p| &p.who == w));
        let rest = c.parties.iter().filter(|p| Some(&p.who) != first);
        for conn in lead.into_iter().chain(rest) {
            let Who::Line(i) = conn.who else { continue };
            let Some(line) = self.lines.get(i as usize) else {
                continue;
            };
            if line.monitored {
                self.out.push(Output::Event(
                    line.key.clone(),
                    Box::new(build(&names, c, conn)),
                ));
            }
        }
    }

    // ----- steps -----------------------------------------------------------------------------

    fn perform(&mut self, action: Action) {
        match action {
            Action::Arrival { generation } => self.arrival(generation),
            Action::Originate {
                call,
                target,
                answer,
            } => self.on_originate(call, target, answer),
            Action::RingEnd { call, who, answer } => self.ring_end(call, who, answer),
            Action::AutoAnswer { call, who } => self.establish(call, &who),
            Action::Hold { call, line } => {
                let who = Who::Line(line);
                let ok = self
                    .calls
                    .get(&call)
                    .is_some_and(|c| c.state(&who) == Some(&S::Connected) && c.parties.len() > 1);
                if ok {
                    self.hold(call, &who, None);
                }
            }
            Action::Retrieve { call, line } => {
                let who = Who::Line(line);
                let held = self
                    .calls
                    .get(&call)
                    .is_some_and(|c| c.state(&who) == Some(&S::Hold));
                if held && !self.has_active_call(line, Some(call)) {
                    self.retrieve(call, &who, None);
                }
            }
            Action::Hangup { call } => {
                let Some(c) = self.calls.get(&call) else {
                    return;
                };
                if c.parties.is_empty() {
                    return;
                }
                let len = c.parties.len();
                let pick = self.rng().random_range(0..len);
                let who = self.calls[&call].parties[pick].who.clone();
                self.release(call, &who, EventCause::NormalClearing);
            }
            Action::Release { call, who } => self.release(call, &who, EventCause::NormalClearing),
            Action::FeatureOff {
                line,
                feature,
                generation,
            } => self.feature_off(line, feature, generation),
        }
    }

    /// Whether the line has a call other than `except` in which it is talking or dialling.
    pub(crate) fn has_active_call(&self, line: u32, except: Option<CallNo>) -> bool {
        let who = Who::Line(line);
        self.lines.get(line as usize).is_some_and(|l| {
            l.calls.iter().any(|c| {
                Some(*c) != except
                    && self.calls.get(c).is_some_and(|call| {
                        matches!(
                            call.state(&who),
                            Some(S::Connected | S::Initiated | S::Fail)
                        )
                    })
            })
        })
    }

    fn arrival(&mut self, generation: u64) {
        if generation != self.arrival_generation || self.rate <= 0.0 {
            return;
        }
        self.schedule_arrival();
        let count = self.lines.len();
        if count < 2 {
            return;
        }
        if self.chance(FEATURE_SHARE) {
            self.random_feature_toggle();
            return;
        }
        if self.idle.is_empty() {
            return;
        }
        let idle = self.idle.len();
        let pick = self.rng().random_range(0..idle);
        let caller = self.idle[pick];
        let mut callee = self.rng().random_range(0..count as u32 - 1);
        if callee >= caller {
            callee += 1;
        }
        self.originate(
            caller,
            Who::Line(callee),
            true,
            EventCause::NewCall,
            Answer::Script,
        );
    }

    /// A new call from `caller`: ServiceInitiated now, Originated and delivery after dialling.
    pub(crate) fn originate(
        &mut self,
        caller: u32,
        target: Who,
        autonomous: bool,
        cause: EventCause,
        answer: Answer,
    ) -> CallNo {
        let no = self.allocate_call();
        let me = Who::Line(caller);
        self.calls.insert(
            no,
            Call {
                id: no.to_string(),
                parties: vec![Conn {
                    who: me.clone(),
                    state: S::Initiated,
                }],
                calling: me.clone(),
                called: target.clone(),
                redirected_by: None,
                cause: cause.clone(),
                autonomous,
                scripted: false,
            },
        );
        self.attach(caller, no);
        self.broadcast(no, None, |n, c, conn| {
            ServiceInitiatedEvent {
                initiated_connection: n.conn(c, &conn.who),
                initiating_device: n.party(&conn.who),
                local_connection_info: Some(conn.state.clone()),
                cause: Some(cause.clone()),
                ..Default::default()
            }
            .into()
        });
        let dial = if autonomous {
            self.between(0.5, 2.0)
        } else {
            self.between(0.2, 0.6)
        };
        self.schedule(
            dial,
            Action::Originate {
                call: no,
                target,
                answer,
            },
        );
        no
    }

    fn on_originate(&mut self, no: CallNo, target: Who, answer: Answer) {
        let Some(call) = self.calls.get_mut(&no) else {
            return;
        };
        let caller = call.calling.clone();
        let Some(conn) = call.conn_mut(&caller) else {
            return;
        };
        if conn.state != S::Initiated {
            return;
        }
        conn.state = S::Connected;
        let cause = call.cause.clone();
        self.broadcast(no, None, |n, c, conn| {
            OriginatedEvent {
                originated_connection: n.conn(c, &conn.who),
                calling_device: n.party(&c.calling),
                called_device: n.party(&c.called),
                local_connection_info: Some(conn.state.clone()),
                cause: Some(cause.clone()),
                ..Default::default()
            }
            .into()
        });
        self.deliver(no, target, EventCause::NewCall, answer, 0);
    }

    /// Where a line's forwarding sends a call now, with the cause to report.
    fn forward_target(&self, line: u32) -> Option<(Who, EventCause)> {
        let l = self.lines.get(line as usize)?;
        use ForwardingType as F;
        let (to, cause) = if let Some(to) = l.forwarding(&[F::Immediate, F::ImmediateInternal]) {
            (to, EventCause::CallForwardImmediate)
        } else if let Some(to) = l
            .forwarding(&[F::DoNotDisturb, F::DoNotDisturbInternal])
            .filter(|_| l.dnd)
        {
            (to, EventCause::CallForward)
        } else if let Some(to) = l
            .forwarding(&[F::Busy, F::BusyInternal])
            .filter(|_| !l.calls.is_empty())
        {
            (to, EventCause::CallForwardBusy)
        } else {
            return None;
        };
        let dest = self.resolve(to)?;
        (dest != Who::Line(line)).then_some((dest, cause))
    }

    /// Offers call `no` to `target`: it rings (simulated line), fails (busy, do not disturb),
    /// is forwarded (one hop at most) or leaves the switch (external number).
    pub(crate) fn deliver(
        &mut self,
        no: CallNo,
        target: Who,
        cause: EventCause,
        answer: Answer,
        hops: u8,
    ) {
        if !self.calls.contains_key(&no) {
            return;
        }
        let line = match &target {
            Who::External(_) => {
                self.join(no, target.clone(), S::Alerting);
                self.broadcast(no, None, |n, c, conn| {
                    NetworkReachedEvent {
                        outbound_connection: n.conn(c, &target),
                        network_interface_used: n.trunk(),
                        calling_device: n.party(&c.calling),
                        called_device: n.party(&target),
                        last_redirection_device: n.redirection(c),
                        local_connection_info: Some(conn.state.clone()),
                        cause: Some(cause.clone()),
                        ..Default::default()
                    }
                    .into()
                });
                let delay = self.between(1.0, 3.0);
                self.schedule(
                    delay,
                    Action::AutoAnswer {
                        call: no,
                        who: target,
                    },
                );
                return;
            }
            Who::Line(line) => *line,
        };
        if hops == 0 {
            if let Some((dest, forward_cause)) = self.forward_target(line) {
                let call = &self.calls[&no];
                let call_id = call.id.clone();
                let calling = call.calling.clone();
                let called = call.called.clone();
                let redirected_by = call.redirected_by.clone();
                let fc = forward_cause.clone();
                let dest_ref = &dest;
                self.emit_at(line, |n| {
                    DivertedEvent {
                        connection: csta_proto::ConnectionId::new(call_id, n.device(&target)),
                        diverting_device: n.party(&target),
                        new_destination: n.party(dest_ref),
                        calling_device: Some(n.party(&calling)),
                        called_device: Some(n.party(&called)),
                        last_redirection_device: redirected_by
                            .as_ref()
                            .map_or(csta_proto::Party::NotKnown, |w| n.party(w)),
                        local_connection_info: Some(S::Null),
                        cause: Some(fc),
                        ..Default::default()
                    }
                    .into()
                });
                if let Some(call) = self.calls.get_mut(&no) {
                    call.redirected_by = Some(target.clone());
                }
                self.deliver(no, dest, forward_cause, answer, hops + 1);
                return;
            }
        }
        let dnd = self.lines.get(line as usize).is_some_and(|l| l.dnd);
        if self.busy(line) || dnd {
            let why = if dnd {
                EventCause::DoNotDisturb
            } else {
                EventCause::Busy
            };
            self.fail(no, &target, why);
            return;
        }
        self.join(no, target.clone(), S::Alerting);
        self.broadcast(no, Some(&target), |n, c, conn| {
            DeliveredEvent {
                connection: n.conn(c, &target),
                alerting_device: n.party(&target),
                calling_device: n.party(&c.calling),
                called_device: n.party(&c.called),
                last_redirection_device: n.redirection(c),
                local_connection_info: Some(conn.state.clone()),
                cause: Some(cause.clone()),
                ..Default::default()
            }
            .into()
        });
        match answer {
            Answer::Script => {
                let ring = self.between(1.0, 8.0);
                let answered = self.chance(ANSWER_SHARE);
                self.schedule(
                    ring,
                    Action::RingEnd {
                        call: no,
                        who: target,
                        answer: answered,
                    },
                );
            }
            Answer::Auto => {
                let delay = self.between(1.0, 3.0);
                self.schedule(
                    delay,
                    Action::AutoAnswer {
                        call: no,
                        who: target,
                    },
                );
            }
        }
    }

    fn join(&mut self, no: CallNo, who: Who, state: S) {
        let Some(call) = self.calls.get_mut(&no) else {
            return;
        };
        call.parties.push(Conn {
            who: who.clone(),
            state,
        });
        if let Who::Line(line) = who {
            self.attach(line, no);
        }
    }

    /// The call could not reach `failing`: every simulated line in it hears busy tone and
    /// clears 2–4 s later.
    fn fail(&mut self, no: CallNo, failing: &Who, cause: EventCause) {
        let Some(call) = self.calls.get_mut(&no) else {
            return;
        };
        let mut lines = Vec::new();
        for conn in &mut call.parties {
            if conn.who.line().is_some() {
                conn.state = S::Fail;
                lines.push(conn.who.clone());
            }
        }
        self.broadcast(no, None, |n, c, conn| {
            FailedEvent {
                failed_connection: n.conn(c, failing),
                failing_device: n.party(failing),
                calling_device: n.party(&c.calling),
                called_device: n.party(&c.called),
                last_redirection_device: n.redirection(c),
                local_connection_info: Some(conn.state.clone()),
                cause: Some(cause.clone()),
                ..Default::default()
            }
            .into()
        });
        let delay = self.between(2.0, 4.0);
        for who in lines {
            self.schedule(delay, Action::Release { call: no, who });
        }
    }

    fn ring_end(&mut self, no: CallNo, who: Who, answer: bool) {
        let Some(call) = self.calls.get(&no) else {
            return;
        };
        if call.state(&who) != Some(&S::Alerting) {
            return;
        }
        let caller = call.others(&who).next().map(|c| c.who.clone());
        if answer {
            self.establish(no, &who);
        } else if let Some(caller) = caller {
            self.release(no, &caller, EventCause::CallCancelled);
        }
    }

    /// `who` answers: Established at every line of the call, the answering line first.
    pub(crate) fn establish(&mut self, no: CallNo, who: &Who) {
        let Some(call) = self.calls.get_mut(&no) else {
            return;
        };
        let Some(conn) = call.conn_mut(who) else {
            return;
        };
        if conn.state != S::Alerting {
            return;
        }
        conn.state = S::Connected;
        let script = call.autonomous && !call.scripted;
        self.broadcast(no, Some(who), |n, c, conn| {
            EstablishedEvent {
                established_connection: n.conn(c, who),
                answering_device: n.party(who),
                calling_device: n.party(&c.calling),
                called_device: n.party(&c.called),
                last_redirection_device: n.redirection(c),
                local_connection_info: Some(conn.state.clone()),
                cause: None,
                ..Default::default()
            }
            .into()
        });
        if script {
            self.start_script(no, who.line());
        }
    }

    /// The talk script of an autonomous call: 5–90 s of talk, sometimes a hold and retrieve
    /// by `holder`, then a random party hangs up.
    pub(crate) fn start_script(&mut self, no: CallNo, holder: Option<u32>) {
        let Some(call) = self.calls.get_mut(&no) else {
            return;
        };
        call.scripted = true;
        let talk = self.between(5.0, 90.0);
        if let Some(line) = holder {
            if self.chance(HOLD_SHARE) {
                let hold_at = (talk as f64 * self.rng().random_range(0.2..0.4)) as u64;
                let retrieve_at = (talk as f64 * self.rng().random_range(0.6..0.8)) as u64;
                self.schedule(hold_at, Action::Hold { call: no, line });
                self.schedule(retrieve_at, Action::Retrieve { call: no, line });
            }
        }
        self.schedule(talk, Action::Hangup { call: no });
    }

    /// `who` holds the call.
    pub(crate) fn hold(&mut self, no: CallNo, who: &Who, cause: Option<EventCause>) {
        let Some(conn) = self.calls.get_mut(&no).and_then(|c| c.conn_mut(who)) else {
            return;
        };
        conn.state = S::Hold;
        self.broadcast(no, Some(who), |n, c, conn| {
            HeldEvent {
                held_connection: n.conn(c, who),
                holding_device: n.party(who),
                local_connection_info: Some(conn.state.clone()),
                cause: cause.clone(),
                ..Default::default()
            }
            .into()
        });
    }

    /// `who` retrieves the call.
    pub(crate) fn retrieve(&mut self, no: CallNo, who: &Who, cause: Option<EventCause>) {
        let Some(conn) = self.calls.get_mut(&no).and_then(|c| c.conn_mut(who)) else {
            return;
        };
        conn.state = S::Connected;
        self.broadcast(no, Some(who), |n, c, conn| {
            RetrievedEvent {
                retrieved_connection: n.conn(c, who),
                retrieving_device: n.party(who),
                local_connection_info: Some(conn.state.clone()),
                cause: cause.clone(),
                ..Default::default()
            }
            .into()
        });
    }

    /// `who` leaves the call; the call ends when at most one party is left.
    pub(crate) fn release(&mut self, no: CallNo, who: &Who, cause: EventCause) {
        let Some(call) = self.calls.get(&no) else {
            return;
        };
        let Some(pos) = call.position(who) else {
            return;
        };
        self.broadcast(no, Some(who), |n, c, conn| {
            let local = if &conn.who == who {
                S::Null
            } else {
                conn.state.clone()
            };
            ConnectionClearedEvent {
                dropped_connection: n.conn(c, who),
                releasing_device: n.party(who),
                local_connection_info: Some(local),
                cause: Some(cause.clone()),
                ..Default::default()
            }
            .into()
        });
        let Some(call) = self.calls.get_mut(&no) else {
            return;
        };
        call.parties.remove(pos);
        let left = call.parties.len();
        let last = call.parties.first().map(|c| c.who.clone());
        if let Who::Line(line) = who {
            self.detach(*line, no);
        }
        match (left, last) {
            (0, _) => {
                if let Who::Line(line) = who {
                    self.call_cleared(no, *line, cause);
                }
                self.calls.remove(&no);
            }
            (1, Some(last)) => {
                if let Who::Line(line) = last {
                    let last = Who::Line(line);
                    let c2 = cause.clone();
                    let call_id = self.calls[&no].id.clone();
                    self.emit_at(line, |n| {
                        ConnectionClearedEvent {
                            dropped_connection: csta_proto::ConnectionId::new(
                                call_id,
                                n.device(&last),
                            ),
                            releasing_device: n.party(&last),
                            local_connection_info: Some(S::Null),
                            cause: Some(c2),
                            ..Default::default()
                        }
                        .into()
                    });
                    self.call_cleared(no, line, cause);
                    self.detach(line, no);
                }
                self.calls.remove(&no);
            }
            _ => {}
        }
    }

    fn call_cleared(&mut self, no: CallNo, line: u32, cause: EventCause) {
        let Some(call_id) = self.calls.get(&no).map(|c| c.id.clone()) else {
            return;
        };
        self.emit_at(line, |n| {
            CallClearedEvent {
                cleared_call: csta_proto::ConnectionId::new(call_id, n.device(&Who::Line(line))),
                cause: Some(cause),
                ..Default::default()
            }
            .into()
        });
    }

    // ----- features --------------------------------------------------------------------------

    fn random_feature_toggle(&mut self) {
        let count = self.lines.len() as u32;
        let line = self.rng().random_range(0..count);
        let which: f64 = self.rng().random();
        let off_after = self.between(60.0, 600.0);
        let l = &self.lines[line as usize];
        if which < 0.4 {
            let on = !l.dnd;
            self.set_dnd(line, on);
            if on {
                let generation = self.lines[line as usize].dnd_generation;
                self.schedule(
                    off_after,
                    Action::FeatureOff {
                        line,
                        feature: Feature::DoNotDisturb,
                        generation,
                    },
                );
            }
        } else if which < 0.8 {
            let on = !l.mwi;
            self.set_mwi(line, on);
            if on {
                let generation = self.lines[line as usize].mwi_generation;
                self.schedule(
                    off_after,
                    Action::FeatureOff {
                        line,
                        feature: Feature::MessageWaiting,
                        generation,
                    },
                );
            }
        } else {
            let active = l.forwarding(&[ForwardingType::Immediate]).is_some();
            let mut to = self.rng().random_range(0..count - 1);
            if to >= line {
                to += 1;
            }
            if active {
                self.set_forwarding(line, ForwardingType::Immediate, false, None);
            } else {
                let dest = DeviceId::new(self.lines[to as usize].device.clone());
                self.set_forwarding(line, ForwardingType::Immediate, true, Some(dest));
                let generation = self.lines[line as usize].forward_generation;
                self.schedule(
                    off_after,
                    Action::FeatureOff {
                        line,
                        feature: Feature::Forwarding,
                        generation,
                    },
                );
            }
        }
    }

    fn feature_off(&mut self, line: u32, feature: Feature, generation: u32) {
        let Some(l) = self.lines.get(line as usize) else {
            return;
        };
        match feature {
            Feature::DoNotDisturb if l.dnd_generation == generation => self.set_dnd(line, false),
            Feature::MessageWaiting if l.mwi_generation == generation => self.set_mwi(line, false),
            Feature::Forwarding if l.forward_generation == generation => {
                self.set_forwarding(line, ForwardingType::Immediate, false, None)
            }
            _ => {}
        }
    }

    /// Sets do-not-disturb and reports it.
    pub(crate) fn set_dnd(&mut self, line: u32, on: bool) {
        let Some(l) = self.lines.get_mut(line as usize) else {
            return;
        };
        l.dnd = on;
        l.dnd_generation = l.dnd_generation.wrapping_add(1);
        self.emit_at(line, |n| {
            DoNotDisturbEvent {
                device: n.party(&Who::Line(line)),
                do_not_disturb_on: on,
                ..Default::default()
            }
            .into()
        });
    }

    /// Sets the message waiting indicator and reports it.
    pub(crate) fn set_mwi(&mut self, line: u32, on: bool) {
        let Some(l) = self.lines.get_mut(line as usize) else {
            return;
        };
        l.mwi = on;
        l.mwi_generation = l.mwi_generation.wrapping_add(1);
        self.emit_at(line, |n| {
            MessageWaitingEvent {
                target_device: n.party(&Who::Line(line)),
                device_for_message: None,
                message_waiting_on: on,
                ..Default::default()
            }
            .into()
        });
    }

    /// Sets one kind of forwarding (a `None` destination keeps the previous one) and reports
    /// it.
    pub(crate) fn set_forwarding(
        &mut self,
        line: u32,
        kind: ForwardingType,
        on: bool,
        to: Option<DeviceId>,
    ) {
        let Some(l) = self.lines.get_mut(line as usize) else {
            return;
        };
        let entry = match l.forwards.iter().position(|f| f.kind == kind) {
            Some(i) => &mut l.forwards[i],
            None => {
                l.forwards.push(Forward {
                    kind: kind.clone(),
                    on: false,
                    to: None,
                });
                let last = l.forwards.len() - 1;
                &mut l.forwards[last]
            }
        };
        entry.on = on;
        if to.is_some() {
            entry.to = to;
        }
        let forward_to = entry.to.clone();
        l.forward_generation = l.forward_generation.wrapping_add(1);
        self.emit_at(line, |n| {
            ForwardingEvent {
                device: n.party(&Who::Line(line)),
                forwarding_type: Some(kind),
                forward_status: on,
                forward_to,
                ..Default::default()
            }
            .into()
        });
    }

    // ----- monitors --------------------------------------------------------------------------

    /// The hub's first subscriber arrived: the line's events are reported from now on, and
    /// its current calls are described so that the hub's call model knows them.
    pub(crate) fn monitor_start(&mut self, key: &LineKey) {
        let Some(&line) = self.by_key.get(key) else {
            self.out.push(Output::MonitorFailed(
                key.clone(),
                csta_proto::CstaError::invalid_device_id(),
            ));
            return;
        };
        self.lines[line as usize].monitored = true;
        self.out.push(Output::MonitorActive(key.clone()));
        self.describe_calls(line);
    }

    /// The hub's last subscriber left.
    pub(crate) fn monitor_stop(&mut self, key: &LineKey) {
        if let Some(&line) = self.by_key.get(key) {
            self.lines[line as usize].monitored = false;
        }
    }

    /// Reports the line's existing calls with one event each (two for a held call) that puts
    /// the line's connection in its current state. Each names the line's own connection: the
    /// hub's call model takes the connection of the first event of a call as the line's.
    fn describe_calls(&mut self, line: u32) {
        let me = Who::Line(line);
        let calls = self.lines[line as usize].calls.clone();
        for no in calls {
            let Some(call) = self.calls.get(&no) else {
                continue;
            };
            let Some(state) = call.state(&me).cloned() else {
                continue;
            };
            let call = call.clone();
            let alerting_other = call
                .others(&me)
                .find(|c| c.state == S::Alerting)
                .map(|c| c.who.clone());
            let other = call.others(&me).next().map(|c| c.who.clone());
            match state {
                S::Initiated => self.emit_at(line, |n| {
                    ServiceInitiatedEvent {
                        initiated_connection: n.conn(&call, &me),
                        initiating_device: n.party(&me),
                        local_connection_info: Some(S::Initiated),
                        ..Default::default()
                    }
                    .into()
                }),
                S::Alerting => self.emit_at(line, |n| {
                    described(
                        n,
                        &call,
                        &me,
                        DeliveredEvent {
                            alerting_device: n.party(&me),
                            local_connection_info: Some(S::Alerting),
                            ..Default::default()
                        },
                    )
                }),
                S::Connected if alerting_other.is_some() => {
                    let alerting = alerting_other.unwrap_or_else(|| me.clone());
                    self.emit_at(line, |n| {
                        described(
                            n,
                            &call,
                            &me,
                            DeliveredEvent {
                                alerting_device: n.party(&alerting),
                                local_connection_info: Some(S::Connected),
                                ..Default::default()
                            },
                        )
                    });
                }
                S::Connected | S::Hold => {
                    let answering = other.unwrap_or_else(|| me.clone());
                    self.emit_at(line, |n| {
                        EstablishedEvent {
                            established_connection: n.conn(&call, &me),
                            answering_device: n.party(&answering),
                            calling_device: n.party(&call.calling),
                            called_device: n.party(&call.called),
                            last_redirection_device: n.redirection(&call),
                            local_connection_info: Some(S::Connected),
                            ..Default::default()
                        }
                        .into()
                    });
                    if state == S::Hold {
                        self.emit_at(line, |n| {
                            HeldEvent {
                                held_connection: n.conn(&call, &me),
                                holding_device: n.party(&me),
                                local_connection_info: Some(S::Hold),
                                ..Default::default()
                            }
                            .into()
                        });
                    }
                }
                S::Fail => {
                    let failing = call.called.clone();
                    self.emit_at(line, |n| {
                        FailedEvent {
                            failed_connection: n.conn(&call, &me),
                            failing_device: n.party(&failing),
                            calling_device: n.party(&call.calling),
                            called_device: n.party(&call.called),
                            last_redirection_device: n.redirection(&call),
                            local_connection_info: Some(S::Fail),
                            ..Default::default()
                        }
                        .into()
                    });
                }
                _ => {}
            }
        }
    }

    /// Lines and calls agree (every call's line parties list the call, every line's calls
    /// exist and list the line, idle lines have no call). For tests.
    #[cfg(test)]
    pub(crate) fn check_consistency(&self) -> Result<(), String> {
        for (no, call) in &self.calls {
            if call.parties.is_empty() {
                return Err(format!("call {no} has no party"));
            }
            for conn in &call.parties {
                if let Who::Line(l) = conn.who {
                    if !self.lines[l as usize].calls.contains(no) {
                        return Err(format!("line {l} does not list call {no}"));
                    }
                }
            }
        }
        for (i, line) in self.lines.iter().enumerate() {
            for no in &line.calls {
                let call = self
                    .calls
                    .get(no)
                    .ok_or_else(|| format!("line {i} lists ended call {no}"))?;
                if call.position(&Who::Line(i as u32)).is_none() {
                    return Err(format!("call {no} does not have line {i}"));
                }
            }
            let idle = self.idle_pos[i] != usize::MAX;
            if idle != line.calls.is_empty() {
                return Err(format!("line {i}: idle set disagrees"));
            }
        }
        Ok(())
    }
}

/// A Delivered event describing `call` at line `me` (its own connection, the call's parties).
fn described(n: &Names<'_>, call: &Call, me: &Who, event: DeliveredEvent) -> CstaMessage {
    DeliveredEvent {
        connection: n.conn(call, me),
        calling_device: n.party(&call.calling),
        called_device: n.party(&call.called),
        last_redirection_device: n.redirection(call),
        ..event
    }
    .into()
}
