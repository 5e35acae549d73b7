//! Persistence of callboard. `Store` is an enum over the database backends with one thin
//! dispatch per operation (no trait objects); each backend has its own ordered migrations.
//! SQLite (WAL, in the data directory) is the default; PostgreSQL joins with the directory work.

mod directory;
mod error;
mod migrations;
mod phones;
mod postgres;
mod repository;
mod sqlite;
mod writer;

use std::path::Path;

use callboard_core::directory::{Computer, Group, User};
use callboard_core::passwords::Credentials;
use callboard_core::{AdminState, Mac, PhoneRecord};

pub use directory::{AccountKind, NewUser};
pub use error::{StoreError, redacted_url};
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

    /// One user by login (case-insensitive), with picture.
    pub async fn user(&self, login: &str) -> Result<Option<User>, StoreError> {
        dispatch!(self, user(login))
    }

    /// Every user, ordered by login, without pictures.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        dispatch!(self, users())
    }

    /// Logins of the users who have `number` (stored form) among their numbers.
    pub async fn users_with_number(&self, number: &str) -> Result<Vec<String>, StoreError> {
        dispatch!(self, users_with_number(number))
    }

    /// Adds users, all or nothing; an existing login fails with `Duplicate`.
    pub async fn add_users(&self, users: &[NewUser], now_ms: i64) -> Result<(), StoreError> {
        dispatch!(self, write_users(users, false, now_ms))
    }

    /// Writes users over existing ones (or adds them), keeping existing credentials; all or
    /// nothing. New users get the given credentials.
    pub async fn save_users(&self, users: &[NewUser], now_ms: i64) -> Result<(), StoreError> {
        dispatch!(self, write_users(users, true, now_ms))
    }

    /// Disables or enables a user; false when the login is unknown.
    pub async fn set_user_disabled(
        &self,
        login: &str,
        disabled: bool,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        dispatch!(self, set_user_disabled(login, disabled, now_ms))
    }

    /// Deletes a user and its memberships; false when unknown.
    pub async fn delete_user(&self, login: &str) -> Result<bool, StoreError> {
        dispatch!(self, delete_user(login))
    }

    /// The credentials of an account.
    pub async fn credentials(
        &self,
        kind: AccountKind,
        name: &str,
    ) -> Result<Option<Credentials>, StoreError> {
        dispatch!(self, credentials(kind, name))
    }

    /// Replaces the credentials of an account; false when unknown.
    pub async fn set_credentials(
        &self,
        kind: AccountKind,
        name: &str,
        credentials: &Credentials,
    ) -> Result<bool, StoreError> {
        dispatch!(self, set_credentials(kind, name, credentials))
    }

    /// One computer by name.
    pub async fn computer(&self, name: &str) -> Result<Option<Computer>, StoreError> {
        dispatch!(self, computer(name))
    }

    /// Every computer.
    pub async fn computers(&self) -> Result<Vec<Computer>, StoreError> {
        dispatch!(self, computers())
    }

    /// Adds or replaces a computer (credentials kept).
    pub async fn save_computer(&self, computer: &Computer, now_ms: i64) -> Result<(), StoreError> {
        dispatch!(self, write_computer(computer, now_ms))
    }

    /// Deletes a computer; false when unknown.
    pub async fn delete_computer(&self, name: &str) -> Result<bool, StoreError> {
        dispatch!(self, delete_computer(name))
    }

    /// One group with its members.
    pub async fn group(&self, name: &str) -> Result<Option<Group>, StoreError> {
        dispatch!(self, group(name))
    }

    /// Every group with its members.
    pub async fn groups(&self) -> Result<Vec<Group>, StoreError> {
        dispatch!(self, groups())
    }

    /// Adds or replaces a group and its member list.
    pub async fn save_group(&self, group: &Group, now_ms: i64) -> Result<(), StoreError> {
        dispatch!(self, write_group(group, now_ms))
    }

    /// Deletes a group; false when unknown.
    pub async fn delete_group(&self, name: &str) -> Result<bool, StoreError> {
        dispatch!(self, delete_group(name))
    }

    /// Names of the groups a user is a member of.
    pub async fn groups_of(&self, login: &str) -> Result<Vec<String>, StoreError> {
        dispatch!(self, groups_of(login))
    }

    /// A counter that grows with every change of users, groups, computers or settings (not
    /// with logins); equal revisions mean an unchanged directory.
    pub async fn directory_revision(&self) -> Result<i64, StoreError> {
        dispatch!(self, directory_revision())
    }

    /// A global setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        dispatch!(self, setting(key))
    }

    /// Sets a global setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        dispatch!(self, set_setting(key, value))
    }

    /// Closes the connection pool, waiting for running queries.
    pub async fn close(&self) {
        dispatch!(self, close())
    }
}
