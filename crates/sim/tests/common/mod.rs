//! A real hub with the simulator attached and one client session that monitors some lines
//! and records every event it receives, decoded from the hub's frames.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use callboard_core::{Delivery, Hub, HubSettings};
use callboard_sim::{SimHandle, SimSettings, Simulator};
use csta_proto::{
    ConnectionId, CstaError, CstaMessage, DeviceId, LocalConnectionState, SnapshotData,
    SnapshotDevice,
};
use tokio::sync::mpsc;

/// The device of a simulated line.
pub fn dev(number: &str) -> String {
    format!("sip:{number}@simulator.invalid")
}

/// A connection of a simulated line.
pub fn conn(call: &str, number: &str) -> ConnectionId {
    ConnectionId::new(call, dev(number))
}

pub fn settings(lines: &str, calls_per_minute: f64, seed: u64) -> SimSettings {
    SimSettings {
        lines: SimSettings::parse_lines(lines).unwrap(),
        calls_per_minute,
        seed,
        ..SimSettings::default()
    }
}

pub struct Bench {
    pub hub: Hub,
    pub sim: SimHandle,
    pub session: String,
    /// monitorCrossRefID → line number.
    refs: HashMap<String, String>,
    /// (monitorCrossRefID, event) as received.
    log: Arc<Mutex<Vec<(String, CstaMessage)>>>,
    /// Events before this index are hidden from [`Bench::all`] (see [`Bench::clear`]).
    from: Mutex<usize>,
}

fn decode(delivery: &Delivery) -> CstaMessage {
    let mut decoder = csta_proto::FrameDecoder::new();
    let mut buf = bytes::BytesMut::from(&delivery.frame[..]);
    let frame = decoder.decode(&mut buf).unwrap().unwrap();
    csta_proto::decode(&frame.xml).unwrap().message
}

async fn collect(
    mut events: mpsc::Receiver<Delivery>,
    log: Arc<Mutex<Vec<(String, CstaMessage)>>>,
) {
    while let Some(delivery) = events.recv().await {
        let message = decode(&delivery);
        let cross_ref = message
            .monitor_cross_ref_id()
            .unwrap_or_default()
            .to_owned();
        log.lock().unwrap().push((cross_ref, message));
    }
}

impl Bench {
    /// Starts a hub and the simulator, and monitors `monitor` (numbers) in one session.
    pub async fn start(settings: SimSettings, monitor: &[String]) -> Bench {
        let hub = Hub::start(HubSettings {
            outbox_capacity: 1_000_000,
            request_timeout: Duration::from_secs(30),
            ..HubSettings::default()
        });
        let sim = Simulator::start(&hub, settings);
        sim.ready().await;
        let attachment = hub
            .open_session("tester", callboard_core::Access::Unrestricted)
            .await
            .unwrap();
        let session = attachment.session_id.clone();
        let log = Arc::new(Mutex::new(Vec::new()));
        tokio::spawn(collect(attachment.events, log.clone()));
        let mut refs = HashMap::new();
        for number in monitor {
            let cross_ref = hub.monitor_start(&session, number).await.unwrap();
            refs.insert(cross_ref, number.clone());
        }
        hub.stats().await;
        Bench {
            hub,
            sim,
            session,
            refs,
            log,
            from: Mutex::new(0),
        }
    }

    /// Lets simulated time pass (every timer due in between fires, in order).
    pub async fn wait(&self, seconds: f64) {
        tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    }

    /// The events received since the last [`Bench::clear`], with their lines, in order.
    pub fn all(&self) -> Vec<(String, CstaMessage)> {
        let from = *self.from.lock().unwrap();
        self.everything().split_off(from)
    }

    /// Every event received, with its line, in order.
    pub fn everything(&self) -> Vec<(String, CstaMessage)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|(cross_ref, event)| {
                let line = self.refs.get(cross_ref).cloned().unwrap_or_default();
                (line, event.clone())
            })
            .collect()
    }

    /// The events of one line, BackInService left out.
    pub fn events(&self, number: &str) -> Vec<CstaMessage> {
        self.all()
            .into_iter()
            .filter(|(line, e)| line == number && e.name() != "BackInServiceEvent")
            .map(|(_, e)| e)
            .collect()
    }

    /// The names of the events of one line, BackInService left out.
    pub fn kinds(&self, number: &str) -> Vec<String> {
        self.events(number)
            .iter()
            .map(|e| e.name().to_owned())
            .collect()
    }

    /// Hides the events received so far from [`Bench::all`] and [`Bench::events`].
    pub fn clear(&self) {
        *self.from.lock().unwrap() = self.log.lock().unwrap().len();
    }

    pub async fn request(&self, request: impl Into<CstaMessage>) -> Result<CstaMessage, CstaError> {
        self.hub
            .request(&callboard_core::Access::Unrestricted, request.into())
            .await
    }

    /// The hub's snapshot of a line: (call ID, state) per call.
    pub async fn snapshot(&self, number: &str) -> Vec<(String, LocalConnectionState)> {
        let response = self
            .request(SnapshotDevice {
                snapshot_object: DeviceId::new(number),
            })
            .await
            .unwrap();
        let CstaMessage::SnapshotDeviceResponse(response) = response else {
            panic!("{response:?}")
        };
        let SnapshotData::Data(items) = response.cross_ref_id_or_snapshot_data else {
            panic!("no snapshot data")
        };
        items
            .into_iter()
            .map(|item| {
                (
                    item.connection_identifier.call_id.unwrap_or_default(),
                    item.local_call_state
                        .map(|s| s.compound_call_state[0].clone())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }
}

/// The call ID an event is about, if any.
pub fn call_id(event: &CstaMessage) -> Option<String> {
    use CstaMessage as M;
    let c = match event {
        M::ServiceInitiatedEvent(e) => &e.initiated_connection,
        M::OriginatedEvent(e) => &e.originated_connection,
        M::DeliveredEvent(e) => &e.connection,
        M::EstablishedEvent(e) => &e.established_connection,
        M::HeldEvent(e) => &e.held_connection,
        M::RetrievedEvent(e) => &e.retrieved_connection,
        M::FailedEvent(e) => &e.failed_connection,
        M::NetworkReachedEvent(e) => &e.outbound_connection,
        M::ConnectionClearedEvent(e) => &e.dropped_connection,
        M::CallClearedEvent(e) => &e.cleared_call,
        M::DivertedEvent(e) => &e.connection,
        M::DigitsGeneratedEvent(e) => &e.connection,
        M::TransferredEvent(e) => &e.primary_old_call,
        M::ConferencedEvent(e) => &e.primary_old_call,
        _ => return None,
    };
    c.call_id.clone()
}

fn is_line(number: &str, device: Option<&DeviceId>) -> bool {
    device.is_some_and(|d| d.as_str() == dev(number))
}

/// A transfer or conference at a line: the line leaves its old calls and joins the new
/// connections that are its own; false when the line was in none of the old calls.
fn merge(
    known: &mut HashMap<String, Known>,
    calls: &mut HashSet<String>,
    line: &str,
    old: &[Option<&ConnectionId>],
    list: &[csta_proto::ConnectionListItem],
) -> bool {
    let mut involved = false;
    for old in old.iter().flatten() {
        if let Some(id) = &old.call_id {
            if known.get(id) == Some(&Known::Live) {
                known.remove(id);
                involved = true;
            }
        }
    }
    for item in list {
        let Some(new) = &item.new_connection else {
            continue;
        };
        if let (true, Some(id)) = (is_line(line, new.device_id.as_ref()), &new.call_id) {
            known.insert(id.clone(), Known::Live);
            calls.insert(id.clone());
        }
    }
    involved
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// The line has a connection in the call.
    Live,
    /// The line's connection is gone; only CallCleared may still come.
    Gone,
}

/// Checks the events of every line: each call is introduced (ServiceInitiated, Delivered at
/// the alerting line, a transfer or conference connection of the line) before any other
/// event refers to it; nothing refers to a call after the line left it, except CallCleared;
/// with `finished`, no line is left in a call at the end. Returns the number of calls seen.
pub fn check_sequences(events: &[(String, CstaMessage)], finished: bool) -> Result<usize, String> {
    use CstaMessage as M;
    let mut lines: HashMap<String, HashMap<String, Known>> = HashMap::new();
    let mut calls = HashSet::new();
    for (i, (line, event)) in events.iter().enumerate() {
        let known = lines.entry(line.clone()).or_default();
        let here = |what: &str| format!("event {i} at {line}: {what}: {event:?}");
        let Some(id) = call_id(event) else { continue };
        calls.insert(id.clone());
        let state = known.get(&id).copied();
        match event {
            M::ServiceInitiatedEvent(_) => {
                if state.is_some() {
                    return Err(here("call initiated twice"));
                }
                known.insert(id, Known::Live);
            }
            M::DeliveredEvent(e) if is_line(line, e.alerting_device.device_id()) => {
                if state.is_some() {
                    return Err(here("delivered to a call the line is in"));
                }
                known.insert(id, Known::Live);
            }
            M::CallClearedEvent(_) => {
                if state.is_none() {
                    return Err(here("unknown call cleared"));
                }
                known.remove(&id);
            }
            M::TransferredEvent(e) => {
                let old = [Some(&e.primary_old_call), e.secondary_old_call.as_ref()];
                if !merge(known, &mut calls, line, &old, &e.transferred_connections) {
                    return Err(here("transfer of calls the line is not in"));
                }
            }
            M::ConferencedEvent(e) => {
                let old = [Some(&e.primary_old_call), e.secondary_old_call.as_ref()];
                if !merge(known, &mut calls, line, &old, &e.conference_connections) {
                    return Err(here("conference of calls the line is not in"));
                }
            }
            // Forwarding: the forwarding line is told although the call never reached it.
            M::DivertedEvent(e)
                if state.is_none() && is_line(line, e.diverting_device.device_id()) => {}
            _ => {
                if state != Some(Known::Live) {
                    return Err(here("event of a call the line is not in"));
                }
                let leaves = match event {
                    M::ConnectionClearedEvent(e) => {
                        e.local_connection_info == Some(LocalConnectionState::Null)
                    }
                    M::DivertedEvent(e) => is_line(line, e.diverting_device.device_id()),
                    _ => false,
                };
                if leaves {
                    known.insert(id, Known::Gone);
                }
            }
        }
    }
    for (line, known) in lines.iter().filter(|_| finished) {
        if let Some((id, _)) = known.iter().find(|(_, k)| **k == Known::Live) {
            return Err(format!("line {line} is still in call {id}"));
        }
    }
    Ok(calls.len())
}
