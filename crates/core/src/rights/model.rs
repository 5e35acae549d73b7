//! The inputs of rights evaluation as plain data (filled by the store or the directory sync)
//! and their evaluation into the [`EffectiveRights`] of one account.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use super::bits::{
    Services, Services2, USERRIGHTS_GROUP_ALLINMONITOR, USERRIGHTS_GROUP_ONLY,
    USERRIGHTS_GROUP_VIEWJOURNAL, USERRIGHTS_GROUP_VIEWJOURNALLEADER, USERRIGHTS2_GROUP_ONLY,
};
use super::line::{LineRights, Visibility};
use super::permission::{Grantee, PersonRights, UserPermission};
use crate::LineKey;

/// A monitor right on another line (PERM3): see its state, with CLIP also its numbers, with
/// Pickup also pick up its calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MonitorRight {
    /// The line.
    pub line: LineKey,
    /// CLIP: the numbers are visible (else free/busy only).
    pub clip: bool,
    /// Pickup: calls of the line may be picked up.
    pub pickup: bool,
}

/// A line with its `LINEACCESS_*` bits: an additional line of a user (`ectisrv3CTILines` with
/// `ectisrv3CTILinesPermissions`) or a group line with its rights for the members.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LineGrant {
    /// The line.
    pub line: LineKey,
    /// What may be done with it.
    pub access: super::bits::LineAccess,
}

/// Which of a user's main devices feed the BLF (busy lamp) display others see of the user
/// (PERM5).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum BlfMode {
    /// Every main device (the default).
    #[default]
    AllMainDevices,
    /// Only the device the user's client currently uses.
    CurrentDevice,
    /// Only the first main device.
    FirstMainDevice,
}

/// The BLF feed options of a user (PERM5).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct BlfOptions {
    /// Which devices feed the BLF.
    pub mode: BlfMode,
    /// Reports of the user's client softphone do not feed the BLF (the PBX line reports the
    /// same calls; avoids double signalling).
    pub no_softphone: bool,
}

/// The rights inputs of one account (user, computer, or user without login).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserRights {
    /// The login name.
    pub login: String,
    /// `ectisrv3CTIServices`.
    pub services: Services,
    /// `ectisrv3CTIServices2`.
    pub services2: Services2,
    /// The user's own first phone (`ectisrv3CTIPhonePrimary`, or bound automatically): a main
    /// device, and the line `UR_PHONE_*` primary line rights of the user's authorisations
    /// apply to. When unset, the first main device is the primary line.
    pub primary_line: Option<LineKey>,
    /// The user's own second phone: a main device, and the line of the secondary line rights.
    /// When unset, the first main device other than the primary line is the secondary line.
    pub secondary_line: Option<LineKey>,
    /// Main (TAPI) devices: lines with full control and monitoring, in the configured order
    /// (the first one is "the first main device" of [`BlfMode::FirstMainDevice`]).
    pub main_devices: Vec<LineKey>,
    /// Additional lines with their access bits.
    pub additional_lines: Vec<LineGrant>,
    /// Monitor rights on other lines.
    pub monitor_rights: Vec<MonitorRight>,
    /// The authorisations this user gives others on themselves (`ectisrv3UserPermissions`).
    pub permissions: Vec<UserPermission>,
    /// BLF feed options.
    pub blf: BlfOptions,
}

impl UserRights {
    /// An account with no right yet.
    pub fn new(login: impl Into<String>) -> UserRights {
        UserRights {
            login: login.into(),
            ..UserRights::default()
        }
    }

    /// The user's own lines, each once: the main devices in order, then the primary and the
    /// secondary line if they are not among them.
    pub fn own_lines(&self) -> Vec<LineKey> {
        let mut lines: Vec<LineKey> = Vec::with_capacity(self.main_devices.len() + 2);
        let extra = [&self.primary_line, &self.secondary_line];
        for line in self.main_devices.iter().chain(extra.into_iter().flatten()) {
            if !lines.contains(line) {
                lines.push(line.clone());
            }
        }
        lines
    }

    /// The line primary line rights apply to: `primary_line`, else the first main device.
    pub fn primary(&self) -> Option<&LineKey> {
        self.primary_line.as_ref().or(self.main_devices.first())
    }

    /// The line secondary line rights apply to: `secondary_line`, else the first main device
    /// that is not the primary line.
    pub fn secondary(&self) -> Option<&LineKey> {
        let primary = self.primary();
        self.secondary_line
            .as_ref()
            .or_else(|| self.main_devices.iter().find(|l| Some(*l) != primary))
    }

    /// The lines whose state feeds the BLF display others see of this user. `current` is the
    /// device the user's client currently uses (taken as given), if any.
    pub fn blf_lines(&self, current: Option<&LineKey>) -> Vec<LineKey> {
        match self.blf.mode {
            BlfMode::AllMainDevices => self.own_lines(),
            BlfMode::FirstMainDevice => self.own_lines().into_iter().take(1).collect(),
            BlfMode::CurrentDevice => current.cloned().into_iter().collect(),
        }
    }

    /// Whether a report about `line` feeds this user's BLF: the line is one of
    /// [`UserRights::blf_lines`], and the report does not come from the client softphone
    /// when softphone reports are excluded.
    pub fn blf_feeds(
        &self,
        line: &LineKey,
        current: Option<&LineKey>,
        from_softphone: bool,
    ) -> bool {
        !(from_softphone && self.blf.no_softphone) && self.blf_lines(current).contains(line)
    }
}

/// The rights inputs of one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupRights {
    /// The group's name.
    pub name: String,
    /// Logins of the members.
    pub members: Vec<String>,
    /// Login of the group leader (need not be a member).
    pub leader: Option<String>,
    /// Login of the leader's deputy (need not be a member); has the leader's rights.
    pub deputy: Option<String>,
    /// Services granted to every member (`ectisrv3CTIServices`), and the group-only
    /// `USERRIGHTS_GROUP_*` switches.
    pub services: Services,
    /// Services2 granted to every member, and the group-only `USERRIGHTS2_GROUP_*` switches.
    pub services2: Services2,
    /// The group line and what members may do with it.
    pub group_line: Option<LineGrant>,
    /// Monitor rights every member gets.
    pub monitor_rights: Vec<MonitorRight>,
    /// What members may do on each other (`ectisrv3GroupMembersPermissions`).
    pub member_permissions: PersonRights,
    /// What the leader and deputy may do on each member (`ectisrv3GroupLeaderPermissions`).
    pub leader_permissions: PersonRights,
}

/// Rights granted to every account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GlobalRights {
    /// Services every user has.
    pub services: Services,
    /// Services2 every user has.
    pub services2: Services2,
    /// Monitor rights every user has.
    pub monitor_rights: Vec<MonitorRight>,
    /// What every user may do on every other user.
    pub person_rights: PersonRights,
}

/// All rights inputs, indexed for evaluation. Build it once per directory change and share it
/// (`Arc`); [`RightsModel::effective`] then costs in proportion to what concerns one account.
#[derive(Clone, Debug, Default)]
pub struct RightsModel {
    users: HashMap<String, UserRights>,
    groups: Vec<GroupRights>,
    global: GlobalRights,
    /// Member login → indexes of its groups.
    groups_of: HashMap<String, Vec<usize>>,
    /// Leader or deputy login → indexes of the groups they lead.
    led_by: HashMap<String, Vec<usize>>,
    /// Grantee login → (grantor login, rights) of individual authorisations.
    grants_to: HashMap<String, Vec<(String, PersonRights)>>,
    /// Rights every account has on a line (global monitor rights, global person rights and
    /// authorisations given to everyone, on the grantors' lines).
    everyone_lines: Arc<HashMap<LineKey, LineRights>>,
    /// Rights every account has on a person, from authorisations given to everyone.
    everyone_persons: Arc<HashMap<String, PersonRights>>,
}

fn add_line(table: &mut HashMap<LineKey, LineRights>, line: &LineKey, rights: LineRights) {
    if rights == LineRights::NONE {
        return;
    }
    table
        .entry(line.clone())
        .and_modify(|r| *r = r.union(rights))
        .or_insert(rights);
}

/// Adds the line rights an authorisation gives on the grantor's primary and secondary line.
fn add_person_lines(
    table: &mut HashMap<LineKey, LineRights>,
    grantor: &UserRights,
    rights: PersonRights,
) {
    if let Some(line) = grantor.primary() {
        add_line(table, line, LineRights::from_phone_rights(rights.primary));
    }
    if let Some(line) = grantor.secondary() {
        add_line(table, line, LineRights::from_phone_rights(rights.secondary));
    }
}

impl RightsModel {
    /// Indexes the inputs. A login given twice keeps its last entry; unknown logins in groups
    /// and authorisations are kept (they simply own no line).
    pub fn new(
        users: impl IntoIterator<Item = UserRights>,
        groups: impl IntoIterator<Item = GroupRights>,
        global: GlobalRights,
    ) -> RightsModel {
        let users: HashMap<String, UserRights> =
            users.into_iter().map(|u| (u.login.clone(), u)).collect();
        let groups: Vec<GroupRights> = groups.into_iter().collect();

        let mut groups_of: HashMap<String, Vec<usize>> = HashMap::new();
        let mut led_by: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, group) in groups.iter().enumerate() {
            let members: BTreeSet<&String> = group.members.iter().collect();
            for member in members {
                groups_of.entry(member.clone()).or_default().push(index);
            }
            let leaders: BTreeSet<&String> =
                group.leader.iter().chain(group.deputy.iter()).collect();
            for leader in leaders {
                led_by.entry(leader.clone()).or_default().push(index);
            }
        }

        let mut grants_to: HashMap<String, Vec<(String, PersonRights)>> = HashMap::new();
        let mut everyone_lines: HashMap<LineKey, LineRights> = HashMap::new();
        let mut everyone_persons: HashMap<String, PersonRights> = HashMap::new();
        for right in &global.monitor_rights {
            add_line(
                &mut everyone_lines,
                &right.line,
                LineRights::from_monitor_right(right.clip, right.pickup),
            );
        }
        for user in users.values() {
            add_person_lines(&mut everyone_lines, user, global.person_rights);
            for permission in &user.permissions {
                match &permission.grantee {
                    Grantee::Everyone => {
                        add_person_lines(&mut everyone_lines, user, permission.rights);
                        let entry = everyone_persons.entry(user.login.clone()).or_default();
                        *entry = entry.union(permission.rights);
                    }
                    Grantee::User(grantee) => grants_to
                        .entry(grantee.clone())
                        .or_default()
                        .push((user.login.clone(), permission.rights)),
                }
            }
        }

        RightsModel {
            users,
            groups,
            global,
            groups_of,
            led_by,
            grants_to,
            everyone_lines: Arc::new(everyone_lines),
            everyone_persons: Arc::new(everyone_persons),
        }
    }

    /// The inputs of one account.
    pub fn user(&self, login: &str) -> Option<&UserRights> {
        self.users.get(login)
    }

    /// Every account's inputs, in no particular order.
    pub fn users(&self) -> impl Iterator<Item = &UserRights> {
        self.users.values()
    }

    /// The groups.
    pub fn groups(&self) -> &[GroupRights] {
        &self.groups
    }

    /// The global grants.
    pub fn global(&self) -> &GlobalRights {
        &self.global
    }

    /// The lines whose state feeds `login`'s BLF (see [`UserRights::blf_lines`]); empty for
    /// an unknown login.
    pub fn blf_lines(&self, login: &str, current: Option<&LineKey>) -> Vec<LineKey> {
        self.users
            .get(login)
            .map(|u| u.blf_lines(current))
            .unwrap_or_default()
    }

    /// The effective rights of one account: the union of everything granted to it by itself,
    /// its groups (as member, leader or deputy), other users and globally. An unknown login
    /// gets no right at all (not even global ones).
    pub fn effective(&self, login: &str) -> EffectiveRights {
        let Some(user) = self.users.get(login) else {
            return EffectiveRights::nobody(login);
        };
        let mut lines: HashMap<LineKey, LineRights> = HashMap::new();
        let mut persons: HashMap<String, PersonRights> = HashMap::new();
        let mut journal_of = BTreeSet::new();
        let mut monitor_members = BTreeSet::new();
        let mut services = user.services.union(self.global.services);
        let mut services2 = user.services2.union(self.global.services2);

        let own_lines = user.own_lines();
        for line in &own_lines {
            add_line(&mut lines, line, LineRights::MAIN_DEVICE);
        }
        for grant in &user.additional_lines {
            add_line(
                &mut lines,
                &grant.line,
                LineRights::from_line_access(grant.access),
            );
        }
        for right in &user.monitor_rights {
            add_line(
                &mut lines,
                &right.line,
                LineRights::from_monitor_right(right.clip, right.pickup),
            );
        }

        let mut person =
            |other: &str, rights: PersonRights, lines: &mut HashMap<LineKey, LineRights>| {
                if other == login || rights.is_empty() {
                    return;
                }
                let entry = persons.entry(other.to_owned()).or_default();
                *entry = entry.union(rights);
                if let Some(grantor) = self.users.get(other) {
                    add_person_lines(lines, grantor, rights);
                }
            };

        for &index in self.groups_of.get(login).into_iter().flatten() {
            let Some(group) = self.groups.get(index) else {
                continue;
            };
            services = services.union(group.services);
            services2 = services2.union(group.services2);
            if let Some(grant) = &group.group_line {
                add_line(
                    &mut lines,
                    &grant.line,
                    LineRights::from_line_access(grant.access),
                );
            }
            for right in &group.monitor_rights {
                add_line(
                    &mut lines,
                    &right.line,
                    LineRights::from_monitor_right(right.clip, right.pickup),
                );
            }
            let view_journal = group.services.contains(USERRIGHTS_GROUP_VIEWJOURNAL);
            let all_in_monitor = group.services.contains(USERRIGHTS_GROUP_ALLINMONITOR);
            for member in &group.members {
                person(member, group.member_permissions, &mut lines);
                if member != login {
                    if view_journal {
                        journal_of.insert(member.clone());
                    }
                    if all_in_monitor {
                        monitor_members.insert(member.clone());
                    }
                }
            }
        }
        for &index in self.led_by.get(login).into_iter().flatten() {
            let Some(group) = self.groups.get(index) else {
                continue;
            };
            let view_journal = group.services.contains(USERRIGHTS_GROUP_VIEWJOURNALLEADER);
            for member in &group.members {
                person(member, group.leader_permissions, &mut lines);
                if view_journal && member != login {
                    journal_of.insert(member.clone());
                }
            }
        }
        for (grantor, rights) in self.grants_to.get(login).into_iter().flatten() {
            person(grantor, *rights, &mut lines);
        }

        EffectiveRights {
            login: login.to_owned(),
            known: true,
            services: services.without(USERRIGHTS_GROUP_ONLY),
            services2: services2.without(USERRIGHTS2_GROUP_ONLY),
            own_lines,
            lines,
            everyone_lines: self.everyone_lines.clone(),
            persons,
            everyone_persons: self.everyone_persons.clone(),
            global_person: self.global.person_rights,
            journal_of,
            monitor_members,
        }
    }
}

/// The effective rights of one account: services, a precomputed table of line rights, and
/// rights on other persons. Compute it at login (and again when the directory changes);
/// looking up one line is two hash lookups, and the hub can cache the resulting
/// [`Visibility`] per monitor so that checking a delivered event is a field read.
#[derive(Clone, Debug)]
pub struct EffectiveRights {
    login: String,
    known: bool,
    services: Services,
    services2: Services2,
    own_lines: Vec<LineKey>,
    lines: HashMap<LineKey, LineRights>,
    everyone_lines: Arc<HashMap<LineKey, LineRights>>,
    persons: HashMap<String, PersonRights>,
    everyone_persons: Arc<HashMap<String, PersonRights>>,
    global_person: PersonRights,
    journal_of: BTreeSet<String>,
    monitor_members: BTreeSet<String>,
}

impl EffectiveRights {
    /// The rights of an account the model does not know: none.
    pub fn nobody(login: &str) -> EffectiveRights {
        EffectiveRights {
            login: login.to_owned(),
            known: false,
            services: Services::EMPTY,
            services2: Services2::EMPTY,
            own_lines: Vec::new(),
            lines: HashMap::new(),
            everyone_lines: Arc::default(),
            persons: HashMap::new(),
            everyone_persons: Arc::default(),
            global_person: PersonRights::NONE,
            journal_of: BTreeSet::new(),
            monitor_members: BTreeSet::new(),
        }
    }

    /// The account's login.
    pub fn login(&self) -> &str {
        &self.login
    }

    /// Whether the model knows the account.
    pub fn is_known(&self) -> bool {
        self.known
    }

    /// The effective `USERRIGHTS_*` services (user ∪ groups ∪ global, without the group-only
    /// bits).
    pub fn services(&self) -> Services {
        self.services
    }

    /// The effective `USERRIGHTS2_*` services (user ∪ groups ∪ global, without the group-only
    /// bits).
    pub fn services2(&self) -> Services2 {
        self.services2
    }

    /// The account's own lines (main devices, 1st/2nd phone, roaming lines added since).
    pub fn main_devices(&self) -> &[LineKey] {
        &self.own_lines
    }

    /// Adds a line the account gets for this login only, as a main device (roaming: the
    /// phone located at the computer the user logs in from, NUM3).
    pub fn add_main_device(&mut self, line: LineKey) {
        add_line(&mut self.lines, &line, LineRights::MAIN_DEVICE);
        if !self.own_lines.contains(&line) {
            self.own_lines.push(line);
        }
    }

    /// The account's rights on one line ([`LineRights::NONE`] when it has none).
    pub fn line(&self, line: &LineKey) -> LineRights {
        match (self.lines.get(line), self.everyone_lines.get(line)) {
            (Some(own), Some(everyone)) => own.union(*everyone),
            (Some(rights), None) | (None, Some(rights)) => *rights,
            (None, None) => LineRights::NONE,
        }
    }

    /// How much of the line's events the account receives.
    pub fn visibility(&self, line: &LineKey) -> Visibility {
        self.line(line).monitor
    }

    /// Whether the account may monitor the line (MonitorStart; any event of the line).
    pub fn may_monitor(&self, line: &LineKey) -> bool {
        self.visibility(line).is_visible()
    }

    /// Every line the account has a right on, with the rights, ordered by line.
    pub fn lines(&self) -> BTreeMap<LineKey, LineRights> {
        let keys: HashSet<&LineKey> = self
            .lines
            .keys()
            .chain(self.everyone_lines.keys())
            .collect();
        keys.into_iter()
            .map(|key| (key.clone(), self.line(key)))
            .collect()
    }

    /// The account's rights on another person (presence, and the `UR_PHONE_*` bits on their
    /// lines); every right on itself.
    pub fn person(&self, login: &str) -> PersonRights {
        if login == self.login {
            return if self.known {
                PersonRights::ALL
            } else {
                PersonRights::NONE
            };
        }
        let own = self.persons.get(login).copied().unwrap_or_default();
        let everyone = self
            .everyone_persons
            .get(login)
            .copied()
            .unwrap_or_default();
        own.union(everyone).union(self.global_person)
    }

    /// Whether the account may see `owner`'s journal: its own, the other members' of a group
    /// with `USERRIGHTS_GROUP_VIEWJOURNAL`, and, as leader or deputy, the members' of a group
    /// with `USERRIGHTS_GROUP_VIEWJOURNALLEADER`.
    pub fn may_see_journal_of(&self, owner: &str) -> bool {
        (self.known && owner == self.login) || self.journal_of.contains(owner)
    }

    /// The other members of the account's groups with `USERRIGHTS_GROUP_ALLINMONITOR`, shown
    /// in the special monitor view (their presence and lines stay subject to the person
    /// rights).
    pub fn monitor_members(&self) -> &BTreeSet<String> {
        &self.monitor_members
    }
}
