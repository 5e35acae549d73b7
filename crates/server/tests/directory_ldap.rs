//! `callboard directory sync` against a real OpenLDAP slapd with the ectisrv3 schema (DIR5), in
//! schema mode and in reserved-field mode: users, groups and computers land in callboard's
//! directory with their rights and numbers, users who leave are disabled, write-back adds the
//! SIP address, and a directory that is down gives a clear error and changes nothing.

mod common;
mod cti_client;
#[path = "../../directory/tests/common/mod.rs"]
mod slapd;

use common::Server;
use cti_client::CtiClient;
use slapd::{BASE, DATA_RESERVED, DATA_SCHEMA, SYNC_DN, SYNC_PW, Slapd};

fn start_slapd(test: &str, ldif: &str) -> Option<(tokio::runtime::Runtime, Slapd)> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let slapd = runtime.block_on(Slapd::start(test, ldif))?;
    Some((runtime, slapd))
}

fn ldap_env<'a>(url: &'a str, mode: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("CALLBOARD_DIRECTORY__SOURCE", "ldap"),
        ("CALLBOARD_DIRECTORY__LDAP__URL", url),
        ("CALLBOARD_DIRECTORY__LDAP__BIND_DN", SYNC_DN),
        ("CALLBOARD_DIRECTORY__LDAP__BIND_PASSWORD", SYNC_PW),
        ("CALLBOARD_DIRECTORY__LDAP__BASE_DN", BASE),
        ("CALLBOARD_DIRECTORY__LDAP__MODE", mode),
        ("CALLBOARD_DIRECTORY__LDAP__USER_FILTER", ""),
        ("CALLBOARD_DIRECTORY__LDAP__GROUP_FILTER", ""),
        ("CALLBOARD_DIRECTORY__LDAP__COMPUTER_FILTER", ""),
        ("CALLBOARD_DIRECTORY__LDAP__SYNC_INTERVAL_SECONDS", "0"),
        ("CALLBOARD_DIRECTORY__ARGON2_MEMORY_KIB", "256"),
    ]
}

fn json(server: &Server, args: &[&str]) -> serde_json::Value {
    let output = server.cli(args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn sync(server: &Server) -> String {
    let output = server.cli(&["directory", "sync"]);
    assert!(
        output.status.success(),
        "sync failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn check_synced_directory(server: &Server) {
    let alice = json(server, &["user", "show", "alice", "--format", "json"]);
    assert_eq!(alice["source"], "ldap");
    assert_eq!(alice["user_services"], 776);
    assert_eq!(alice["numbers"]["business"]["stored"], "+49301234101");
    assert_eq!(alice["numbers"]["first_phone"]["stored"], "101");
    assert_eq!(alice["sip_uri"], "sip:alice@test.local");
    assert_eq!(alice["display_name"], "Alice Anders (Sales)");
    assert_eq!(alice["groups"], serde_json::json!(["CTI Users"]));
    let groups = json(server, &["group", "list", "--format", "json"]);
    let group = &groups[0];
    assert_eq!(group["name"], "CTI Users");
    assert_eq!(group["leader"], "alice");
    assert_eq!(group["deputy"], "dave");
    assert_eq!(group["services"], 53248);
    let members: Vec<&str> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(members, vec!["alice", "dave"], "bob is not a CTI user");
    let computers = json(server, &["computer", "list", "--format", "json"]);
    assert_eq!(computers.as_array().unwrap().len(), 1, "{computers}");
    assert_eq!(computers[0]["name"], "PC01");
    assert_eq!(computers[0]["phone"], "301");
    // Synchronised users log in with a server-side password handed over at the first login.
    let (client, answer) =
        CtiClient::try_login(server.cti_tcp, "alice", "her-windows-password", None);
    assert!(client.is_some(), "{}", answer.xml);
    assert!(answer.xml.contains("transferredPassword"), "{}", answer.xml);
}

#[test]
fn a_schema_mode_directory_is_synchronised_with_rights_groups_computers_and_write_back() {
    let Some((runtime, slapd)) = start_slapd("schema_sync", DATA_SCHEMA) else {
        return;
    };
    let mut env = ldap_env(&slapd.ldap_url, "schema");
    env.push(("CALLBOARD_DIRECTORY__LDAP__WRITE_BACK", "true"));
    let server = Server::start(&env);
    let out = sync(&server);
    assert!(
        out.contains(
            "synchronised 2 user(s) (2 new, 0 changed, 0 disabled), 1 group(s), 1 computer(s)"
        ),
        "{out}"
    );
    assert!(out.contains("SIP address(es) written back"), "{out}");
    assert!(
        out.contains("warning: user alice: picture left out: not a readable"),
        "the test data's 19-byte thumbnail is no image: {out}"
    );
    check_synced_directory(&server);
    let proxies = runtime
        .block_on(slapd.read_attrs("uid=alice,ou=people,dc=test,dc=local", &["proxyAddresses"]));
    assert!(proxies.contains("SIP:alice@test.local"), "{proxies}");
    assert!(
        proxies.contains("SMTP:alice@test.local"),
        "other addresses stay: {proxies}"
    );

    // dave leaves the directory: disabled, not deleted; a second sync writes nothing twice.
    runtime.block_on(slapd.ldap_tool("ldapdelete", &["uid=dave,ou=people,dc=test,dc=local"]));
    let out = sync(&server);
    assert!(
        out.contains("synchronised 1 user(s) (0 new, 0 changed, 1 disabled)"),
        "{out}"
    );
    assert!(
        !out.contains("written back"),
        "alice's address is there already: nothing written, nothing reported: {out}"
    );
    let dave = json(&server, &["user", "show", "dave", "--format", "json"]);
    assert_eq!(dave["disabled"], true);
    let proxies = runtime
        .block_on(slapd.read_attrs("uid=alice,ou=people,dc=test,dc=local", &["proxyAddresses"]));
    assert_eq!(
        proxies
            .to_lowercase()
            .matches("sip:alice@test.local")
            .count(),
        1,
        "SIP added once: {proxies}"
    );

    // a changed attribute (a real photo now): only that user is written again, the photo
    // stored as a 96x96 PNG
    let photo = slapd.dir().join("photo.jpg");
    image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        240,
        320,
        image::Rgb([10, 200, 10]),
    ))
    .save_with_format(&photo, image::ImageFormat::Jpeg)
    .unwrap();
    let change = slapd.dir().join("change.ldif");
    std::fs::write(
        &change,
        format!(
            "dn: uid=alice,ou=people,dc=test,dc=local\nchangetype: modify\nreplace: thumbnailPhoto\nthumbnailPhoto:< file://{}\n",
            photo.display()
        ),
    )
    .unwrap();
    runtime.block_on(slapd.ldap_tool("ldapmodify", &["-f", change.to_str().unwrap()]));
    let out = sync(&server);
    assert!(
        out.contains("synchronised 1 user(s) (0 new, 1 changed, 0 disabled)"),
        "{out}"
    );
    let alice = json(&server, &["user", "show", "alice", "--format", "json"]);
    assert_eq!(alice["picture"]["width"], 96, "{alice}");
    assert_eq!(alice["picture"]["height"], 96, "{alice}");
    // the same photo again: nothing changed
    let out = sync(&server);
    assert!(
        out.contains("synchronised 1 user(s) (0 new, 0 changed, 0 disabled)"),
        "{out}"
    );
}

#[test]
fn a_reserved_field_directory_is_synchronised_the_same_way() {
    let Some((_runtime, slapd)) = start_slapd("reserved_sync", DATA_RESERVED) else {
        return;
    };
    let server = Server::start(&ldap_env(&slapd.ldap_url, "reserved"));
    let out = sync(&server);
    assert!(out.contains("synchronised 2 user(s)"), "{out}");
    check_synced_directory(&server);
}

#[test]
fn a_directory_that_is_down_or_refuses_us_is_a_clear_error_and_changes_nothing() {
    let down = format!("ldap://127.0.0.1:{}", common::free_port());
    let server = Server::start(&ldap_env(&down, "schema"));
    let output = server.cli(&["directory", "sync"]);
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("not reachable"), "{err}");
    assert!(
        json(&server, &["user", "list", "--format", "json"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    let Some((_runtime, slapd)) = start_slapd("refused_sync", DATA_SCHEMA) else {
        return;
    };
    let mut env = ldap_env(&slapd.ldap_url, "schema");
    env.retain(|(k, _)| *k != "CALLBOARD_DIRECTORY__LDAP__BIND_PASSWORD");
    env.push(("CALLBOARD_DIRECTORY__LDAP__BIND_PASSWORD", "wrong"));
    let refused = Server::start(&env);
    let output = refused.cli(&["directory", "sync"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid credentials"));
    // The internal source refuses to sync with a hint.
    let internal = Server::start(&[]);
    let output = internal.cli(&["directory", "sync"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("directory.source"));
}
