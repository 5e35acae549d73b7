//! The command line as an operator uses it: version, config example/check with per-key errors
//! and non-zero exit, and the inventory commands without a running server.

use std::process::{Command, Output};

fn callboard(args: &[&str], env: &[(&str, &str)], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(args)
        .current_dir(dir)
        .env_remove("CALLBOARD_CONFIG")
        .env_remove("CALLBOARD_DATA_DIR")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn version_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let out = callboard(&["--version"], &[], dir.path());
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout).trim(),
        format!("callboard {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_printed_example_is_a_valid_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = callboard(&["config", "example"], &[], dir.path());
    assert!(out.status.success());
    let example = text(&out.stdout);
    assert!(example.contains("[sip]") && example.contains("tcp_listen = \"0.0.0.0:5060\""));
    std::fs::write(dir.path().join("callboard.toml"), &example).unwrap();
    let out = callboard(&["config", "check"], &[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("configuration OK (callboard.toml)"));
    assert!(text(&out.stdout).contains("sip.phone_password is not set"));
}

#[test]
fn config_check_names_every_bad_key_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[sip]\nexpires = \"never\"\ntcp_listen = \"nowhere\"\n[log]\nlevel = \"shouting\"\n",
    )
    .unwrap();
    let out = callboard(
        &["config", "check", "--config", file.to_str().unwrap()],
        &[("CALLBOARD_SIP__KEEPALIVE", "often")],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("sip.expires"), "{err}");
    assert!(
        err.contains("sip.keepalive") && err.contains("CALLBOARD_SIP__KEEPALIVE"),
        "{err}"
    );
    // serve refuses the same configuration with the same messages.
    let out = callboard(
        &["serve", "--config", file.to_str().unwrap()],
        &[],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("sip.expires"));
}

#[test]
fn a_missing_config_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = callboard(
        &["config", "check", "--config", "nope.toml"],
        &[],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("nope.toml does not exist"));
}

#[test]
fn phones_can_be_commissioned_before_they_ever_register() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = callboard(&["phones", "list", "--data-dir", data], &[], dir.path());
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("no phones known yet"));
    let out = callboard(
        &["phones", "enable", "aa:bb:cc:dd:ee:ff", "--data-dir", data],
        &[],
        dir.path(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = callboard(
        &["phones", "list", "--format", "json", "--data-dir", data],
        &[],
        dir.path(),
    );
    let phones: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(phones[0]["mac"], "AABBCCDDEEFF");
    assert_eq!(phones[0]["status"], "offline");
    for key in [
        "vendor",
        "model",
        "last_address",
        "identities",
        "last_registration",
    ] {
        assert!(phones[0].get(key).is_some(), "{key} missing");
    }
    let out = callboard(
        &["phones", "disable", "not-a-mac", "--data-dir", data],
        &[],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("not a MAC address"));
}

#[test]
fn a_database_that_is_down_is_reported_at_once_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1 of the loopback: the connection is refused.
    let started = std::time::Instant::now();
    let out = callboard(
        &["user", "list"],
        &[(
            "CALLBOARD_STORE__URL",
            "postgres://callboard:secretpw@127.0.0.1:1/callboard",
        )],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("postgres://callboard:***@127.0.0.1:1/callboard"),
        "{err}"
    );
    assert!(!err.contains("secretpw"), "{err}");
    assert!(err.contains("Connection refused"), "{err}");
    assert_eq!(
        err.matches("Connection refused").count(),
        1,
        "said once: {err}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "no pool timeout"
    );
}

#[test]
fn a_database_host_that_never_answers_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    // Takes connections and says nothing, like a wrong port behind a firewall that accepts.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    let url = format!("postgres://callboard:secretpw@127.0.0.1:{port}/callboard");
    let out = callboard(
        &["user", "list"],
        &[("CALLBOARD_STORE__URL", url.as_str())],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("did not answer within 10 s"), "{err}");
    assert!(!err.contains("secretpw"), "{err}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    // Enough users that `user list` writes well past a pipe's buffer.
    let mut csv = String::from("login,first_name,last_name\n");
    for i in 0..3000 {
        csv.push_str(&format!("user{i:05},First{i},Last{i}\n"));
    }
    std::fs::write(dir.path().join("users.csv"), csv).unwrap();
    let out = callboard(&["import", "users.csv"], &[], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));

    let mut child = Command::new(env!("CARGO_BIN_EXE_callboard"))
        .args(["user", "list"])
        .current_dir(dir.path())
        .env_remove("CALLBOARD_CONFIG")
        .env_remove("CALLBOARD_DATA_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is closed here, like `callboard user list | head -1`.
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(141), "{err}");
}
