//! The queries of every repository, written once in SQL that SQLite and PostgreSQL both accept
//! (`$n` placeholders, `ON CONFLICT`, `COALESCE`), and instantiated for each backend by the
//! `repository!` macro: the backends differ only in their pool, row type and migrations.

use std::str::FromStr;

use callboard_core::{AdminState, Mac, PhoneModel, PhoneRecord, Transport};
use sqlx::Row;

use crate::StoreError;

/// The columns `phone_from_row` reads, in a macro so queries stay static strings.
macro_rules! phone_columns {
    () => {
        "mac, vendor, model, firmware, user_agent, last_address, transport, \
         identities, first_seen_ms, last_registration_ms, admin_state, online"
    };
}
pub(crate) use phone_columns;

pub(crate) fn transport_name(transport: Transport) -> &'static str {
    match transport {
        Transport::Tcp => "tcp",
        Transport::Tls => "tls",
    }
}

pub(crate) fn parse_mac(text: String) -> Result<Mac, StoreError> {
    text.parse()
        .map_err(|e: callboard_core::MacError| StoreError::Corrupt {
            column: "mac",
            detail: e.to_string(),
        })
}

pub(crate) fn parse_admin_state(text: String) -> Result<AdminState, StoreError> {
    AdminState::from_str(&text).map_err(|detail| StoreError::Corrupt {
        column: "admin_state",
        detail,
    })
}

pub(crate) fn identities_json(identities: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(identities).map_err(|e| StoreError::Corrupt {
        column: "identities",
        detail: e.to_string(),
    })
}

/// A phone from a row of `phone_columns!()`, for any backend's row type.
pub(crate) fn phone_from_row<R>(row: &R) -> Result<PhoneRecord, StoreError>
where
    R: Row,
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let identities: String = row.try_get("identities")?;
    let transport: Option<String> = row.try_get("transport")?;
    Ok(PhoneRecord {
        mac: parse_mac(row.try_get("mac")?)?,
        model: PhoneModel {
            vendor: row.try_get("vendor")?,
            model: row.try_get("model")?,
            firmware: row.try_get("firmware")?,
        },
        user_agent: row.try_get("user_agent")?,
        last_address: row.try_get("last_address")?,
        transport: transport
            .map(|t| {
                Transport::from_str(&t).map_err(|detail| StoreError::Corrupt {
                    column: "transport",
                    detail,
                })
            })
            .transpose()?,
        identities: serde_json::from_str(&identities).map_err(|e| StoreError::Corrupt {
            column: "identities",
            detail: e.to_string(),
        })?,
        first_seen_ms: row.try_get("first_seen_ms")?,
        last_registration_ms: row.try_get("last_registration_ms")?,
        admin_state: parse_admin_state(row.try_get("admin_state")?)?,
        online: row.try_get("online")?,
    })
}

/// Implements the repositories on `$store` (which has a `pool` field of a sqlx pool for
/// database `$db`), with migrations from `$migrations`.
macro_rules! repository {
    ($store:ident, $db:ty, $migrations:expr) => {
        impl $store {
            async fn migrate(&self) -> Result<(), $crate::StoreError> {
                use sqlx::Row;
                let migrations: &[$crate::migrations::Migration] = $migrations;
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (
                        version BIGINT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        applied_ms BIGINT NOT NULL)",
                )
                .execute(&self.pool)
                .await?;
                let current: i64 =
                    sqlx::query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                        .fetch_one(&self.pool)
                        .await?
                        .try_get(0)?;
                let known = migrations.last().map_or(0, |m| m.version);
                if current > known {
                    return Err($crate::StoreError::SchemaTooNew {
                        found: current,
                        known,
                    });
                }
                for migration in migrations.iter().filter(|m| m.version > current) {
                    let fail = |cause| $crate::StoreError::Migration {
                        version: migration.version,
                        name: migration.name,
                        cause,
                    };
                    let mut tx = self.pool.begin().await.map_err(fail)?;
                    for statement in migration.sql.split(';').filter(|s| !s.trim().is_empty()) {
                        sqlx::query(statement)
                            .execute(&mut *tx)
                            .await
                            .map_err(fail)?;
                    }
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
                    )
                    .bind(migration.version)
                    .bind(migration.name)
                    .bind($crate::repository::now_ms())
                    .execute(&mut *tx)
                    .await
                    .map_err(fail)?;
                    tx.commit().await.map_err(fail)?;
                    tracing::info!(version = migration.version, name = migration.name, "store migrated");
                }
                Ok(())
            }

            pub(crate) async fn phone(
                &self,
                mac: callboard_core::Mac,
            ) -> Result<Option<callboard_core::PhoneRecord>, $crate::StoreError> {
                let row = sqlx::query(concat!(
                    "SELECT ",
                    $crate::repository::phone_columns!(),
                    " FROM phones WHERE mac = $1"
                ))
                .bind(mac.to_string())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| $crate::repository::phone_from_row(&r)).transpose()
            }

            pub(crate) async fn phones(
                &self,
            ) -> Result<Vec<callboard_core::PhoneRecord>, $crate::StoreError> {
                let rows = sqlx::query(concat!(
                    "SELECT ",
                    $crate::repository::phone_columns!(),
                    " FROM phones ORDER BY mac"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map($crate::repository::phone_from_row).collect()
            }

            pub(crate) async fn apply_phone_updates(
                &self,
                updates: &[$crate::PhoneUpdate],
            ) -> Result<(), $crate::StoreError> {
                let mut tx = self.pool.begin().await?;
                let mut lines_changed = false;
                for update in updates {
                    match update {
                        $crate::PhoneUpdate::Registered(reg) => {
                            sqlx::query(
                                "INSERT INTO phones (mac, vendor, model, firmware, user_agent, last_address, transport,
                                                     first_seen_ms, last_registration_ms, admin_state)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                                 ON CONFLICT (mac) DO UPDATE SET
                                     vendor = excluded.vendor, model = excluded.model, firmware = excluded.firmware,
                                     user_agent = excluded.user_agent, last_address = excluded.last_address,
                                     transport = excluded.transport,
                                     last_registration_ms = COALESCE(excluded.last_registration_ms, phones.last_registration_ms)",
                            )
                            .bind(reg.mac.to_string())
                            .bind(&reg.model.vendor)
                            .bind(&reg.model.model)
                            .bind(&reg.model.firmware)
                            .bind(&reg.user_agent)
                            .bind(&reg.address)
                            .bind($crate::repository::transport_name(reg.transport))
                            .bind(reg.at_ms)
                            .bind(reg.registered.then_some(reg.at_ms))
                            .bind(reg.admin_state_if_new.as_str())
                            .execute(&mut *tx)
                            .await?;
                        }
                        $crate::PhoneUpdate::Online { mac, online } => {
                            sqlx::query("UPDATE phones SET online = $2 WHERE mac = $1")
                                .bind(mac.to_string())
                                .bind(*online)
                                .execute(&mut *tx)
                                .await?;
                        }
                        $crate::PhoneUpdate::Identities { mac, identities } => {
                            // lines bind to users (NUM2): new lines are a directory change
                            let changed = sqlx::query(
                                "UPDATE phones SET identities = $2 WHERE mac = $1 AND identities <> $2",
                            )
                            .bind(mac.to_string())
                            .bind($crate::repository::identities_json(identities)?)
                            .execute(&mut *tx)
                            .await?;
                            lines_changed |= changed.rows_affected() > 0;
                        }
                    }
                }
                if lines_changed {
                    sqlx::query($crate::directory::BUMP_REVISION).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn set_admin_state(
                &self,
                mac: callboard_core::Mac,
                state: callboard_core::AdminState,
                now_ms: i64,
            ) -> Result<bool, $crate::StoreError> {
                use sqlx::Row;
                let mut tx = self.pool.begin().await?;
                let revision: i64 =
                    sqlx::query("SELECT COALESCE(MAX(admin_revision), 0) + 1 FROM phones")
                        .fetch_one(&mut *tx)
                        .await?
                        .try_get(0)?;
                let existed = sqlx::query(
                    "UPDATE phones SET admin_state = $2, admin_revision = $3 WHERE mac = $1",
                )
                .bind(mac.to_string())
                .bind(state.as_str())
                .bind(revision)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if !existed {
                    sqlx::query(
                        "INSERT INTO phones (mac, first_seen_ms, admin_state, admin_revision) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(mac.to_string())
                    .bind(now_ms)
                    .bind(state.as_str())
                    .bind(revision)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(existed)
            }

            pub(crate) async fn admin_changes_since(
                &self,
                since_revision: i64,
            ) -> Result<Vec<(callboard_core::Mac, callboard_core::AdminState, i64)>, $crate::StoreError>
            {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT mac, admin_state, admin_revision FROM phones WHERE admin_revision > $1 ORDER BY admin_revision",
                )
                .bind(since_revision)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok((
                            $crate::repository::parse_mac(row.try_get("mac")?)?,
                            $crate::repository::parse_admin_state(row.try_get("admin_state")?)?,
                            row.try_get("admin_revision")?,
                        ))
                    })
                    .collect()
            }

            pub(crate) async fn mark_all_phones_offline(&self) -> Result<(), $crate::StoreError> {
                sqlx::query("UPDATE phones SET online = $1 WHERE online <> $1")
                    .bind(false)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            pub(crate) async fn close(&self) {
                self.pool.close().await;
            }
        }
    };
}
pub(crate) use repository;

/// The current time in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
