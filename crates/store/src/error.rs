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
    // The causes are part of the messages and deliberately not `source`s, so that printing
    // the error chain does not repeat them.
    #[error("cannot create the database directory {path}: {cause}")]
    CreateDir {
        /// The directory.
        path: String,
        /// The cause.
        cause: std::io::Error,
    },
    /// A query or connection failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database server took the connection but did not answer in time.
    #[error("the database did not answer within {seconds} s (is the host and port right?)")]
    NoAnswer {
        /// How long it was given.
        seconds: u64,
    },
    /// A migration failed; the schema was left at the previous version.
    #[error("migration {version} ({name}) failed: {cause}")]
    Migration {
        /// The migration's version number.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// The cause.
        cause: sqlx::Error,
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

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Database(error)
    }
}

/// `url` with its password replaced by `***`, for messages and logs:
/// `postgres://cb:secret@db:5432/cb` → `postgres://cb:***@db:5432/cb`.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info
                .split_once(':')
                .map_or(user_info, |(user, _)| user);
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden_and_the_rest_is_kept() {
        assert_eq!(
            redacted_url("postgres://cb:s3cr@t@db.example:5432/cb?sslmode=require"),
            "postgres://cb:***@db.example:5432/cb?sslmode=require"
        );
        assert_eq!(
            redacted_url("postgresql://cb@db/cb"),
            "postgresql://cb@db/cb"
        );
        assert_eq!(redacted_url("sqlite://./data/x.db"), "sqlite://./data/x.db");
        assert_eq!(redacted_url("not a url"), "not a url");
    }

    #[test]
    fn a_database_error_is_not_repeated_in_the_chain() {
        let error = StoreError::from(sqlx::Error::PoolTimedOut);
        assert!(std::error::Error::source(&error).is_none());
        assert!(error.to_string().starts_with("database error: "));
    }
}
