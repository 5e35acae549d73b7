//! The SQLite backend: one database file in WAL mode, so the CLI can read and change the
//! inventory while the server runs.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use callboard_core::{AdminState, Mac, PhoneModel, PhoneRecord, Transport};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use crate::migrations::{Migration, SQLITE};
use crate::{PhoneUpdate, StoreError};

/// The SQLite store.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// The columns `phone_from_row` reads, in a macro so queries stay static strings.
macro_rules! phone_columns {
    () => {
        "mac, vendor, model, firmware, user_agent, last_address, transport, \
         identities, first_seen_ms, last_registration_ms, admin_state, online"
    };
}

impl SqliteStore {
    /// Opens or creates the database file and migrates it.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let store = SqliteStore { pool };
        store.migrate(SQLITE).await?;
        Ok(store)
    }

    async fn migrate(&self, migrations: &[Migration]) -> Result<(), StoreError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                applied_ms INTEGER NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let current: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let known = migrations.last().map_or(0, |m| m.version);
        if current > known {
            return Err(StoreError::SchemaTooNew {
                found: current,
                known,
            });
        }
        for migration in migrations.iter().filter(|m| m.version > current) {
            let fail = |source| StoreError::Migration {
                version: migration.version,
                name: migration.name,
                source,
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
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
            tracing::info!(
                version = migration.version,
                name = migration.name,
                "store migrated"
            );
        }
        Ok(())
    }

    pub(crate) async fn phone(&self, mac: Mac) -> Result<Option<PhoneRecord>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            phone_columns!(),
            " FROM phones WHERE mac = $1"
        ))
        .bind(mac.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| phone_from_row(&r)).transpose()
    }

    pub(crate) async fn phones(&self) -> Result<Vec<PhoneRecord>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            phone_columns!(),
            " FROM phones ORDER BY mac"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(phone_from_row).collect()
    }

    pub(crate) async fn apply_phone_updates(
        &self,
        updates: &[PhoneUpdate],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for update in updates {
            apply_phone_update(&mut tx, update).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn set_admin_state(
        &self,
        mac: Mac,
        state: AdminState,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revision: i64 = sqlx::query("SELECT COALESCE(MAX(admin_revision), 0) + 1 FROM phones")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let existed =
            sqlx::query("UPDATE phones SET admin_state = $2, admin_revision = $3 WHERE mac = $1")
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
    ) -> Result<Vec<(Mac, AdminState, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT mac, admin_state, admin_revision FROM phones WHERE admin_revision > $1 ORDER BY admin_revision",
        )
        .bind(since_revision)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    parse_mac(row.try_get("mac")?)?,
                    parse_admin_state(row.try_get("admin_state")?)?,
                    row.try_get("admin_revision")?,
                ))
            })
            .collect()
    }

    pub(crate) async fn mark_all_phones_offline(&self) -> Result<(), StoreError> {
        sqlx::query("UPDATE phones SET online = 0 WHERE online <> 0")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

async fn apply_phone_update(
    tx: &mut Transaction<'_, Sqlite>,
    update: &PhoneUpdate,
) -> Result<(), StoreError> {
    match update {
        PhoneUpdate::Registered(reg) => {
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
            .bind(transport_name(reg.transport))
            .bind(reg.at_ms)
            .bind(reg.registered.then_some(reg.at_ms))
            .bind(reg.admin_state_if_new.as_str())
            .execute(&mut **tx)
            .await?;
        }
        PhoneUpdate::Online { mac, online } => {
            sqlx::query("UPDATE phones SET online = $2 WHERE mac = $1")
                .bind(mac.to_string())
                .bind(*online)
                .execute(&mut **tx)
                .await?;
        }
        PhoneUpdate::Identities { mac, identities } => {
            let json = serde_json::to_string(identities).map_err(|e| StoreError::Corrupt {
                column: "identities",
                detail: e.to_string(),
            })?;
            sqlx::query("UPDATE phones SET identities = $2 WHERE mac = $1")
                .bind(mac.to_string())
                .bind(json)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

fn transport_name(transport: Transport) -> &'static str {
    match transport {
        Transport::Tcp => "tcp",
        Transport::Tls => "tls",
    }
}

fn parse_mac(text: String) -> Result<Mac, StoreError> {
    text.parse()
        .map_err(|e: callboard_core::MacError| StoreError::Corrupt {
            column: "mac",
            detail: e.to_string(),
        })
}

fn parse_admin_state(text: String) -> Result<AdminState, StoreError> {
    AdminState::from_str(&text).map_err(|detail| StoreError::Corrupt {
        column: "admin_state",
        detail,
    })
}

fn phone_from_row(row: &SqliteRow) -> Result<PhoneRecord, StoreError> {
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

/// The current time in Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
