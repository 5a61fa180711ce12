//! The alert desk: new → assigned to a unit → acknowledged by it → closed as
//! dismissed (a reason is required) or escalated (to become a clue, issue
//! #7). Every step is audited with who and when.

use std::sync::Arc;

use jinghai_domain::alert::{Alert, AlertCounts, AlertFilter, AlertStatus};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Role};
use jinghai_store::{Store, StoreError};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

pub struct Alerts {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    ack_limit_ms: i64,
}

/// How long an alert may wait for acknowledgement before it is overdue,
/// unless configured otherwise (`alert_ack_minutes`).
pub const DEFAULT_ACK_MINUTES: u32 = 30;

fn is_office(ctx: &Ctx) -> bool {
    matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
}

impl Alerts {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Alerts {
        Alerts {
            store,
            clock,
            ack_limit_ms: DEFAULT_ACK_MINUTES as i64 * jinghai_domain::time::MINUTE,
        }
    }

    /// Sets how long an alert may wait for acknowledgement (at least a minute).
    pub fn with_ack_minutes(mut self, minutes: u32) -> Alerts {
        self.ack_limit_ms = minutes.max(1) as i64 * jinghai_domain::time::MINUTE;
        self
    }

    /// Alerts raised before this time and still not acknowledged are overdue.
    pub fn overdue_start(&self) -> i64 {
        self.clock.now() - self.ack_limit_ms
    }

    /// The alerts of the caller's regions that pass the desk's filter, newest first.
    pub async fn list(
        &self,
        ctx: &Ctx,
        filter: &AlertFilter,
        limit: i64,
    ) -> WorkflowResult<Vec<Alert>> {
        Ok(self.store.find_alerts(&ctx.scope, filter, limit).await?)
    }

    /// Only the overdue ones, for the desk's "overdue" view.
    pub fn overdue_filter(&self) -> AlertFilter {
        AlertFilter {
            raised_before_unacknowledged: Some(self.overdue_start()),
            ..AlertFilter::default()
        }
    }

    /// Open, new and overdue counts for the dashboard and the desk's header.
    pub async fn counts(&self, ctx: &Ctx) -> WorkflowResult<AlertCounts> {
        Ok(self
            .store
            .count_alerts(&ctx.scope, self.overdue_start())
            .await?)
    }

    /// The newest alerts of the caller's regions, and those assigned to their unit.
    pub async fn recent(&self, ctx: &Ctx, limit: i64) -> WorkflowResult<Vec<Alert>> {
        Ok(self.store.list_alerts(&ctx.scope, limit).await?)
    }

    /// The office assigns an open alert to a unit of its region.
    pub async fn assign(&self, ctx: &Ctx, id: i64, unit_id: Option<i64>) -> WorkflowResult<Alert> {
        let alert = self.store.get_alert(&ctx.scope, id).await?;
        if !(is_office(ctx) && ctx.scope.covers_region(&alert.region_code)) {
            return Err(WorkflowError::forbidden(
                "预警由专班办公室指派",
                "the task-force office assigns alerts",
            ));
        }
        if matches!(
            alert.status,
            AlertStatus::Dismissed | AlertStatus::Escalated
        ) {
            return Err(WorkflowError::forbidden(
                "该预警已处置完毕",
                "this alert is closed",
            ));
        }
        let Some(unit) = unit_id else {
            return Err(WorkflowError::invalid(FieldError::new(
                "unit_id",
                "请选择承办单位",
                "choose a unit",
            )));
        };
        match self.store.get_unit(&ctx.scope, unit).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(WorkflowError::invalid(FieldError::new(
                    "unit_id",
                    "单位不存在或不在您的管辖范围内",
                    "the unit does not exist or is outside your region",
                )))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(self
            .store
            .set_alert_status(
                &ctx.actor(),
                self.clock.now(),
                id,
                AlertStatus::Assigned,
                Some(unit),
                "",
            )
            .await?)
    }

    /// The assigned unit (or the office) acknowledges an assigned alert.
    pub async fn acknowledge(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Alert> {
        let alert = self.store.get_alert(&ctx.scope, id).await?;
        let own = alert.assigned_unit_id.is_some()
            && alert.assigned_unit_id == ctx.user.unit_id
            && ctx.user.role.can_write();
        if !(own || is_office(ctx)) {
            return Err(WorkflowError::forbidden(
                "由承办单位签收",
                "the assigned unit acknowledges",
            ));
        }
        if alert.status != AlertStatus::Assigned {
            return Err(WorkflowError::forbidden(
                "只有已指派的预警可以签收",
                "only an assigned alert can be acknowledged",
            ));
        }
        Ok(self
            .store
            .set_alert_status(
                &ctx.actor(),
                self.clock.now(),
                id,
                AlertStatus::Acknowledged,
                None,
                "",
            )
            .await?)
    }

    /// Closes an alert: dismissed (with the reason) or escalated.
    pub async fn close(
        &self,
        ctx: &Ctx,
        id: i64,
        escalate: bool,
        note: &str,
    ) -> WorkflowResult<Alert> {
        let alert = self.store.get_alert(&ctx.scope, id).await?;
        let own = alert.assigned_unit_id.is_some()
            && alert.assigned_unit_id == ctx.user.unit_id
            && ctx.user.role.can_write();
        if !(own || is_office(ctx)) {
            return Err(WorkflowError::forbidden(
                "由承办单位或专班办公室处置",
                "the assigned unit or the office closes alerts",
            ));
        }
        if matches!(
            alert.status,
            AlertStatus::Dismissed | AlertStatus::Escalated
        ) {
            return Err(WorkflowError::forbidden(
                "该预警已处置完毕",
                "this alert is closed",
            ));
        }
        let status = if escalate {
            AlertStatus::Escalated
        } else {
            AlertStatus::Dismissed
        };
        let note = if escalate {
            note.trim().to_string()
        } else {
            required_text("reason", note, 500).map_err(|_| {
                WorkflowError::invalid(FieldError::new(
                    "reason",
                    "排除预警须说明理由",
                    "dismissing an alert needs a reason",
                ))
            })?
        };
        Ok(self
            .store
            .set_alert_status(&ctx.actor(), self.clock.now(), id, status, None, &note)
            .await?)
    }
}

/// The daily report's 出入境监管 "abnormal inbound ships" from the engine:
/// the distinct vessels of the district's `unreported_port_entry` alerts
/// (a fishing vessel entering a fishing port without an arrival report)
/// that began that day. Nothing is suggested on a day without one. Abnormal
/// outbound ships and containers have no engine rule and stay typed.
pub struct AlertsPrefill {
    store: Arc<dyn Store>,
}

impl AlertsPrefill {
    pub fn new(store: Arc<dyn Store>) -> AlertsPrefill {
        AlertsPrefill { store }
    }
}

#[async_trait::async_trait]
impl crate::reports::Prefill for AlertsPrefill {
    async fn suggest(
        &self,
        prefix: &str,
        day: jinghai_domain::report::Day,
    ) -> WorkflowResult<Vec<crate::reports::Suggestion>> {
        let scope = crate::cases::Cases::region_scope(prefix);
        let filter = AlertFilter {
            kind: Some("unreported_port_entry".into()),
            from: Some(jinghai_domain::report::cst_hour(day, 0)),
            to: Some(jinghai_domain::report::cst_hour(day + 1, 0)),
            ..AlertFilter::default()
        };
        let alerts = self.store.find_alerts(&scope, &filter, 5000).await?;
        let ships: std::collections::HashSet<i64> = alerts.iter().map(|a| a.mmsi).collect();
        if ships.is_empty() {
            return Ok(Vec::new());
        }
        let d = jinghai_domain::report::format_day(day);
        Ok(vec![crate::reports::Suggestion {
            indicator: "ee_inbound_ships".into(),
            value: ships.len() as i64 * 1000,
            source_zh: format!(
                "预警：当日“未报告进港” {} 条，涉及 {} 艘",
                alerts.len(),
                ships.len()
            ),
            source_en: format!(
                "alerts: {} unreported port entries that day, {} ships",
                alerts.len(),
                ships.len()
            ),
            link: Some(format!(
                "/alerts?kind=unreported_port_entry&from={d}&to={d}"
            )),
        }])
    }
}
