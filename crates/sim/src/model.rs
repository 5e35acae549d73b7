//! The simulator's own state: simulated lines, calls with their connections, the pending
//! steps of the virtual schedule, and the naming of parties in CSTA events.

use std::cmp::Ordering;
use std::sync::Arc;

use callboard_core::LineKey;
use csta_proto::{
    ConnectionId, CstaError, CstaMessage, DeviceId, EventCause, ForwardingType,
    LocalConnectionState as S, Party,
};

/// A call's number inside the simulator; its CSTA call ID is the number in decimal.
pub(crate) type CallNo = u64;

/// A party of a call: a simulated line (by index) or a number outside the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// A simulated line.
    Line(u32),
    /// A dialled number that is not a simulated line, as dialled.
    External(Arc<str>),
}

impl Who {
    /// The line index, for a simulated line.
    pub(crate) fn line(&self) -> Option<u32> {
        match self {
            Who::Line(i) => Some(*i),
            Who::External(_) => None,
        }
    }
}

/// One connection of a call: a party and the state of its connection.
#[derive(Debug, Clone)]
pub(crate) struct Conn {
    pub(crate) who: Who,
    pub(crate) state: S,
}

/// A call and its connections.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The CSTA call ID (the same at every line, as a PBX gives it).
    pub(crate) id: String,
    /// Connections in the order the parties joined.
    pub(crate) parties: Vec<Conn>,
    /// The calling party of the events.
    pub(crate) calling: Who,
    /// The called party of the events (as originally called).
    pub(crate) called: Who,
    /// The party that redirected the call last (deflection, forwarding, single-step transfer).
    pub(crate) redirected_by: Option<Who>,
    /// The cause of ServiceInitiated/Originated (`newCall`, `makeCall`, `consultation`).
    pub(crate) cause: EventCause,
    /// Whether the simulated people in the call act on their own: answer after a ring time,
    /// hold now and then, hang up after a talk time. Calls that clients make are not
    /// autonomous (the simulated far end answers and stays until the client clears), except
    /// after the client transferred the call away.
    pub(crate) autonomous: bool,
    /// Whether the talk script (hold, hang-up) of an autonomous call is scheduled.
    pub(crate) scripted: bool,
}

impl Call {
    pub(crate) fn position(&self, who: &Who) -> Option<usize> {
        self.parties.iter().position(|c| &c.who == who)
    }

    pub(crate) fn state(&self, who: &Who) -> Option<&S> {
        self.parties
            .iter()
            .find(|c| &c.who == who)
            .map(|c| &c.state)
    }

    pub(crate) fn conn_mut(&mut self, who: &Who) -> Option<&mut Conn> {
        self.parties.iter_mut().find(|c| &c.who == who)
    }

    /// The parties other than `who`.
    pub(crate) fn others(&self, who: &Who) -> impl Iterator<Item = &Conn> {
        self.parties.iter().filter(move |c| &c.who != who)
    }
}

/// A forwarding setting of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Forward {
    pub(crate) kind: ForwardingType,
    pub(crate) on: bool,
    pub(crate) to: Option<DeviceId>,
}

/// A simulated line.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// Its device identifier, `sip:<number>@<host>`.
    pub(crate) device: String,
    /// Its key in the hub.
    pub(crate) key: LineKey,
    /// Whether the hub monitors it (only then are its events reported).
    pub(crate) monitored: bool,
    /// The calls at the line, oldest first.
    pub(crate) calls: Vec<CallNo>,
    pub(crate) dnd: bool,
    pub(crate) mwi: bool,
    pub(crate) forwards: Vec<Forward>,
    /// Bumped on every change of DND, MWI, forwarding: a scheduled automatic reset only
    /// applies to the change that scheduled it.
    pub(crate) dnd_generation: u32,
    pub(crate) mwi_generation: u32,
    pub(crate) forward_generation: u32,
}

impl Line {
    pub(crate) fn new(device: String, key: LineKey) -> Line {
        Line {
            device,
            key,
            monitored: false,
            calls: Vec::new(),
            dnd: false,
            mwi: false,
            forwards: Vec::new(),
            dnd_generation: 0,
            mwi_generation: 0,
            forward_generation: 0,
        }
    }

    /// The active forwarding of a kind, with its destination.
    pub(crate) fn forwarding(&self, kinds: &[ForwardingType]) -> Option<&DeviceId> {
        self.forwards
            .iter()
            .find(|f| f.on && kinds.contains(&f.kind))
            .and_then(|f| f.to.as_ref())
    }
}

/// A line feature the simulator toggles now and then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feature {
    DoNotDisturb,
    MessageWaiting,
    Forwarding,
}

/// How a simulated line answers a call delivered to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Autonomous traffic: rings 1–8 s, then answered (75 %) or the caller gives up.
    Script,
    /// Calls from clients: answered after 1–3 s.
    Auto,
}

/// Something that happens at a virtual time. Every step re-checks its preconditions (the
/// call may have ended or changed since it was scheduled), so stale steps are harmless.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    /// An autonomous call attempt; `generation` ties it to the rate it was scheduled under.
    Arrival { generation: u64 },
    /// The caller finished dialling: Originated, then the call is delivered to `target`.
    Originate {
        call: CallNo,
        target: Who,
        answer: Answer,
    },
    /// End of an autonomous ring time at `who`.
    RingEnd {
        call: CallNo,
        who: Who,
        answer: bool,
    },
    /// A simulated line or an external party answers.
    AutoAnswer { call: CallNo, who: Who },
    /// The line holds the call (talk script).
    Hold { call: CallNo, line: u32 },
    /// The line retrieves the call (talk script).
    Retrieve { call: CallNo, line: u32 },
    /// A random party of the call hangs up (talk script).
    Hangup { call: CallNo },
    /// A given party hangs up (after a failed call).
    Release { call: CallNo, who: Who },
    /// A feature switched on by the simulator goes off again.
    FeatureOff {
        line: u32,
        feature: Feature,
        generation: u32,
    },
}

/// A pending step. Ordered by virtual time, then by scheduling order, reversed so that
/// `BinaryHeap` pops the earliest first.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// Virtual time in nanoseconds since the simulator started.
    pub(crate) at: u64,
    /// Scheduling order, for ties.
    pub(crate) seq: u64,
    pub(crate) action: Action,
}

impl PartialEq for Step {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Step {}

impl PartialOrd for Step {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Step {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// What the simulator tells the hub, in order.
#[derive(Debug)]
pub(crate) enum Output {
    Event(LineKey, Box<CstaMessage>),
    MonitorActive(LineKey),
    MonitorFailed(LineKey, CstaError),
}

/// Names parties in events: device identifiers of lines and external numbers.
pub(crate) struct Names<'a> {
    pub(crate) lines: &'a [Line],
    pub(crate) trunk: &'a str,
}

impl Names<'_> {
    pub(crate) fn device(&self, who: &Who) -> DeviceId {
        match who {
            Who::Line(i) => DeviceId::new(
                self.lines
                    .get(*i as usize)
                    .map(|l| l.device.clone())
                    .unwrap_or_default(),
            ),
            Who::External(number) => DeviceId::new(number.to_string()),
        }
    }

    pub(crate) fn party(&self, who: &Who) -> Party {
        Party::Device(self.device(who))
    }

    pub(crate) fn conn(&self, call: &Call, who: &Who) -> ConnectionId {
        ConnectionId::new(call.id.clone(), self.device(who))
    }

    pub(crate) fn redirection(&self, call: &Call) -> Party {
        call.redirected_by
            .as_ref()
            .map_or(Party::NotKnown, |who| self.party(who))
    }

    /// The network interface external calls leave through.
    pub(crate) fn trunk(&self) -> Party {
        Party::device(self.trunk)
    }
}
