//! More SIPp phones against the real `callboard` binary: the WAN listener's advertised address,
//! a phone that hangs up its CSTA dialog and re-registers, a phone whose identities change, a
//! phone-sent SystemStatus, a Yealink that refuses SystemRegister, and phones that refuse the
//! CSTA INVITE.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

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

/// The messages SIPp received (from its `-trace_msg` log) whose start line begins with `start`,
/// e.g. `"INVITE "` or `"SIP/2.0 200"`, in the order they arrived.
fn received(phone: &Phone, start: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(phone.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with("_messages.log") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Each entry: a line of dashes and a time stamp, `TCP message received [n] bytes :`
        // (or `… sent (n bytes):`), an empty line, the message.
        for block in text.split("-----------------------------------------------") {
            let mut lines = block.lines().map(str::trim);
            if !lines
                .by_ref()
                .take(2)
                .any(|l| l.contains("message received"))
            {
                continue;
            }
            let message: Vec<&str> = lines.skip_while(|l| l.is_empty()).collect();
            if message.first().is_some_and(|l| l.starts_with(start)) {
                out.push(message.join("\n"));
            }
        }
    }
    out
}

/// The value of header `name` (first occurrence) in a message from [`received`].
fn header<'a>(message: &'a str, name: &str) -> &'a str {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    message
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map_or("", |l| l[prefix.len()..].trim())
}

/// How often `text` occurs in the server log.
fn count_in_log(server: &Server, text: &str) -> usize {
    server.log().matches(text).count()
}

/// Waits until `text` occurs at least `n` times in the server log.
fn wait_for_log_count(server: &Server, text: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while count_in_log(server, text) < n {
        assert!(
            Instant::now() < deadline,
            "log never said `{text}` {n} times:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_for_listener(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_wan_listener_advertises_the_public_address_and_the_lan_listener_its_own() {
    let wan_port = common::free_port();
    let wan_listen = format!("127.0.0.1:{wan_port}");
    let server = Server::start(&[
        ("CALLBOARD_SIP__WAN_TCP_LISTEN", &wan_listen),
        ("CALLBOARD_SIP__WAN_ADDRESS", "sip.example.com:5999"),
    ]);
    wait_for_listener(wan_port);
    let mut wan_phone = Phone::start(wan_port, &PhoneSpec::snom("000413000101"));
    let mut lan_phone = Phone::start(server.sip_tcp, &PhoneSpec::snom("000413000102"));
    server.wait_for_phone("000413000101", "online over WAN", online_with_identities);
    server.wait_for_phone("000413000102", "online over LAN", online_with_identities);
    assert!(wan_phone.wait(), "WAN phone failed:\n{}", wan_phone.logs());
    assert!(lan_phone.wait(), "LAN phone failed:\n{}", lan_phone.logs());

    let wan_invites = received(&wan_phone, "INVITE ");
    assert_eq!(wan_invites.len(), 1, "{}", wan_phone.logs());
    let invite = &wan_invites[0];
    assert!(
        header(invite, "Via").starts_with("SIP/2.0/TCP sip.example.com:5999;"),
        "WAN INVITE Via: {invite}"
    );
    assert_eq!(
        header(invite, "Contact"),
        "<sip:callboard@sip.example.com:5999;transport=tcp>",
        "WAN INVITE Contact: {invite}"
    );
    assert!(
        !invite.contains(&wan_listen),
        "the WAN INVITE leaks the listen address: {invite}"
    );
    // Every later request of the dialog (ACK, INFO) advertises the public address too.
    for request in received(&wan_phone, "INFO ")
        .iter()
        .chain(&received(&wan_phone, "ACK "))
    {
        assert!(
            header(request, "Via").starts_with("SIP/2.0/TCP sip.example.com:5999;"),
            "{request}"
        );
    }

    let lan_invites = received(&lan_phone, "INVITE ");
    assert_eq!(lan_invites.len(), 1, "{}", lan_phone.logs());
    let invite = &lan_invites[0];
    let lan = format!("127.0.0.1:{}", server.sip_tcp);
    assert!(
        header(invite, "Via").starts_with(&format!("SIP/2.0/TCP {lan};")),
        "LAN INVITE Via: {invite}"
    );
    assert_eq!(
        header(invite, "Contact"),
        format!("<sip:callboard@{lan};transport=tcp>"),
        "LAN INVITE Contact: {invite}"
    );
    assert!(
        !invite.contains("sip.example.com"),
        "the LAN INVITE advertises the WAN address: {invite}"
    );
}

#[test]
fn a_phone_sent_bye_ends_the_dialog_and_the_next_register_opens_a_new_one() {
    let server = Server::start(&[("CALLBOARD_SIP__KEEPALIVE", "30")]);
    let mac = "000413000201";
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 2500,
            scenario: "phone_register_refresh.xml",
            csta_scenario: "phone_csta_bye.xml",
            ..PhoneSpec::snom(mac)
        },
    );
    // First dialog: established, then hung up by the phone.
    server.wait_for_log("phone ended the CSTA dialog");
    let offline = server.wait_for_phone(mac, "offline after its BYE", |p| status(p) == "offline");
    assert_eq!(identities(&offline), IDENTITIES);
    assert!(
        server
            .log()
            .contains("phone offline reason=phone ended the CSTA dialog"),
        "{}",
        server.log()
    );
    assert_eq!(count_in_log(&server, "CSTA dialog established"), 1);

    // The refresh re-opens a dialog; the phone is online again until it de-registers.
    server.wait_for_phone(mac, "online after the refresh", online_with_identities);
    assert_eq!(
        count_in_log(&server, "CSTA dialog established"),
        2,
        "{}",
        server.log()
    );
    server.wait_for_log("phone de-registered");
    server.wait_for_phone(mac, "offline after de-registration", |p| {
        status(p) == "offline"
    });
    assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());

    let log = phone.scenario_log();
    assert!(log.contains("phone: registration refreshed"), "{log}");
    assert!(
        log.contains("phone: the server took the BYE of dialog 1.000000"),
        "{log}"
    );
    assert!(log.contains("dialog 2.000000 Call-ID"), "{log}");
    let invites = received(&phone, "INVITE ");
    assert_eq!(invites.len(), 2, "two CSTA INVITEs:\n{}", phone.logs());
    assert_ne!(
        header(&invites[0], "Call-ID"),
        header(&invites[1], "Call-ID"),
        "the second dialog has a new Call-ID"
    );
    // Only the first dialog was hung up by the phone; the second one ended by de-registration.
    assert_eq!(
        count_in_log(&server, "connection: phone ended the CSTA dialog"),
        1,
        "{}",
        server.log()
    );
}

#[test]
fn a_devices_changed_notification_makes_the_server_read_the_identities_again() {
    let server = Server::start(&[("CALLBOARD_SIP__KEEPALIVE", "30")]);
    let mac = "000413000301";
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 3000,
            csta_scenario: "phone_csta_devices_changed.xml",
            ..PhoneSpec::snom(mac)
        },
    );
    let listed = server.wait_for_phone(mac, "online with the new identity list", |p| {
        status(p) == "online" && identities(p) == ["sip:203@pbx.example"]
    });
    assert_eq!(listed["vendor"], "snom");
    server.wait_for_log("phone's identities changed; reading them again");
    assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());
    let log = phone.scenario_log();
    assert!(
        log.contains("phone: got GetSwitchingFunctionDevices again"),
        "{log}"
    );
    assert!(
        log.contains("phone: reported the new identity list"),
        "{log}"
    );
    assert_eq!(
        count_in_log(&server, "phone reported its identities"),
        2,
        "{}",
        server.log()
    );
    let after = server.wait_for_phone(mac, "offline after de-registration", |p| {
        status(p) == "offline"
    });
    assert_eq!(identities(&after), ["sip:203@pbx.example"]);
}

#[test]
fn a_phone_sent_system_status_is_answered_200_with_a_system_status_response() {
    let server = Server::start(&[("CALLBOARD_SIP__KEEPALIVE", "30")]);
    let mac = "000413000401";
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 2000,
            csta_scenario: "phone_csta_system_status.xml",
            ..PhoneSpec::snom(mac)
        },
    );
    server.wait_for_phone(mac, "online", online_with_identities);
    server.wait_for_log("phone reported its system status");
    assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());
    let log = phone.scenario_log();
    assert!(
        log.contains("phone: SystemStatus answered 200 application/csta+xml"),
        "{log}"
    );
    let answers: Vec<String> = received(&phone, "SIP/2.0 200")
        .into_iter()
        .filter(|m| header(m, "CSeq") == "2 INFO")
        .collect();
    assert_eq!(answers.len(), 1, "{}", phone.logs());
    assert!(
        answers[0].contains("<SystemStatusResponse"),
        "{}",
        answers[0]
    );
    assert!(
        !server.log().contains("unreadable CSTA document"),
        "{}",
        server.log()
    );
}

#[test]
fn a_phone_that_refuses_system_register_in_yealinks_namespace_still_comes_online() {
    // A model without a capability table gets SystemRegister; this one refuses it the way
    // Yealink firmware answers unknown requests (misspelt namespace, bare <unspecified/>).
    let server = Server::start(&[("CALLBOARD_SIP__KEEPALIVE", "30")]);
    let mac = "001565000501";
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 2500,
            user_agent: "Gigaset N670 IP PRO/2.48.0",
            csta_scenario: "phone_csta_yealink.xml",
            ..PhoneSpec::snom(mac)
        },
    );
    let listed = server.wait_for_phone(mac, "online with identities", online_with_identities);
    assert_eq!(listed["vendor"], "Gigaset");
    let log = server.log();
    assert!(log.contains("phone answered with a CSTA error"), "{log}");
    assert!(!log.contains("unreadable CSTA result"), "{log}");
    assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());
    assert!(phone.scenario_log().contains("phone: got SystemRegister"));
}

#[test]
fn a_yealink_gets_no_system_register_and_comes_online_with_its_identities() {
    // Seed 003: Yealink (like Mitel) has no SystemRegister; the server skips it.
    let server = Server::start(&[("CALLBOARD_SIP__KEEPALIVE", "30")]);
    let mac = "001565000502";
    let mut phone = Phone::start(
        server.sip_tcp,
        &PhoneSpec {
            hold_ms: 2500,
            user_agent: "Yealink SIP-T46G 28.73.98.4",
            csta_scenario: "phone_csta_no_system_register.xml",
            ..PhoneSpec::snom(mac)
        },
    );
    let listed = server.wait_for_phone(mac, "online with identities", online_with_identities);
    assert_eq!(listed["vendor"], "Yealink");
    assert_eq!(listed["model"], "T46G");
    assert_eq!(listed["firmware"], "28.73.98.4");
    assert_eq!(listed["user_agent"], "Yealink SIP-T46G 28.73.98.4");
    assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());
    assert!(!phone.scenario_log().contains("SystemRegister"));
}

fn refusing_phone(mac: &str, code: u16) -> PhoneSpec<'_> {
    PhoneSpec {
        hold_ms: 3000,
        csta_scenario: if code == 486 {
            "phone_csta_refuse_486.xml"
        } else {
            "phone_csta_refuse_488.xml"
        },
        ..PhoneSpec::snom(mac)
    }
}

#[test]
fn a_phone_answering_the_csta_invite_with_486_or_488_stays_offline() {
    let server = Server::start(&[]);
    let busy = "000413000601";
    let not_acceptable = "000413000602";
    let mut phones = [
        Phone::start(server.sip_tcp, &refusing_phone(busy, 486)),
        Phone::start(server.sip_tcp, &refusing_phone(not_acceptable, 488)),
    ];
    wait_for_log_count(&server, "phone refused the CSTA dialog", 2);
    // Registered (stored, with a registration time) but without a dialog: offline, and it
    // stays so while the phone holds its registration.
    std::thread::sleep(Duration::from_millis(1000));
    for mac in [busy, not_acceptable] {
        let phone = server.wait_for_phone(mac, "stored", |_| true);
        assert_eq!(status(&phone), "offline", "{phone:#}\n{}", server.log());
        assert!(phone["last_registration"].as_str().is_some(), "{phone:#}");
        assert!(identities(&phone).is_empty(), "{phone:#}");
    }
    let log = server.log();
    assert!(log.contains("code=486"), "{log}");
    assert!(log.contains("code=488"), "{log}");
    assert!(!log.contains("CSTA dialog established"), "{log}");
    for phone in &mut phones {
        assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());
        let log = phone.scenario_log();
        assert!(log.contains("phone: registered"), "{log}");
        assert_eq!(received(phone, "INVITE ").len(), 1, "{}", phone.logs());
    }
    // Their de-registrations were accepted: they were registered all along.
    wait_for_log_count(&server, "phone de-registered", 2);
    for mac in [busy, not_acceptable] {
        assert_eq!(status(&server.phone(mac).unwrap()), "offline");
    }
}

#[test]
fn the_server_acks_a_refused_csta_invite() {
    // A 3xx–6xx answer to the CSTA INVITE gets its ACK (RFC 3261 §17.1.1.3: same branch), so
    // the phone's server transaction does not wait for it until Timer H (32 s).
    let server = Server::start(&[]);
    let mut phone = Phone::start(server.sip_tcp, &refusing_phone("000413000701", 486));
    server.wait_for_log("phone refused the CSTA dialog");
    assert!(phone.wait(), "sipp phone failed:\n{}", phone.logs());
    let log = phone.scenario_log();
    assert!(log.contains("phone: got the ACK for the 486"), "{log}");
    let acks = received(&phone, "ACK ");
    assert_eq!(acks.len(), 1, "{}", phone.logs());
    assert_eq!(header(&acks[0], "CSeq"), "1 ACK", "{}", acks[0]);
}
