//! The risk list (风险清单) with close-out (销号): found → plan (measure,
//! responsible unit and person, deadline) → weekly progress → application
//! for close-out with evidence → the office's check → closed, or back to
//! rectifying with a comment. Overdue items and missing weekly updates are
//! flagged from the dates; nothing is closed without evidence and a check.

use std::sync::Arc;

use jinghai_domain::report::{day_of, parse_day, Day};
use jinghai_domain::risk::{
    check_evidence, Attachment, RiskCategory, RiskItem, RiskStatus, RiskUpdate, Severity,
};
use jinghai_domain::validate::required_text;
use jinghai_domain::{FieldError, Role};
use jinghai_store::{NewRisk, RiskPlace, RiskPlan, RiskTransition, Store, StoreError};

use crate::{Clock, Ctx, WorkflowError, WorkflowResult};

/// A risk as typed into the form.
#[derive(Debug, Clone, Default)]
pub struct RiskInput {
    pub region_id: Option<i64>,
    pub place: String,
    pub lat: String,
    pub lon: String,
    pub category: String,
    pub description: String,
    pub severity: String,
    pub found_by: String,
    pub found_on: String,
}

/// A plan as typed.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub measure: String,
    pub unit_id: Option<i64>,
    pub person: String,
    pub deadline: String,
}

/// A risk with its history.
#[derive(Debug, Clone)]
pub struct RiskDetail {
    pub risk: RiskItem,
    pub updates: Vec<RiskUpdate>,
    pub attachments: Vec<Attachment>,
    /// The caller may set the plan and check close-out (the office).
    pub can_manage: bool,
    /// The caller may report progress, attach evidence and apply for close-out.
    pub can_report: bool,
    /// The caller may move the risk on the map.
    pub can_place: bool,
}

pub struct Risks {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

fn field(f: &str, zh: impl Into<String>, en: impl Into<String>) -> FieldError {
    FieldError::new(f, zh, en)
}

/// A typed coordinate: empty is none; otherwise a number within ±`range`,
/// refused with a message that names the coordinate in words.
fn coordinate(name: &str, s: &str, range: f64) -> Result<Option<f64>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (zh, en) = if name == "lat" {
        ("纬度", "latitude")
    } else {
        ("经度", "longitude")
    };
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= range => Ok(Some(v)),
        Ok(v) if v.is_finite() => Err(field(
            name,
            format!("{zh} {s} 超出范围：须在 -{range} 到 {range} 之间"),
            format!("{en} {s} is out of range: it must be between -{range} and {range}"),
        )),
        _ => Err(field(
            name,
            format!("{zh}须为数字（-{range} 到 {range}），收到“{s}”"),
            format!("the {en} must be a number from -{range} to {range}, not “{s}”"),
        )),
    }
}

/// A position as typed: both coordinates or neither, each in range.
fn position(lat: &str, lon: &str, errs: &mut Vec<FieldError>) -> (Option<f64>, Option<f64>) {
    let lat = coordinate("lat", lat, 90.0)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    let lon = coordinate("lon", lon, 180.0)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    if lat.is_some() != lon.is_some() {
        errs.push(field(
            "lon",
            "经纬度须同时填写（或在地图上点选）",
            "give both latitude and longitude (or pick the place on the map)",
        ));
    }
    (lat, lon)
}

/// A risk's place as typed on its page (name and position on the map).
#[derive(Debug, Clone, Default)]
pub struct PlaceInput {
    pub place: String,
    pub lat: String,
    pub lon: String,
}

impl Risks {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Risks {
        Risks { store, clock }
    }

    pub fn today(&self) -> Day {
        day_of(self.clock.now())
    }

    fn is_office(ctx: &Ctx) -> bool {
        matches!(ctx.user.role, Role::TaskForceOffice | Role::Admin)
    }

    fn can_report(ctx: &Ctx, r: &RiskItem) -> bool {
        Self::is_office(ctx)
            || (ctx.user.role.can_write()
                && r.responsible_unit_id.is_some()
                && r.responsible_unit_id == ctx.user.unit_id)
    }

    pub async fn list(&self, ctx: &Ctx) -> WorkflowResult<Vec<RiskItem>> {
        Ok(self.store.list_risks(&ctx.scope).await?)
    }

    pub async fn detail(&self, ctx: &Ctx, id: i64) -> WorkflowResult<RiskDetail> {
        let risk = self.store.get_risk(&ctx.scope, id).await?;
        Ok(RiskDetail {
            updates: self.store.list_risk_updates(id).await?,
            attachments: self.store.list_risk_attachments(id).await?,
            can_manage: Self::is_office(ctx) && ctx.scope.covers_region(&risk.region_code),
            can_report: Self::can_report(ctx, &risk),
            can_place: Self::can_place(ctx, &risk),
            risk,
        })
    }

    pub async fn create(&self, ctx: &Ctx, input: &RiskInput) -> WorkflowResult<RiskItem> {
        if !ctx.user.role.can_write() {
            return Err(WorkflowError::forbidden(
                "只读账号不能登记风险",
                "read-only accounts cannot register risks",
            ));
        }
        let mut errs = Vec::new();
        let mut take = |r: Result<String, FieldError>| r.map_err(|e| errs.push(e)).ok();
        let place = take(required_text("place", &input.place, 100));
        let description = take(required_text("description", &input.description, 2000));
        let found_by = take(required_text("found_by", &input.found_by, 100));
        let (lat, lon) = position(&input.lat, &input.lon, &mut errs);
        let category = RiskCategory::parse(input.category.trim());
        if category.is_none() {
            errs.push(field("category", "请选择风险类别", "choose a category"));
        }
        let severity = Severity::parse(input.severity.trim());
        if severity.is_none() {
            errs.push(field("severity", "请选择风险等级", "choose a severity"));
        }
        let found_on = match input.found_on.trim() {
            "" => Some(self.today()),
            s => match parse_day(s) {
                Some(d) if d <= self.today() => Some(d),
                Some(_) => {
                    errs.push(field(
                        "found_on",
                        "发现日期不能晚于今天",
                        "the day found cannot be in the future",
                    ));
                    None
                }
                None => {
                    errs.push(field(
                        "found_on",
                        "日期格式应为 YYYY-MM-DD",
                        "date must be YYYY-MM-DD",
                    ));
                    None
                }
            },
        };
        let region = match input.region_id {
            None => {
                errs.push(field("region_id", "请选择所在区划", "choose a region"));
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
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let (
            Some(place),
            Some(description),
            Some(found_by),
            Some(category),
            Some(severity),
            Some(found_on),
            Some(region),
        ) = (
            place,
            description,
            found_by,
            category,
            severity,
            found_on,
            region,
        )
        else {
            return Err(WorkflowError::NotFound);
        };
        let new = NewRisk {
            region_id: region.id,
            place,
            lat,
            lon,
            category,
            description,
            severity,
            found_by,
            found_on,
        };
        Ok(self
            .store
            .create_risk(&ctx.actor(), self.clock.now(), &new)
            .await?)
    }

    /// Whether the caller may move a risk on the map: a writing account
    /// whose regions cover it, while it is not closed.
    fn can_place(ctx: &Ctx, r: &RiskItem) -> bool {
        ctx.user.role.can_write()
            && ctx.scope.covers_region(&r.region_code)
            && r.status != RiskStatus::Closed
    }

    /// Sets a risk's place name and its position (picked on the map or typed).
    pub async fn set_place(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &PlaceInput,
    ) -> WorkflowResult<RiskItem> {
        let risk = self.store.get_risk(&ctx.scope, id).await?;
        if !Self::can_place(ctx, &risk) {
            return Err(WorkflowError::forbidden(
                "只有辖区内的填报账号可以修改未销号风险的位置",
                "only a writing account of the risk's region can move a risk that is not closed",
            ));
        }
        let mut errs = Vec::new();
        let place = required_text("place", &input.place, 100)
            .map_err(|e| errs.push(e))
            .ok();
        let (lat, lon) = position(&input.lat, &input.lon, &mut errs);
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let Some(place) = place else {
            return Err(WorkflowError::NotFound);
        };
        Ok(self
            .store
            .set_risk_place(
                &ctx.actor(),
                self.clock.now(),
                id,
                &RiskPlace { place, lat, lon },
            )
            .await?)
    }

    /// The caller's risks for the live map: not closed, with a position.
    pub async fn on_map(&self, ctx: &Ctx) -> WorkflowResult<Vec<RiskItem>> {
        Ok(self
            .store
            .list_risks(&ctx.scope)
            .await?
            .into_iter()
            .filter(|r| r.status != RiskStatus::Closed && r.lat.is_some() && r.lon.is_some())
            .collect())
    }

    pub async fn plan(&self, ctx: &Ctx, id: i64, input: &PlanInput) -> WorkflowResult<RiskItem> {
        let risk = self.store.get_risk(&ctx.scope, id).await?;
        if !(Self::is_office(ctx) && ctx.scope.covers_region(&risk.region_code)) {
            return Err(WorkflowError::forbidden(
                "整改措施由专班办公室制定",
                "the task-force office sets the rectification plan",
            ));
        }
        if risk.status == RiskStatus::Closed {
            return Err(WorkflowError::forbidden(
                "已销号的风险不能修改",
                "a closed risk cannot be changed",
            ));
        }
        let mut errs = Vec::new();
        let measure = required_text("measure", &input.measure, 2000)
            .map_err(|e| errs.push(e))
            .ok();
        let person = required_text("person", &input.person, 50)
            .map_err(|e| errs.push(e))
            .ok();
        let deadline = match parse_day(input.deadline.trim()) {
            Some(d) if d >= risk.found_on => Some(d),
            Some(_) => {
                errs.push(field(
                    "deadline",
                    "整改时限不能早于发现日期",
                    "the deadline cannot be before the day found",
                ));
                None
            }
            None => {
                errs.push(field(
                    "deadline",
                    "请填写整改时限（YYYY-MM-DD）",
                    "give a deadline (YYYY-MM-DD)",
                ));
                None
            }
        };
        let unit = match input.unit_id {
            None => {
                errs.push(field(
                    "unit_id",
                    "请选择责任单位",
                    "choose the responsible unit",
                ));
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
        let (Some(measure), Some(person), Some(deadline), Some(unit)) =
            (measure, person, deadline, unit)
        else {
            return Err(WorkflowError::NotFound);
        };
        let plan = RiskPlan {
            measure,
            responsible_unit_id: unit,
            responsible_person: person,
            deadline,
        };
        Ok(self
            .store
            .set_risk_plan(&ctx.actor(), self.clock.now(), id, &plan)
            .await?)
    }

    async fn reportable(&self, ctx: &Ctx, id: i64) -> WorkflowResult<RiskItem> {
        let risk = self.store.get_risk(&ctx.scope, id).await?;
        if !Self::can_report(ctx, &risk) {
            return Err(WorkflowError::forbidden(
                "只有责任单位或专班办公室可以报送整改进展",
                "only the responsible unit or the office reports progress",
            ));
        }
        if risk.status != RiskStatus::Rectifying {
            return Err(WorkflowError::forbidden(
                "只有整改中的风险可以报送进展、上传材料或申请销号",
                "only a risk being rectified takes progress, evidence or a close-out application",
            ));
        }
        Ok(risk)
    }

    pub async fn weekly_update(
        &self,
        ctx: &Ctx,
        id: i64,
        progress: &str,
    ) -> WorkflowResult<RiskUpdate> {
        self.reportable(ctx, id).await?;
        let progress = required_text("progress", progress, 2000).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .add_risk_update(&ctx.actor(), self.clock.now(), id, self.today(), &progress)
            .await?)
    }

    pub async fn attach(
        &self,
        ctx: &Ctx,
        id: i64,
        file_name: &str,
        bytes: &[u8],
    ) -> WorkflowResult<Attachment> {
        self.reportable(ctx, id).await?;
        let name = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim();
        let name = required_text("file", name, 120).map_err(WorkflowError::invalid)?;
        let ctype = check_evidence(&name, bytes).map_err(WorkflowError::invalid)?;
        Ok(self
            .store
            .add_risk_attachment(&ctx.actor(), self.clock.now(), id, &name, ctype, bytes)
            .await?)
    }

    /// The responsible unit applies for close-out with evidence text; at
    /// least one evidence file must be attached.
    pub async fn apply_close(
        &self,
        ctx: &Ctx,
        id: i64,
        evidence: &str,
    ) -> WorkflowResult<RiskItem> {
        self.reportable(ctx, id).await?;
        let evidence = required_text("evidence", evidence, 4000).map_err(WorkflowError::invalid)?;
        if self.store.list_risk_attachments(id).await?.is_empty() {
            return Err(WorkflowError::invalid(field(
                "file",
                "申请销号须上传至少一份整改佐证材料（照片或文件）",
                "attach at least one evidence file (photo or document) to apply for close-out",
            )));
        }
        let t = RiskTransition {
            status: RiskStatus::PendingCheck,
            evidence: Some(evidence),
            check_comment: None,
            closed_on: None,
        };
        Ok(self
            .store
            .set_risk_status(&ctx.actor(), self.clock.now(), id, &t)
            .await?)
    }

    /// The office checks an application: closed (销号), or back to rectifying with a comment.
    pub async fn check(
        &self,
        ctx: &Ctx,
        id: i64,
        approve: bool,
        comment: &str,
    ) -> WorkflowResult<RiskItem> {
        let risk = self.store.get_risk(&ctx.scope, id).await?;
        if !(Self::is_office(ctx) && ctx.scope.covers_region(&risk.region_code)) {
            return Err(WorkflowError::forbidden(
                "销号验收由专班办公室进行",
                "the task-force office checks close-out",
            ));
        }
        if risk.status != RiskStatus::PendingCheck {
            return Err(WorkflowError::forbidden(
                "只有已申请销号的风险可以验收",
                "only a risk awaiting its check can be checked",
            ));
        }
        if !approve && comment.trim().is_empty() {
            return Err(WorkflowError::invalid(field(
                "comment",
                "不予销号须填写意见",
                "a rejection needs a comment",
            )));
        }
        let t = if approve {
            RiskTransition {
                status: RiskStatus::Closed,
                evidence: None,
                check_comment: Some(comment.trim().to_string()),
                closed_on: Some(self.today()),
            }
        } else {
            RiskTransition {
                status: RiskStatus::Rectifying,
                evidence: None,
                check_comment: Some(comment.trim().to_string()),
                closed_on: None,
            }
        };
        Ok(self
            .store
            .set_risk_status(&ctx.actor(), self.clock.now(), id, &t)
            .await?)
    }

    /// The attachment's bytes, if the caller may see its risk.
    pub async fn attachment(&self, ctx: &Ctx, id: i64) -> WorkflowResult<(Attachment, Vec<u8>)> {
        Ok(self.store.get_risk_attachment(&ctx.scope, id).await?)
    }
}
