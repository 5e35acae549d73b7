//! Tests of the engine alone (no hub, no task): determinism under a seed whatever the pace,
//! consistency of lines, calls and the hub's call model, high rates.

use std::collections::HashMap;

use callboard_core::LineKey;
use callboard_core::calls::LineCalls;

use crate::engine::{Engine, secs};
use crate::model::Output;
use crate::settings::SimSettings;

fn settings(lines: &str, calls_per_minute: f64, seed: u64) -> SimSettings {
    SimSettings {
        lines: SimSettings::parse_lines(lines).unwrap(),
        calls_per_minute,
        seed,
        ..SimSettings::default()
    }
}

fn monitored(settings: &SimSettings) -> Engine {
    let mut engine = Engine::new(settings);
    let keys: Vec<LineKey> = engine.lines.iter().map(|l| l.key.clone()).collect();
    for key in &keys {
        engine.monitor_start(key);
    }
    engine.out.clear();
    engine
}

/// Runs the engine until `until` (ns) in increments of `step` (ns), returning its output as
/// text and applying it to one call model per line.
fn run(
    engine: &mut Engine,
    from: u64,
    until: u64,
    step: u64,
    models: &mut HashMap<LineKey, LineCalls>,
) -> Vec<String> {
    let mut log = Vec::new();
    let mut now = from;
    while now < until {
        now = (now + step).min(until);
        while engine.run_due(now, 256) > 0 {}
        engine.check_consistency().unwrap();
        for output in engine.out.drain(..) {
            if let Output::Event(line, event) = output {
                models.entry(line.clone()).or_default().apply(&line, &event);
                log.push(format!("{line} {event:?}"));
            }
        }
    }
    log
}

#[test]
fn the_same_seed_gives_the_same_events_at_any_pace() {
    let s = settings("201-210", 30.0, 7);
    let ten_minutes = secs(600.0);
    let mut models = HashMap::new();
    let by_second = run(&mut monitored(&s), 0, ten_minutes, secs(1.0), &mut models);
    let by_millisecond = run(&mut monitored(&s), 0, ten_minutes, secs(0.003), &mut models);
    let at_once = run(&mut monitored(&s), 0, ten_minutes, ten_minutes, &mut models);
    assert!(by_second.len() > 500, "{} events", by_second.len());
    assert_eq!(by_second, by_millisecond);
    assert_eq!(by_second, at_once);
    let other = run(
        &mut monitored(&settings("201-210", 30.0, 8)),
        0,
        ten_minutes,
        secs(1.0),
        &mut models,
    );
    assert_ne!(by_second, other);
}

#[test]
fn every_call_ends_and_the_call_model_follows() {
    let s = settings("201-210", 60.0, 11);
    let mut engine = monitored(&s);
    let mut models = HashMap::new();
    let log = run(&mut engine, 0, secs(1200.0), secs(0.5), &mut models);
    for kind in [
        "ServiceInitiatedEvent",
        "OriginatedEvent",
        "DeliveredEvent",
        "EstablishedEvent",
        "HeldEvent",
        "RetrievedEvent",
        "ConnectionClearedEvent",
        "CallClearedEvent",
        "FailedEvent",
        "DoNotDisturbEvent",
        "MessageWaitingEvent",
        "ForwardingEvent",
    ] {
        assert!(
            log.iter().any(|e| e.contains(&format!("{kind}("))),
            "no {kind} in 20 minutes"
        );
    }
    engine.set_rate(0.0, secs(1200.0));
    run(
        &mut engine,
        secs(1200.0),
        secs(1800.0),
        secs(1.0),
        &mut models,
    );
    assert!(engine.calls.is_empty(), "{:?}", engine.calls);
    for (line, model) in &models {
        assert!(
            model.is_idle(),
            "{line}: {:?}",
            model.calls().collect::<Vec<_>>()
        );
    }
    assert!(engine.pending() < 50, "{} steps left", engine.pending());
}

#[test]
fn a_high_rate_makes_many_calls_and_stays_consistent() {
    let s = settings("1000-2999", 600_000.0, 5);
    let mut engine = monitored(&s);
    let mut models = HashMap::new();
    let log = run(&mut engine, 0, secs(1.0), secs(0.001), &mut models);
    let initiated = log
        .iter()
        .filter(|e| e.contains("ServiceInitiatedEvent("))
        .count();
    // 10,000 attempts in a second, but at most one call per idle caller out of 2,000 lines.
    assert!((900..=2000).contains(&initiated), "{initiated} calls");
    engine.set_rate(0.0, secs(1.0));
    run(&mut engine, secs(1.0), secs(600.0), secs(0.5), &mut models);
    assert!(engine.calls.is_empty());
    assert!(models.values().all(LineCalls::is_idle));
}

#[test]
fn a_monitor_started_during_a_call_describes_the_call() {
    let s = settings("201-210", 60.0, 3);
    let mut engine = Engine::new(&s);
    let mut now = 0;
    // Run unmonitored until some line is in an established call.
    let (line, call) = loop {
        now += secs(0.25);
        engine.run_due(now, usize::MAX);
        assert!(engine.out.is_empty(), "unmonitored lines report nothing");
        let found = engine.calls.iter().find_map(|(no, call)| {
            (call.parties.len() == 2
                && call
                    .parties
                    .iter()
                    .all(|p| p.state == csta_proto::LocalConnectionState::Connected))
            .then(|| (call.parties[1].who.line().unwrap(), *no))
        });
        if let Some(found) = found {
            break found;
        }
        assert!(now < secs(600.0), "no call in ten minutes");
    };
    let key = engine.lines[line as usize].key.clone();
    engine.monitor_start(&key);
    let mut model = LineCalls::default();
    let mut kinds = Vec::new();
    for output in engine.out.drain(..) {
        match output {
            Output::MonitorActive(k) => kinds.push(format!("active {k}")),
            Output::Event(k, event) => {
                model.apply(&k, &event);
                kinds.push(event.name().to_owned());
            }
            Output::MonitorFailed(..) => panic!("monitor failed"),
        }
    }
    assert_eq!(kinds, [format!("active {key}"), "EstablishedEvent".into()]);
    let known = model.call(&call.to_string()).expect("the call is known");
    assert_eq!(known.state, csta_proto::LocalConnectionState::Connected);
    assert_eq!(known.device.as_str(), engine.lines[line as usize].device);

    let mut unknown = Engine::new(&s);
    unknown.monitor_start(&LineKey::from_device_id("999").unwrap());
    assert!(matches!(unknown.out[..], [Output::MonitorFailed(..)]));
}

/// Throughput of the engine alone: `cargo test --release -p callboard-sim -- --ignored`.
#[test]
#[ignore = "a measurement, run in release mode"]
fn engine_throughput() {
    let s = settings("10000-59999", 600_000.0, 1);
    let mut engine = monitored(&s);
    let started = std::time::Instant::now();
    let mut events = 0usize;
    let mut now = 0;
    while now < secs(60.0) {
        now += secs(0.001);
        while engine.run_due(now, 256) > 0 {}
        events += engine.out.len();
        engine.out.clear();
    }
    let elapsed = started.elapsed();
    eprintln!(
        "60 simulated seconds at 600,000 calls/minute on 50,000 lines: {events} events, {} calls open, in {elapsed:?} ({:.0} events/s)",
        engine.calls.len(),
        events as f64 / elapsed.as_secs_f64()
    );
}

#[test]
fn a_smaller_time_scale_makes_the_same_lines_carry_more_calls() {
    let count_cleared = |time_scale: f64| {
        let s = SimSettings {
            time_scale,
            ..settings("201-210", 600.0, 3)
        };
        let mut engine = monitored(&s);
        let mut models = HashMap::new();
        let log = run(&mut engine, 0, secs(60.0), secs(0.1), &mut models);
        log.iter()
            .filter(|l| l.contains("CallClearedEvent"))
            .count()
    };
    let real_time = count_cleared(1.0);
    let fast = count_cleared(0.01);
    // Real time: calls last 5–90 s, so 10 lines are mostly busy and most arrivals find no
    // idle caller; a hundred times faster, nearly all 600 offered calls happen.
    assert!(
        real_time < 200 && fast > 500,
        "fast {fast} vs real time {real_time}"
    );
}
