//! A rough throughput probe, ignored by default (the clients run in the same process and take
//! their share of the CPU): `cargo test --release -p callboard-cti --test throughput --
//! --ignored --nocapture`, with `CTI_PROBE_CLIENTS` and `CTI_PROBE_EVENTS` to size it.

mod common;

use std::time::Duration;

use callboard_core::HubSettings;
use common::*;
use tokio::io::AsyncReadExt;
use tokio::task::JoinSet;
use tokio::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a probe, not a test: run it in release mode"]
async fn fan_out_throughput() {
    let clients = env("CTI_PROBE_CLIENTS", 2000);
    let events = env("CTI_PROBE_EVENTS", 200);
    let hub = HubSettings {
        outbox_capacity: 100_000,
        log_capacity: 100_000,
        ..hub_settings()
    };
    let harness = Harness::start_with(hub, cti_settings()).await;
    let mut streams = Vec::new();
    for _ in 0..clients {
        let (mut client, _) = harness.logged_in().await;
        client.monitor("201").await;
        streams.push(client.stream);
    }
    let mut readers = JoinSet::new();
    for mut stream in streams {
        readers.spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            let mut pending = 0usize; // bytes of the current frame still to come
            let mut header = Vec::with_capacity(8);
            let mut frames = 0;
            while frames < events {
                let n = stream.read(&mut buf).await.unwrap();
                assert!(n > 0, "closed");
                let mut at = 0;
                while at < n {
                    if pending > 0 {
                        let take = pending.min(n - at);
                        pending -= take;
                        at += take;
                        if pending == 0 {
                            frames += 1;
                        }
                        continue;
                    }
                    header.push(buf[at]);
                    at += 1;
                    if header.len() == 8 {
                        pending = usize::from(u16::from_be_bytes([header[2], header[3]])) - 8;
                        header.clear();
                    }
                }
            }
        });
    }
    let started = Instant::now();
    for i in 0..events {
        harness.event(LINE, &format!("call-{i}")).await;
    }
    while let Some(joined) = readers.join_next().await {
        joined.unwrap();
    }
    let elapsed = started.elapsed();
    let deliveries = clients * events;
    let latency = harness.listener.latency();
    println!(
        "{clients} clients x {events} events = {deliveries} deliveries in {:.2} s: {:.0}/s; latency p50 {:?} p99 {:?} max {:?}",
        elapsed.as_secs_f64(),
        deliveries as f64 / elapsed.as_secs_f64().max(1e-9),
        latency.quantile(0.5),
        latency.quantile(0.99),
        latency.max(),
    );
    tokio::time::sleep(Duration::from_millis(10)).await;
}
