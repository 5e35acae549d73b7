//! Persistence of callboard. `Store` is an enum over the database backends with one thin
//! dispatch per operation (no trait objects); each backend has its own ordered migrations.
//! SQLite (WAL, in the data directory) is the default; PostgreSQL joins with the directory work.

mod error;
mod migrations;
mod phones;
mod postgres;
mod repository;
mod sqlite;
mod writer;

use std::path::Path;

use callboard_core::{AdminState, Mac, PhoneRecord};

pub use error::StoreError;
pub use phones::{PhoneUpdate, RegistrationUpdate};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use writer::{PhoneWriter, PhoneWriterTask};

/// The database behind callboard, chosen by the `[store] url` setting.
#[derive(Clone, Debug)]
pub enum Store {
    /// An embedded SQLite database file (`sqlite://path`).
    Sqlite(SqliteStore),
    /// A PostgreSQL database (`postgres://…`), shared by several nodes.
    Postgres(PostgresStore),
}

/// Calls the same method on whichever backend the store is.
macro_rules! dispatch {
    ($store:expr, $method:ident ( $($arg:expr),* )) => {
        match $store {
            Store::Sqlite(s) => s.$method($($arg),*).await,
            Store::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store {
    /// The default store URL for a data directory: `sqlite://<data_dir>/callboard.db`.
    pub fn default_url(data_dir: &Path) -> String {
        format!("sqlite://{}", data_dir.join("callboard.db").display())
    }

    /// Opens (creating when missing) the store at `url` and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok(Store::Sqlite(SqliteStore::open(Path::new(path)).await?));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Store::Postgres(PostgresStore::open(url).await?));
        }
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }

    /// One phone of the inventory.
    pub async fn phone(&self, mac: Mac) -> Result<Option<PhoneRecord>, StoreError> {
        dispatch!(self, phone(mac))
    }

    /// The whole phone inventory, ordered by MAC.
    pub async fn phones(&self) -> Result<Vec<PhoneRecord>, StoreError> {
        dispatch!(self, phones())
    }

    /// Applies runtime updates of the phones link in one transaction.
    pub async fn apply_phone_updates(&self, updates: &[PhoneUpdate]) -> Result<(), StoreError> {
        dispatch!(self, apply_phone_updates(updates))
    }

    /// Sets the administrator's decision for a phone, creating its record when it is unknown
    /// (so phones can be approved before they first register). Returns whether it existed.
    pub async fn set_admin_state(
        &self,
        mac: Mac,
        state: AdminState,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        dispatch!(self, set_admin_state(mac, state, now_ms))
    }

    /// Admin decisions made after revision `since_revision` (exclusive), oldest first, each with
    /// its revision. Every `set_admin_state` takes the next revision number, so a poller that
    /// remembers the highest revision it saw misses nothing.
    pub async fn admin_changes_since(
        &self,
        since_revision: i64,
    ) -> Result<Vec<(Mac, AdminState, i64)>, StoreError> {
        dispatch!(self, admin_changes_since(since_revision))
    }

    /// Marks every phone offline; run at start-up and shutdown, when no phone can be connected.
    pub async fn mark_all_phones_offline(&self) -> Result<(), StoreError> {
        dispatch!(self, mark_all_phones_offline())
    }

    /// Closes the connection pool, waiting for running queries.
    pub async fn close(&self) {
        dispatch!(self, close())
    }
}
