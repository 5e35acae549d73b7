//! The store conformance suite: every test runs against SQLite and against PostgreSQL (a
//! throw-away database per test on the server named by `CALLBOARD_TEST_POSTGRES_URL`, which
//! `scripts/test.sh` starts). The phone inventory: registrations, identities, online state,
//! admin decisions made by another process, persistence across a reopen (a restart).

mod common;

use common::TestDb;

use callboard_core::{AdminState, Mac, PhoneModel, PhoneStatus, Transport};
use callboard_store::{PhoneUpdate, PhoneWriter, RegistrationUpdate, Store};

fn mac(text: &str) -> Mac {
    text.parse().unwrap()
}

fn registration(mac_text: &str, at_ms: i64, admin_if_new: AdminState) -> PhoneUpdate {
    PhoneUpdate::Registered(RegistrationUpdate {
        mac: mac(mac_text),
        model: PhoneModel::from_user_agent("snomD785/10.1.54.13"),
        user_agent: "snomD785/10.1.54.13".into(),
        address: "192.0.2.7:5062".into(),
        transport: Transport::Tls,
        at_ms,
        registered: admin_if_new == AdminState::Enabled,
        admin_state_if_new: admin_if_new,
    })
}

async fn registration_identities_and_online_state_survive_a_reopen(db: TestDb) {
    let store = db.open().await;
    store
        .apply_phone_updates(&[
            registration("00:04:13:a1:b2:c3", 1_000, AdminState::Enabled),
            PhoneUpdate::Identities {
                mac: mac("000413A1B2C3"),
                identities: vec!["sip:201@pbx.example".into(), "sip:202@pbx.example".into()],
            },
            PhoneUpdate::Online {
                mac: mac("000413A1B2C3"),
                online: true,
            },
        ])
        .await
        .unwrap();
    let phone = store.phone(mac("000413a1b2c3")).await.unwrap().unwrap();
    assert_eq!(phone.status(), PhoneStatus::Online);
    assert_eq!(phone.model.vendor, "snom");
    assert_eq!(phone.model.model, "D785");
    assert_eq!(phone.last_address.as_deref(), Some("192.0.2.7:5062"));
    assert_eq!(phone.transport, Some(Transport::Tls));
    assert_eq!(phone.first_seen_ms, 1_000);
    assert_eq!(phone.last_registration_ms, Some(1_000));
    store.close().await;

    let reopened = db.open().await;
    let phones = reopened.phones().await.unwrap();
    assert_eq!(phones.len(), 1);
    assert_eq!(
        phones[0].identities,
        vec![
            "sip:201@pbx.example".to_string(),
            "sip:202@pbx.example".to_string()
        ]
    );
    reopened.mark_all_phones_offline().await.unwrap();
    assert_eq!(
        reopened
            .phone(mac("000413A1B2C3"))
            .await
            .unwrap()
            .unwrap()
            .status(),
        PhoneStatus::Offline
    );
}

async fn new_phone_lines_move_the_directory_revision_and_the_same_lines_do_not(db: TestDb) {
    let store = db.open().await;
    let identities = |lines: &[&str]| PhoneUpdate::Identities {
        mac: mac("000413A1B2C3"),
        identities: lines.iter().map(|l| l.to_string()).collect(),
    };
    store
        .apply_phone_updates(&[registration("000413A1B2C3", 1_000, AdminState::Enabled)])
        .await
        .unwrap();
    let before = store.directory_revision().await.unwrap();
    store
        .apply_phone_updates(&[identities(&["sip:201@pbx.example"])])
        .await
        .unwrap();
    let after_new = store.directory_revision().await.unwrap();
    assert!(after_new > before, "a phone's new line binds to users");
    store
        .apply_phone_updates(&[
            registration("000413A1B2C3", 2_000, AdminState::Enabled),
            identities(&["sip:201@pbx.example"]),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.directory_revision().await.unwrap(),
        after_new,
        "a re-registration with the same lines is no directory change"
    );
}

async fn a_later_registration_keeps_first_seen_and_the_admin_decision(db: TestDb) {
    let store = db.open().await;
    store
        .apply_phone_updates(&[registration("000413000001", 1_000, AdminState::Pending)])
        .await
        .unwrap();
    let pending = store.phone(mac("000413000001")).await.unwrap().unwrap();
    assert_eq!(pending.status(), PhoneStatus::Pending);
    assert_eq!(
        pending.last_registration_ms, None,
        "a refused phone never registered"
    );

    // A second attempt claims `Enabled` for a new phone, but the phone is not new.
    store
        .apply_phone_updates(&[registration("000413000001", 2_000, AdminState::Enabled)])
        .await
        .unwrap();
    let phone = store.phone(mac("000413000001")).await.unwrap().unwrap();
    assert_eq!(phone.admin_state, AdminState::Pending);
    assert_eq!(phone.first_seen_ms, 1_000);
    assert_eq!(phone.last_registration_ms, Some(2_000));
}

async fn admin_changes_from_another_process_are_seen_in_order(db: TestDb) {
    let server = db.open().await;
    let cli = db.open().await; // a second pool on the same database, like `callboard phones enable`
    server
        .apply_phone_updates(&[registration("000413000001", 1_000, AdminState::Pending)])
        .await
        .unwrap();
    assert!(
        cli.set_admin_state(mac("000413000001"), AdminState::Enabled, 5_000)
            .await
            .unwrap()
    );
    assert!(
        !cli.set_admin_state(mac("000413000002"), AdminState::Disabled, 6_000)
            .await
            .unwrap()
    );

    let changes = server.admin_changes_since(0).await.unwrap();
    assert_eq!(
        changes,
        vec![
            (mac("000413000001"), AdminState::Enabled, 1),
            (mac("000413000002"), AdminState::Disabled, 2),
        ]
    );
    assert_eq!(server.admin_changes_since(2).await.unwrap(), vec![]);
    assert!(
        cli.set_admin_state(mac("000413000001"), AdminState::Disabled, 7_000)
            .await
            .unwrap()
    );
    assert_eq!(
        server.admin_changes_since(2).await.unwrap(),
        vec![(mac("000413000001"), AdminState::Disabled, 3)]
    );
    let precommissioned = server.phone(mac("000413000002")).await.unwrap().unwrap();
    assert_eq!(precommissioned.status(), PhoneStatus::Disabled);
}

async fn the_writer_batches_and_flush_waits_for_the_write(db: TestDb) {
    let store = db.open().await;
    let (writer, task) = PhoneWriter::new(store.clone(), 64);
    let handle = tokio::spawn(task.run());
    for i in 0..1_000u32 {
        writer
            .send(registration(
                &format!("0004130{i:05}"),
                i64::from(i),
                AdminState::Enabled,
            ))
            .await;
    }
    writer.flush().await;
    assert_eq!(store.phones().await.unwrap().len(), 1_000);
    drop(writer);
    handle.await.unwrap();
}

conformance!(
    new_phone_lines_move_the_directory_revision_and_the_same_lines_do_not,
    registration_identities_and_online_state_survive_a_reopen,
    a_later_registration_keeps_first_seen_and_the_admin_decision,
    admin_changes_from_another_process_are_seen_in_order,
    the_writer_batches_and_flush_waits_for_the_write,
);

#[tokio::test]
async fn unknown_store_urls_are_refused_with_a_clear_error() {
    let error = Store::open("mysql://localhost/x").await.unwrap_err();
    assert!(error.to_string().contains("mysql://localhost/x"), "{error}");
}

#[tokio::test]
async fn a_postgres_server_that_refuses_us_is_a_clear_error() {
    let Some(url) = common::postgres_url() else {
        return common::skip("a_postgres_server_that_refuses_us_is_a_clear_error");
    };
    let wrong = url.replacen("callboard:callboard@", "callboard:wrong-password@", 1);
    let error = Store::open(&wrong).await.unwrap_err();
    assert!(error.to_string().contains("password"), "{error}");
    let down = "postgres://callboard:callboard@127.0.0.1:9/callboard";
    let error = Store::open(down).await.unwrap_err();
    assert!(error.to_string().starts_with("database error"), "{error}");
}
