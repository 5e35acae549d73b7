//! Property tests of the rights model (issue 4, item 4): random rights models, lines and event
//! streams prove that
//! (a) no event of a line reaches an account without the right to see that line, and
//! (b) no number of another party reaches an account without the right to see it (the masked
//!     event is encoded to CSTA XML and scanned for every foreign number).
//!
//! Effective rights are compared with a naive reference evaluation written independently from
//! the raw inputs. Events come from call scenarios whose ground truth is known (an incoming,
//! an outgoing or a redirected-away call; every foreign party carries a recognisable 8-digit
//! number, `91xxxxxx` for the other party, `92…` redirecting parties, …), plus "garbage"
//! events with arbitrary parties, which must be masked consistently with the event's class.
//!
//! Case counts: `effective_rights_match_the_reference` 15,000, `no_event_and_no_number_without_the_right`
//! 35,000, `masking_never_leaks_a_number` 60,000 — 110,000 in a normal `cargo test`.
//! `PROPTEST_CASES=N` runs N cases for each property instead, for longer runs, e.g.
//! `PROPTEST_CASES=1000000 cargo test --release -p callboard-core --test rights_props`.

use callboard_core::LineKey;
use callboard_core::rights::bits::*;
use callboard_core::rights::*;
use csta_proto::{
    BackInServiceEvent, CallClearedEvent, ConferencedEvent, ConnectionClearedEvent, ConnectionId,
    ConnectionListItem, CstaMessage, DeliveredEvent, DeviceId, DigitsDialedEvent,
    DigitsGeneratedEvent, DivertedEvent, DoNotDisturbEvent, Edition, Endpoint, EstablishedEvent,
    FailedEvent, ForwardingEvent, HeldEvent, MessageWaitingEvent, MonitorObject, MonitorStart,
    NetworkCapabilitiesChangedEvent, NetworkReachedEvent, OfferedEvent, OriginatedEvent,
    OutOfServiceEvent, Party, ProgressIndicator, QueuedEvent, RetrievedEvent,
    ServiceInitiatedEvent, TransferredEvent,
};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The case count of a property: `PROPTEST_CASES` from the environment, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(default: u32) -> Config {
    Config {
        cases: cases(default),
        failure_persistence: None,
        ..Config::default()
    }
}

// ------------------------------------------------------------------ random rights models

const LINES: usize = 12;
const USERS: usize = 6;

fn line_key(index: usize) -> LineKey {
    LineKey::from_device_id(&format!("2{index:02}")).unwrap_or_else(|| unreachable!())
}

/// Logins `u0`…`u5`; index `USERS` is `ghost`, a login no account has.
fn login(index: usize) -> String {
    if index < USERS {
        format!("u{index}")
    } else {
        "ghost".to_owned()
    }
}

const UNKNOWN_BIT: u32 = 0x4000_0000;

/// A small deterministic generator (splitmix64). Models and scenarios are built from a seed
/// drawn by proptest: nested proptest strategies cost about a millisecond per model in a debug
/// build, this a few microseconds, which is what lets 10^5 cases run in seconds. A failing
/// case is reported by its seed; `random_inputs(seed)` rebuilds the model.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn bit(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// True with probability `numerator / denominator`.
    fn chance(&mut self, numerator: u64, denominator: u64) -> bool {
        self.next() % denominator < numerator
    }

    fn bits(&mut self, known: u32) -> u32 {
        let bits = self.next() as u32 & known;
        if self.chance(1, 8) {
            bits | UNKNOWN_BIT
        } else {
            bits
        }
    }

    fn line(&mut self) -> LineKey {
        line_key(self.pick(LINES))
    }

    fn lines(&mut self, most: usize) -> Vec<LineKey> {
        (0..self.pick(most + 1)).map(|_| self.line()).collect()
    }

    fn phone_rights(&mut self) -> PhoneRights {
        match self.pick(7) {
            0 | 1 => PhoneRights(0),
            2 => PhoneRights(UNKNOWN_BIT),
            _ => PhoneRights(self.next() as u32 & PhoneRights::KNOWN),
        }
    }

    fn person_rights(&mut self) -> PersonRights {
        PersonRights {
            presence: PresenceRights(self.next() as u32 & PresenceRights::KNOWN),
            primary: self.phone_rights(),
            secondary: self.phone_rights(),
        }
    }

    fn monitor_rights(&mut self, most: usize) -> Vec<MonitorRight> {
        (0..self.pick(most + 1))
            .map(|_| MonitorRight {
                line: self.line(),
                clip: self.bit(),
                pickup: self.bit(),
            })
            .collect()
    }

    fn line_grant(&mut self) -> LineGrant {
        LineGrant {
            line: self.line(),
            access: LineAccess(self.bits(LineAccess::KNOWN)),
        }
    }

    fn login(&mut self) -> String {
        login(self.pick(USERS + 1))
    }

    fn user(&mut self, index: usize) -> UserRights {
        UserRights {
            login: login(index),
            services: Services(self.bits(Services::KNOWN)),
            services2: Services2(self.bits(Services2::KNOWN)),
            primary_line: self.chance(2, 5).then(|| self.line()),
            secondary_line: self.chance(1, 5).then(|| self.line()),
            main_devices: self.lines(2),
            additional_lines: (0..self.pick(3)).map(|_| self.line_grant()).collect(),
            monitor_rights: self.monitor_rights(2),
            permissions: (0..self.pick(3))
                .map(|_| UserPermission {
                    grantee: if self.chance(1, 4) {
                        Grantee::Everyone
                    } else {
                        Grantee::User(self.login())
                    },
                    rights: self.person_rights(),
                })
                .collect(),
            blf: BlfOptions {
                mode: [
                    BlfMode::AllMainDevices,
                    BlfMode::CurrentDevice,
                    BlfMode::FirstMainDevice,
                ][self.pick(3)],
                no_softphone: self.bit(),
            },
        }
    }

    fn group(&mut self) -> GroupRights {
        GroupRights {
            name: "g".into(),
            members: (0..self.pick(5)).map(|_| self.login()).collect(),
            leader: self.chance(1, 2).then(|| self.login()),
            deputy: self.chance(1, 4).then(|| self.login()),
            services: Services(self.bits(Services::KNOWN)),
            services2: Services2(self.bits(Services2::KNOWN)),
            group_line: self.chance(1, 2).then(|| self.line_grant()),
            monitor_rights: self.monitor_rights(1),
            member_permissions: self.person_rights(),
            leader_permissions: self.person_rights(),
        }
    }
}

/// A random rights model: up to six accounts `u0`…`u5` on twelve lines `200`…`211`, up to
/// three groups (members, leaders and deputies may be `ghost`, a login without account),
/// global grants.
fn random_inputs(seed: u64) -> Inputs {
    let mut rng = Rng(seed);
    let users = (0..rng.pick(USERS + 1)).map(|i| rng.user(i)).collect();
    let groups = (0..rng.pick(4)).map(|_| rng.group()).collect();
    let global = GlobalRights {
        services: Services(rng.bits(Services::KNOWN)),
        services2: Services2(rng.bits(Services2::KNOWN)),
        monitor_rights: rng.monitor_rights(1),
        person_rights: if rng.chance(1, 4) {
            rng.person_rights()
        } else {
            PersonRights::NONE
        },
    };
    Inputs {
        users,
        groups,
        global,
    }
}

#[derive(Debug, Clone)]
struct Inputs {
    users: Vec<UserRights>,
    groups: Vec<GroupRights>,
    global: GlobalRights,
}

impl Inputs {
    fn model(&self) -> RightsModel {
        RightsModel::new(self.users.clone(), self.groups.clone(), self.global.clone())
    }
}

// ------------------------------------------------------------------ reference evaluation

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Expected {
    main: bool,
    visible: bool,
    control: bool,
    redirect: bool,
    pickup: bool,
    set_forwarding: bool,
    incoming: bool,
    outgoing: bool,
    redirected: bool,
    only_owner: bool,
}

impl Expected {
    fn add(&mut self, other: Expected) {
        self.main |= other.main;
        self.visible |= other.visible;
        self.control |= other.control;
        self.redirect |= other.redirect;
        self.pickup |= other.pickup;
        self.set_forwarding |= other.set_forwarding;
        self.incoming |= other.incoming;
        self.outgoing |= other.outgoing;
        self.redirected |= other.redirected;
        self.only_owner |= other.only_owner;
    }

    fn access(access: LineAccess) -> Expected {
        let bits = access.bits();
        let checked = bits & 0x200 != 0;
        let redirect = bits & 0x10 != 0 && !checked;
        Expected {
            visible: true,
            control: bits & 0x4 != 0 && !checked,
            redirect,
            pickup: redirect,
            set_forwarding: redirect,
            incoming: bits & 0x800 != 0,
            outgoing: bits & 0x20 != 0,
            redirected: bits & 0x800 != 0,
            only_owner: checked,
            ..Expected::default()
        }
    }

    fn monitor(right: &MonitorRight) -> Expected {
        Expected {
            visible: true,
            pickup: right.pickup,
            incoming: right.clip,
            outgoing: right.clip,
            redirected: right.clip,
            ..Expected::default()
        }
    }

    fn phone(rights: PhoneRights) -> Expected {
        let bits = rights.bits();
        if bits & 0x307 == 0 {
            return Expected::default();
        }
        Expected {
            visible: true,
            pickup: bits & 0x200 != 0,
            set_forwarding: bits & 0x100 != 0,
            incoming: bits & 0x2 != 0,
            outgoing: bits & 0x1 != 0,
            redirected: bits & 0x4 != 0,
            ..Expected::default()
        }
    }

    fn rights(self) -> LineRights {
        if self.main {
            return LineRights::MAIN_DEVICE;
        }
        let numbers = NumberVisibility {
            incoming: self.incoming,
            outgoing: self.outgoing,
            redirected: self.redirected,
        };
        let monitor = if !self.visible {
            Visibility::None
        } else if numbers.is_none() {
            Visibility::FreeBusy
        } else if numbers.is_all() {
            Visibility::Full
        } else {
            Visibility::Partial(numbers)
        };
        LineRights {
            main_device: false,
            control: self.control,
            redirect: self.redirect,
            pickup: self.pickup,
            set_forwarding: self.set_forwarding,
            see_incoming_numbers: self.incoming,
            see_outgoing_numbers: self.outgoing,
            see_redirected_numbers: self.redirected,
            only_owner_acts: self.only_owner,
            monitor,
        }
    }
}

fn primary_of(user: &UserRights) -> Option<&LineKey> {
    match &user.primary_line {
        Some(line) => Some(line),
        None => user.main_devices.first(),
    }
}

fn secondary_of(user: &UserRights) -> Option<&LineKey> {
    if let Some(line) = &user.secondary_line {
        return Some(line);
    }
    let primary = primary_of(user);
    user.main_devices.iter().find(|l| Some(*l) != primary)
}

fn member(group: &GroupRights, who: &str) -> bool {
    group.members.iter().any(|m| m == who)
}

fn leads(group: &GroupRights, who: &str) -> bool {
    group.leader.as_deref() == Some(who) || group.deputy.as_deref() == Some(who)
}

/// What `viewer` may do on person `other` (≠ viewer), from every source.
fn reference_person(inputs: &Inputs, viewer: &str, other: &str) -> PersonRights {
    let mut rights = inputs.global.person_rights;
    if let Some(grantor) = inputs.users.iter().find(|u| u.login == other) {
        for p in &grantor.permissions {
            let to_viewer = match &p.grantee {
                Grantee::Everyone => true,
                Grantee::User(login) => login == viewer,
            };
            if to_viewer {
                rights = rights.union(p.rights);
            }
        }
    }
    for group in &inputs.groups {
        if member(group, viewer) && member(group, other) {
            rights = rights.union(group.member_permissions);
        }
        if leads(group, viewer) && member(group, other) {
            rights = rights.union(group.leader_permissions);
        }
    }
    rights
}

fn reference_line(inputs: &Inputs, viewer: &str, line: &LineKey) -> LineRights {
    let Some(user) = inputs.users.iter().find(|u| u.login == viewer) else {
        return LineRights::NONE;
    };
    let mut e = Expected::default();
    if user.main_devices.contains(line)
        || user.primary_line.as_ref() == Some(line)
        || user.secondary_line.as_ref() == Some(line)
    {
        e.main = true;
    }
    for grant in user.additional_lines.iter().filter(|g| &g.line == line) {
        e.add(Expected::access(grant.access));
    }
    let monitors = user
        .monitor_rights
        .iter()
        .chain(&inputs.global.monitor_rights)
        .chain(
            inputs
                .groups
                .iter()
                .filter(|g| member(g, viewer))
                .flat_map(|g| &g.monitor_rights),
        );
    for right in monitors.filter(|m| &m.line == line) {
        e.add(Expected::monitor(right));
    }
    for group in inputs.groups.iter().filter(|g| member(g, viewer)) {
        if let Some(grant) = group.group_line.as_ref().filter(|g| &g.line == line) {
            e.add(Expected::access(grant.access));
        }
    }
    for other in inputs.users.iter().filter(|u| u.login != viewer) {
        let rights = reference_person(inputs, viewer, &other.login);
        if primary_of(other) == Some(line) {
            e.add(Expected::phone(rights.primary));
        }
        if secondary_of(other) == Some(line) {
            e.add(Expected::phone(rights.secondary));
        }
    }
    e.rights()
}

fn reference_services(inputs: &Inputs, viewer: &str) -> (Services, Services2) {
    let Some(user) = inputs.users.iter().find(|u| u.login == viewer) else {
        return (Services::EMPTY, Services2::EMPTY);
    };
    let mut s = user.services.bits() | inputs.global.services.bits();
    let mut s2 = user.services2.bits() | inputs.global.services2.bits();
    for group in inputs.groups.iter().filter(|g| member(g, viewer)) {
        s |= group.services.bits();
        s2 |= group.services2.bits();
    }
    (
        Services(s & !(0x1000 | 0x4000 | 0x8000)),
        Services2(s2 & !(0x20 | 0x40 | 0x80)),
    )
}

fn reference_journal(inputs: &Inputs, viewer: &str, owner: &str) -> bool {
    let known = inputs.users.iter().any(|u| u.login == viewer);
    if !known {
        return false;
    }
    if viewer == owner {
        return true;
    }
    inputs.groups.iter().any(|g| {
        (g.services.contains(USERRIGHTS_GROUP_VIEWJOURNAL) && member(g, viewer) && member(g, owner))
            || (g.services.contains(USERRIGHTS_GROUP_VIEWJOURNALLEADER)
                && leads(g, viewer)
                && member(g, owner))
    })
}

// ------------------------------------------------------------------ call scenarios

/// Which call the scenario's events belong to (ground truth, as seen from the watched line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// A call comes in to the line.
    Incoming,
    /// The line makes a call.
    Outgoing,
    /// The line redirects a call away.
    RedirectedAway,
    /// Arbitrary parties in arbitrary fields (no ground truth).
    Garbage,
}

/// The role of a number in a scenario, which decides who may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Own,
    /// Own or the other party, at random.
    OwnOrOther,
    /// The other party of the call.
    Other,
    /// A party the call was redirected by or to.
    Redirect,
    /// A third party (conference, transfer).
    Third,
    /// A queue or hunt group.
    Queue,
    /// A trunk / network interface.
    Trunk,
    /// A forwarding destination of the line (not a call).
    Forward,
    /// Digits the line dialled or sent.
    Dialled,
    /// A device of a message-waiting report (not a call).
    Mailbox,
}

/// The marker prefixes, one per foreign role; markers are the prefix plus six digits.
const MARKERS: [(Role, &str); 8] = [
    (Role::Other, "91"),
    (Role::Redirect, "92"),
    (Role::Third, "93"),
    (Role::Queue, "94"),
    (Role::Trunk, "95"),
    (Role::Forward, "96"),
    (Role::Dialled, "97"),
    (Role::Mailbox, "98"),
];
const GARBAGE_PREFIX: &str = "99";

/// The choices inside one scenario.
struct Gen {
    rng: Rng,
    scenario: Scenario,
    own: String,
    digits: u32,
}

impl Gen {
    fn pick(&mut self, n: usize) -> usize {
        self.rng.pick(n)
    }

    fn bit(&mut self) -> bool {
        self.rng.bit()
    }

    fn marker(&self, prefix: &str) -> String {
        format!("{prefix}{:06}", self.digits % 1_000_000)
    }

    fn foreign_text(&mut self, number: &str) -> String {
        match self.pick(6) {
            0 => number.to_owned(),
            1 => format!("sip:{number}@pbx.example"),
            2 => format!("tel:+49{number}"),
            3 => format!("N<{number}>;displayNumber={number}"),
            4 => format!("sip:{number}@gw.example;user=phone"),
            _ => format!("<sip:{number}@pbx.example>"),
        }
    }

    /// The text of a device in `role` (own device, a marker, or garbage).
    fn text(&mut self, role: Role) -> String {
        if self.scenario == Scenario::Garbage {
            return if self.bit() {
                self.own.clone()
            } else {
                let number = self.marker(GARBAGE_PREFIX);
                self.foreign_text(&number)
            };
        }
        let role = match role {
            Role::OwnOrOther if self.bit() => Role::Own,
            Role::OwnOrOther => Role::Other,
            other => other,
        };
        if role == Role::Own {
            return self.own.clone();
        }
        let prefix = MARKERS
            .iter()
            .find_map(|(r, p)| (*r == role).then_some(*p))
            .unwrap_or(GARBAGE_PREFIX);
        let number = self.marker(prefix);
        self.foreign_text(&number)
    }

    fn device(&mut self, role: Role) -> DeviceId {
        let text = self.text(role);
        DeviceId::new(text)
    }

    fn party(&mut self, role: Role) -> Party {
        if self.scenario == Scenario::Garbage {
            match self.pick(5) {
                0 => return Party::NotKnown,
                1 => return Party::NumberDialed(self.device(role)),
                _ => {}
            }
        }
        Party::Device(self.device(role))
    }

    /// A party that may also be missing (redirection fields).
    fn maybe(&mut self, role: Role) -> Party {
        if self.bit() {
            self.party(role)
        } else {
            Party::NotKnown
        }
    }

    fn opt_party(&mut self, role: Role) -> Option<Party> {
        self.bit().then(|| self.party(role))
    }

    fn conn(&mut self, call: &str, role: Role) -> ConnectionId {
        if self.scenario == Scenario::Garbage && self.pick(4) == 0 {
            return ConnectionId {
                call_id: Some(call.to_owned()),
                device_id: None,
            };
        }
        ConnectionId::new(call, self.device(role))
    }

    fn list(&mut self, roles: &[Role]) -> Vec<ConnectionListItem> {
        roles
            .iter()
            .enumerate()
            .map(|(i, &role)| {
                let endpoint = if self.scenario == Scenario::Garbage && self.bit() {
                    Endpoint::NotKnown
                } else {
                    Endpoint::Device(self.device(role))
                };
                ConnectionListItem {
                    new_connection: Some(self.conn(&format!("n{i}"), role)),
                    old_connection: Some(self.conn("c1", role)),
                    endpoint: Some(endpoint),
                }
            })
            .collect()
    }
}

const X: &str = "7";

/// Builds one event of a scenario.
type Build = fn(&mut Gen) -> CstaMessage;

/// The called party of an incoming or redirected call: the line itself, or the number
/// originally dialled when the call was redirected.
fn called(g: &mut Gen) -> Role {
    if g.bit() { Role::Own } else { Role::Redirect }
}

/// The events a scenario may produce. In a garbage scenario every role yields arbitrary
/// parties.
fn builders(scenario: Scenario) -> Vec<Build> {
    use Role::*;
    let incoming: Vec<Build> = vec![
        |g: &mut Gen| -> CstaMessage {
            OfferedEvent {
                monitor_cross_ref_id: X.into(),
                offered_connection: g.conn("c1", Own),
                offered_device: g.party(Own),
                calling_device: g.party(Other),
                called_device: {
                    let role = called(g);
                    g.party(role)
                },
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            DeliveredEvent {
                monitor_cross_ref_id: X.into(),
                connection: g.conn("c1", Own),
                alerting_device: g.party(Own),
                calling_device: g.party(Other),
                called_device: {
                    let role = called(g);
                    g.party(role)
                },
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            EstablishedEvent {
                monitor_cross_ref_id: X.into(),
                established_connection: g.conn("c1", Own),
                answering_device: g.party(Own),
                calling_device: g.party(Other),
                called_device: {
                    let role = called(g);
                    g.party(role)
                },
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            FailedEvent {
                monitor_cross_ref_id: X.into(),
                failed_connection: g.conn("c1", Own),
                failing_device: g.party(Own),
                calling_device: g.party(Other),
                called_device: g.party(Own),
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            QueuedEvent {
                monitor_cross_ref_id: X.into(),
                queued_connection: g.conn("c1", Own),
                queue: g.party(Queue),
                calling_device: g.party(Other),
                called_device: g.party(Own),
                last_redirection_device: g.maybe(Redirect),
                number_queued: Some(2),
                ..Default::default()
            }
            .into()
        },
        // The call reaches the line through a redirection.
        |g: &mut Gen| -> CstaMessage {
            DivertedEvent {
                monitor_cross_ref_id: X.into(),
                connection: g.conn("c1", Own),
                diverting_device: g.party(Redirect),
                new_destination: g.party(Own),
                calling_device: g.opt_party(Other),
                called_device: g.opt_party(Redirect),
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
    ];
    let outgoing: Vec<Build> = vec![
        |g: &mut Gen| -> CstaMessage {
            ServiceInitiatedEvent {
                monitor_cross_ref_id: X.into(),
                initiated_connection: g.conn("c1", Own),
                initiating_device: g.party(Own),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            DigitsDialedEvent {
                monitor_cross_ref_id: X.into(),
                dialing_connection: g.conn("c1", Own),
                dialing_device: g.party(Own),
                dialing_sequence: g.device(Dialled),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            OriginatedEvent {
                monitor_cross_ref_id: X.into(),
                originated_connection: g.conn("c1", Own),
                calling_device: g.party(Own),
                called_device: g.party(Other),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            NetworkReachedEvent {
                monitor_cross_ref_id: X.into(),
                outbound_connection: g.conn("c1", Trunk),
                network_interface_used: g.party(Trunk),
                calling_device: g.party(Own),
                called_device: g.party(Other),
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            NetworkCapabilitiesChangedEvent {
                monitor_cross_ref_id: X.into(),
                outbound_connection: g.conn("c1", Trunk),
                network_interface_used: g.party(Trunk),
                called_device: g.party(Other),
                progress_indicator: Some(ProgressIndicator {
                    progress_location: Some("network".into()),
                    progress_description: Some(format!("alerting {}", g.text(Other))),
                }),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            DeliveredEvent {
                monitor_cross_ref_id: X.into(),
                connection: g.conn("c1", Other),
                alerting_device: g.party(Other),
                calling_device: g.party(Own),
                called_device: g.party(Other),
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            EstablishedEvent {
                monitor_cross_ref_id: X.into(),
                established_connection: g.conn("c1", Other),
                answering_device: g.party(Other),
                calling_device: g.party(Own),
                called_device: g.party(Other),
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            FailedEvent {
                monitor_cross_ref_id: X.into(),
                failed_connection: g.conn("c1", Other),
                failing_device: g.party(Other),
                calling_device: g.party(Own),
                called_device: g.party(Other),
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            QueuedEvent {
                monitor_cross_ref_id: X.into(),
                queued_connection: g.conn("c1", Queue),
                queue: g.party(Queue),
                calling_device: g.party(Own),
                called_device: g.party(Queue),
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        // The called party forwards the line's call.
        |g: &mut Gen| -> CstaMessage {
            DivertedEvent {
                monitor_cross_ref_id: X.into(),
                connection: g.conn("c1", Other),
                diverting_device: g.party(Other),
                new_destination: g.party(Redirect),
                calling_device: Some(g.party(Own)),
                called_device: g.opt_party(Other),
                last_redirection_device: g.maybe(Other),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            DigitsGeneratedEvent {
                monitor_cross_ref_id: X.into(),
                connection: g.conn("c1", Own),
                digit_generated_list: g.text(Dialled),
            }
            .into()
        },
    ];
    let in_call: Vec<Build> = vec![
        |g: &mut Gen| -> CstaMessage {
            HeldEvent {
                monitor_cross_ref_id: X.into(),
                held_connection: g.conn("c1", OwnOrOther),
                holding_device: g.party(OwnOrOther),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            RetrievedEvent {
                monitor_cross_ref_id: X.into(),
                retrieved_connection: g.conn("c1", OwnOrOther),
                retrieving_device: g.party(OwnOrOther),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            ConferencedEvent {
                monitor_cross_ref_id: X.into(),
                primary_old_call: g.conn("c1", OwnOrOther),
                secondary_old_call: Some(g.conn("c2", Third)),
                conferencing_device: g.party(OwnOrOther),
                added_party: g.party(Third),
                conference_connections: g.list(&[Own, Other, Third]),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            TransferredEvent {
                monitor_cross_ref_id: X.into(),
                primary_old_call: g.conn("c1", OwnOrOther),
                secondary_old_call: Some(g.conn("c2", Third)),
                transferring_device: g.party(OwnOrOther),
                transferred_to_device: g.party(Third),
                transferred_connections: g.list(&[Other, Third]),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            ConnectionClearedEvent {
                monitor_cross_ref_id: X.into(),
                dropped_connection: g.conn("c1", OwnOrOther),
                releasing_device: g.party(OwnOrOther),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            CallClearedEvent {
                monitor_cross_ref_id: X.into(),
                cleared_call: g.conn("c1", OwnOrOther),
                cause: None,
            }
            .into()
        },
    ];
    let away: Vec<Build> = vec![
        |g: &mut Gen| -> CstaMessage {
            DivertedEvent {
                monitor_cross_ref_id: X.into(),
                connection: g.conn("c1", Own),
                diverting_device: g.party(Own),
                new_destination: g.party(Redirect),
                calling_device: g.opt_party(Other),
                called_device: {
                    let role = called(g);
                    g.opt_party(role)
                },
                last_redirection_device: g.maybe(Redirect),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            ConnectionClearedEvent {
                monitor_cross_ref_id: X.into(),
                dropped_connection: g.conn("c1", Own),
                releasing_device: g.party(Own),
                ..Default::default()
            }
            .into()
        },
    ];
    let device: Vec<Build> = vec![
        |g: &mut Gen| -> CstaMessage {
            ForwardingEvent {
                monitor_cross_ref_id: X.into(),
                device: g.party(Own),
                forward_status: g.bit(),
                forward_to: Some(g.device(Forward)),
                ring_count: Some(3),
                ..Default::default()
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            DoNotDisturbEvent {
                monitor_cross_ref_id: X.into(),
                device: g.party(Own),
                do_not_disturb_on: g.bit(),
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            MessageWaitingEvent {
                monitor_cross_ref_id: X.into(),
                target_device: g.party(Own),
                device_for_message: g.opt_party(Mailbox),
                message_waiting_on: true,
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            BackInServiceEvent {
                monitor_cross_ref_id: X.into(),
                device: g.party(Own),
                cause: None,
            }
            .into()
        },
        |g: &mut Gen| -> CstaMessage {
            OutOfServiceEvent {
                monitor_cross_ref_id: X.into(),
                device: g.party(Own),
                cause: None,
            }
            .into()
        },
    ];
    let mut all = match scenario {
        Scenario::Incoming => [incoming, in_call].concat(),
        Scenario::Outgoing => [outgoing, in_call].concat(),
        Scenario::RedirectedAway => away,
        Scenario::Garbage => [incoming, outgoing, in_call, away].concat(),
    };
    all.extend(device);
    all
}

/// Whether a number of `role` in `scenario` may be seen with `numbers` (ground truth).
fn may_see(scenario: Scenario, role: Role, numbers: NumberVisibility) -> bool {
    match role {
        Role::Forward => numbers.redirected,
        Role::Dialled => numbers.outgoing,
        Role::Mailbox => numbers.is_all(),
        _ => match scenario {
            Scenario::Incoming => numbers.incoming,
            Scenario::Outgoing => numbers.outgoing,
            Scenario::RedirectedAway => numbers.redirected,
            Scenario::Garbage => numbers.is_all(),
        },
    }
}

fn own_text(line: &LineKey, form: usize) -> String {
    let n = line.as_str();
    match form % 6 {
        0 => n.to_owned(),
        1 => format!("sip:{n}@pbx.example"),
        2 => format!("tel:{n}"),
        3 => format!("sip:{n}@pbx.example;tel={n}"),
        4 => format!("<sip:{n}@pbx.example>"),
        _ => format!("sips:{n}@pbx.example:5061"),
    }
}

fn scenario() -> impl Strategy<Value = Scenario> {
    prop_oneof![
        3 => Just(Scenario::Incoming),
        3 => Just(Scenario::Outgoing),
        1 => Just(Scenario::RedirectedAway),
        2 => Just(Scenario::Garbage),
    ]
}

/// Most events of one scenario checked per case.
const EVENTS_PER_CASE: usize = 4;

/// Masks some events of a scenario for `visibility` and checks what reaches the watcher.
fn check_events(
    line: &LineKey,
    visibility: Visibility,
    scenario: Scenario,
    seed: u64,
    own_form: usize,
    digits: u32,
) -> Result<(), TestCaseError> {
    let mut g = Gen {
        rng: Rng(seed),
        scenario,
        own: own_text(line, own_form),
        digits,
    };
    let numbers = visibility.numbers();
    let builders = builders(scenario);
    // A few events per case keep a case cheap; the cases cover all of them many times over.
    for _ in 0..=g.pick(EVENTS_PER_CASE) {
        let build = builders[g.pick(builders.len())];
        let event = build(&mut g);
        let masked = mask_event(&event, line, visibility);
        let Some(masked) = masked else {
            // Only an invisible line, or digits that may not be seen, drop an event.
            prop_assert!(
                visibility == Visibility::None
                    || matches!(
                        event,
                        CstaMessage::DigitsDialedEvent(_) | CstaMessage::DigitsGeneratedEvent(_)
                    ),
                "{event:?} dropped at {visibility:?}"
            );
            continue;
        };
        prop_assert!(
            visibility.is_visible(),
            "{event:?} reached an invisible line"
        );
        let xml = csta_proto::encode(&masked, Edition::Ed5);
        if visibility == Visibility::Full {
            prop_assert_eq!(&masked, &event);
            continue;
        }
        if scenario == Scenario::Garbage {
            let number = g.marker(GARBAGE_PREFIX);
            let allowed = numbers.allows(call_class(&event, line));
            prop_assert!(
                allowed || !xml.contains(&number),
                "garbage number {} leaked at {:?} (class {:?}):\n{}",
                number,
                visibility,
                call_class(&event, line),
                xml
            );
        } else {
            for (role, prefix) in MARKERS {
                let number = g.marker(prefix);
                prop_assert!(
                    may_see(scenario, role, numbers) || !xml.contains(&number),
                    "{:?} number {} of a {:?} call leaked at {:?}:\n{}",
                    role,
                    number,
                    scenario,
                    visibility,
                    xml
                );
            }
        }
        // The line's own state is never lost: the cross reference survives.
        prop_assert!(xml.contains("<monitorCrossRefID>7</monitorCrossRefID>"));
    }
    Ok(())
}

fn visibility() -> impl Strategy<Value = Visibility> {
    prop_oneof![
        1 => Just(Visibility::None),
        2 => Just(Visibility::FreeBusy),
        4 => (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(incoming, outgoing, redirected)| {
            Visibility::with_numbers(NumberVisibility { incoming, outgoing, redirected })
        }),
        1 => Just(Visibility::Full),
    ]
}

// ------------------------------------------------------------------ the properties

proptest! {
    #![proptest_config(config(15_000))]

    /// Every account's effective rights (every line, services, person rights, journal) are
    /// those of the naive reference evaluation.
    #[test]
    fn effective_rights_match_the_reference(seed in any::<u64>()) {
        let inputs = random_inputs(seed);
        let model = inputs.model();
        for viewer in (0..=USERS).map(login) {
            let effective = model.effective(&viewer);
            for line in (0..LINES).map(line_key) {
                let expected = reference_line(&inputs, &viewer, &line);
                prop_assert_eq!(effective.line(&line), expected, "{} on {}", viewer, line);
                prop_assert_eq!(effective.may_monitor(&line), expected.monitor.is_visible());
            }
            for line in effective.lines().keys() {
                prop_assert_ne!(effective.line(line), LineRights::NONE);
            }
            prop_assert_eq!((effective.services(), effective.services2()), reference_services(&inputs, &viewer));
            for other in (0..=USERS).map(login) {
                let known = inputs.users.iter().any(|u| u.login == viewer);
                let expected = if !known {
                    PersonRights::NONE
                } else if other == viewer {
                    PersonRights::ALL
                } else {
                    reference_person(&inputs, &viewer, &other)
                };
                prop_assert_eq!(effective.person(&other), expected, "{} on {}", viewer, other);
                prop_assert_eq!(
                    effective.may_see_journal_of(&other),
                    reference_journal(&inputs, &viewer, &other),
                    "journal of {} for {}", other, viewer
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(config(35_000))]

    /// (a) no event of a line reaches an account without the right to see the line, and
    /// MonitorStart is refused; (b) no foreign number reaches it without the right to see it.
    #[test]
    fn no_event_and_no_number_without_the_right(
        model_seed in any::<u64>(),
        viewer in 0..=USERS,
        line in 0..LINES,
        scenario in scenario(),
        seed in any::<u64>(),
        own_form in 0..6usize,
        digits in 0..1_000_000u32,
    ) {
        let inputs = random_inputs(model_seed);
        let model = inputs.model();
        let viewer = login(viewer);
        let line = line_key(line);
        let effective = model.effective(&viewer);
        let expected = reference_line(&inputs, &viewer, &line);
        let visibility = effective.visibility(&line);
        prop_assert_eq!(visibility, expected.monitor);
        let start: CstaMessage = MonitorStart {
            monitor_object: MonitorObject::Device(DeviceId::new(own_text(&line, own_form))),
            monitor_type: None,
        }
        .into();
        prop_assert_eq!(effective.check_request(&start).is_ok(), expected.monitor.is_visible());
        check_events(&line, visibility, scenario, seed, own_form, digits)?;
    }
}

proptest! {
    #![proptest_config(config(60_000))]

    /// Masking alone, over every visibility level: no number of a call class the level does
    /// not show survives, and nothing reaches an invisible line.
    #[test]
    fn masking_never_leaks_a_number(
        visibility in visibility(),
        line in 0..LINES,
        scenario in scenario(),
        seed in any::<u64>(),
        own_form in 0..6usize,
        digits in 0..1_000_000u32,
    ) {
        check_events(&line_key(line), visibility, scenario, seed, own_form, digits)?;
    }
}
