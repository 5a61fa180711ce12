//! The registries the maritime engine reads, as users work them: vessels
//! (with owners, 三无 status, photos and the vessel code), places (zones of
//! FORMATS.md and risk points) and fishing vessels' port reports, with the
//! reconciliation of reports against what AIS saw.
//!
//! The FORMATS.md files are parsed by the engine's own loaders (so the web
//! and `jinghai replay` accept exactly the same files); imports check every
//! row or feature, list every bad one with its line or index and reason, and
//! write nothing unless the whole file is good. Every change is announced to
//! the live feeds through the [`ChangeSink`], so the engine follows without a
//! restart.

use std::collections::HashMap;
use std::sync::Arc;

use jinghai_domain::alert::Alert;
use jinghai_domain::audit::Actor;
use jinghai_domain::geometry::{check_ring, valid_position};
use jinghai_domain::person::{check_id_number, check_phone};
use jinghai_domain::registry::{
    is_zone_kind, CaptainToken, OwnerKind, PersonAboard, Place, PointKind, PortEntry, PortReport,
    ReportKind, StatelessStatus, Vessel, VesselPhoto, VESSEL_KINDS,
};
use jinghai_domain::report::{day_of, parse_day, Day};
use jinghai_domain::time::{Millis, DAY, HOUR, MINUTE};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Region, Role, Scope};
use jinghai_engine::{LoadError, Registry, VesselRecord, Zone, ZoneSet};
use jinghai_store::{
    ImportCounts, NewVessel, PlaceWrite, PortReportWrite, Store, StoreError, VesselFilter,
    VesselWrite,
};
use serde_json::Value;

use crate::accounts::blocked;
use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// A change the live feeds apply to their engines.
#[derive(Debug, Clone)]
pub enum RegistryChange {
    /// A vessel was created or edited.
    Vessel(Vessel),
    /// Places of this district (6-digit code) changed: reload its zones.
    Places { district: String },
    /// A port report was filed.
    PortReport(PortReport),
}

/// Where changes go (the server hands them to the running feeds).
pub type ChangeSink = Arc<dyn Fn(RegistryChange) + Send + Sync>;

/// How long a captain's token lasts from issue or rotation.
pub const TOKEN_TTL: Millis = 365 * DAY;
/// Wrong tokens tolerated per address and per vessel in [`TOKEN_WINDOW`].
pub const TOKEN_FAILURES_PER_ADDRESS: usize = 10;
pub const TOKEN_FAILURES_PER_VESSEL: usize = 20;
pub const TOKEN_WINDOW: Millis = 15 * MINUTE;

/// A vessel as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct VesselInput {
    pub region_id: Option<i64>,
    pub mmsi: String,
    pub name: String,
    pub kind: String,
    pub flag: String,
    pub international: bool,
    pub home_port: String,
    pub owner_kind: String,
    pub owner_name: String,
    pub owner_contact: String,
    pub owner_phone: String,
    pub registry_no: String,
    pub stateless: String,
    pub notes: String,
}

impl VesselInput {
    pub fn of(v: &Vessel) -> VesselInput {
        VesselInput {
            region_id: Some(v.region_id),
            mmsi: v.mmsi.to_string(),
            name: v.name.clone(),
            kind: v.kind.clone(),
            flag: v.flag.clone(),
            international: v.international,
            home_port: v.home_port.clone(),
            owner_kind: v.owner_kind.as_str().into(),
            owner_name: v.owner_name.clone(),
            owner_contact: v.owner_contact.clone(),
            owner_phone: v.owner_phone.clone(),
            registry_no: v.registry_no.clone(),
            stateless: v.stateless.as_str().into(),
            notes: v.notes.clone(),
        }
    }
}

/// A vessel with what its page shows.
#[derive(Debug, Clone)]
pub struct VesselDetail {
    pub vessel: Vessel,
    pub photos: Vec<VesselPhoto>,
    pub reports: Vec<PortReport>,
    /// The captain's token, for those who may print the vessel code.
    pub token: Option<CaptainToken>,
    pub can_edit: bool,
}

/// A place as typed (the map editor fills `geometry` with GeoJSON).
#[derive(Debug, Clone, Default)]
pub struct PlaceInput {
    pub region_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub applies_to: String,
    pub geometry: String,
    pub notes: String,
}

/// A person aboard as typed.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

/// A port report as typed.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub mmsi: String,
    pub kind: String,
    pub port_code: String,
    /// `YYYY-MM-DDTHH:MM` (China Standard Time) or RFC 3339; empty means now.
    pub reported_at: String,
    pub persons: Vec<PersonInput>,
    pub itinerary: String,
    pub contact_history: String,
}

/// The reconciliation of port reports against AIS for a region and days.
#[derive(Debug, Clone, Default)]
pub struct Reconciliation {
    /// AIS entries into a fishing port with no arrival report in the window.
    pub entries_without_report: Vec<PortEntry>,
    /// Arrival reports with no AIS entry in the window; `true` when the
    /// window is still open (the vessel may yet arrive).
    pub reports_without_entry: Vec<(PortReport, bool)>,
    /// The engine's unreported-port-entry alerts in the period.
    pub alerts: Vec<Alert>,
    pub reports: usize,
    pub entries: usize,
}

pub struct Registries {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    sink: Option<ChangeSink>,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

fn is_office(ctx: &Ctx) -> bool {
    matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
}

/// The district (6-digit) code of a region code.
pub fn district_of(code: &str) -> &str {
    &code[..code.len().min(6)]
}

/// The scope of the system itself over a region prefix (feeds, workers).
pub fn system_scope(prefix: &str) -> Scope {
    Scope {
        user_id: 0,
        role: Role::Admin,
        region_prefix: prefix.to_string(),
        unit_id: None,
    }
}

/// Chinese wording of a registry-file problem, by the field it concerns (the
/// engine's loaders speak English; the detail is kept in the message).
fn zh_reason(field: &str, en: &str) -> String {
    let what = match field {
        "mmsi" if en.starts_with("duplicate") => "MMSI 在文件中重复",
        "mmsi" => "MMSI 无效，须为 9 位数字",
        "kind" => "类型无效",
        "flag" => "船旗须为两位大写国家代码（如 CN）",
        "international" => "international 须为 true 或 false",
        "owner_kind" => "owner_kind 须为 enterprise 或 individual",
        "port_zone_id" => "港口须为已登记的渔港",
        "reported_at" => "报告时间须为 RFC 3339 格式（如 2021-02-10T08:30:00+08:00）",
        "persons_aboard" => "在船人数须为整数",
        "id" if en.starts_with("duplicate") => "id 重复",
        "applies_to" => "适用对象须为 all、international 或 fishing",
        "geometry" => "几何图形无效",
        "name" | "id" => "缺少或为空",
        "" => "文件无法解析",
        _ => "缺少必需的列或属性",
    };
    format!("{what}（{en}）")
}

/// One import problem as a field error naming where it is.
fn load_error(e: &LoadError) -> FieldError {
    let location_zh = e
        .location
        .replace("line", "第")
        .replace("feature", "第")
        .replace("document", "文件");
    let unit = if e.location.starts_with("line") {
        " 行"
    } else if e.location.starts_with("feature") {
        " 个要素（从 0 数起）"
    } else {
        ""
    };
    let field_part = if e.field.is_empty() {
        String::new()
    } else {
        format!("，字段 {}", e.field)
    };
    FieldError::new(
        e.location.clone(),
        format!(
            "{location_zh}{unit}{field_part}：{}",
            zh_reason(&e.field, &e.message)
        ),
        format!(
            "{}{}: {}",
            e.location,
            if e.field.is_empty() {
                String::new()
            } else {
                format!(", field {}", e.field)
            },
            e.message
        ),
    )
}

fn parse_local_time(s: &str) -> Option<Millis> {
    let s = s.trim();
    jinghai_domain::time::parse_rfc3339(s)
        .ok()
        .or_else(|| match s.len() {
            16 => jinghai_domain::time::parse_rfc3339(&format!("{s}:00+08:00")).ok(),
            19 => jinghai_domain::time::parse_rfc3339(&format!("{s}+08:00")).ok(),
            _ => None,
        })
}

/// A domain vessel as the engine's registry record (None for a kind the
/// engine does not know, which validation never lets in).
pub fn engine_vessel(v: &Vessel) -> Option<VesselRecord> {
    Some(VesselRecord {
        mmsi: u32::try_from(v.mmsi).ok()?,
        name: v.name.clone(),
        kind: jinghai_engine::VesselKind::parse(&v.kind)?,
        flag: v.flag.clone(),
        international: v.international,
        home_port: v.home_port.clone(),
        owner_kind: match v.owner_kind {
            OwnerKind::Enterprise => jinghai_engine::OwnerKind::Enterprise,
            OwnerKind::Individual => jinghai_engine::OwnerKind::Individual,
        },
        owner_name: v.owner_name.clone(),
        registry_no: v.registry_no.clone(),
    })
}

/// A stored report as the engine's port report.
pub fn engine_report(r: &PortReport) -> Option<jinghai_engine::PortReport> {
    Some(jinghai_engine::PortReport {
        mmsi: u32::try_from(r.mmsi).ok()?,
        kind: match r.kind {
            ReportKind::Arrival => jinghai_engine::ReportKind::Arrival,
            ReportKind::Departure => jinghai_engine::ReportKind::Departure,
        },
        port_zone_id: r.port_code.clone(),
        reported_at_ms: r.reported_at,
        persons_aboard: r.persons_aboard.and_then(|n| u32::try_from(n).ok()),
    })
}

/// The stored zone places as a GeoJSON Feature (FORMATS.md form).
fn place_feature(p: &Place) -> Value {
    let geometry: Value = serde_json::from_str(&p.geometry).unwrap_or(Value::Null);
    let mut props = serde_json::json!({"id": p.code, "name": p.name, "kind": p.kind});
    if let Some(a) = &p.applies_to {
        props["applies_to"] = Value::String(a.clone());
    }
    serde_json::json!({"type": "Feature", "properties": props, "geometry": geometry})
}

/// The engine's zones from stored places (risk points are not zones).
pub fn zone_set(places: &[Place]) -> Result<ZoneSet, String> {
    let mut zones = Vec::new();
    for (i, p) in places.iter().filter(|p| is_zone_kind(&p.kind)).enumerate() {
        zones.push(Zone::from_feature(&place_feature(p), i, "places").map_err(|e| e.to_string())?);
    }
    ZoneSet::new(zones)
}

/// What a feed's engine starts from: its district's zones, registry and reports.
pub struct FeedData {
    pub zones: ZoneSet,
    pub registry: Registry,
    pub reports: Vec<jinghai_engine::PortReport>,
}

/// Loads a district's registries from the store for its feed.
pub async fn load_feed(store: &Arc<dyn Store>, district: &str) -> WorkflowResult<FeedData> {
    let scope = system_scope(district);
    let places = store.list_places(&scope).await?;
    let zones = zone_set(&places).map_err(|m| {
        WorkflowError::invalid(field(
            "places",
            format!("已存场所无效：{m}"),
            format!("stored places are invalid: {m}"),
        ))
    })?;
    let mut registry = Registry::new();
    let filter = VesselFilter {
        limit: i64::MAX,
        ..VesselFilter::default()
    };
    for v in store.list_vessels(&scope, &filter).await? {
        if let Some(r) = engine_vessel(&v) {
            registry.insert(r);
        }
    }
    let reports = store
        .list_port_reports(&scope, i64::MIN, i64::MAX)
        .await?
        .iter()
        .filter_map(engine_report)
        .collect();
    Ok(FeedData {
        zones,
        registry,
        reports,
    })
}

/// A feed's configured files become the district's registries the first
/// time (when the district has no places and no vessels yet); afterwards the
/// database is what counts and the files are not read again. Each file is
/// checked whole before anything is written. Returns whether it imported.
pub async fn import_feed_files(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    district: &Region,
    zones_geojson: &str,
    vessels_csv: &str,
    reports_csv: Option<&str>,
) -> WorkflowResult<bool> {
    let code = district.code.as_str();
    let prefix = district_of(code);
    let scope = system_scope(prefix);
    let empty = store.list_places(&scope).await?.is_empty()
        && store
            .list_vessels(
                &scope,
                &VesselFilter {
                    limit: 1,
                    ..VesselFilter::default()
                },
            )
            .await?
            .is_empty()
        && store.count_port_reports_unscoped(prefix).await? == 0;
    if !empty {
        return Ok(false);
    }
    let invalid =
        |errs: Vec<LoadError>| WorkflowError::Invalid(errs.iter().map(load_error).collect());
    let zones = ZoneSet::parse_features(zones_geojson, "zones").map_err(invalid)?;
    let records = Registry::parse_rows(vessels_csv, "vessels").map_err(invalid)?;
    let zone_index = ZoneSet::new(zones.clone())
        .map_err(|m| WorkflowError::invalid(field("zones", m.clone(), m)))?;
    let reports = match reports_csv {
        Some(text) => {
            jinghai_engine::parse_port_report_rows(text, "reports", &zone_index).map_err(invalid)?
        }
        None => Vec::new(),
    };
    let actor = Actor::system("maritime feed import");
    let now = clock.now();
    let places: Vec<PlaceWrite> = zones.iter().map(|z| zone_write(district.id, z)).collect();
    store.import_places(&actor, now, &places).await?;
    let new: Vec<NewVessel> = records
        .iter()
        .map(|r| NewVessel {
            vessel: vessel_write_of(district.id, r),
            token: random_token(),
            token_expires_at: now + TOKEN_TTL,
        })
        .collect();
    let vessels = store.create_vessels(&actor, now, &new).await?;
    let ids: HashMap<i64, i64> = vessels.iter().map(|v| (v.mmsi, v.id)).collect();
    let rows = report_writes(district.id, &reports, &ids);
    store.create_port_reports(&actor, now, &rows).await?;
    Ok(true)
}

fn report_writes(
    region_id: i64,
    reports: &[jinghai_engine::PortReport],
    vessel_ids: &HashMap<i64, i64>,
) -> Vec<PortReportWrite> {
    reports
        .iter()
        .map(|r| PortReportWrite {
            vessel_id: vessel_ids.get(&i64::from(r.mmsi)).copied(),
            region_id,
            mmsi: i64::from(r.mmsi),
            kind: match r.kind {
                jinghai_engine::ReportKind::Arrival => ReportKind::Arrival,
                jinghai_engine::ReportKind::Departure => ReportKind::Departure,
            },
            port_code: r.port_zone_id.clone(),
            reported_at: r.reported_at_ms,
            persons_aboard: r.persons_aboard.map(i64::from),
            itinerary: String::new(),
            contact_history: String::new(),
            source: "import".into(),
            persons: Vec::new(),
        })
        .collect()
}

/// Files a FORMATS.md port-report CSV for a district whose registries are
/// already in the database (a replayed recording's reports, shifted to the
/// replay's dates). Checked whole against the district's fishing ports
/// before anything is written; returns how many were filed.
pub async fn file_port_reports(
    store: &Arc<dyn Store>,
    clock: &Arc<dyn Clock>,
    district: &Region,
    reports_csv: &str,
) -> WorkflowResult<usize> {
    let scope = system_scope(district_of(district.code.as_str()));
    let zones = zone_set(&store.list_places(&scope).await?)
        .map_err(|m| WorkflowError::invalid(field("places", m.clone(), m)))?;
    let reports = jinghai_engine::parse_port_report_rows(reports_csv, "reports", &zones)
        .map_err(|errs| WorkflowError::Invalid(errs.iter().map(load_error).collect()))?;
    let filter = VesselFilter {
        limit: i64::MAX,
        ..VesselFilter::default()
    };
    let ids: HashMap<i64, i64> = store
        .list_vessels(&scope, &filter)
        .await?
        .iter()
        .map(|v| (v.mmsi, v.id))
        .collect();
    let rows = report_writes(district.id, &reports, &ids);
    let actor = Actor::system("maritime feed import");
    store
        .create_port_reports(&actor, clock.now(), &rows)
        .await?;
    Ok(rows.len())
}

fn zone_write(region_id: i64, z: &Zone) -> PlaceWrite {
    let feature = z.to_feature();
    let first = first_position(&feature["geometry"]).unwrap_or([0.0, 0.0]);
    PlaceWrite {
        region_id,
        code: z.id.clone(),
        name: z.name.clone(),
        kind: z.kind.as_str().into(),
        applies_to: feature["properties"]["applies_to"]
            .as_str()
            .map(str::to_string),
        geometry: feature["geometry"].to_string(),
        lat: first[1],
        lon: first[0],
        notes: String::new(),
    }
}

fn first_position(g: &Value) -> Option<[f64; 2]> {
    let mut v = g.get("coordinates")?;
    while v.get(0).is_some_and(Value::is_array) {
        v = &v[0];
    }
    Some([v.get(0)?.as_f64()?, v.get(1)?.as_f64()?])
}

fn vessel_write_of(region_id: i64, r: &VesselRecord) -> VesselWrite {
    VesselWrite {
        region_id,
        mmsi: i64::from(r.mmsi),
        name: r.name.clone(),
        kind: r.kind.as_str().into(),
        flag: r.flag.clone(),
        international: r.international,
        home_port: r.home_port.clone(),
        owner_kind: match r.owner_kind {
            jinghai_engine::OwnerKind::Enterprise => OwnerKind::Enterprise,
            jinghai_engine::OwnerKind::Individual => OwnerKind::Individual,
        },
        owner_name: r.owner_name.clone(),
        owner_contact: String::new(),
        owner_phone: String::new(),
        registry_no: r.registry_no.clone(),
        stateless: if r.lacks_identity() {
            StatelessStatus::Candidate
        } else {
            StatelessStatus::Normal
        },
        notes: String::new(),
    }
}

fn random_token() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

impl Registries {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Registries {
        Registries {
            store,
            clock,
            sink: None,
        }
    }

    /// Sends every change to `sink` (the live feeds).
    pub fn with_changes(mut self, sink: ChangeSink) -> Registries {
        self.sink = Some(sink);
        self
    }

    fn announce(&self, change: RegistryChange) {
        if let Some(sink) = &self.sink {
            sink(change);
        }
    }

    pub fn today(&self) -> Day {
        day_of(self.clock.now())
    }

    fn require_writer(ctx: &Ctx) -> WorkflowResult<()> {
        if ctx.user.role.can_write() {
            Ok(())
        } else {
            Err(WorkflowError::forbidden(
                "只读账号不能修改登记信息",
                "read-only accounts cannot change the registries",
            ))
        }
    }

    async fn region_in_scope(
        &self,
        ctx: &Ctx,
        id: Option<i64>,
        errs: &mut Vec<FieldError>,
    ) -> WorkflowResult<Option<Region>> {
        match id {
            None => {
                errs.push(field("region_id", "请选择所属区划", "choose a region"));
                Ok(None)
            }
            Some(id) => match self.store.get_region(&ctx.scope, id).await {
                Ok(r) => Ok(Some(r)),
                Err(StoreError::NotFound) => {
                    errs.push(field(
                        "region_id",
                        "区划不存在或不在您的管辖范围内",
                        "the region does not exist or is outside your region",
                    ));
                    Ok(None)
                }
                Err(e) => Err(e.into()),
            },
        }
    }

    /// Names an existing record holding `mmsi`, as far as the caller may know it.
    fn duplicate_mmsi(ctx: &Ctx, field_name: &str, mmsi: i64, existing: &Vessel) -> FieldError {
        if ctx.scope.covers_region(&existing.region_code) {
            field(
                field_name,
                format!(
                    "MMSI {mmsi} 已登记：{}（档案 #{}）",
                    existing.name, existing.id
                ),
                format!(
                    "MMSI {mmsi} is already registered: {} (record #{})",
                    existing.name, existing.id
                ),
            )
        } else {
            field(
                field_name,
                format!("MMSI {mmsi} 已在其他辖区登记（档案 #{}），请联系该辖区核实", existing.id),
                format!("MMSI {mmsi} is already registered in another region (record #{}); check with that region", existing.id),
            )
        }
    }

    // --- vessels ---

    pub async fn vessels(&self, ctx: &Ctx, filter: &VesselFilter) -> WorkflowResult<Vec<Vessel>> {
        Ok(self.store.list_vessels(&ctx.scope, filter).await?)
    }

    pub async fn vessel(&self, ctx: &Ctx, id: i64) -> WorkflowResult<VesselDetail> {
        let vessel = self.store.get_vessel(&ctx.scope, id).await?;
        let can_edit = ctx.user.role.can_write();
        let token = if can_edit {
            Some(self.store.vessel_token_unscoped(id).await?)
        } else {
            None
        };
        let mut reports = self
            .store
            .list_port_reports(&ctx.scope, i64::MIN, i64::MAX)
            .await?;
        reports.retain(|r| r.mmsi == vessel.mmsi);
        reports.truncate(20);
        Ok(VesselDetail {
            photos: self.store.list_vessel_photos(id).await?,
            reports,
            token,
            can_edit,
            vessel,
        })
    }

    async fn check_vessel(
        &self,
        ctx: &Ctx,
        input: &VesselInput,
        editing: Option<i64>,
    ) -> WorkflowResult<VesselWrite> {
        let mut errs = Vec::new();
        let region = self
            .region_in_scope(ctx, input.region_id, &mut errs)
            .await?;
        let mmsi_text = input.mmsi.trim();
        let mmsi = match mmsi_text.parse::<i64>() {
            Ok(m) if mmsi_text.len() == 9 && mmsi_text.bytes().all(|b| b.is_ascii_digit()) => {
                Some(m)
            }
            _ => {
                errs.push(field("mmsi", "MMSI 须为 9 位数字", "MMSI must be 9 digits"));
                None
            }
        };
        if let Some(m) = mmsi {
            if let Some(existing) = self.store.find_vessel_by_mmsi_unscoped(m).await? {
                if Some(existing.id) != editing {
                    errs.push(Self::duplicate_mmsi(ctx, "mmsi", m, &existing));
                }
            }
        }
        let name = input.name.trim().to_string();
        if name.chars().count() > 60 {
            errs.push(field(
                "name",
                "船名不能超过 60 个字符",
                "name must be at most 60 characters",
            ));
        }
        if !VESSEL_KINDS.contains(&input.kind.trim()) {
            errs.push(field("kind", "请选择船舶类型", "choose a vessel kind"));
        }
        let flag = input.flag.trim().to_ascii_uppercase();
        if !(flag.len() == 2 && flag.bytes().all(|b| b.is_ascii_uppercase())) {
            errs.push(field(
                "flag",
                "船旗须为两位国家代码（如 CN）",
                "flag must be a 2-letter country code (e.g. CN)",
            ));
        }
        let owner_kind = OwnerKind::parse(input.owner_kind.trim());
        if owner_kind.is_none() {
            errs.push(field(
                "owner_kind",
                "请选择船东类型（企业或个人）",
                "choose the owner kind (enterprise or individual)",
            ));
        }
        let owner_phone = if input.owner_phone.trim().is_empty() {
            Some(String::new())
        } else {
            check_phone("owner_phone", &input.owner_phone)
                .map_err(|e| errs.push(e))
                .ok()
        };
        let registry_no = input.registry_no.trim().to_string();
        let stateless = match input.stateless.trim() {
            "" if name.is_empty() && registry_no.is_empty() => Some(StatelessStatus::Candidate),
            "" => Some(StatelessStatus::Normal),
            s => StatelessStatus::parse(s).or_else(|| {
                errs.push(field(
                    "stateless",
                    "三无状态无效",
                    "unknown stateless status",
                ));
                None
            }),
        };
        if stateless == Some(StatelessStatus::Normal) && name.is_empty() && registry_no.is_empty() {
            errs.push(field(
                "stateless",
                "无船名且无登记号的船舶不能标为正常登记（三无嫌疑）",
                "a vessel with no name and no registry number cannot be marked registered (suspected stateless)",
            ));
        }
        for (f, v, max) in [
            ("home_port", &input.home_port, 60),
            ("owner_name", &input.owner_name, 100),
            ("owner_contact", &input.owner_contact, 60),
            ("notes", &input.notes, 2000),
        ] {
            if v.trim().chars().count() > max {
                errs.push(field(
                    f,
                    format!("{f} 不能超过 {max} 个字符"),
                    format!("{f} must be at most {max} characters"),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(region), Some(mmsi), Some(owner_kind), Some(owner_phone), Some(stateless)) =
            (region, mmsi, owner_kind, owner_phone, stateless)
        else {
            return Err(WorkflowError::NotFound);
        };
        Ok(VesselWrite {
            region_id: region.id,
            mmsi,
            name,
            kind: input.kind.trim().to_string(),
            flag,
            international: input.international,
            home_port: input.home_port.trim().to_string(),
            owner_kind,
            owner_name: input.owner_name.trim().to_string(),
            owner_contact: input.owner_contact.trim().to_string(),
            owner_phone,
            registry_no,
            stateless,
            notes: input.notes.trim().to_string(),
        })
    }

    fn conflict_to_invalid(e: StoreError) -> WorkflowError {
        match e {
            StoreError::Conflict(m) => {
                WorkflowError::invalid(field("mmsi", format!("MMSI 已登记（{m}）"), m))
            }
            other => other.into(),
        }
    }

    pub async fn create_vessel(&self, ctx: &Ctx, input: &VesselInput) -> WorkflowResult<Vessel> {
        Self::require_writer(ctx)?;
        let write = self.check_vessel(ctx, input, None).await?;
        let now = self.clock.now();
        let mut created = self
            .store
            .create_vessels(
                &ctx.actor(),
                now,
                &[NewVessel {
                    vessel: write,
                    token: random_token(),
                    token_expires_at: now + TOKEN_TTL,
                }],
            )
            .await
            .map_err(Self::conflict_to_invalid)?;
        let v = created.remove(0);
        self.announce(RegistryChange::Vessel(v.clone()));
        Ok(v)
    }

    pub async fn update_vessel(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &VesselInput,
    ) -> WorkflowResult<Vessel> {
        Self::require_writer(ctx)?;
        self.store.get_vessel(&ctx.scope, id).await?;
        let write = self.check_vessel(ctx, input, Some(id)).await?;
        let v = self
            .store
            .update_vessel(&ctx.actor(), self.clock.now(), id, &write)
            .await
            .map_err(Self::conflict_to_invalid)?;
        self.announce(RegistryChange::Vessel(v.clone()));
        Ok(v)
    }

    /// Imports the FORMATS.md registry CSV into one region: every bad line is
    /// listed (format, duplicates in the file, MMSIs already registered) and
    /// nothing is written unless every line is good.
    pub async fn import_vessels(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        csv: &str,
    ) -> WorkflowResult<Vec<Vessel>> {
        Self::require_writer(ctx)?;
        let mut errs = Vec::new();
        let region = self.region_in_scope(ctx, region_id, &mut errs).await?;
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let Some(region) = region else {
            return Err(WorkflowError::NotFound);
        };
        if csv.trim().is_empty() {
            return Err(WorkflowError::invalid(field(
                "file",
                "请选择或粘贴 CSV 文件",
                "choose or paste a CSV file",
            )));
        }
        let (records, mut errors): (Vec<VesselRecord>, Vec<FieldError>) =
            match Registry::parse_rows(csv, "CSV") {
                Ok(r) => (r, Vec::new()),
                Err(errs) => {
                    // Lines that parse are still checked against the registry below,
                    // so one pass lists every problem.
                    let bad_lines: std::collections::HashSet<String> =
                        errs.iter().map(|e| e.location.clone()).collect();
                    let good = good_rows(csv, &bad_lines);
                    (good, errs.iter().map(load_error).collect())
                }
            };
        let lines = csv_lines_by_mmsi(csv);
        for r in &records {
            if let Some(existing) = self
                .store
                .find_vessel_by_mmsi_unscoped(i64::from(r.mmsi))
                .await?
            {
                let line = lines.get(&r.mmsi).copied().unwrap_or(0);
                let e = Self::duplicate_mmsi(
                    ctx,
                    &format!("line {line}"),
                    i64::from(r.mmsi),
                    &existing,
                );
                errors.push(FieldError::new(
                    e.field.clone(),
                    format!("第 {line} 行，字段 mmsi：{}", e.zh),
                    format!("line {line}, field mmsi: {}", e.en),
                ));
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| {
                e.field
                    .trim_start_matches("line ")
                    .parse::<usize>()
                    .unwrap_or(0)
            });
            return Err(WorkflowError::Invalid(errors));
        }
        let now = self.clock.now();
        let new: Vec<NewVessel> = records
            .iter()
            .map(|r| NewVessel {
                vessel: vessel_write_of(region.id, r),
                token: random_token(),
                token_expires_at: now + TOKEN_TTL,
            })
            .collect();
        let created = self
            .store
            .create_vessels(&ctx.actor(), now, &new)
            .await
            .map_err(Self::conflict_to_invalid)?;
        for v in &created {
            self.announce(RegistryChange::Vessel(v.clone()));
        }
        Ok(created)
    }

    /// The caller's vessels as the FORMATS.md registry CSV (re-importable).
    pub async fn export_vessels(&self, ctx: &Ctx) -> WorkflowResult<String> {
        let list = self
            .store
            .list_vessels(
                &ctx.scope,
                &VesselFilter {
                    limit: i64::MAX,
                    ..VesselFilter::default()
                },
            )
            .await?;
        let records: Vec<VesselRecord> = list.iter().filter_map(engine_vessel).collect();
        Ok(jinghai_engine::registry_csv(&records))
    }

    pub async fn attach_photo(
        &self,
        ctx: &Ctx,
        id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> WorkflowResult<VesselPhoto> {
        Self::require_writer(ctx)?;
        self.store.get_vessel(&ctx.scope, id).await?;
        let name = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim();
        let name = required_text("file", name, 120).map_err(WorkflowError::invalid)?;
        let ctype =
            jinghai_domain::risk::check_evidence(&name, bytes).map_err(WorkflowError::invalid)?;
        if !ctype.starts_with("image/") {
            return Err(WorkflowError::invalid(field(
                "file",
                "船舶照片须为 jpg 或 png 图片",
                "a vessel photo must be a jpg or png image",
            )));
        }
        Ok(self
            .store
            .add_vessel_photo(&ctx.actor(), self.clock.now(), id, &name, ctype, bytes)
            .await?)
    }

    pub async fn photo(&self, ctx: &Ctx, id: i64) -> WorkflowResult<(VesselPhoto, Vec<u8>)> {
        Ok(self.store.get_vessel_photo(&ctx.scope, id).await?)
    }

    /// Issues a new captain's token: the old vessel code stops working.
    pub async fn rotate_token(&self, ctx: &Ctx, id: i64) -> WorkflowResult<CaptainToken> {
        Self::require_writer(ctx)?;
        self.store.get_vessel(&ctx.scope, id).await?;
        let now = self.clock.now();
        Ok(self
            .store
            .set_vessel_token(&ctx.actor(), now, id, &random_token(), now + TOKEN_TTL)
            .await?)
    }

    /// The vessel a captain's token opens. A wrong or expired token is
    /// refused and counted against the address and the vessel; too many
    /// failures block both for a while.
    pub async fn captain_vessel(
        &self,
        vessel_id: i64,
        token: &str,
        addr: &str,
    ) -> WorkflowResult<Vessel> {
        let now = self.clock.now();
        let (addr_key, vessel_key) = (format!("addr:{addr}"), format!("vessel:{vessel_id}"));
        let store = &*self.store;
        let limited = match blocked(
            store,
            &addr_key,
            TOKEN_FAILURES_PER_ADDRESS,
            now,
            TOKEN_WINDOW,
        )
        .await?
        {
            Some(secs) => Some(secs),
            None => {
                blocked(
                    store,
                    &vessel_key,
                    TOKEN_FAILURES_PER_VESSEL,
                    now,
                    TOKEN_WINDOW,
                )
                .await?
            }
        };
        if let Some(retry_after_secs) = limited {
            return Err(WorkflowError::RateLimited { retry_after_secs });
        }
        let keys = [addr_key.as_str(), vessel_key.as_str()];
        let fail = |zh: &'static str, en: &'static str| async move {
            if let Err(e) = store.record_attempts(&keys, now).await {
                return WorkflowError::from(e);
            }
            WorkflowError::forbidden(zh, en)
        };
        let stored = match self.store.vessel_token_unscoped(vessel_id).await {
            Ok(t) => t,
            Err(StoreError::NotFound) => {
                return Err(fail(
                    "船舶码无效：请扫描船上张贴的最新船舶专属码",
                    "invalid vessel code: scan the current code posted on the vessel",
                )
                .await)
            }
            Err(e) => return Err(e.into()),
        };
        if token.is_empty() || !constant_time_eq(token, &stored.token) {
            return Err(fail(
                "船舶码无效或已更换：请扫描船上张贴的最新船舶专属码，或联系渔港管理人员",
                "invalid or replaced vessel code: scan the current code posted on the vessel, or ask the fishing-port office",
            )
            .await);
        }
        if stored.expires_at <= now {
            return Err(fail(
                "船舶码已过期：请联系渔港管理人员更换船舶专属码",
                "this vessel code has expired: ask the fishing-port office for a new one",
            )
            .await);
        }
        Ok(self.store.get_vessel_unscoped(vessel_id).await?)
    }

    // --- port reports ---

    async fn check_report(
        &self,
        vessel: &Vessel,
        input: &ReportInput,
    ) -> WorkflowResult<PortReportWrite> {
        let mut errs = Vec::new();
        if vessel.kind != "fishing" {
            errs.push(field(
                "mmsi",
                "进出港报告仅适用于渔船",
                "port reports are for fishing vessels",
            ));
        }
        let kind = ReportKind::parse(input.kind.trim());
        if kind.is_none() {
            errs.push(field(
                "kind",
                "请选择出港或进港",
                "choose departure or arrival",
            ));
        }
        let port_code = input.port_code.trim().to_string();
        let places = self
            .store
            .list_places(&system_scope(district_of(&vessel.region_code)))
            .await?;
        match places.iter().find(|p| p.code == port_code) {
            Some(p) if p.kind == "fishing_port" => {}
            _ => errs.push(field("port_code", format!("渔港 {port_code:?} 不存在：请选择本辖区登记的渔港"), format!("fishing port {port_code:?} does not exist: choose a registered fishing port of the district"))),
        }
        let now = self.clock.now();
        let reported_at = if input.reported_at.trim().is_empty() {
            Some(now)
        } else {
            match parse_local_time(&input.reported_at) {
                Some(t) if t <= now + 10 * MINUTE => Some(t),
                Some(_) => {
                    errs.push(field(
                        "reported_at",
                        "报告时间不能晚于现在",
                        "the report time cannot be in the future",
                    ));
                    None
                }
                None => {
                    errs.push(field(
                        "reported_at",
                        "报告时间格式应为 YYYY-MM-DDTHH:MM",
                        "report time must be YYYY-MM-DDTHH:MM",
                    ));
                    None
                }
            }
        };
        let mut persons = Vec::new();
        for (i, p) in input.persons.iter().enumerate() {
            if p.name.trim().is_empty()
                && p.id_number.trim().is_empty()
                && p.phone.trim().is_empty()
            {
                continue;
            }
            let n = i + 1;
            let name = required_text(&format!("persons[{n}].name"), &p.name, 50)
                .map_err(|e| errs.push(e))
                .ok();
            let id = check_id_number(&format!("persons[{n}].id_number"), &p.id_number)
                .map_err(|e| {
                    errs.push(FieldError::new(
                        e.field.clone(),
                        format!("第 {n} 人：{}", e.zh),
                        format!("person {n}: {}", e.en),
                    ))
                })
                .ok();
            let phone = check_phone(&format!("persons[{n}].phone"), &p.phone)
                .map_err(|e| {
                    errs.push(FieldError::new(
                        e.field.clone(),
                        format!("第 {n} 人：{}", e.zh),
                        format!("person {n}: {}", e.en),
                    ))
                })
                .ok();
            if let (Some(name), Some(id_number), Some(phone)) = (name, id, phone) {
                persons.push(PersonAboard {
                    name,
                    id_number,
                    phone,
                });
            }
        }
        if persons.is_empty() && errs.iter().all(|e| !e.field.starts_with("persons")) {
            errs.push(field(
                "persons",
                "请至少填写一名在船人员（姓名、身份证号、电话）",
                "list at least one person aboard (name, ID number, phone)",
            ));
        }
        let arrival = kind == Some(ReportKind::Arrival);
        let itinerary = input.itinerary.trim().to_string();
        let contact_history = input.contact_history.trim().to_string();
        if arrival && itinerary.is_empty() {
            errs.push(field(
                "itinerary",
                "进港报告须填写在船人员的行程",
                "an arrival report needs the persons' itinerary",
            ));
        }
        if arrival && contact_history.is_empty() {
            errs.push(field(
                "contact_history",
                "进港报告须填写接触史（无则填“无”）",
                "an arrival report needs the contact history (write “none” if none)",
            ));
        }
        for (f, v) in [
            ("itinerary", &itinerary),
            ("contact_history", &contact_history),
        ] {
            if v.chars().count() > 2000 {
                errs.push(field(
                    f,
                    format!("{f} 不能超过 2000 个字符"),
                    format!("{f} must be at most 2000 characters"),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(kind), Some(reported_at)) = (kind, reported_at) else {
            return Err(WorkflowError::NotFound);
        };
        Ok(PortReportWrite {
            vessel_id: Some(vessel.id),
            region_id: vessel.region_id,
            mmsi: vessel.mmsi,
            kind,
            port_code,
            reported_at,
            persons_aboard: Some(persons.len() as i64),
            itinerary: if arrival { itinerary } else { String::new() },
            contact_history: if arrival {
                contact_history
            } else {
                String::new()
            },
            source: String::new(),
            persons,
        })
    }

    async fn file_report(
        &self,
        actor: &Actor,
        mut write: PortReportWrite,
        source: &str,
    ) -> WorkflowResult<PortReport> {
        write.source = source.to_string();
        let mut created = self
            .store
            .create_port_reports(actor, self.clock.now(), &[write])
            .await?;
        let r = created.remove(0);
        self.announce(RegistryChange::PortReport(r.clone()));
        Ok(r)
    }

    /// An officer files a report for a vessel of their regions.
    pub async fn create_report(
        &self,
        ctx: &Ctx,
        input: &ReportInput,
    ) -> WorkflowResult<PortReport> {
        Self::require_writer(ctx)?;
        let mmsi = input.mmsi.trim().parse::<i64>().ok();
        let vessel = match mmsi {
            Some(m) => match self.store.find_vessel_by_mmsi_unscoped(m).await? {
                Some(v) if ctx.scope.covers_region(&v.region_code) => Some(v),
                _ => None,
            },
            None => None,
        };
        let Some(vessel) = vessel else {
            return Err(WorkflowError::invalid(field(
                "mmsi",
                "该 MMSI 的渔船不在您辖区的船舶档案中",
                "no vessel with this MMSI in your regions' registry",
            )));
        };
        let write = self.check_report(&vessel, input).await?;
        self.file_report(&ctx.actor(), write, "officer").await
    }

    /// The captain files a report from the vessel code page, with its token.
    pub async fn captain_report(
        &self,
        vessel_id: i64,
        token: &str,
        addr: &str,
        input: &ReportInput,
    ) -> WorkflowResult<PortReport> {
        let vessel = self.captain_vessel(vessel_id, token, addr).await?;
        let write = self.check_report(&vessel, input).await?;
        let actor = Actor::system(&format!(
            "船长 captain of {} (MMSI {}, vessel code)",
            vessel.name, vessel.mmsi
        ));
        self.file_report(&actor, write, "captain").await
    }

    /// Reports made in a day range (China Standard Time, inclusive).
    pub async fn reports(&self, ctx: &Ctx, from: Day, to: Day) -> WorkflowResult<Vec<PortReport>> {
        let (a, b) = day_range(from, to);
        Ok(self.store.list_port_reports(&ctx.scope, a, b).await?)
    }

    pub async fn report(&self, ctx: &Ctx, id: i64) -> WorkflowResult<PortReport> {
        Ok(self.store.get_port_report(&ctx.scope, id).await?)
    }

    /// The fishing ports of a district a captain or officer may report at.
    pub async fn fishing_ports(&self, region_code: &str) -> WorkflowResult<Vec<Place>> {
        let mut places = self
            .store
            .list_places(&system_scope(district_of(region_code)))
            .await?;
        places.retain(|p| p.kind == "fishing_port");
        Ok(places)
    }

    /// AIS port entries without an arrival report, and arrival reports without
    /// an AIS entry, for `region_id` (default: the caller's whole scope) and a
    /// day range. The window is the engine's rule (FORMATS.md): a report made
    /// within [entry − 24 h, entry + 15 min] covers an entry.
    pub async fn reconcile(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        from: Day,
        to: Day,
    ) -> WorkflowResult<Reconciliation> {
        let scope = match region_id {
            Some(id) => {
                let region = self.store.get_region(&ctx.scope, id).await?;
                Scope {
                    region_prefix: region.code.scope_prefix(region.level).to_string(),
                    ..ctx.scope.clone()
                }
            }
            None => ctx.scope.clone(),
        };
        let cfg = jinghai_engine::EngineConfig::default().unreported_port_entry;
        let before = (cfg.report_before_min * MINUTE as f64) as Millis;
        let after = (cfg.report_after_min * MINUTE as f64) as Millis;
        let (a, b) = day_range(from, to);
        let entries = self.store.list_port_entries(&scope, a, b).await?;
        // Reports just outside the day range may still cover entries inside it.
        let reports = self
            .store
            .list_port_reports(&scope, a - before, b + before)
            .await?;
        let arrivals: Vec<&PortReport> = reports
            .iter()
            .filter(|r| r.kind == ReportKind::Arrival)
            .collect();
        let covers = |r: &PortReport, e: &PortEntry| {
            r.mmsi == e.mmsi
                && r.port_code == e.port_code
                && r.reported_at >= e.entry_at - before
                && r.reported_at <= e.entry_at + after
        };
        let entries_without_report: Vec<PortEntry> = entries
            .iter()
            .filter(|e| !arrivals.iter().any(|r| covers(r, e)))
            .cloned()
            .collect();
        let all_entries = self
            .store
            .list_port_entries(&scope, a - after, b + before)
            .await?;
        let now = self.clock.now();
        let reports_without_entry: Vec<(PortReport, bool)> = arrivals
            .iter()
            .filter(|r| r.reported_at >= a && r.reported_at <= b)
            .filter(|r| !all_entries.iter().any(|e| covers(r, e)))
            .map(|r| ((*r).clone(), now < r.reported_at + before))
            .collect();
        let mut alerts = self.store.list_alerts(&scope, 5000).await?;
        alerts.retain(|x| {
            x.kind == "unreported_port_entry"
                && x.start_at >= a
                && x.start_at <= b
                && scope.covers_region(&x.region_code)
        });
        Ok(Reconciliation {
            entries_without_report,
            reports_without_entry,
            alerts,
            reports: arrivals
                .iter()
                .filter(|r| r.reported_at >= a && r.reported_at <= b)
                .count(),
            entries: entries.len(),
        })
    }

    // --- places ---

    pub async fn places(&self, ctx: &Ctx) -> WorkflowResult<Vec<Place>> {
        Ok(self.store.list_places(&ctx.scope).await?)
    }

    pub async fn place(&self, ctx: &Ctx, id: i64) -> WorkflowResult<Place> {
        Ok(self.store.get_place(&ctx.scope, id).await?)
    }

    fn require_office(ctx: &Ctx) -> WorkflowResult<()> {
        if is_office(ctx) {
            Ok(())
        } else {
            Err(WorkflowError::forbidden(
                "重点场所与区域由专班办公室维护",
                "the task-force office maintains places and zones",
            ))
        }
    }

    async fn check_place(&self, ctx: &Ctx, input: &PlaceInput) -> WorkflowResult<PlaceWrite> {
        let mut errs = Vec::new();
        let region = self
            .region_in_scope(ctx, input.region_id, &mut errs)
            .await?;
        let code = input.code.trim().to_string();
        if code.is_empty() || code.chars().count() > 40 || code.contains(char::is_whitespace) {
            errs.push(field(
                "code",
                "编号为必填项（40 字以内，不含空格）",
                "id is required (up to 40 characters, no spaces)",
            ));
        }
        let name = required_text("name", &input.name, 100)
            .map_err(|e| errs.push(e))
            .ok();
        let kind = input.kind.trim().to_string();
        let zone = is_zone_kind(&kind);
        if !zone && PointKind::parse(&kind).is_none() {
            errs.push(field("kind", "请选择场所类型", "choose a kind of place"));
        }
        let applies_to = Some(input.applies_to.trim().to_string()).filter(|a| !a.is_empty());
        let geometry: Option<Value> = match serde_json::from_str::<Value>(&input.geometry) {
            Ok(v) if v.is_object() => Some(v),
            _ => {
                errs.push(field(
                    "geometry",
                    "请在地图上绘制场所（几何图形缺失或无法解析）",
                    "draw the place on the map (the geometry is missing or unreadable)",
                ));
                None
            }
        };
        let mut first = None;
        if let (Some(g), Some(name)) = (&geometry, &name) {
            if zone {
                // The ring rule first, for its bilingual reason; then the engine's
                // own loader, which is the authority on what a zone is.
                if let Some(problem) = ring_problem(g) {
                    errs.push(problem);
                } else {
                    let mut props = serde_json::json!({"id": code, "name": name, "kind": kind});
                    if let Some(a) = &applies_to {
                        props["applies_to"] = Value::String(a.clone());
                    }
                    let feature =
                        serde_json::json!({"type": "Feature", "properties": props, "geometry": g});
                    if let Err(e) = Zone::from_feature(&feature, 0, "place") {
                        if e.field != "id" || !code.is_empty() {
                            errs.push(FieldError::new(
                                if e.field == "id" {
                                    "code".to_string()
                                } else {
                                    e.field.clone()
                                },
                                zh_reason(&e.field, &e.message),
                                e.message.clone(),
                            ));
                        }
                    }
                }
            } else if g.get("type").and_then(Value::as_str) != Some("Point") {
                errs.push(field(
                    "geometry",
                    "风险点须为地图上的一个点",
                    "a risk point must be a single point on the map",
                ));
            } else if !first_position(g).is_some_and(valid_position) {
                errs.push(field(
                    "geometry",
                    "坐标无效（经度 ±180、纬度 ±90）",
                    "invalid position (longitude ±180, latitude ±90)",
                ));
            }
            first = first_position(g);
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (Some(region), Some(name), Some(g), Some(first)) = (region, name, geometry, first)
        else {
            return Err(WorkflowError::NotFound);
        };
        Ok(PlaceWrite {
            region_id: region.id,
            code,
            name,
            applies_to: if zone { applies_to } else { None },
            kind,
            geometry: g.to_string(),
            lat: first[1],
            lon: first[0],
            notes: input.notes.trim().to_string(),
        })
    }

    fn place_conflict(e: StoreError) -> WorkflowError {
        match e {
            StoreError::Conflict(m) => {
                WorkflowError::invalid(field("code", "本辖区已有相同编号的场所", m))
            }
            other => other.into(),
        }
    }

    fn announce_places(&self, region_code: &str) {
        self.announce(RegistryChange::Places {
            district: district_of(region_code).to_string(),
        });
    }

    pub async fn create_place(&self, ctx: &Ctx, input: &PlaceInput) -> WorkflowResult<Place> {
        Self::require_office(ctx)?;
        let write = self.check_place(ctx, input).await?;
        let p = self
            .store
            .create_place(&ctx.actor(), self.clock.now(), &write)
            .await
            .map_err(Self::place_conflict)?;
        self.announce_places(&p.region_code);
        Ok(p)
    }

    pub async fn update_place(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &PlaceInput,
    ) -> WorkflowResult<Place> {
        Self::require_office(ctx)?;
        let before = self.store.get_place(&ctx.scope, id).await?;
        let write = self.check_place(ctx, input).await?;
        let p = self
            .store
            .update_place(&ctx.actor(), self.clock.now(), id, &write)
            .await
            .map_err(Self::place_conflict)?;
        self.announce_places(&before.region_code);
        if district_of(&before.region_code) != district_of(&p.region_code) {
            self.announce_places(&p.region_code);
        }
        Ok(p)
    }

    pub async fn delete_place(&self, ctx: &Ctx, id: i64) -> WorkflowResult<()> {
        Self::require_office(ctx)?;
        let p = self.store.get_place(&ctx.scope, id).await?;
        self.store
            .delete_place(&ctx.actor(), self.clock.now(), id)
            .await?;
        self.announce_places(&p.region_code);
        Ok(())
    }

    /// Imports a FORMATS.md zone file (risk points as Point features with
    /// their kind are accepted too) into one region: every bad feature is
    /// listed with its index and reason and nothing is written unless all are
    /// good; a feature whose id exists in the district updates that place.
    pub async fn import_places(
        &self,
        ctx: &Ctx,
        region_id: Option<i64>,
        text: &str,
    ) -> WorkflowResult<ImportCounts> {
        Self::require_office(ctx)?;
        let mut errs = Vec::new();
        let region = self.region_in_scope(ctx, region_id, &mut errs).await?;
        let Some(region) = region else {
            return Err(WorkflowError::Invalid(errs));
        };
        let doc: Value = serde_json::from_str(text).map_err(|e| {
            WorkflowError::invalid(field(
                "file",
                format!("文件不是有效的 JSON：{e}"),
                format!("not valid JSON: {e}"),
            ))
        })?;
        let Some(features) = doc
            .get("features")
            .and_then(Value::as_array)
            .filter(|_| doc.get("type").and_then(Value::as_str) == Some("FeatureCollection"))
        else {
            return Err(WorkflowError::invalid(field(
                "file",
                "须为 GeoJSON FeatureCollection",
                "expected a GeoJSON FeatureCollection",
            )));
        };
        let mut rows = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, f) in features.iter().enumerate() {
            let props = f.get("properties").cloned().unwrap_or(Value::Null);
            let text_of = |k: &str| {
                props
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let kind = text_of("kind");
            let result = if PointKind::parse(&kind).is_some() {
                let input = PlaceInput {
                    region_id: Some(region.id),
                    code: text_of("id"),
                    name: text_of("name"),
                    kind,
                    applies_to: String::new(),
                    geometry: f.get("geometry").map(Value::to_string).unwrap_or_default(),
                    notes: text_of("notes"),
                };
                self.check_place(ctx, &input).await.map_err(|e| match e {
                    WorkflowError::Invalid(list) => list,
                    other => vec![field(
                        "file",
                        other.user_message(jinghai_domain::Lang::Zh),
                        other.user_message(jinghai_domain::Lang::En),
                    )],
                })
            } else {
                Zone::from_feature(f, i, "GeoJSON")
                    .map(|z| zone_write(region.id, &z))
                    .map_err(|e| vec![load_error(&e)])
            };
            match result {
                Ok(w) if !seen.insert(w.code.clone()) => errs.push(field(
                    &format!("feature {i}"),
                    format!("第 {i} 个要素：id {:?} 重复", w.code),
                    format!("feature {i}: duplicate id {:?}", w.code),
                )),
                Ok(w) => rows.push(w),
                Err(list) => errs.extend(list.into_iter().map(|e| {
                    if e.field.starts_with("feature") {
                        e
                    } else {
                        FieldError::new(
                            format!("feature {i}"),
                            format!("第 {i} 个要素，字段 {}：{}", e.field, e.zh),
                            format!("feature {i}, field {}: {}", e.field, e.en),
                        )
                    }
                })),
            }
        }
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let counts = self
            .store
            .import_places(&ctx.actor(), self.clock.now(), &rows)
            .await
            .map_err(Self::place_conflict)?;
        self.announce_places(region.code.as_str());
        Ok(counts)
    }

    /// The caller's places as a GeoJSON FeatureCollection: the zones in the
    /// FORMATS.md form (what `jinghai replay` reads), and the risk points too
    /// when `with_points` (Point features with their kind; the engine's zone
    /// loader does not take those).
    pub async fn export_places(&self, ctx: &Ctx, with_points: bool) -> WorkflowResult<String> {
        let places = self.store.list_places(&ctx.scope).await?;
        let features: Vec<Value> = places
            .iter()
            .filter(|p| with_points || is_zone_kind(&p.kind))
            .map(place_feature)
            .collect();
        Ok(serde_json::json!({"type": "FeatureCollection", "features": features}).to_string())
    }
}

/// UTC bounds of a day range in China Standard Time.
fn day_range(from: Day, to: Day) -> (Millis, Millis) {
    let start = from as i64 * DAY - 8 * HOUR;
    let end = (to as i64 + 1) * DAY - 8 * HOUR - 1;
    (start, end)
}

/// Parses `YYYY-MM-DD`, or `default` when empty.
pub fn day_or(s: &str, default: Day) -> Option<Day> {
    if s.trim().is_empty() {
        Some(default)
    } else {
        parse_day(s.trim())
    }
}

/// The first invalid ring of a Polygon/MultiPolygon geometry, with the
/// domain's bilingual reason.
fn ring_problem(g: &Value) -> Option<FieldError> {
    let polygons: Vec<&Value> = match g.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![g.get("coordinates")?],
        Some("MultiPolygon") => g.get("coordinates")?.as_array()?.iter().collect(),
        _ => return None,
    };
    for poly in polygons {
        for ring in poly.as_array()? {
            let pts: Option<Vec<[f64; 2]>> = ring
                .as_array()?
                .iter()
                .map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                .collect();
            let pts = pts?;
            if let Err(p) = check_ring(&pts) {
                return Some(field(
                    "geometry",
                    format!("多边形无效：{}", p.zh()),
                    format!("invalid polygon: {}", p.en()),
                ));
            }
        }
    }
    None
}

/// The registry rows whose lines had no error (so they can still be checked
/// against the stored registry in the same pass).
fn good_rows(csv: &str, bad_locations: &std::collections::HashSet<String>) -> Vec<VesselRecord> {
    // Re-parse line by line with the header: each good line alone is a valid file.
    let mut lines = csv.strip_prefix('\u{feff}').unwrap_or(csv).lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() || bad_locations.contains(&format!("line {}", i + 2)) {
            continue;
        }
        if let Ok(mut r) = Registry::parse_rows(&format!("{header}\n{line}\n"), "CSV") {
            out.append(&mut r);
        }
    }
    out
}

/// The line of each MMSI in a registry CSV (for naming duplicates of stored records).
fn csv_lines_by_mmsi(csv: &str) -> HashMap<u32, usize> {
    let text = csv.strip_prefix('\u{feff}').unwrap_or(csv);
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if let Some(m) = line
            .split(',')
            .next()
            .and_then(|m| m.trim().trim_matches('"').parse::<u32>().ok())
        {
            out.entry(m).or_insert(i + 1);
        }
    }
    out
}

/// Compares secrets without leaking where they differ through timing.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The daily report's 船舶管控 registry figures from the vessel registry
/// (船舶档案) of the district: fishing vessels on record, their owners
/// (enterprises and individuals, each counted once by name), and 三无
/// vessels whose record was marked seized that day. A district with no
/// fishing vessel on record gets no suggestion (the group types its own).
pub struct RegistryPrefill {
    store: Arc<dyn Store>,
}

impl RegistryPrefill {
    pub fn new(store: Arc<dyn Store>) -> RegistryPrefill {
        RegistryPrefill { store }
    }
}

#[async_trait::async_trait]
impl crate::reports::Prefill for RegistryPrefill {
    async fn suggest(
        &self,
        prefix: &str,
        day: jinghai_domain::report::Day,
    ) -> WorkflowResult<Vec<crate::reports::Suggestion>> {
        use jinghai_domain::registry::{OwnerKind, StatelessStatus};
        let scope = system_scope(prefix);
        let vessels = self
            .store
            .list_vessels(
                &scope,
                &jinghai_store::VesselFilter {
                    limit: 50_000,
                    ..Default::default()
                },
            )
            .await?;
        let fishing: Vec<_> = vessels.iter().filter(|v| v.kind == "fishing").collect();
        if fishing.is_empty() {
            return Ok(Vec::new());
        }
        let owners = |kind: OwnerKind| {
            fishing
                .iter()
                .filter(|v| v.owner_kind == kind && !v.owner_name.trim().is_empty())
                .map(|v| v.owner_name.trim())
                .collect::<std::collections::HashSet<_>>()
                .len() as i64
        };
        let (from, to) = (
            jinghai_domain::report::cst_hour(day, 0),
            jinghai_domain::report::cst_hour(day + 1, 0),
        );
        let seized = vessels
            .iter()
            .filter(|v| {
                v.stateless == StatelessStatus::Seized && (from..to).contains(&v.updated_at)
            })
            .count() as i64;
        let n = fishing.len() as i64;
        let suggestion = |key: &str, count: i64, zh: String, en: String, link: &str| {
            crate::reports::Suggestion {
                indicator: key.into(),
                value: count * 1000,
                source_zh: zh,
                source_en: en,
                link: Some(link.into()),
            }
        };
        Ok(vec![
            suggestion(
                "vc_fishing_vessels",
                n,
                format!("船舶档案：在册渔船 {n} 艘"),
                format!("vessel registry: {n} fishing vessels on record"),
                "/vessels?kind=fishing",
            ),
            suggestion(
                "vc_owners_enterprise",
                owners(OwnerKind::Enterprise),
                "船舶档案：在册渔船的企业船东（按名称计）".into(),
                "vessel registry: enterprise owners of fishing vessels (by name)".into(),
                "/vessels?kind=fishing",
            ),
            suggestion(
                "vc_owners_individual",
                owners(OwnerKind::Individual),
                "船舶档案：在册渔船的个人船东（按姓名计）".into(),
                "vessel registry: individual owners of fishing vessels (by name)".into(),
                "/vessels?kind=fishing",
            ),
            suggestion(
                "vc_stateless_seized",
                seized,
                "船舶档案：当日标记为“已查扣”的三无船舶".into(),
                "vessel registry: stateless vessels marked seized that day".into(),
                "/vessels?stateless=seized",
            ),
        ])
    }
}
