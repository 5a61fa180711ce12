//! Patrols (巡航, seed 001 §三(一)): plans (zone, time window, unit,
//! vessels, personnel) and records of patrols carried out, each with its
//! track from an uploaded GPX/CSV file or from AIS history; the area
//! patrolled and the planned zone's blind spots ("巡航无盲区、无死角"); and
//! the daily report's 海上巡航 section prefilled from a day's records.

use std::sync::Arc;

use jinghai_domain::patrol::{
    coverage, parse_track_csv, parse_track_gpx, parse_zone, track_length_km, Coverage, PatrolPlan,
    PatrolRecord, TrackPoint, TrackSource,
};
use jinghai_domain::report::{cst_hour, day_of, format_day, Day, ReportEntry};
use jinghai_domain::time::{parse_rfc3339, Millis, DAY};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Role};
use jinghai_store::{NewPatrolPlan, NewPatrolRecord, Store, StoreError};

use crate::reports::{Reports, SectionInput};
use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// Where AIS tracks of law-enforcement vessels come from. The live engine
/// keeps tracks in memory only; the maritime picture (issue #5) stores
/// position history and implements this over it.
#[async_trait::async_trait]
pub trait AisHistory: Send + Sync {
    /// Positions of `mmsi` in `[from, to]`, oldest first, as far as a user
    /// with `scope` may see that vessel.
    async fn track(
        &self,
        scope: &jinghai_domain::Scope,
        mmsi: i64,
        from: Millis,
        to: Millis,
    ) -> Result<Vec<TrackPoint>, String>;
}

/// No AIS history available (yet): tracks come from files.
pub struct NoAisHistory;

#[async_trait::async_trait]
impl AisHistory for NoAisHistory {
    async fn track(
        &self,
        _: &jinghai_domain::Scope,
        _: i64,
        _: Millis,
        _: Millis,
    ) -> Result<Vec<TrackPoint>, String> {
        Err("no AIS position history is stored on this server".into())
    }
}

/// A plan as typed.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub region_id: Option<i64>,
    pub name: String,
    /// GeoJSON polygon, or `lon,lat` per line.
    pub zone: String,
    /// `YYYY-MM-DDTHH:MM` China Standard Time (as a datetime-local input sends it).
    pub starts_at: String,
    pub ends_at: String,
    pub unit_id: Option<i64>,
    pub vessels: String,
    pub personnel: String,
    pub personnel_names: String,
    /// Metres; empty means 2000.
    pub sweep_m: String,
}

/// A record's figures as typed (the track comes separately).
#[derive(Debug, Clone, Default)]
pub struct RecordInput {
    pub vessel: String,
    pub mmsi: String,
    pub personnel: String,
    pub vessels: String,
    pub ships_checked: String,
    pub persons_checked: String,
    pub ships_seized: String,
    pub notes: String,
}

/// A plan, its records and its coverage.
#[derive(Debug, Clone)]
pub struct PlanDetail {
    pub plan: PatrolPlan,
    pub records: Vec<PatrolRecord>,
    pub coverage: Coverage,
    pub can_record: bool,
}

pub struct Patrols {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    ais: Arc<dyn AisHistory>,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

/// Parses a local (UTC+8) `YYYY-MM-DDTHH:MM[:SS]`, or a full RFC 3339 time.
pub fn parse_local_time(s: &str) -> Option<Millis> {
    let s = s.trim();
    if let Ok(t) = parse_rfc3339(s) {
        return Some(t);
    }
    let full = if s.len() == 16 {
        format!("{s}:00+08:00")
    } else {
        format!("{s}+08:00")
    };
    parse_rfc3339(&full).ok()
}

/// `YYYY-MM-DDTHH:MM` in China Standard Time, for datetime-local inputs.
pub fn format_local_input(ms: Millis) -> String {
    jinghai_domain::time::format_local_minutes(ms).replace(' ', "T")
}

fn count(f: &str, s: &str, errs: &mut Vec<FieldError>) -> i32 {
    match s.trim() {
        "" => 0,
        t => match t.parse::<i32>() {
            Ok(v) if (0..=100_000).contains(&v) => v,
            _ => {
                errs.push(field(
                    f,
                    format!("{f} 须为 0 到 100000 的整数"),
                    format!("{f} must be a whole number from 0 to 100000"),
                ));
                0
            }
        },
    }
}

impl Patrols {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, ais: Arc<dyn AisHistory>) -> Patrols {
        Patrols { store, clock, ais }
    }

    fn can_plan(ctx: &Ctx) -> bool {
        ctx.user.role.can_write()
            && matches!(
                ctx.user.role,
                Role::TaskForceOffice | Role::Admin | Role::GroupMember
            )
    }

    fn can_record(ctx: &Ctx, plan: &PatrolPlan) -> bool {
        ctx.user.role.can_write()
            && (matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
                && ctx.scope.covers_region(&plan.region_code)
                || ctx.user.unit_id == Some(plan.unit_id))
    }

    pub async fn list(&self, ctx: &Ctx) -> WorkflowResult<Vec<PatrolPlan>> {
        Ok(self.store.list_patrol_plans(&ctx.scope).await?)
    }

    pub async fn create_plan(&self, ctx: &Ctx, input: &PlanInput) -> WorkflowResult<PatrolPlan> {
        if !Self::can_plan(ctx) {
            return Err(WorkflowError::forbidden(
                "巡航计划由专班办公室或工作组制定",
                "the office or a working group makes patrol plans",
            ));
        }
        let mut errs = Vec::new();
        let name = required_text("name", &input.name, 100)
            .map_err(|e| errs.push(e))
            .ok();
        let zone = match parse_zone(&input.zone) {
            Ok(z) => Some(z),
            Err(e) => {
                errs.extend(e.iter().map(|l| {
                    field(
                        "zone",
                        format!("巡航区域第 {} 行：{}", l.line, l.zh),
                        format!("zone line {}: {}", l.line, l.en),
                    )
                }));
                None
            }
        };
        let starts = parse_local_time(&input.starts_at);
        let ends = parse_local_time(&input.ends_at);
        if starts.is_none() {
            errs.push(field(
                "starts_at",
                "请填写开始时间（YYYY-MM-DD HH:MM）",
                "give the start time (YYYY-MM-DD HH:MM)",
            ));
        }
        if ends.is_none() {
            errs.push(field(
                "ends_at",
                "请填写结束时间（YYYY-MM-DD HH:MM）",
                "give the end time (YYYY-MM-DD HH:MM)",
            ));
        }
        if let (Some(s), Some(e)) = (starts, ends) {
            if e <= s || e - s > 31 * DAY {
                errs.push(field(
                    "ends_at",
                    "结束时间须晚于开始时间，且计划不超过 31 天",
                    "the end must be after the start, within 31 days",
                ));
            }
        }
        let personnel = count("personnel", &input.personnel, &mut errs);
        let sweep = match input.sweep_m.trim() {
            "" => 2000.0,
            s => match s.parse::<f64>() {
                Ok(v) if (50.0..=50_000.0).contains(&v) => v,
                _ => {
                    errs.push(field(
                        "sweep_m",
                        "扫海宽度须为 50 到 50000 米",
                        "the sweep width must be 50 to 50000 m",
                    ));
                    2000.0
                }
            },
        };
        let region = match input.region_id {
            None => {
                errs.push(field("region_id", "请选择所属区划", "choose the region"));
                None
            }
            Some(id) => match self.store.get_region(&ctx.scope, id).await {
                Ok(r) => Some(r),
                Err(StoreError::NotFound) => {
                    errs.push(field(
                        "region_id",
                        "区划不存在或不在您的管辖范围内",
                        "the region does not exist or is outside your region",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        let unit = match input.unit_id.or(ctx.user.unit_id) {
            None => {
                errs.push(field("unit_id", "请选择执行单位", "choose the unit"));
                None
            }
            Some(u) => match self.store.get_unit(&ctx.scope, u).await {
                Ok(u) => Some(u.id),
                Err(StoreError::NotFound) => {
                    errs.push(field(
                        "unit_id",
                        "单位不存在或不在您的管辖范围内",
                        "the unit does not exist or is outside your region",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
        };
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(name), Some(zone), Some(starts_at), Some(ends_at), Some(region), Some(unit_id)) =
            (name, zone, starts, ends, region, unit)
        else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewPatrolPlan {
            region_id: region.id,
            name,
            zone,
            starts_at,
            ends_at,
            unit_id,
            vessels: input.vessels.trim().chars().take(500).collect(),
            personnel,
            personnel_names: input.personnel_names.trim().chars().take(500).collect(),
            sweep_m: sweep,
        };
        Ok(self
            .store
            .create_patrol_plan(&ctx.actor(), self.clock.now(), &new)
            .await?)
    }

    /// The tracks of a plan's records within its time window (points without
    /// times are kept: the file said nothing of when).
    fn tracks_in_window(plan: &PatrolPlan, records: &[PatrolRecord]) -> Vec<Vec<TrackPoint>> {
        records
            .iter()
            .map(|r| {
                r.track
                    .iter()
                    .copied()
                    .filter(|p| p.t == 0 || (plan.starts_at..=plan.ends_at).contains(&p.t))
                    .collect::<Vec<_>>()
            })
            .filter(|t| !t.is_empty())
            .collect()
    }

    pub async fn detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<PlanDetail> {
        let plan = self.store.get_patrol_plan(&ctx.scope, id).await?;
        let records = self.store.list_patrol_records(id).await?;
        let cov = coverage(
            &plan.zone,
            &Self::tracks_in_window(&plan, &records),
            plan.sweep_m,
        );
        Ok(PlanDetail {
            can_record: Self::can_record(ctx, &plan),
            coverage: cov,
            records,
            plan,
        })
    }

    /// The plans of the caller's regions whose window overlaps the last
    /// `days` days (1–31), newest first (at most 100), each with its records
    /// and coverage: the live map's patrol layer.
    pub async fn on_map(&self, ctx: &Ctx, days: &str) -> WorkflowResult<Vec<PlanDetail>> {
        let days = match days.trim() {
            "" => 7,
            s => match s.parse::<i64>() {
                Ok(d) if (1..=31).contains(&d) => d,
                _ => {
                    return Err(WorkflowError::invalid(field(
                        "days",
                        format!("天数须为 1 到 31 的整数，收到“{s}”"),
                        format!("days must be a whole number from 1 to 31, not “{s}”"),
                    )))
                }
            },
        };
        let to = self.clock.now();
        let from = to - days * DAY;
        let mut plans: Vec<PatrolPlan> = self
            .store
            .list_patrol_plans(&ctx.scope)
            .await?
            .into_iter()
            .filter(|p| p.starts_at <= to && p.ends_at >= from)
            .collect();
        plans.sort_by_key(|p| std::cmp::Reverse((p.starts_at, p.id)));
        plans.truncate(100);
        let mut out = Vec::with_capacity(plans.len());
        for plan in plans {
            let records = self.store.list_patrol_records(plan.id).await?;
            out.push(PlanDetail {
                coverage: coverage(
                    &plan.zone,
                    &Self::tracks_in_window(&plan, &records),
                    plan.sweep_m,
                ),
                can_record: Self::can_record(ctx, &plan),
                records,
                plan,
            });
        }
        Ok(out)
    }

    async fn record_with_track(
        &self,
        ctx: &Ctx,
        plan: &PatrolPlan,
        input: &RecordInput,
        source: TrackSource,
        track: Vec<TrackPoint>,
        mut errs: Vec<FieldError>,
    ) -> WorkflowResult<PatrolRecord> {
        let vessel = required_text("vessel", &input.vessel, 100)
            .map_err(|e| errs.push(e))
            .ok();
        let mmsi = match input.mmsi.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(v) if (100_000_000..=999_999_999).contains(&v) => Some(v),
                _ => {
                    errs.push(field(
                        "mmsi",
                        "MMSI 须为 9 位数字",
                        "the MMSI must be 9 digits",
                    ));
                    None
                }
            },
        };
        let personnel = count("personnel", &input.personnel, &mut errs);
        let vessels = match input.vessels.trim() {
            "" => 1,
            _ => count("vessels", &input.vessels, &mut errs),
        };
        let ships_checked = count("ships_checked", &input.ships_checked, &mut errs);
        let persons_checked = count("persons_checked", &input.persons_checked, &mut errs);
        let ships_seized = count("ships_seized", &input.ships_seized, &mut errs);
        if ships_seized > ships_checked {
            errs.push(field(
                "ships_seized",
                "查获违法船只不能多于查验船舶",
                "ships seized cannot exceed ships inspected",
            ));
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let Some(vessel) = vessel else {
            return Err(WorkflowError::NotFound);
        };
        let times: Vec<Millis> = track.iter().map(|p| p.t).filter(|t| *t > 0).collect();
        let (started_at, ended_at) = match (times.iter().min(), times.iter().max()) {
            (Some(a), Some(b)) => (*a, *b),
            _ => (plan.starts_at, plan.ends_at),
        };
        let own = coverage(&plan.zone, std::slice::from_ref(&track), plan.sweep_m);
        let new = NewPatrolRecord {
            plan_id: plan.id,
            unit_id: plan.unit_id,
            vessel,
            mmsi,
            source,
            started_at,
            ended_at,
            personnel,
            vessels,
            ships_checked,
            persons_checked,
            ships_seized,
            length_km: track_length_km(&track),
            area_km2: own.patrolled_km2,
            track,
            notes: input.notes.trim().chars().take(2000).collect(),
        };
        Ok(self
            .store
            .add_patrol_record(&ctx.actor(), self.clock.now(), &new)
            .await?)
    }

    async fn recordable(&self, ctx: &Ctx, plan_id: i64) -> WorkflowResult<PatrolPlan> {
        let plan = self.store.get_patrol_plan(&ctx.scope, plan_id).await?;
        if !Self::can_record(ctx, &plan) {
            return Err(WorkflowError::forbidden(
                "巡航记录由执行单位或专班办公室登记",
                "the patrolling unit or the office records patrols",
            ));
        }
        Ok(plan)
    }

    /// A patrol whose track is an uploaded GPX or CSV file; every bad line
    /// of the file is reported and nothing is stored until all are good.
    pub async fn record_from_file(
        &self,
        ctx: &Ctx,
        plan_id: i64,
        input: &RecordInput,
        file: Option<(&str, &[u8])>,
    ) -> WorkflowResult<PatrolRecord> {
        let plan = self.recordable(ctx, plan_id).await?;
        let Some((name, bytes)) = file else {
            return Err(WorkflowError::invalid(field(
                "file",
                "请选择轨迹文件（GPX 或 CSV）",
                "choose a track file (GPX or CSV)",
            )));
        };
        if bytes.len() > 20 * 1024 * 1024 {
            return Err(WorkflowError::invalid(field(
                "file",
                "轨迹文件不能超过 20 MB",
                "the track file must be at most 20 MB",
            )));
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Err(WorkflowError::invalid(field(
                "file",
                "轨迹文件须为 UTF-8 文本（GPX 或 CSV）",
                "the track file must be UTF-8 text (GPX or CSV)",
            )));
        };
        let lower = name.to_ascii_lowercase();
        let (source, parsed) = if lower.ends_with(".gpx")
            || text.trim_start().starts_with("<?xml")
            || text.contains("<gpx")
        {
            (TrackSource::Gpx, parse_track_gpx(text))
        } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
            (TrackSource::Csv, parse_track_csv(text))
        } else {
            return Err(WorkflowError::invalid(field(
                "file",
                format!("不支持的轨迹文件：{name}（仅限 .gpx、.csv）"),
                format!("unsupported track file: {name} (.gpx or .csv only)"),
            )));
        };
        match parsed {
            Ok(track) => {
                self.record_with_track(ctx, &plan, input, source, track, Vec::new())
                    .await
            }
            Err(lines) => Err(WorkflowError::Invalid(
                lines.iter().take(50).map(|l| l.to_field()).collect(),
            )),
        }
    }

    /// A patrol whose track is the AIS history of a law-enforcement vessel
    /// over the plan's window.
    pub async fn record_from_ais(
        &self,
        ctx: &Ctx,
        plan_id: i64,
        input: &RecordInput,
    ) -> WorkflowResult<PatrolRecord> {
        let plan = self.recordable(ctx, plan_id).await?;
        let Ok(mmsi) = input.mmsi.trim().parse::<i64>() else {
            return Err(WorkflowError::invalid(field(
                "mmsi",
                "请填写执法船舶的 MMSI",
                "give the patrol vessel's MMSI",
            )));
        };
        match self
            .ais
            .track(&ctx.scope, mmsi, plan.starts_at, plan.ends_at)
            .await
        {
            Ok(track) if track.len() >= 2 => {
                self.record_with_track(ctx, &plan, input, TrackSource::Ais, track, Vec::new())
                    .await
            }
            Ok(_) => Err(WorkflowError::invalid(field(
                "mmsi",
                format!("MMSI {mmsi} 在计划时段内没有 AIS 轨迹"),
                format!("no AIS track of MMSI {mmsi} in the plan's window"),
            ))),
            Err(e) => Err(WorkflowError::invalid(field(
                "mmsi",
                format!("无法取得 AIS 轨迹：{e}；请上传 GPX 或 CSV 轨迹文件"),
                format!("cannot get the AIS track: {e}; upload a GPX or CSV track instead"),
            ))),
        }
    }

    /// The 海上巡航 figures of a district's day from its patrol records:
    /// (indicator key, typed value) as the daily-report form takes them.
    pub async fn day_figures(
        &self,
        ctx: &Ctx,
        district_id: i64,
        day: Day,
    ) -> WorkflowResult<(Vec<(String, String)>, usize)> {
        let district = self.store.get_region(&ctx.scope, district_id).await?;
        let (figures, n) = self
            .figures(&ctx.scope, district.scope_prefix(), day)
            .await?;
        Ok((
            figures
                .into_iter()
                .map(|(k, v)| {
                    let text = if k == "mp_area" {
                        format!("{}.{:02}", v / 1000, (v % 1000) / 10)
                    } else {
                        (v / 1000).to_string()
                    };
                    (k.to_string(), text)
                })
                .collect(),
            n,
        ))
    }

    /// The 海上巡航 figures (thousandths) of the records under `prefix` that
    /// started on `day`, and how many records there were.
    async fn figures(
        &self,
        scope: &jinghai_domain::Scope,
        prefix: &str,
        day: Day,
    ) -> WorkflowResult<(Vec<(&'static str, i64)>, usize)> {
        let from = cst_hour(day, 0);
        let records = self
            .store
            .list_patrol_records_between(scope, prefix, from, from + DAY)
            .await?;
        let sum = |f: &dyn Fn(&PatrolRecord) -> i32| {
            records.iter().map(|r| i64::from(f(r))).sum::<i64>() * 1000
        };
        // The area is the union of the day's swaths, per plan (plans may
        // differ in sweep width), so two passes over one stretch count once.
        let mut area = 0.0;
        let mut plan_ids: Vec<i64> = records.iter().map(|r| r.plan_id).collect();
        plan_ids.sort_unstable();
        plan_ids.dedup();
        for id in plan_ids {
            let plan = self.store.get_patrol_plan(scope, id).await?;
            let tracks: Vec<Vec<TrackPoint>> = records
                .iter()
                .filter(|r| r.plan_id == id)
                .map(|r| r.track.clone())
                .collect();
            area += coverage(&plan.zone, &tracks, plan.sweep_m).patrolled_km2;
        }
        // Two decimals, as the form keeps the area.
        let area = (area * 100.0).round() as i64 * 10;
        Ok((
            vec![
                ("mp_personnel", sum(&|r| r.personnel)),
                ("mp_vessels", sum(&|r| r.vessels)),
                ("mp_area", area),
                ("mp_ships_checked", sum(&|r| r.ships_checked)),
                ("mp_persons_checked", sum(&|r| r.persons_checked)),
                ("mp_ships_seized", sum(&|r| r.ships_seized)),
            ],
            records.len(),
        ))
    }

    /// Saves the district's 海上巡航 section of `day` as a draft from the
    /// patrol records (the lead unit then checks and submits it; a corrected
    /// value gets its reason in the notes).
    pub async fn prefill_daily(
        &self,
        ctx: &Ctx,
        district_id: i64,
        day: Day,
    ) -> WorkflowResult<ReportEntry> {
        if day > day_of(self.clock.now()) {
            return Err(WorkflowError::invalid(field(
                "day",
                "不能预填未来的日期",
                "cannot prefill a future day",
            )));
        }
        let (values, n) = self.day_figures(ctx, district_id, day).await?;
        if n == 0 {
            return Err(WorkflowError::invalid(field(
                "day",
                format!("{} 没有巡航记录，无可预填", format_day(day)),
                format!(
                    "no patrol records on {}: nothing to prefill",
                    format_day(day)
                ),
            )));
        }
        let reports = Reports::new(self.store.clone(), self.clock.clone());
        reports
            .save(
                ctx,
                &SectionInput {
                    district_id,
                    day,
                    section: "maritime_patrol".into(),
                    values,
                    notes: format!("由 {n} 条巡航记录预填"),
                    reasons: Vec::new(),
                    submit: false,
                },
            )
            .await
    }
}

/// The daily report's 海上巡航 figures from patrol records, as suggestions
/// linked to the day's plans ([`crate::reports::Prefill`]); nothing is
/// suggested on a day without patrol records.
pub struct PatrolsPrefill {
    patrols: Patrols,
}

impl PatrolsPrefill {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> PatrolsPrefill {
        PatrolsPrefill {
            patrols: Patrols::new(store, clock, Arc::new(NoAisHistory)),
        }
    }
}

#[async_trait::async_trait]
impl crate::reports::Prefill for PatrolsPrefill {
    async fn suggest(
        &self,
        prefix: &str,
        day: Day,
    ) -> WorkflowResult<Vec<crate::reports::Suggestion>> {
        let scope = crate::cases::Cases::region_scope(prefix);
        let (figures, n) = self.patrols.figures(&scope, prefix, day).await?;
        if n == 0 {
            return Ok(Vec::new());
        }
        Ok(figures
            .into_iter()
            .map(|(key, value)| crate::reports::Suggestion {
                indicator: key.into(),
                value,
                source_zh: format!("巡航管理：当日 {n} 条巡航记录"),
                source_en: format!("patrols: {n} patrol records that day"),
                link: Some(crate::records::Behind::Patrols.link(prefix, day)),
            })
            .collect())
    }
}
