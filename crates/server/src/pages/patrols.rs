//! Patrol pages: plans, one plan with its records, coverage and a map of
//! the zone, tracks and blind spots (Leaflet, offline), track uploads
//! (GPX/CSV), AIS tracks, the GeoJSON for the map, and the daily report's
//! 海上巡航 section prefilled from a day's records.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use jinghai_domain::report::{format_day, parse_day};
use jinghai_domain::time::format_local_minutes;
use jinghai_workflow::patrols::{format_local_input, PlanInput, RecordInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde_json::json;

use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm, SignedUpload};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    axum::extract::Query(bq): axum::extract::Query<super::BehindQuery>,
) -> PageResult {
    let behind = super::behind(&s, &auth, &bq).await?;
    Ok(list_page_behind(&s, &auth, None, &behind)
        .await?
        .into_response())
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    list_page_behind(s, auth, err, &None).await
}

async fn list_page_behind(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
    behind: &Option<super::Behind>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let e = |e| auth.err(e);
    let plans = s.patrols.list(&auth.ctx).await.map_err(e)?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(e)?;
    let units = s.admin.units(&auth.ctx).await.map_err(e)?;
    let region_opts: Vec<(String, String)> = regions
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{}", "　".repeat(r.level as usize), r.name),
            )
        })
        .collect();
    let unit_opts: Vec<(String, String)> = units
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    let unit_name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let now = s.clock.now();
    let districts: Vec<(String, String)> = regions
        .iter()
        .filter(|r| r.level == jinghai_domain::RegionLevel::District)
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.patrols"),
        "nav.patrols",
        html! {
            h1 { (t(lang, "nav.patrols")) }
            (super::behind_banner(lang, behind))
            (error_box(lang, err))
            @if auth.ctx.user.role.can_write() {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("制定巡航计划", "New patrol plan")) }
                    form.grid method="post" action="/patrols" data-testid="plan-form" {
                        (csrf_field(auth))
                        label { (lang.pick("名称", "Name")) input name="name"; }
                        label { (lang.pick("所属区划", "Region")) (select("region_id", &region_opts, "", None)) }
                        label { (lang.pick("执行单位", "Unit")) (select("unit_id", &unit_opts, &auth.ctx.user.unit_id.map(|u| u.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("开始", "Start")) input type="datetime-local" name="starts_at" value=(format_local_input(now)); }
                        label { (lang.pick("结束", "End")) input type="datetime-local" name="ends_at" value=(format_local_input(now + 8 * 3_600_000)); }
                        label { (lang.pick("船艇", "Vessels")) input name="vessels"; }
                        label { (lang.pick("人数", "Personnel")) input name="personnel" size="4"; }
                        label { (lang.pick("人员", "Who")) input name="personnel_names"; }
                        label { (lang.pick("扫海宽度（米）", "Sweep width (m)")) input name="sweep_m" value="2000" size="6"; }
                        label.wide { (lang.pick("巡航区域：每行“经度,纬度”，或 GeoJSON 多边形", "Zone: one “lon,lat” per line, or a GeoJSON polygon")) textarea name="zone" rows="4" {} }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
                @if !districts.is_empty() {
                    details.panel {
                        summary { (lang.pick("由巡航记录预填日报“海上巡航”", "Prefill the daily report's maritime patrol section")) }
                        form.inline method="post" action=(format!("/patrols/prefill/{}", districts[0].0)) data-testid="prefill-form" {
                            (csrf_field(auth))
                            input type="date" name="day" value=(format_day(jinghai_domain::report::day_of(now)));
                            button type="submit" { (lang.pick("预填草稿", "Prefill a draft")) }
                        }
                    }
                }
            }
            table data-testid="plans" {
                tr { th { "#" } th { (lang.pick("名称", "Name")) } th { (lang.pick("时段", "Window")) } th { (lang.pick("单位", "Unit")) } th { (lang.pick("船艇", "Vessels")) } th { (lang.pick("人数", "Personnel")) } }
                @for p in plans.iter().filter(|p| super::Behind::keeps(behind, p.id)) {
                    tr data-plan=(p.id) {
                        td { a href=(format!("/patrols/{}", p.id)) { (p.id) } }
                        td { a href=(format!("/patrols/{}", p.id)) { (p.name) } }
                        td { (format_local_minutes(p.starts_at)) " – " (format_local_minutes(p.ends_at)) }
                        td { (unit_name(p.unit_id)) }
                        td { (p.vessels) }
                        td { (p.personnel) }
                    }
                }
            }
        },
    ))
}

fn plan_input(form: &SignedForm) -> Result<PlanInput, ApiError> {
    Ok(PlanInput {
        region_id: form.id("region_id")?,
        name: form.get("name").into(),
        zone: form.get("zone").into(),
        starts_at: form.get("starts_at").into(),
        ends_at: form.get("ends_at").into(),
        unit_id: form.id("unit_id")?,
        vessels: form.get("vessels").into(),
        personnel: form.get("personnel").into(),
        personnel_names: form.get("personnel_names").into(),
        sweep_m: form.get("sweep_m").into(),
    })
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = plan_input(&form)?;
    let r = s.patrols.create_plan(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        r,
        |p| format!("/patrols/{}", p.id),
        |e| async move { list_page(&s, auth, Some(&e)).await },
    )
    .await
}

pub async fn detail(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    Ok(detail_page(&s, &auth, id, None).await?.into_response())
}

async fn detail_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .patrols
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let p = &d.plan;
    let c = &d.coverage;
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.patrols"),
        "nav.patrols",
        html! {
            link rel="stylesheet" href="/assets/vendor/leaflet.css";
            script src="/assets/vendor/leaflet.js" {}
            script src="/assets/patrol.js" defer {}
            p { a href="/patrols" { "← " (t(lang, "nav.patrols")) } }
            h1 { (p.name) }
            (error_box(lang, err))
            div.cards {
                div.card { h3 { (lang.pick("计划区域", "Zone")) } p.big { (format!("{:.2}", c.zone_km2)) } p { "km²" } }
                div.card { h3 { (lang.pick("巡航面积", "Area patrolled")) } p.big data-testid="patrolled" { (format!("{:.2}", c.patrolled_km2)) } p { "km²" } }
                div.card { h3 { (lang.pick("区域覆盖率", "Zone covered")) } p.big data-testid="coverage" { (format!("{:.0}%", c.ratio * 100.0)) } }
                div.card { h3 { (lang.pick("盲区", "Blind spots")) } p.big.(if c.blind_spots.is_empty() { "" } else { "red" }) data-testid="blind-count" { (c.blind_spots.len()) } p { (format!("{:.2} km²", c.zone_km2 - c.covered_km2)) } }
            }
            div #patrol-map data-geojson=(format!("/api/v1/patrols/{id}/coverage")) style="height:420px" {}
            p { small { (lang.pick("蓝：计划区域；绿：航迹；红：未覆盖盲区。扫海宽度 ", "Blue: zone; green: tracks; red: blind spots. Sweep width ")) (p.sweep_m) " m · " (lang.pick("网格 ", "grid ")) (format!("{:.0}", c.cell_m)) " m" } }
            table.kv {
                tr { th { (lang.pick("时段", "Window")) } td { (format_local_minutes(p.starts_at)) " – " (format_local_minutes(p.ends_at)) } }
                tr { th { (lang.pick("船艇", "Vessels")) } td { (p.vessels) } }
                tr { th { (lang.pick("人员", "Personnel")) } td { (p.personnel) " · " (p.personnel_names) } }
            }
            h2 { (lang.pick("巡航记录", "Patrols carried out")) }
            table data-testid="records" {
                tr { th { (lang.pick("船艇", "Vessel")) } th { (lang.pick("来源", "Source")) } th { (lang.pick("时间", "Time")) } th { (lang.pick("航程", "Distance")) } th { (lang.pick("面积", "Area")) } th { (lang.pick("人数", "Personnel")) } th { (lang.pick("查验船舶/人员", "Ships/persons checked")) } th { (lang.pick("查获", "Seized")) } }
                @for r in &d.records {
                    tr { td { (r.vessel) } td { (lang.pick(r.source.zh(), r.source.en())) } td { (format_local_minutes(r.started_at)) " – " (format_local_minutes(r.ended_at)) } td { (format!("{:.1} km", r.length_km)) } td { (format!("{:.2} km²", r.area_km2)) } td { (r.personnel) } td { (r.ships_checked) " / " (r.persons_checked) } td { (r.ships_seized) } }
                }
            }
            @if d.can_record {
                h2 { (lang.pick("登记巡航（上传轨迹）", "Record a patrol (upload its track)")) }
                form.grid method="post" action=(format!("/patrols/{id}/files")) enctype="multipart/form-data" data-testid="track-form" {
                    (csrf_field(auth))
                    (record_fields(lang))
                    label { (lang.pick("轨迹文件（GPX 或 CSV：time,lat,lon）", "Track file (GPX or CSV: time,lat,lon)")) input type="file" name="file" accept=".gpx,.csv"; }
                    button type="submit" { (lang.pick("上传并登记", "Upload")) }
                }
                h2 { (lang.pick("登记巡航（AIS 轨迹）", "Record a patrol (AIS track)")) }
                form.grid method="post" action=(format!("/patrols/{id}/ais")) data-testid="ais-form" {
                    (csrf_field(auth))
                    (record_fields(lang))
                    button type="submit" { (lang.pick("取 AIS 轨迹并登记", "Use the AIS track")) }
                }
            }
        },
    ))
}

fn record_fields(lang: jinghai_domain::Lang) -> Markup {
    html! {
        label { (lang.pick("船艇", "Vessel")) input name="vessel"; }
        label { "MMSI" input name="mmsi" size="10"; }
        label { (lang.pick("出动人力", "Personnel")) input name="personnel" size="4"; }
        label { (lang.pick("出动船只", "Vessels")) input name="vessels" value="1" size="4"; }
        label { (lang.pick("查验船舶", "Ships checked")) input name="ships_checked" size="4"; }
        label { (lang.pick("查验人员", "Persons checked")) input name="persons_checked" size="4"; }
        label { (lang.pick("查获违法船只", "Ships seized")) input name="ships_seized" size="4"; }
        label.wide { (lang.pick("备注", "Notes")) input name="notes"; }
    }
}

fn record_input(get: &dyn Fn(&str) -> String) -> RecordInput {
    RecordInput {
        vessel: get("vessel"),
        mmsi: get("mmsi"),
        personnel: get("personnel"),
        vessels: get("vessels"),
        ships_checked: get("ships_checked"),
        persons_checked: get("persons_checked"),
        ships_seized: get("ships_seized"),
        notes: get("notes"),
    }
}

pub async fn upload(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedUpload,
) -> PageResult {
    let auth = &form.auth;
    let input = record_input(&|k| form.get(k).to_string());
    let file = form.file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
    let r = s
        .patrols
        .record_from_file(&auth.ctx, id, &input, file)
        .await;
    super::form_outcome(
        auth,
        r,
        |_| format!("/patrols/{id}"),
        |e| async move { detail_page(&s, auth, id, Some(&e)).await },
    )
    .await
}

pub async fn from_ais(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let input = record_input(&|k| form.get(k).to_string());
    let r = s.patrols.record_from_ais(&auth.ctx, id, &input).await;
    super::form_outcome(
        auth,
        r,
        |_| format!("/patrols/{id}"),
        |e| async move { detail_page(&s, auth, id, Some(&e)).await },
    )
    .await
}

/// Saves the district's 海上巡航 section of the day as a draft and opens the sheet.
pub async fn prefill(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let day = parse_day(form.get("day")).ok_or_else(|| {
        auth.err(WorkflowError::invalid(jinghai_domain::FieldError::new(
            "day",
            "日期格式应为 YYYY-MM-DD",
            "date must be YYYY-MM-DD",
        )))
    })?;
    match s.patrols.prefill_daily(&auth.ctx, id, day).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/daily?district={id}&day={}", format_day(day))).into_response(),
        ),
        Err(e @ (WorkflowError::Invalid(_) | WorkflowError::Forbidden { .. })) => {
            let status = if matches!(e, WorkflowError::Invalid(_)) {
                axum::http::StatusCode::BAD_REQUEST
            } else {
                axum::http::StatusCode::FORBIDDEN
            };
            Ok((status, list_page(&s, auth, Some(&e)).await?).into_response())
        }
        Err(e) => Err(auth.err(e)),
    }
}

/// A plan's zone, each track and its blind spots as GeoJSON Features (each
/// names its plan, so the live map can link to it).
pub fn coverage_features(d: &jinghai_workflow::patrols::PlanDetail) -> Vec<serde_json::Value> {
    let plan = json!({"plan_id": d.plan.id, "plan": d.plan.name});
    let props = |extra: serde_json::Value| {
        let mut p = plan.clone();
        if let (Some(p), serde_json::Value::Object(e)) = (p.as_object_mut(), extra) {
            p.extend(e);
        }
        p
    };
    let mut zone = d.plan.zone.clone();
    if let Some(first) = zone.first().copied() {
        zone.push(first);
    }
    let c = &d.coverage;
    let mut features = vec![
        json!({"type": "Feature", "properties": props(json!({"kind": "zone", "name": d.plan.name, "ratio": c.ratio, "zone_km2": c.zone_km2, "patrolled_km2": c.patrolled_km2, "blind_spots": c.blind_spots.len()})), "geometry": {"type": "Polygon", "coordinates": [zone]}}),
    ];
    for r in &d.records {
        let line: Vec<[f64; 2]> = r.track.iter().map(|p| [p.lon, p.lat]).collect();
        features.push(json!({"type": "Feature", "properties": props(json!({"kind": "track", "vessel": r.vessel, "record_id": r.id})), "geometry": {"type": "LineString", "coordinates": line}}));
    }
    if !c.blind_spots.is_empty() {
        let polys: Vec<_> = c.blind_spots.iter().map(|r| vec![r.clone()]).collect();
        features.push(json!({"type": "Feature", "properties": props(json!({"kind": "blind_spots", "count": c.blind_spots.len(), "km2": c.zone_km2 - c.covered_km2})), "geometry": {"type": "MultiPolygon", "coordinates": polys}}));
    }
    features
}

/// GeoJSON of a plan: the zone, each track, and the blind spots.
pub async fn api_coverage(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    let d = s
        .patrols
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let c = &d.coverage;
    Ok(Json(json!({
        "type": "FeatureCollection",
        "features": coverage_features(&d),
        "coverage": {"zone_km2": c.zone_km2, "patrolled_km2": c.patrolled_km2, "covered_km2": c.covered_km2, "ratio": c.ratio, "blind_spots": c.blind_spots.len(), "cell_m": c.cell_m},
    }))
    .into_response())
}

pub async fn api_list(State(s): State<AppState>, auth: Auth) -> PageResult {
    let plans = s.patrols.list(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let list: Vec<_> = plans.iter().map(|p| json!({"id": p.id, "name": p.name, "region_code": p.region_code, "unit_id": p.unit_id, "starts_at": p.starts_at, "ends_at": p.ends_at, "sweep_m": p.sweep_m})).collect();
    Ok(
        Json(json!({"scope": super::scoring::scope_json(&s, &auth).await?, "plans": list}))
            .into_response(),
    )
}
