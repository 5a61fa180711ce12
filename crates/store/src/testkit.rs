//! Fresh stores for tests, on both backends.
//!
//! SQLite: a new file in a temporary directory. PostgreSQL: a new database
//! created on the server named by `JINGHAI_TEST_DATABASE_URL`, which the test
//! script (`scripts/test.sh`) sets after starting a throwaway cluster. Without
//! that variable a PostgreSQL test fails with a message saying how to run it:
//! it never silently passes.

use std::sync::Arc;

use crate::Store;

/// A store and whatever keeps it alive (the temporary directory).
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "JINGHAI_TEST_DATABASE_URL";

/// A migrated SQLite store in a new temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("jinghai.db").display());
    let store = crate::open(&url).await.expect("open sqlite");
    store.migrate().await.expect("migrate sqlite");
    TestDb {
        store,
        url,
        _dir: Some(dir),
    }
}

/// A migrated store on a brand-new PostgreSQL database.
pub async fn postgres() -> TestDb {
    let url = pg_database_url().await.unwrap_or_else(|e| panic!("{e}"));
    let store = crate::open(&url).await.expect("open postgres");
    store.migrate().await.expect("migrate postgres");
    TestDb {
        store,
        url,
        _dir: None,
    }
}

/// Creates a new, empty database on the test server and returns its URL.
pub async fn pg_database_url() -> Result<String, String> {
    let admin = std::env::var(PG_ENV).map_err(|_| {
        format!("{PG_ENV} is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL, or point {PG_ENV} at a server where this user may CREATE DATABASE")
    })?;
    let name = format!("jh_test_{:016x}", rand::random::<u64>());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin)
        .await
        .map_err(|e| {
            format!(
                "cannot reach the test PostgreSQL at {}: {e}",
                crate::redact_url(&admin)
            )
        })?;
    let create = format!("CREATE DATABASE {name}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(create))
        .execute(&pool)
        .await
        .map_err(|e| format!("create database: {e}"))?;
    pool.close().await;
    Ok(replace_db_name(&admin, &name))
}

/// Swaps the database name in a PostgreSQL URL.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => (&url[..q], &url[q..]),
        None => (url, ""),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    match base[after_scheme..].find('/') {
        Some(slash) => format!("{}/{name}{query}", &base[..after_scheme + slash]),
        None => format!("{base}/{name}{query}"),
    }
}

/// Runs `f` against a fresh store of each backend.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testkit::sqlite().await;
                ($body)(db.store.clone()).await;
            }
            #[tokio::test]
            async fn postgres() {
                let db = $crate::testkit::postgres().await;
                ($body)(db.store.clone()).await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn swaps_database_names() {
        assert_eq!(
            super::replace_db_name("postgres://u@h:5/postgres", "x"),
            "postgres://u@h:5/x"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h:5/postgres?sslmode=disable", "x"),
            "postgres://u@h:5/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h:5", "x"),
            "postgres://u@h:5/x"
        );
    }
}
