//! Clues and cases (线索、案件): intake (an officer's entry, an alert in one
//! click, a tip, another agency), entities and automatic linking (串并)
//! with an officer's confirmation, the case path (立案侦查 → 强制措施 →
//! 起送审查起诉), seizures and their disposal, and hand-over between units
//! (移交) with a receipt deadline and escalation when it passes.
//!
//! Who may do what:
//! - see: the rule of `jinghai_domain::cases` (holding unit, units handed
//!   the record, and by region according to role and classification);
//! - work a record (verify, add entities, file, add steps, seizures,
//!   disposals, hand over): the unit holding it, or the task-force office of
//!   its region; never a read-only leader;
//! - answer a hand-over: the receiving unit;
//! - confirm or reject a link: whoever may work either clue.
//!
//! Every change is audited by the store in the same transaction.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use jinghai_domain::alert::{kind_names, AlertStatus};
use jinghai_domain::cases::{
    Case, CaseFile, CaseStatus, CaseStep, Classification, Clue, ClueEntity, ClueLink, ClueSource,
    ClueStatus, DailyFigures, Disposal, DisposalStep, Handover, HandoverStatus, LinkStatus,
    QuantityUnit, RecordKind, Seizure, SeizureCategory, StepKind,
};
use jinghai_domain::entity::{normalise, parse_entity_lines, EntityKind, NormalEntity};
use jinghai_domain::report::{cst_hour, day_of, parse_day, Day, Indicator, ValueKind};
use jinghai_domain::time::{Millis, DAY, HOUR, MINUTE};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, RegionCode, Role, Scope};
use jinghai_store::{
    NewCase, NewClue, NewDisposal, NewHandover, NewSeizure, NewStep, Store, StoreError,
};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// Keys held by more clues than this are too common to link by (a port's
/// name, a switchboard number): linking skips them.
pub const HUB_LIMIT: usize = 200;

/// Default receipt deadline of a hand-over.
pub const DEFAULT_RECEIPT_HOURS: i64 = 24;

/// A clue as typed.
#[derive(Debug, Clone, Default)]
pub struct ClueInput {
    pub region_id: Option<i64>,
    pub summary: String,
    pub detail: String,
    /// `YYYY-MM-DDTHH:MM` (China Standard Time, as a datetime-local input
    /// sends it) or `YYYY-MM-DD`; empty is now.
    pub occurred_at: String,
    pub place: String,
    pub lat: String,
    pub lon: String,
    pub source: String,
    pub classification: String,
    /// One entity per line, `kind: value`.
    pub entities: String,
}

/// A case as typed.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    pub clue_ids: Vec<i64>,
    pub case_no: String,
    pub title: String,
    pub summary: String,
    pub classification: String,
    pub filed_on: String,
    pub document: String,
}

/// A case step as typed.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub kind: String,
    pub day: String,
    pub persons: String,
    pub document: String,
    pub note: String,
}

/// A seizure as typed.
#[derive(Debug, Clone, Default)]
pub struct SeizureInput {
    pub category: String,
    pub quantity: String,
    pub unit: String,
    pub description: String,
    pub day: String,
}

/// A disposal step as typed.
#[derive(Debug, Clone, Default)]
pub struct DisposalInput {
    pub seizure_id: Option<i64>,
    pub step: String,
    pub day: String,
    pub document: String,
    pub note: String,
}

/// A linked clue as one user sees it.
#[derive(Debug, Clone)]
pub struct LinkView {
    pub link: ClueLink,
    pub other: Clue,
}

/// A clue with everything its page shows.
#[derive(Debug, Clone)]
pub struct ClueDetail {
    pub clue: Clue,
    pub entities: Vec<ClueEntity>,
    pub links: Vec<LinkView>,
    /// Links to clues this user may not see: counted, never shown.
    pub hidden_links: usize,
    pub handovers: Vec<Handover>,
    pub files: Vec<CaseFile>,
    pub can_work: bool,
    /// A pending hand-over to the user's unit, which they may answer.
    pub to_answer: Option<Handover>,
}

/// A case with everything its page shows.
#[derive(Debug, Clone)]
pub struct CaseDetail {
    pub case: Case,
    pub clues: Vec<Clue>,
    pub steps: Vec<CaseStep>,
    pub seizures: Vec<Seizure>,
    pub disposals: Vec<Disposal>,
    pub handovers: Vec<Handover>,
    pub files: Vec<CaseFile>,
    pub can_work: bool,
    pub to_answer: Option<Handover>,
}

/// A cluster of linked clues for the graph view.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    pub clues: Vec<Clue>,
    pub entities: Vec<ClueEntity>,
    pub links: Vec<ClueLink>,
    pub hidden: usize,
}

/// The largest cluster the graph view walks.
pub const CLUSTER_LIMIT: usize = 40;

pub struct Cases {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

fn is_office(ctx: &Ctx) -> bool {
    matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
}

/// Parses `YYYY-MM-DDTHH:MM` / `YYYY-MM-DD HH:MM` / `YYYY-MM-DD` in China
/// Standard Time to epoch ms.
pub fn parse_local_time(s: &str) -> Option<Millis> {
    let s = s.trim();
    let date = s.get(..10)?;
    let day = parse_day(date)?;
    // parse_day rolls 02-30 over into March; a typed date must exist.
    if jinghai_domain::report::format_day(day) != date {
        return None;
    }
    let rest = s[10..].trim_start_matches(['T', ' ']);
    if rest.is_empty() {
        return Some(cst_hour(day, 0));
    }
    let (h, m) = rest.split_once(':')?;
    let h: i64 = h.parse().ok().filter(|h| (0..24).contains(h))?;
    let m: i64 = m.get(..2)?.parse().ok().filter(|m| (0..60).contains(m))?;
    Some(cst_hour(day, 0) + h * HOUR + m * MINUTE)
}

fn coordinate(name: &str, s: &str, range: f64) -> Result<Option<f64>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= range => Ok(Some(v)),
        _ => Err(field(
            name,
            format!("{name} 须为 -{range} 到 {range} 之间的数字"),
            format!("{name} must be a number between -{range} and {range}"),
        )),
    }
}

fn classification(s: &str) -> Result<Classification, FieldError> {
    match s.trim() {
        "" => Ok(Classification::Restricted),
        s => Classification::parse(s)
            .ok_or_else(|| field("classification", "请选择密级", "choose a classification")),
    }
}

/// A day field: empty is today; never in the future.
fn day_field(name: &str, s: &str, today: Day) -> Result<Day, FieldError> {
    match s.trim() {
        "" => Ok(today),
        s => match parse_day(s) {
            Some(d) if d <= today => Ok(d),
            Some(_) => Err(field(
                name,
                "日期不能晚于今天",
                "the date cannot be in the future",
            )),
            None => Err(field(
                name,
                "日期格式应为 YYYY-MM-DD",
                "date must be YYYY-MM-DD",
            )),
        },
    }
}

/// Collects field errors; `Err` with all of them if any.
struct Errors(Vec<FieldError>);

impl Errors {
    fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
    fn done(self) -> WorkflowResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(WorkflowError::Invalid(self.0))
        }
    }
}

impl Cases {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Cases {
        Cases { store, clock }
    }

    pub fn today(&self) -> Day {
        day_of(self.clock.now())
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// May `ctx` work a record held by `holder` in `region_code`?
    fn works(ctx: &Ctx, region_code: &str, holder: Option<i64>) -> bool {
        ctx.user.role.can_write()
            && ((is_office(ctx) && ctx.scope.covers_region(region_code))
                || (holder.is_some() && holder == ctx.user.unit_id))
    }

    fn not_yours() -> WorkflowError {
        WorkflowError::forbidden(
            "只有持有该记录的单位或专班办公室可以办理",
            "only the unit holding this record or the task-force office may act on it",
        )
    }

    // --- clues ---

    pub async fn list_clues(&self, ctx: &Ctx) -> WorkflowResult<Vec<Clue>> {
        Ok(self.store.list_clues(&ctx.scope, 500).await?)
    }

    pub async fn clue(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Clue> {
        Ok(self.store.get_clue(&ctx.scope, id).await?)
    }

    pub async fn clue_detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<ClueDetail> {
        let clue = self.store.get_clue(&ctx.scope, id).await?;
        let links = self.store.clue_links(id).await?;
        let others: Vec<i64> = links.iter().map(|l| l.other(id)).collect();
        let visible = self.store.visible_clues(&ctx.scope, &others).await?;
        let mut views = Vec::new();
        for l in links {
            if let Some(o) = visible.iter().find(|c| c.id == l.other(id)) {
                views.push(LinkView {
                    other: o.clone(),
                    link: l,
                });
            }
        }
        let handovers = self.store.handovers_of(RecordKind::Clue, id).await?;
        let to_answer = handovers
            .iter()
            .find(|h| h.status == HandoverStatus::Pending && Some(h.to_unit_id) == ctx.user.unit_id)
            .filter(|_| ctx.user.role.can_write())
            .cloned();
        Ok(ClueDetail {
            entities: self.store.clue_entities(id).await?,
            hidden_links: others.len() - views.len(),
            links: views,
            files: self.store.case_files(RecordKind::Clue, id).await?,
            can_work: Self::works(ctx, &clue.region_code, clue.holder_unit_id),
            handovers,
            to_answer,
            clue,
        })
    }

    /// Registers a clue typed by an officer; links it at once.
    pub async fn create_clue(
        &self,
        ctx: &Ctx,
        input: &ClueInput,
    ) -> WorkflowResult<(Clue, Vec<ClueLink>)> {
        if !ctx.user.role.can_write() {
            return Err(WorkflowError::forbidden(
                "只读账号不能登记线索",
                "read-only accounts cannot register clues",
            ));
        }
        let mut e = Errors(Vec::new());
        let summary = e.take(required_text("summary", &input.summary, 200));
        let detail = input.detail.trim().chars().take(4000).collect::<String>();
        let place = input.place.trim().chars().take(200).collect::<String>();
        let lat = e.take(coordinate("lat", &input.lat, 90.0)).flatten();
        let lon = e.take(coordinate("lon", &input.lon, 180.0)).flatten();
        if lat.is_some() != lon.is_some() {
            e.0.push(field(
                "lon",
                "经纬度须同时填写",
                "give both latitude and longitude",
            ));
        }
        let now = self.clock.now();
        let occurred_at = match input.occurred_at.trim() {
            "" => Some(now),
            s => match parse_local_time(s) {
                Some(t) if t <= now + HOUR => Some(t),
                Some(_) => {
                    e.0.push(field(
                        "occurred_at",
                        "发生时间不能晚于现在",
                        "the time cannot be in the future",
                    ));
                    None
                }
                None => {
                    e.0.push(field(
                        "occurred_at",
                        "时间格式应为 YYYY-MM-DD HH:MM",
                        "time must be YYYY-MM-DD HH:MM",
                    ));
                    None
                }
            },
        };
        let source = match input.source.trim() {
            "" => Some(ClueSource::Officer),
            s => match ClueSource::parse(s) {
                Some(ClueSource::Alert | ClueSource::Tip) => {
                    e.0.push(field(
                        "source",
                        "预警和举报请从预警、举报页面转为线索",
                        "alerts and tips become clues from their own pages",
                    ));
                    None
                }
                Some(s) => Some(s),
                None => {
                    e.0.push(field("source", "请选择线索来源", "choose a source"));
                    None
                }
            },
        };
        let class = e.take(classification(&input.classification));
        let entities = match parse_entity_lines(&input.entities) {
            Ok(v) => Some(v),
            Err(errs) => {
                e.0.extend(errs);
                None
            }
        };
        let region = match input.region_id {
            None => {
                e.0.push(field("region_id", "请选择所在区划", "choose a region"));
                None
            }
            Some(id) => match self.store.get_region(&ctx.scope, id).await {
                Ok(r) => Some(r),
                Err(StoreError::NotFound) => {
                    e.0.push(field(
                        "region_id",
                        "区划不存在或不在您的管辖范围内",
                        "the region does not exist or is outside your region",
                    ));
                    None
                }
                Err(err) => return Err(err.into()),
            },
        };
        e.done()?;
        let (
            Some(summary),
            Some(occurred_at),
            Some(source),
            Some(class),
            Some(entities),
            Some(region),
        ) = (summary, occurred_at, source, class, entities, region)
        else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewClue {
            region_id: region.id,
            summary,
            detail,
            occurred_at,
            place,
            lat,
            lon,
            source,
            source_ref: None,
            classification: class,
            owner_unit_id: ctx.user.unit_id,
        };
        Ok(self
            .store
            .create_clue(&ctx.actor(), now, &new, &entities, HUB_LIMIT)
            .await?)
    }

    /// One click on the alert desk: the alert becomes a clue carrying its
    /// evidence (kind, vessel, counterpart, place, time), is linked, and the
    /// alert is closed as escalated.
    pub async fn clue_from_alert(
        &self,
        ctx: &Ctx,
        alert_id: i64,
    ) -> WorkflowResult<(Clue, Vec<ClueLink>)> {
        let alert = self.store.get_alert(&ctx.scope, alert_id).await?;
        let own = alert.assigned_unit_id.is_some() && alert.assigned_unit_id == ctx.user.unit_id;
        if !(ctx.user.role.can_write()
            && (own || (is_office(ctx) && ctx.scope.covers_region(&alert.region_code))))
        {
            return Err(WorkflowError::forbidden(
                "由承办单位或专班办公室将预警转为线索",
                "the assigned unit or the office turns an alert into a clue",
            ));
        }
        if let Some(existing) = self
            .store
            .clue_from_source_unscoped(ClueSource::Alert, alert_id)
            .await?
        {
            return Err(WorkflowError::forbidden(
                &format!("该预警已转为线索 #{existing}"),
                &format!("this alert is already clue #{existing}"),
            ));
        }
        if alert.status == AlertStatus::Dismissed {
            return Err(WorkflowError::forbidden(
                "该预警已排除",
                "this alert was dismissed",
            ));
        }
        let (zh, en) = kind_names(&alert.kind);
        let mut entities: Vec<NormalEntity> = Vec::new();
        let mut push = |k: EntityKind, v: &str| {
            if let Ok(n) = normalise(k, v) {
                entities.push(n);
            }
        };
        push(EntityKind::Mmsi, &format!("{:09}", alert.mmsi));
        if let Some(o) = alert.other_mmsi {
            push(EntityKind::Mmsi, &format!("{o:09}"));
        }
        let place = alert.zone_id.clone().unwrap_or_default();
        if !place.is_empty() {
            push(EntityKind::Place, &place);
        }
        let counterpart = alert
            .other_mmsi
            .map(|o| format!("，对方船舶 MMSI {o:09}"))
            .unwrap_or_default();
        let new = NewClue {
            region_id: alert.region_id,
            summary: format!("{zh} · MMSI {:09}{counterpart}", alert.mmsi),
            detail: format!(
                "预警 #{} {zh} / {en}；位置 {:.5}, {:.5}；区域 {}；引擎证据 engine evidence: {}",
                alert.id,
                alert.lat,
                alert.lon,
                if place.is_empty() { "—" } else { &place },
                alert.detail
            ),
            occurred_at: alert.start_at,
            place,
            lat: Some(alert.lat),
            lon: Some(alert.lon),
            source: ClueSource::Alert,
            source_ref: Some(alert.id),
            classification: Classification::Restricted,
            owner_unit_id: ctx.user.unit_id.or(alert.assigned_unit_id),
        };
        let now = self.clock.now();
        let made = self
            .store
            .create_clue(&ctx.actor(), now, &new, &entities, HUB_LIMIT)
            .await?;
        if !matches!(alert.status, AlertStatus::Escalated) {
            self.store
                .set_alert_status(
                    &ctx.actor(),
                    now,
                    alert_id,
                    AlertStatus::Escalated,
                    None,
                    &format!("转线索 #{} / clue #{}", made.0.id, made.0.id),
                )
                .await?;
        }
        Ok(made)
    }

    /// Adds entities (`kind: value` lines) to a clue and links again.
    pub async fn add_entities(
        &self,
        ctx: &Ctx,
        id: i64,
        text: &str,
    ) -> WorkflowResult<Vec<ClueLink>> {
        let clue = self.store.get_clue(&ctx.scope, id).await?;
        if !Self::works(ctx, &clue.region_code, clue.holder_unit_id) {
            return Err(Self::not_yours());
        }
        let entities = parse_entity_lines(text).map_err(WorkflowError::Invalid)?;
        if entities.is_empty() {
            return Err(WorkflowError::invalid(field(
                "entities",
                "请填写至少一个要素，如“电话: 13800138000”",
                "give at least one entity, e.g. 'phone: 13800138000'",
            )));
        }
        Ok(self
            .store
            .add_clue_entities(&ctx.actor(), self.clock.now(), id, &entities, HUB_LIMIT)
            .await?)
    }

    /// Moves a clue through verification: new → verifying → verified, or closed with a reason.
    pub async fn set_clue_status(
        &self,
        ctx: &Ctx,
        id: i64,
        status: &str,
        note: &str,
    ) -> WorkflowResult<Clue> {
        let clue = self.store.get_clue(&ctx.scope, id).await?;
        if !Self::works(ctx, &clue.region_code, clue.holder_unit_id) {
            return Err(Self::not_yours());
        }
        let Some(to) = ClueStatus::parse(status.trim()) else {
            return Err(WorkflowError::invalid(field(
                "status",
                "未知的线索状态",
                "unknown clue status",
            )));
        };
        if !clue.status.can_move_to(to) {
            return Err(WorkflowError::forbidden(
                &format!("线索不能从“{}”改为“{}”", clue.status.zh(), to.zh()),
                &format!(
                    "a clue cannot move from {} to {}",
                    clue.status.en(),
                    to.en()
                ),
            ));
        }
        let note = note.trim();
        if to == ClueStatus::Closed && note.is_empty() {
            return Err(WorkflowError::invalid(field(
                "note",
                "核销线索须说明理由",
                "closing a clue needs a reason",
            )));
        }
        Ok(self
            .store
            .set_clue_status(
                &ctx.actor(),
                self.clock.now(),
                id,
                to,
                &note.chars().take(1000).collect::<String>(),
            )
            .await?)
    }

    /// An officer confirms or rejects a suggested link.
    pub async fn decide_link(
        &self,
        ctx: &Ctx,
        link_id: i64,
        confirm: bool,
    ) -> WorkflowResult<ClueLink> {
        let link = self.store.get_link_unscoped(link_id).await?;
        let a = self.store.get_clue(&ctx.scope, link.clue_a).await;
        let b = self.store.get_clue(&ctx.scope, link.clue_b).await;
        let (a, b) = (a.ok(), b.ok());
        if a.is_none() && b.is_none() {
            return Err(WorkflowError::NotFound);
        }
        let works = [a, b]
            .iter()
            .flatten()
            .any(|c| Self::works(ctx, &c.region_code, c.holder_unit_id));
        if !works {
            return Err(Self::not_yours());
        }
        let status = if confirm {
            LinkStatus::Confirmed
        } else {
            LinkStatus::Rejected
        };
        Ok(self
            .store
            .set_link_status(&ctx.actor(), self.clock.now(), link_id, status)
            .await?)
    }

    /// The cluster around a clue: linked clues (not rejected), walked
    /// breadth-first through clues the user may see, at most
    /// [`CLUSTER_LIMIT`]; links to unseen clues are only counted.
    pub async fn cluster(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Cluster> {
        let start = self.store.get_clue(&ctx.scope, id).await?;
        let mut out = Cluster::default();
        let mut seen: HashSet<i64> = HashSet::from([start.id]);
        let mut hidden: BTreeSet<i64> = BTreeSet::new();
        let mut link_ids: HashSet<i64> = HashSet::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(c) = queue.pop_front() {
            out.entities.extend(self.store.clue_entities(c.id).await?);
            for l in self.store.clue_links(c.id).await? {
                if l.status == LinkStatus::Rejected {
                    continue;
                }
                let other = l.other(c.id);
                if seen.contains(&other) {
                    if link_ids.insert(l.id) {
                        out.links.push(l);
                    }
                    continue;
                }
                if seen.len() >= CLUSTER_LIMIT {
                    continue;
                }
                match self.store.get_clue(&ctx.scope, other).await {
                    Ok(o) => {
                        seen.insert(other);
                        link_ids.insert(l.id);
                        out.links.push(l);
                        queue.push_back(o);
                    }
                    Err(StoreError::NotFound) => {
                        hidden.insert(other);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            out.clues.push(c);
        }
        out.hidden = hidden.len();
        Ok(out)
    }

    // --- cases ---

    pub async fn list_cases(&self, ctx: &Ctx) -> WorkflowResult<Vec<Case>> {
        Ok(self.store.list_cases(&ctx.scope, 500).await?)
    }

    /// Files a case (立案侦查) from verified clues the user works.
    pub async fn file_case(&self, ctx: &Ctx, input: &CaseInput) -> WorkflowResult<Case> {
        if !ctx.user.role.can_write() || ctx.user.role == Role::TownWorker {
            return Err(WorkflowError::forbidden(
                "立案由办案单位或专班办公室办理",
                "cases are filed by a law-enforcement unit or the task-force office",
            ));
        }
        let mut e = Errors(Vec::new());
        let title = e.take(required_text("title", &input.title, 200));
        let case_no = e.take(required_text("case_no", &input.case_no, 60));
        let class = e.take(classification(&input.classification));
        let filed_on = e.take(day_field("filed_on", &input.filed_on, self.today()));
        let mut clues = Vec::new();
        if input.clue_ids.is_empty() {
            e.0.push(field(
                "clue_ids",
                "请选择立案依据的线索",
                "choose the clues the case is filed on",
            ));
        }
        for id in &input.clue_ids {
            match self.store.get_clue(&ctx.scope, *id).await {
                Ok(c) if c.case_id.is_some() => e.0.push(field(
                    "clue_ids",
                    format!("线索 #{id} 已立案"),
                    format!("clue #{id} is already in a case"),
                )),
                Ok(c) if c.status != ClueStatus::Verified => e.0.push(field(
                    "clue_ids",
                    format!("线索 #{id} 尚未查证属实（当前：{}）", c.status.zh()),
                    format!("clue #{id} is not verified yet ({})", c.status.en()),
                )),
                Ok(c) if !Self::works(ctx, &c.region_code, c.holder_unit_id) => e.0.push(field(
                    "clue_ids",
                    format!("线索 #{id} 不由您的单位持有"),
                    format!("clue #{id} is not held by your unit"),
                )),
                Ok(c) => clues.push(c),
                Err(StoreError::NotFound) => e.0.push(field(
                    "clue_ids",
                    format!("线索 #{id} 不存在或无权查看"),
                    format!("clue #{id} not found"),
                )),
                Err(err) => return Err(err.into()),
            }
        }
        e.done()?;
        let (Some(title), Some(case_no), Some(class), Some(filed_on)) =
            (title, case_no, class, filed_on)
        else {
            return Err(WorkflowError::NotFound);
        };
        // The case lies where its clues lie; clues of several places make it the district's.
        let first = &clues[0];
        let region_id = if clues.iter().all(|c| c.region_id == first.region_id) {
            first.region_id
        } else {
            let district = format!(
                "{:0<12}",
                &first.region_code[..6.min(first.region_code.len())]
            );
            self.store
                .find_region_by_code(&district)
                .await?
                .map(|r| r.id)
                .unwrap_or(first.region_id)
        };
        let new = NewCase {
            region_id,
            case_no,
            title,
            summary: input.summary.trim().chars().take(4000).collect(),
            classification: class,
            filed_on,
            owner_unit_id: ctx.user.unit_id,
            document: input.document.trim().chars().take(200).collect(),
        };
        let ids: Vec<i64> = clues.iter().map(|c| c.id).collect();
        Ok((&*self.store as &dyn jinghai_store::CasesStore)
            .create_case(&ctx.actor(), self.clock.now(), &new, &ids)
            .await?)
    }

    pub async fn case_detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<CaseDetail> {
        let case = self.store.get_case(&ctx.scope, id).await?;
        let handovers = self.store.handovers_of(RecordKind::Case, id).await?;
        let to_answer = handovers
            .iter()
            .find(|h| h.status == HandoverStatus::Pending && Some(h.to_unit_id) == ctx.user.unit_id)
            .filter(|_| ctx.user.role.can_write())
            .cloned();
        Ok(CaseDetail {
            // A case's clues are its evidence: whoever sees the case sees them.
            clues: self.store.case_clues(id).await?,
            steps: self.store.case_steps(id).await?,
            seizures: self.store.seizures(id).await?,
            disposals: self.store.disposals(id).await?,
            files: self.store.case_files(RecordKind::Case, id).await?,
            can_work: Self::works(ctx, &case.region_code, case.holder_unit_id),
            handovers,
            to_answer,
            case,
        })
    }

    async fn workable_case(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Case> {
        let case = self.store.get_case(&ctx.scope, id).await?;
        if !Self::works(ctx, &case.region_code, case.holder_unit_id) {
            return Err(Self::not_yours());
        }
        Ok(case)
    }

    /// A step on the case path (强制措施, 起送审查起诉, 结案, a note).
    pub async fn add_step(
        &self,
        ctx: &Ctx,
        case_id: i64,
        input: &StepInput,
    ) -> WorkflowResult<CaseStep> {
        let case = self.workable_case(ctx, case_id).await?;
        let mut e = Errors(Vec::new());
        let kind = match StepKind::parse(input.kind.trim()) {
            Some(StepKind::Filed) | None => {
                e.0.push(field("kind", "请选择办案环节", "choose a step"));
                None
            }
            Some(k) => Some(k),
        };
        let day = e.take(day_field("day", &input.day, self.today()));
        if day.is_some_and(|d| d < case.filed_on) {
            e.0.push(field(
                "day",
                "日期不能早于立案日期",
                "the day cannot be before the case was filed",
            ));
        }
        let persons = match input.persons.trim() {
            "" => 0,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=10_000).contains(&n) => n,
                _ => {
                    e.0.push(field(
                        "persons",
                        "人数须为 0–10000 的整数",
                        "persons must be a whole number 0–10000",
                    ));
                    0
                }
            },
        };
        if kind.is_some_and(|k| k.counts_persons()) && persons == 0 {
            e.0.push(field(
                "persons",
                "强制措施和起送审查起诉须填写人数",
                "coercive measures and referrals need the number of persons",
            ));
        }
        e.done()?;
        let (Some(kind), Some(day)) = (kind, day) else {
            return Err(WorkflowError::NotFound);
        };
        let Some(new_status) = kind.status_after(case.status) else {
            return Err(WorkflowError::forbidden(
                &format!("案件当前为“{}”，不能进行“{}”", case.status.zh(), kind.zh()),
                &format!(
                    "the case is {}; {} is not possible now",
                    case.status.en(),
                    kind.en()
                ),
            ));
        };
        let step = NewStep {
            kind,
            day,
            unit_id: ctx.user.unit_id,
            persons: if kind.counts_persons() { persons } else { 0 },
            document: input.document.trim().chars().take(200).collect(),
            note: input.note.trim().chars().take(2000).collect(),
            new_status,
        };
        Ok(self
            .store
            .add_case_step(&ctx.actor(), self.clock.now(), case_id, &step)
            .await?)
    }

    /// Records a seizure against a case.
    pub async fn add_seizure(
        &self,
        ctx: &Ctx,
        case_id: i64,
        input: &SeizureInput,
    ) -> WorkflowResult<Seizure> {
        let case = self.workable_case(ctx, case_id).await?;
        if case.status == CaseStatus::Closed {
            return Err(WorkflowError::forbidden("案件已结案", "the case is closed"));
        }
        let mut e = Errors(Vec::new());
        let category = SeizureCategory::parse(input.category.trim());
        if category.is_none() {
            e.0.push(field(
                "category",
                "请选择查获物品类别",
                "choose what was seized",
            ));
        }
        let unit = match (category, input.unit.trim()) {
            (Some(c), _) if !c.is_goods() => Some(QuantityUnit::Count),
            (Some(_), "tonnes") => Some(QuantityUnit::Tonnes),
            (Some(_), "pieces") => Some(QuantityUnit::Pieces),
            (Some(_), _) => {
                e.0.push(field(
                    "unit",
                    "物品请选择计量单位（吨或件）",
                    "goods are measured in tonnes or pieces",
                ));
                None
            }
            (None, _) => None,
        };
        let quantity = unit.and_then(|u| {
            let ind = Indicator {
                key: "quantity".into(),
                zh: "数量".into(),
                en: "Quantity".into(),
                unit: String::new(),
                kind: if u == QuantityUnit::Tonnes {
                    ValueKind::Decimal { decimals: 3 }
                } else {
                    ValueKind::Count
                },
                cumulative_of: None,
            };
            e.take(jinghai_domain::report::parse_value(
                &ind,
                &jinghai_domain::entity::half_width(&input.quantity),
            ))
        });
        if quantity == Some(0) {
            e.0.push(field(
                "quantity",
                "数量须大于 0",
                "the quantity must be above 0",
            ));
        }
        let day = e.take(day_field("day", &input.day, self.today()));
        e.done()?;
        let (Some(category), Some(unit), Some(quantity), Some(day)) =
            (category, unit, quantity, day)
        else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewSeizure {
            category,
            quantity,
            unit,
            description: input.description.trim().chars().take(500).collect(),
            seized_on: day,
        };
        Ok(self
            .store
            .add_seizure(&ctx.actor(), self.clock.now(), case_id, &new)
            .await?)
    }

    /// A disposal step of a seized item, in order (申请 → 批准 → 移交 → 销毁…).
    pub async fn add_disposal(
        &self,
        ctx: &Ctx,
        case_id: i64,
        input: &DisposalInput,
    ) -> WorkflowResult<Disposal> {
        self.workable_case(ctx, case_id).await?;
        let Some(seizure_id) = input.seizure_id else {
            return Err(WorkflowError::invalid(field(
                "seizure_id",
                "请选择查获物品",
                "choose the seized item",
            )));
        };
        let seizure = match self.store.get_seizure_unscoped(seizure_id).await {
            Ok(s) if s.case_id == case_id => s,
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(WorkflowError::invalid(field(
                    "seizure_id",
                    "该物品不属于本案",
                    "the item is not part of this case",
                )))
            }
            Err(e) => return Err(e.into()),
        };
        if !seizure.category.is_goods() {
            return Err(WorkflowError::invalid(field(
                "seizure_id",
                "只有涉案物品需要处置",
                "only goods are disposed of",
            )));
        }
        let mut e = Errors(Vec::new());
        let step = DisposalStep::parse(input.step.trim());
        if step.is_none() {
            e.0.push(field("step", "请选择处置环节", "choose a disposal step"));
        }
        let day = e.take(day_field("day", &input.day, self.today()));
        e.done()?;
        let (Some(step), Some(day)) = (step, day) else {
            return Err(WorkflowError::NotFound);
        };
        if seizure.disposal.is_some_and(|d| d.ends()) || !step.allowed_after(seizure.disposal) {
            return Err(WorkflowError::forbidden(
                &format!(
                    "处置须依次进行：当前为“{}”，不能“{}”",
                    seizure.disposal.map(|d| d.zh()).unwrap_or("未处置"),
                    step.zh()
                ),
                &format!(
                    "disposal goes in order: now {}, {} is not next",
                    seizure.disposal.map(|d| d.en()).unwrap_or("none"),
                    step.en()
                ),
            ));
        }
        let new = NewDisposal {
            step,
            day,
            unit_id: ctx.user.unit_id,
            document: input.document.trim().chars().take(200).collect(),
            note: input.note.trim().chars().take(2000).collect(),
        };
        Ok(self
            .store
            .add_disposal(&ctx.actor(), self.clock.now(), seizure_id, &new)
            .await?)
    }

    // --- hand-overs ---

    /// Hands a clue or case to another unit with a receipt deadline.
    pub async fn hand_over(
        &self,
        ctx: &Ctx,
        kind: RecordKind,
        id: i64,
        to_unit_id: Option<i64>,
        reason: &str,
        hours: &str,
    ) -> WorkflowResult<Handover> {
        let (region_code, holder) = match kind {
            RecordKind::Clue => {
                let c = self.store.get_clue(&ctx.scope, id).await?;
                (c.region_code, c.holder_unit_id)
            }
            RecordKind::Case => {
                let c = self.store.get_case(&ctx.scope, id).await?;
                (c.region_code, c.holder_unit_id)
            }
            RecordKind::Tip => return Err(WorkflowError::NotFound),
        };
        if !Self::works(ctx, &region_code, holder) {
            return Err(Self::not_yours());
        }
        let mut e = Errors(Vec::new());
        let reason = e.take(required_text("reason", reason, 1000));
        let hours = match hours.trim() {
            "" => Some(DEFAULT_RECEIPT_HOURS),
            s => match s.parse::<i64>() {
                Ok(h) if (1..=168).contains(&h) => Some(h),
                _ => {
                    e.0.push(field(
                        "hours",
                        "签收时限须为 1–168 小时",
                        "the receipt deadline must be 1–168 hours",
                    ));
                    None
                }
            },
        };
        let to = match to_unit_id {
            None => {
                e.0.push(field(
                    "to_unit_id",
                    "请选择接收单位",
                    "choose the receiving unit",
                ));
                None
            }
            Some(u) => match self.store.get_unit_unscoped(u).await {
                Ok(unit) if Some(unit.id) == holder => {
                    e.0.push(field(
                        "to_unit_id",
                        "不能移交给持有单位本身",
                        "the record is already held by that unit",
                    ));
                    None
                }
                // The receiver must work in the record's district or above it.
                Ok(unit) if Self::unit_reaches(&unit.region_code, &region_code) => Some(unit),
                Ok(_) | Err(StoreError::NotFound) => {
                    e.0.push(field(
                        "to_unit_id",
                        "接收单位不存在或不在本辖区",
                        "the unit does not exist or is outside this district",
                    ));
                    None
                }
                Err(err) => return Err(err.into()),
            },
        };
        e.done()?;
        let (Some(reason), Some(hours), Some(to)) = (reason, hours, to) else {
            return Err(WorkflowError::NotFound);
        };
        if self
            .store
            .handovers_of(kind, id)
            .await?
            .iter()
            .any(|h| h.status == HandoverStatus::Pending)
        {
            return Err(WorkflowError::forbidden(
                "已有待签收的移交",
                "a hand-over is already awaiting receipt",
            ));
        }
        let now = self.clock.now();
        let new = NewHandover {
            record_kind: kind,
            record_id: id,
            region_code,
            from_unit_id: holder.or(ctx.user.unit_id),
            to_unit_id: to.id,
            reason,
            deadline_at: now + hours * HOUR,
        };
        Ok(self.store.create_handover(&ctx.actor(), now, &new).await?)
    }

    /// Whether a unit in `unit_code` may receive a record of `record_code`:
    /// the unit's region is the record's district, inside it, or above it.
    fn unit_reaches(unit_code: &str, record_code: &str) -> bool {
        let prefix = |c: &str| -> String {
            RegionCode::parse(c)
                .map(|r| r.scope_prefix(r.implied_level()).to_string())
                .unwrap_or_else(|_| c.to_string())
        };
        let unit = prefix(unit_code);
        let district = &record_code[..6.min(record_code.len())];
        record_code.starts_with(&unit) || unit.starts_with(district)
    }

    /// The receiving unit accepts (it becomes the holder) or returns the
    /// hand-over with a reason.
    pub async fn answer_handover(
        &self,
        ctx: &Ctx,
        id: i64,
        accept: bool,
        response: &str,
    ) -> WorkflowResult<Handover> {
        let h = self.store.get_handover_unscoped(id).await?;
        let visible = Some(h.to_unit_id) == ctx.user.unit_id
            || (h.from_unit_id.is_some() && h.from_unit_id == ctx.user.unit_id)
            || ctx.scope.covers_region(&h.region_code);
        if !visible {
            return Err(WorkflowError::NotFound);
        }
        if !(ctx.user.role.can_write() && Some(h.to_unit_id) == ctx.user.unit_id) {
            return Err(WorkflowError::forbidden(
                "由接收单位签收或退回",
                "the receiving unit accepts or returns a hand-over",
            ));
        }
        if h.status != HandoverStatus::Pending {
            return Err(WorkflowError::forbidden(
                "该移交已处理",
                "this hand-over was already answered",
            ));
        }
        let response = response.trim();
        if !accept && response.is_empty() {
            return Err(WorkflowError::invalid(field(
                "response",
                "退回须说明理由",
                "a return needs a reason",
            )));
        }
        Ok(self
            .store
            .respond_handover(
                &ctx.actor(),
                self.clock.now(),
                id,
                accept,
                &response.chars().take(1000).collect::<String>(),
            )
            .await?)
    }

    /// Hand-overs to or from the user's unit (and the region's, for the office).
    pub async fn handovers(&self, ctx: &Ctx) -> WorkflowResult<Vec<Handover>> {
        Ok(self.store.list_handovers(&ctx.scope, 500).await?)
    }

    /// Escalates every overdue hand-over once (the server runs this every
    /// minute); returns what was escalated.
    pub async fn escalate_overdue(&self) -> WorkflowResult<Vec<Handover>> {
        let actor =
            jinghai_domain::audit::Actor::system("移交逾期督办 overdue hand-over escalation");
        let done = self
            .store
            .escalate_overdue_handovers(&actor, self.clock.now())
            .await?;
        for h in &done {
            tracing::warn!(
                handover = h.id,
                to_unit = h.to_unit_id,
                "hand-over overdue: escalated to the task-force office"
            );
        }
        Ok(done)
    }

    // --- files ---

    /// Attaches an evidence file to a clue or case the user works.
    pub async fn attach(
        &self,
        ctx: &Ctx,
        kind: RecordKind,
        id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> WorkflowResult<CaseFile> {
        let (region_code, holder) = match kind {
            RecordKind::Clue => {
                let c = self.store.get_clue(&ctx.scope, id).await?;
                (c.region_code, c.holder_unit_id)
            }
            RecordKind::Case => {
                let c = self.store.get_case(&ctx.scope, id).await?;
                (c.region_code, c.holder_unit_id)
            }
            RecordKind::Tip => return Err(WorkflowError::NotFound),
        };
        if !Self::works(ctx, &region_code, holder) {
            return Err(Self::not_yours());
        }
        let name = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim();
        let name = required_text("file", name, 120).map_err(WorkflowError::invalid)?;
        let ctype =
            jinghai_domain::risk::check_evidence(&name, bytes).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .add_case_file(
                &ctx.actor(),
                self.clock.now(),
                kind,
                id,
                &region_code,
                &name,
                ctype,
                bytes,
            )
            .await?)
    }

    /// A file's bytes, if the user sees its record (tips: the tip's readers).
    pub async fn file(&self, ctx: &Ctx, id: i64) -> WorkflowResult<(CaseFile, Vec<u8>)> {
        let (f, bytes) = self.store.get_case_file_unscoped(id).await?;
        let visible = match f.record_kind {
            RecordKind::Clue => self.store.get_clue(&ctx.scope, f.record_id).await.is_ok(),
            RecordKind::Case => self.store.get_case(&ctx.scope, f.record_id).await.is_ok(),
            RecordKind::Tip => {
                crate::tips::reads_tips(&self.store, ctx).await?
                    && self.store.get_tip(&ctx.scope, f.record_id).await.is_ok()
            }
        };
        if !visible {
            return Err(WorkflowError::NotFound);
        }
        Ok((f, bytes))
    }

    // --- the daily report ---

    /// The strike and anti-smuggling figures of a region prefix and day.
    pub async fn daily_figures(
        &self,
        region_prefix: &str,
        day: Day,
    ) -> WorkflowResult<DailyFigures> {
        let start = cst_hour(day, 0);
        Ok(self
            .store
            .daily_figures(region_prefix, day, start, start + DAY)
            .await?)
    }

    /// An internal scope over a whole region, for system checks.
    pub fn region_scope(prefix: &str) -> Scope {
        Scope {
            user_id: 0,
            role: Role::TaskForceOffice,
            region_prefix: prefix.into(),
            unit_id: None,
        }
    }
}

/// The daily report's 集中打击 and 反走私 figures from clues and cases, as
/// suggestions the reporter confirms ([`crate::reports::Prefill`]).
pub struct CasesPrefill {
    cases: Cases,
}

impl CasesPrefill {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> CasesPrefill {
        CasesPrefill {
            cases: Cases::new(store, clock),
        }
    }
}

#[async_trait::async_trait]
impl crate::reports::Prefill for CasesPrefill {
    async fn suggest(
        &self,
        prefix: &str,
        day: jinghai_domain::report::Day,
    ) -> WorkflowResult<Vec<crate::reports::Suggestion>> {
        Ok(self
            .cases
            .daily_figures(prefix, day)
            .await?
            .indicators()
            .into_iter()
            .map(|(key, value)| {
                use crate::records::Behind;
                let behind = match key {
                    "cs_clues" => Behind::Clues,
                    "cs_clues_linked" => Behind::LinkedClues,
                    "cs_cases_filed" => Behind::CasesFiled,
                    "cs_coercive" => Behind::Coercive,
                    "cs_prosecution" => Behind::Prosecution,
                    _ => Behind::Seizures,
                };
                crate::reports::Suggestion {
                    indicator: key.to_string(),
                    value,
                    source_zh: "线索案件记录".into(),
                    source_en: "clue and case records".into(),
                    link: Some(behind.link(prefix, day)),
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times() {
        let base = cst_hour(parse_day("2021-02-10").unwrap(), 0);
        let table = [
            ("2021-02-10", Some(base)),
            ("2021-02-10T09:30", Some(base + 9 * HOUR + 30 * MINUTE)),
            ("2021-02-10 23:59", Some(base + 23 * HOUR + 59 * MINUTE)),
            ("2021-02-10T24:00", None),
            ("2021-02-30", None),
            ("yesterday", None),
        ];
        for (s, want) in table {
            assert_eq!(parse_local_time(s), want, "{s}");
        }
    }

    #[test]
    fn receiving_units() {
        assert!(Cases::unit_reaches("330206000000", "330206008000"));
        assert!(
            Cases::unit_reaches("330206008000", "330206009000"),
            "a town of the same district"
        );
        assert!(
            Cases::unit_reaches("330200000000", "330206008000"),
            "the city above"
        );
        assert!(
            !Cases::unit_reaches("330211000000", "330206008000"),
            "another district"
        );
    }
}
