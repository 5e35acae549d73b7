//! Synchronisation from LDAP / Active Directory (DIR5): reads the CTI users, groups and
//! computers (schema extension or reserved field, see `callboard_directory`), maps them onto
//! callboard's directory and writes them in one go. Numbers are normalized with the location
//! rules; a number that cannot be read is left out and reported. New users get their password
//! handed over at the first login (the directory's own password is never used, DIR4); users
//! that left the directory are disabled, not deleted. With write-back the users' SIP addresses
//! are added to `proxyAddresses`.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use callboard_core::directory::{
    Computer, ComputerProfile, ContactAddress, Group, GroupProfile, LineGrant, PersonGrant, Source,
    User, UserNumbers, UserProfile,
};
use callboard_core::numbers::LocationRules;
use callboard_core::passwords::Credentials;
use callboard_core::rights::{Grantee, PersonRights, UserPermission};
use callboard_directory::{
    CtiAttributes, DirComputer, DirGroup, DirUser, LdapSettings, Mode, ObjectKind, Progress,
    read_directory, write_back,
};
use callboard_store::{NewUser, Store};

use crate::config::{Config, LdapConfig};

/// What a synchronisation did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Users read from the directory.
    pub users: usize,
    /// Users that are new.
    pub new_users: usize,
    /// Users already stored whose data changed (written again).
    pub changed_users: usize,
    /// Groups written.
    pub groups: usize,
    /// Computers written.
    pub computers: usize,
    /// LDAP users no longer in the directory, now disabled.
    pub disabled: usize,
    /// Entries or values left out, each with the reason.
    pub problems: Vec<String>,
    /// SIP addresses written back.
    pub written_back: usize,
}

/// The LDAP settings of `[directory.ldap]`.
pub fn ldap_settings(config: &LdapConfig) -> anyhow::Result<LdapSettings> {
    let mut settings = LdapSettings::new(
        config.url.clone(),
        config.bind_dn.clone(),
        config.bind_password.clone(),
        config.base_dn.clone(),
    );
    settings.mode = Mode::parse(&config.mode).map_err(|e| anyhow::anyhow!("{e}"))?;
    settings.user_filter = config.user_filter.clone();
    settings.group_filter = config.group_filter.clone();
    settings.computer_filter = config.computer_filter.clone();
    settings.page_size = config.page_size;
    settings.tls_verify = config.tls_verify;
    settings.write_back = config.write_back;
    settings.timeout = Duration::from_secs(30);
    Ok(settings)
}

fn number(
    rules: &LocationRules,
    who: &str,
    field: &str,
    value: &Option<String>,
    problems: &mut Vec<String>,
) -> Option<String> {
    let text = value.as_deref()?.trim();
    if text.is_empty() {
        return None;
    }
    match rules.normalize(text) {
        Ok(number) => Some(number.as_str().to_owned()),
        Err(error) => {
            problems.push(format!("{who}: {field} left out: {error}"));
            None
        }
    }
}

fn grant_of(text: &str) -> Option<PersonGrant> {
    let permission: UserPermission = text.parse().ok()?;
    let to = match permission.grantee {
        Grantee::User(login) => login,
        Grantee::Everyone => "*".to_owned(),
    };
    Some(person_grant(to, permission.rights))
}

fn person_grant(to: String, rights: PersonRights) -> PersonGrant {
    PersonGrant {
        to,
        presence: rights.presence.0,
        primary_line: rights.primary.0,
        secondary_line: rights.secondary.0,
    }
}

fn line_grants(cti: &CtiAttributes) -> Vec<LineGrant> {
    cti.lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|line| LineGrant {
            line: line.trim().to_owned(),
            access: cti.lines_permissions.unwrap_or(0),
        })
        .collect()
}

/// The callboard user of a directory user.
pub fn map_user(rules: &LocationRules, entry: &DirUser, problems: &mut Vec<String>) -> User {
    let who = format!("user {}", entry.login);
    let cti = &entry.cti;
    let mut n = |field: &str, value: &Option<String>| number(rules, &who, field, value, problems);
    let numbers = UserNumbers {
        business: n("telephoneNumber", &entry.telephone),
        business2: n("otherTelephone", &entry.other_telephone),
        private: n("homePhone", &entry.home_phone),
        mobile: n("mobile", &entry.mobile),
        pager: n("pager", &entry.pager),
        voicemail: n("ectisrv3UserPhoneMailbox", &cti.mailbox),
        recording_server: n("ectisrv3UserPhoneRecordingServer", &cti.recording_server),
        first_phone: n("ectisrv3CTIPhonePrimary", &cti.phone_primary),
        second_phone: n("ectisrv3CTIPhoneSecondary", &cti.phone_secondary),
    };
    let mut grants = Vec::new();
    for text in &cti.permissions {
        match grant_of(text) {
            Some(grant) => grants.push(grant),
            None => problems.push(format!(
                "{who}: permission `{text}` left out: not \"user\";presence;primary;secondary"
            )),
        }
    }
    let mut user = User::new(entry.login.clone());
    user.profile = UserProfile {
        sip_uri: cti.sip_uri.clone().filter(|s| !s.is_empty()),
        first_name: entry.first_name.clone().unwrap_or_default(),
        last_name: entry.last_name.clone().unwrap_or_default(),
        display_name: entry.display_name.clone().unwrap_or_default(),
        email: entry.email.clone(),
        department: None,
        numbers,
        bind_business: true,
        bind_business2: true,
        address: ContactAddress {
            company: entry.company.clone(),
            title: entry.title.clone(),
            office: entry.office.clone(),
            street: entry.street.clone(),
            postal_code: entry.postal_code.clone(),
            city: entry.city.clone(),
            state: entry.state.clone(),
            country: entry.country.clone(),
            web: entry.web.clone(),
        },
        services: cti.services.unwrap_or(0),
        services2: cti.services2.unwrap_or(0),
        lines: line_grants(cti),
        monitors: Vec::new(),
        grants,
        blf: Default::default(),
    };
    user.picture = entry.thumbnail.as_deref().and_then(|bytes| {
        crate::picture::scale_picture(bytes)
            .map_err(|e| problems.push(format!("user {}: picture left out: {e}", entry.login)))
            .ok()
    });
    user.source = Source::Ldap;
    user.external_id = Some(entry.guid.clone().unwrap_or_else(|| entry.dn.clone()));
    user
}

/// The callboard group of a directory group; member and leader DNs become logins.
pub fn map_group(
    entry: &DirGroup,
    login_of: &HashMap<String, String>,
    problems: &mut Vec<String>,
) -> Group {
    let login = |dn: &str| login_of.get(&dn.to_lowercase()).cloned();
    let cti = &entry.cti;
    let rights = |text: &Option<String>, what: &str, problems: &mut Vec<String>| {
        let text = text.as_deref()?;
        match PersonRights::parse_entry(text) {
            Ok(rights) => Some(person_grant(String::new(), rights)),
            Err(error) => {
                problems.push(format!("group {}: {what} left out: {error}", entry.name));
                None
            }
        }
    };
    Group {
        name: entry.name.clone(),
        profile: GroupProfile {
            line: None,
            line_access: 0,
            leader: cti.leader_dn.as_deref().and_then(login),
            deputy: cti.deputy_dn.as_deref().and_then(login),
            services: cti.services.unwrap_or(0),
            services2: cti.services2.unwrap_or(0),
            leader_grant: rights(
                &cti.leader_permissions,
                "ectisrv3GroupLeaderPermissions",
                problems,
            ),
            member_grant: rights(
                &cti.members_permissions,
                "ectisrv3GroupMembersPermissions",
                problems,
            ),
            journal_editable: false,
        },
        members: entry.members.iter().filter_map(|dn| login(dn)).collect(),
        source: Source::Ldap,
        external_id: Some(entry.guid.clone().unwrap_or_else(|| entry.dn.clone())),
    }
}

/// The callboard computer of a directory computer.
pub fn map_computer(
    rules: &LocationRules,
    entry: &DirComputer,
    problems: &mut Vec<String>,
) -> Computer {
    let who = format!("computer {}", entry.name);
    let cti = &entry.cti;
    Computer {
        name: entry.name.clone(),
        profile: ComputerProfile {
            phone_primary: number(
                rules,
                &who,
                "ectisrv3CTIPhonePrimary",
                &cti.phone_primary,
                problems,
            ),
            phone_secondary: number(
                rules,
                &who,
                "ectisrv3CTIPhoneSecondary",
                &cti.phone_secondary,
                problems,
            ),
            all_lines: cti.lines.iter().any(|l| l.trim() == "*"),
            lines: cti
                .lines
                .iter()
                .filter(|l| l.trim() != "*" && !l.trim().is_empty())
                .cloned()
                .collect(),
            only_authorized_dial: false,
            lines_access: cti.lines_permissions.unwrap_or(0),
        },
        source: Source::Ldap,
        external_id: Some(entry.guid.clone().unwrap_or_else(|| entry.dn.clone())),
    }
}

/// Reads the directory and writes it into the store.
pub async fn synchronise(
    store: &Store,
    config: &Config,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> anyhow::Result<SyncReport> {
    let settings = ldap_settings(&config.directory.ldap)?;
    let snapshot = read_directory(&settings, progress).await?;
    let rules = config.numbers.rules();
    let mut report = SyncReport::default();
    for skipped in &snapshot.skipped {
        report
            .problems
            .push(format!("{}: {}", skipped.dn, skipped.reason));
    }
    // stored users without pictures (too big to read all at once)
    let existing: HashMap<String, User> = store
        .users()
        .await?
        .into_iter()
        .map(|u| (u.login.to_lowercase(), u))
        .collect();
    let mut login_of = HashMap::new();
    let mut users = Vec::with_capacity(snapshot.users.len());
    let mut to_write = Vec::new();
    for entry in &snapshot.users {
        login_of.insert(entry.dn.to_lowercase(), entry.login.clone());
        let user = map_user(&rules, entry, &mut report.problems);
        let write = match existing.get(&user.login.to_lowercase()) {
            None => {
                report.new_users += 1;
                true
            }
            Some(stored) => {
                let mut same = *stored
                    == User {
                        picture: None,
                        ..user.clone()
                    };
                if same && user.picture.is_some() {
                    // pictures are compared one by one: the list above leaves them out
                    let with_picture = store.user(&user.login).await?;
                    same = with_picture.is_some_and(|stored| stored.picture == user.picture);
                }
                if !same {
                    report.changed_users += 1;
                }
                !same
            }
        };
        if write {
            to_write.push(users.len());
        }
        users.push(NewUser {
            user,
            credentials: Credentials {
                transfer_at_next_login: true,
                ..Credentials::default()
            },
        });
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    // unchanged users are not written again: a re-sync of a large directory costs only the read
    let changed: Vec<NewUser> = to_write.iter().map(|&i| users[i].clone()).collect();
    store.save_users(&changed, now_ms).await?;
    report.users = users.len();
    let synced: HashSet<String> = users.iter().map(|u| u.user.login.to_lowercase()).collect();
    for user in store.users().await? {
        if user.source == Source::Ldap
            && !user.disabled
            && !synced.contains(&user.login.to_lowercase())
        {
            store.set_user_disabled(&user.login, true, now_ms).await?;
            report.disabled += 1;
        }
    }
    for entry in &snapshot.groups {
        store
            .save_group(&map_group(entry, &login_of, &mut report.problems), now_ms)
            .await?;
        report.groups += 1;
    }
    for entry in &snapshot.computers {
        store
            .save_computer(&map_computer(&rules, entry, &mut report.problems), now_ms)
            .await?;
        report.computers += 1;
    }
    if settings.write_back {
        for (entry, new) in snapshot.users.iter().zip(&users) {
            let Some(sip) = new.user.profile.sip_uri.as_deref() else {
                continue;
            };
            let address = sip.strip_prefix("sip:").unwrap_or(sip);
            // Only where the address is missing: no LDAP write (nor connection) otherwise.
            if callboard_directory::mapping::proxy_address_to_add(&entry.proxy_addresses, address)
                .is_none()
            {
                continue;
            }
            match write_back(
                &settings,
                &entry.dn,
                ObjectKind::User,
                &CtiAttributes::default(),
                Some(address),
            )
            .await
            {
                Ok(()) => report.written_back += 1,
                Err(error) => report
                    .problems
                    .push(format!("user {}: write-back failed: {error}", entry.login)),
            }
        }
    }
    Ok(report)
}
