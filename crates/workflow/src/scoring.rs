//! Evaluation scoring (精密智控评价) and red/yellow cards.
//!
//! - The rule table is the province's: only a province office or
//!   administrator edits it, and each automatic trigger has at most one
//!   active rule.
//! - [`Scoring::evaluate`] asks every [`FactSource`] for the facts of a
//!   period in the caller's regions, matches them to the rules
//!   ([`jinghai_domain::scoring::evaluate`], pure) and writes the entries;
//!   the ledger's dedup keys make a second run of the same period add
//!   nothing.
//! - Manual entries name a rule of trigger `manual`, a region, the day and,
//!   where there is one, the record (risk, alert, card, patrol).
//! - An entry's region appeals it; an office *above* that region decides,
//!   and the decision is kept with the appeal.
//! - Rankings: totals of the counted entries per region of one level.
//!
//! **Hook for new sources** (clues and cases, issue #7): implement
//! [`FactSource`] over the store, returning facts built by a pure function in
//! the domain, and push it onto [`Scoring::with_source`]. Nothing else here
//! changes. See `jinghai_domain::scoring` for the whole recipe.

use std::sync::Arc;

use jinghai_domain::alert::Alert;
use jinghai_domain::report::{cst_hour, day_of, parse_day, Day};
use jinghai_domain::scoring::{
    self, Appeal, Card, CardColor, CardStatus, EntryState, Fact, LedgerEntry, NewEntry, PlaceKind,
    RankRow, RecordRef, ReportGap, RuleDraft, ScoreRule, Trigger, RED_CARD_CONSEQUENCE,
    YELLOW_CARD_CONSEQUENCE,
};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Region, RegionCode, RegionLevel, Role};
use jinghai_store::{NewCard, Store, StoreError};

use crate::reports::Reports;
use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// Where facts come from. One per module whose records earn or cost points.
#[async_trait::async_trait]
pub trait FactSource: Send + Sync {
    /// A short name, for logs.
    fn name(&self) -> &'static str;
    /// The facts visible to `ctx`, as of `now` (facts outside the evaluated
    /// period are dropped by the caller).
    async fn facts(&self, ctx: &Ctx, from: Day, to: Day) -> WorkflowResult<Vec<Fact>>;
}

/// Risks not rectified by their deadline.
pub struct RiskFacts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait::async_trait]
impl FactSource for RiskFacts {
    fn name(&self) -> &'static str {
        "risks"
    }
    async fn facts(&self, ctx: &Ctx, _from: Day, _to: Day) -> WorkflowResult<Vec<Fact>> {
        let risks = self.store.list_risks(&ctx.scope).await?;
        Ok(scoring::risk_facts(&risks, day_of(self.clock.now())))
    }
}

/// Missing and late daily-report sections of the districts in scope.
pub struct ReportFacts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait::async_trait]
impl FactSource for ReportFacts {
    fn name(&self) -> &'static str {
        "daily reports"
    }
    async fn facts(&self, ctx: &Ctx, from: Day, to: Day) -> WorkflowResult<Vec<Fact>> {
        let reports = Reports::new(self.store.clone(), self.clock.clone());
        let form = reports.default_form().await?;
        let districts: Vec<Region> = self
            .store
            .list_regions(&ctx.scope)
            .await?
            .into_iter()
            .filter(|r| r.level == RegionLevel::District)
            .collect();
        let mut gaps = Vec::new();
        for d in &districts {
            let r = reports.rollup(ctx, d.id, from, to).await?;
            for g in r.missing.iter().chain(r.late.iter()) {
                let section_zh = form
                    .def
                    .section(&g.section)
                    .map(|s| s.zh.clone())
                    .unwrap_or_else(|| g.section.clone());
                gaps.push(ReportGap {
                    district_id: d.id,
                    district_code: d.code.as_str().to_string(),
                    day: g.day,
                    section: g.section.clone(),
                    section_zh,
                    unit_id: g.unit_id,
                    submitted_at: g.submitted_at,
                });
            }
        }
        Ok(scoring::report_gap_facts(
            &gaps,
            form.def.deadline_hour,
            self.clock.now(),
        ))
    }
}

/// Alerts turned into clues, and alerts left unhandled.
pub struct AlertFacts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait::async_trait]
impl FactSource for AlertFacts {
    fn name(&self) -> &'static str {
        "alerts"
    }
    async fn facts(&self, ctx: &Ctx, _from: Day, _to: Day) -> WorkflowResult<Vec<Fact>> {
        let alerts: Vec<Alert> = self.store.list_alerts(&ctx.scope, 5000).await?;
        Ok(scoring::alert_facts(&alerts, self.clock.now()))
    }
}

/// Escalation deadlines missed (the duty desk's stored deadlines).
pub struct DeadlineFacts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait::async_trait]
impl FactSource for DeadlineFacts {
    fn name(&self) -> &'static str {
        "deadlines"
    }
    async fn facts(&self, ctx: &Ctx, from: Day, to: Day) -> WorkflowResult<Vec<Fact>> {
        let deadlines = self
            .store
            .list_deadlines(&ctx.scope, cst_hour(from, 0), cst_hour(to + 1, 0))
            .await?;
        Ok(scoring::deadline_facts(&deadlines, self.clock.now()))
    }
}

/// Yellow cards not fixed by their deadline.
pub struct CardFacts {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

#[async_trait::async_trait]
impl FactSource for CardFacts {
    fn name(&self) -> &'static str {
        "cards"
    }
    async fn facts(&self, ctx: &Ctx, _from: Day, _to: Day) -> WorkflowResult<Vec<Fact>> {
        let cards = self.store.list_cards(&ctx.scope).await?;
        Ok(scoring::card_facts(&cards, day_of(self.clock.now())))
    }
}

/// A rule as typed by the province.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub trigger: String,
    pub points: String,
    pub active: bool,
}

/// A manual entry as typed by the office.
#[derive(Debug, Clone, Default)]
pub struct ManualInput {
    pub rule_id: Option<i64>,
    pub region_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub day: String,
    /// `risk`, `alert`, `card`, `patrol`, or empty for none.
    pub record_kind: String,
    pub record_id: Option<i64>,
    pub note: String,
}

/// A card as typed.
#[derive(Debug, Clone, Default)]
pub struct CardInput {
    pub color: String,
    pub place_kind: String,
    pub place_name: String,
    pub region_id: Option<i64>,
    pub lat: String,
    pub lon: String,
    pub reason: String,
    pub fix_deadline: String,
    pub consequence: String,
}

/// What one evaluation did.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub facts: usize,
    pub written: Vec<LedgerEntry>,
}

/// An entry with its appeals and what the caller may do with it.
#[derive(Debug, Clone)]
pub struct EntryDetail {
    pub entry: LedgerEntry,
    pub appeals: Vec<Appeal>,
    pub can_appeal: bool,
    pub can_decide: bool,
}

/// A region's evaluation page.
#[derive(Debug, Clone)]
pub struct RegionView {
    pub region: Region,
    pub points: i64,
    pub entries: Vec<LedgerEntry>,
    pub cards: Vec<Card>,
}

pub struct Scoring {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    sources: Vec<Arc<dyn FactSource>>,
}

fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> WorkflowError {
    WorkflowError::invalid(FieldError::new(field, zh, en))
}

fn is_office(ctx: &Ctx) -> bool {
    matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
}

/// The level of the caller's own region, from their scope prefix.
fn caller_level(ctx: &Ctx) -> RegionLevel {
    RegionLevel::ALL
        .into_iter()
        .find(|l| l.prefix_len() >= ctx.scope.region_prefix.len())
        .unwrap_or(RegionLevel::Village)
}

fn parse_coord(field: &str, s: &str, range: f64) -> Result<Option<f64>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= range => Ok(Some(v)),
        _ => Err(FieldError::new(
            field,
            format!("{field} 须为 -{range} 到 {range} 之间的数字"),
            format!("{field} must be a number between -{range} and {range}"),
        )),
    }
}

impl Scoring {
    /// The service with the sources of today's modules: risks, daily
    /// reports, alerts and cards.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Scoring {
        let sources: Vec<Arc<dyn FactSource>> = vec![
            Arc::new(RiskFacts {
                store: store.clone(),
                clock: clock.clone(),
            }),
            Arc::new(ReportFacts {
                store: store.clone(),
                clock: clock.clone(),
            }),
            Arc::new(AlertFacts {
                store: store.clone(),
                clock: clock.clone(),
            }),
            Arc::new(CardFacts {
                store: store.clone(),
                clock: clock.clone(),
            }),
            Arc::new(DeadlineFacts {
                store: store.clone(),
                clock: clock.clone(),
            }),
        ];
        Scoring {
            store,
            clock,
            sources,
        }
    }

    /// Adds a source of facts (the hook for later modules).
    pub fn with_source(mut self, source: Arc<dyn FactSource>) -> Scoring {
        self.sources.push(source);
        self
    }

    pub fn today(&self) -> Day {
        day_of(self.clock.now())
    }

    /// The rule table, with the seeds' rules stored on first use; a default
    /// rule added in a later release is stored too, unless the table already
    /// has a rule for its trigger (the province's own).
    pub async fn rules(&self) -> WorkflowResult<Vec<ScoreRule>> {
        let rules = self.store.list_score_rules().await?;
        let missing: Vec<_> = scoring::default_rules()
            .into_iter()
            .filter(|d| {
                !rules.iter().any(|r| {
                    r.code == d.code || (d.trigger != Trigger::Manual && r.trigger == d.trigger)
                })
            })
            .collect();
        if missing.is_empty() {
            return Ok(rules);
        }
        let actor = jinghai_domain::audit::Actor::system("默认评分规则 default rules");
        for d in missing {
            match self
                .store
                .create_score_rule(&actor, self.clock.now(), "33", &d)
                .await
            {
                // Another request seeded it first.
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(self.store.list_score_rules().await?)
    }

    fn check_province(ctx: &Ctx) -> WorkflowResult<()> {
        if is_office(ctx) && caller_level(ctx) == RegionLevel::Province {
            Ok(())
        } else {
            Err(WorkflowError::forbidden(
                "评分规则由省级专班办公室或管理员维护",
                "the scoring rules are kept by the province's office or administrator",
            ))
        }
    }

    async fn draft(&self, input: &RuleInput, editing: Option<i64>) -> WorkflowResult<RuleDraft> {
        let mut errs = Vec::new();
        let trigger = Trigger::parse(input.trigger.trim());
        if trigger.is_none() {
            errs.push(FieldError::new(
                "trigger",
                "请选择计分来源",
                "choose what triggers the rule",
            ));
        }
        let checked = scoring::check_rule(&input.code, &input.zh, &input.points);
        let (code, zh, points) = match checked {
            Ok(v) => (v.0, v.1, v.2),
            Err(e) => {
                errs.extend(e);
                (String::new(), String::new(), 0)
            }
        };
        if let Some(t) = trigger.filter(|t| *t != Trigger::Manual && input.active) {
            let clash = self
                .rules()
                .await?
                .into_iter()
                .find(|r| r.active && r.trigger == t && Some(r.id) != editing);
            if let Some(r) = clash {
                errs.push(FieldError::new(
                    "trigger",
                    format!(
                        "“{}”已由规则“{}”计分，每个自动来源只能有一条有效规则",
                        t.zh(),
                        r.zh
                    ),
                    format!(
                        "{} is already scored by rule {}; one active rule per automatic trigger",
                        t.en(),
                        r.code
                    ),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        Ok(RuleDraft {
            code,
            en: if input.en.trim().is_empty() {
                zh.clone()
            } else {
                input.en.trim().chars().take(200).collect()
            },
            zh,
            trigger: trigger.unwrap_or(Trigger::Manual),
            points,
            active: input.active,
        })
    }

    pub async fn create_rule(&self, ctx: &Ctx, input: &RuleInput) -> WorkflowResult<ScoreRule> {
        Self::check_province(ctx)?;
        let d = self.draft(input, None).await?;
        match self
            .store
            .create_score_rule(&ctx.actor(), self.clock.now(), &ctx.user.region_code, &d)
            .await
        {
            Err(StoreError::Conflict(_)) => Err(invalid(
                "code",
                format!("规则代码 {} 已存在", d.code),
                format!("rule code {} already exists", d.code),
            )),
            other => Ok(other?),
        }
    }

    pub async fn update_rule(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &RuleInput,
    ) -> WorkflowResult<ScoreRule> {
        Self::check_province(ctx)?;
        if !self.rules().await?.iter().any(|r| r.id == id) {
            return Err(WorkflowError::NotFound);
        }
        let d = self.draft(input, Some(id)).await?;
        match self
            .store
            .update_score_rule(
                &ctx.actor(),
                self.clock.now(),
                &ctx.user.region_code,
                id,
                &d,
            )
            .await
        {
            Err(StoreError::Conflict(_)) => Err(invalid(
                "code",
                format!("规则代码 {} 已存在", d.code),
                format!("rule code {} already exists", d.code),
            )),
            other => Ok(other?),
        }
    }

    fn check_period(from: Day, to: Day) -> WorkflowResult<()> {
        if from > to {
            return Err(invalid(
                "from",
                "起始日期不能晚于截止日期",
                "the start must not be after the end",
            ));
        }
        if to - from > 400 {
            return Err(invalid(
                "to",
                "一次最多 400 天",
                "at most 400 days at a time",
            ));
        }
        Ok(())
    }

    /// Runs every source over `from..=to` in the caller's regions (or in
    /// `region_id`, one of them) and writes the new entries. Running it
    /// again adds nothing new.
    pub async fn evaluate(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        from: Day,
        to: Day,
    ) -> WorkflowResult<Evaluation> {
        if !(is_office(ctx) && ctx.user.role.can_write()) {
            return Err(WorkflowError::forbidden(
                "评分计算由专班办公室进行",
                "the task-force office runs the evaluation",
            ));
        }
        Self::check_period(from, to)?;
        let narrowed;
        let ctx = match region_id {
            None => ctx,
            Some(id) => {
                let region = self.store.get_region(&ctx.scope, id).await?;
                let mut c = ctx.clone();
                c.scope.region_prefix = region.scope_prefix().to_string();
                narrowed = c;
                &narrowed
            }
        };
        self.evaluate_as(ctx, &ctx.actor(), from, to).await
    }

    /// The scheduled evaluation (a background job of the server): every
    /// region, the days `from..=to`, written by the system. Idempotent like
    /// [`Scoring::evaluate`], so a job that runs twice adds nothing.
    pub async fn evaluate_scheduled(&self, from: Day, to: Day) -> WorkflowResult<Evaluation> {
        Self::check_period(from, to)?;
        // The sources read through a scope: the whole tree, as the province's office.
        let everywhere = Ctx {
            user: jinghai_domain::User {
                id: 0,
                username: "system".into(),
                display_name: "考核评价定时计算 scheduled evaluation".into(),
                role: Role::TaskForceOffice,
                region_id: 0,
                region_code: String::new(),
                unit_id: None,
                active: true,
            },
            scope: jinghai_domain::Scope {
                user_id: 0,
                role: Role::TaskForceOffice,
                region_prefix: String::new(),
                unit_id: None,
            },
        };
        let actor = jinghai_domain::audit::Actor::system("考核评价定时计算 scheduled evaluation");
        self.evaluate_as(&everywhere, &actor, from, to).await
    }

    async fn evaluate_as(
        &self,
        ctx: &Ctx,
        actor: &jinghai_domain::audit::Actor,
        from: Day,
        to: Day,
    ) -> WorkflowResult<Evaluation> {
        let rules = self.rules().await?;
        let mut facts = Vec::new();
        for s in &self.sources {
            let mut f = s.facts(ctx, from, to).await?;
            tracing::debug!(source = s.name(), facts = f.len(), "scoring facts");
            f.retain(|f| f.day >= from && f.day <= to && ctx.scope.covers_region(&f.region_code));
            facts.extend(f);
        }
        let entries = scoring::evaluate(&rules, &facts);
        let written = self
            .store
            .insert_score_entries(actor, self.clock.now(), &entries)
            .await?;
        Ok(Evaluation {
            facts: facts.len(),
            written,
        })
    }

    /// A hand-entered entry (a find, a concealment …) on a manual rule.
    pub async fn add_manual(&self, ctx: &Ctx, input: &ManualInput) -> WorkflowResult<LedgerEntry> {
        if !(is_office(ctx) && ctx.user.role.can_write()) {
            return Err(WorkflowError::forbidden(
                "加扣分由专班办公室登记",
                "the task-force office enters points",
            ));
        }
        let mut errs = Vec::new();
        let rules = self.rules().await?;
        let rule = match input
            .rule_id
            .and_then(|id| rules.iter().find(|r| r.id == id))
        {
            Some(r) if r.trigger == Trigger::Manual && r.active => Some(r.clone()),
            Some(_) => {
                errs.push(FieldError::new(
                    "rule_id",
                    "该规则由系统自动计分，不能人工登记",
                    "this rule is scored automatically, not by hand",
                ));
                None
            }
            None => {
                errs.push(FieldError::new(
                    "rule_id",
                    "请选择评分规则",
                    "choose a rule",
                ));
                None
            }
        };
        let day = match input.day.trim() {
            "" => Some(self.today()),
            s => match parse_day(s) {
                Some(d) if d <= self.today() => Some(d),
                Some(_) => {
                    errs.push(FieldError::new(
                        "day",
                        "日期不能晚于今天",
                        "the day cannot be in the future",
                    ));
                    None
                }
                None => {
                    errs.push(FieldError::new(
                        "day",
                        "日期格式应为 YYYY-MM-DD",
                        "date must be YYYY-MM-DD",
                    ));
                    None
                }
            },
        };
        let note = required_text("note", &input.note, 1000)
            .map_err(|e| errs.push(e))
            .ok();
        let region = match input.region_id {
            None => {
                errs.push(FieldError::new(
                    "region_id",
                    "请选择被评价的区划",
                    "choose the region",
                ));
                None
            }
            Some(id) => match self.store.get_region(&ctx.scope, id).await {
                Ok(r) => Some(r),
                Err(StoreError::NotFound) => {
                    errs.push(FieldError::new(
                        "region_id",
                        "区划不存在或不在您的管辖范围内",
                        "the region does not exist or is outside your region",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        if let Some(u) = input.unit_id {
            match self.store.get_unit(&ctx.scope, u).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => errs.push(FieldError::new(
                    "unit_id",
                    "单位不存在或不在您的管辖范围内",
                    "the unit does not exist or is outside your region",
                )),
                Err(e) => return Err(e.into()),
            }
        }
        let record = match (input.record_kind.trim(), input.record_id) {
            ("", _) => None,
            (kind, Some(id)) => {
                let found = match kind {
                    "risk" => self.store.get_risk(&ctx.scope, id).await.map(|_| ()),
                    "alert" => self.store.get_alert(&ctx.scope, id).await.map(|_| ()),
                    "card" => self.store.get_card(&ctx.scope, id).await.map(|_| ()),
                    "patrol" => self.store.get_patrol_plan(&ctx.scope, id).await.map(|_| ()),
                    _ => Err(StoreError::NotFound),
                };
                match found {
                    Ok(()) => Some(RecordRef {
                        kind: kind.to_string(),
                        id,
                        day: None,
                    }),
                    Err(StoreError::NotFound) => {
                        errs.push(FieldError::new(
                            "record_id",
                            format!("关联记录 {kind} #{id} 不存在或不在您的管辖范围内"),
                            format!("record {kind} #{id} does not exist or is outside your region"),
                        ));
                        None
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            (_, None) => {
                errs.push(FieldError::new(
                    "record_id",
                    "请填写关联记录编号",
                    "give the record's number",
                ));
                None
            }
        };
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(rule), Some(day), Some(note), Some(region)) = (rule, day, note, region) else {
            return Err(WorkflowError::NotFound);
        };
        let entry = NewEntry {
            rule_id: rule.id,
            region_id: region.id,
            region_code: region.code.as_str().to_string(),
            unit_id: input.unit_id,
            day,
            points: rule.points,
            // Without a record, the entry is its own record (its note says what happened).
            record: record.unwrap_or(RecordRef {
                kind: "manual".into(),
                id: 0,
                day: None,
            }),
            dedup_key: None,
            note,
        };
        let mut written = self
            .store
            .insert_score_entries(&ctx.actor(), self.clock.now(), &[entry])
            .await?;
        written.pop().ok_or(WorkflowError::NotFound)
    }

    pub async fn entries(&self, ctx: &Ctx, from: Day, to: Day) -> WorkflowResult<Vec<LedgerEntry>> {
        Self::check_period(from, to)?;
        Ok(self.store.list_score_entries(&ctx.scope, from, to).await?)
    }

    /// May the caller decide appeals on entries of this region? Only an
    /// office above it: nobody judges their own appeal.
    fn above(ctx: &Ctx, region_code: &str) -> bool {
        let level = RegionCode::parse(region_code)
            .map(|c| c.implied_level())
            .unwrap_or(RegionLevel::Village);
        is_office(ctx)
            && ctx.user.role.can_write()
            && ctx.scope.covers_region(region_code)
            && ctx.scope.region_prefix.len() < level.prefix_len()
    }

    pub async fn entry(&self, ctx: &Ctx, id: i64) -> WorkflowResult<EntryDetail> {
        let entry = self.store.get_score_entry(&ctx.scope, id).await?;
        let appeals = self.store.list_appeals(id).await?;
        let decided = appeals.iter().any(|a| a.accepted.is_some());
        Ok(EntryDetail {
            can_appeal: ctx.user.role.can_write()
                && ctx.scope.covers_region(&entry.region_code)
                && entry.state == EntryState::Active
                && !decided,
            can_decide: entry.state == EntryState::Appealed && Self::above(ctx, &entry.region_code),
            entry,
            appeals,
        })
    }

    /// The entry's region appeals it, once, with a reason.
    pub async fn appeal(&self, ctx: &Ctx, id: i64, reason: &str) -> WorkflowResult<Appeal> {
        let d = self.entry(ctx, id).await?;
        if !d.can_appeal {
            return Err(WorkflowError::forbidden(
                "只有被评价区划可以对有效的计分申诉，每条计分限申诉一次",
                "only the evaluated region appeals a counted entry, once",
            ));
        }
        let reason = required_text("reason", reason, 2000).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .file_appeal(&ctx.actor(), self.clock.now(), id, &reason)
            .await?)
    }

    /// An office above the entry's region accepts (the entry is revoked) or
    /// rejects the appeal, with its reasons.
    pub async fn decide(
        &self,
        ctx: &Ctx,
        id: i64,
        accept: bool,
        decision: &str,
    ) -> WorkflowResult<Appeal> {
        let d = self.entry(ctx, id).await?;
        if !d.can_decide {
            return Err(WorkflowError::forbidden(
                "申诉由被评价区划的上级专班办公室审核",
                "an appeal is decided by an office above the evaluated region",
            ));
        }
        let decision = required_text("decision", decision, 2000).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .decide_appeal(&ctx.actor(), self.clock.now(), id, accept, &decision)
            .await?)
    }

    /// The regions of `level` in the caller's scope, ranked by their points
    /// over `from..=to`.
    pub async fn ranking(
        &self,
        ctx: &Ctx,
        level: RegionLevel,
        from: Day,
        to: Day,
    ) -> WorkflowResult<Vec<RankRow>> {
        Self::check_period(from, to)?;
        let regions = self.store.list_regions(&ctx.scope).await?;
        let entries = self.store.list_score_entries(&ctx.scope, from, to).await?;
        Ok(scoring::rank(&regions, level, &entries))
    }

    /// A region's evaluation: its points, entries and cards.
    pub async fn region(
        &self,
        ctx: &Ctx,
        region_id: i64,
        from: Day,
        to: Day,
    ) -> WorkflowResult<RegionView> {
        Self::check_period(from, to)?;
        let region = self.store.get_region(&ctx.scope, region_id).await?;
        let entries: Vec<LedgerEntry> = self
            .store
            .list_score_entries(&ctx.scope, from, to)
            .await?
            .into_iter()
            .filter(|e| region.contains_code(&e.region_code))
            .collect();
        let cards = self
            .store
            .list_cards(&ctx.scope)
            .await?
            .into_iter()
            .filter(|c| region.contains_code(&c.region_code))
            .collect();
        Ok(RegionView {
            points: entries
                .iter()
                .filter(|e| e.counts())
                .map(|e| e.points as i64)
                .sum(),
            region,
            entries,
            cards,
        })
    }

    pub async fn cards(&self, ctx: &Ctx) -> WorkflowResult<Vec<Card>> {
        Ok(self.store.list_cards(&ctx.scope).await?)
    }

    /// The office issues a red card (a smuggling case happened at the place:
    /// the year's award eligibility is lost) or a yellow one (weak measures:
    /// fix by the deadline).
    pub async fn issue_card(&self, ctx: &Ctx, input: &CardInput) -> WorkflowResult<Card> {
        if !(is_office(ctx) && ctx.user.role.can_write()) {
            return Err(WorkflowError::forbidden(
                "红黄牌由专班办公室亮牌",
                "the task-force office issues cards",
            ));
        }
        let mut errs = Vec::new();
        let color = CardColor::parse(input.color.trim());
        if color.is_none() {
            errs.push(FieldError::new(
                "color",
                "请选择红牌或黄牌",
                "choose red or yellow",
            ));
        }
        let kind = PlaceKind::parse(input.place_kind.trim());
        if kind.is_none() {
            errs.push(FieldError::new(
                "place_kind",
                "请选择场所类型",
                "choose the kind of place",
            ));
        }
        let reason = required_text("reason", &input.reason, 2000)
            .map_err(|e| errs.push(e))
            .ok();
        let lat = parse_coord("lat", &input.lat, 90.0)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let lon = parse_coord("lon", &input.lon, 180.0)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        if lat.is_some() != lon.is_some() {
            errs.push(FieldError::new(
                "lon",
                "经纬度须同时填写",
                "give both latitude and longitude",
            ));
        }
        let today = self.today();
        let deadline = match (color, input.fix_deadline.trim()) {
            (Some(CardColor::Yellow), "") => {
                errs.push(FieldError::new(
                    "fix_deadline",
                    "黄牌须规定整改时限",
                    "a yellow card needs a fix deadline",
                ));
                None
            }
            (_, "") => None,
            (_, s) => match parse_day(s) {
                Some(d) if d >= today => Some(d),
                Some(_) => {
                    errs.push(FieldError::new(
                        "fix_deadline",
                        "整改时限不能早于今天",
                        "the deadline cannot be in the past",
                    ));
                    None
                }
                None => {
                    errs.push(FieldError::new(
                        "fix_deadline",
                        "日期格式应为 YYYY-MM-DD",
                        "date must be YYYY-MM-DD",
                    ));
                    None
                }
            },
        };
        let region = match input.region_id {
            None => {
                errs.push(FieldError::new(
                    "region_id",
                    "请选择所在区划",
                    "choose the region",
                ));
                None
            }
            Some(id) => match self.store.get_region(&ctx.scope, id).await {
                Ok(r) => Some(r),
                Err(StoreError::NotFound) => {
                    errs.push(FieldError::new(
                        "region_id",
                        "区划不存在或不在您的管辖范围内",
                        "the region does not exist or is outside your region",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        // A town or village card is a card on that region itself.
        if let (Some(k), Some(r)) = (kind, &region) {
            let need = match k {
                PlaceKind::Town => Some(RegionLevel::Town),
                PlaceKind::Village => Some(RegionLevel::Village),
                _ => None,
            };
            if need.is_some_and(|l| l != r.level) {
                errs.push(FieldError::new(
                    "region_id",
                    format!("“{}”须选择对应层级的区划", k.zh()),
                    format!("a {} card names a region of that level", k.en()),
                ));
            }
        }
        let place_name = match (kind, &region, input.place_name.trim()) {
            (Some(PlaceKind::Town | PlaceKind::Village), Some(r), "") => Some(r.name.clone()),
            _ => required_text("place_name", &input.place_name, 100)
                .map_err(|e| errs.push(e))
                .ok(),
        };
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(color), Some(kind), Some(reason), Some(region), Some(place_name)) =
            (color, kind, reason, region, place_name)
        else {
            return Err(WorkflowError::NotFound);
        };
        let consequence = match input.consequence.trim() {
            "" if color == CardColor::Red => RED_CARD_CONSEQUENCE.to_string(),
            "" => YELLOW_CARD_CONSEQUENCE.to_string(),
            c => c.chars().take(500).collect(),
        };
        let card = NewCard {
            color,
            place_kind: kind,
            place_name,
            region_id: region.id,
            lat,
            lon,
            reason,
            issued_on: today,
            fix_deadline: deadline,
            consequence,
            award_ineligible: color == CardColor::Red,
        };
        Ok(self
            .store
            .create_card(&ctx.actor(), self.clock.now(), &card)
            .await?)
    }

    /// The office lifts a card once the place is fixed (摘牌), saying what was done.
    pub async fn lift_card(&self, ctx: &Ctx, id: i64, note: &str) -> WorkflowResult<Card> {
        let card = self.store.get_card(&ctx.scope, id).await?;
        if !(is_office(ctx) && ctx.user.role.can_write()) {
            return Err(WorkflowError::forbidden(
                "摘牌由专班办公室决定",
                "the task-force office lifts cards",
            ));
        }
        if card.status == CardStatus::Lifted {
            return Err(WorkflowError::forbidden(
                "该牌已摘除",
                "this card is already lifted",
            ));
        }
        let note = required_text("note", note, 2000).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .lift_card(&ctx.actor(), self.clock.now(), id, self.today(), &note)
            .await?)
    }
}
