//! The PostgreSQL 15 + PostGIS backend, for production.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;

/// A pooled connection idle for longer than this is pinged before use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// The PostgreSQL implementation of [`crate::Store`].
#[derive(Clone)]
pub struct PgStore {
    pool: sqlx::PgPool,
}

impl PgStore {
    /// Connects to a `postgres://` URL. Fails fast (10 s) when unreachable.
    pub async fn connect(url: &str) -> crate::Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings every connection it hands out by default: one more
            // round trip in front of every query. Ping only connections that
            // sat idle long enough for a restart or a firewall to have cut
            // them; a connection that breaks mid-query still fails that query
            // with an error, and the pool replaces it.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for < IDLE_BEFORE_PING {
                        return Ok(true);
                    }
                    use sqlx::Connection;
                    Ok(conn.ping().await.is_ok())
                })
            })
            .connect(url)
            .await
            .map_err(|source| crate::StoreError::Connect {
                url: crate::redact_url(url),
                source,
            })?;
        Ok(PgStore { pool })
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgStore")
    }
}

impl_store!(
    PgStore,
    sqlx::Postgres,
    Backend::Postgres,
    crate::migrate::POSTGRES,
    "BEGIN"
);
impl_registry_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_scoring_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_bulletin_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_patrol_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_intl_store!(PgStore, sqlx::Postgres, "BEGIN");

impl_cases_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_live_map_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_risk_place_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_jobs_store!(PgStore, sqlx::Postgres, "BEGIN");
impl_guard_store!(PgStore, sqlx::Postgres);
