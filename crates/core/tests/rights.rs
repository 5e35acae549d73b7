//! Examples of the rights model: bit values, the permission string form, evaluation of each
//! source of rights, the service table and masking.

use callboard_core::LineKey;
use callboard_core::rights::bits::*;
use callboard_core::rights::*;
use csta_proto::{
    AnswerCall, ConnectionId, CstaError, CstaMessage, DeflectCall, DeliveredEvent, DeviceId,
    DigitsDialedEvent, DirectedPickupCall, DivertedEvent, Edition, EstablishedEvent,
    ForwardListItem, ForwardingEvent, GetForwardingResponse, HeldEvent, MakeCall, MonitorObject,
    MonitorStart, OriginatedEvent, Party, SetForwarding, SnapshotCallResponse,
    SnapshotCallResponseInfo, SnapshotData, TransferCall,
};

fn key(text: &str) -> LineKey {
    LineKey::from_device_id(text).unwrap()
}

// ---------------------------------------------------------------- bits

#[test]
fn bit_values_are_exactly_those_of_seed_004() {
    assert_eq!(LINEACCESS_ACTIVE, 0x0000_0004);
    assert_eq!(LINEACCESS_REDIRECT, 0x0000_0010);
    assert_eq!(LINEACCESS_NUMBERSOUT, 0x0000_0020);
    assert_eq!(LINEACCESS_MULTILINECHECKUSER, 0x0000_0200);
    assert_eq!(LINEACCESS_NUMBERSIN, 0x0000_0800);

    assert_eq!(USERRIGHTS_SENDUSERUSER, 0x0000_0001);
    assert_eq!(USERRIGHTS_SENDSMS, 0x0000_0002);
    assert_eq!(USERRIGHTS_WEB, 0x0000_0004);
    assert_eq!(USERRIGHTS_USEPROCALL, 0x0000_0008);
    assert_eq!(USERRIGHTS_SELFADMIN, 0x0000_0020);
    assert_eq!(USERRIGHTS_OFFLINE_JOURNAL, 0x0000_0080);
    assert_eq!(USERRIGHTS_OFFLINE_MAIL, 0x0000_0100);
    assert_eq!(USERRIGHTS_CALLRECORDING, 0x0000_0200);
    assert_eq!(USERRIGHTS_USEPHONEBOOK, 0x0000_0400);
    assert_eq!(USERRIGHTS_GROUP_ALLINMONITOR, 0x0000_1000);
    assert_eq!(USERRIGHTS_GROUP_VIEWJOURNAL, 0x0000_4000);
    assert_eq!(USERRIGHTS_GROUP_VIEWJOURNALLEADER, 0x0000_8000);
    assert_eq!(USERRIGHTS_AV_AUDIO, 0x0200_0000);
    assert_eq!(USERRIGHTS_AV_VIDEO, 0x0400_0000);

    assert_eq!(USERRIGHTS2_ENABLE_FOR_ANONYMOUS_API, 0x0000_0001);
    assert_eq!(USERRIGHTS2_LOGIN_OVER_INTERNET, 0x0000_0002);
    assert_eq!(USERRIGHTS2_LOGIN_BY_MOBILE, 0x0000_0004);
    assert_eq!(USERRIGHTS2_ENABLE_AGENTMANAGER, 0x0000_0008);
    assert_eq!(USERRIGHTS2_IS_AGENT_SUPERVISOR, 0x0000_0010);
    assert_eq!(USERRIGHTS2_GROUP_FOR_PUBLIC_CHAT, 0x0000_0020);
    assert_eq!(USERRIGHTS2_GROUP_FOR_PORTAL, 0x0000_0040);
    assert_eq!(USERRIGHTS2_GROUP_FOR_MONITOR, 0x0000_0080);

    assert_eq!(UR_PRESENCE_VISIBLE, 0x0000_0001);
    assert_eq!(UR_PRESENCE_CHANGEABLE, 0x0000_0002);
    assert_eq!(UR_PRESENCE_APPOINTMENT_PRIVATE, 0x0000_0010);
    assert_eq!(UR_PRESENCE_APPOINTMENT_PUBLIC, 0x0000_0020);

    assert_eq!(UR_PHONE_NUMBERS_OUTBOUND, 0x0000_0001);
    assert_eq!(UR_PHONE_NUMBERS_INBOUND, 0x0000_0002);
    assert_eq!(UR_PHONE_NUMBERS_REDIRECTED, 0x0000_0004);
    assert_eq!(UR_PHONE_SET_REDIRECTION, 0x0000_0100);
    assert_eq!(UR_PHONE_PICKUP_CALLS, 0x0000_0200);

    assert_eq!(Services::NAMED.len(), 14);
    assert_eq!(Services2::NAMED.len(), 8);
    assert_eq!(LineAccess::NAMED.len(), 5);
    assert_eq!(PresenceRights::NAMED.len(), 4);
    assert_eq!(PhoneRights::NAMED.len(), 5);
}

#[test]
fn bit_fields_name_contain_and_combine() {
    // The example value of the issue: ectisrv3CTIServices=776.
    let services = Services(776);
    assert_eq!(
        services.names(),
        [
            "USERRIGHTS_USEPROCALL",
            "USERRIGHTS_OFFLINE_MAIL",
            "USERRIGHTS_CALLRECORDING"
        ]
    );
    assert!(services.contains(USERRIGHTS_USEPROCALL | USERRIGHTS_CALLRECORDING));
    assert!(!services.contains(USERRIGHTS_USEPROCALL | USERRIGHTS_SENDSMS));
    assert!(services.intersects(USERRIGHTS_USEPROCALL | USERRIGHTS_SENDSMS));
    assert_eq!(
        services.to_string(),
        "USERRIGHTS_USEPROCALL | USERRIGHTS_OFFLINE_MAIL | USERRIGHTS_CALLRECORDING"
    );
    assert_eq!(
        Services(USERRIGHTS_SENDSMS).union(Services(USERRIGHTS_USEPROCALL)),
        Services(0xa)
    );
    assert_eq!(Services(1) | Services(2), Services(3));
    assert_eq!(Services::EMPTY.to_string(), "0");
    // Unknown bits are kept and shown, never named.
    let odd = LineAccess(LINEACCESS_ACTIVE | 0x4000_0000);
    assert_eq!(odd.unknown_bits(), 0x4000_0000);
    assert_eq!(odd.to_string(), "LINEACCESS_ACTIVE | 0x40000000");
    assert_eq!(odd.bits(), 0x4000_0004);
    assert_eq!(
        format!("{odd:?}"),
        "LineAccess(0x40000004: LINEACCESS_ACTIVE | 0x40000000)"
    );
    assert_eq!(
        PhoneRights(0x203).names(),
        [
            "UR_PHONE_NUMBERS_OUTBOUND",
            "UR_PHONE_NUMBERS_INBOUND",
            "UR_PHONE_PICKUP_CALLS"
        ]
    );
    assert_eq!(PresenceRights(0x31).names().len(), 3);
    assert_eq!(u32::from(Services2::from(6)), 6);
}

#[test]
fn bit_fields_parse_numbers_and_names() {
    assert_eq!("776".parse::<Services>(), Ok(Services(776)));
    assert_eq!("0x308".parse::<Services>(), Ok(Services(776)));
    assert_eq!(
        "USERRIGHTS_USEPROCALL | offline_mail,CallRecording".parse::<Services>(),
        Ok(Services(776))
    );
    assert_eq!(
        "ACTIVE+NUMBERSIN 0x10".parse::<LineAccess>(),
        Ok(LineAccess(0x814))
    );
    assert_eq!("".parse::<PhoneRights>(), Ok(PhoneRights(0)));
    let err = "USEPROCALL | FLY".parse::<Services>().unwrap_err();
    assert_eq!(err.token, "FLY");
    assert_eq!(err.kind, "Services");
    assert!("0xZZ".parse::<Services2>().is_err());
    assert!("99999999999".parse::<Services2>().is_err());
    // Display → FromStr round trip, unknown bits included.
    for value in [0, 1, 776, 0x0600_ffff, u32::MAX] {
        let s = Services(value);
        assert_eq!(s.to_string().parse::<Services>(), Ok(s), "{value:#x}");
    }
}

// ---------------------------------------------------------------- permission strings

#[test]
fn permission_strings_round_trip() {
    let p: UserPermission = r#""jdoe";"00000001";"00000203";"00000000""#.parse().unwrap();
    assert_eq!(p.grantee, Grantee::User("jdoe".into()));
    assert_eq!(p.rights, PersonRights::new(1, 0x203, 0));
    assert_eq!(p.to_string(), r#""jdoe";"00000001";"00000203";"00000000""#);

    // Lenient about form: no quotes, 0x, case, spaces, short values.
    let q: UserPermission = " jdoe ; 0x1 ;203; 0 ".parse().unwrap();
    assert_eq!(q, p);
    let q: UserPermission = r#""jdoe" ; "0X1";"203"  ;"0""#.parse().unwrap();
    assert_eq!(q, p);
    let q: UserPermission = r#""jdoe";"1";"0000020a";"FFFFFFFF""#.parse().unwrap();
    assert_eq!(q.rights, PersonRights::new(1, 0x20a, u32::MAX));

    // Everyone, and names with quotes and separators.
    let everyone: UserPermission = r#""*";"1";"0";"0""#.parse().unwrap();
    assert_eq!(everyone.grantee, Grantee::Everyone);
    assert_eq!(
        everyone.to_string(),
        r#""*";"00000001";"00000000";"00000000""#
    );
    for name in [
        "a\"b",
        "x;y",
        "CN=Doe\\, John,OU=Users",
        "ümlaut",
        " spaced ",
    ] {
        let p = UserPermission {
            grantee: Grantee::User(name.into()),
            rights: PersonRights::new(0x33, 0x307, 0x1),
        };
        let text = p.to_string();
        assert_eq!(text.parse::<UserPermission>(), Ok(p), "{text}");
    }
}

#[test]
fn malformed_permission_strings_are_errors() {
    use PermissionParseError as E;
    let cases: &[(&str, E)] = &[
        ("", E::FieldCount(1)),
        (r#""jdoe";"1";"2""#, E::FieldCount(3)),
        (r#""jdoe";"1";"2";"3";"4""#, E::FieldCount(5)),
        (r#""jdoe;"1";"2";"3""#, E::TextAfterQuote("1\"".into())),
        (r#""jdoe";"1";"2";"3"#, E::UnterminatedQuote),
        (r#""jdoe"x;"1";"2";"3""#, E::TextAfterQuote("x".into())),
        (r#""";"1";"2";"3""#, E::EmptyUser),
        (
            r#""jdoe";"xyz";"2";"3""#,
            E::BadHex {
                field: "presence",
                value: "xyz".into(),
            },
        ),
        (
            r#""jdoe";"1";"";"3""#,
            E::BadHex {
                field: "primary line",
                value: "".into(),
            },
        ),
        (
            r#""jdoe";"1";"2";"123456789""#,
            E::BadHex {
                field: "secondary line",
                value: "123456789".into(),
            },
        ),
        (
            r#""jdoe";"-1";"2";"3""#,
            E::BadHex {
                field: "presence",
                value: "-1".into(),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            text.parse::<UserPermission>().as_ref(),
            Err(expected),
            "{text}"
        );
    }
    // Group entries: the name does not matter and may be empty.
    assert_eq!(
        PersonRights::parse_entry(r#""";"1";"3";"0""#),
        Ok(PersonRights::new(1, 3, 0))
    );
    assert!(PersonRights::parse_entry(r#""";"1";"3""#).is_err());
}

// ---------------------------------------------------------------- evaluation

fn user(login: &str) -> UserRights {
    UserRights::new(login)
}

fn model(users: Vec<UserRights>, groups: Vec<GroupRights>, global: GlobalRights) -> RightsModel {
    RightsModel::new(users, groups, global)
}

#[test]
fn main_devices_have_every_right() {
    let mut alice = user("alice");
    alice.main_devices = vec![key("201"), key("202")];
    alice.primary_line = Some(key("203"));
    let m = model(vec![alice], vec![], GlobalRights::default());
    let e = m.effective("alice");
    for line in ["201", "202", "203", "sip:201@pbx.example"] {
        let r = e.line(&key(line));
        assert_eq!(r, LineRights::MAIN_DEVICE, "{line}");
        assert_eq!(r.monitor, Visibility::Full);
    }
    assert_eq!(e.main_devices(), [key("201"), key("202"), key("203")]);
    assert_eq!(e.line(&key("299")), LineRights::NONE);
    assert!(!e.may_monitor(&key("299")));
}

#[test]
fn monitor_rights_with_clip_show_numbers_without_only_free_busy() {
    let mut alice = user("alice");
    alice.monitor_rights = vec![
        MonitorRight {
            line: key("301"),
            clip: true,
            pickup: false,
        },
        MonitorRight {
            line: key("302"),
            clip: false,
            pickup: true,
        },
    ];
    let e = model(vec![alice], vec![], GlobalRights::default()).effective("alice");
    let clip = e.line(&key("301"));
    assert_eq!(clip.monitor, Visibility::Full);
    assert!(!clip.control && !clip.pickup);
    let plain = e.line(&key("302"));
    assert_eq!(plain.monitor, Visibility::FreeBusy);
    assert!(plain.pickup && !plain.control && !plain.redirect && !plain.set_forwarding);
    assert!(e.may_request(&key("302"), "DirectedPickupCall"));
    assert!(!e.may_request(&key("301"), "DirectedPickupCall"));
    assert!(e.may_request(&key("301"), "MonitorStart"));
    assert!(!e.may_request(&key("301"), "MakeCall"));
}

#[test]
fn additional_lines_follow_their_line_access_bits() {
    let grant = |line: &str, access: u32| LineGrant {
        line: key(line),
        access: LineAccess(access),
    };
    let mut alice = user("alice");
    alice.additional_lines = vec![
        grant("401", 0),
        grant("402", LINEACCESS_ACTIVE),
        grant("403", LINEACCESS_REDIRECT | LINEACCESS_NUMBERSIN),
        grant("404", LINEACCESS_NUMBERSOUT),
        grant("405", LINEACCESS_NUMBERSIN | LINEACCESS_NUMBERSOUT),
        grant(
            "406",
            LINEACCESS_ACTIVE | LINEACCESS_REDIRECT | LINEACCESS_MULTILINECHECKUSER,
        ),
    ];
    let e = model(vec![alice], vec![], GlobalRights::default()).effective("alice");

    assert_eq!(e.visibility(&key("401")), Visibility::FreeBusy);
    assert!(!e.line(&key("401")).control);

    let r = e.line(&key("402"));
    assert!(r.control && !r.redirect && !r.pickup);
    assert_eq!(r.monitor, Visibility::FreeBusy);

    let r = e.line(&key("403"));
    assert!(!r.control && r.redirect && r.pickup && r.set_forwarding);
    assert_eq!(
        r.monitor,
        Visibility::Partial(NumberVisibility {
            incoming: true,
            outgoing: false,
            redirected: true
        })
    );

    assert_eq!(
        e.visibility(&key("404")),
        Visibility::Partial(NumberVisibility {
            incoming: false,
            outgoing: true,
            redirected: false
        })
    );
    assert_eq!(e.visibility(&key("405")), Visibility::Full);

    let r = e.line(&key("406"));
    assert!(r.only_owner_acts);
    assert!(!r.control && !r.redirect && !r.pickup);
    assert_eq!(r.monitor, Visibility::FreeBusy);
    assert!(!e.may_request(&key("406"), "MakeCall"));
    assert!(e.may_request(&key("406"), "SnapshotDevice"));
}

#[test]
fn only_owner_acts_does_not_take_away_what_other_sources_give() {
    let mut alice = user("alice");
    alice.main_devices = vec![key("201")];
    alice.additional_lines = vec![
        LineGrant {
            line: key("201"),
            access: LineAccess(LINEACCESS_MULTILINECHECKUSER),
        },
        LineGrant {
            line: key("501"),
            access: LineAccess(LINEACCESS_MULTILINECHECKUSER | LINEACCESS_ACTIVE),
        },
    ];
    let group = GroupRights {
        name: "g".into(),
        members: vec!["alice".into()],
        group_line: Some(LineGrant {
            line: key("501"),
            access: LineAccess(LINEACCESS_ACTIVE),
        }),
        ..GroupRights::default()
    };
    let e = model(vec![alice], vec![group], GlobalRights::default()).effective("alice");
    assert_eq!(e.line(&key("201")), LineRights::MAIN_DEVICE);
    let r = e.line(&key("501"));
    assert!(
        r.control,
        "the group line grants control without the owner check"
    );
    assert!(r.only_owner_acts);
}

#[test]
fn person_authorisations_apply_to_the_grantors_primary_and_secondary_line() {
    let mut bob = user("bob");
    bob.primary_line = Some(key("601"));
    bob.secondary_line = Some(key("602"));
    bob.permissions = vec![UserPermission {
        grantee: Grantee::User("alice".into()),
        rights: PersonRights::new(
            UR_PRESENCE_VISIBLE,
            UR_PHONE_NUMBERS_INBOUND | UR_PHONE_PICKUP_CALLS,
            UR_PHONE_SET_REDIRECTION,
        ),
    }];
    let m = model(
        vec![user("alice"), bob, user("carol")],
        vec![],
        GlobalRights::default(),
    );
    let e = m.effective("alice");
    let primary = e.line(&key("601"));
    assert!(primary.pickup && primary.see_incoming_numbers && !primary.see_outgoing_numbers);
    assert!(!primary.set_forwarding && !primary.control);
    assert_eq!(
        primary.monitor,
        Visibility::Partial(NumberVisibility {
            incoming: true,
            outgoing: false,
            redirected: false
        })
    );
    let secondary = e.line(&key("602"));
    assert!(secondary.set_forwarding && !secondary.pickup);
    assert_eq!(secondary.monitor, Visibility::FreeBusy);
    assert!(e.may_request(&key("602"), "SetForwarding"));
    assert!(!e.may_request(&key("601"), "SetForwarding"));
    assert_eq!(
        e.person("bob").presence,
        PresenceRights(UR_PRESENCE_VISIBLE)
    );
    assert_eq!(e.person("alice"), PersonRights::ALL);
    // Carol got nothing.
    let c = m.effective("carol");
    assert!(!c.may_monitor(&key("601")));
    assert_eq!(c.person("bob"), PersonRights::NONE);
}

#[test]
fn presence_rights_alone_do_not_show_lines() {
    let mut bob = user("bob");
    bob.primary_line = Some(key("601"));
    bob.permissions = vec![UserPermission {
        grantee: Grantee::User("alice".into()),
        rights: PersonRights::new(UR_PRESENCE_VISIBLE | UR_PRESENCE_CHANGEABLE, 0x8000, 0),
    }];
    let e = model(vec![user("alice"), bob], vec![], GlobalRights::default()).effective("alice");
    assert!(
        !e.may_monitor(&key("601")),
        "unknown phone bits give nothing"
    );
    assert!(e.person("bob").presence.contains(UR_PRESENCE_CHANGEABLE));
}

#[test]
fn without_primary_line_the_main_devices_stand_in() {
    let mut bob = user("bob");
    bob.main_devices = vec![key("701"), key("702")];
    bob.permissions = vec![UserPermission {
        grantee: Grantee::User("alice".into()),
        rights: PersonRights::new(0, UR_PHONE_NUMBERS_OUTBOUND, UR_PHONE_NUMBERS_INBOUND),
    }];
    let e = model(vec![user("alice"), bob], vec![], GlobalRights::default()).effective("alice");
    assert!(e.line(&key("701")).see_outgoing_numbers);
    assert!(!e.line(&key("701")).see_incoming_numbers);
    assert!(e.line(&key("702")).see_incoming_numbers);
    assert!(!e.line(&key("702")).see_outgoing_numbers);
}

#[test]
fn groups_give_services_lines_member_and_leader_rights() {
    let mut members = Vec::new();
    for (login, line) in [
        ("m1", "801"),
        ("m2", "802"),
        ("boss", "809"),
        ("dep", "808"),
    ] {
        let mut u = user(login);
        u.primary_line = Some(key(line));
        members.push(u);
    }
    members.push(user("outsider"));
    let group = GroupRights {
        name: "sales".into(),
        members: vec!["m1".into(), "m2".into(), "ghost".into()],
        leader: Some("boss".into()),
        deputy: Some("dep".into()),
        services: Services(
            USERRIGHTS_SENDSMS | USERRIGHTS_GROUP_VIEWJOURNALLEADER | USERRIGHTS_GROUP_ALLINMONITOR,
        ),
        services2: Services2(USERRIGHTS2_LOGIN_BY_MOBILE | USERRIGHTS2_GROUP_FOR_PORTAL),
        group_line: Some(LineGrant {
            line: key("800"),
            access: LineAccess(LINEACCESS_ACTIVE | LINEACCESS_NUMBERSIN),
        }),
        monitor_rights: vec![MonitorRight {
            line: key("899"),
            clip: false,
            pickup: true,
        }],
        member_permissions: PersonRights::new(UR_PRESENCE_VISIBLE, 0, 0),
        leader_permissions: PersonRights::new(
            UR_PRESENCE_CHANGEABLE,
            UR_PHONE_NUMBERS_INBOUND | UR_PHONE_NUMBERS_OUTBOUND | UR_PHONE_NUMBERS_REDIRECTED,
            0,
        ),
    };
    let m = model(members, vec![group], GlobalRights::default());

    let m1 = m.effective("m1");
    assert_eq!(
        m1.services(),
        Services(USERRIGHTS_SENDSMS),
        "group-only bits stay on the group"
    );
    assert_eq!(m1.services2(), Services2(USERRIGHTS2_LOGIN_BY_MOBILE));
    assert!(m1.line(&key("800")).control);
    assert!(m1.line(&key("800")).see_incoming_numbers);
    assert!(m1.line(&key("899")).pickup);
    assert_eq!(
        m1.person("m2").presence,
        PresenceRights(UR_PRESENCE_VISIBLE)
    );
    assert!(
        !m1.may_monitor(&key("802")),
        "member permissions give presence only"
    );
    assert!(!m1.may_see_journal_of("m2"));
    assert!(m1.may_see_journal_of("m1"));
    assert_eq!(
        m1.monitor_members().iter().collect::<Vec<_>>(),
        ["ghost", "m2"]
    );

    for leader in ["boss", "dep"] {
        let l = m.effective(leader);
        assert_eq!(l.visibility(&key("801")), Visibility::Full, "{leader}");
        assert_eq!(l.visibility(&key("802")), Visibility::Full, "{leader}");
        assert!(!l.line(&key("801")).control);
        assert!(l.person("m1").presence.contains(UR_PRESENCE_CHANGEABLE));
        assert!(l.may_see_journal_of("m1") && l.may_see_journal_of("m2"));
        assert!(!l.may_monitor(&key("800")), "leaders are not members");
        assert_eq!(l.services(), Services::EMPTY);
    }
    let boss = m.effective("boss");
    assert!(!boss.may_monitor(&key("808")), "the deputy is not a member");

    let outsider = m.effective("outsider");
    assert!(outsider.lines().is_empty());
}

#[test]
fn global_grants_reach_every_known_account_and_add_up() {
    let mut alice = user("alice");
    alice.primary_line = Some(key("901"));
    alice.services = Services(USERRIGHTS_USEPROCALL);
    let mut bob = user("bob");
    bob.primary_line = Some(key("902"));
    bob.permissions = vec![UserPermission {
        grantee: Grantee::Everyone,
        rights: PersonRights::new(UR_PRESENCE_APPOINTMENT_PUBLIC, UR_PHONE_NUMBERS_OUTBOUND, 0),
    }];
    let global = GlobalRights {
        services: Services(USERRIGHTS_USEPHONEBOOK),
        services2: Services2(USERRIGHTS2_LOGIN_OVER_INTERNET),
        monitor_rights: vec![MonitorRight {
            line: key("999"),
            clip: false,
            pickup: false,
        }],
        person_rights: PersonRights::new(UR_PRESENCE_VISIBLE, UR_PHONE_NUMBERS_INBOUND, 0),
    };
    let m = model(vec![alice, bob], vec![], global);
    let a = m.effective("alice");
    assert_eq!(
        a.services(),
        Services(USERRIGHTS_USEPROCALL | USERRIGHTS_USEPHONEBOOK)
    );
    assert_eq!(a.services2(), Services2(USERRIGHTS2_LOGIN_OVER_INTERNET));
    assert_eq!(a.visibility(&key("999")), Visibility::FreeBusy);
    // Global inbound + bob's outbound for everyone add up.
    let bobs = a.line(&key("902"));
    assert!(bobs.see_incoming_numbers && bobs.see_outgoing_numbers && !bobs.see_redirected_numbers);
    assert_eq!(
        a.person("bob").presence,
        PresenceRights(UR_PRESENCE_VISIBLE | UR_PRESENCE_APPOINTMENT_PUBLIC)
    );
    // Bob sees alice's line through the global person rights; his own stays a main device.
    let b = m.effective("bob");
    assert!(b.line(&key("901")).see_incoming_numbers);
    assert_eq!(b.line(&key("902")), LineRights::MAIN_DEVICE);
    assert_eq!(b.lines().len(), 3);

    // An unknown account gets nothing, not even global grants.
    let nobody = m.effective("mallory");
    assert!(!nobody.is_known());
    assert!(nobody.lines().is_empty());
    assert_eq!(nobody.services(), Services::EMPTY);
    assert_eq!(nobody.person("mallory"), PersonRights::NONE);
    assert!(!nobody.may_see_journal_of("mallory"));
}

#[test]
fn roaming_lines_are_main_devices_for_the_session() {
    let m = model(vec![user("alice")], vec![], GlobalRights::default());
    let mut e = m.effective("alice");
    assert!(!e.may_monitor(&key("250")));
    e.add_main_device(key("250"));
    assert_eq!(e.line(&key("250")), LineRights::MAIN_DEVICE);
    assert_eq!(e.main_devices(), [key("250")]);
}

#[test]
fn blf_feed_options() {
    let mut alice = user("alice");
    alice.main_devices = vec![key("201"), key("202")];
    alice.secondary_line = Some(key("203"));
    assert_eq!(alice.blf_lines(None), [key("201"), key("202"), key("203")]);
    alice.blf.mode = BlfMode::FirstMainDevice;
    assert_eq!(alice.blf_lines(Some(&key("202"))), [key("201")]);
    alice.blf.mode = BlfMode::CurrentDevice;
    assert_eq!(alice.blf_lines(Some(&key("202"))), [key("202")]);
    assert!(alice.blf_lines(None).is_empty());
    alice.blf.no_softphone = true;
    assert!(alice.blf_feeds(&key("202"), Some(&key("202")), false));
    assert!(!alice.blf_feeds(&key("202"), Some(&key("202")), true));
    assert!(!alice.blf_feeds(&key("201"), Some(&key("202")), false));
    let m = model(vec![alice], vec![], GlobalRights::default());
    assert_eq!(m.blf_lines("alice", Some(&key("201"))), [key("201")]);
    assert!(m.blf_lines("nobody", None).is_empty());
}

// ---------------------------------------------------------------- enforcement

#[test]
fn the_service_table_is_complete_and_deny_by_default() {
    let rights = LineRights::MAIN_DEVICE;
    for (service, requirement) in SERVICE_REQUIREMENTS {
        assert_eq!(required_right(service), Some(*requirement));
        assert!(rights.allows(*requirement), "{service}");
    }
    assert_eq!(required_right("FlyToTheMoon"), None);
    let mut alice = user("alice");
    alice.main_devices = vec![key("201")];
    let e = model(vec![alice], vec![], GlobalRights::default()).effective("alice");
    assert!(!e.may_request(&key("201"), "FlyToTheMoon"));
    assert!(e.may_request(&key("201"), "MakeCall"));
    assert!(e.may_request(&key("299"), "MonitorStop"));
    assert!(!e.may_request(&key("299"), "MonitorStart"));
    // Every line service the hub knows a subject for is in the table.
    for name in csta_proto::CstaMessage::NAMES {
        if let Some(requirement) = required_right(name) {
            assert_ne!(*name, "", "{requirement:?}");
        }
    }
}

#[test]
fn requests_are_checked_against_the_subject_line() {
    let mut alice = user("alice");
    alice.main_devices = vec![key("201")];
    alice.additional_lines = vec![LineGrant {
        line: key("205"),
        access: LineAccess(LINEACCESS_NUMBERSIN),
    }];
    alice.monitor_rights = vec![MonitorRight {
        line: key("206"),
        clip: false,
        pickup: true,
    }];
    let e = model(vec![alice], vec![], GlobalRights::default()).effective("alice");
    let denied = Err(CstaError::privilege_violation_specified_device());

    let monitor = |device: &str| -> CstaMessage {
        MonitorStart {
            monitor_object: MonitorObject::Device(DeviceId::new(device)),
            monitor_type: None,
        }
        .into()
    };
    assert_eq!(e.check_request(&monitor("sip:201@pbx.example")), Ok(()));
    assert_eq!(e.check_request(&monitor("205")), Ok(()));
    assert_eq!(e.check_request(&monitor("299")), denied);
    assert_eq!(
        e.check_request(&monitor("")),
        Err(CstaError::invalid_device_id())
    );

    let make = |from: &str| -> CstaMessage {
        MakeCall {
            calling_device: DeviceId::new(from),
            called_directory_number: DeviceId::new("0800123"),
            auto_originate: None,
        }
        .into()
    };
    assert_eq!(e.check_request(&make("201")), Ok(()));
    assert_eq!(e.check_request(&make("205")), denied);

    let answer: CstaMessage = AnswerCall {
        call_to_be_answered: ConnectionId::new("1", "205"),
    }
    .into();
    assert_eq!(e.check_request(&answer), denied);

    let deflect: CstaMessage = DeflectCall {
        call_to_be_diverted: ConnectionId::new("1", "206"),
        new_destination: DeviceId::new("201"),
    }
    .into();
    assert_eq!(e.check_request(&deflect), denied, "pickup is not redirect");

    let pickup = |from: &str, to: &str| -> CstaMessage {
        DirectedPickupCall {
            call_to_be_picked_up: ConnectionId::new("9", from),
            requesting_device: DeviceId::new(to),
        }
        .into()
    };
    assert_eq!(e.check_request(&pickup("206", "201")), Ok(()));
    assert_eq!(e.check_request(&pickup("205", "201")), denied);
    assert_eq!(
        e.check_request(&pickup("206", "205")),
        denied,
        "requesting device needs control"
    );
    let no_device: CstaMessage = DirectedPickupCall {
        call_to_be_picked_up: ConnectionId {
            call_id: Some("9".into()),
            device_id: None,
        },
        requesting_device: DeviceId::new("201"),
    }
    .into();
    assert_eq!(e.check_request(&no_device), denied);

    let transfer = |held: &str, active: &str| -> CstaMessage {
        TransferCall {
            held_call: ConnectionId::new("1", held),
            active_call: ConnectionId::new("2", active),
        }
        .into()
    };
    assert_eq!(e.check_request(&transfer("201", "201")), Ok(()));
    assert_eq!(e.check_request(&transfer("201", "205")), denied);

    let forwarding: CstaMessage = SetForwarding {
        device: DeviceId::new("206"),
        activate_forward: true,
        forward_dn: Some(DeviceId::new("201")),
        ..SetForwarding::default()
    }
    .into();
    assert_eq!(e.check_request(&forwarding), denied);

    let status: CstaMessage = csta_proto::RequestSystemStatus::default().into();
    assert_eq!(e.check_request(&status), Ok(()));
}

// ---------------------------------------------------------------- masking

const CALLER: &str = "sip:+4930999111@pbx.example";
const REDIRECTOR: &str = "sip:555777@pbx.example";

fn incoming_delivered() -> CstaMessage {
    DeliveredEvent {
        monitor_cross_ref_id: "7".into(),
        connection: ConnectionId::new("c1", "sip:201@pbx.example"),
        alerting_device: Party::device("sip:201@pbx.example"),
        calling_device: Party::device(CALLER),
        called_device: Party::device("sip:201@pbx.example"),
        last_redirection_device: Party::device(REDIRECTOR),
        local_connection_info: None,
        cause: None,
    }
    .into()
}

fn xml(message: &CstaMessage) -> String {
    csta_proto::encode(message, Edition::Ed5)
}

#[test]
fn free_busy_keeps_the_state_and_the_own_device_only() {
    let line = key("201");
    let masked = mask_event(&incoming_delivered(), &line, Visibility::FreeBusy).unwrap();
    let CstaMessage::DeliveredEvent(e) = &masked else {
        panic!("{masked:?}")
    };
    assert_eq!(e.calling_device, Party::Restricted);
    assert_eq!(e.last_redirection_device, Party::Restricted);
    assert_eq!(e.alerting_device, Party::device("sip:201@pbx.example"));
    assert_eq!(e.connection, ConnectionId::new("c1", "sip:201@pbx.example"));
    let text = xml(&masked);
    assert!(
        !text.contains("4930999111") && !text.contains("555777"),
        "{text}"
    );
    assert!(text.contains("<restricted/>"));

    assert_eq!(
        mask_event(&incoming_delivered(), &line, Visibility::None),
        None
    );
    assert_eq!(
        mask_event(&incoming_delivered(), &line, Visibility::Full),
        Some(incoming_delivered())
    );
}

#[test]
fn partial_visibility_shows_the_numbers_of_its_call_classes() {
    let line = key("201");
    let incoming = Visibility::with_numbers(NumberVisibility {
        incoming: true,
        ..NumberVisibility::NONE
    });
    let outgoing = Visibility::with_numbers(NumberVisibility {
        outgoing: true,
        ..NumberVisibility::NONE
    });
    assert_eq!(
        call_class(&incoming_delivered(), &line),
        CallClass::Incoming
    );
    let shown = xml(&mask_event(&incoming_delivered(), &line, incoming).unwrap());
    assert!(shown.contains("4930999111") && shown.contains("555777"));
    let hidden = xml(&mask_event(&incoming_delivered(), &line, outgoing).unwrap());
    assert!(!hidden.contains("4930999111") && !hidden.contains("555777"));

    let originated: CstaMessage = OriginatedEvent {
        originated_connection: ConnectionId::new("c2", "201"),
        calling_device: Party::device("201"),
        called_device: Party::device("0049301234567"),
        ..OriginatedEvent::default()
    }
    .into();
    assert_eq!(call_class(&originated, &line), CallClass::Outgoing);
    assert!(xml(&mask_event(&originated, &line, outgoing).unwrap()).contains("0049301234567"));
    assert!(!xml(&mask_event(&originated, &line, incoming).unwrap()).contains("0049301234567"));

    // Answered at the other side: the answering party's connection loses its device.
    let established: CstaMessage = EstablishedEvent {
        established_connection: ConnectionId::new("c2", "0049301234567"),
        answering_device: Party::device("0049301234567"),
        calling_device: Party::device("201"),
        called_device: Party::device("0049301234567"),
        ..EstablishedEvent::default()
    }
    .into();
    let CstaMessage::EstablishedEvent(e) = mask_event(&established, &line, incoming).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        e.established_connection,
        ConnectionId {
            call_id: Some("c2".into()),
            device_id: None
        }
    );

    // Held by the other party: the class is unknown, so only all numbers show it.
    let held: CstaMessage = HeldEvent {
        held_connection: ConnectionId::new("c1", "201"),
        holding_device: Party::device(CALLER),
        ..HeldEvent::default()
    }
    .into();
    let both = Visibility::with_numbers(NumberVisibility {
        incoming: true,
        outgoing: true,
        redirected: false,
    });
    assert!(!xml(&mask_event(&held, &line, both).unwrap()).contains("4930999111"));
    assert!(xml(&mask_event(&held, &line, Visibility::Full).unwrap()).contains("4930999111"));
}

#[test]
fn redirected_calls_and_forwarding_need_the_redirected_numbers() {
    let line = key("201");
    let redirected = Visibility::with_numbers(NumberVisibility {
        redirected: true,
        ..NumberVisibility::NONE
    });
    let incoming = Visibility::with_numbers(NumberVisibility {
        incoming: true,
        ..NumberVisibility::NONE
    });
    let away: CstaMessage = DivertedEvent {
        connection: ConnectionId::new("c1", "201"),
        diverting_device: Party::device("201"),
        new_destination: Party::device("sip:+4930555000@pbx.example"),
        calling_device: Some(Party::device(CALLER)),
        called_device: Some(Party::device("201")),
        ..DivertedEvent::default()
    }
    .into();
    assert_eq!(call_class(&away, &line), CallClass::Redirected);
    let shown = xml(&mask_event(&away, &line, redirected).unwrap());
    assert!(shown.contains("4930555000") && shown.contains("4930999111"));
    let hidden = xml(&mask_event(&away, &line, incoming).unwrap());
    assert!(!hidden.contains("4930555000") && !hidden.contains("4930999111"));

    let forwarding: CstaMessage = ForwardingEvent {
        device: Party::device("201"),
        forward_status: true,
        forward_to: Some(DeviceId::new("0171555666")),
        ..ForwardingEvent::default()
    }
    .into();
    let CstaMessage::ForwardingEvent(f) = mask_event(&forwarding, &line, incoming).unwrap() else {
        panic!()
    };
    assert_eq!(f.forward_to, None);
    assert!(f.forward_status);
    assert!(xml(&mask_event(&forwarding, &line, redirected).unwrap()).contains("0171555666"));

    let response: CstaMessage = GetForwardingResponse {
        forwarding_list: vec![ForwardListItem {
            forward_status: true,
            forward_dn: Some(DeviceId::new("0171555666")),
            ..ForwardListItem::default()
        }],
    }
    .into();
    assert!(!xml(&mask_response(&response, &line, incoming).unwrap()).contains("0171555666"));
    assert!(xml(&mask_response(&response, &line, redirected).unwrap()).contains("0171555666"));
}

#[test]
fn dialled_digits_are_dropped_unless_outgoing_numbers_are_visible() {
    let line = key("201");
    let digits: CstaMessage = DigitsDialedEvent {
        dialing_connection: ConnectionId::new("c1", "201"),
        dialing_device: Party::device("201"),
        dialing_sequence: DeviceId::new("0301234"),
        ..DigitsDialedEvent::default()
    }
    .into();
    assert_eq!(mask_event(&digits, &line, Visibility::FreeBusy), None);
    let outgoing = Visibility::with_numbers(NumberVisibility {
        outgoing: true,
        ..NumberVisibility::NONE
    });
    assert_eq!(mask_event(&digits, &line, outgoing), Some(digits.clone()));
}

#[test]
fn unknown_messages_are_not_delivered_below_full() {
    let line = key("201");
    let unknown = CstaMessage::Unknown {
        name: "PrivateEvent".into(),
    };
    assert_eq!(mask_event(&unknown, &line, Visibility::FreeBusy), None);
    assert_eq!(
        mask_event(&unknown, &line, Visibility::Full),
        Some(unknown.clone())
    );
    assert_eq!(mask_response(&unknown, &line, Visibility::FreeBusy), None);
}

#[test]
fn snapshots_hide_other_parties_below_full() {
    let line = key("201");
    let response: CstaMessage = SnapshotCallResponse {
        cross_ref_id_or_snapshot_data: SnapshotData::Data(vec![
            SnapshotCallResponseInfo {
                device_on_call: Party::device("201"),
                call_identifier: Some(ConnectionId::new("c1", "201")),
                local_connection_state: None,
            },
            SnapshotCallResponseInfo {
                device_on_call: Party::device(CALLER),
                call_identifier: Some(ConnectionId::new("c1", CALLER)),
                local_connection_state: None,
            },
        ]),
    }
    .into();
    let masked = xml(&mask_response(&response, &line, Visibility::FreeBusy).unwrap());
    assert!(!masked.contains("4930999111"));
    assert!(masked.contains("201"));
    assert_eq!(mask_response(&response, &line, Visibility::None), None);
}

#[test]
fn visibility_levels_are_canonical() {
    assert_eq!(
        Visibility::with_numbers(NumberVisibility::NONE),
        Visibility::FreeBusy
    );
    assert_eq!(
        Visibility::with_numbers(NumberVisibility::ALL),
        Visibility::Full
    );
    assert_eq!(Visibility::None.union(Visibility::None), Visibility::None);
    assert_eq!(
        Visibility::None.union(Visibility::FreeBusy),
        Visibility::FreeBusy
    );
    let a = Visibility::with_numbers(NumberVisibility {
        incoming: true,
        outgoing: true,
        redirected: false,
    });
    let b = Visibility::with_numbers(NumberVisibility {
        redirected: true,
        ..NumberVisibility::NONE
    });
    assert_eq!(a.union(b), Visibility::Full);
    assert_eq!(a.union(Visibility::FreeBusy), a);
}
