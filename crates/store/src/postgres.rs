//! The PostgreSQL backend, for deployments where several nodes share one database.

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions};

use crate::StoreError;
use crate::directory::directory_repository;
use crate::migrations::POSTGRES;
use crate::repository::repository;

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The PostgreSQL store.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and migrates. One
    /// connection is tried first, so that a database that is down or refuses the login is
    /// reported with its own reason at once instead of a pool timeout.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(url)).await {
            Ok(Ok(probe)) => probe.close().await?,
            Ok(Err(error)) => return Err(error.into()),
            Err(_) => {
                return Err(StoreError::NoAnswer {
                    seconds: CONNECT_TIMEOUT.as_secs(),
                });
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect(url)
            .await?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
    }
}

repository!(PostgresStore, sqlx::Postgres, POSTGRES);
directory_repository!(PostgresStore);
