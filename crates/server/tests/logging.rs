//! Diagnostics (ADM4) through the real binary: log files in the configured directory, and the
//! MAC filter keeping only the chosen phone's messages.

mod common;

use common::{Phone, PhoneSpec, Server, status};

#[test]
fn logs_go_to_the_log_directory_and_the_mac_filter_keeps_only_the_chosen_phone() {
    let logs = tempfile::tempdir().unwrap();
    let dir = logs.path().join("logs");
    let server = Server::start(&[
        ("CALLBOARD_LOG__DIR", dir.to_str().unwrap()),
        ("CALLBOARD_LOG__MAC_FILTER", "00:04:13:00:01:11"),
        ("CALLBOARD_LOG__LEVEL", "info"),
    ]);
    let mut chosen = Phone::start(server.sip_tcp, &PhoneSpec::snom("000413000111"));
    let mut other = Phone::start(server.sip_tcp, &PhoneSpec::snom("000413000222"));
    for mac in ["000413000111", "000413000222"] {
        server.wait_for_phone(mac, "online", |p| status(p) == "online");
    }
    assert!(chosen.wait(), "{}", chosen.logs());
    assert!(other.wait(), "{}", other.logs());
    let file = dir.join("callboard.log");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut text = String::new();
    while std::time::Instant::now() < deadline {
        text = std::fs::read_to_string(&file).unwrap_or_default();
        if text.contains("phone de-registered") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        text.contains("callboard starting"),
        "general messages pass:\n{text}"
    );
    assert!(
        text.contains("mac=000413000111"),
        "the chosen phone is logged:\n{text}"
    );
    assert!(text.contains("phone registered"), "{text}");
    // The de-registration is a second REGISTER on the same connection: the span still names
    // the phone once (recording the field again would repeat it on every later line).
    let deregistered = text
        .lines()
        .find(|line| line.contains("phone de-registered"))
        .unwrap_or_else(|| panic!("no de-registration logged:\n{text}"));
    assert_eq!(
        deregistered.matches("mac=000413000111").count(),
        1,
        "{deregistered}"
    );
    assert!(
        !text.contains("mac=000413000222"),
        "the other phone is filtered out:\n{text}"
    );
    assert!(server.log().is_empty() || !server.log().contains("phone registered"));
}
