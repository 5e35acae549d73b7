//! Runs each conformance test once per backend: SQLite in a temporary directory, and
//! PostgreSQL in a fresh database created on `CALLBOARD_TEST_POSTGRES_URL`.
#![allow(dead_code)]

use callboard_store::Store;
use sqlx::Connection;

/// A backend under test.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database for one test; reopening it gives the same data (a restart).
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn open(&self) -> Store {
        Store::open(&self.url).await.unwrap()
    }
}

/// The PostgreSQL server for tests, when configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("CALLBOARD_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Says loudly that a PostgreSQL test did not run. With `CALLBOARD_TEST_REQUIRE_POSTGRES=1`
/// (set by scripts/test.sh) a missing server is a failure instead.
pub fn skip(test: &str) {
    if std::env::var("CALLBOARD_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
        panic!("{test}: CALLBOARD_TEST_POSTGRES_URL is not set but PostgreSQL is required");
    }
    eprintln!(
        "SKIPPED {test} on PostgreSQL: set CALLBOARD_TEST_POSTGRES_URL (scripts/test.sh does)"
    );
}

/// A fresh database of `backend`, or None (after `skip`) when PostgreSQL is not configured.
pub async fn fresh(backend: Backend, test: &str) -> Option<TestDb> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            Some(TestDb {
                url: Store::default_url(dir.path()),
                _dir: Some(dir),
            })
        }
        Backend::Postgres => {
            let Some(admin_url) = postgres_url() else {
                skip(test);
                return None;
            };
            let name = format!("t_{:016x}", rand_id());
            let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await
                .unwrap();
            admin.close().await.unwrap();
            let (base, _) = admin_url.rsplit_once('/').unwrap();
            Some(TestDb {
                url: format!("{base}/{name}"),
                _dir: None,
            })
        }
    }
}

fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    hasher.finish()
}

/// Declares `sqlite::name` and `postgres::name` tests for each conformance case
/// `async fn name(db: TestDb)`.
#[macro_export]
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    if let Some(db) = $crate::common::fresh($crate::common::Backend::Sqlite, stringify!($case)).await {
                        super::$case(db).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    if let Some(db) = $crate::common::fresh($crate::common::Backend::Postgres, stringify!($case)).await {
                        super::$case(db).await;
                    }
                }
            )*
        }
    };
}
