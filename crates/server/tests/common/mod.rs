//! Shared harness of the end-to-end tests: starts the real `callboard` binary on free loopback
//! ports with a throw-away data directory, runs SIPp as phones, and reads the inventory through
//! the CLI, as an operator would.
#![allow(dead_code)] // each test binary uses a different part of the harness

use std::fs::File;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The phone password every test server uses.
pub const PASSWORD: &str = "test-phone-secret";
/// The CTI client account every test server has.
pub const CLIENT: (&str, &str) = ("test-client", "test-client-secret");

/// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running callboard server.
pub struct Server {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub sip_tcp: u16,
    pub sip_tls: u16,
    pub cti_tcp: u16,
    env: Vec<(String, String)>,
    starts: u32,
}

impl Server {
    /// Starts a server with the test password, keepalive 1 s and the given extra environment.
    pub fn start(extra_env: &[(&str, &str)]) -> Server {
        let sip_tcp = free_port();
        let sip_tls = free_port();
        let cti_tcp = free_port();
        let mut env: Vec<(String, String)> = vec![
            (
                "CALLBOARD_SIP__TCP_LISTEN".into(),
                format!("127.0.0.1:{sip_tcp}"),
            ),
            (
                "CALLBOARD_SIP__TLS_LISTEN".into(),
                format!("127.0.0.1:{sip_tls}"),
            ),
            ("CALLBOARD_SIP__PHONE_PASSWORD".into(), PASSWORD.into()),
            ("CALLBOARD_SIP__KEEPALIVE".into(), "1".into()),
            (
                "CALLBOARD_CTI__TCP_LISTEN".into(),
                format!("127.0.0.1:{cti_tcp}"),
            ),
            (
                "CALLBOARD_CTI__ACCOUNTS".into(),
                format!("[{{name=\"{}\", password=\"{}\"}}]", CLIENT.0, CLIENT.1),
            ),
            (
                "CALLBOARD_LOG__LEVEL".into(),
                "info,callboard_phones=debug".into(),
            ),
        ];
        for (k, v) in extra_env {
            env.retain(|(key, _)| key != k);
            env.push((k.to_string(), v.to_string()));
        }
        let mut server = Server {
            child: None,
            dir: tempfile::tempdir().unwrap(),
            sip_tcp,
            sip_tls,
            cti_tcp,
            env,
            starts: 0,
        };
        server.spawn();
        server
    }

    /// Starts a server with the demo switch (`serve --demo`).
    pub fn start_demo(extra_env: &[(&str, &str)]) -> Server {
        let mut env = vec![("CALLBOARD_DEMO__ENABLED", "true")];
        env.extend_from_slice(extra_env);
        Server::start(&env)
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join(format!("server-{}.log", self.starts))
    }

    fn spawn(&mut self) {
        self.starts += 1;
        let log = File::create(self.log_path()).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_callboard"))
            .arg("serve")
            .arg("--data-dir")
            .arg(self.data_dir())
            .current_dir(self.dir.path())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.sip_tcp)).is_err()
            || TcpStream::connect(("127.0.0.1", self.cti_tcp)).is_err()
        {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("server exited with {status}:\n{}", self.log());
            }
            assert!(
                Instant::now() < deadline,
                "server did not start:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server with SIGTERM and waits for it.
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("server running");
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("server did not stop on SIGTERM:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops and starts the server on the same data directory and ports.
    pub fn restart(&mut self) {
        let status = self.stop();
        assert!(status.success(), "server exited with {status}");
        self.spawn();
    }

    /// Everything the server logged since its last start.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Runs `callboard <args> --data-dir <dir>` with the server's environment.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_callboard"))
            .args(args)
            .arg("--data-dir")
            .arg(self.data_dir())
            .current_dir(self.dir.path())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .unwrap()
    }

    /// The inventory, from `callboard phones list --format json`.
    pub fn phones(&self) -> Vec<Value> {
        let output = self.cli(&["phones", "list", "--format", "json"]);
        assert!(
            output.status.success(),
            "phones list failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }

    /// One phone of the inventory.
    pub fn phone(&self, mac: &str) -> Option<Value> {
        self.phones().into_iter().find(|p| p["mac"] == mac)
    }

    /// Polls the inventory until `check` holds for phone `mac`; panics with the log otherwise.
    pub fn wait_for_phone(&self, mac: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(phone) = self.phone(mac) {
                if check(&phone) {
                    return phone;
                }
                if Instant::now() > deadline {
                    panic!(
                        "phone {mac} never became {what}; last: {phone:#}\n{}",
                        self.log()
                    );
                }
            } else if Instant::now() > deadline {
                panic!("phone {mac} never appeared ({what})\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the server log contains `text`.
    pub fn wait_for_log(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.log().contains(text) {
            assert!(
                Instant::now() < deadline,
                "log never said `{text}`:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Status of phone JSON.
pub fn status(phone: &Value) -> &str {
    phone["status"].as_str().unwrap_or("")
}

/// How a SIPp phone behaves.
pub struct PhoneSpec<'a> {
    pub mac: &'a str,
    pub password: &'a str,
    pub user_agent: &'a str,
    /// Milliseconds the phone stays registered before de-registering.
    pub hold_ms: u64,
    /// Keepalives answered before the phone hangs.
    pub keepalive_limit: u32,
    /// Main scenario file name.
    pub scenario: &'a str,
    /// Out-of-call scenario file name.
    pub csta_scenario: &'a str,
}

impl<'a> PhoneSpec<'a> {
    /// A snom D785 that registers and serves its CSTA dialog.
    pub fn snom(mac: &'a str) -> Self {
        PhoneSpec {
            mac,
            password: PASSWORD,
            user_agent: "snomD785/10.1.54.13",
            hold_ms: 3000,
            keepalive_limit: 1_000_000,
            scenario: "phone_register.xml",
            csta_scenario: "phone_csta.xml",
        }
    }

    /// A phone that must be refused with 403 after authenticating.
    pub fn refused(mac: &'a str, password: &'a str) -> Self {
        PhoneSpec {
            password,
            scenario: "phone_refused.xml",
            csta_scenario: "phone_unexpected.xml",
            ..PhoneSpec::snom(mac)
        }
    }
}

/// A running SIPp phone.
pub struct Phone {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
}

fn require_sipp() {
    let found = Command::new("sipp").arg("-v").output().is_ok();
    assert!(
        found,
        "sipp is not installed: run scripts/test.sh (it installs sip-tester)"
    );
}

impl Phone {
    /// Starts SIPp playing `spec` against `127.0.0.1:port`.
    pub fn start(port: u16, spec: &PhoneSpec) -> Phone {
        require_sipp();
        let dir = tempfile::tempdir().unwrap();
        let scenarios = repo_root().join("tests/peers/sipp");
        for name in [spec.scenario, spec.csta_scenario] {
            let text = std::fs::read_to_string(scenarios.join(name)).unwrap();
            let text = text.replace("KEEPALIVE_LIMIT", &spec.keepalive_limit.to_string());
            File::create(dir.path().join(name))
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        let child = Command::new("sipp")
            .arg(format!("127.0.0.1:{port}"))
            .args(["-sf", spec.scenario, "-oocsf", spec.csta_scenario])
            .args([
                "-t",
                "t1",
                "-i",
                "127.0.0.1",
                "-p",
                &free_port().to_string(),
            ])
            .args([
                "-s",
                &spec.mac.replace([':', '-'], ""),
                "-au",
                spec.mac,
                "-ap",
                spec.password,
            ])
            .args(["-key", "ua", spec.user_agent])
            .args([
                "-key",
                "line1",
                "201",
                "-key",
                "line2",
                "202",
                "-key",
                "host",
                "pbx.example",
            ])
            .args([
                "-d",
                &spec.hold_ms.to_string(),
                "-m",
                "1",
                "-timeout",
                "40s",
            ])
            .args(["-nostdin", "-trace_err", "-trace_logs", "-trace_msg"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Phone {
            child: Some(child),
            dir,
        }
    }

    /// Waits for SIPp to finish; returns whether all its calls succeeded.
    pub fn wait(&mut self) -> bool {
        let mut child = self.child.take().expect("sipp running");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills SIPp at once: the phone's TCP connection closes without a de-registration.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// What the scenario logged (`<log>` actions), plus errors and messages.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with("_logs.log")
                || name.ends_with("_errors.log")
                || name.ends_with("_messages.log")
            {
                out.push_str(&format!("==== {name}\n"));
                out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
        out
    }

    /// Only the `<log>` lines of the scenarios.
    pub fn scenario_log(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with("_logs.log") {
                out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
        out
    }
}

impl Drop for Phone {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fresh PostgreSQL database on `CALLBOARD_TEST_POSTGRES_URL` (started by scripts/test.sh);
/// None (after saying so) when no server is configured and it is not required.
pub fn fresh_postgres_database(test: &str) -> Option<String> {
    let Some(admin_url) = std::env::var("CALLBOARD_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        if std::env::var("CALLBOARD_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
            panic!("{test}: CALLBOARD_TEST_POSTGRES_URL is not set but PostgreSQL is required");
        }
        eprintln!("SKIPPED {test}: set CALLBOARD_TEST_POSTGRES_URL (scripts/test.sh does)");
        return None;
    };
    let name = format!("e2e_{}_{}", std::process::id(), free_port());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
    });
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    Some(format!("{base}/{name}"))
}
