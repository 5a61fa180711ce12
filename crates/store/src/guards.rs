//! Guards against abuse shared by every server node (issue #10): attempts
//! counted in sliding windows, and the public tip page's one-time
//! challenges. Kept in the database so that several `jinghai serve` nodes
//! behind a load balancer enforce one limit, and a challenge issued by one
//! node is accepted (once) by any.
//!
//! Like job leases these are machinery, not records: not audited. What they
//! guard (a failed sign-in, a tip) is audited where it happens.

use async_trait::async_trait;
use jinghai_domain::time::{Millis, DAY};

use crate::Result;

/// Attempts are kept this long (every window that counts them is shorter).
pub const ATTEMPTS_KEPT: Millis = DAY;

#[async_trait]
pub trait GuardStore: Send + Sync {
    /// `key`'s attempts after `since`: how many, and when the oldest was.
    async fn attempts_since(&self, key: &str, since: Millis) -> Result<(usize, Option<Millis>)>;
    /// Records one attempt of each key at `at` (and prunes attempts older
    /// than [`ATTEMPTS_KEPT`]).
    async fn record_attempts(&self, keys: &[&str], at: Millis) -> Result<()>;
    /// Forgets `key`'s attempts (a successful sign-in clears its failures).
    async fn clear_attempts(&self, key: &str) -> Result<()>;
    /// Stores a challenge issued at `at`, pruning challenges issued before
    /// `expired_before`.
    async fn issue_challenge(&self, token: &str, at: Millis, expired_before: Millis) -> Result<()>;
    /// Takes the challenge `token` if it was issued after `since`: true the
    /// first time, false when unknown, expired or already taken.
    async fn take_challenge(&self, token: &str, since: Millis) -> Result<bool>;
}

/// Expanded in `sqlite.rs` and `postgres.rs` right after `impl_store!`.
macro_rules! impl_guard_store {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::GuardStore for $store {
            async fn attempts_since(
                &self,
                key: &str,
                since: jinghai_domain::time::Millis,
            ) -> $crate::Result<(usize, Option<jinghai_domain::time::Millis>)> {
                let row = sqlx::query("SELECT COUNT(*) AS n, MIN(at) AS oldest FROM guard_attempts WHERE key = $1 AND at > $2")
                    .bind(key)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?;
                let n: i64 = row.try_get("n")?;
                let oldest: Option<i64> = row.try_get("oldest")?;
                Ok((n.max(0) as usize, oldest))
            }

            async fn record_attempts(&self, keys: &[&str], at: jinghai_domain::time::Millis) -> $crate::Result<()> {
                if keys.is_empty() {
                    return Ok(());
                }
                let mut q = sqlx::QueryBuilder::<$db>::new("INSERT INTO guard_attempts (key, at) ");
                q.push_values(keys, |mut b, k| {
                    b.push_bind(k.to_string()).push_bind(at);
                });
                q.build().execute(&self.pool).await?;
                sqlx::query("DELETE FROM guard_attempts WHERE at < $1")
                    .bind(at - $crate::guards::ATTEMPTS_KEPT)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn clear_attempts(&self, key: &str) -> $crate::Result<()> {
                sqlx::query("DELETE FROM guard_attempts WHERE key = $1")
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn issue_challenge(
                &self,
                token: &str,
                at: jinghai_domain::time::Millis,
                expired_before: jinghai_domain::time::Millis,
            ) -> $crate::Result<()> {
                sqlx::query("DELETE FROM guard_challenges WHERE issued_at < $1")
                    .bind(expired_before)
                    .execute(&self.pool)
                    .await?;
                sqlx::query("INSERT INTO guard_challenges (token, issued_at) VALUES ($1, $2) ON CONFLICT (token) DO NOTHING")
                    .bind(token)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn take_challenge(&self, token: &str, since: jinghai_domain::time::Millis) -> $crate::Result<bool> {
                // One statement: of two nodes taking the same token at once,
                // the database lets exactly one delete it.
                let taken = sqlx::query("DELETE FROM guard_challenges WHERE token = $1 AND issued_at > $2")
                    .bind(token)
                    .bind(since)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok(taken == 1)
            }
        }
    };
}
