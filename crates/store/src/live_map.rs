//! Reads for the live map: the alerts that name one vessel.
//!
//! Alerts belong to the district of the feed that raised them (see
//! `sql_impl.rs`); this read is scoped exactly like `list_alerts`: the
//! caller's regions, or what was assigned to their unit.

use async_trait::async_trait;
use jinghai_domain::alert::Alert;
use jinghai_domain::Scope;

use crate::Result;

#[async_trait]
pub trait LiveMapStore: Send + Sync {
    /// The newest alerts naming `mmsi`, as the vessel or as the counterpart of
    /// an encounter, that the caller may see (at most `limit`, newest first).
    async fn list_vessel_alerts(&self, scope: &Scope, mmsi: i64, limit: i64) -> Result<Vec<Alert>>;
}

/// Expanded in `sqlite.rs` and `postgres.rs` right after `impl_store!`, whose
/// helpers (`alert_from_row`) it uses.
macro_rules! impl_live_map_store {
    ($store:ident, $db:ty, $begin:literal) => {
        #[async_trait::async_trait]
        impl $crate::LiveMapStore for $store {
            async fn list_vessel_alerts(
                &self,
                scope: &$crate::Scope,
                mmsi: i64,
                limit: i64,
            ) -> $crate::Result<Vec<jinghai_domain::alert::Alert>> {
                let rows = sqlx::query(concat!(
                    alert_select!(),
                    " WHERE (mmsi = $1 OR other_mmsi = $1) AND (region_code LIKE $2 OR assigned_unit_id = $3) ORDER BY start_at DESC, id DESC LIMIT $4"
                ))
                .bind(mmsi)
                .bind(scope.region_like())
                .bind(scope.unit_id.unwrap_or(-1))
                .bind(limit.clamp(1, 500))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(alert_from_row).collect()
            }
        }
    };
}
