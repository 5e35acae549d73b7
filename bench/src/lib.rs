//! What the directory benchmarks share: a store filled with users, a real `callboard serve`
//! started on it, and a small CSTA client over TCP.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::BytesMut;
use callboard_core::directory::User;
use callboard_core::passwords::Credentials;
use callboard_store::{NewUser, Store};
use csta_proto::{CstaFrame, CstaMessage, FrameDecoder, encode_frame};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The password of every generated user.
pub const PASSWORD: &str = "bench-login-password";

/// The login of generated user `i`.
pub fn login_name(i: usize) -> String {
    format!("user{i:06}")
}

/// A free TCP port on the loopback.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(StdListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Fills the store with `count` users in batches, every one with the same password hash (one
/// argon2 computation instead of 100,000), business numbers 1000000+i.
pub async fn fill_store(store: &Store, count: usize, hash: &str) -> anyhow::Result<()> {
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

/// A `callboard serve` child process, killed when dropped however the benchmark ends.
pub struct Server(tokio::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
    }
}

/// Starts `callboard` (`serve`, plus `--demo` when asked) in `dir` on `store_url` with the
/// given argon2 cost; returns it and its CSTA address once it listens.
pub async fn start_server(
    callboard: &Path,
    dir: &Path,
    store_url: &str,
    argon2: (u32, u32),
    demo: bool,
) -> anyhow::Result<(Server, SocketAddr)> {
    let sip_port = free_port()?;
    let cti_port = free_port()?;
    let config = dir.join("callboard.toml");
    std::fs::write(
        &config,
        format!(
            "[sip]\ntcp_listen = \"127.0.0.1:{sip_port}\"\ntls_listen = \"\"\n\n\
             [store]\nurl = \"{store_url}\"\n\n\
             [cti]\ntcp_listen = \"127.0.0.1:{cti_port}\"\n\n\
             [directory]\nargon2_memory_kib = {}\nargon2_iterations = {}\n\n\
             [demo]\ncalls_per_minute = 0\n\n\
             [log]\nlevel = \"warn\"\n",
            argon2.0, argon2.1
        ),
    )?;
    let callboard = std::fs::canonicalize(callboard).with_context(|| {
        format!(
            "{} (build it with cargo build --release)",
            callboard.display()
        )
    })?;
    let mut command = tokio::process::Command::new(&callboard);
    command.arg("--config").arg(&config).arg("serve");
    if demo {
        command.arg("--demo");
    }
    let child = command
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", callboard.display()))?;
    let server = Server(child);
    let address: SocketAddr = ([127, 0, 0, 1], cti_port).into();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(address).await.is_err() {
        if Instant::now() > deadline {
            bail!("callboard did not listen on {address} within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok((server, address))
}

/// A CSTA client connection.
pub struct Client {
    stream: TcpStream,
    decoder: FrameDecoder,
    buf: BytesMut,
    next_invoke: u16,
}

impl Client {
    /// Connects to `address`.
    pub async fn connect(address: SocketAddr) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Client {
            stream,
            decoder: FrameDecoder::new(),
            buf: BytesMut::with_capacity(4096),
            next_invoke: 1,
        })
    }

    /// Sends a message with the next invoke ID; returns that ID.
    pub async fn send(&mut self, message: &CstaMessage) -> anyhow::Result<u16> {
        let invoke = self.next_invoke;
        self.next_invoke = self.next_invoke % 9998 + 1;
        let xml = csta_proto::encode(message, csta_proto::Edition::Ed5);
        self.stream
            .write_all(&encode_frame(invoke, xml.as_bytes())?)
            .await?;
        Ok(invoke)
    }

    /// The next frame the server sends.
    pub async fn next_frame(&mut self) -> anyhow::Result<CstaFrame> {
        loop {
            if let Some(frame) = self.decoder.decode(&mut self.buf)? {
                return Ok(frame);
            }
            if self.stream.read_buf(&mut self.buf).await? == 0 {
                bail!("the server closed the connection");
            }
        }
    }

    /// Sends a request and returns the decoded answer with its invoke ID (frames sent unasked
    /// meanwhile are skipped).
    pub async fn request(&mut self, message: &CstaMessage) -> anyhow::Result<CstaMessage> {
        let invoke = self.send(message).await?;
        loop {
            let frame = self.next_frame().await?;
            if frame.invoke_id == invoke {
                return Ok(csta_proto::decode(&frame.xml)?.message);
            }
        }
    }

    /// Logs in as `user` with [`PASSWORD`]; returns the session ID.
    pub async fn login(&mut self, user: &str) -> anyhow::Result<String> {
        let login: CstaMessage = csta_proto::StartApplicationSession {
            application_info: csta_proto::ApplicationInfo {
                application_id: Some("callboard-bench".into()),
                application_specific_info: Some(csta_proto::SessionLoginInfo {
                    user_name: Some(user.into()),
                    password: Some(PASSWORD.into()),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }
        .into();
        match self.request(&login).await? {
            CstaMessage::StartApplicationSessionPosResponse(pos) => Ok(pos.session_id),
            other => bail!("login of {user} refused: {other:?}"),
        }
    }
}

/// The `p` quantile (0–1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
