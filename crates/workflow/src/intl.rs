//! Inbound international ships (seed 001 §三(二)4, seed 003 §三(二)): the
//! border inspection's daily list, entered one by one or imported from CSV
//! or XLSX (every bad line named, nothing stored until the whole file is
//! valid); each call matched to the vessel registry and to what AIS saw;
//! the testing categories determined from the record; crew test results;
//! the per-ship plan and the "三不" confirmation; violations; and "work
//! allowed", which [`Intl::allow_work`] refuses while any rule of
//! [`jinghai_domain::intl::work_blocks`] stands.
//!
//! Vessel matching goes through [`VesselDirectory`]. Its implementation,
//! [`RegistryDirectory`], reads the vessel registry table (船舶档案, the
//! record officers keep) first and then the rows the maritime feeds' files
//! load (MMSI, name, flag; an IMO when the registry number is one), and
//! takes AIS sightings from the stored engine alerts of that MMSI.

use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use jinghai_domain::alert::AlertFilter;
use jinghai_domain::intl::{
    parse_imo, parse_inbound_rows, parse_local_time, parse_mmsi, split_csv, testing_categories,
    work_blocks, CallPurpose, InboundCall, LineError, TestResult, TestingCategory, ViolationKind,
    WorkBlock, WorkStatus,
};
use jinghai_domain::report::{cst_hour, Day};
use jinghai_domain::time::{Millis, DAY};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Role, Scope};
use jinghai_store::{CrewMember, NewShipCall, ShipCall, ShipViolation, Store, StoreError};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// One vessel of the registry, as far as matching needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryVessel {
    pub mmsi: i64,
    pub imo: Option<String>,
    pub name: String,
    pub flag: String,
    pub international: bool,
}

/// Where and when AIS saw a vessel (from the engine's stored events).
#[derive(Debug, Clone, PartialEq)]
pub struct Sighting {
    pub at: Millis,
    pub lat: f64,
    pub lon: f64,
    pub zone: Option<String>,
    /// The engine event kind that put it on record.
    pub kind: String,
}

/// How a ship call matched the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchedBy {
    Imo,
    Mmsi,
    Name,
}

impl MatchedBy {
    pub fn zh(&self) -> &'static str {
        match self {
            MatchedBy::Imo => "IMO 编号",
            MatchedBy::Mmsi => "MMSI",
            MatchedBy::Name => "船名",
        }
    }
    pub fn en(&self) -> &'static str {
        match self {
            MatchedBy::Imo => "IMO number",
            MatchedBy::Mmsi => "MMSI",
            MatchedBy::Name => "name",
        }
    }
}

/// The vessel registry and the AIS picture, as ship-call matching sees them.
#[async_trait]
pub trait VesselDirectory: Send + Sync {
    /// The registry vessel with this IMO, else this MMSI, else this name
    /// (case and spacing ignored), and how it matched.
    async fn find(
        &self,
        imo: Option<&str>,
        mmsi: Option<i64>,
        name: &str,
    ) -> Option<(RegistryVessel, MatchedBy)>;
    /// AIS sightings of `mmsi` in `[from, to)` that the caller may see.
    async fn sightings(&self, scope: &Scope, mmsi: i64, from: Millis, to: Millis) -> Vec<Sighting>;
}

/// The vessel registry table, then the rows held in memory (loaded from the
/// maritime feeds' registry files); sightings from the stored alerts.
pub struct RegistryDirectory {
    store: Arc<dyn Store>,
    vessels: RwLock<Vec<RegistryVessel>>,
}

fn normalize_name(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

impl RegistryDirectory {
    pub fn new(store: Arc<dyn Store>) -> RegistryDirectory {
        RegistryDirectory {
            store,
            vessels: RwLock::new(Vec::new()),
        }
    }

    /// Adds (or replaces, by MMSI) registry rows.
    pub fn add(&self, rows: impl IntoIterator<Item = RegistryVessel>) {
        let Ok(mut v) = self.vessels.write() else {
            return;
        };
        for row in rows {
            v.retain(|x| x.mmsi != row.mmsi);
            v.push(row);
        }
    }

    /// The same matching over the registry table (every region: a ship call
    /// may name a vessel registered elsewhere; the caller only sees the match).
    async fn find_in_table(
        &self,
        imo: Option<&str>,
        mmsi: Option<i64>,
        name: &str,
    ) -> Result<Option<(RegistryVessel, MatchedBy)>, StoreError> {
        fn row(v: jinghai_domain::registry::Vessel) -> RegistryVessel {
            RegistryVessel {
                imo: parse_imo(&v.registry_no).ok().flatten(),
                mmsi: v.mmsi,
                name: v.name,
                flag: v.flag,
                international: v.international,
            }
        }
        let everywhere = Scope {
            user_id: 0,
            role: Role::Admin,
            region_prefix: String::new(),
            unit_id: None,
        };
        let search = |text: &str| jinghai_store::VesselFilter {
            text: Some(text.to_string()),
            limit: 50,
            ..Default::default()
        };
        if let Some(imo) = imo {
            let hits = self.store.list_vessels(&everywhere, &search(imo)).await?;
            if let Some(v) = hits
                .into_iter()
                .find(|v| parse_imo(&v.registry_no).ok().flatten().as_deref() == Some(imo))
            {
                return Ok(Some((row(v), MatchedBy::Imo)));
            }
        }
        if let Some(m) = mmsi {
            if let Some(v) = self.store.find_vessel_by_mmsi_unscoped(m).await? {
                return Ok(Some((row(v), MatchedBy::Mmsi)));
            }
        }
        let n = normalize_name(name);
        if n.is_empty() {
            return Ok(None);
        }
        let hits = self
            .store
            .list_vessels(&everywhere, &search(name.trim()))
            .await?;
        Ok(hits
            .into_iter()
            .find(|v| normalize_name(&v.name) == n)
            .map(|v| (row(v), MatchedBy::Name)))
    }

    pub fn len(&self) -> usize {
        self.vessels.read().map(|v| v.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl VesselDirectory for RegistryDirectory {
    async fn find(
        &self,
        imo: Option<&str>,
        mmsi: Option<i64>,
        name: &str,
    ) -> Option<(RegistryVessel, MatchedBy)> {
        match self.find_in_table(imo, mmsi, name).await {
            Ok(Some(found)) => return Some(found),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "vessel registry table unavailable for matching"),
        }
        let v = self.vessels.read().ok()?;
        if let Some(imo) = imo {
            if let Some(x) = v.iter().find(|x| x.imo.as_deref() == Some(imo)) {
                return Some((x.clone(), MatchedBy::Imo));
            }
        }
        if let Some(m) = mmsi {
            if let Some(x) = v.iter().find(|x| x.mmsi == m) {
                return Some((x.clone(), MatchedBy::Mmsi));
            }
        }
        let n = normalize_name(name);
        if n.is_empty() {
            return None;
        }
        v.iter()
            .find(|x| normalize_name(&x.name) == n)
            .map(|x| (x.clone(), MatchedBy::Name))
    }

    async fn sightings(&self, scope: &Scope, mmsi: i64, from: Millis, to: Millis) -> Vec<Sighting> {
        let filter = AlertFilter {
            mmsi: Some(mmsi),
            from: Some(from),
            to: Some(to),
            ..AlertFilter::default()
        };
        match self.store.find_alerts(scope, &filter, 50).await {
            Ok(alerts) => {
                let mut out: Vec<Sighting> = alerts
                    .into_iter()
                    .map(|a| Sighting {
                        at: a.start_at,
                        lat: a.lat,
                        lon: a.lon,
                        zone: a.zone_id,
                        kind: a.kind,
                    })
                    .collect();
                out.sort_by_key(|s| s.at);
                out
            }
            Err(e) => {
                tracing::warn!(error = %e, "AIS sightings unavailable");
                Vec::new()
            }
        }
    }
}

/// How far around the declared arrival AIS evidence is looked for.
pub const SIGHTING_WINDOW: Millis = 3 * DAY;

/// A ship call as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct ShipCallInput {
    pub region_id: Option<i64>,
    pub ship_name: String,
    pub imo: String,
    pub mmsi: String,
    pub flag: String,
    pub last_ports: String,
    pub arrival: String,
    pub berth: String,
    /// Category codes ticked (repair, ocean_fishing, crew_change, foreign_to_domestic).
    pub categories: Vec<String>,
    /// `YYYY-MM-DD` of the last crew change abroad, if any.
    pub crew_changed_abroad: String,
    /// One crew member per line: name, nationality, passport.
    pub crew: String,
}

/// A ship call with everything its page shows.
#[derive(Debug, Clone)]
pub struct ShipCallDetail {
    pub call: ShipCall,
    pub crew: Vec<CrewMember>,
    pub violations: Vec<ShipViolation>,
    pub categories: Vec<TestingCategory>,
    /// Why work may not go ahead (empty: it may be allowed).
    pub blocks: Vec<WorkBlock>,
    pub registry: Option<(RegistryVessel, MatchedBy)>,
    pub sightings: Vec<Sighting>,
    /// The caller may record results, the plan, violations and allow work.
    pub can_manage: bool,
}

/// A ship call in the list, with its categories and blocks.
#[derive(Debug, Clone)]
pub struct ShipCallRow {
    pub call: ShipCall,
    pub categories: Vec<TestingCategory>,
    pub crew: usize,
    pub pending: usize,
    pub blocked: bool,
}

/// What an import did: the calls stored, or every bad line.
#[derive(Debug, Clone)]
pub enum ImportOutcome {
    Imported(Vec<ShipCall>),
    Rejected(Vec<LineError>),
}

pub struct Intl {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    directory: Arc<dyn VesselDirectory>,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

/// Office, administrator and working-group members handle ships; towns and
/// leaders do not.
fn can_manage(ctx: &Ctx) -> bool {
    matches!(
        ctx.user.role,
        Role::Admin | Role::TaskForceOffice | Role::GroupMember
    )
}

fn forbid() -> WorkflowError {
    WorkflowError::forbidden(
        "国际航行船舶由专班办公室和工作组成员办理",
        "international ship calls are handled by the task-force office and working groups",
    )
}

/// Reads an XLSX workbook's first sheet as text rows (line = row number).
pub fn xlsx_rows(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, LineError> {
    use calamine::{Data, Reader, Xlsx};
    let bad = |zh: String, en: String| LineError {
        line: 1,
        field: "file".into(),
        zh,
        en,
    };
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            bad(
                format!("无法读取 XLSX 文件：{e}"),
                format!("cannot read the XLSX file: {e}"),
            )
        })?;
    let Some(Ok(range)) = book.worksheet_range_at(0) else {
        return Err(bad(
            "XLSX 文件没有工作表".into(),
            "the XLSX file has no sheet".into(),
        ));
    };
    let start = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => excel_local_time(d.as_f64()),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#{e:?}"),
            })
            .collect();
        if cells.iter().any(|c| !c.trim().is_empty()) {
            rows.push((start + i + 1, cells));
        }
    }
    Ok(rows)
}

/// An Excel date-time serial (days since 1899-12-30, local wall time) as
/// `YYYY-MM-DD HH:MM`, the form the list's parser reads as China time.
fn excel_local_time(serial: f64) -> String {
    let minutes = ((serial - 25569.0) * 1440.0).round() as i64;
    let (y, m, d) = jinghai_domain::time::civil_from_days(minutes.div_euclid(1440));
    let mod_ = minutes.rem_euclid(1440);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", mod_ / 60, mod_ % 60)
}

impl Intl {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        directory: Arc<dyn VesselDirectory>,
    ) -> Intl {
        Intl {
            store,
            clock,
            directory,
        }
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// Ship calls of the caller's regions arriving on days `from..=to`.
    pub async fn list(&self, ctx: &Ctx, from: Day, to: Day) -> WorkflowResult<Vec<ShipCallRow>> {
        let calls = self
            .store
            .list_ship_calls(&ctx.scope, cst_hour(from, 0), cst_hour(to + 1, 0))
            .await?;
        let mut out = Vec::new();
        for call in calls {
            let crew = self.store.list_crew(call.id).await?;
            let categories = testing_categories(&call.purpose, call.arrival_at);
            out.push(ShipCallRow {
                pending: crew
                    .iter()
                    .filter(|c| c.test_result == TestResult::Pending)
                    .count(),
                crew: crew.len(),
                blocked: call.work_status == WorkStatus::Blocked,
                categories,
                call,
            });
        }
        Ok(out)
    }

    pub async fn detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<ShipCallDetail> {
        let call = self.store.get_ship_call(&ctx.scope, id).await?;
        let crew = self.store.list_crew(id).await?;
        let violations = self.store.list_violations(id).await?;
        let categories = testing_categories(&call.purpose, call.arrival_at);
        let results: Vec<TestResult> = crew.iter().map(|c| c.test_result).collect();
        let blocks = work_blocks(
            &categories,
            &results,
            !call.plan.trim().is_empty(),
            call.three_no,
        );
        let registry = self
            .directory
            .find(call.imo.as_deref(), call.mmsi, &call.ship_name)
            .await;
        let mmsi = call.mmsi.or(registry.as_ref().map(|(v, _)| v.mmsi));
        let sightings = match mmsi {
            Some(m) => {
                self.directory
                    .sightings(
                        &ctx.scope,
                        m,
                        call.arrival_at - SIGHTING_WINDOW,
                        call.arrival_at + SIGHTING_WINDOW,
                    )
                    .await
            }
            None => Vec::new(),
        };
        Ok(ShipCallDetail {
            can_manage: can_manage(ctx),
            call,
            crew,
            violations,
            categories,
            blocks,
            registry,
            sightings,
        })
    }

    async fn region_in_scope(&self, ctx: &Ctx, id: Option<i64>) -> Result<i64, FieldError> {
        let missing = || {
            field(
                "region_id",
                "请选择泊位所在区划（须在您的管辖范围内）",
                "choose the berth's region (within your region)",
            )
        };
        match id {
            None => Err(missing()),
            Some(id) => self
                .store
                .get_region(&ctx.scope, id)
                .await
                .map(|r| r.id)
                .map_err(|_| missing()),
        }
    }

    fn new_call(region_id: i64, c: &InboundCall) -> NewShipCall {
        NewShipCall {
            region_id,
            ship_name: c.ship.name.clone(),
            imo: c.ship.imo.clone(),
            mmsi: c.ship.mmsi,
            flag: c.flag.clone(),
            last_ports: c.last_ports.join(";"),
            arrival_at: c.arrival_at,
            berth: c.berth.clone(),
            purpose: c.purpose.clone(),
            crew: c
                .crew
                .iter()
                .map(|m| (m.name.clone(), m.nationality.clone(), m.passport.clone()))
                .collect(),
        }
    }

    /// Enters one ship call from the form.
    pub async fn create(&self, ctx: &Ctx, input: &ShipCallInput) -> WorkflowResult<ShipCall> {
        if !can_manage(ctx) {
            return Err(forbid());
        }
        let mut errs = Vec::new();
        let region = self
            .region_in_scope(ctx, input.region_id)
            .await
            .map_err(|e| errs.push(e))
            .ok();
        let name = required_text("ship_name", &input.ship_name, 100)
            .map_err(|e| errs.push(e))
            .ok();
        let imo = parse_imo(&input.imo)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let mmsi = parse_mmsi(&input.mmsi)
            .map_err(|e| errs.push(e))
            .ok()
            .flatten();
        let arrival = parse_local_time(&input.arrival);
        if arrival.is_none() {
            errs.push(field(
                "arrival",
                "请填写抵港时间（YYYY-MM-DD HH:MM）",
                "give the arrival time (YYYY-MM-DD HH:MM)",
            ));
        }
        let mut purpose = CallPurpose::default();
        for c in &input.categories {
            match TestingCategory::parse(c) {
                Some(TestingCategory::Repair) => purpose.repair = true,
                Some(TestingCategory::OceanFishing) => purpose.ocean_fishing = true,
                Some(TestingCategory::CrewChangeCargo) => purpose.crew_change = true,
                Some(TestingCategory::ForeignToDomestic) => purpose.foreign_to_domestic = true,
                _ => errs.push(field(
                    "categories",
                    format!("未知的船舶类别：{c}"),
                    format!("unknown category: {c}"),
                )),
            }
        }
        if !input.crew_changed_abroad.trim().is_empty() {
            match jinghai_domain::time::parse_date(&input.crew_changed_abroad) {
                Ok(ms) => {
                    purpose.crew_changed_abroad_at = Some(ms - 8 * jinghai_domain::time::HOUR)
                }
                Err(_) => errs.push(field(
                    "crew_changed_abroad",
                    "境外换班日期格式应为 YYYY-MM-DD",
                    "crew change abroad must be YYYY-MM-DD",
                )),
            }
        }
        let mut crew = Vec::new();
        match split_csv(&input.crew) {
            Err(e) => errs.push(field("crew", e.zh, e.en)),
            Ok(rows) => {
                for (line, row) in rows {
                    let get =
                        |i: usize| row.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
                    let (n, nat, pp) = (get(0), get(1), get(2));
                    if n.is_empty() || nat.is_empty() || pp.is_empty() {
                        errs.push(field(
                            "crew",
                            format!("船员名单第 {line} 行应为：姓名,国籍,护照号"),
                            format!("crew line {line} must be: name, nationality, passport"),
                        ));
                    } else if crew
                        .iter()
                        .any(|(_, _, p): &(String, String, String)| *p == pp)
                    {
                        errs.push(field(
                            "crew",
                            format!("护照号 {pp} 重复（第 {line} 行）"),
                            format!("passport {pp} is listed twice (line {line})"),
                        ));
                    } else {
                        crew.push((n, nat, pp));
                    }
                }
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(region_id), Some(ship_name), Some(arrival_at)) = (region, name, arrival) else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewShipCall {
            region_id,
            ship_name,
            imo,
            mmsi,
            flag: input.flag.trim().chars().take(50).collect(),
            last_ports: input
                .last_ports
                .split([';', '；', '→', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(";"),
            arrival_at,
            berth: input.berth.trim().chars().take(100).collect(),
            purpose,
            crew,
        };
        let mut stored = self
            .store
            .create_ship_calls(&ctx.actor(), self.clock.now(), &[new])
            .await?;
        stored.pop().ok_or(WorkflowError::NotFound)
    }

    /// Imports the border inspection's list (CSV, UTF-8; or XLSX) into
    /// `region_id`. Every bad line is listed; nothing is stored unless the
    /// whole file is valid.
    pub async fn import(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        file_name: &str,
        bytes: &[u8],
    ) -> WorkflowResult<ImportOutcome> {
        if !can_manage(ctx) {
            return Err(forbid());
        }
        let region_id = self
            .region_in_scope(ctx, region_id)
            .await
            .map_err(WorkflowError::invalid)?;
        let file_error = |zh: &str, en: &str| {
            ImportOutcome::Rejected(vec![LineError {
                line: 1,
                field: "file".into(),
                zh: zh.into(),
                en: en.into(),
            }])
        };
        if bytes.is_empty() {
            return Ok(file_error("请选择要导入的文件", "choose a file to import"));
        }
        let is_xlsx =
            bytes.starts_with(b"PK\x03\x04") || file_name.to_ascii_lowercase().ends_with(".xlsx");
        let rows = if is_xlsx {
            xlsx_rows(bytes)
        } else {
            match std::str::from_utf8(bytes) {
                Ok(text) => split_csv(text),
                Err(_) => {
                    return Ok(file_error(
                        "文件不是 UTF-8 编码的 CSV：请在 Excel 中“另存为 CSV UTF-8”，或直接上传 XLSX",
                        "the file is not UTF-8 CSV: save it as \"CSV UTF-8\" in Excel, or upload the XLSX",
                    ))
                }
            }
        };
        let rows = match rows {
            Ok(r) => r,
            Err(e) => return Ok(ImportOutcome::Rejected(vec![e])),
        };
        let calls = match parse_inbound_rows(&rows) {
            Ok(c) => c,
            Err(errs) => return Ok(ImportOutcome::Rejected(errs)),
        };
        let news: Vec<NewShipCall> = calls.iter().map(|c| Self::new_call(region_id, c)).collect();
        let stored = self
            .store
            .create_ship_calls(&ctx.actor(), self.clock.now(), &news)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => WorkflowError::invalid(field("file", m.clone(), m)),
                other => other.into(),
            })?;
        Ok(ImportOutcome::Imported(stored))
    }

    async fn managed(&self, ctx: &Ctx, id: i64) -> WorkflowResult<ShipCall> {
        let call = self.store.get_ship_call(&ctx.scope, id).await?;
        if !can_manage(ctx) {
            return Err(forbid());
        }
        Ok(call)
    }

    /// Records a crew member's nucleic-acid result.
    pub async fn set_crew_result(
        &self,
        ctx: &Ctx,
        crew_id: i64,
        result: &str,
    ) -> WorkflowResult<CrewMember> {
        let member = self.store.get_crew_member(&ctx.scope, crew_id).await?;
        let call = self.managed(ctx, member.ship_call_id).await?;
        let Some(result) = TestResult::parse(result.trim()) else {
            return Err(WorkflowError::invalid(field(
                "result",
                "请选择检测结果",
                "choose a result",
            )));
        };
        if call.work_status == WorkStatus::Allowed && result != TestResult::Negative {
            // A new non-negative result on a ship already working stops the work.
            self.store
                .set_work_status(&ctx.actor(), self.clock.now(), call.id, WorkStatus::Blocked)
                .await?;
        }
        Ok(self
            .store
            .set_crew_result(
                &ctx.actor(),
                self.clock.now(),
                crew_id,
                result,
                self.clock.now(),
            )
            .await?)
    }

    /// Records the per-ship plan (一船一案) and the "三不" confirmation.
    pub async fn set_plan(
        &self,
        ctx: &Ctx,
        id: i64,
        plan: &str,
        three_no: bool,
    ) -> WorkflowResult<ShipCall> {
        self.managed(ctx, id).await?;
        let plan = required_text("plan", plan, 2000).map_err(|_| {
            WorkflowError::invalid(field(
                "plan",
                "请填写“一船一案”作业方案（固定作业专班、封闭式和非接触式作业）",
                "write the per-ship plan (fixed work team, closed and contact-free work)",
            ))
        })?;
        Ok(self
            .store
            .set_ship_plan(&ctx.actor(), self.clock.now(), id, &plan, three_no)
            .await?)
    }

    /// Marks the ship "work allowed" — refused, with every reason, while a
    /// testing-category crew has results pending or positive, or the plan
    /// or the "三不" confirmation is missing.
    pub async fn allow_work(&self, ctx: &Ctx, id: i64) -> WorkflowResult<ShipCall> {
        let call = self.managed(ctx, id).await?;
        if call.work_status == WorkStatus::Allowed {
            return Ok(call);
        }
        let crew = self.store.list_crew(id).await?;
        let results: Vec<TestResult> = crew.iter().map(|c| c.test_result).collect();
        let blocks = work_blocks(
            &testing_categories(&call.purpose, call.arrival_at),
            &results,
            !call.plan.trim().is_empty(),
            call.three_no,
        );
        if !blocks.is_empty() {
            return Err(WorkflowError::Invalid(
                blocks.iter().map(WorkBlock::to_error).collect(),
            ));
        }
        Ok(self
            .store
            .set_work_status(&ctx.actor(), self.clock.now(), id, WorkStatus::Allowed)
            .await?)
    }

    /// Stops work on a ship (a violation, a new result).
    pub async fn block_work(&self, ctx: &Ctx, id: i64) -> WorkflowResult<ShipCall> {
        self.managed(ctx, id).await?;
        Ok(self
            .store
            .set_work_status(&ctx.actor(), self.clock.now(), id, WorkStatus::Blocked)
            .await?)
    }

    /// Records a breach of the "三不" rule or the plan.
    pub async fn add_violation(
        &self,
        ctx: &Ctx,
        id: i64,
        kind: &str,
        happened: &str,
        description: &str,
    ) -> WorkflowResult<ShipViolation> {
        self.managed(ctx, id).await?;
        let mut errs = Vec::new();
        let kind = ViolationKind::parse(kind.trim());
        if kind.is_none() {
            errs.push(field(
                "kind",
                "请选择违规类型",
                "choose the kind of violation",
            ));
        }
        let at = match happened.trim() {
            "" => Some(self.clock.now()),
            s => match parse_local_time(s) {
                Some(t) if t <= self.clock.now() => Some(t),
                _ => {
                    errs.push(field(
                        "at",
                        "发生时间格式应为 YYYY-MM-DD HH:MM，且不晚于现在",
                        "the time must be YYYY-MM-DD HH:MM and not in the future",
                    ));
                    None
                }
            },
        };
        let description = required_text("description", description, 1000)
            .map_err(|e| errs.push(e))
            .ok();
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(kind), Some(at), Some(description)) = (kind, at, description) else {
            return Err(WorkflowError::NotFound);
        };
        Ok(self
            .store
            .add_violation(&ctx.actor(), self.clock.now(), id, kind, at, &description)
            .await?)
    }
}

/// Prefill of the daily report from issue #8's records: persons of
/// individual cases found that day (当日查获非法入境人员数, 当日海上求助入境人员数),
/// inbound ship calls and their crew (查验入境船舶, 查验入境人员), and ships with a
/// "三不" or plan violation (发现异常入港船只).
pub struct IntlPrefill {
    store: Arc<dyn Store>,
}

impl IntlPrefill {
    pub fn new(store: Arc<dyn Store>) -> IntlPrefill {
        IntlPrefill { store }
    }
}

#[async_trait]
impl crate::reports::Prefill for IntlPrefill {
    async fn suggest(
        &self,
        prefix: &str,
        day: Day,
    ) -> WorkflowResult<Vec<crate::reports::Suggestion>> {
        use jinghai_domain::individual::CaseKind;
        let (from, to) = (cst_hour(day, 0), cst_hour(day + 1, 0));
        let persons = self.store.case_person_counts(prefix, from, to).await?;
        let count = |k: CaseKind| {
            persons
                .iter()
                .find(|(kind, _)| *kind == k)
                .map(|(_, n)| *n)
                .unwrap_or(0)
        };
        let (calls, crew) = self.store.ship_call_counts(prefix, from, to).await?;
        let violations = self.store.violation_ship_count(prefix, from, to).await?;
        use crate::records::Behind;
        let s = |key: &str, n: i64, zh: &str, en: &str| crate::reports::Suggestion {
            indicator: key.into(),
            value: n * 1000,
            source_zh: zh.into(),
            source_en: en.into(),
            link: Some(
                match key {
                    "illegal_entrants" => Behind::IllegalEntrants,
                    "rescue_entrants" => Behind::RescueEntrants,
                    "ee_inbound_ships" => Behind::ShipViolations,
                    _ => Behind::ShipCalls,
                }
                .link(prefix, day),
            ),
        };
        Ok(vec![
            s(
                "illegal_entrants",
                count(CaseKind::IllegalEntrant),
                "个案处置：当日登记的非法入境人员",
                "individual cases: illegal entrants recorded that day",
            ),
            s(
                "rescue_entrants",
                count(CaseKind::SeaRescue),
                "个案处置：当日登记的海上求助入境人员",
                "individual cases: sea-rescue entrants recorded that day",
            ),
            s(
                "pa_inbound_ships",
                calls,
                "入境船舶日报：当日抵港船舶",
                "inbound list: ships arriving that day",
            ),
            s(
                "pa_inbound_persons",
                crew,
                "入境船舶日报：当日抵港船舶的船员",
                "inbound list: crew of ships arriving that day",
            ),
            s(
                "ee_inbound_ships",
                violations,
                "入境船舶：当日有违反“三不”或“一船一案”记录的船舶",
                "inbound ships with a three-no or plan violation that day",
            ),
        ])
    }
}
