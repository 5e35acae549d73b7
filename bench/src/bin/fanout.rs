//! Fan-out benchmark (issue #3): the demo switch produces call events on a few lines, N CSTA
//! clients (raw TCP, real listener, in this process) monitor every one of those lines, and we
//! measure the deliveries per second the clients actually read and the latency from the link's
//! event to the write on each client's socket (the listener's own histogram).
//!
//!     ulimit -n 65536   # two sockets per client live in this process
//!     cargo run --release -p callboard-bench --bin fanout -- --clients 10000
//!
//! See `bench/fanout.sh` and docs/PERFORMANCE.md.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::BytesMut;
use callboard_core::{Hub, HubSettings};
use callboard_cti::{ClientAccount, CtiListener, CtiSettings};
use callboard_net::{CancellationToken, ListenerLimits};
use callboard_sim::{SimSettings, Simulator};
use clap::Parser;
use csta_proto::{CstaMessage, FrameDecoder, encode_frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Command-line options.
#[derive(Debug, Parser)]
struct Args {
    /// CSTA clients, each monitoring every simulated line.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// Simulated lines (numbers from 201).
    #[arg(long, default_value_t = 10)]
    lines: usize,
    /// Calls per minute the simulated lines make.
    #[arg(long, default_value_t = 6000.0)]
    calls_per_minute: f64,
    /// Factor on every simulated duration (0.01 = a hundred times faster calls).
    #[arg(long, default_value_t = 0.01)]
    time_scale: f64,
    /// Seconds of traffic before measuring.
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// Seconds measured.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Subscribe hub sessions directly (no TCP, no listener): measures the hub's fan-out
    /// alone, latency taken when a session's task receives the event.
    #[arg(long)]
    direct: bool,
    /// Run the clients in a child process (needed above ~9,000 clients, since each client
    /// costs two file descriptors when both ends live in one process).
    #[arg(long)]
    child_clients: bool,
    /// Internal: be the child that runs the clients against this address.
    #[arg(long, hide = true)]
    clients_of: Option<std::net::SocketAddr>,
}

const USER: &str = "bench";
const PASSWORD: &str = "bench-password";

fn frame(invoke: u16, message: &CstaMessage) -> anyhow::Result<bytes::Bytes> {
    let xml = csta_proto::encode(message, csta_proto::Edition::Ed5);
    Ok(encode_frame(invoke, xml.as_bytes())?)
}

async fn read_frame(
    stream: &mut TcpStream,
    decoder: &mut FrameDecoder,
    buf: &mut BytesMut,
) -> anyhow::Result<csta_proto::CstaFrame> {
    loop {
        if let Some(frame) = decoder.decode(buf)? {
            return Ok(frame);
        }
        if stream.read_buf(buf).await? == 0 {
            bail!("connection closed");
        }
    }
}

/// Logs in and monitors every line; returns the stream ready to read events.
async fn connect_client(
    address: std::net::SocketAddr,
    lines: &[String],
) -> anyhow::Result<(TcpStream, FrameDecoder, BytesMut)> {
    let mut stream = TcpStream::connect(address).await?;
    let mut decoder = FrameDecoder::new();
    let mut buf = BytesMut::with_capacity(16 * 1024);
    let login: CstaMessage = csta_proto::StartApplicationSession {
        application_info: csta_proto::ApplicationInfo {
            application_id: Some("fanout-bench".into()),
            application_specific_info: Some(csta_proto::SessionLoginInfo {
                user_name: Some(USER.into()),
                password: Some(PASSWORD.into()),
                ..Default::default()
            }),
        },
        ..Default::default()
    }
    .into();
    stream.write_all(&frame(1, &login)?).await?;
    let answer = read_frame(&mut stream, &mut decoder, &mut buf).await?;
    let decoded = csta_proto::decode(&answer.xml)?;
    if decoded.message.name() != "StartApplicationSessionPosResponse" {
        bail!("login refused: {}", decoded.message.name());
    }
    for (i, line) in lines.iter().enumerate() {
        let invoke = 2 + i as u16;
        let start: CstaMessage = csta_proto::MonitorStart {
            monitor_object: csta_proto::MonitorObject::Device(csta_proto::DeviceId::new(
                line.clone(),
            )),
            ..Default::default()
        }
        .into();
        stream.write_all(&frame(invoke, &start)?).await?;
        loop {
            let answer = read_frame(&mut stream, &mut decoder, &mut buf).await?;
            if answer.invoke_id == invoke {
                let decoded = csta_proto::decode(&answer.xml)?;
                if decoded.message.name() != "MonitorStartResponse" {
                    bail!("MonitorStart refused: {:?}", decoded.message);
                }
                break;
            }
        }
    }
    Ok((stream, decoder, buf))
}

/// Counts event frames until the connection closes.
async fn count_events(
    mut stream: TcpStream,
    mut decoder: FrameDecoder,
    mut buf: BytesMut,
    counter: Arc<AtomicU64>,
) {
    loop {
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(_)) => {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let lines: Vec<String> = (0..args.lines).map(|i| (201 + i).to_string()).collect();
    if let Some(address) = args.clients_of {
        return client_process(address, args.clients, &lines).await;
    }
    let hub = Hub::start(HubSettings {
        // Generous: the benchmark measures throughput, not the slow-client cut-off.
        outbox_capacity: 100_000,
        ..HubSettings::default()
    });
    let simulator = Simulator::start(
        &hub,
        SimSettings {
            lines: lines.clone(),
            calls_per_minute: 0.0,
            seed: 42,
            time_scale: args.time_scale,
            ..SimSettings::default()
        },
    );
    simulator.ready().await;
    let cti = CtiListener::new(
        hub.clone(),
        CtiSettings {
            accounts: vec![ClientAccount::new(USER, PASSWORD)],
            ..CtiSettings::default()
        },
    );
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let serving = {
        let cti = cti.clone();
        let token = shutdown.clone();
        tokio::spawn(callboard_net::serve(
            "cti.bench",
            listener,
            None,
            ListenerLimits {
                max_connections: args.clients + 100,
                ..ListenerLimits::default()
            },
            shutdown.clone(),
            move |connection| {
                let cti = cti.clone();
                let token = token.clone();
                async move { cti.serve_connection(connection, token).await }
            },
        ))
    };

    if args.direct {
        return direct(&args, &hub, &simulator, &lines).await;
    }
    if args.child_clients {
        return with_child_clients(&args, &hub, &simulator, &cti, address, lines.len()).await;
    }
    let started = Instant::now();
    let counter = Arc::new(AtomicU64::new(0));
    let connecting = Arc::new(Semaphore::new(200));
    let mut setups = Vec::with_capacity(args.clients);
    for _ in 0..args.clients {
        let lines = lines.clone();
        let connecting = connecting.clone();
        setups.push(tokio::spawn(async move {
            let _permit = connecting.acquire().await;
            connect_client(address, &lines).await
        }));
    }
    let mut readers = Vec::with_capacity(args.clients);
    for setup in setups {
        let (stream, decoder, buf) = setup.await?.context("client set-up")?;
        readers.push(tokio::spawn(count_events(
            stream,
            decoder,
            buf,
            counter.clone(),
        )));
    }
    let setup_time = started.elapsed();
    println!(
        "{} clients logged in and monitoring {} lines in {:.1} s",
        args.clients,
        lines.len(),
        setup_time.as_secs_f64()
    );

    simulator.set_calls_per_minute(args.calls_per_minute);
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    let latency = cti.latency();
    latency.reset();
    let seq_before = hub.stats().await.last_seq;
    let count_before = counter.load(Ordering::Relaxed);
    let measure_start = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    let elapsed = measure_start.elapsed().as_secs_f64();
    let delivered = counter.load(Ordering::Relaxed) - count_before;
    let events = hub.stats().await.last_seq - seq_before;
    let p50 = latency.quantile(0.50);
    let p99 = latency.quantile(0.99);
    let max = latency.max();
    println!(
        "clients={} lines={} events={} ({:.0}/s) deliveries_read={} ({:.0}/s) latency_p50={:.2}ms p99={:.2}ms max={:.2}ms samples={}",
        args.clients,
        lines.len(),
        events,
        events as f64 / elapsed,
        delivered,
        delivered as f64 / elapsed,
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0,
        latency.count()
    );
    let stats = hub.stats().await;
    if stats.detached_sessions > 0 {
        println!(
            "warning: {} clients were cut off (too slow)",
            stats.detached_sessions
        );
    }
    simulator.stop();
    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(10), serving).await;
    for reader in readers {
        reader.abort();
    }
    Ok(())
}

/// The hub alone: sessions opened in-process, each drained by its own task.
async fn direct(
    args: &Args,
    hub: &Hub,
    simulator: &callboard_sim::SimHandle,
    lines: &[String],
) -> anyhow::Result<()> {
    let latency = Arc::new(callboard_cti::DeliveryLatency::default());
    let counter = Arc::new(AtomicU64::new(0));
    for i in 0..args.clients {
        let Some(mut attachment) = hub
            .open_session(&format!("client{i}"), callboard_core::Access::Unrestricted)
            .await
        else {
            bail!("hub stopped");
        };
        for line in lines {
            hub.monitor_start(&attachment.session_id, line)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
        let latency = latency.clone();
        let counter = counter.clone();
        tokio::spawn(async move {
            while let Some(delivery) = attachment.events.recv().await {
                latency.record(delivery.at.elapsed());
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    simulator.set_calls_per_minute(args.calls_per_minute);
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    latency.reset();
    let before = counter.load(Ordering::Relaxed);
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    let delivered = counter.load(Ordering::Relaxed) - before;
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "direct: clients={} deliveries={:.0}/s latency_p50={:.2}ms p99={:.2}ms max={:.2}ms",
        args.clients,
        delivered as f64 / elapsed,
        latency.quantile(0.5).as_secs_f64() * 1000.0,
        latency.quantile(0.99).as_secs_f64() * 1000.0,
        latency.max().as_secs_f64() * 1000.0,
    );
    simulator.stop();
    Ok(())
}

/// Connects `clients` clients, then prints the running total of events read once a second.
async fn client_process(
    address: std::net::SocketAddr,
    clients: usize,
    lines: &[String],
) -> anyhow::Result<()> {
    let counter = Arc::new(AtomicU64::new(0));
    let connecting = Arc::new(Semaphore::new(200));
    let mut setups = Vec::with_capacity(clients);
    for _ in 0..clients {
        let lines = lines.to_vec();
        let connecting = connecting.clone();
        setups.push(tokio::spawn(async move {
            let _permit = connecting.acquire().await;
            connect_client(address, &lines).await
        }));
    }
    for setup in setups {
        let (stream, decoder, buf) = setup.await?.context("client set-up")?;
        tokio::spawn(count_events(stream, decoder, buf, counter.clone()));
    }
    println!("ready");
    loop {
        println!("count {}", counter.load(Ordering::Relaxed));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs the clients in a child process and reads its counts.
async fn with_child_clients(
    args: &Args,
    hub: &Hub,
    simulator: &callboard_sim::SimHandle,
    cti: &CtiListener,
    address: std::net::SocketAddr,
    lines: usize,
) -> anyhow::Result<()> {
    use tokio::io::AsyncBufReadExt;
    let started = Instant::now();
    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args(["--clients-of", &address.to_string()])
        .args(["--clients", &args.clients.to_string()])
        .args(["--lines", &lines.to_string()])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("child stdout")?;
    let mut out = tokio::io::BufReader::new(stdout).lines();
    let latest = Arc::new(AtomicU64::new(0));
    loop {
        match out.next_line().await? {
            Some(line) if line == "ready" => break,
            Some(_) => {}
            None => bail!("the client process ended early"),
        }
    }
    println!(
        "{} clients (child process) logged in and monitoring {} lines in {:.1} s",
        args.clients,
        lines,
        started.elapsed().as_secs_f64()
    );
    {
        let latest = latest.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = out.next_line().await {
                if let Some(n) = line.strip_prefix("count ").and_then(|n| n.parse().ok()) {
                    latest.store(n, Ordering::Relaxed);
                }
            }
        });
    }
    simulator.set_calls_per_minute(args.calls_per_minute);
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    let latency = cti.latency();
    latency.reset();
    let seq_before = hub.stats().await.last_seq;
    let count_before = latest.load(Ordering::Relaxed);
    let measure_start = Instant::now();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    let elapsed = measure_start.elapsed().as_secs_f64();
    let delivered = latest.load(Ordering::Relaxed) - count_before;
    let events = hub.stats().await.last_seq - seq_before;
    println!(
        "clients={} lines={} events={} ({:.0}/s) deliveries_read={} ({:.0}/s, counted every 200 ms) latency_p50={:.2}ms p99={:.2}ms max={:.2}ms samples={}",
        args.clients,
        lines,
        events,
        events as f64 / elapsed,
        delivered,
        delivered as f64 / elapsed,
        latency.quantile(0.50).as_secs_f64() * 1000.0,
        latency.quantile(0.99).as_secs_f64() * 1000.0,
        latency.max().as_secs_f64() * 1000.0,
        latency.count()
    );
    let stats = hub.stats().await;
    if stats.detached_sessions > 0 {
        println!(
            "warning: {} clients were cut off (too slow)",
            stats.detached_sessions
        );
    }
    simulator.stop();
    let _ = child.kill().await;
    Ok(())
}
