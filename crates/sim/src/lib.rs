//! The demo switch of callboard: a **simulator**, built in, that provides simulated lines
//! (default 201–210) which call each other at a configurable rate with realistic CSTA event
//! sequences, and execute the CSTA services clients ask of them. It is a link of the hub like
//! the phones link: its lines come up as `sip:<number>@simulator.invalid` on a link named
//! `simulator`, so nothing it produces can be mistaken for a real phone.
//!
//! `callboard serve --demo` runs it so that a newcomer sees live calls; the benchmark uses it
//! to generate event load (it copes with hundreds of thousands of calls per minute: one task,
//! one heap of pending steps, no task per call).
//!
//! Deterministic under a seed: all autonomous choices come from one seeded generator and all
//! timing from one schedule of virtual deadlines, so the same seed and settings give the same
//! sequence of events (line, event, call ID, parties) however fast the machine is. Requests
//! from clients use a second generator and happen when they happen.
//!
//! ```no_run
//! # async fn demo(hub: callboard_core::Hub) {
//! use callboard_sim::{SimSettings, Simulator};
//! let sim = Simulator::start(&hub, SimSettings::default());
//! sim.ready().await; // every simulated line is known to the hub
//! // ... serve ...
//! sim.stop();
//! sim.join().await; // lines reported down
//! # }
//! ```

mod engine;
mod model;
mod services;
mod settings;
#[cfg(test)]
mod tests;

use std::time::Duration;

use callboard_core::{Hub, LinkCommand, LinkEvent, LinkEvents, LinkHandle};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::engine::Engine;
use crate::model::Output;
pub use crate::settings::{DEFAULT_HOST, MAX_LINES, SimSettings};

/// The name of the simulator's link, as the hub logs it.
pub const LINK_NAME: &str = "simulator";

/// Capacity of the queue of commands from the hub (the hub never waits on it: when it is
/// full, the hub answers the request with `resourceBusy`).
pub const COMMAND_QUEUE: usize = 1024;

/// Most steps performed before the queued events are handed to the hub.
const BATCH: usize = 256;

/// The simulator; see [`Simulator::start`].
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Starts the simulator on the current tokio runtime: reports every line to `hub` as up
    /// (device `sip:<number>@<host>`, link [`LINK_NAME`]), then runs the autonomous traffic and
    /// serves the hub's commands until stopped. Dropping the returned handle stops it too.
    /// Call it inside a tokio runtime (it spawns one task).
    pub fn start(hub: &Hub, settings: SimSettings) -> SimHandle {
        let (commands_tx, commands) = mpsc::channel(COMMAND_QUEUE);
        let link = LinkHandle::new(LINK_NAME, commands_tx);
        let base = Instant::now();
        let engine = Engine::new(&settings);
        let (control, control_rx) = watch::channel(Control {
            calls_per_minute: settings.rate(),
            stop: false,
        });
        let (ready_tx, ready) = watch::channel(false);
        tracing::info!(
            lines = engine.lines.len(),
            calls_per_minute = settings.rate(),
            seed = settings.seed,
            host = settings.host(),
            "simulator starting: simulated lines, not phones"
        );
        let task = Task {
            engine,
            events: hub.link_events(),
            link,
            base,
        };
        let task = tokio::spawn(task.run(commands, control_rx, ready_tx));
        SimHandle {
            control,
            ready,
            hub: hub.clone(),
            task: Some(task),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Control {
    calls_per_minute: f64,
    stop: bool,
}

/// Controls a running simulator. Dropping it stops the simulator (its lines go down).
#[derive(Debug)]
#[must_use = "dropping the handle stops the simulator"]
pub struct SimHandle {
    control: watch::Sender<Control>,
    ready: watch::Receiver<bool>,
    hub: Hub,
    task: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// Waits until every simulated line is known to the hub (so that monitors and requests
    /// on them work).
    pub async fn ready(&self) {
        let mut ready = self.ready.clone();
        let _ = ready.wait_for(|up| *up).await;
        // The hub handles its queue in order: once this returns, the lines are in.
        self.hub.stats().await;
    }

    /// Changes the rate of autonomous calls (`0` stops new ones; calls in progress go on
    /// to their end). The next call is drawn from the moment the change is handled, so
    /// determinism only holds for runs that change the rate at the same virtual time.
    pub fn set_calls_per_minute(&self, calls_per_minute: f64) {
        self.control
            .send_modify(|c| c.calls_per_minute = settings::sanitize_rate(calls_per_minute));
    }

    /// Asks the simulator to stop: it reports its lines down and ends. See
    /// [`SimHandle::join`].
    pub fn stop(&self) {
        self.control.send_modify(|c| c.stop = true);
    }

    /// Stops the simulator and waits until it has ended.
    pub async fn join(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.control.send_modify(|c| c.stop = true);
    }
}

/// The simulator's task: owns the engine, maps real time to virtual time.
struct Task {
    engine: Engine,
    events: LinkEvents,
    link: LinkHandle,
    base: Instant,
}

impl Task {
    /// Virtual time: nanoseconds since the simulator started.
    fn now(&self) -> u64 {
        Instant::now()
            .saturating_duration_since(self.base)
            .as_nanos()
            .try_into()
            .unwrap_or(u64::MAX)
    }

    async fn run(
        mut self,
        mut commands: mpsc::Receiver<LinkCommand>,
        mut control: watch::Receiver<Control>,
        ready: watch::Sender<bool>,
    ) {
        for line in &self.engine.lines {
            self.events
                .send(LinkEvent::LineUp {
                    device: line.device.clone(),
                    link: self.link.clone(),
                })
                .await;
        }
        let _ = ready.send(true);
        tracing::info!(
            lines = self.engine.lines.len(),
            "simulator running: {} simulated lines up on link `{LINK_NAME}`",
            self.engine.lines.len()
        );
        let sleep = tokio::time::sleep_until(self.base);
        tokio::pin!(sleep);
        loop {
            // A deadline beyond what an Instant can hold is never reached.
            let next = self
                .engine
                .next_due()
                .and_then(|at| self.base.checked_add(Duration::from_nanos(at)));
            if let Some(deadline) = next {
                sleep.as_mut().reset(deadline);
            }
            tokio::select! {
                biased;
                changed = control.changed() => {
                    let wanted = *control.borrow_and_update();
                    if changed.is_err() || wanted.stop {
                        break;
                    }
                    let now = self.now();
                    self.engine.set_rate(wanted.calls_per_minute, now);
                    tracing::info!(calls_per_minute = wanted.calls_per_minute, "simulator: rate of autonomous calls changed");
                }
                command = commands.recv() => match command {
                    Some(command) => self.command(command),
                    None => break,
                },
                () = &mut sleep, if next.is_some() => {
                    let now = self.now();
                    self.engine.run_due(now, BATCH);
                }
            }
            self.flush().await;
        }
        for line in &self.engine.lines {
            self.events
                .send(LinkEvent::LineDown {
                    device: line.device.clone(),
                    link: self.link.clone(),
                })
                .await;
        }
        tracing::info!("simulator stopped: simulated lines down");
    }

    fn command(&mut self, command: LinkCommand) {
        match command {
            LinkCommand::MonitorStart { line, .. } => self.engine.monitor_start(&line),
            LinkCommand::MonitorStop { line, .. } => self.engine.monitor_stop(&line),
            LinkCommand::Request {
                line,
                request,
                reply,
            } => {
                let name = request.name().to_owned();
                let now = self.now();
                let result = self.engine.request(&line, *request, now);
                if let Err(error) = &result {
                    tracing::debug!(line = %line, service = %name, %error, "simulator: request refused");
                }
                let _ = reply.send(result);
            }
        }
    }

    /// Hands the engine's output to the hub (waiting while the hub is busy).
    async fn flush(&mut self) {
        if self.engine.out.is_empty() {
            return;
        }
        let at = Instant::now();
        let mut out = std::mem::take(&mut self.engine.out);
        for output in out.drain(..) {
            let event = match output {
                Output::Event(line, event) => LinkEvent::Event { line, event, at },
                Output::MonitorActive(line) => LinkEvent::MonitorActive { line },
                Output::MonitorFailed(line, error) => LinkEvent::MonitorFailed { line, error },
            };
            self.events.send(event).await;
        }
        // Keep the allocation for the next batch.
        self.engine.out = out;
    }
}
