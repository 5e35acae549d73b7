//! Autonomous traffic through a real hub: determinism under a seed, every call ending
//! consistently (the hub's snapshots end empty), high rates, stopping.

mod common;

use common::{Bench, check_sequences, settings};
use csta_proto::{CstaError, DeviceId, GetDoNotDisturb};

fn numbers(first: u32, last: u32) -> Vec<String> {
    (first..=last).map(|n| n.to_string()).collect()
}

/// Ten simulated minutes of traffic on 201–210, all monitored; the events as received.
async fn ten_minutes(seed: u64) -> Vec<(String, csta_proto::CstaMessage)> {
    let bench = Bench::start(settings("201-210", 30.0, seed), &numbers(201, 210)).await;
    bench.wait(600.0).await;
    let events = bench.all();
    bench.sim.join().await;
    events
}

#[tokio::test(start_paused = true)]
async fn the_same_seed_gives_the_same_events_and_another_seed_others() {
    let first = ten_minutes(42).await;
    let second = ten_minutes(42).await;
    let other = ten_minutes(43).await;
    let calls = check_sequences(&first, false).unwrap();
    assert!(calls > 100, "{calls} calls in ten minutes at 30 a minute");
    assert!(first.len() > 1000, "{} events", first.len());
    assert_eq!(first.len(), second.len());
    for (i, (a, b)) in first.iter().zip(&second).enumerate() {
        assert_eq!(a, b, "event {i} differs");
    }
    assert_ne!(first, other);
}

#[tokio::test(start_paused = true)]
async fn every_autonomous_call_ends_and_the_snapshots_end_empty() {
    let lines = numbers(201, 210);
    let bench = Bench::start(settings("201-210", 60.0, 9), &lines).await;
    bench.wait(900.0).await;
    bench.sim.set_calls_per_minute(0.0);
    // Longest call: 2 s dialling + 8 s ringing + 90 s talk; then some slack.
    bench.wait(300.0).await;
    let events = bench.all();
    let calls = check_sequences(&events, true).unwrap();
    assert!(calls > 300, "{calls} calls");
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
    ] {
        assert!(
            events.iter().any(|(_, e)| e.name() == kind),
            "no {kind} in 15 minutes"
        );
    }
    for line in &lines {
        assert_eq!(bench.snapshot(line).await, [], "line {line}");
    }
    // Every device is labelled as simulated.
    for (_, event) in &events {
        let xml = csta_proto::encode(event, csta_proto::Edition::Ed5);
        for device in xml.split("sip:").skip(1) {
            let host = device.split('<').next().unwrap_or_default();
            assert!(host.ends_with("@simulator.invalid"), "{host} in {xml}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_high_rate_gives_the_expected_order_of_magnitude_and_stays_consistent() {
    let lines = numbers(1000, 2999);
    let bench = Bench::start(settings("1000-2999", 60_000.0, 1), &lines).await;
    bench.wait(1.0).await;
    bench.sim.set_calls_per_minute(0.0);
    let in_one_second = bench.all().len();
    // About 1,000 calls started; each has 1–4 events in its first second (initiated, then
    // originated and delivered at both lines, or failed).
    assert!(
        (1_500..=10_000).contains(&in_one_second),
        "{in_one_second} events in the first second"
    );
    bench.wait(200.0).await;
    let events = bench.all();
    let calls = check_sequences(&events, true).unwrap();
    assert!((900..=1_100).contains(&calls), "{calls} calls");
    for line in lines.iter().step_by(7) {
        assert_eq!(bench.snapshot(line).await, [], "line {line}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_stopped_simulator_takes_its_lines_down() {
    let bench = Bench::start(settings("201-203", 0.0, 1), &numbers(201, 203)).await;
    let hub = bench.hub.clone();
    assert_eq!(hub.stats().await.lines, 3);
    bench.sim.stop();
    bench.wait(0.5).await;
    let result = hub
        .request(
            &callboard_core::Access::Unrestricted,
            GetDoNotDisturb {
                device: DeviceId::new("201"),
            }
            .into(),
        )
        .await;
    assert_eq!(result, Err(CstaError::device_out_of_service()));
    let out_of_service = bench
        .all()
        .iter()
        .filter(|(_, e)| e.name() == "OutOfServiceEvent")
        .count();
    assert_eq!(out_of_service, 3);
}

/// Real-time throughput through the hub: `cargo test --release -p callboard-sim --test
/// traffic -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a measurement, run in release mode"]
async fn throughput_through_the_hub() {
    let lines = numbers(100000, 199999);
    let setup = std::time::Instant::now();
    let bench = Bench::start(settings("100000-199999", 0.0, 1), &lines).await;
    eprintln!("100,000 lines up and monitored in {:?}", setup.elapsed());
    let before = bench.hub.stats().await.last_seq;
    let started = std::time::Instant::now();
    bench.sim.set_calls_per_minute(600_000.0);
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    bench.sim.set_calls_per_minute(0.0);
    let after = bench.hub.stats().await.last_seq;
    let received = bench.all().len();
    eprintln!(
        "10 s at 600,000 calls/minute on 100,000 lines: {} events through the hub, {received} received, in {:?}",
        after - before,
        started.elapsed()
    );
}
