//! Where a risk item is: moving it on the map (place name and coordinates),
//! audited in the same transaction like every change. The risk's region and
//! everything else stay as they are.

use async_trait::async_trait;
use jinghai_domain::audit::Actor;
use jinghai_domain::risk::RiskItem;
use jinghai_domain::time::Millis;

use crate::Result;

/// A risk's place as set on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskPlace {
    pub place: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[async_trait]
pub trait RiskPlaceStore: Send + Sync {
    /// Sets a risk's place name and position (both coordinates or neither).
    async fn set_risk_place(
        &self,
        actor: &Actor,
        at: Millis,
        id: i64,
        place: &RiskPlace,
    ) -> Result<RiskItem>;
}

/// Expanded in `sqlite.rs` and `postgres.rs` right after `impl_store!`, whose
/// helpers (`risk_in_tx`, `write_audit`, `snapshot`) it uses.
macro_rules! impl_risk_place_store {
    ($store:ident, $db:ty, $begin:literal) => {
        #[async_trait::async_trait]
        impl $crate::RiskPlaceStore for $store {
            async fn set_risk_place(
                &self,
                actor: &jinghai_domain::audit::Actor,
                at: jinghai_domain::time::Millis,
                id: i64,
                p: &$crate::RiskPlace,
            ) -> $crate::Result<jinghai_domain::risk::RiskItem> {
                let mut tx = self.pool.begin_with($begin).await?;
                let before = risk_in_tx(&mut tx, id).await?;
                sqlx::query("UPDATE risks SET place = $1, lat = $2, lon = $3 WHERE id = $4")
                    .bind(&p.place)
                    .bind(p.lat)
                    .bind(p.lon)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let after = risk_in_tx(&mut tx, id).await?;
                write_audit(
                    &mut tx,
                    &$crate::NewAudit::of(
                        actor,
                        at,
                        $crate::AuditAction::Update,
                        "risk",
                        id,
                        &after.region_code,
                    )
                    .before(snapshot(&before))
                    .after(snapshot(&after)),
                )
                .await?;
                tx.commit().await?;
                Ok(after)
            }
        }
    };
}
