//! Live rights benchmark (CL5): a store with N users, a real `callboard serve --demo`, S of the
//! users logged in over TCP, each watching line 205 through a group that grants it. The group
//! is deleted in the store (as the CLI or a directory sync would); the server notices the new
//! directory revision (it looks every second), works out the rights of every logged-in session
//! again and sends each a `MonitorStop`. Reports the time from the deletion to the first and the
//! last `MonitorStop` read by the clients; the spread between them is the re-evaluation of S
//! sessions (the first includes up to one second of the revision check's interval).
//!
//!     cargo build --release -p callboard -p callboard-bench
//!     target/release/live_rights --users 100000 --sessions 1000

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use callboard_bench::{Client, PASSWORD, fill_store, login_name, ms, percentile, start_server};
use callboard_core::directory::{Group, GroupProfile};
use callboard_core::passwords::PasswordPolicy;
use callboard_store::Store;
use clap::Parser;
use csta_proto::{CstaMessage, DeviceId, MonitorObject, MonitorStart};

/// Command-line options.
#[derive(Debug, Parser)]
struct Args {
    /// Users in the store.
    #[arg(long, default_value_t = 100_000)]
    users: usize,
    /// Users logged in, each watching the group line.
    #[arg(long, default_value_t = 1000)]
    sessions: usize,
    /// The callboard binary.
    #[arg(long, default_value = "target/release/callboard")]
    callboard: PathBuf,
    /// Store URL (default: SQLite in a temp dir). A PostgreSQL URL must name an empty database.
    #[arg(long)]
    store: Option<String>,
}

/// The demo line the group grants.
const GROUP_LINE: &str = "205";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.sessions > args.users {
        bail!("--sessions must not exceed --users");
    }
    let dir = tempfile::tempdir()?;
    let store_url = args
        .store
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/callboard.db", dir.path().display()));
    // A trivial argon2 cost: the logins are set-up here, not what is measured.
    let policy = PasswordPolicy {
        memory_kib: 64,
        iterations: 1,
        ..PasswordPolicy::default()
    };
    let store = Store::open(&store_url).await.context("opening the store")?;
    fill_store(&store, args.users, &policy.hash(PASSWORD)?).await?;
    let group = Group {
        name: "watchers".into(),
        profile: GroupProfile {
            line: Some(GROUP_LINE.into()),
            line_access: callboard_core::rights::bits::LINEACCESS_NUMBERSIN,
            ..GroupProfile::default()
        },
        members: (0..args.sessions).map(login_name).collect(),
        source: Default::default(),
        external_id: None,
    };
    store.save_group(&group, 0).await?;
    let (_server, address) = start_server(
        &args.callboard,
        dir.path(),
        &store_url,
        (policy.memory_kib, policy.iterations),
        true,
    )
    .await?;

    let started = Instant::now();
    let mut clients = Vec::with_capacity(args.sessions);
    for i in 0..args.sessions {
        let mut client = Client::connect(address).await?;
        client.login(&login_name(i)).await?;
        let watch: CstaMessage = MonitorStart {
            monitor_object: MonitorObject::Device(DeviceId::new(GROUP_LINE)),
            ..Default::default()
        }
        .into();
        match client.request(&watch).await? {
            CstaMessage::MonitorStartResponse(_) => {}
            other => bail!("MonitorStart of {} refused: {other:?}", login_name(i)),
        }
        clients.push(client);
    }
    println!(
        "{} users, {} logged in and watching line {GROUP_LINE} in {:.1} s",
        args.users,
        args.sessions,
        started.elapsed().as_secs_f64()
    );

    let deleted = Instant::now();
    let waiters: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            tokio::spawn(async move {
                loop {
                    let frame = client.next_frame().await?;
                    if let CstaMessage::MonitorStop(_) = csta_proto::decode(&frame.xml)?.message {
                        return anyhow::Ok(deleted.elapsed());
                    }
                }
            })
        })
        .collect();
    store.delete_group("watchers").await?;
    let mut times = Vec::with_capacity(waiters.len());
    for waiter in waiters {
        times.push(
            tokio::time::timeout(Duration::from_secs(120), waiter)
                .await
                .context("no MonitorStop within 120 s")???,
        );
    }
    times.sort();
    let first = times[0];
    let last = *times.last().context("no sessions")?;
    println!(
        "group deleted: MonitorStop to {} sessions after {:.0} ms (first), {:.0} ms (p50), {:.0} ms (last); re-evaluation spread {:.0} ms = {:.0} µs per session",
        times.len(),
        ms(first),
        ms(percentile(&times, 0.5)),
        ms(last),
        ms(last - first),
        (last - first).as_secs_f64() * 1e6 / times.len() as f64
    );
    Ok(())
}
