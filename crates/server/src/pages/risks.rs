//! Risk list pages: the merged list of the caller's regions with flags, the
//! registration form, each item's plan, weekly progress, evidence and
//! close-out, and the exports.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jinghai_domain::report::format_day;
use jinghai_domain::risk::{RiskCategory, RiskItem, RiskStatus, Severity};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_workflow::risks::{PlaceInput, PlanInput, RiskInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm, SignedUpload};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub flag: Option<String>,
    pub saved: Option<String>,
}

fn status_badge(lang: Lang, r: &RiskItem, today: i32) -> Markup {
    html! {
        span.status data-status=(r.status.as_str()) { (lang.pick(r.status.zh(), r.status.en())) }
        @if r.overdue(today) { " " span.late data-flag="overdue" { (lang.pick("逾期", "overdue")) } }
        @if r.update_missing(today) { " " span.late data-flag="no-update" { (lang.pick("本周未报进展", "no update this week")) } }
    }
}

/// Leaflet and the risk map script, loaded from the binary.
fn map_assets() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet.css";
        script src="/assets/vendor/leaflet.js" {}
        script src="/assets/risk.js" defer {}
    }
}

/// The map picker inside a form: a click sets the latitude and longitude
/// fields; typed values move the marker (`assets/risk.js`).
fn picker(lang: Lang, form: &str, lat: &str, lon: &str) -> Markup {
    html! {
        div.wide {
            p { small { (t(lang, "risk.map.hint")) } }
            div.riskmap data-risk-map data-testid="risk-map" data-form=(form) data-lat0=(lat) data-lon0=(lon) style="height:300px;border:1px solid #c9d3dd" {}
            div.errors role="alert" data-testid="pick-error" hidden {}
        }
        label { (t(lang, "risk.lat")) input name="lat" value=(lat) size="10" inputmode="decimal"; }
        label { (t(lang, "risk.lon")) input name="lon" value=(lon) size="10" inputmode="decimal"; }
    }
}

fn coordinate_text(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

async fn unit_options(s: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, ApiError> {
    Ok(s.admin
        .units(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect())
}

pub async fn list(State(s): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    Ok(list_page(&s, &auth, &q, None, &RiskInput::default())
        .await?
        .into_response())
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    q: &ListQuery,
    err: Option<&WorkflowError>,
    typed: &RiskInput,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let today = s.risks.today();
    let all = s.risks.list(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let region_name = |id: i64| {
        regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    let units = unit_options(s, auth).await?;
    let unit_name = |id: Option<i64>| {
        id.and_then(|id| units.iter().find(|(k, _)| *k == id.to_string()))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let shown: Vec<&RiskItem> = all
        .iter()
        .filter(|r| {
            q.status
                .as_deref()
                .filter(|s| !s.is_empty())
                .is_none_or(|s| r.status.as_str() == s)
        })
        .filter(|r| match q.flag.as_deref() {
            Some("overdue") => r.overdue(today),
            Some("no-update") => r.update_missing(today),
            _ => true,
        })
        .collect();
    let count = |f: &dyn Fn(&RiskItem) -> bool| all.iter().filter(|r| f(r)).count();
    let statuses: Vec<(String, String)> = RiskStatus::ALL
        .iter()
        .map(|x| (x.as_str().into(), lang.pick(x.zh(), x.en()).into()))
        .collect();
    let categories: Vec<(String, String)> = RiskCategory::ALL
        .iter()
        .map(|x| (x.as_str().into(), lang.pick(x.zh(), x.en()).into()))
        .collect();
    let severities: Vec<(String, String)> = Severity::ALL
        .iter()
        .map(|x| (x.as_str().into(), lang.pick(x.zh(), x.en()).into()))
        .collect();
    let region_opts: Vec<(String, String)> = regions
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{}", "　".repeat(r.level as usize), r.name),
            )
        })
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.risks"),
        "nav.risks",
        html! {
            (map_assets())
            h1 { (t(lang, "nav.risks")) }
            @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            div.cards {
                a.card href="/risks" { h3 { (lang.pick("全部", "All")) } p.big { (all.len()) } }
                a.card href="/risks?status=rectifying" { h3 { (lang.pick("整改中", "Rectifying")) } p.big { (count(&|r| r.status == RiskStatus::Rectifying)) } }
                a.card href="/risks?flag=overdue" { h3 { (lang.pick("逾期未整改", "Overdue")) } p.big.red data-testid="overdue-count" { (count(&|r| r.overdue(today))) } }
                a.card href="/risks?flag=no-update" { h3 { (lang.pick("本周未报进展", "No update this week")) } p.big.red { (count(&|r| r.update_missing(today))) } }
                a.card href="/risks?status=closed" { h3 { (lang.pick("已销号", "Closed")) } p.big { (count(&|r| r.status == RiskStatus::Closed)) } }
            }
            p { a href="/risks/export.csv" { "CSV" } " · " a href="/risks/export.xlsx" { "XLSX" } }
            @if auth.ctx.user.role.can_write() {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("登记风险", "Register a risk")) }
                    form.grid method="post" action="/risks" data-testid="risk-form" {
                        (csrf_field(auth))
                        label { (lang.pick("所在区划", "Region")) (select("region_id", &region_opts, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("地点", "Place")) input name="place" value=(typed.place) size="24"; }
                        label { (lang.pick("类别", "Category")) (select("category", &categories, &typed.category, None)) }
                        label { (lang.pick("风险等级", "Severity")) (select("severity", &severities, &typed.severity, None)) }
                        (picker(lang, "form[data-testid=risk-form]", &typed.lat, &typed.lon))
                        label { (lang.pick("发现人/单位", "Found by")) input name="found_by" value=(typed.found_by); }
                        label { (lang.pick("发现日期", "Found on")) input type="date" name="found_on" value=(typed.found_on); }
                        label.wide { (lang.pick("风险描述", "Description")) textarea name="description" rows="2" { (typed.description) } }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
            }
            form.filters method="get" action="/risks" {
                label { (lang.pick("状态", "Status")) (select("status", &statuses, q.status.as_deref().unwrap_or(""), Some(t(lang, "common.all")))) }
                button type="submit" { (t(lang, "common.filter")) }
            }
            table data-testid="risks" {
                tr { th { "#" } th { (lang.pick("区划", "Region")) } th { (lang.pick("地点", "Place")) } th { (lang.pick("类别", "Category")) } th { (lang.pick("等级", "Severity")) } th { (lang.pick("责任单位", "Unit")) } th { (lang.pick("整改时限", "Deadline")) } th { (lang.pick("状态", "Status")) } }
                @for r in &shown {
                    tr data-risk=(r.id) {
                        td { a href=(format!("/risks/{}", r.id)) { (r.id) } }
                        td { (region_name(r.region_id)) }
                        td { a href=(format!("/risks/{}", r.id)) { (r.place) } }
                        td { (lang.pick(r.category.zh(), r.category.en())) }
                        td { (lang.pick(r.severity.zh(), r.severity.en())) }
                        td { (unit_name(r.responsible_unit_id)) }
                        td { (r.deadline.map(format_day).unwrap_or_default()) }
                        td { (status_badge(lang, r, today)) }
                    }
                }
            }
        },
    ))
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = RiskInput {
        region_id: form.id("region_id")?,
        place: form.get("place").into(),
        lat: form.get("lat").into(),
        lon: form.get("lon").into(),
        category: form.get("category").into(),
        description: form.get("description").into(),
        severity: form.get("severity").into(),
        found_by: form.get("found_by").into(),
        found_on: form.get("found_on").into(),
    };
    let result = s.risks.create(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        result,
        |r| format!("/risks/{}?saved=1", r.id),
        |e| async move { list_page(&s, auth, &ListQuery::default(), Some(&e), &input).await },
    )
    .await
}

pub async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<ListQuery>,
) -> PageResult {
    Ok(detail_page(&s, &auth, id, q.saved.is_some(), None, None)
        .await?
        .into_response())
}

async fn detail_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    saved: bool,
    err: Option<&WorkflowError>,
    typed_place: Option<&PlaceInput>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .risks
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let r = &d.risk;
    let today = s.risks.today();
    let units = unit_options(s, auth).await?;
    let unit_name = r
        .responsible_unit_id
        .and_then(|id| units.iter().find(|(k, _)| *k == id.to_string()))
        .map(|(_, n)| n.clone())
        .unwrap_or_default();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.risks"),
        "nav.risks",
        html! {
            p { a href="/risks" { "← " (t(lang, "nav.risks")) } }
            h1 { (r.place) " " (status_badge(lang, r, today)) }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            table.kv data-testid="risk" {
                tr { th { (lang.pick("类别", "Category")) } td { (lang.pick(r.category.zh(), r.category.en())) } th { (lang.pick("等级", "Severity")) } td { (lang.pick(r.severity.zh(), r.severity.en())) } }
                tr { th { (lang.pick("发现", "Found")) } td { (r.found_by) " · " (format_day(r.found_on)) } th { (lang.pick("位置", "Position")) } td data-testid="risk-position" { @if let (Some(lat), Some(lon)) = (r.lat, r.lon) { (format!("{lat:.5}, {lon:.5}")) } @else { (t(lang, "risk.map.none")) } } }
                tr { th { (lang.pick("描述", "Description")) } td colspan="3" { (r.description) } }
                tr { th { (lang.pick("整改措施", "Measure")) } td colspan="3" { (r.measure) } }
                tr { th { (lang.pick("责任单位", "Unit")) } td { (unit_name) } th { (lang.pick("责任人", "Person")) } td { (r.responsible_person) } }
                tr { th { (lang.pick("整改时限", "Deadline")) } td { (r.deadline.map(format_day).unwrap_or_default()) } th { (lang.pick("销号日期", "Closed on")) } td { (r.closed_on.map(format_day).unwrap_or_default()) } }
                @if !r.evidence.is_empty() { tr { th { (lang.pick("整改情况", "Evidence")) } td colspan="3" { (r.evidence) } } }
                @if !r.check_comment.is_empty() { tr { th { (lang.pick("验收意见", "Check")) } td colspan="3" { (r.check_comment) } } }
            }
            h2 { (t(lang, "risk.place.title")) }
            (map_assets())
            @if d.can_place {
                form.grid method="post" action=(format!("/risks/{}/place", r.id)) data-testid="place-form" {
                    (csrf_field(auth))
                    label { (lang.pick("地点", "Place")) input name="place" value=(typed_place.map(|p| p.place.clone()).unwrap_or_else(|| r.place.clone())) size="24"; }
                    (picker(lang, "form[data-testid=place-form]",
                        &typed_place.map(|p| p.lat.clone()).unwrap_or_else(|| coordinate_text(r.lat)),
                        &typed_place.map(|p| p.lon.clone()).unwrap_or_else(|| coordinate_text(r.lon))))
                    button type="submit" { (t(lang, "risk.place.save")) }
                }
            } @else if r.lat.is_some() {
                div.riskmap data-risk-map data-testid="risk-map" data-lat0=(coordinate_text(r.lat)) data-lon0=(coordinate_text(r.lon)) style="height:300px;border:1px solid #c9d3dd" {}
            }
            @if r.lat.is_some() && r.status != RiskStatus::Closed {
                p { a href="/map" data-testid="risk-live-map" { (t(lang, "risk.on_live_map")) } }
            }
            @if d.can_manage && r.status != RiskStatus::Closed {
                h2 { (lang.pick("整改措施与责任", "Plan and responsibility")) }
                form.grid method="post" action=(format!("/risks/{}/plan", r.id)) data-testid="plan-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("整改措施", "Measure")) textarea name="measure" rows="2" { (r.measure) } }
                    label { (lang.pick("责任单位", "Unit")) (select("unit_id", &units, &r.responsible_unit_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                    label { (lang.pick("责任人", "Person")) input name="person" value=(r.responsible_person); }
                    label { (lang.pick("整改时限", "Deadline")) input type="date" name="deadline" value=(r.deadline.map(format_day).unwrap_or_default()); }
                    button type="submit" { (t(lang, "common.save")) }
                }
            }
            @if d.can_report && r.status == RiskStatus::Rectifying {
                h2 { (lang.pick("每周整改进展", "Weekly progress")) }
                form.grid method="post" action=(format!("/risks/{}/updates", r.id)) data-testid="update-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("本周进展", "Progress this week")) textarea name="progress" rows="2" {} }
                    button type="submit" { (lang.pick("报送进展", "Report progress")) }
                }
                h2 { (lang.pick("佐证材料", "Evidence files")) }
                form.grid method="post" action=(format!("/risks/{}/files", r.id)) enctype="multipart/form-data" data-testid="file-form" {
                    (csrf_field(auth))
                    label { (lang.pick("照片或文件（jpg、png、pdf、docx、xlsx，10 MB 以内）", "Photo or document (jpg, png, pdf, docx, xlsx; up to 10 MB)")) input type="file" name="file"; }
                    button type="submit" { (lang.pick("上传", "Upload")) }
                }
                h2 { (lang.pick("申请销号", "Apply for close-out")) }
                form.grid method="post" action=(format!("/risks/{}/apply", r.id)) data-testid="apply-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("整改完成情况", "What was done")) textarea name="evidence" rows="2" {} }
                    button type="submit" { (lang.pick("申请销号", "Apply")) }
                }
            }
            @if d.can_manage && r.status == RiskStatus::PendingCheck {
                h2 { (lang.pick("销号验收", "Close-out check")) }
                form.grid method="post" action=(format!("/risks/{}/check", r.id)) data-testid="check-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("验收意见（不予销号时必填）", "Comment (required to reject)")) textarea name="comment" rows="2" {} }
                    button type="submit" name="decision" value="approve" { (lang.pick("同意销号", "Close")) }
                    button.danger type="submit" name="decision" value="reject" { (lang.pick("不予销号", "Reject")) }
                }
            }
            h2 { (lang.pick("材料", "Files")) }
            ul data-testid="files" { @for a in &d.attachments { li { a href=(format!("/risks/files/{}", a.id)) { (a.file_name) } " · " (a.size / 1024) " KB · " (a.uploaded_by) " · " (format_local_minutes(a.uploaded_at)) } } }
            h2 { (lang.pick("进展记录", "Progress")) }
            table data-testid="updates" { @for u in &d.updates { tr { td { (format_day(u.day)) } td { (u.reported_by) } td { (u.progress) } } } }
        },
    ))
}

async fn after<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    result: Result<T, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        result,
        |_| format!("/risks/{id}?saved=1"),
        |e| async move { detail_page(s, auth, id, false, Some(&e), None).await },
    )
    .await
}

pub async fn plan(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = PlanInput {
        measure: form.get("measure").into(),
        unit_id: form.id("unit_id")?,
        person: form.get("person").into(),
        deadline: form.get("deadline").into(),
    };
    let r = s.risks.plan(&auth.ctx, id, &input).await;
    after(&s, auth, id, r).await
}

/// Moves the risk on the map (place name and position).
pub async fn place(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = PlaceInput {
        place: form.get("place").into(),
        lat: form.get("lat").into(),
        lon: form.get("lon").into(),
    };
    let r = s.risks.set_place(&auth.ctx, id, &input).await;
    super::form_outcome(
        auth,
        r,
        |_| format!("/risks/{id}?saved=1"),
        |e| async move { detail_page(&s, auth, id, false, Some(&e), Some(&input)).await },
    )
    .await
}

pub async fn update(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .risks
        .weekly_update(&auth.ctx, id, form.get("progress"))
        .await;
    after(&s, auth, id, r).await
}

pub async fn upload(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedUpload,
) -> PageResult {
    let auth = &form.auth;
    let r = match &form.file {
        Some((name, bytes)) => s.risks.attach(&auth.ctx, id, name, bytes).await,
        None => Err(WorkflowError::invalid(jinghai_domain::FieldError::new(
            "file",
            "请选择要上传的文件",
            "choose a file to upload",
        ))),
    };
    after(&s, auth, id, r).await
}

pub async fn apply(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .risks
        .apply_close(&auth.ctx, id, form.get("evidence"))
        .await;
    after(&s, auth, id, r).await
}

pub async fn check(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .risks
        .check(
            &auth.ctx,
            id,
            form.get("decision") == "approve",
            form.get("comment"),
        )
        .await;
    after(&s, auth, id, r).await
}

pub async fn file(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    let (a, bytes) = s
        .risks
        .attachment(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    // Served as a download, never rendered inline by the browser as HTML.
    let disposition = format!("attachment; filename*=UTF-8''{}", percent(&a.file_name));
    Ok((
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        ],
        bytes,
    )
        .into_response())
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The merged list as rows: what the CSV and XLSX exports hold.
async fn rows(
    s: &AppState,
    auth: &Auth,
) -> Result<(Vec<&'static str>, Vec<Vec<String>>), ApiError> {
    let today = s.risks.today();
    let list = s.risks.list(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let units = unit_options(s, auth).await?;
    let head = vec![
        "编号",
        "区划",
        "地点",
        "类别",
        "等级",
        "风险描述",
        "发现人",
        "发现日期",
        "整改措施",
        "责任单位",
        "责任人",
        "整改时限",
        "状态",
        "逾期",
        "销号日期",
    ];
    let body = list
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                regions
                    .iter()
                    .find(|g| g.id == r.region_id)
                    .map(|g| g.name.clone())
                    .unwrap_or_default(),
                r.place.clone(),
                r.category.zh().into(),
                r.severity.zh().into(),
                r.description.clone(),
                r.found_by.clone(),
                format_day(r.found_on),
                r.measure.clone(),
                r.responsible_unit_id
                    .and_then(|id| units.iter().find(|(k, _)| *k == id.to_string()))
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                r.responsible_person.clone(),
                r.deadline.map(format_day).unwrap_or_default(),
                r.status.zh().into(),
                if r.overdue(today) {
                    "是".into()
                } else {
                    String::new()
                },
                r.closed_on.map(format_day).unwrap_or_default(),
            ]
        })
        .collect();
    Ok((head, body))
}

pub async fn export_csv(State(s): State<AppState>, auth: Auth) -> PageResult {
    let (head, body) = rows(&s, &auth).await?;
    let esc = |v: &str| {
        if v.contains([',', '"', '\n']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&head.join(","));
    out.push('\n');
    for row in body {
        out.push_str(&row.iter().map(|v| esc(v)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"risks.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

pub async fn export_xlsx(State(s): State<AppState>, auth: Auth) -> PageResult {
    let (head, body) = rows(&s, &auth).await?;
    let bytes =
        jinghai_workflow::report_export::table_xlsx("风险清单", &head, &body).map_err(|e| {
            auth.err(WorkflowError::Store(jinghai_store::StoreError::Corrupt(
                format!("xlsx: {e}"),
            )))
        })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"risks.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
