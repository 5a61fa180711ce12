//! The alert desk's reads (the workflow — assign, acknowledge, dismiss,
//! escalate — arrives with the desk itself, issue #5).

use std::sync::Arc;

use jinghai_domain::alert::Alert;
use jinghai_store::Store;

use crate::{Ctx, WorkflowResult};

pub struct Alerts {
    store: Arc<dyn Store>,
}

impl Alerts {
    pub fn new(store: Arc<dyn Store>) -> Alerts {
        Alerts { store }
    }

    /// The newest alerts of the caller's regions.
    pub async fn recent(&self, ctx: &Ctx, limit: i64) -> WorkflowResult<Vec<Alert>> {
        Ok(self.store.list_alerts(&ctx.scope, limit).await?)
    }
}
