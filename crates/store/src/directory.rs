//! The directory in the store: users (with their numbers indexed for line binding), computers,
//! groups with members, login credentials, and global settings. Names are unique without
//! regard to case (`*_key` columns hold the lower-case form). Profiles are JSON documents.

use callboard_core::directory::{
    Computer, ComputerProfile, Group, GroupProfile, Source, User, UserProfile,
};
use callboard_core::passwords::Credentials;

use crate::StoreError;

/// Which kind of account a credential belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// A user logging in by user name.
    User,
    /// A computer logging in by its name.
    Computer,
}

/// A user to write with its credentials (new users, imports).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The user.
    pub user: User,
    /// Its credentials.
    pub credentials: Credentials,
}

/// Counts one more change of users, groups, computers or settings; run inside the writing
/// transaction. Readers that cache something built from the directory compare revisions.
pub(crate) const BUMP_REVISION: &str =
    "UPDATE directory_revision SET revision = revision + 1 WHERE id = 1";

/// The case-insensitive key of a name.
pub(crate) fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

pub(crate) fn source_name(source: &Source) -> &'static str {
    match source {
        Source::Internal => "internal",
        Source::Ldap => "ldap",
    }
}

pub(crate) fn parse_source(text: &str) -> Source {
    match text {
        "ldap" => Source::Ldap,
        _ => Source::Internal,
    }
}

pub(crate) fn to_json<T: serde::Serialize>(
    value: &T,
    column: &'static str,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        column,
        detail: e.to_string(),
    })
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    text: &str,
    column: &'static str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        column,
        detail: e.to_string(),
    })
}

pub(crate) fn user_profile(text: &str) -> Result<UserProfile, StoreError> {
    from_json(text, "users.profile")
}

pub(crate) fn computer_profile(text: &str) -> Result<ComputerProfile, StoreError> {
    from_json(text, "computers.profile")
}

pub(crate) fn group_profile(text: &str) -> Result<GroupProfile, StoreError> {
    from_json(text, "user_groups.profile")
}

/// Builds a `Group` from its columns and members.
pub(crate) fn group(
    name: String,
    profile: &str,
    source: &str,
    external_id: Option<String>,
    members: Vec<String>,
) -> Result<Group, StoreError> {
    Ok(Group {
        name,
        profile: group_profile(profile)?,
        members,
        source: parse_source(source),
        external_id,
    })
}

/// Builds a `Computer` from its columns.
pub(crate) fn computer(
    name: String,
    profile: &str,
    source: &str,
    external_id: Option<String>,
) -> Result<Computer, StoreError> {
    Ok(Computer {
        name,
        profile: computer_profile(profile)?,
        source: parse_source(source),
        external_id,
    })
}

/// Implements the directory repositories on `$store` (see `repository!`).
macro_rules! directory_repository {
    ($store:ident) => {
        impl $store {
            pub(crate) async fn user(
                &self,
                login: &str,
            ) -> Result<Option<callboard_core::directory::User>, $crate::StoreError> {
                use sqlx::Row;
                let row = sqlx::query(
                    "SELECT login, can_login, disabled, profile, picture, source, external_id FROM users WHERE login_key = $1",
                )
                .bind($crate::directory::key(login))
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some(callboard_core::directory::User {
                    login: row.try_get("login")?,
                    can_login: row.try_get("can_login")?,
                    disabled: row.try_get("disabled")?,
                    profile: $crate::directory::user_profile(&row.try_get::<String, _>("profile")?)?,
                    picture: row.try_get("picture")?,
                    source: $crate::directory::parse_source(&row.try_get::<String, _>("source")?),
                    external_id: row.try_get("external_id")?,
                }))
            }

            pub(crate) async fn users(
                &self,
            ) -> Result<Vec<callboard_core::directory::User>, $crate::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT login, can_login, disabled, profile, source, external_id FROM users ORDER BY login_key",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(callboard_core::directory::User {
                            login: row.try_get("login")?,
                            can_login: row.try_get("can_login")?,
                            disabled: row.try_get("disabled")?,
                            profile: $crate::directory::user_profile(&row.try_get::<String, _>("profile")?)?,
                            picture: None,
                            source: $crate::directory::parse_source(&row.try_get::<String, _>("source")?),
                            external_id: row.try_get("external_id")?,
                        })
                    })
                    .collect()
            }

            pub(crate) async fn users_with_number(
                &self,
                number: &str,
            ) -> Result<Vec<String>, $crate::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT users.login FROM user_numbers JOIN users ON users.login_key = user_numbers.login_key
                     WHERE user_numbers.number = $1 ORDER BY users.login_key",
                )
                .bind(number)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(r.try_get("login")?)).collect()
            }

            /// Inserts users (refusing existing logins) or, with `replace`, writes them over
            /// existing ones keeping their credentials; all or nothing.
            pub(crate) async fn write_users(
                &self,
                users: &[$crate::directory::NewUser],
                replace: bool,
                now_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                for new in users {
                    let user = &new.user;
                    let login_key = $crate::directory::key(&user.login);
                    if login_key.is_empty() {
                        return Err($crate::StoreError::Invalid("a login name must not be empty".into()));
                    }
                    let profile = $crate::directory::to_json(&user.profile, "users.profile")?;
                    let source = $crate::directory::source_name(&user.source);
                    let result = if replace {
                        sqlx::query(
                            "INSERT INTO users (login_key, login, can_login, disabled, profile, picture, source, external_id,
                                                password_hash, transfer_password, updated_ms)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                             ON CONFLICT (login_key) DO UPDATE SET login = excluded.login, can_login = excluded.can_login,
                                 disabled = excluded.disabled, profile = excluded.profile,
                                 picture = COALESCE(excluded.picture, users.picture), source = excluded.source,
                                 external_id = excluded.external_id, updated_ms = excluded.updated_ms",
                        )
                    } else {
                        sqlx::query(
                            "INSERT INTO users (login_key, login, can_login, disabled, profile, picture, source, external_id,
                                                password_hash, transfer_password, updated_ms)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        )
                    }
                    .bind(&login_key)
                    .bind(user.login.trim())
                    .bind(user.can_login)
                    .bind(user.disabled)
                    .bind(profile)
                    .bind(user.picture.as_deref())
                    .bind(source)
                    .bind(user.external_id.as_deref())
                    .bind(new.credentials.hash.as_deref())
                    .bind(new.credentials.transfer_at_next_login)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await;
                    if let Err(error) = result {
                        if let sqlx::Error::Database(db) = &error {
                            if db.is_unique_violation() {
                                return Err($crate::StoreError::Duplicate(format!("user `{}`", user.login.trim())));
                            }
                        }
                        return Err(error.into());
                    }
                    sqlx::query("DELETE FROM user_numbers WHERE login_key = $1")
                        .bind(&login_key)
                        .execute(&mut *tx)
                        .await?;
                    for (kind, number) in user.profile.numbers.iter() {
                        sqlx::query("INSERT INTO user_numbers (login_key, kind, number) VALUES ($1, $2, $3)")
                            .bind(&login_key)
                            .bind(kind)
                            .bind(number)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn set_user_disabled(
                &self,
                login: &str,
                disabled: bool,
                now_ms: i64,
            ) -> Result<bool, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("UPDATE users SET disabled = $2, updated_ms = $3 WHERE login_key = $1")
                    .bind($crate::directory::key(login))
                    .bind(disabled)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            pub(crate) async fn delete_user(&self, login: &str) -> Result<bool, $crate::StoreError> {
                let login_key = $crate::directory::key(login);
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM user_numbers WHERE login_key = $1").bind(&login_key).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM group_members WHERE login_key = $1").bind(&login_key).execute(&mut *tx).await?;
                let done = sqlx::query("DELETE FROM users WHERE login_key = $1").bind(&login_key).execute(&mut *tx).await?;
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            pub(crate) async fn credentials(
                &self,
                kind: $crate::directory::AccountKind,
                name: &str,
            ) -> Result<Option<callboard_core::passwords::Credentials>, $crate::StoreError> {
                use sqlx::Row;
                let query = match kind {
                    $crate::directory::AccountKind::User => sqlx::query(
                        "SELECT password_hash, transfer_password, failed_logins, locked_until_ms FROM users WHERE login_key = $1",
                    ),
                    $crate::directory::AccountKind::Computer => sqlx::query(
                        "SELECT password_hash, transfer_password, failed_logins, locked_until_ms FROM computers WHERE name_key = $1",
                    ),
                };
                let row = query.bind($crate::directory::key(name)).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some(callboard_core::passwords::Credentials {
                    hash: row.try_get("password_hash")?,
                    transfer_at_next_login: row.try_get("transfer_password")?,
                    failed_logins: row.try_get::<i64, _>("failed_logins")?.clamp(0, i64::from(u32::MAX)) as u32,
                    locked_until_ms: row.try_get("locked_until_ms")?,
                }))
            }

            pub(crate) async fn set_credentials(
                &self,
                kind: $crate::directory::AccountKind,
                name: &str,
                credentials: &callboard_core::passwords::Credentials,
            ) -> Result<bool, $crate::StoreError> {
                let query = match kind {
                    $crate::directory::AccountKind::User => sqlx::query(
                        "UPDATE users SET password_hash = $2, transfer_password = $3, failed_logins = $4, locked_until_ms = $5 WHERE login_key = $1",
                    ),
                    $crate::directory::AccountKind::Computer => sqlx::query(
                        "UPDATE computers SET password_hash = $2, transfer_password = $3, failed_logins = $4, locked_until_ms = $5 WHERE name_key = $1",
                    ),
                };
                let done = query
                    .bind($crate::directory::key(name))
                    .bind(credentials.hash.as_deref())
                    .bind(credentials.transfer_at_next_login)
                    .bind(i64::from(credentials.failed_logins))
                    .bind(credentials.locked_until_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            pub(crate) async fn computer(
                &self,
                name: &str,
            ) -> Result<Option<callboard_core::directory::Computer>, $crate::StoreError> {
                use sqlx::Row;
                let row = sqlx::query("SELECT name, profile, source, external_id FROM computers WHERE name_key = $1")
                    .bind($crate::directory::key(name))
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|row| {
                    $crate::directory::computer(
                        row.try_get("name")?,
                        &row.try_get::<String, _>("profile")?,
                        &row.try_get::<String, _>("source")?,
                        row.try_get("external_id")?,
                    )
                })
                .transpose()
            }

            pub(crate) async fn computers(
                &self,
            ) -> Result<Vec<callboard_core::directory::Computer>, $crate::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query("SELECT name, profile, source, external_id FROM computers ORDER BY name_key")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|row| {
                        $crate::directory::computer(
                            row.try_get("name")?,
                            &row.try_get::<String, _>("profile")?,
                            &row.try_get::<String, _>("source")?,
                            row.try_get("external_id")?,
                        )
                    })
                    .collect()
            }

            pub(crate) async fn write_computer(
                &self,
                computer: &callboard_core::directory::Computer,
                now_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                let name_key = $crate::directory::key(&computer.name);
                if name_key.is_empty() {
                    return Err($crate::StoreError::Invalid("a computer name must not be empty".into()));
                }
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO computers (name_key, name, profile, source, external_id, updated_ms)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, profile = excluded.profile,
                         source = excluded.source, external_id = excluded.external_id, updated_ms = excluded.updated_ms",
                )
                .bind(name_key)
                .bind(computer.name.trim())
                .bind($crate::directory::to_json(&computer.profile, "computers.profile")?)
                .bind($crate::directory::source_name(&computer.source))
                .bind(computer.external_id.as_deref())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn delete_computer(&self, name: &str) -> Result<bool, $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("DELETE FROM computers WHERE name_key = $1")
                    .bind($crate::directory::key(name))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            async fn members_of(&self, group_key: &str) -> Result<Vec<String>, $crate::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT COALESCE(users.login, group_members.login_key) AS login FROM group_members
                     LEFT JOIN users ON users.login_key = group_members.login_key
                     WHERE group_members.group_key = $1 ORDER BY group_members.login_key",
                )
                .bind(group_key)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(r.try_get("login")?)).collect()
            }

            pub(crate) async fn group(
                &self,
                name: &str,
            ) -> Result<Option<callboard_core::directory::Group>, $crate::StoreError> {
                use sqlx::Row;
                let name_key = $crate::directory::key(name);
                let row = sqlx::query("SELECT name, profile, source, external_id FROM user_groups WHERE name_key = $1")
                    .bind(&name_key)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let members = self.members_of(&name_key).await?;
                Ok(Some($crate::directory::group(
                    row.try_get("name")?,
                    &row.try_get::<String, _>("profile")?,
                    &row.try_get::<String, _>("source")?,
                    row.try_get("external_id")?,
                    members,
                )?))
            }

            pub(crate) async fn groups(
                &self,
            ) -> Result<Vec<callboard_core::directory::Group>, $crate::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query("SELECT name_key, name, profile, source, external_id FROM user_groups ORDER BY name_key")
                    .fetch_all(&self.pool)
                    .await?;
                let mut groups = Vec::with_capacity(rows.len());
                for row in &rows {
                    let members = self.members_of(&row.try_get::<String, _>("name_key")?).await?;
                    groups.push($crate::directory::group(
                        row.try_get("name")?,
                        &row.try_get::<String, _>("profile")?,
                        &row.try_get::<String, _>("source")?,
                        row.try_get("external_id")?,
                        members,
                    )?);
                }
                Ok(groups)
            }

            pub(crate) async fn write_group(
                &self,
                group: &callboard_core::directory::Group,
                now_ms: i64,
            ) -> Result<(), $crate::StoreError> {
                let name_key = $crate::directory::key(&group.name);
                if name_key.is_empty() {
                    return Err($crate::StoreError::Invalid("a group name must not be empty".into()));
                }
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO user_groups (name_key, name, profile, source, external_id, updated_ms)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, profile = excluded.profile,
                         source = excluded.source, external_id = excluded.external_id, updated_ms = excluded.updated_ms",
                )
                .bind(&name_key)
                .bind(group.name.trim())
                .bind($crate::directory::to_json(&group.profile, "user_groups.profile")?)
                .bind($crate::directory::source_name(&group.source))
                .bind(group.external_id.as_deref())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM group_members WHERE group_key = $1")
                    .bind(&name_key)
                    .execute(&mut *tx)
                    .await?;
                let mut seen = std::collections::HashSet::new();
                for member in &group.members {
                    let login_key = $crate::directory::key(member);
                    if login_key.is_empty() || !seen.insert(login_key.clone()) {
                        continue;
                    }
                    sqlx::query("INSERT INTO group_members (group_key, login_key) VALUES ($1, $2)")
                        .bind(&name_key)
                        .bind(login_key)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn delete_group(&self, name: &str) -> Result<bool, $crate::StoreError> {
                let name_key = $crate::directory::key(name);
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM group_members WHERE group_key = $1").bind(&name_key).execute(&mut *tx).await?;
                let done = sqlx::query("DELETE FROM user_groups WHERE name_key = $1").bind(&name_key).execute(&mut *tx).await?;
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(done.rows_affected() > 0)
            }

            pub(crate) async fn groups_of(&self, login: &str) -> Result<Vec<String>, $crate::StoreError> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT user_groups.name FROM group_members JOIN user_groups ON user_groups.name_key = group_members.group_key
                     WHERE group_members.login_key = $1 ORDER BY user_groups.name_key",
                )
                .bind($crate::directory::key(login))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(r.try_get("name")?)).collect()
            }

            pub(crate) async fn directory_revision(&self) -> Result<i64, $crate::StoreError> {
                use sqlx::Row;
                let row = sqlx::query("SELECT revision FROM directory_revision WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await?;
                row.map_or(Ok(0), |r| Ok(r.try_get("revision")?))
            }

            pub(crate) async fn setting(&self, key: &str) -> Result<Option<String>, $crate::StoreError> {
                use sqlx::Row;
                let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| Ok(r.try_get("value")?)).transpose()
            }

            pub(crate) async fn set_setting(&self, key: &str, value: &str) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
                sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}
pub(crate) use directory_repository;
