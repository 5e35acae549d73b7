//! The schema, as an explicit ordered list of migrations per database dialect. Each runs once,
//! inside a transaction, at start-up; `schema_migrations` records what has run.

/// One schema change.
pub(crate) struct Migration {
    /// Strictly increasing version number.
    pub version: i64,
    /// Short name for logs and errors.
    pub name: &'static str,
    /// SQL statements, separated by `;`.
    pub sql: &'static str,
}

/// The SQLite migrations, oldest first.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "phone inventory",
        sql: "CREATE TABLE phones (
            mac TEXT PRIMARY KEY NOT NULL,
            vendor TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            firmware TEXT,
            user_agent TEXT NOT NULL DEFAULT '',
            last_address TEXT,
            transport TEXT,
            identities TEXT NOT NULL DEFAULT '[]',
            first_seen_ms INTEGER NOT NULL,
            last_registration_ms INTEGER,
            admin_state TEXT NOT NULL,
            admin_revision INTEGER NOT NULL DEFAULT 0,
            online INTEGER NOT NULL DEFAULT 0
          );
          CREATE INDEX phones_admin_revision ON phones (admin_revision)",
    },
    Migration {
        version: 2,
        name: "directory: users, computers, groups, settings",
        sql: "CREATE TABLE users (
            login_key TEXT PRIMARY KEY NOT NULL,
            login TEXT NOT NULL,
            can_login BOOLEAN NOT NULL,
            disabled BOOLEAN NOT NULL,
            profile TEXT NOT NULL,
            picture BLOB,
            source TEXT NOT NULL,
            external_id TEXT,
            password_hash TEXT,
            transfer_password BOOLEAN NOT NULL DEFAULT FALSE,
            failed_logins BIGINT NOT NULL DEFAULT 0,
            locked_until_ms BIGINT,
            updated_ms BIGINT NOT NULL
          );
          CREATE TABLE user_numbers (
            login_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (login_key, kind)
          );
          CREATE INDEX user_numbers_number ON user_numbers (number);
          CREATE TABLE computers (
            name_key TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            profile TEXT NOT NULL,
            source TEXT NOT NULL,
            external_id TEXT,
            password_hash TEXT,
            transfer_password BOOLEAN NOT NULL DEFAULT FALSE,
            failed_logins BIGINT NOT NULL DEFAULT 0,
            locked_until_ms BIGINT,
            updated_ms BIGINT NOT NULL
          );
          CREATE TABLE user_groups (
            name_key TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            profile TEXT NOT NULL,
            source TEXT NOT NULL,
            external_id TEXT,
            updated_ms BIGINT NOT NULL
          );
          CREATE TABLE group_members (
            group_key TEXT NOT NULL,
            login_key TEXT NOT NULL,
            PRIMARY KEY (group_key, login_key)
          );
          CREATE INDEX group_members_login ON group_members (login_key);
          CREATE TABLE settings (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
          )",
    },
    Migration {
        version: 3,
        name: "directory revision",
        sql: "CREATE TABLE directory_revision (
            id INTEGER PRIMARY KEY NOT NULL,
            revision BIGINT NOT NULL
          );
          INSERT INTO directory_revision (id, revision) VALUES (1, 0)",
    },
];

/// The PostgreSQL migrations, oldest first (same versions and meaning as [`SQLITE`]).
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "phone inventory",
        sql: "CREATE TABLE phones (
            mac TEXT PRIMARY KEY NOT NULL,
            vendor TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            firmware TEXT,
            user_agent TEXT NOT NULL DEFAULT '',
            last_address TEXT,
            transport TEXT,
            identities TEXT NOT NULL DEFAULT '[]',
            first_seen_ms BIGINT NOT NULL,
            last_registration_ms BIGINT,
            admin_state TEXT NOT NULL,
            admin_revision BIGINT NOT NULL DEFAULT 0,
            online BOOLEAN NOT NULL DEFAULT FALSE
          );
          CREATE INDEX phones_admin_revision ON phones (admin_revision)",
    },
    Migration {
        version: 2,
        name: "directory: users, computers, groups, settings",
        sql: "CREATE TABLE users (
            login_key TEXT PRIMARY KEY NOT NULL,
            login TEXT NOT NULL,
            can_login BOOLEAN NOT NULL,
            disabled BOOLEAN NOT NULL,
            profile TEXT NOT NULL,
            picture BYTEA,
            source TEXT NOT NULL,
            external_id TEXT,
            password_hash TEXT,
            transfer_password BOOLEAN NOT NULL DEFAULT FALSE,
            failed_logins BIGINT NOT NULL DEFAULT 0,
            locked_until_ms BIGINT,
            updated_ms BIGINT NOT NULL
          );
          CREATE TABLE user_numbers (
            login_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (login_key, kind)
          );
          CREATE INDEX user_numbers_number ON user_numbers (number);
          CREATE TABLE computers (
            name_key TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            profile TEXT NOT NULL,
            source TEXT NOT NULL,
            external_id TEXT,
            password_hash TEXT,
            transfer_password BOOLEAN NOT NULL DEFAULT FALSE,
            failed_logins BIGINT NOT NULL DEFAULT 0,
            locked_until_ms BIGINT,
            updated_ms BIGINT NOT NULL
          );
          CREATE TABLE user_groups (
            name_key TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            profile TEXT NOT NULL,
            source TEXT NOT NULL,
            external_id TEXT,
            updated_ms BIGINT NOT NULL
          );
          CREATE TABLE group_members (
            group_key TEXT NOT NULL,
            login_key TEXT NOT NULL,
            PRIMARY KEY (group_key, login_key)
          );
          CREATE INDEX group_members_login ON group_members (login_key);
          CREATE TABLE settings (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
          )",
    },
    Migration {
        version: 3,
        name: "directory revision",
        sql: "CREATE TABLE directory_revision (
            id INTEGER PRIMARY KEY NOT NULL,
            revision BIGINT NOT NULL
          );
          INSERT INTO directory_revision (id, revision) VALUES (1, 0)",
    },
];
