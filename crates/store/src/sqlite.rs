//! The embedded SQLite backend: one file, WAL mode, foreign keys on.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The SQLite implementation of [`crate::Store`].
#[derive(Clone)]
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at a `sqlite://PATH` URL.
    pub async fn connect(url: &str) -> crate::Result<SqliteStore> {
        let err = |source| crate::StoreError::Connect {
            url: url.to_string(),
            source,
        };
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await
            .map_err(err)?;
        Ok(SqliteStore { pool })
    }
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

impl_store!(
    SqliteStore,
    sqlx::Sqlite,
    Backend::Sqlite,
    crate::migrate::SQLITE,
    "BEGIN IMMEDIATE"
);
impl_registry_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_scoring_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_bulletin_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_patrol_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_intl_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");

impl_cases_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_live_map_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_risk_place_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_jobs_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
impl_guard_store!(SqliteStore, sqlx::Sqlite);
