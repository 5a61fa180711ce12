//! Background jobs that run once across server nodes (issue #10).
//!
//! Every `jinghai serve` node ticks each periodic job (the duty desk's
//! sweep, the hand-over escalation …); before running, it claims the job's
//! lease in the shared database ([`jinghai_store::JobStore`]). The node that
//! holds the lease runs the job and renews the lease at each tick; the others
//! skip it. When the holder stops, its lease expires after [`Jobs::lease_ms`]
//! and the next node to tick takes the job over. With one node (the
//! single-machine mode) the node always holds its leases: nothing changes.
//!
//! The jobs themselves stay idempotent (a notice or escalation is written
//! once under a database constraint), so a take-over that overlaps a slow
//! run is harmless; the lease makes "once" the normal case, not the only
//! safeguard.

use std::future::Future;
use std::sync::Arc;

use jinghai_store::Store;

use crate::{Clock, WorkflowResult};

/// The periodic jobs every server node ticks, by lease name.
pub mod names {
    /// [`crate::duty::Duty::sweep`]: overdue deadlines notify their units.
    pub const DUTY_SWEEP: &str = "duty_sweep";
    /// [`crate::cases::Cases::escalate_overdue`]: overdue hand-overs escalate.
    pub const HANDOVER_ESCALATION: &str = "handover_escalation";
    /// [`crate::scoring::Scoring::evaluate_scheduled`]: the hourly evaluation.
    pub const SCORE_EVALUATION: &str = "score_evaluation";
}

/// Runs jobs under leases held by this node.
#[derive(Clone)]
pub struct Jobs {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    node: String,
    /// How long a claim holds: longer than the tick (so the holder renews it
    /// before it lapses), short enough that a dead node's jobs move on soon.
    pub lease_ms: i64,
}

impl Jobs {
    /// `node` names this server node in the leases (unique per process).
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, node: impl Into<String>) -> Jobs {
        Jobs {
            store,
            clock,
            node: node.into(),
            lease_ms: 90_000,
        }
    }

    /// A node name unique to this process: host, process id and a random tag.
    pub fn node_name() -> String {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
        format!(
            "{host}:{}:{:08x}",
            std::process::id(),
            rand::random::<u32>()
        )
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    /// Runs `job` when this node holds (or takes) its lease; `Ok(None)` when
    /// another node holds it and the job was skipped here.
    pub async fn run<T, F, Fut>(&self, job: &str, run: F) -> WorkflowResult<Option<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = WorkflowResult<T>>,
    {
        let now = self.clock.now();
        if !self
            .store
            .claim_job(job, &self.node, now, self.lease_ms)
            .await?
        {
            tracing::debug!(job, node = %self.node, "job held by another node; skipped");
            return Ok(None);
        }
        run().await.map(Some)
    }

    /// Gives this node's leases up (at shutdown), so another node takes the
    /// jobs over at its next tick.
    pub async fn release(&self, jobs: &[&str]) {
        for job in jobs {
            if let Err(e) = self.store.release_job(job, &self.node).await {
                tracing::warn!(job, error = %e, "could not release the job's lease");
            }
        }
    }
}
