//! SIPp plays real uaCSTA desk phones against the real `callboard` binary (PH1–PH4): digest
//! registration by MAC, the server's CSTA dialog (INVITE, SystemRegister,
//! GetSwitchingFunctionDevices, keepalives), the inventory as `callboard phones list` shows it,
//! commissioning, expiry, dead dialogs, closed connections, TLS and restarts.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Phone, PhoneSpec, Server, status};

const IDENTITIES: [&str; 2] = ["sip:201@pbx.example", "sip:202@pbx.example"];

fn identities(phone: &serde_json::Value) -> Vec<String> {
    phone["identities"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn online_with_identities(phone: &serde_json::Value) -> bool {
    status(phone) == "online" && identities(phone) == IDENTITIES
}

#[test]
fn snom_phone_registers_gets_its_csta_dialog_and_shows_online_with_two_identities() {
    let server = Server::start(&[]);
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 4000,
            ..PhoneSpec::snom("00:04:13:a1:b2:c3")
        },
    );
    let listed = server.wait_for_phone(
        "000413A1B2C3",
        "online with identities",
        online_with_identities,
    );
    assert_eq!(listed["vendor"], "snom");
    assert_eq!(listed["model"], "D785");
    assert_eq!(listed["transport"], "tcp");
    assert!(
        listed["last_address"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert!(listed["last_registration"].as_str().is_some());

    assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());
    let log = phone.scenario_log();
    assert!(
        log.contains(
            "got CSTA INVITE application/csta+xml signal;handling=required RequestSystemStatus"
        ),
        "{log}"
    );
    assert!(log.contains("got SystemRegister"), "{log}");
    assert!(log.contains("got GetSwitchingFunctionDevices"), "{log}");
    assert!(
        log.contains("phone: keepalive 2"),
        "keepalives were answered:\n{log}"
    );

    // The phone de-registered at the end of its hold time.
    let after = server.wait_for_phone("000413A1B2C3", "offline after de-registration", |p| {
        status(p) == "offline"
    });
    assert_eq!(
        identities(&after),
        IDENTITIES,
        "identities are kept while offline"
    );
    assert!(server.log().contains("phone de-registered"));
}

#[test]
fn wrong_password_is_refused_and_the_phone_never_gets_a_csta_dialog() {
    let server = Server::start(&[]);
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec::refused("000413000010", "not-the-password"),
    );
    assert!(phone.wait(), "expected a 403:\n{}", phone.logs());
    let log = phone.scenario_log();
    assert!(log.contains("refused with 403"), "{log}");
    assert!(!log.contains("UNEXPECTED"), "{log}");
    assert!(
        server.phone("000413000010").is_none(),
        "an unauthenticated phone is not stored"
    );
    assert!(
        server.log().contains("wrong digest response"),
        "{}",
        server.log()
    );
}

#[test]
fn with_auto_commission_off_a_new_phone_is_pending_until_enabled() {
    let server = Server::start(&[("CALLBOARD_SIP__AUTO_COMMISSION", "false")]);
    let mut refused = Phone::start(
        server.sip_tcp,
        &PhoneSpec::refused("000413000020", common::PASSWORD),
    );
    assert!(refused.wait(), "expected a 403:\n{}", refused.logs());
    assert!(!refused.scenario_log().contains("UNEXPECTED"));
    server.wait_for_phone("000413000020", "pending", |p| status(p) == "pending");

    let output = server.cli(&["phones", "enable", "00-04-13-00-00-20"]);
    assert!(output.status.success());
    server.wait_for_log("phone admin state changed");

    let mut phone = Phone::start(server.sip_tcp, &PhoneSpec::snom("000413000020"));
    server.wait_for_phone(
        "000413000020",
        "online after enabling",
        online_with_identities,
    );
    assert!(phone.wait(), "{}", phone.logs());
}

#[test]
fn disabling_an_online_phone_disconnects_it_and_refuses_it_afterwards() {
    let server = Server::start(&[]);
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 20_000,
            ..PhoneSpec::snom("000413000030")
        },
    );
    server.wait_for_phone("000413000030", "online", online_with_identities);
    assert!(
        server
            .cli(&["phones", "disable", "000413000030"])
            .status
            .success()
    );
    server.wait_for_phone("000413000030", "disabled", |p| status(p) == "disabled");
    server.wait_for_log("phone disabled by an administrator");
    phone.wait(); // the server closed its connection; the scenario fails, as a real phone's would
    let mut again = Phone::start(
        server.sip_tcp,
        &PhoneSpec::refused("000413000030", common::PASSWORD),
    );
    assert!(again.wait(), "a disabled phone gets 403:\n{}", again.logs());
}

#[test]
fn an_expired_registration_takes_the_phone_offline() {
    let server = Server::start(&[
        ("CALLBOARD_SIP__EXPIRES", "2"),
        ("CALLBOARD_SIP__KEEPALIVE", "30"),
    ]);
    let _phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 15_000,
            ..PhoneSpec::snom("000413000040")
        },
    );
    server.wait_for_phone("000413000040", "online", online_with_identities);
    server.wait_for_phone("000413000040", "offline after expiry", |p| {
        status(p) == "offline"
    });
    server.wait_for_log("registration expired");
}

#[test]
fn a_phone_closing_its_connection_goes_offline() {
    let server = Server::start(&[]);
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 30_000,
            ..PhoneSpec::snom("000413000050")
        },
    );
    server.wait_for_phone("000413000050", "online", online_with_identities);
    phone.kill();
    server.wait_for_phone("000413000050", "offline after the connection closed", |p| {
        status(p) == "offline"
    });
    server.wait_for_log("connection closed by the phone");
}

#[test]
fn a_phone_that_stops_answering_keepalives_goes_offline() {
    let server = Server::start(&[("CALLBOARD_SIP__REQUEST_TIMEOUT", "1")]);
    let _phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 30_000,
            keepalive_limit: 1,
            ..PhoneSpec::snom("000413000060")
        },
    );
    server.wait_for_phone("000413000060", "online", online_with_identities);
    server.wait_for_phone("000413000060", "offline after the dead dialog", |p| {
        status(p) == "offline"
    });
    server.wait_for_log("CSTA dialog is dead");
}

#[test]
fn the_inventory_survives_a_restart() {
    let mut server = Server::start(&[]);
    let mut phone = Phone::start(server.sip_tcp, &PhoneSpec::snom("000413000070"));
    server.wait_for_phone("000413000070", "online", online_with_identities);
    assert!(phone.wait(), "{}", phone.logs());
    server.restart();
    let phone = server.wait_for_phone("000413000070", "kept", |p| status(p) == "offline");
    assert_eq!(identities(&phone), IDENTITIES);
    assert_eq!(phone["vendor"], "snom");
    let mut again = Phone::start(server.sip_tcp, &PhoneSpec::snom("000413000070"));
    server.wait_for_phone(
        "000413000070",
        "online after restart",
        online_with_identities,
    );
    assert!(again.wait(), "{}", again.logs());
}

#[test]
fn a_phone_registers_over_tls() {
    let server = Server::start(&[]);
    // Debian's SIPp has no TLS: socat wraps its TCP connection in TLS, 1:1.
    let wrapper_port = common::free_port();
    let mut socat = Command::new("socat")
        .arg(format!(
            "TCP-LISTEN:{wrapper_port},bind=127.0.0.1,reuseaddr,fork"
        ))
        .arg(format!("OPENSSL:127.0.0.1:{},verify=0", server.sip_tls))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("socat is not installed: run scripts/test.sh");
    std::thread::sleep(Duration::from_millis(300));
    let mut phone = Phone::start(wrapper_port, &PhoneSpec::snom("000413000080"));
    let listed = server.wait_for_phone("000413000080", "online over TLS", online_with_identities);
    assert_eq!(listed["transport"], "tls");
    assert!(phone.wait(), "{}", phone.logs());
    let _ = socat.kill();
    let _ = socat.wait();
    assert!(
        server.data_dir().join("tls/cert.pem").exists(),
        "self-signed certificate generated"
    );
}

#[test]
fn the_inventory_lives_in_postgresql_when_configured() {
    let Some(url) =
        common::fresh_postgres_database("the_inventory_lives_in_postgresql_when_configured")
    else {
        return;
    };
    let mut server = Server::start(&[("CALLBOARD_STORE__URL", url.as_str())]);
    let mut phone = Phone::start(server.sip_tcp, &PhoneSpec::snom("000413000090"));
    server.wait_for_phone("000413000090", "online", online_with_identities);
    assert!(phone.wait(), "{}", phone.logs());
    server.restart();
    let kept = server.wait_for_phone("000413000090", "kept in PostgreSQL", |p| {
        status(p) == "offline"
    });
    assert_eq!(identities(&kept), IDENTITIES);
    assert!(
        !server.data_dir().join("callboard.db").exists(),
        "no SQLite file when PostgreSQL is used"
    );
}
