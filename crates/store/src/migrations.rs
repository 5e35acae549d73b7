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
pub(crate) const SQLITE: &[Migration] = &[Migration {
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
}];

/// The PostgreSQL migrations, oldest first (same versions and meaning as [`SQLITE`]).
pub(crate) const POSTGRES: &[Migration] = &[Migration {
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
}];
