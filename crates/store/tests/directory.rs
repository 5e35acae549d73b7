//! The directory in the store, on SQLite and PostgreSQL alike: users with numbers and
//! credentials, all-or-nothing imports, computers, groups with members, settings.

mod common;

use callboard_core::directory::{
    Computer, ComputerProfile, Group, GroupProfile, LineGrant, MonitorGrant, Source, User,
};
use callboard_core::passwords::Credentials;
use callboard_store::{AccountKind, NewUser, StoreError};
use common::TestDb;

fn user(login: &str, business: Option<&str>) -> NewUser {
    let mut user = User::new(login);
    user.profile.first_name = "Arthur".into();
    user.profile.last_name = "Dent".into();
    user.profile.numbers.business = business.map(str::to_owned);
    user.profile.services = 0x208;
    user.profile.lines.push(LineGrant {
        line: "205".into(),
        access: 0x4 | 0x800,
    });
    user.profile.monitors.push(MonitorGrant {
        line: "206".into(),
        clip: false,
        pickup: true,
    });
    NewUser {
        user,
        credentials: Credentials {
            hash: Some("$argon2id$v=19$m=256,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into()),
            ..Credentials::default()
        },
    }
}

async fn users_round_trip_with_profile_numbers_and_credentials(db: TestDb) {
    let store = db.open().await;
    store
        .add_users(
            &[
                user("arthur", Some("+49301234201")),
                user("Ford", Some("+49301234202")),
            ],
            1,
        )
        .await
        .unwrap();
    let arthur = store.user("ARTHUR").await.unwrap().unwrap();
    assert_eq!(arthur.login, "arthur");
    assert_eq!(arthur.profile.shown_name(), "Arthur Dent");
    assert_eq!(arthur.profile.services, 0x208);
    assert_eq!(arthur.profile.lines[0].access, 0x804);
    assert!(!arthur.profile.monitors[0].clip);
    assert_eq!(
        store.users_with_number("+49301234202").await.unwrap(),
        vec!["Ford".to_string()]
    );
    let logins: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.login)
        .collect();
    assert_eq!(logins, vec!["arthur".to_string(), "Ford".to_string()]);

    let mut credentials = store
        .credentials(AccountKind::User, "ford")
        .await
        .unwrap()
        .unwrap();
    assert!(credentials.hash.is_some());
    credentials.failed_logins = 3;
    credentials.locked_until_ms = Some(99);
    assert!(
        store
            .set_credentials(AccountKind::User, "FORD", &credentials)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .credentials(AccountKind::User, "ford")
            .await
            .unwrap()
            .unwrap(),
        credentials
    );
    assert!(
        store
            .credentials(AccountKind::User, "zaphod")
            .await
            .unwrap()
            .is_none()
    );

    // Saving a changed user keeps its credentials and re-indexes its numbers.
    let mut changed = user("ford", Some("+49301234299"));
    changed.credentials = Credentials::default();
    store.save_users(&[changed], 2).await.unwrap();
    assert_eq!(
        store
            .credentials(AccountKind::User, "ford")
            .await
            .unwrap()
            .unwrap(),
        credentials
    );
    assert!(
        store
            .users_with_number("+49301234202")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.users_with_number("+49301234299").await.unwrap().len(),
        1
    );

    assert!(store.set_user_disabled("arthur", true, 3).await.unwrap());
    assert!(store.user("arthur").await.unwrap().unwrap().disabled);
    assert!(!store.set_user_disabled("nobody", true, 3).await.unwrap());
    store.close().await;
    let reopened = db.open().await;
    assert!(
        reopened.user("arthur").await.unwrap().unwrap().disabled,
        "kept across a restart"
    );
}

async fn an_import_with_a_duplicate_writes_nothing(db: TestDb) {
    let store = db.open().await;
    store.add_users(&[user("arthur", None)], 1).await.unwrap();
    let error = store
        .add_users(
            &[
                user("trillian", None),
                user("ARTHUR", None),
                user("zaphod", None),
            ],
            2,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::Duplicate(what) if what.contains("ARTHUR")),
        "{error}"
    );
    assert_eq!(
        store.users().await.unwrap().len(),
        1,
        "trillian was not half-written"
    );
    let error = store.add_users(&[user("  ", None)], 3).await.unwrap_err();
    assert!(matches!(error, StoreError::Invalid(_)), "{error}");
}

async fn groups_keep_members_and_profiles(db: TestDb) {
    let store = db.open().await;
    store
        .add_users(&[user("arthur", None), user("ford", None)], 1)
        .await
        .unwrap();
    let group = Group {
        name: "Sales".into(),
        profile: GroupProfile {
            line: Some("299".into()),
            line_access: 0x4,
            leader: Some("zaphod".into()),
            services: 0x8000,
            ..GroupProfile::default()
        },
        members: vec!["Arthur".into(), "ford".into(), "ford".into()],
        source: Source::Internal,
        external_id: None,
    };
    store.save_group(&group, 1).await.unwrap();
    let read = store.group("sales").await.unwrap().unwrap();
    assert_eq!(read.members, vec!["arthur".to_string(), "ford".to_string()]);
    assert_eq!(
        read.profile.leader.as_deref(),
        Some("zaphod"),
        "leaders need not be members"
    );
    assert_eq!(
        store.groups_of("FORD").await.unwrap(),
        vec!["Sales".to_string()]
    );
    let mut smaller = read.clone();
    smaller.members = vec!["ford".into()];
    store.save_group(&smaller, 2).await.unwrap();
    assert_eq!(
        store.groups().await.unwrap()[0].members,
        vec!["ford".to_string()]
    );
    assert!(store.delete_user("ford").await.unwrap());
    assert!(
        store
            .group("sales")
            .await
            .unwrap()
            .unwrap()
            .members
            .is_empty()
    );
    assert!(store.delete_group("Sales").await.unwrap());
    assert!(store.groups().await.unwrap().is_empty());
}

async fn computers_and_their_credentials(db: TestDb) {
    let store = db.open().await;
    let computer = Computer {
        name: "WS-042".into(),
        profile: ComputerProfile {
            phone_primary: Some("201".into()),
            all_lines: true,
            ..ComputerProfile::default()
        },
        source: Source::Ldap,
        external_id: Some("CN=WS-042,OU=Computers,DC=test,DC=local".into()),
    };
    store.save_computer(&computer, 1).await.unwrap();
    assert_eq!(store.computer("ws-042").await.unwrap().unwrap(), computer);
    let credentials = Credentials {
        transfer_at_next_login: true,
        ..Credentials::default()
    };
    assert!(
        store
            .set_credentials(AccountKind::Computer, "WS-042", &credentials)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .credentials(AccountKind::Computer, "ws-042")
            .await
            .unwrap()
            .unwrap(),
        credentials
    );
    assert_eq!(store.computers().await.unwrap().len(), 1);
    assert!(store.delete_computer("WS-042").await.unwrap());
    assert!(store.computer("ws-042").await.unwrap().is_none());
}

async fn settings_are_kept(db: TestDb) {
    let store = db.open().await;
    assert_eq!(store.setting("rights.global").await.unwrap(), None);
    store
        .set_setting("rights.global", "{\"services\":8}")
        .await
        .unwrap();
    store
        .set_setting("rights.global", "{\"services\":9}")
        .await
        .unwrap();
    assert_eq!(
        store.setting("rights.global").await.unwrap().as_deref(),
        Some("{\"services\":9}")
    );
}

async fn every_directory_change_and_no_login_moves_the_revision(db: TestDb) {
    let store = db.open().await;
    let mut last = store.directory_revision().await.unwrap();
    let mut moved = |now: i64, what: &str| {
        assert!(
            now > last,
            "{what} did not move the revision ({now} <= {last})"
        );
        last = now;
    };
    store.add_users(&[user("arthur", None)], 1).await.unwrap();
    moved(store.directory_revision().await.unwrap(), "add_users");
    store.set_user_disabled("arthur", true, 2).await.unwrap();
    moved(
        store.directory_revision().await.unwrap(),
        "set_user_disabled",
    );
    let computer = Computer {
        name: "WS-1".into(),
        profile: ComputerProfile::default(),
        source: Source::Internal,
        external_id: None,
    };
    store.save_computer(&computer, 3).await.unwrap();
    moved(store.directory_revision().await.unwrap(), "save_computer");
    store.delete_computer("WS-1").await.unwrap();
    moved(store.directory_revision().await.unwrap(), "delete_computer");
    let group = Group {
        name: "Sales".into(),
        profile: GroupProfile::default(),
        members: vec!["arthur".into()],
        source: Source::Internal,
        external_id: None,
    };
    store.save_group(&group, 4).await.unwrap();
    moved(store.directory_revision().await.unwrap(), "save_group");
    store.delete_group("Sales").await.unwrap();
    moved(store.directory_revision().await.unwrap(), "delete_group");
    store.set_setting("rights.global", "{}").await.unwrap();
    moved(store.directory_revision().await.unwrap(), "set_setting");
    store.delete_user("arthur").await.unwrap();
    moved(store.directory_revision().await.unwrap(), "delete_user");

    let before = store.directory_revision().await.unwrap();
    store
        .set_credentials(AccountKind::User, "arthur", &Credentials::default())
        .await
        .unwrap();
    assert_eq!(
        store.directory_revision().await.unwrap(),
        before,
        "a login (credentials) is not a directory change"
    );
}

conformance!(
    every_directory_change_and_no_login_moves_the_revision,
    users_round_trip_with_profile_numbers_and_credentials,
    an_import_with_a_duplicate_writes_nothing,
    groups_keep_members_and_profiles,
    computers_and_their_credentials,
    settings_are_kept,
);
