//! Leases for background jobs, so that a job runs on one server node at a
//! time when several `jinghai serve` nodes share one database (issue #10).
//!
//! A node that wants to run a job claims its lease: one atomic upsert takes a
//! lease that is free or expired, or renews one the node already holds. A
//! live holder keeps its lease by claiming it every tick, so the job keeps
//! running on that node; when the holder stops (crash, shutdown, lost
//! database), its lease expires and the next node to claim it takes over.
//!
//! Leases are machinery, like sessions, not records a user changes: they are
//! not audited (a renewal a minute per job would drown the audit log). What a
//! job changes is audited by the job itself.

use async_trait::async_trait;
use jinghai_domain::time::Millis;

use crate::Result;

/// Who holds a job's lease, until when, and how many runs it has granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    pub job: String,
    pub holder: String,
    pub expires_at: Millis,
    /// How many claims succeeded (each one is a run of the job).
    pub runs: i64,
    pub last_run_at: Millis,
}

#[async_trait]
pub trait JobStore: Send + Sync {
    /// Takes or renews `job`'s lease for `holder` until `now + lease_ms`;
    /// true when `holder` now holds it (and so runs the job this tick). At
    /// most one of several concurrent claimants wins: the database decides.
    async fn claim_job(&self, job: &str, holder: &str, now: Millis, lease_ms: i64) -> Result<bool>;
    /// Gives a held lease up at once (a node shutting down), so another
    /// node takes the job over at its next tick instead of after expiry.
    async fn release_job(&self, job: &str, holder: &str) -> Result<()>;
    /// The lease of `job`, if it was ever claimed.
    async fn job_lease(&self, job: &str) -> Result<Option<JobLease>>;
}

/// Expanded in `sqlite.rs` and `postgres.rs` right after `impl_store!`.
macro_rules! impl_jobs_store {
    ($store:ident, $db:ty, $begin:literal) => {
        #[async_trait::async_trait]
        impl $crate::JobStore for $store {
            async fn claim_job(
                &self,
                job: &str,
                holder: &str,
                now: jinghai_domain::time::Millis,
                lease_ms: i64,
            ) -> $crate::Result<bool> {
                // ON CONFLICT … DO UPDATE … WHERE is atomic on both backends:
                // PostgreSQL re-checks the WHERE on the row version it locked,
                // SQLite holds the write lock. A row not updated returns nothing.
                let row = sqlx::query(
                    "INSERT INTO job_leases (job, holder, expires_at, runs, last_run_at) VALUES ($1, $2, $3, 1, $4) \
                     ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, \
                     runs = job_leases.runs + 1, last_run_at = excluded.last_run_at \
                     WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= excluded.last_run_at \
                     RETURNING holder",
                )
                .bind(job)
                .bind(holder)
                .bind(now.saturating_add(lease_ms.max(1)))
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.is_some())
            }

            async fn release_job(&self, job: &str, holder: &str) -> $crate::Result<()> {
                sqlx::query("UPDATE job_leases SET expires_at = 0 WHERE job = $1 AND holder = $2")
                    .bind(job)
                    .bind(holder)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn job_lease(&self, job: &str) -> $crate::Result<Option<$crate::JobLease>> {
                let row = sqlx::query(
                    "SELECT job, holder, expires_at, runs, last_run_at FROM job_leases WHERE job = $1",
                )
                .bind(job)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| {
                    Ok($crate::JobLease {
                        job: r.try_get("job")?,
                        holder: r.try_get("holder")?,
                        expires_at: r.try_get("expires_at")?,
                        runs: r.try_get("runs")?,
                        last_run_at: r.try_get("last_run_at")?,
                    })
                })
                .transpose()
            }
        }
    };
}
