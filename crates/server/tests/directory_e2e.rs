//! Directory and rights end to end (issue #4) through the real binary: users and computers made
//! with the CLI, CSTA clients logging in by user name, by computer name (its phone follows),
//! refused without login, a password handed over at the next login, lockout, automatic line
//! binding on and off, `user show --format json`, and CLIP masking watched on a SIPp phone.

mod common;
mod cti_client;
mod scenario;

use common::Server;
use csta_proto::CstaMessage;
use cti_client::{CtiClient, csta};
use scenario::{Reply, Script, doc};

const FAST_HASHES: (&str, &str) = ("CALLBOARD_DIRECTORY__ARGON2_MEMORY_KIB", "256");

fn demo_server(extra: &[(&str, &str)]) -> Server {
    let mut env = vec![("CALLBOARD_DEMO__CALLS_PER_MINUTE", "0"), FAST_HASHES];
    env.extend_from_slice(extra);
    Server::start_demo(&env)
}

fn cli_ok(server: &Server, args: &[&str]) -> String {
    let output = server.cli(args);
    assert!(
        output.status.success(),
        "callboard {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn defined_error(frame: &cti_client::Frame) -> String {
    match frame.message() {
        CstaMessage::StartApplicationSessionNegResponse(neg) => neg
            .error_code
            .and_then(|e| e.defined_error)
            .unwrap_or_default(),
        _ => panic!("expected a NegResponse: {}", frame.xml),
    }
}

fn login(server: &Server, user: &str, password: &str, computer: Option<&str>) -> CtiClient {
    match CtiClient::try_login(server.cti_tcp, user, password, computer) {
        (Some(client), _) => client,
        (None, answer) => panic!("login of {user} refused: {}\n{}", answer.xml, server.log()),
    }
}

fn monitor_error(client: &mut CtiClient, line: &str) -> String {
    let response = client.request(&csta(
        "MonitorStart",
        &format!("<monitorObject><deviceObject>{line}</deviceObject></monitorObject>"),
    ));
    response.error()
}

fn make_call(client: &mut CtiClient, from: &str, to: &str) -> cti_client::Frame {
    client.request(&csta(
        "MakeCall",
        &format!("<callingDevice>{from}</callingDevice><calledDirectoryNumber>{to}</calledDirectoryNumber>"),
    ))
}

/// The devices a `GetSwitchingFunctionDevices` lists for the client.
fn device_list(client: &mut CtiClient) -> Vec<String> {
    let response = client.request(&csta("GetSwitchingFunctionDevices", ""));
    assert_eq!(
        response.name(),
        "GetSwitchingFunctionDevicesResponse",
        "{}",
        response.xml
    );
    let list = client.next_unsolicited();
    match list.message() {
        CstaMessage::SwitchingFunctionDevices(list) => list
            .device_list
            .iter()
            .map(|d| d.device_id.as_str().to_owned())
            .collect(),
        _ => panic!("expected the device list: {}", list.xml),
    }
}

#[test]
fn users_and_computers_log_in_with_their_own_rights_and_users_without_login_are_refused() {
    let server = demo_server(&[]);
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "arthur",
            "--business",
            "201",
            "--password",
            "pw-arthur",
        ],
    );
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "ford",
            "--business",
            "202",
            "--password",
            "pw-ford",
        ],
    );
    cli_ok(&server, &["user", "add", "marvin", "--without-login"]);
    cli_ok(
        &server,
        &[
            "computer",
            "add",
            "WS-1",
            "--phone",
            "203",
            "--password",
            "pw-ws",
        ],
    );

    // By user name: the bound line is the user's own, other lines are not.
    let mut arthur = login(&server, "arthur", "pw-arthur", None);
    arthur.monitor("201");
    assert_eq!(
        monitor_error(&mut arthur, "205"),
        "operation/privilegeViolationSpecifiedDevice"
    );
    assert_eq!(
        make_call(&mut arthur, "205", "202").error(),
        "operation/privilegeViolationSpecifiedDevice"
    );
    assert_eq!(
        make_call(&mut arthur, "201", "204").name(),
        "MakeCallResponse"
    );

    // By computer name: the computer's phone follows.
    let mut computer = login(&server, "ws-1", "pw-ws", None);
    computer.monitor("203");
    assert_eq!(
        monitor_error(&mut computer, "204"),
        "operation/privilegeViolationSpecifiedDevice"
    );

    // A user logging in from that computer gets its phone too (roaming).
    let mut ford = login(&server, "Ford", "pw-ford", Some("WS-1"));
    ford.monitor("202");
    ford.monitor("203");
    assert_eq!(
        monitor_error(&mut ford, "201"),
        "operation/privilegeViolationSpecifiedDevice"
    );
    let listed = device_list(&mut ford);
    assert_eq!(listed.len(), 2, "only the lines ford may see: {listed:?}");
    assert!(
        listed[0].contains("202") && listed[1].contains("203"),
        "{listed:?}"
    );

    // A user without login, a disabled user, a wrong password.
    let (refused, answer) = CtiClient::try_login(server.cti_tcp, "marvin", "anything", None);
    assert!(refused.is_none());
    assert_eq!(defined_error(&answer), "loginNotAllowed");
    cli_ok(&server, &["user", "disable", "ford"]);
    let (refused, answer) = CtiClient::try_login(server.cti_tcp, "ford", "pw-ford", None);
    assert!(refused.is_none());
    assert_eq!(defined_error(&answer), "accountDisabled");
    let (refused, answer) = CtiClient::try_login(server.cti_tcp, "arthur", "wrong", None);
    assert!(refused.is_none());
    assert_eq!(defined_error(&answer), "invalidApplicationInfo");
    let (refused, answer) = CtiClient::try_login(server.cti_tcp, "nobody", "wrong", None);
    assert!(refused.is_none());
    assert_eq!(
        defined_error(&answer),
        "invalidApplicationInfo",
        "unknown and wrong look alike"
    );
}

#[test]
fn a_password_is_handed_over_once_and_repeated_failures_lock_the_account() {
    let server = demo_server(&[("CALLBOARD_DIRECTORY__MAX_FAILED_LOGINS", "3")]);
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "trillian",
            "--business",
            "204",
            "--password",
            "old-pw",
        ],
    );
    let out = cli_ok(&server, &["user", "passwd", "trillian", "--transfer"]);
    assert!(out.contains("next login"), "{out}");
    let (client, answer) = CtiClient::try_login(server.cti_tcp, "trillian", "not-checked", None);
    assert!(
        client.is_some(),
        "the transfer login is not checked: {}",
        answer.xml
    );
    let CstaMessage::StartApplicationSessionPosResponse(pos) = answer.message() else {
        unreachable!()
    };
    let new_password = pos
        .extensions
        .and_then(|e| e.transferred_password)
        .expect("a transferred password");
    assert!(!answer.xml.is_empty() && new_password.len() >= 16);
    let (again, _) = CtiClient::try_login(server.cti_tcp, "trillian", "not-checked", None);
    assert!(again.is_none(), "the flag cleared");
    login(&server, "trillian", &new_password, None);

    for _ in 0..2 {
        let (_, answer) = CtiClient::try_login(server.cti_tcp, "trillian", "bad", None);
        assert_eq!(defined_error(&answer), "invalidApplicationInfo");
    }
    let (_, answer) = CtiClient::try_login(server.cti_tcp, "trillian", "bad", None);
    assert_eq!(defined_error(&answer), "accountLocked");
    let (locked, answer) = CtiClient::try_login(server.cti_tcp, "trillian", &new_password, None);
    assert!(
        locked.is_none(),
        "even the right password is refused while locked"
    );
    assert_eq!(defined_error(&answer), "accountLocked");
    let shown: serde_json::Value = serde_json::from_str(&cli_ok(
        &server,
        &["user", "show", "trillian", "--format", "json"],
    ))
    .unwrap();
    assert!(shown["locked_until_ms"].as_i64().is_some(), "{shown}");
    // An administrator's new password unlocks it.
    cli_ok(
        &server,
        &["user", "passwd", "trillian", "--password", "fresh-pw"],
    );
    login(&server, "trillian", "fresh-pw", None);
    // So does enabling the account.
    for _ in 0..3 {
        CtiClient::try_login(server.cti_tcp, "trillian", "bad", None);
    }
    let (_, answer) = CtiClient::try_login(server.cti_tcp, "trillian", "fresh-pw", None);
    assert_eq!(defined_error(&answer), "accountLocked");
    let out = cli_ok(&server, &["user", "enable", "Trillian"]);
    assert!(out.contains("lock lifted"), "{out}");
    login(&server, "trillian", "fresh-pw", None);
    let shown: serde_json::Value = serde_json::from_str(&cli_ok(
        &server,
        &["user", "show", "trillian", "--format", "json"],
    ))
    .unwrap();
    assert!(shown["locked_until_ms"].is_null(), "{shown}");
    assert_eq!(shown["failed_logins"], 0);
}

#[test]
fn user_show_reports_services_numbers_bound_lines_and_rights_per_line() {
    let server = demo_server(&[]);
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "zaphod",
            "--first-name",
            "Zaphod",
            "--last-name",
            "Beeblebrox",
            "--business",
            "201",
            "--mobile",
            "0171 1234567",
            "--services",
            "0x208",
            "--monitor",
            "206",
            "--monitor",
            "207:clip:pickup",
            "--line",
            "205:0x804",
        ],
    );
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "eddie",
            "--business",
            "202",
            "--no-bind-business",
        ],
    );
    let out = cli_ok(&server, &["user", "show", "zaphod", "--format", "json"]);
    let user: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(user["services"], 0x208);
    assert_eq!(user["services2"], 0);
    assert_eq!(user["display_name"], "Zaphod Beeblebrox");
    assert_eq!(user["numbers"]["mobile"]["stored"], "+491711234567");
    assert_eq!(user["numbers"]["mobile"]["display"], "+49 (171) 1234567");
    assert_eq!(user["bound_lines"], serde_json::json!(["201"]));
    let rights = &user["rights"];
    assert_eq!(rights["201"]["main_device"], true);
    assert_eq!(rights["201"]["monitor"], "full");
    assert_eq!(rights["206"]["monitor"], "freeBusy", "{rights:#}");
    assert_eq!(rights["207"]["monitor"], "full");
    assert_eq!(rights["207"]["pickup"], true);
    assert_eq!(rights["205"]["control"], true);
    assert_eq!(rights["205"]["see_incoming_numbers"], true);
    assert_eq!(rights["205"]["see_outgoing_numbers"], false);
    assert!(rights.get("208").is_none());

    let eddie: serde_json::Value = serde_json::from_str(&cli_ok(
        &server,
        &["user", "show", "eddie", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(
        eddie["bound_lines"],
        serde_json::json!([]),
        "binding switched off for the number"
    );

    // Binding switched off globally.
    let off = server.cli(&["user", "show", "zaphod", "--format", "json"]);
    assert!(off.status.success());
    let env_off = Server::start_demo(&[
        ("CALLBOARD_NUMBERS__AUTO_LINE_BINDING", "false"),
        ("CALLBOARD_DEMO__CALLS_PER_MINUTE", "0"),
        FAST_HASHES,
    ]);
    cli_ok(&env_off, &["user", "add", "zaphod", "--business", "201"]);
    let show: serde_json::Value = serde_json::from_str(&cli_ok(
        &env_off,
        &["user", "show", "zaphod", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(show["bound_lines"], serde_json::json!([]));
    cli_ok(
        &env_off,
        &["user", "add", "slartibartfast", "--first-phone", "201"],
    );
    let manual: serde_json::Value = serde_json::from_str(&cli_ok(
        &env_off,
        &["user", "show", "slartibartfast", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(
        manual["bound_lines"],
        serde_json::json!(["201"]),
        "the manual 1st phone"
    );
}

#[test]
fn bad_directory_input_gets_clear_errors_and_writes_nothing() {
    let server = demo_server(&[]);
    let bad = server.cli(&[
        "user",
        "add",
        "x1",
        "--business",
        "call me",
        "--email",
        "nope",
    ]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("business") && err.contains("not a telephone number"),
        "{err}"
    );
    assert!(err.contains("email"), "{err}");
    cli_ok(&server, &["user", "add", "dup", "--password", "p"]);
    let again = server.cli(&["user", "add", "DUP", "--password", "p"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let list: serde_json::Value =
        serde_json::from_str(&cli_ok(&server, &["user", "list", "--format", "json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let unknown = server.cli(&["group", "add", "g", "--members", "dup,ghost"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("ghost"));
}

#[test]
fn a_watcher_without_clip_sees_the_call_on_a_phone_but_never_the_callers_number() {
    let server = Server::start(&[("CALLBOARD_SIP__KEEPALIVE", "600"), FAST_HASHES]);
    let caller = "sip:0301234567@pbx.example";
    let script = Script::snom();
    let ev = script.events("phone-cref");
    // The phone announces the call once the owner asks for DND: by then both clients watch.
    let mut phone = script
        .expect_monitor_start("phone-cref")
        .expect(
            "GetDoNotDisturb",
            &[],
            Reply::Body(doc(
                "http://www.ecma-international.org/standards/ecma-323/csta/ed5",
                "GetDoNotDisturbResponse",
                "<doNotDisturbOn>false</doNotDisturbOn>",
            )),
        )
        .event(ev.delivered_incoming("9", caller))
        .start(&server, "000413200001");
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "owner",
            "--business",
            "201",
            "--password",
            "pw-owner",
        ],
    );
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "watcher",
            "--monitor",
            "201",
            "--password",
            "pw-watcher",
        ],
    );
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "friend",
            "--monitor",
            "201:clip",
            "--password",
            "pw-friend",
        ],
    );
    let mut owner = login(&server, "owner", "pw-owner", None);
    // The phone's identity must be known before binding can find it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let owner_ref = loop {
        let response = owner.request(&csta(
            "MonitorStart",
            "<monitorObject><deviceObject>201</deviceObject></monitorObject>",
        ));
        if let CstaMessage::MonitorStartResponse(started) = response.message() {
            break started.monitor_cross_ref_id;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{}\n{}",
            response.xml,
            server.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
        owner = login(&server, "owner", "pw-owner", None);
    };
    owner.expect_event("BackInServiceEvent", &owner_ref);
    let mut watcher = login(&server, "watcher", "pw-watcher", None);
    let watcher_ref = watcher.monitor("201");
    let mut friend = login(&server, "friend", "pw-friend", None);
    let friend_ref = friend.monitor("201");
    assert_eq!(
        make_call(&mut watcher, "201", "555").error(),
        "operation/privilegeViolationSpecifiedDevice",
        "a monitor right is not control"
    );
    let dnd = owner.request(&csta("GetDoNotDisturb", "<device>201</device>"));
    assert_eq!(dnd.name(), "GetDoNotDisturbResponse", "{}", dnd.xml);

    let seen_by_owner = owner.expect_event("DeliveredEvent", &owner_ref);
    let seen_by_friend = friend.expect_event("DeliveredEvent", &friend_ref);
    let seen_by_watcher = watcher.expect_event("DeliveredEvent", &watcher_ref);
    assert!(
        seen_by_owner.xml.contains("0301234567"),
        "{}",
        seen_by_owner.xml
    );
    assert!(
        seen_by_friend.xml.contains("0301234567"),
        "CLIP shows numbers: {}",
        seen_by_friend.xml
    );
    assert!(
        !seen_by_watcher.xml.contains("0301234567"),
        "free/busy only: {}",
        seen_by_watcher.xml
    );
    assert!(
        seen_by_watcher.xml.contains("alerting"),
        "{}",
        seen_by_watcher.xml
    );
    assert_eq!(
        seen_by_owner.seq(),
        seen_by_watcher.seq(),
        "the same event, masked"
    );
    phone.finish();
}

#[test]
fn a_csv_import_is_all_or_nothing_with_errors_per_row() {
    let server = demo_server(&[]);
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "login,first_name,last_name,business,mobile,services,monitors,password\n\
         alice,Alice,Anders,201,0171 1111111,0x208,206;207:clip,pw-alice\n\
         bob,Bob,Berg,+49 (30) 555 202,,8,,\n\
         carol,Carol,Chen,,,,,pw-carol\n",
    )
    .unwrap();
    let out = cli_ok(&server, &["import", good.to_str().unwrap()]);
    assert!(out.contains("imported 3 user(s)"), "{out}");
    let bob: serde_json::Value = serde_json::from_str(&cli_ok(
        &server,
        &["user", "show", "bob", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(bob["numbers"]["business"]["stored"], "+4930555202");
    login(&server, "alice", "pw-alice", None).monitor("201");
    // bob had no password: he gets one handed over at his first login.
    let (client, answer) = CtiClient::try_login(server.cti_tcp, "bob", "anything", None);
    assert!(client.is_some(), "{}", answer.xml);
    assert!(answer.xml.contains("transferredPassword"), "{}", answer.xml);

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "login,business,services,password\n\
         dave,201,1,pw\n\
         erin,not a number,2,pw\n\
         dave,202,x,pw\n\
         alice,203,4,pw\n",
    )
    .unwrap();
    let output = server.cli(&["import", bad.to_str().unwrap()]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("row 3: business"), "{err}");
    assert!(err.contains("row 4: services"), "{err}");
    assert!(
        err.contains("row 5: login `alice` already exists in the directory"),
        "{err}"
    );
    assert!(err.contains("nothing imported"), "{err}");
    // The rows that were fine were not written either; an existing login fails the whole file.
    let fixed = dir.path().join("fixed.csv");
    std::fs::write(&fixed, "login,business\ndave,201\nalice,203\n").unwrap();
    let output = server.cli(&["import", fixed.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("row 3: login `alice` already exists in the directory")
    );
    let list: serde_json::Value =
        serde_json::from_str(&cli_ok(&server, &["user", "list", "--format", "json"])).unwrap();
    let logins: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, vec!["alice", "bob", "carol"]);

    let unknown = dir.path().join("unknown.csv");
    std::fs::write(&unknown, "login,shoe_size\nfrank,44\n").unwrap();
    let output = server.cli(&["import", unknown.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("`shoe_size`"));
}

/// Adds group `group` with `member`, giving its members monitor access with incoming numbers
/// (`LINEACCESS_NUMBERSIN`) on `line`.
fn grant_group_line(server: &Server, group: &str, member: &str, line: &str) {
    cli_ok(
        server,
        &[
            "group",
            "add",
            group,
            "--members",
            member,
            "--line",
            line,
            "--line-access",
            "0x800",
        ],
    );
}

#[test]
fn a_right_granted_while_the_server_runs_holds_at_the_next_login() {
    let server = demo_server(&[]);
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "zaphod",
            "--business",
            "201",
            "--password",
            "pw-zaphod",
        ],
    );
    let mut before = login(&server, "zaphod", "pw-zaphod", None);
    assert_eq!(
        monitor_error(&mut before, "205"),
        "operation/privilegeViolationSpecifiedDevice"
    );
    before.stop_session();

    // A group line with monitor (numbers in) access, given right now: the cached rights model
    // must not hide it from the next login.
    grant_group_line(&server, "heart-of-gold", "zaphod", "205");
    let mut after = login(&server, "zaphod", "pw-zaphod", None);
    after.monitor("205");

    // And taken away again.
    cli_ok(&server, &["group", "delete", "heart-of-gold"]);
    let mut again = login(&server, "zaphod", "pw-zaphod", None);
    assert_eq!(
        monitor_error(&mut again, "205"),
        "operation/privilegeViolationSpecifiedDevice"
    );
}

#[test]
fn rights_changed_by_an_administrator_reach_logged_in_sessions_live() {
    let server = demo_server(&[]);
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "zaphod",
            "--business",
            "201",
            "--password",
            "pw-zaphod",
        ],
    );
    grant_group_line(&server, "heart-of-gold", "zaphod", "205");
    let mut zaphod = login(&server, "zaphod", "pw-zaphod", None);
    let own = zaphod.monitor("201");
    let watched = zaphod.monitor("205");

    // The group goes: its line's monitor is stopped at once, and cannot be started again.
    cli_ok(&server, &["group", "delete", "heart-of-gold"]);
    let stop = zaphod.until_unsolicited("MonitorStop");
    match stop.message() {
        CstaMessage::MonitorStop(stop) => assert_eq!(stop.monitor_cross_ref_id, watched),
        _ => unreachable!(),
    }
    assert_eq!(
        monitor_error(&mut zaphod, "205"),
        "operation/privilegeViolationSpecifiedDevice",
        "refused without logging in again"
    );
    // The own line is untouched.
    assert_eq!(
        make_call(&mut zaphod, "201", "202").name(),
        "MakeCallResponse"
    );
    let event = zaphod.until_unsolicited("ServiceInitiatedEvent");
    assert_eq!(event.cross_ref(), own);

    // A right granted now holds at once too.
    grant_group_line(&server, "vogons", "zaphod", "206");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let response = zaphod.request(&csta(
            "MonitorStart",
            "<monitorObject><deviceObject>206</deviceObject></monitorObject>",
        ));
        if response.name() == "MonitorStartResponse" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still refused: {}",
            response.xml
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // Disabled: the session ends with the reason, and the connection closes.
    cli_ok(&server, &["user", "disable", "zaphod"]);
    let stop = zaphod.until_unsolicited("StopApplicationSession");
    assert!(stop.xml.contains("account disabled"), "{}", stop.xml);
    assert!(zaphod.closed_within(std::time::Duration::from_secs(10)));
}

#[test]
fn pictures_are_stored_as_96_pixel_squares_and_bad_files_change_nothing() {
    let server = demo_server(&[]);
    let wide = server.dir.path().join("wide.png");
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(400, 100, image::Rgb([1, 2, 3])))
        .save_with_format(&wide, image::ImageFormat::Png)
        .unwrap();
    let path = wide.to_str().unwrap();
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "trillian",
            "--picture",
            path,
            "--password",
            "pw",
        ],
    );
    let show = |login: &str| {
        let out = cli_ok(&server, &["user", "show", login, "--format", "json"]);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let trillian = show("trillian");
    assert_eq!(trillian["picture"]["format"], "png");
    assert_eq!(trillian["picture"]["width"], 96);
    assert_eq!(trillian["picture"]["height"], 96);
    let bytes = trillian["picture"]["bytes"].clone();

    // not an image: refused with the reason, the stored picture stays
    let garbage = server.dir.path().join("notes.txt");
    std::fs::write(&garbage, "not a picture").unwrap();
    let out = server.cli(&["user", "picture", "trillian", garbage.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: picture:") && stderr.contains("not a readable"),
        "{stderr}"
    );
    assert_eq!(show("trillian")["picture"]["bytes"], bytes);

    // a new picture replaces it; the password still works
    let tall = server.dir.path().join("tall.bmp");
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(30, 90, image::Rgb([200, 0, 0])))
        .save_with_format(&tall, image::ImageFormat::Bmp)
        .unwrap();
    cli_ok(
        &server,
        &["user", "picture", "trillian", tall.to_str().unwrap()],
    );
    assert_ne!(show("trillian")["picture"]["bytes"], bytes);
    login(&server, "trillian", "pw", None);

    // a user add with a bad picture writes nothing
    let out = server.cli(&[
        "user",
        "add",
        "eddie",
        "--picture",
        "/nonexistent/eddie.png",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/eddie.png"));
    assert!(!server.cli(&["user", "show", "eddie"]).status.success());
    assert_eq!(show("trillian")["picture"]["width"], 96);
    assert!(show("trillian")["picture"].is_object());
    let out = server.cli(&["user", "picture", "nobody", tall.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("user `nobody` is not known"));
}

#[test]
fn the_blf_feed_option_is_stored_and_bad_values_are_refused() {
    let server = demo_server(&[]);
    cli_ok(
        &server,
        &[
            "user",
            "add",
            "slartibartfast",
            "--blf",
            "first",
            "--password",
            "pw",
        ],
    );
    let out = cli_ok(
        &server,
        &["user", "show", "slartibartfast", "--format", "json"],
    );
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["blf"], "only_first_device");
    let out = server.cli(&["user", "add", "agrajag", "--blf", "sometimes"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("not one of all, current, first, no-softphone")
    );
}
