//! Many clients on one line: every event reaches every client in order, the line's monitor is
//! opened once and closed once, and a client that stops reading is cut off without holding up
//! the others.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use callboard_core::HubSettings;
use common::*;
use tokio::task::JoinSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_clients_on_one_line_get_every_event_in_order() {
    const CLIENTS: usize = 1000;
    const EVENTS: usize = 20;
    let harness = Harness::start().await;
    let mut clients = Vec::with_capacity(CLIENTS);
    let mut logins = JoinSet::new();
    for _ in 0..CLIENTS {
        let addr = harness.addr;
        logins.spawn(async move {
            let mut client = Client::connect(addr).await;
            let session = client.login(USER, PASSWORD).await;
            let cross_ref = client.monitor("201").await;
            (client, session, cross_ref)
        });
    }
    while let Some(joined) = logins.join_next().await {
        clients.push(joined.unwrap());
    }
    assert_eq!(harness.hub.stats().await.attached_sessions, CLIENTS);
    for i in 0..EVENTS {
        harness.event(LINE, &format!("ev-{i}")).await;
    }
    let mut readers = JoinSet::new();
    for (mut client, session, _) in clients {
        readers.spawn(async move {
            let mut last = 0;
            for i in 0..EVENTS {
                let event = client.next_event().await;
                assert_eq!(event.call(), format!("ev-{i}"));
                assert!(event.seq() > last);
                last = event.seq();
            }
            let invoke = client.invoke();
            client.send(invoke, &stop_session(&session)).await;
            let rest = client.until_closed().await;
            assert_eq!(rest.len(), 1, "{rest:?}");
            assert_eq!(rest[0].name(), "StopApplicationSessionPosResponse");
        });
    }
    while let Some(joined) = readers.join_next().await {
        joined.unwrap();
    }
    harness
        .until_stats("every session to be closed", |s| {
            s.attached_sessions == 0 && s.detached_sessions == 0 && s.monitored_lines == 0
        })
        .await;
    let seen = harness
        .until_seen("the monitor to stop", |s| {
            s.contains(&Seen::MonitorStop(LINE.into()))
        })
        .await;
    assert_eq!(
        seen,
        vec![
            Seen::MonitorStart(LINE.into()),
            Seen::MonitorStop(LINE.into())
        ]
    );
    assert!(harness.listener.latency().count() >= (CLIENTS * EVENTS) as u64);
}

/// Long call IDs make big frames, so the sleeper's socket buffers fill sooner.
fn call_id(i: usize) -> String {
    format!("{i:0>16000}")
}

/// Whether a DeliveredEvent frame is the one of `call` (a plain search: the frames are big).
fn is_call(frame: &Frame, call: &str) -> bool {
    frame.xml.contains(&format!("<callID>{call}</callID>"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_cut_off_while_the_others_get_everything() {
    const CLIENTS: usize = 100;
    /// The link never runs more than WINDOW events ahead of the slowest reader, so no reader
    /// can fill its queue of 16, whatever the timing.
    const WINDOW: usize = 8;
    /// Events after the sleeper was cut off.
    const AFTER: usize = 20;
    const GIVE_UP: usize = 5000;
    let hub = HubSettings {
        outbox_capacity: 16,
        ..hub_settings()
    };
    let harness = Harness::start_with(hub, cti_settings()).await;
    // The sleeper asks for a small receive window so that its socket fills sooner.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(harness.addr).await.unwrap();
    let mut sleeper = Client::from_stream(stream);
    sleeper.login(USER, PASSWORD).await;
    sleeper.monitor("201").await;

    let mut ready = Vec::new();
    for _ in 0..CLIENTS {
        let (mut client, _) = harness.logged_in().await;
        client.monitor("201").await;
        ready.push(client);
    }
    let progress: Arc<Vec<AtomicUsize>> =
        Arc::new((0..CLIENTS).map(|_| AtomicUsize::new(0)).collect());
    let mut readers = JoinSet::new();
    for (index, mut client) in ready.into_iter().enumerate() {
        let progress = progress.clone();
        readers.spawn(async move {
            let mut received = 0;
            loop {
                let event = client.next_event().await;
                if is_call(&event, "end") {
                    return (client, received);
                }
                assert!(
                    is_call(&event, &call_id(received)),
                    "event {received} in order, none missing"
                );
                received += 1;
                progress[index].store(received, Ordering::Release);
            }
        });
    }
    // Events until the hub cut the sleeper off, then some more, then the end marker.
    let mut sent = 0;
    let mut cut_off_at = None;
    while cut_off_at.is_none_or(|at| sent < at + AFTER) {
        assert!(sent < GIVE_UP, "the sleeper was never cut off");
        let waiting = std::time::Instant::now();
        while progress
            .iter()
            .map(|p| p.load(Ordering::Acquire))
            .min()
            .unwrap_or(usize::MAX)
            .saturating_add(WINDOW)
            <= sent
        {
            // A reader that stops getting events (one that missed the first events after its
            // MonitorStartResponse, say) fails the test instead of hanging it.
            assert!(
                waiting.elapsed() < PATIENCE,
                "readers stalled at {sent} events sent: slowest has {:?}",
                progress.iter().map(|p| p.load(Ordering::Acquire)).min()
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        harness.event(LINE, &call_id(sent)).await;
        sent += 1;
        if cut_off_at.is_none() && sent % 10 == 0 {
            let stats = harness.hub.stats().await;
            if stats.detached_sessions == 1 {
                cut_off_at = Some(sent);
            }
        }
    }
    harness.event(LINE, "end").await;
    let mut clients = Vec::new();
    while let Some(joined) = readers.join_next().await {
        let (client, received) = joined.unwrap();
        assert_eq!(received, sent);
        clients.push(client);
    }
    // The sleeper's connection was closed by the server: its reads end after whatever its
    // socket still held, which is less than everything.
    let read = sleeper.drain_until_closed().await;
    assert!(read < sent, "the sleeper got {read} of {sent} events");
    let stats = harness.hub.stats().await;
    assert_eq!(stats.attached_sessions, CLIENTS, "{stats:?}");
    assert_eq!(stats.detached_sessions, 1, "cut off, kept for resuming");
    for client in &mut clients {
        assert!(client.no_pending_event().await);
    }
}
