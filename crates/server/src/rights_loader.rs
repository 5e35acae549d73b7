//! Builds the rights model (PERM1–PERM5) from the directory in the store: every user's main
//! devices come from automatic line binding (NUM2) against the lines callboard knows, plus the
//! stored additional lines, monitor rights and person-to-person grants; groups and the global
//! grants (setting `rights.global`) are added as they are. The model is cached and rebuilt when
//! it gets old or an account is missing from it.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use callboard_core::LineKey;
use callboard_core::directory::{BlfFeed, Group, PersonGrant, User};
use callboard_core::numbers::{LocationRules, UserNumbers, bind_lines};
use callboard_core::rights::{
    BlfMode, BlfOptions, GlobalRights, Grantee, GroupRights, LineAccess, LineGrant, MonitorRight,
    PersonRights, PhoneRights, PresenceRights, RightsModel, Services, Services2, UserPermission,
    UserRights,
};
use callboard_store::{Store, StoreError};
use serde::{Deserialize, Serialize};

/// The global grants, stored as JSON in the setting `rights.global`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GlobalGrants {
    /// USERRIGHTS_* every user has.
    pub services: u32,
    /// USERRIGHTS2_* every user has.
    pub services2: u32,
    /// Monitor rights every user has.
    pub monitors: Vec<callboard_core::directory::MonitorGrant>,
    /// UR_* rights every user has on every other user.
    pub person: Option<PersonGrant>,
}

/// The setting that holds [`GlobalGrants`].
pub const GLOBAL_RIGHTS_SETTING: &str = "rights.global";

fn key(number: &str) -> Option<LineKey> {
    LineKey::from_device_id(number)
}

fn person_rights(grant: &PersonGrant) -> PersonRights {
    PersonRights {
        presence: PresenceRights(grant.presence),
        primary: PhoneRights(grant.primary_line),
        secondary: PhoneRights(grant.secondary_line),
    }
}

fn monitor_rights(grants: &[callboard_core::directory::MonitorGrant]) -> Vec<MonitorRight> {
    grants
        .iter()
        .filter_map(|m| {
            Some(MonitorRight {
                line: key(&m.line)?,
                clip: m.clip,
                pickup: m.pickup,
            })
        })
        .collect()
}

/// The lines a user is bound to (main devices), in order: manual phones, then the business
/// numbers when automatic binding is on.
pub fn bound_lines(rules: &LocationRules, user: &User, lines: &[String]) -> Vec<String> {
    let numbers = &user.profile.numbers;
    let stored = |n: &Option<String>| n.as_deref().and_then(|n| rules.normalize(n).ok());
    let inputs = UserNumbers {
        business: stored(&numbers.business),
        business2: stored(&numbers.business2),
        bind_business: user.profile.bind_business,
        bind_business2: user.profile.bind_business2,
        first_phone: numbers.first_phone.clone(),
        second_phone: numbers.second_phone.clone(),
    };
    bind_lines(rules, &inputs, lines)
}

/// The rights inputs of one user.
pub fn user_rights(rules: &LocationRules, user: &User, lines: &[String]) -> UserRights {
    let profile = &user.profile;
    let main_devices: Vec<LineKey> = bound_lines(rules, user, lines)
        .iter()
        .filter_map(|l| key(l))
        .collect();
    UserRights {
        login: user.login.clone(),
        services: Services(profile.services),
        services2: Services2(profile.services2),
        primary_line: main_devices.first().cloned(),
        secondary_line: main_devices.get(1).cloned(),
        main_devices,
        additional_lines: profile
            .lines
            .iter()
            .filter_map(|g| {
                Some(LineGrant {
                    line: key(&g.line)?,
                    access: LineAccess(g.access),
                })
            })
            .collect(),
        monitor_rights: monitor_rights(&profile.monitors),
        permissions: profile
            .grants
            .iter()
            .map(|g| UserPermission {
                grantee: if g.to.trim() == "*" {
                    Grantee::Everyone
                } else {
                    Grantee::User(g.to.trim().to_owned())
                },
                rights: person_rights(g),
            })
            .collect(),
        blf: blf_options(profile.blf),
    }
}

/// The BLF feed options (PERM5) of a stored profile.
fn blf_options(feed: BlfFeed) -> BlfOptions {
    let (mode, no_softphone) = match feed {
        BlfFeed::AllMainDevices => (BlfMode::AllMainDevices, false),
        BlfFeed::OnlyCurrentDevice => (BlfMode::CurrentDevice, false),
        BlfFeed::OnlyFirstDevice => (BlfMode::FirstMainDevice, false),
        BlfFeed::NoSoftphone => (BlfMode::AllMainDevices, true),
    };
    BlfOptions { mode, no_softphone }
}

fn group_rights(group: &Group) -> GroupRights {
    let profile = &group.profile;
    GroupRights {
        name: group.name.clone(),
        members: group.members.clone(),
        leader: profile.leader.clone(),
        deputy: profile.deputy.clone(),
        services: Services(profile.services),
        services2: Services2(profile.services2),
        group_line: profile.line.as_deref().and_then(key).map(|line| LineGrant {
            line,
            access: LineAccess(profile.line_access),
        }),
        monitor_rights: Vec::new(),
        member_permissions: profile
            .member_grant
            .as_ref()
            .map(person_rights)
            .unwrap_or(PersonRights::NONE),
        leader_permissions: profile
            .leader_grant
            .as_ref()
            .map(person_rights)
            .unwrap_or(PersonRights::NONE),
    }
}

/// Line numbers callboard knows: the identities phones reported, plus extra ones (the demo
/// switch's), as line keys.
pub async fn known_lines(store: &Store, extra: &[String]) -> Result<Vec<String>, StoreError> {
    let mut lines: Vec<String> = store
        .phones()
        .await?
        .iter()
        .flat_map(|p| p.identities.iter())
        .filter_map(|i| key(i).map(|k| k.to_string()))
        .collect();
    lines.extend(extra.iter().cloned());
    lines.sort();
    lines.dedup();
    Ok(lines)
}

/// Reads the global grants.
pub async fn global_grants(store: &Store) -> Result<GlobalGrants, StoreError> {
    match store.setting(GLOBAL_RIGHTS_SETTING).await? {
        Some(text) => serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            column: "settings.rights.global",
            detail: e.to_string(),
        }),
        None => Ok(GlobalGrants::default()),
    }
}

/// Builds the whole model from the store.
pub async fn build_model(
    store: &Store,
    rules: &LocationRules,
    extra_lines: &[String],
) -> Result<RightsModel, StoreError> {
    let lines = known_lines(store, extra_lines).await?;
    let users = store.users().await?;
    let groups = store.groups().await?;
    let global = global_grants(store).await?;
    let global = GlobalRights {
        services: Services(global.services),
        services2: Services2(global.services2),
        monitor_rights: monitor_rights(&global.monitors),
        person_rights: global
            .person
            .as_ref()
            .map(person_rights)
            .unwrap_or(PersonRights::NONE),
    };
    Ok(RightsModel::new(
        users.iter().map(|u| user_rights(rules, u, &lines)),
        groups.iter().map(group_rights),
        global,
    ))
}

/// The cached model of a running server. A model is kept with the store's directory revision
/// it was built from: any change of users, groups, computers or settings (the CLI, an import, a
/// directory sync, another node) makes the next login rebuild it, so a login always gets the
/// rights as stored. Lines callboard learns from phones are no directory change: when the model
/// is older than the maximum age, it is served and a fresh one is built in the background.
/// Concurrent rebuilds are merged into one.
pub struct CachedRights {
    inner: Arc<Inner>,
}

/// A built model with what it was built from.
#[derive(Clone)]
struct Built {
    revision: i64,
    at: Instant,
    model: Arc<RightsModel>,
}

struct Inner {
    store: Store,
    rules: LocationRules,
    extra_lines: Vec<String>,
    max_age: Duration,
    cache: RwLock<Option<Built>>,
    /// Held while a model is built, so only one build runs at a time.
    building: tokio::sync::Mutex<()>,
}

impl Inner {
    fn cached(&self) -> Option<Built> {
        self.cache.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Builds a model, unless one at least as new as `revision` and built after `after`
    /// appeared while waiting for the lock (someone else just built it).
    async fn rebuild(
        &self,
        revision: i64,
        after: Option<Instant>,
    ) -> Result<Arc<RightsModel>, StoreError> {
        let _building = self.building.lock().await;
        if let Some(built) = self.cached()
            && built.revision >= revision
            && after.is_none_or(|seen| built.at > seen)
        {
            return Ok(built.model);
        }
        let started = Instant::now();
        let revision = self.store.directory_revision().await?;
        let model = Arc::new(build_model(&self.store, &self.rules, &self.extra_lines).await?);
        tracing::debug!(
            took_ms = started.elapsed().as_millis() as u64,
            users = model.users().count(),
            revision,
            "rights model rebuilt"
        );
        *self.cache.write().unwrap_or_else(|e| e.into_inner()) = Some(Built {
            revision,
            at: started,
            model: model.clone(),
        });
        Ok(model)
    }
}

impl CachedRights {
    /// A cache over `store`; a model older than `max_age` is refreshed in the background.
    pub fn new(
        store: Store,
        rules: LocationRules,
        extra_lines: Vec<String>,
        max_age: Duration,
    ) -> Self {
        CachedRights {
            inner: Arc::new(Inner {
                store,
                rules,
                extra_lines,
                max_age,
                cache: RwLock::new(None),
                building: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The model for a login of `must_know`: the cached one when the directory has not
    /// changed since it was built and it knows the account, otherwise a fresh one.
    pub async fn model(&self, must_know: Option<&str>) -> Result<Arc<RightsModel>, StoreError> {
        let revision = self.inner.store.directory_revision().await?;
        let Some(built) = self.inner.cached() else {
            return self.inner.rebuild(revision, None).await;
        };
        let knows = must_know.is_none_or(|login| built.model.user(login).is_some());
        if built.revision < revision || !knows {
            return self.inner.rebuild(revision, Some(built.at)).await;
        }
        if built.at.elapsed() >= self.inner.max_age
            && let Ok(_idle) = self.inner.building.try_lock()
        {
            let inner = self.inner.clone();
            tokio::spawn(async move {
                if let Err(error) = inner.rebuild(revision, Some(built.at)).await {
                    tracing::warn!(%error, "refreshing the rights model failed");
                }
            });
        }
        Ok(built.model)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A user bound to two lines (business numbers 201 and 202).
    fn user_with_two_lines(blf: BlfFeed) -> (UserRights, LineKey, LineKey) {
        let mut user = User::new("arthur");
        user.profile.numbers.business = Some("201".into());
        user.profile.numbers.business2 = Some("202".into());
        user.profile.blf = blf;
        let lines = vec!["201".to_owned(), "202".to_owned()];
        let rights = user_rights(&LocationRules::default(), &user, &lines);
        (rights, key("201").unwrap(), key("202").unwrap())
    }

    #[test]
    fn the_stored_blf_feed_reaches_the_rights_model() {
        let (all, first, second) = user_with_two_lines(BlfFeed::AllMainDevices);
        assert_eq!(all.main_devices, vec![first.clone(), second.clone()]);
        assert_eq!(all.blf_lines(None), vec![first.clone(), second.clone()]);

        let (only_first, ..) = user_with_two_lines(BlfFeed::OnlyFirstDevice);
        assert_eq!(only_first.blf_lines(Some(&second)), vec![first.clone()]);

        let (current, ..) = user_with_two_lines(BlfFeed::OnlyCurrentDevice);
        assert_eq!(current.blf_lines(Some(&second)), vec![second.clone()]);

        let (no_softphone, ..) = user_with_two_lines(BlfFeed::NoSoftphone);
        assert!(no_softphone.blf_feeds(&first, None, false));
        assert!(!no_softphone.blf_feeds(&first, None, true));
        assert!(all.blf_feeds(&first, None, true));
    }
}
