//! Where owned events go: the alerts table, once each.

use std::sync::Arc;

use async_trait::async_trait;
use jinghai_store::{AlertWrite, Store, StoreError};

use crate::partition::KeyedEvent;

/// Stores a worker's events. Must be idempotent by [`KeyedEvent::key`]: a
/// replayed partition hands the same events again.
#[async_trait]
pub trait EventSink: Send + Sync {
    async fn store(&self, events: &[KeyedEvent]) -> Result<(), StoreError>;
}

/// The alerts table of a district: the store's `upsert_alert` inserts a key
/// once and afterwards only updates its end and evidence, so an event is
/// raised once however often it is handed over.
pub struct StoreSink {
    pub store: Arc<dyn Store>,
    /// The district the alerts belong to (the feed's region).
    pub region_id: i64,
    /// Stamps `created_at`/`updated_at` (the wall clock, injected).
    pub now: Arc<dyn Fn() -> i64 + Send + Sync>,
}

/// The alert row of an event.
pub fn alert_write(region_id: i64, k: &KeyedEvent) -> AlertWrite {
    let e = k.event();
    AlertWrite {
        event_key: k.key.clone(),
        region_id,
        kind: e.kind.as_str().to_string(),
        mmsi: e.mmsi as i64,
        other_mmsi: e.other_mmsi.map(|m| m as i64),
        start_at: e.start_ms,
        end_at: e.end_ms,
        lat: e.lat,
        lon: e.lon,
        zone_id: e.zone_id.clone(),
        detail: e.detail.to_string(),
    }
}

#[async_trait]
impl EventSink for StoreSink {
    async fn store(&self, events: &[KeyedEvent]) -> Result<(), StoreError> {
        for k in events {
            self.store
                .upsert_alert((self.now)(), &alert_write(self.region_id, k))
                .await?;
        }
        Ok(())
    }
}
