//! Errors of the store.

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The `[store] url` names a backend this build does not know.
    #[error(
        "unsupported store url `{0}` (expected sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
    )]
    UnsupportedUrl(String),
    /// The database directory could not be created.
    #[error("cannot create the database directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A query or connection failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed; the schema was left at the previous version.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// The migration's version number.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// The cause.
        source: sqlx::Error,
    },
    /// The database was written by a newer callboard.
    #[error(
        "the database schema is version {found}, newer than this callboard knows ({known}); upgrade callboard"
    )]
    SchemaTooNew {
        /// Version found in the database.
        found: i64,
        /// Highest version this build knows.
        known: i64,
    },
    /// A name that must be unique is taken.
    #[error("{0} already exists")]
    Duplicate(String),
    /// A value that cannot be stored.
    #[error("{0}")]
    Invalid(String),
    /// A stored value could not be read back.
    #[error("corrupt stored value in {column}: {detail}")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// What was wrong.
        detail: String,
    },
}
