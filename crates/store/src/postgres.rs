//! The PostgreSQL backend, for deployments where several nodes share one database.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::StoreError;
use crate::directory::directory_repository;
use crate::migrations::POSTGRES;
use crate::repository::repository;

/// The PostgreSQL store.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and migrates.
    pub async fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        let store = PostgresStore { pool };
        store.migrate().await?;
        Ok(store)
    }
}

repository!(PostgresStore, sqlx::Postgres, POSTGRES);
directory_repository!(PostgresStore);
