//! An independent CSTA client written in Python (`tests/clients/csta_client.py`: raw frames
//! over a socket, ElementTree, no code shared with callboard) logs in to the real binary,
//! monitors a demo line, makes a call, follows its events, clears it and stops its session.

mod common;

use std::process::Command;

use common::{CLIENT, Server, repo_root};

#[test]
fn a_python_csta_client_logs_in_monitors_makes_a_call_and_sees_its_events() {
    let server = Server::start_demo(&[("CALLBOARD_DEMO__CALLS_PER_MINUTE", "0")]);
    let output = Command::new("python3")
        .arg(repo_root().join("tests/clients/csta_client.py"))
        .args(["--port", &server.cti_tcp.to_string()])
        .args(["--user", CLIENT.0, "--password", CLIENT.1])
        .args(["--line", "201", "--called", "202"])
        .output()
        .expect("python3 is needed for this test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "python client failed:\n{stdout}\n{}\nserver log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.log()
    );
    assert!(stdout.contains("OK"), "{stdout}");
}
