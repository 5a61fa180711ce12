//! The 24-hour duty desk (值班): every deadline of the rule table
//! ([`jinghai_domain::duty::RULES`]) tracked per record, what is due and
//! what is overdue, the persons lost from control, and the notices to the
//! responsible units.
//!
//! - Stored deadlines: an individual case starts "first report at once" and
//!   "to the province within 24 h" ([`crate::individual`]); the office
//!   registers other major matters here. Recording the step fulfils them.
//! - Computed ones: today's daily-report sections still missing (due at the
//!   form's hour) and risk items whose weekly progress is due.
//! - [`Duty::sweep`] notifies the responsible unit of each newly overdue
//!   stored deadline once: an in-app notice, then every registered
//!   [`Notifier`] ([`RobotNotifier`]: the region's DingTalk robot, which the
//!   server wires over its HTTP client).
//! - Scoring reads [`Duty::deadline_outcomes`] (late and overdue deadlines
//!   with their records).

use std::sync::Arc;

use async_trait::async_trait;
use jinghai_domain::duty::{due_at, Deadline, DeadlineRule, DeadlineState, Notification};
use jinghai_domain::intl::parse_local_time;
use jinghai_domain::report::{cst_hour, format_day, Day};
use jinghai_domain::risk::RiskStatus;
use jinghai_domain::time::{Millis, DAY};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, RegionLevel, Role};
use jinghai_store::{NewDeadline, Store, StoreError};

use crate::individual::{Individual, LostPerson};
use crate::reports::Reports;
use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// Somewhere else an overdue notice goes (a DingTalk robot, SMS …), after
/// the in-app notice is stored. Failures are logged, never fatal.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// `notice` is the stored in-app notice (its unit, region and text).
    async fn notify(&self, notice: &Notification) -> Result<(), String>;
}

/// The DingTalk robot (or any [`crate::bulletins::Pusher`]) of the
/// deadline's region, or of the nearest region above it that has one: a
/// town's overdue matter reaches its district's task-force group. A region
/// tree without a robot leaves the in-app notice as the only channel.
pub struct RobotNotifier {
    store: Arc<dyn Store>,
    pusher: Arc<dyn crate::bulletins::Pusher>,
}

impl RobotNotifier {
    pub fn new(store: Arc<dyn Store>, pusher: Arc<dyn crate::bulletins::Pusher>) -> RobotNotifier {
        RobotNotifier { store, pusher }
    }
}

#[async_trait]
impl Notifier for RobotNotifier {
    async fn notify(&self, notice: &Notification) -> Result<(), String> {
        let mut region = self
            .store
            .find_region_by_code(&notice.region_code)
            .await
            .map_err(|e| e.to_string())?
            .map(|r| r.id);
        while let Some(id) = region {
            let robot = self
                .store
                .get_robot_unscoped(id)
                .await
                .map_err(|e| e.to_string())?;
            if let Some(robot) = robot {
                let title = "值班督办 · 逾期提醒";
                let markdown = format!("### {title}\n\n{}\n\n> {}", notice.zh, notice.en);
                return self.pusher.push(&robot, title, &markdown).await.map(|_| ());
            }
            region = self
                .store
                .get_region_unscoped(id)
                .await
                .map_err(|e| e.to_string())?
                .parent_id;
        }
        Ok(())
    }
}

/// One line of the desk: a deadline, stored or computed.
#[derive(Debug, Clone)]
pub struct DueItem {
    pub rule: DeadlineRule,
    pub zh: String,
    pub en: String,
    pub region_code: String,
    pub unit_id: Option<i64>,
    pub due_at: Millis,
    pub done_at: Option<Millis>,
    pub state: DeadlineState,
    /// Where to act on it.
    pub href: String,
    /// The stored deadline, when it is one.
    pub deadline_id: Option<i64>,
    /// A major matter registered on the desk (completed here).
    pub completable: bool,
}

/// The duty desk.
#[derive(Debug, Clone)]
pub struct Desk {
    /// Overdue first, then by due time.
    pub items: Vec<DueItem>,
    pub lost: Vec<LostPerson>,
    pub notifications: Vec<Notification>,
    pub unread: i64,
    pub can_register: bool,
}

/// A stored deadline and how it stands, for scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineOutcome {
    pub deadline: Deadline,
    pub state: DeadlineState,
}

/// A major matter as typed on the desk.
#[derive(Debug, Clone, Default)]
pub struct MajorInput {
    pub region_id: Option<i64>,
    pub title: String,
    /// When it happened (`YYYY-MM-DD HH:MM`; empty is now).
    pub happened_at: String,
    pub unit_id: Option<i64>,
}

pub struct Duty {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    reports: Reports,
    individual: Arc<Individual>,
    notifiers: Vec<Arc<dyn Notifier>>,
}

/// The duty sweep's reader: the office of the region `prefix` (empty: all).
fn system_ctx(prefix: &str) -> Ctx {
    Ctx {
        user: jinghai_domain::User {
            id: 0,
            username: "system".into(),
            display_name: "值班督办 duty sweep".into(),
            role: Role::TaskForceOffice,
            region_id: 0,
            region_code: prefix.to_string(),
            unit_id: None,
            active: true,
        },
        scope: jinghai_domain::Scope {
            user_id: 0,
            role: Role::TaskForceOffice,
            region_prefix: prefix.to_string(),
            unit_id: None,
        },
    }
}

fn is_office(ctx: &Ctx) -> bool {
    matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
}

impl Duty {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, individual: Arc<Individual>) -> Duty {
        Duty {
            reports: Reports::new(store.clone(), clock.clone()),
            store,
            clock,
            individual,
            notifiers: Vec::new(),
        }
    }

    /// Adds a channel for overdue notices (the DingTalk robot: [`RobotNotifier`]).
    pub fn with_notifier(mut self, n: Arc<dyn Notifier>) -> Duty {
        self.notifiers.push(n);
        self
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    fn item(d: &Deadline, now: Millis) -> DueItem {
        let (href, completable) = match d.subject.as_str() {
            crate::individual::SUBJECT => (format!("/individual/{}", d.subject_id), false),
            _ => (format!("/duty#deadline-{}", d.id), true),
        };
        DueItem {
            rule: d.rule,
            zh: d.title.clone(),
            en: format!("{} — {}", d.rule.en(), d.title),
            region_code: d.region_code.clone(),
            unit_id: d.unit_id,
            due_at: d.due_at,
            done_at: d.done_at,
            state: d.state(now),
            href,
            deadline_id: Some(d.id),
            completable,
        }
    }

    /// What is due and overdue in the caller's regions: stored deadlines due
    /// within `days_ahead` (and every unfinished one before), today's missing
    /// daily-report sections, risk items whose weekly update is due.
    pub async fn desk(&self, ctx: &Ctx) -> WorkflowResult<Desk> {
        let now = self.clock.now();
        let mut items: Vec<DueItem> = self
            .store
            .list_deadlines(&ctx.scope, 0, now + 7 * DAY)
            .await?
            .iter()
            .filter(|d| d.done_at.is_none() || d.done_at.is_some_and(|t| t > now - 2 * DAY))
            .map(|d| Self::item(d, now))
            .collect();
        items.extend(self.daily_report_items(ctx).await?);
        items.extend(self.risk_items(ctx).await?);
        items.sort_by_key(|i| {
            (
                match i.state {
                    DeadlineState::Overdue => 0,
                    DeadlineState::Pending => 1,
                    _ => 2,
                },
                i.due_at,
            )
        });
        Ok(Desk {
            items,
            lost: self.individual.lost_from_control(ctx).await?,
            notifications: self.store.list_notifications(&ctx.scope, 50).await?,
            unread: self.store.count_unread_notifications(&ctx.scope).await?,
            can_register: is_office(ctx),
        })
    }

    /// Today's daily-report sections of the caller's districts not yet
    /// submitted, due at the form's hour.
    async fn daily_report_items(&self, ctx: &Ctx) -> WorkflowResult<Vec<DueItem>> {
        let regions = self.store.list_regions(&ctx.scope).await?;
        let Some(top) = regions
            .iter()
            .filter(|r| r.level <= RegionLevel::District)
            .min_by_key(|r| r.level)
        else {
            return Ok(Vec::new());
        };
        let today: Day = self.reports.today();
        let rollup = self.reports.rollup(ctx, top.id, today, today).await?;
        let due = cst_hour(today, rollup.form.def.deadline_hour);
        let now = self.clock.now();
        Ok(rollup
            .missing
            .iter()
            .map(|g| {
                let section = rollup.form.def.section(&g.section);
                DueItem {
                    rule: DeadlineRule::DailyReport,
                    zh: format!(
                        "{} {} 日报表“{}”",
                        g.district,
                        format_day(g.day),
                        section.map(|s| s.zh.as_str()).unwrap_or(&g.section)
                    ),
                    en: format!(
                        "{} daily report {} — {}",
                        g.district,
                        format_day(g.day),
                        section.map(|s| s.en.as_str()).unwrap_or(&g.section)
                    ),
                    region_code: top.code.as_str().to_string(),
                    unit_id: g.unit_id,
                    due_at: due,
                    done_at: None,
                    state: jinghai_domain::duty::state(due, None, now),
                    href: "/daily".into(),
                    deadline_id: None,
                    completable: false,
                }
            })
            .collect())
    }

    /// Risk items being rectified whose weekly progress is due within two days or overdue.
    async fn risk_items(&self, ctx: &Ctx) -> WorkflowResult<Vec<DueItem>> {
        let now = self.clock.now();
        Ok(self
            .store
            .list_risks(&ctx.scope)
            .await?
            .into_iter()
            .filter(|r| r.status == RiskStatus::Rectifying)
            .filter_map(|r| {
                let last = r.last_update_on.unwrap_or(r.found_on);
                let due = due_at(DeadlineRule::RiskWeekly, cst_hour(last, 24));
                (due < now + 2 * DAY).then(|| DueItem {
                    rule: DeadlineRule::RiskWeekly,
                    zh: format!("风险整改进展：{}", r.place),
                    en: format!("Risk progress: {}", r.place),
                    region_code: r.region_code.clone(),
                    unit_id: r.responsible_unit_id,
                    due_at: due,
                    done_at: None,
                    state: jinghai_domain::duty::state(due, None, now),
                    href: format!("/risks/{}", r.id),
                    deadline_id: None,
                    completable: false,
                })
            })
            .collect())
    }

    /// The office registers a major matter: due at the province within 24 h.
    pub async fn register_major(&self, ctx: &Ctx, input: &MajorInput) -> WorkflowResult<Deadline> {
        if !is_office(ctx) {
            return Err(WorkflowError::forbidden(
                "重大事项由专班办公室登记",
                "the task-force office registers major matters",
            ));
        }
        let mut errs = Vec::new();
        let region = match input.region_id {
            Some(id) => self.store.get_region(&ctx.scope, id).await.ok(),
            None => None,
        };
        if region.is_none() {
            errs.push(FieldError::new(
                "region_id",
                "请选择区划（须在您的管辖范围内）",
                "choose a region (within your region)",
            ));
        }
        let title = required_text("title", &input.title, 200)
            .map_err(|e| errs.push(e))
            .ok();
        let now = self.clock.now();
        let happened = match input.happened_at.trim() {
            "" => Some(now),
            s => match parse_local_time(s) {
                Some(t) if t <= now => Some(t),
                _ => {
                    errs.push(FieldError::new(
                        "happened_at",
                        "发生时间格式应为 YYYY-MM-DD HH:MM，且不晚于现在",
                        "the time must be YYYY-MM-DD HH:MM and not in the future",
                    ));
                    None
                }
            },
        };
        let unit = match input.unit_id.or(ctx.user.unit_id) {
            Some(u) => match self.store.get_unit(&ctx.scope, u).await {
                Ok(u) => Some(u.id),
                Err(StoreError::NotFound) => {
                    errs.push(FieldError::new(
                        "unit_id",
                        "单位不存在或不在您的管辖范围内",
                        "the unit does not exist or is outside your region",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(region), Some(title), Some(happened)) = (region, title, happened) else {
            return Err(WorkflowError::NotFound);
        };
        let d = NewDeadline {
            rule: DeadlineRule::MajorToProvince,
            region_id: region.id,
            unit_id: unit,
            subject: "major_matter".into(),
            subject_id: None,
            title,
            started_at: happened,
            due_at: due_at(DeadlineRule::MajorToProvince, happened),
        };
        Ok(self.store.create_deadline(&ctx.actor(), now, &d).await?)
    }

    /// Records that a major matter was reported to the province.
    pub async fn complete(&self, ctx: &Ctx, id: i64, note: &str) -> WorkflowResult<Deadline> {
        let d = self.store.get_deadline(&ctx.scope, id).await?;
        let own = d.unit_id.is_some() && d.unit_id == ctx.user.unit_id && ctx.user.role.can_write();
        if !(own || is_office(ctx)) {
            return Err(WorkflowError::forbidden(
                "由责任单位或专班办公室办结",
                "the responsible unit or the office completes it",
            ));
        }
        if d.subject != "major_matter" {
            return Err(WorkflowError::forbidden(
                "个案的时限由记录相应处置环节办结（首报、报省）",
                "a case's deadlines are met by recording its steps (first report, escalation)",
            ));
        }
        if d.done_at.is_some() {
            return Err(WorkflowError::forbidden("该事项已办结", "already done"));
        }
        let note = required_text("note", note, 1000).map_err(|_| {
            WorkflowError::invalid(FieldError::new(
                "note",
                "请填写报送情况（报送方式、接收人）",
                "say how it was reported and to whom",
            ))
        })?;
        let now = self.clock.now();
        Ok(self
            .store
            .complete_deadline(&ctx.actor(), now, id, now, &note)
            .await?)
    }

    /// Notifies the responsible unit of every stored deadline that became
    /// overdue since the last sweep, once. Returns how many were notified.
    /// Run by the server every minute; idempotent.
    pub async fn sweep(&self) -> WorkflowResult<usize> {
        let now = self.clock.now();
        let actor = jinghai_domain::audit::Actor::system("值班督办 duty sweep");
        let mut n = 0;
        for d in self.store.deadlines_to_notify_unscoped(now).await? {
            let Some(unit) = d.unit_id else {
                continue;
            };
            let zh = format!(
                "逾期提醒：{}（{}，时限 {}）",
                d.title,
                d.rule.zh(),
                jinghai_domain::time::format_local_minutes(d.due_at)
            );
            let en = format!(
                "Overdue: {} ({}, due {})",
                d.title,
                d.rule.en(),
                jinghai_domain::time::format_local_minutes(d.due_at)
            );
            let notice = match self
                .store
                .notify_deadline(&actor, now, d.id, unit, &zh, &en)
                .await
            {
                Ok(notice) => notice,
                // Another node's sweep got there first.
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            n += 1;
            self.deliver(&notice).await;
        }
        n += self.sweep_computed(&actor).await?;
        Ok(n)
    }

    async fn deliver(&self, notice: &Notification) {
        for channel in &self.notifiers {
            if let Err(e) = channel.notify(notice).await {
                tracing::warn!(notice = notice.id, error = %e, "overdue notice not delivered");
            }
        }
    }

    /// The computed deadlines of every district (today's daily-report
    /// sections past the hour, risk items whose weekly progress is late):
    /// each overdue occurrence notifies its unit once, keyed by rule, unit,
    /// due time and record.
    async fn sweep_computed(&self, actor: &jinghai_domain::audit::Actor) -> WorkflowResult<usize> {
        let now = self.clock.now();
        let everywhere = system_ctx("");
        let districts: Vec<_> = self
            .store
            .list_regions(&everywhere.scope)
            .await?
            .into_iter()
            .filter(|r| r.level == RegionLevel::District)
            .collect();
        let mut n = 0;
        for district in districts {
            let ctx = system_ctx(district.scope_prefix());
            let mut items = self.daily_report_items(&ctx).await?;
            items.extend(self.risk_items(&ctx).await?);
            for item in items {
                let (DeadlineState::Overdue, Some(unit)) = (item.state, item.unit_id) else {
                    continue;
                };
                let key = format!(
                    "{}:{unit}:{}:{}:{}",
                    item.rule.as_str(),
                    item.due_at,
                    item.href,
                    item.zh
                );
                let zh = format!(
                    "逾期提醒：{}（{}，时限 {}）",
                    item.zh,
                    item.rule.zh(),
                    jinghai_domain::time::format_local_minutes(item.due_at)
                );
                let en = format!(
                    "Overdue: {} (due {})",
                    item.en,
                    jinghai_domain::time::format_local_minutes(item.due_at)
                );
                let stored = self
                    .store
                    .notify_once(actor, now, &key, unit, &item.region_code, &zh, &en)
                    .await?;
                if let Some(notice) = stored {
                    n += 1;
                    self.deliver(&notice).await;
                }
            }
        }
        Ok(n)
    }

    pub async fn notifications(&self, ctx: &Ctx) -> WorkflowResult<Vec<Notification>> {
        Ok(self.store.list_notifications(&ctx.scope, 100).await?)
    }

    pub async fn unread(&self, ctx: &Ctx) -> WorkflowResult<i64> {
        Ok(self.store.count_unread_notifications(&ctx.scope).await?)
    }

    pub async fn mark_read(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Notification> {
        Ok(self
            .store
            .mark_notification_read(&ctx.actor(), self.clock.now(), &ctx.scope, id)
            .await?)
    }

    /// For scoring (issue #9): every stored deadline of the caller's regions
    /// due in `[from, to)` that was done late or is overdue now, with the
    /// record it belongs to (`subject`, `subject_id`) and its unit. Deadlines
    /// met on time are left out; the daily report's own lateness is in
    /// [`crate::reports::Rollup::late`], the risk list's in `RiskItem::overdue`.
    pub async fn deadline_outcomes(
        &self,
        ctx: &Ctx,
        from: Millis,
        to: Millis,
    ) -> WorkflowResult<Vec<DeadlineOutcome>> {
        let now = self.clock.now();
        Ok(self
            .store
            .list_deadlines(&ctx.scope, from, to)
            .await?
            .into_iter()
            .map(|d| DeadlineOutcome {
                state: d.state(now),
                deadline: d,
            })
            .filter(|o| matches!(o.state, DeadlineState::Overdue | DeadlineState::Late))
            .collect())
    }
}
