//! Rights evaluation (issue #4 benchmark): what the rights cost per delivered event, and at
//! login, with a directory of 100,000 users in 1,000 groups.
//!
//!     cargo bench -p callboard-core --bench rights
//!
//! Per delivered event the hub does two things with rights: it reads the visibility level each
//! subscriber got at MonitorStart (`EffectiveRights::visibility`, measured here as if it were
//! evaluated per delivery), and it masks the event once per visibility level among the line's
//! subscribers (`mask_event`); the masked copy is then encoded once and shared by every
//! subscriber of that level.

use std::hint::black_box;

use callboard_core::LineKey;
use callboard_core::rights::{
    GlobalRights, Grantee, GroupRights, LineAccess, LineGrant, MonitorRight, PersonRights,
    PhoneRights, PresenceRights, RightsModel, Services, Services2, UserPermission, UserRights,
    Visibility, mask_event,
};
use criterion::{Criterion, criterion_group, criterion_main};
use csta_proto::CstaMessage;

const USERS: usize = 100_000;
const GROUP_SIZE: usize = 100;

fn line(i: usize) -> LineKey {
    LineKey::from_device_id(&format!("{}", 100_000 + i)).expect("a line key")
}

/// Every user has a main device, CLIP monitoring of the next line, free/busy of the one after,
/// an additional line, and lets the previous user see its presence and primary line.
fn model() -> RightsModel {
    let users = (0..USERS).map(|i| {
        let mut user = UserRights::new(format!("user{i:06}"));
        user.services = Services(776);
        user.services2 = Services2(6);
        user.main_devices = vec![line(i)];
        user.primary_line = Some(line(i));
        user.monitor_rights = vec![
            MonitorRight {
                line: line((i + 1) % USERS),
                clip: true,
                pickup: true,
            },
            MonitorRight {
                line: line((i + 2) % USERS),
                clip: false,
                pickup: false,
            },
        ];
        user.additional_lines = vec![LineGrant {
            line: line((i + 3) % USERS),
            access: LineAccess(0x4 | 0x800),
        }];
        user.permissions = vec![UserPermission {
            grantee: Grantee::User(format!("user{:06}", (i + USERS - 1) % USERS)),
            rights: PersonRights {
                presence: PresenceRights(0x3),
                primary: PhoneRights(0x203),
                secondary: PhoneRights(0),
            },
        }];
        user
    });
    let groups = (0..USERS / GROUP_SIZE).map(|g| GroupRights {
        name: format!("group{g:04}"),
        members: (0..GROUP_SIZE)
            .map(|m| format!("user{:06}", g * GROUP_SIZE + m))
            .collect(),
        leader: Some(format!("user{:06}", g * GROUP_SIZE)),
        deputy: None,
        services: Services(0),
        services2: Services2(0),
        group_line: None,
        monitor_rights: Vec::new(),
        member_permissions: PersonRights {
            presence: PresenceRights(0x1),
            primary: PhoneRights(0x1),
            secondary: PhoneRights(0),
        },
        leader_permissions: PersonRights::NONE,
    });
    RightsModel::new(users, groups, GlobalRights::default())
}

fn delivered_event() -> CstaMessage {
    let xml = br#"<?xml version="1.0" encoding="utf-8"?>
<DeliveredEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed5">
    <monitorCrossRefID>7</monitorCrossRefID>
    <connection><callID>12</callID><deviceID>100050</deviceID></connection>
    <alertingDevice><deviceIdentifier>100050</deviceIdentifier></alertingDevice>
    <callingDevice><deviceIdentifier>+4930123456</deviceIdentifier></callingDevice>
    <calledDevice><deviceIdentifier>100050</deviceIdentifier></calledDevice>
    <lastRedirectionDevice><notKnown /></lastRedirectionDevice>
    <localConnectionInfo>alerting</localConnectionInfo>
    <cause>newCall</cause>
</DeliveredEvent>"#;
    csta_proto::decode(xml).expect("a DeliveredEvent").message
}

fn rights(c: &mut Criterion) {
    let model = model();
    let watcher = model.effective("user000049");
    let watched = line(50);
    let own = line(49);
    let stranger = line(60_000);
    assert!(matches!(watcher.visibility(&watched), Visibility::Full));
    assert!(!watcher.visibility(&stranger).is_visible());
    let event = delivered_event();

    let mut group = c.benchmark_group("rights");
    group.bench_function("effective rights at login (100k users)", |b| {
        b.iter(|| model.effective(black_box("user000049")))
    });
    group.bench_function("visibility of a watched line", |b| {
        b.iter(|| watcher.visibility(black_box(&watched)))
    });
    group.bench_function("visibility of a line without rights", |b| {
        b.iter(|| watcher.visibility(black_box(&stranger)))
    });
    group.bench_function("visibility of the own line", |b| {
        b.iter(|| watcher.visibility(black_box(&own)))
    });
    let free_busy = watcher.visibility(&line(51));
    assert!(free_busy.is_visible() && free_busy != Visibility::Full);
    group.bench_function("mask DeliveredEvent, numbers visible", |b| {
        b.iter(|| mask_event(black_box(&event), &watched, Visibility::Full))
    });
    group.bench_function("mask DeliveredEvent, numbers hidden", |b| {
        b.iter(|| mask_event(black_box(&event), &watched, free_busy))
    });
    group.bench_function("mask DeliveredEvent, line not visible", |b| {
        b.iter(|| mask_event(black_box(&event), &watched, Visibility::None))
    });
    group.finish();
}

criterion_group!(benches, rights);
criterion_main!(benches);
