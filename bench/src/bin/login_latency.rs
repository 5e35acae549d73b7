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

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use callboard_bench::{Client, PASSWORD, fill_store, login_name, ms, percentile, start_server};
use callboard_core::passwords::{Credentials, PasswordPolicy};
use callboard_store::Store;
use clap::Parser;
use csta_proto::CstaMessage;

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

/// One login and logout; returns the time from connect to the PosResponse.
async fn login_once(address: SocketAddr, user: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let mut client = Client::connect(address).await?;
    let session_id = client.login(user).await?;
    let took = started.elapsed();
    let stop: CstaMessage = csta_proto::StopApplicationSession {
        session_id,
        ..Default::default()
    }
    .into();
    client.send(&stop).await?;
    Ok(took)
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

    let (_server, address) = start_server(
        &args.callboard,
        dir.path(),
        &store_url,
        (policy.memory_kib, policy.iterations),
        false,
    )
    .await?;

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
