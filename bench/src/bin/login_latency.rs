//! Login latency benchmark (issue #4): a store with N users (100,000 by default), a real
//! `callboard serve` started on it, and M ECMA-354 logins over TCP (connect, StartApplicationSession
//! with user name and password, PosResponse, StopApplicationSession), one after the other or a
//! few in parallel. Reports p50 / p99 / max of connect-to-PosResponse, and the cost of one argon2id
//! verification with the server's parameters, measured alone in this process.
//!
//!     cargo build --release -p callboard -p callboard-bench
//!     target/release/login_latency --users 100000 --logins 2000
//!
//! See `bench/login_latency.sh` and docs/PERFORMANCE.md.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::BytesMut;
use callboard_core::directory::User;
use callboard_core::passwords::{Credentials, PasswordPolicy};
use callboard_store::{NewUser, Store};
use clap::Parser;
use csta_proto::{CstaMessage, FrameDecoder, encode_frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Command-line options.
#[derive(Debug, Parser)]
struct Args {
    /// Users in the store.
    #[arg(long, default_value_t = 100_000)]
    users: usize,
    /// Logins measured.
    #[arg(long, default_value_t = 2000)]
    logins: usize,
    /// Logins in flight at once.
    #[arg(long, default_value_t = 1)]
    parallel: usize,
    /// Logins before measuring (not counted).
    #[arg(long, default_value_t = 50)]
    warmup: usize,
    /// Pause between two logins of one client, in milliseconds (0: back to back). Above five
    /// seconds every login meets a rights model older than its cache time.
    #[arg(long, default_value_t = 0)]
    pause_ms: u64,
    /// argon2id memory cost in KiB (the server's `[directory] argon2_memory_kib`).
    #[arg(long, default_value_t = PasswordPolicy::default().memory_kib)]
    argon2_memory_kib: u32,
    /// argon2id iterations (the server's `[directory] argon2_iterations`).
    #[arg(long, default_value_t = PasswordPolicy::default().iterations)]
    argon2_iterations: u32,
    /// The callboard binary.
    #[arg(long, default_value = "target/release/callboard")]
    callboard: PathBuf,
    /// Store URL (default: SQLite in a temp dir). A PostgreSQL URL must name an empty database.
    #[arg(long)]
    store: Option<String>,
}

const PASSWORD: &str = "bench-login-password";

fn login_name(i: usize) -> String {
    format!("user{i:06}")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(StdListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn frame(invoke: u16, message: &CstaMessage) -> anyhow::Result<bytes::Bytes> {
    let xml = csta_proto::encode(message, csta_proto::Edition::Ed5);
    Ok(encode_frame(invoke, xml.as_bytes())?)
}

/// Fills the store with `count` users in batches, every one with the same password hash (one
/// argon2 computation instead of 100,000), business numbers 1000000+i.
async fn fill_store(store: &Store, count: usize, hash: &str) -> anyhow::Result<()> {
    const BATCH: usize = 5000;
    let mut start = 0;
    while start < count {
        let end = (start + BATCH).min(count);
        let users: Vec<NewUser> = (start..end)
            .map(|i| {
                let mut user = User::new(login_name(i));
                user.profile.numbers.business = Some(format!("{}", 1_000_000 + i));
                user.profile.services = 776;
                NewUser {
                    user,
                    credentials: Credentials {
                        hash: Some(hash.to_owned()),
                        ..Default::default()
                    },
                }
            })
            .collect();
        store.add_users(&users, 0).await?;
        start = end;
    }
    Ok(())
}

/// One login and logout; returns the time from connect to the PosResponse.
async fn login_once(address: SocketAddr, user: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let login: CstaMessage = csta_proto::StartApplicationSession {
        application_info: csta_proto::ApplicationInfo {
            application_id: Some("login-bench".into()),
            application_specific_info: Some(csta_proto::SessionLoginInfo {
                user_name: Some(user.into()),
                password: Some(PASSWORD.into()),
                ..Default::default()
            }),
        },
        ..Default::default()
    }
    .into();
    stream.write_all(&frame(1, &login)?).await?;
    let mut decoder = FrameDecoder::new();
    let mut buf = BytesMut::with_capacity(4096);
    let answer = loop {
        if let Some(frame) = decoder.decode(&mut buf)? {
            break frame;
        }
        if stream.read_buf(&mut buf).await? == 0 {
            bail!("connection closed during login of {user}");
        }
    };
    let took = started.elapsed();
    let decoded = csta_proto::decode(&answer.xml)?;
    let CstaMessage::StartApplicationSessionPosResponse(pos) = decoded.message else {
        bail!("login of {user} refused: {:?}", decoded.message);
    };
    let stop: CstaMessage = csta_proto::StopApplicationSession {
        session_id: pos.session_id,
        ..Default::default()
    }
    .into();
    stream.write_all(&frame(2, &stop)?).await?;
    Ok(took)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Kills the server when the benchmark ends, however it ends.
struct Server(tokio::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let store_url = args
        .store
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/callboard.db", dir.path().display()));

    let policy = PasswordPolicy {
        memory_kib: args.argon2_memory_kib,
        iterations: args.argon2_iterations,
        ..PasswordPolicy::default()
    };
    let started = Instant::now();
    let hash = policy.hash(PASSWORD)?;
    let hash_took = started.elapsed();
    let mut verify_times = Vec::new();
    for _ in 0..100 {
        let mut credentials = Credentials {
            hash: Some(hash.clone()),
            ..Default::default()
        };
        let started = Instant::now();
        policy.check(&mut credentials, Some(PASSWORD), 0)?;
        verify_times.push(started.elapsed());
    }
    verify_times.sort();
    println!(
        "argon2id m={} KiB t={} p=1: hash {:.1} ms, verify p50 {:.1} ms, p99 {:.1} ms (this process, nothing else running)",
        policy.memory_kib,
        policy.iterations,
        ms(hash_took),
        ms(percentile(&verify_times, 0.5)),
        ms(percentile(&verify_times, 0.99))
    );

    let started = Instant::now();
    let store = Store::open(&store_url).await.context("opening the store")?;
    fill_store(&store, args.users, &hash).await?;
    drop(store);
    println!(
        "store: {} users written in {:.1} s",
        args.users,
        started.elapsed().as_secs_f64()
    );

    let sip_port = free_port()?;
    let cti_port = free_port()?;
    let config = dir.path().join("callboard.toml");
    std::fs::write(
        &config,
        format!(
            "[sip]\ntcp_listen = \"127.0.0.1:{sip_port}\"\ntls_listen = \"\"\n\n\
             [store]\nurl = \"{store_url}\"\n\n\
             [cti]\ntcp_listen = \"127.0.0.1:{cti_port}\"\n\n\
             [directory]\nargon2_memory_kib = {}\nargon2_iterations = {}\n\n\
             [log]\nlevel = \"warn\"\n",
            policy.memory_kib, policy.iterations
        ),
    )?;
    let callboard = std::fs::canonicalize(&args.callboard).with_context(|| {
        format!(
            "{} (build it with cargo build --release)",
            args.callboard.display()
        )
    })?;
    let child = tokio::process::Command::new(&callboard)
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", callboard.display()))?;
    let _server = Server(child);
    let address: SocketAddr = ([127, 0, 0, 1], cti_port).into();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(address).await.is_err() {
        if Instant::now() > deadline {
            bail!("callboard did not listen on {address} within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let started = Instant::now();
    let first = login_once(address, &login_name(0)).await?;
    println!(
        "first login (rights model built from the store): {:.1} ms",
        ms(first)
    );
    let _ = started;

    // logins spread over the whole user range, so no user's rows are hot in a cache
    let total = args.warmup + args.logins;
    let stride = (args.users / total.max(1)).max(1);
    let mut times = Vec::with_capacity(args.logins);
    let started = Instant::now();
    let mut handles = Vec::new();
    for worker in 0..args.parallel {
        let pause = Duration::from_millis(args.pause_ms);
        let users = args.users;
        let warmup = args.warmup;
        let parallel = args.parallel;
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            let mut i = worker;
            while i < total {
                let user = login_name((i * stride + 1) % users);
                let took = login_once(address, &user).await?;
                if i >= warmup {
                    mine.push(took);
                }
                i += parallel;
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
            anyhow::Ok(mine)
        }));
    }
    for handle in handles {
        times.extend(handle.await??);
    }
    let wall = started.elapsed();
    times.sort();
    println!(
        "{} logins ({} in parallel) with {} users in the store: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} logins/s",
        times.len(),
        args.parallel,
        args.users,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().context("no logins measured")?),
        total as f64 / wall.as_secs_f64()
    );
    Ok(())
}
