//! The directory crate against a real OpenLDAP slapd (started per test on free loopback ports,
//! see `common/mod.rs`): both storage modes, write-back, paging, TLS and the error cases.

mod common;

use std::time::{Duration, Instant};

use callboard_directory::{
    CtiAttributes, CtiField, DirectoryError, Mode, ObjectKind, Progress, Snapshot, read_directory,
    write_back, write_back_clearing,
};
use common::{DATA_RESERVED, DATA_SCHEMA, Slapd};

const ALICE: &str = "uid=alice,ou=people,dc=test,dc=local";
const CAROL: &str = "uid=carol,ou=people,dc=test,dc=local";
const DAVE: &str = "uid=dave,ou=people,dc=test,dc=local";
const CTI_USERS: &str = "cn=cti-users,ou=groups,dc=test,dc=local";
const PC01: &str = "cn=PC01,ou=computers,dc=test,dc=local";

async fn read(settings: &callboard_directory::LdapSettings) -> Snapshot {
    read_directory(settings, &mut |_| {})
        .await
        .expect("read directory")
}

fn user<'a>(s: &'a Snapshot, login: &str) -> &'a callboard_directory::DirUser {
    s.users
        .iter()
        .find(|u| u.login == login)
        .unwrap_or_else(|| panic!("user {login} not read: {:?}", s.users))
}

#[tokio::test]
async fn schema_mode_reads_users_groups_and_computers() {
    let Some(slapd) = Slapd::start("schema_mode_reads", DATA_SCHEMA).await else {
        return;
    };
    let mut reports = Vec::new();
    let snap = read_directory(&slapd.settings(Mode::Schema), &mut |p: Progress| {
        reports.push(p)
    })
    .await
    .unwrap();

    // bob (CTI off) and carol (no CTI at all) are filtered out by the default filter
    let mut logins: Vec<&str> = snap.users.iter().map(|u| u.login.as_str()).collect();
    logins.sort();
    assert_eq!(logins, ["alice", "dave"]);
    assert!(snap.skipped.is_empty(), "{:?}", snap.skipped);

    let alice = user(&snap, "alice");
    assert_eq!(alice.dn, ALICE);
    assert_eq!(
        alice.guid.as_deref(),
        Some("6f9619ff-8b86-d011-b42d-00c04fc964ff")
    );
    assert_eq!(alice.principal.as_deref(), Some("alice@test.local"));
    assert_eq!(alice.first_name.as_deref(), Some("Alice"));
    assert_eq!(alice.last_name.as_deref(), Some("Anders"));
    assert_eq!(alice.display_name.as_deref(), Some("Alice Anders (Sales)"));
    assert_eq!(alice.email.as_deref(), Some("alice@test.local"));
    assert_eq!(alice.telephone.as_deref(), Some("+49301234101"));
    assert_eq!(alice.other_telephone.as_deref(), Some("+49301234102"));
    assert_eq!(alice.home_phone.as_deref(), Some("+4930999001"));
    assert_eq!(alice.mobile.as_deref(), Some("+491701234101"));
    assert_eq!(alice.pager.as_deref(), Some("+491701234199"));
    assert_eq!(alice.company.as_deref(), Some("Example GmbH"));
    assert_eq!(alice.title.as_deref(), Some("Head of Sales"));
    assert_eq!(alice.office.as_deref(), Some("Room 4.01"));
    assert_eq!(alice.street.as_deref(), Some("Hauptstrasse 1"));
    assert_eq!(alice.postal_code.as_deref(), Some("10115"));
    assert_eq!(alice.city.as_deref(), Some("Berlin"));
    assert_eq!(alice.state.as_deref(), Some("Berlin"));
    assert_eq!(alice.country.as_deref(), Some("Germany"));
    assert_eq!(alice.web.as_deref(), Some("https://example.test/alice"));
    assert_eq!(
        alice.thumbnail.as_deref(),
        Some(
            &[
                0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D',
                b'R', 0xff, 0x00, 0xfe
            ][..]
        )
    );
    let mut member_of = alice.member_of.clone();
    member_of.sort();
    assert_eq!(
        member_of,
        ["cn=admins,ou=groups,dc=test,dc=local", CTI_USERS],
        "memberOf from the memberof overlay"
    );
    let cti = &alice.cti;
    assert_eq!(cti.enabled, Some(true));
    assert_eq!(cti.schema_version, Some(6));
    assert_eq!(cti.sip_uri.as_deref(), Some("sip:alice@test.local"));
    assert_eq!(cti.phone_primary.as_deref(), Some("101"));
    assert_eq!(cti.phone_secondary.as_deref(), Some("102"));
    assert_eq!(cti.mailbox.as_deref(), Some("147"));
    assert_eq!(cti.recording_server.as_deref(), Some("199"));
    assert_eq!(cti.lines, ["201", "202", "+49301234203"]);
    assert_eq!(cti.lines_permissions, Some(2100));
    assert_eq!(cti.services, Some(776));
    assert_eq!(cti.services2, Some(6));
    assert_eq!(cti.password.as_deref(), Some("b3BhcXVlLWNpcGhlcg=="));
    let mut perms = cti.permissions.clone();
    perms.sort();
    assert_eq!(
        perms,
        [
            "bob;0x00000003;0x00000203;0x00000000",
            "dave;0x00000001;0x00000000;0x00000000"
        ]
    );
    let parsed = callboard_directory::mapping::parse_user_permission(&perms[0]).unwrap();
    assert_eq!((parsed.presence, parsed.primary_line), (3, 0x203));
    assert_eq!(cti.property_bag, ["color=blue", "lang=de"]);
    assert_eq!(cti.home_server.as_deref(), Some("cti1.test.local"));

    // OpenLDAP-style user: uid as login, cn as display name, jpegPhoto, entryUUID as guid
    let dave = user(&snap, "dave");
    assert_eq!(dave.display_name.as_deref(), Some("Dave Dorn"));
    assert_eq!(
        dave.thumbnail.as_deref(),
        Some(&[0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10][..])
    );
    let guid = dave.guid.as_deref().expect("entryUUID");
    assert_eq!(guid.len(), 36, "{guid}");
    assert_eq!(guid, guid.to_ascii_lowercase());
    assert_eq!(dave.member_of, [CTI_USERS]);
    assert_eq!(dave.cti.services, Some(8));

    assert_eq!(snap.groups.len(), 1, "admins has no CTI: {:?}", snap.groups);
    let g = &snap.groups[0];
    assert_eq!(g.dn, CTI_USERS);
    assert_eq!(g.name, "CTI Users");
    assert_eq!(
        g.guid.as_deref(),
        Some("0c3a9d2e-4b5f-4e61-8a7b-9c0d1e2f3a4b")
    );
    assert_eq!(g.email.as_deref(), Some("cti-users@test.local"));
    let mut members = g.members.clone();
    members.sort();
    assert_eq!(members, [ALICE, "uid=bob,ou=people,dc=test,dc=local", DAVE]);
    assert_eq!(g.cti.enabled, Some(true));
    assert_eq!(g.cti.services, Some(53248));
    assert_eq!(g.cti.services2, Some(64));
    assert_eq!(g.cti.leader_dn.as_deref(), Some(ALICE));
    assert_eq!(g.cti.deputy_dn.as_deref(), Some(DAVE));
    assert_eq!(
        g.cti.leader_permissions.as_deref(),
        Some("*;0x00000033;0x00000307;0x00000003")
    );
    assert_eq!(
        g.cti.members_permissions.as_deref(),
        Some("*;0x00000001;0x00000000;0x00000000")
    );
    assert_eq!(g.cti.sip_uri.as_deref(), Some("sip:cti-users@test.local"));
    assert_eq!(g.cti.property_bag, ["portal=1"]);

    assert_eq!(snap.computers.len(), 1, "PC02 is not CTI-enabled");
    let pc = &snap.computers[0];
    assert_eq!(pc.name, "PC01", "sAMAccountName without the trailing $");
    assert_eq!(pc.cti.phone_primary.as_deref(), Some("301"));
    assert_eq!(pc.cti.phone_secondary.as_deref(), Some("302"));
    assert_eq!(pc.cti.lines, ["301", "302"]);
    assert_eq!(pc.cti.lines_permissions, Some(512));
    assert_eq!(pc.cti.password.as_deref(), Some("cGMwMS1zZWNyZXQ="));
    assert_eq!(pc.cti.property_bag, ["roaming=1"]);

    let done: Vec<(ObjectKind, usize)> = reports
        .iter()
        .filter(|p| p.done)
        .map(|p| (p.kind, p.read))
        .collect();
    assert_eq!(
        done,
        [
            (ObjectKind::User, 2),
            (ObjectKind::Group, 1),
            (ObjectKind::Computer, 1)
        ]
    );

    // a custom filter replaces the default: now bob (CTI off) is read as well
    let mut all = slapd.settings(Mode::Schema);
    all.user_filter = "(objectClass=ectisrv3User)".into();
    let snap = read(&all).await;
    assert_eq!(user(&snap, "bob").cti.enabled, Some(false));
}

#[tokio::test]
async fn schema_mode_write_back() {
    let Some(slapd) = Slapd::start("schema_mode_write_back", DATA_SCHEMA).await else {
        return;
    };
    let settings = slapd.settings(Mode::Schema);
    let patch = CtiAttributes {
        services: Some(0x0600_0308),
        lines: vec!["201".into(), "299".into()],
        permissions: vec![
            "bob;0x00000001;0x00000001;0x00000000".into(),
            "carol;0x00000003;0x00000203;0x00000000".into(),
        ],
        ..CtiAttributes::default()
    };
    write_back(
        &settings,
        ALICE,
        ObjectKind::User,
        &patch,
        Some("sip:alice@test.local"),
    )
    .await
    .unwrap();

    let ldif = slapd
        .read_attrs(
            ALICE,
            &[
                "ectisrv3CTIServices",
                "ectisrv3UserPermissions",
                "proxyAddresses",
                "ectisrv3CTIPhonePrimary",
            ],
        )
        .await;
    assert!(ldif.contains("ectisrv3CTIServices: 100664072\n"), "{ldif}");
    assert!(
        ldif.contains("ectisrv3UserPermissions: carol;0x00000003;0x00000203;0x00000000\n"),
        "{ldif}"
    );
    assert!(!ldif.contains("dave;"), "old permission replaced: {ldif}");
    assert!(
        ldif.contains("proxyAddresses: SMTP:alice@test.local\n"),
        "{ldif}"
    );
    assert!(
        ldif.contains("proxyAddresses: smtp:a.anders@test.local\n"),
        "{ldif}"
    );
    assert!(
        ldif.contains("proxyAddresses: SIP:alice@test.local\n"),
        "{ldif}"
    );
    assert!(
        ldif.contains("ectisrv3CTIPhonePrimary: 101\n"),
        "untouched: {ldif}"
    );

    // the crate reads back what it wrote; None fields were left alone
    let snap = read(&settings).await;
    let alice = user(&snap, "alice");
    assert_eq!(alice.cti.services, Some(0x0600_0308));
    assert_eq!(alice.cti.lines, ["201", "299"]);
    assert_eq!(alice.cti.permissions.len(), 2);
    assert_eq!(alice.cti.mailbox.as_deref(), Some("147"));
    assert_eq!(alice.cti.services2, Some(6));

    // the SIP address is not added twice (case-insensitive), clearing removes attributes
    write_back_clearing(
        &settings,
        ALICE,
        ObjectKind::User,
        &CtiAttributes::default(),
        &[CtiField::Mailbox, CtiField::PropertyBag],
        Some("SIP:Alice@Test.Local"),
    )
    .await
    .unwrap();
    let ldif = slapd
        .read_attrs(
            ALICE,
            &[
                "proxyAddresses",
                "ectisrv3UserPhoneMailbox",
                "ectisrv3PropertyBag",
            ],
        )
        .await;
    assert_eq!(ldif.matches("proxyAddresses:").count(), 3, "{ldif}");
    assert!(!ldif.contains("ectisrv3UserPhoneMailbox"), "{ldif}");
    assert!(!ldif.contains("ectisrv3PropertyBag"), "{ldif}");

    // carol has no ectisrv3User class: write-back adds it, enabling her for CTI
    let enable = CtiAttributes {
        enabled: Some(true),
        services: Some(8),
        phone_primary: Some("103".into()),
        ..CtiAttributes::default()
    };
    write_back(
        &settings,
        CAROL,
        ObjectKind::User,
        &enable,
        Some("carol@test.local"),
    )
    .await
    .unwrap();
    let ldif = slapd
        .read_attrs(CAROL, &["objectClass", "proxyAddresses"])
        .await;
    assert!(ldif.contains("objectClass: ectisrv3User\n"), "{ldif}");
    assert!(
        ldif.contains("proxyAddresses: SIP:carol@test.local\n"),
        "{ldif}"
    );
    let snap = read(&settings).await;
    assert_eq!(
        user(&snap, "carol").cti.phone_primary.as_deref(),
        Some("103")
    );

    // groups and computers use their own attributes (ectisrv3ComputerPassword)
    let group_patch = CtiAttributes {
        services: Some(0x1000),
        leader_dn: Some(DAVE.into()),
        lines: vec!["ignored for groups".into()],
        ..CtiAttributes::default()
    };
    write_back(&settings, CTI_USERS, ObjectKind::Group, &group_patch, None)
        .await
        .unwrap();
    let pc_patch = CtiAttributes {
        lines: vec!["*".into()],
        password: Some("bmV3".into()),
        ..CtiAttributes::default()
    };
    write_back(&settings, PC01, ObjectKind::Computer, &pc_patch, None)
        .await
        .unwrap();
    let snap = read(&settings).await;
    assert_eq!(snap.groups[0].cti.services, Some(0x1000));
    assert_eq!(snap.groups[0].cti.leader_dn.as_deref(), Some(DAVE));
    assert_eq!(snap.computers[0].cti.lines, ["*"]);
    assert_eq!(snap.computers[0].cti.password.as_deref(), Some("bmV3"));

    // errors: a missing entry, and write-back switched off
    let err = write_back(
        &settings,
        "uid=nobody,ou=people,dc=test,dc=local",
        ObjectKind::User,
        &patch,
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DirectoryError::NotFound { .. }), "{err}");
    let mut off = settings.clone();
    off.write_back = false;
    let err = write_back(&off, ALICE, ObjectKind::User, &patch, None)
        .await
        .unwrap_err();
    assert!(matches!(err, DirectoryError::WriteBackDisabled), "{err}");
}

#[tokio::test]
async fn reserved_mode_reads_and_writes_back_keeping_foreign_values() {
    let Some(slapd) = Slapd::start("reserved_mode", DATA_RESERVED).await else {
        return;
    };
    let settings = slapd.settings(Mode::Reserved);
    let snap = read(&settings).await;
    let mut logins: Vec<&str> = snap.users.iter().map(|u| u.login.as_str()).collect();
    logins.sort();
    assert_eq!(
        logins,
        ["alice", "dave"],
        "bob is disabled; dave is enabled with =1"
    );

    let alice = user(&snap, "alice");
    assert_eq!(
        alice.guid.as_deref(),
        Some("6f9619ff-8b86-d011-b42d-00c04fc964ff")
    );
    assert_eq!(alice.thumbnail.as_ref().map(Vec::len), Some(19));
    let cti = &alice.cti;
    assert_eq!(cti.enabled, Some(true));
    assert_eq!(cti.schema_version, Some(6));
    assert_eq!(cti.sip_uri.as_deref(), Some("sip:alice@test.local"));
    assert_eq!(cti.phone_primary.as_deref(), Some("101"));
    assert_eq!(cti.phone_secondary.as_deref(), Some("102"));
    assert_eq!(cti.mailbox.as_deref(), Some("147"));
    assert_eq!(cti.recording_server.as_deref(), Some("199"));
    let mut lines = cti.lines.clone();
    lines.sort();
    assert_eq!(
        lines,
        ["+49301234203", "201", "202"],
        "two values of ectisrv3CTILines"
    );
    assert_eq!(cti.lines_permissions, Some(0x834), "hex tolerated");
    assert_eq!(cti.services, Some(776));
    assert_eq!(cti.services2, Some(6));
    assert_eq!(cti.password.as_deref(), Some("b3BhcXVlLWNpcGhlcg=="));
    assert_eq!(cti.permissions.len(), 2);
    assert_eq!(cti.property_bag, ["color=blue", "lang=de"]);
    assert_eq!(cti.home_server.as_deref(), Some("cti1.test.local"));
    assert_eq!(user(&snap, "dave").cti.services, Some(8));

    let g = &snap.groups[0];
    assert_eq!(g.name, "CTI Users");
    assert_eq!(g.members.len(), 3);
    assert_eq!(g.cti.services, Some(53248));
    assert_eq!(g.cti.leader_dn.as_deref(), Some(ALICE));
    assert_eq!(
        g.cti.members_permissions.as_deref(),
        Some("*;0x00000001;0x00000000;0x00000000")
    );
    let pc = &snap.computers[0];
    assert_eq!(
        (pc.name.as_str(), pc.cti.lines.as_slice()),
        ("PC01", &["*".to_string()][..])
    );
    assert_eq!(pc.cti.password.as_deref(), Some("cGMwMS1zZWNyZXQ="));

    // write-back: change services, lines and permissions
    let patch = CtiAttributes {
        services: Some(1800),
        lines: vec!["201".into(), "250".into()],
        permissions: vec!["carol;0x00000001;0x00000000;0x00000000".into()],
        ..CtiAttributes::default()
    };
    write_back(
        &settings,
        ALICE,
        ObjectKind::User,
        &patch,
        Some("alice@test.local"),
    )
    .await
    .unwrap();
    let ldif = slapd
        .read_attrs(ALICE, &["extensionName", "proxyAddresses"])
        .await;
    assert!(
        ldif.contains("extensionName: otherapp:setting=1\n"),
        "foreign value kept: {ldif}"
    );
    assert!(
        ldif.contains("extensionName: ectisrv3FutureSetting=kept as it is\n"),
        "{ldif}"
    );
    assert!(
        ldif.contains("extensionName: ectisrv3CTIServices=1800\n"),
        "{ldif}"
    );
    assert!(!ldif.contains("ectisrv3CTIServices=776"), "{ldif}");
    assert!(
        ldif.contains(
            "extensionName: ectisrv3UserPermissions=carol;0x00000001;0x00000000;0x00000000\n"
        ),
        "{ldif}"
    );
    assert!(!ldif.contains("ectisrv3UserPermissions=bob"), "{ldif}");
    assert!(
        ldif.contains("extensionName: ectisrv3CTIPhonePrimary=101\n"),
        "untouched: {ldif}"
    );
    assert!(
        ldif.contains("extensionName: ectisrv3CTILinesPermissions=0x834\n"),
        "untouched, as written by others: {ldif}"
    );
    assert!(
        ldif.contains("proxyAddresses: SMTP:alice@test.local\n"),
        "{ldif}"
    );
    assert!(
        ldif.contains("proxyAddresses: SIP:alice@test.local\n"),
        "{ldif}"
    );

    let snap = read(&settings).await;
    let alice = user(&snap, "alice");
    assert_eq!(alice.cti.services, Some(1800));
    assert_eq!(
        alice.cti.lines,
        ["201", "250"],
        "both old Lines values replaced by one"
    );
    assert_eq!(
        alice.cti.permissions,
        ["carol;0x00000001;0x00000000;0x00000000"]
    );
    assert_eq!(alice.cti.mailbox.as_deref(), Some("147"));

    // disabling a user in reserved mode makes the default filter drop it; other values stay
    let off = CtiAttributes {
        enabled: Some(false),
        ..CtiAttributes::default()
    };
    write_back(&settings, DAVE, ObjectKind::User, &off, None)
        .await
        .unwrap();
    let snap = read(&settings).await;
    assert!(snap.users.iter().all(|u| u.login != "dave"));
    let ldif = slapd.read_attrs(DAVE, &["extensionName"]).await;
    assert!(
        ldif.contains("extensionName: ectisrv3CTIEnabled=FALSE\n"),
        "{ldif}"
    );
    assert!(
        ldif.contains("extensionName: ectisrv3CTIServices=8\n"),
        "{ldif}"
    );

    // group write-back keeps the group's foreign value
    let gp = CtiAttributes {
        deputy_dn: Some(ALICE.into()),
        ..CtiAttributes::default()
    };
    write_back(&settings, CTI_USERS, ObjectKind::Group, &gp, None)
        .await
        .unwrap();
    let ldif = slapd.read_attrs(CTI_USERS, &["extensionName"]).await;
    assert!(
        ldif.contains("extensionName: otherapp:group=yes\n"),
        "{ldif}"
    );
    assert!(
        ldif.contains(&format!("extensionName: ectisrv3GroupDeputyDN={ALICE}\n")),
        "{ldif}"
    );
    assert!(!ldif.contains("ectisrv3GroupDeputyDN=uid=dave"), "{ldif}");
}

#[tokio::test]
async fn paged_results_read_1200_users() {
    let Some(slapd) = Slapd::start("paged_results", &common::generated_users(1200, true)).await
    else {
        return;
    };
    // without paging the service account hits the 500-entry size limit
    let out = slapd
        .ldap_tool_as(
            "ldapsearch",
            common::SYNC_DN,
            common::SYNC_PW,
            &[
                "-LLL",
                "-b",
                common::BASE,
                "(objectClass=inetOrgPerson)",
                "dn",
            ],
        )
        .await;
    assert_eq!(
        out.status.code(),
        Some(4),
        "sizeLimitExceeded expected: {:?}",
        out
    );

    let mut settings = slapd.settings(Mode::Schema);
    settings.page_size = 500;
    let mut reports = Vec::new();
    let snap = read_directory(&settings, &mut |p: Progress| reports.push(p))
        .await
        .unwrap();
    assert_eq!(snap.users.len(), 1200);
    let mut logins: Vec<&str> = snap.users.iter().map(|u| u.login.as_str()).collect();
    logins.sort();
    logins.dedup();
    assert_eq!(logins.len(), 1200, "no duplicates across pages");
    let user_pages: Vec<usize> = reports
        .iter()
        .filter(|p| p.kind == ObjectKind::User && !p.done)
        .map(|p| p.read)
        .collect();
    assert_eq!(user_pages, [500, 1000, 1200]);
    assert_eq!(snap.users[0].cti.services, Some(776));

    // reserved mode over the same data (the generated users carry both forms)
    settings.mode = Mode::Reserved;
    settings.page_size = 1000;
    let snap = read(&settings).await;
    assert_eq!(snap.users.len(), 1200);
    assert!(snap.users.iter().all(|u| u.cti.services == Some(776)));
}

#[tokio::test]
async fn wrong_password_and_bad_base_are_clear_errors() {
    let Some(slapd) = Slapd::start("wrong_password", DATA_SCHEMA).await else {
        return;
    };
    let mut settings = slapd.settings(Mode::Schema);
    settings.bind_password = "wrong".into();
    let err = read_directory(&settings, &mut |_| {}).await.unwrap_err();
    eprintln!("wrong password: {err}");
    match &err {
        DirectoryError::Bind { dn, message } => {
            assert_eq!(dn, common::SYNC_DN);
            assert!(
                message.contains("invalid credentials: wrong bind DN or password"),
                "{message}"
            );
        }
        other => panic!("expected a bind error, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("LDAP bind as \"cn=sync,dc=test,dc=local\" failed: invalid credentials"),
        "{err}"
    );

    let mut settings = slapd.settings(Mode::Schema);
    settings.base_dn = "ou=nowhere,dc=test,dc=local".into();
    let err = read_directory(&settings, &mut |_| {}).await.unwrap_err();
    eprintln!("bad base: {err}");
    assert!(matches!(err, DirectoryError::Search { .. }), "{err:?}");
    assert!(err.to_string().contains("no such object"), "{err}");

    let mut settings = slapd.settings(Mode::Schema);
    settings.user_filter = "(&(uid=*)(".into();
    let err = read_directory(&settings, &mut |_| {}).await.unwrap_err();
    assert!(matches!(err, DirectoryError::Config { .. }), "{err:?}");
}

#[tokio::test]
async fn server_down_is_a_quick_connect_error() {
    let port = common::free_port();
    let mut settings = callboard_directory::LdapSettings::new(
        format!("ldap://127.0.0.1:{port}"),
        common::SYNC_DN,
        common::SYNC_PW,
        common::BASE,
    );
    settings.timeout = Duration::from_secs(5);
    let started = Instant::now();
    let err = read_directory(&settings, &mut |_| {}).await.unwrap_err();
    eprintln!("server down after {:?}: {err}", started.elapsed());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(err, DirectoryError::Connect { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "LDAP server ldap://127.0.0.1:{port} is not reachable: connection refused (is the server running and listening on this port?)"
        )
    );
}

#[tokio::test]
async fn silent_server_is_a_timeout() {
    // accepts TCP but never answers the bind
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    let mut settings = callboard_directory::LdapSettings::new(
        format!("ldap://127.0.0.1:{port}"),
        common::SYNC_DN,
        common::SYNC_PW,
        common::BASE,
    );
    settings.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let err = read_directory(&settings, &mut |_| {}).await.unwrap_err();
    eprintln!("silent server: {err}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        matches!(
            err,
            DirectoryError::Timeout {
                operation: "bind",
                ..
            }
        ),
        "{err:?}"
    );
    hold.abort();
}

#[tokio::test]
async fn tls_ldaps_and_starttls() {
    let Some(slapd) = Slapd::start("tls", DATA_SCHEMA).await else {
        return;
    };
    // ldaps:// with a certificate nobody trusts: works with tls_verify = false ...
    let mut settings = slapd.settings(Mode::Schema);
    settings.url = slapd.ldaps_url.clone();
    settings.tls_verify = false;
    assert_eq!(read(&settings).await.users.len(), 2);

    // ... fails with verification against the system roots, with a hint ...
    settings.tls_verify = true;
    let err = read_directory(&settings, &mut |_| {}).await.unwrap_err();
    eprintln!("untrusted certificate: {err}");
    assert!(matches!(err, DirectoryError::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains("tls_verify = false"), "{err}");

    // ... and works when verified against the test CA
    settings.tls_ca_file = Some(slapd.ca_file());
    assert_eq!(read(&settings).await.users.len(), 2);

    // StartTLS on the plain port, verified
    let mut starttls = slapd.settings(Mode::Schema);
    starttls.starttls = true;
    starttls.tls_ca_file = Some(slapd.ca_file());
    assert_eq!(read(&starttls).await.groups.len(), 1);
}
