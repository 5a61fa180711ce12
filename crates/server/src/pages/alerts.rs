//! The alert list and desk: what the maritime engine raised in the user's
//! regions, assigned to a unit, acknowledged, and closed as dismissed (with
//! a reason) or escalated. (Map evidence and the live view are issue #5.)

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jinghai_domain::alert::{kind_names, AlertStatus};
use jinghai_domain::time::format_local_minutes;
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};

use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

pub async fn list(State(s): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    Ok(page(&s, &auth, None).await?.into_response())
}

async fn page(s: &AppState, auth: &Auth, err: Option<&WorkflowError>) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let alerts = s
        .alerts
        .recent(&auth.ctx, 500)
        .await
        .map_err(|e| auth.err(e))?;
    let units: Vec<(String, String)> = s
        .admin
        .units(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect();
    let unit_name = |id: Option<i64>| {
        id.and_then(|id| units.iter().find(|(k, _)| *k == id.to_string()))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let office = matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
    );
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.alerts"),
        "nav.alerts",
        html! {
            h1 { (t(lang, "nav.alerts")) }
            p.notice { (lang.pick("海上态势引擎自动发现的预警：由专班办公室指派承办单位，承办单位签收后排除（须说明理由）或转为线索。地图证据与实时态势将随态势监控（任务 #5）上线。", "Alerts found by the maritime engine: the office assigns a unit, the unit acknowledges, then dismisses (with a reason) or escalates. Map evidence and the live picture arrive with issue #5.")) }
            (error_box(lang, err))
            table data-testid="alerts" {
                tr { th { (lang.pick("类型", "Kind")) } th { "MMSI" } th { (lang.pick("对方船舶", "Counterpart")) } th { (lang.pick("开始", "Start")) } th { (lang.pick("结束", "End")) } th { (lang.pick("区域", "Zone")) } th { (lang.pick("位置", "Position")) } th { (lang.pick("状态", "Status")) } th { (lang.pick("承办单位", "Unit")) } th { (t(lang, "common.actions")) } }
                @for a in &alerts {
                    @let (zh, en) = kind_names(&a.kind);
                    @let mine = a.assigned_unit_id.is_some() && a.assigned_unit_id == auth.ctx.user.unit_id && auth.ctx.user.role.can_write();
                    tr data-kind=(a.kind) data-alert=(a.id) data-status=(a.status.as_str()) {
                        td { a href=(format!("/alerts/{}", a.id)) { (lang.pick(zh, en)) } }
                        td { code { (a.mmsi) } }
                        td { @if let Some(o) = a.other_mmsi { code { (o) } } }
                        td { (format_local_minutes(a.start_at)) }
                        td { (a.end_at.map(format_local_minutes).unwrap_or_else(|| lang.pick("持续中", "ongoing").into())) }
                        td { (a.zone_id.clone().unwrap_or_default()) }
                        td { (format!("{:.4}, {:.4}", a.lat, a.lon)) }
                        td.status { (lang.pick(a.status.zh(), a.status.en())) }
                        td { (unit_name(a.assigned_unit_id)) }
                        td.actions {
                            @if office && matches!(a.status, AlertStatus::New | AlertStatus::Assigned) {
                                form.inline method="post" action=(format!("/alerts/{}/assign", a.id)) {
                                    (csrf_field(auth))
                                    (select("unit_id", &units, &a.assigned_unit_id.map(|u| u.to_string()).unwrap_or_default(), None))
                                    button type="submit" { (lang.pick("指派", "Assign")) }
                                }
                            }
                            @if (office || mine) && a.status == AlertStatus::Assigned {
                                form.inline method="post" action=(format!("/alerts/{}/ack", a.id)) {
                                    (csrf_field(auth))
                                    button type="submit" { (lang.pick("签收", "Acknowledge")) }
                                }
                            }
                            @if (office || mine) && !matches!(a.status, AlertStatus::Dismissed | AlertStatus::Escalated) {
                                form.inline method="post" action=(format!("/alerts/{}/close", a.id)) {
                                    (csrf_field(auth))
                                    input name="reason" placeholder=(lang.pick("排除理由", "Reason to dismiss")) size="12";
                                    button.danger type="submit" name="decision" value="dismiss" { (lang.pick("排除", "Dismiss")) }
                                    button type="submit" name="decision" value="escalate" { (lang.pick("转线索", "Escalate")) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn after<T>(
    s: &AppState,
    auth: &Auth,
    result: Result<T, WorkflowError>,
) -> Result<Response, ApiError> {
    super::form_outcome(
        auth,
        result,
        |_| "/alerts".into(),
        |e| async move { page(s, auth, Some(&e)).await },
    )
    .await
}

pub async fn assign(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let auth = &form.auth;
    let r = s.alerts.assign(&auth.ctx, id, form.id("unit_id")?).await;
    after(&s, auth, r).await
}

pub async fn acknowledge(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let auth = &form.auth;
    let r = s.alerts.acknowledge(&auth.ctx, id).await;
    after(&s, auth, r).await
}

pub async fn close(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> Result<Response, ApiError> {
    let auth = &form.auth;
    let r = s
        .alerts
        .close(
            &auth.ctx,
            id,
            form.get("decision") == "escalate",
            form.get("reason"),
        )
        .await;
    after(&s, auth, r).await
}

/// `GET /alerts/{id}`: one alert, with its evidence on a map (the vessel's
/// track over the alert's time, the counterpart's, the zone).
pub async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let e = s
        .map
        .evidence(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let a = &e.alert;
    let (zh, en) = kind_names(&a.kind);
    let title = format!("{} #{}", lang.pick(zh, en), a.id);
    let evidence = crate::map::evidence_json(&e);
    let (code, strings, tile_url, tile_attribution) = super::map::base_attrs(&s, lang);
    let zone_name = e.zone.as_ref().map(|z| z.name.clone());
    Ok(layout(
        lang,
        Some(&auth),
        &title,
        "nav.alerts",
        html! {
            (super::map::map_assets())
            p { a href="/alerts" { "← " (t(lang, "nav.alerts")) } }
            h1 data-testid="alert-title" { (title) }
            table.kv data-testid="alert-facts" {
                tr { th { "MMSI" } td { code { (a.mmsi) } " " a href=(format!("/map#mmsi={}", a.mmsi)) { (t(lang, "map.title")) } } }
                @if let Some(o) = a.other_mmsi {
                    tr { th { (lang.pick("对方船舶", "Counterpart")) } td { code { (o) } } }
                }
                tr { th { (lang.pick("开始", "Start")) } td { (format_local_minutes(a.start_at)) } }
                tr { th { (lang.pick("结束", "End")) } td { (a.end_at.map(format_local_minutes).unwrap_or_else(|| lang.pick("持续中", "ongoing").into())) } }
                tr { th { (lang.pick("区域", "Zone")) } td { (zone_name.or_else(|| a.zone_id.clone()).unwrap_or_default()) } }
                tr { th { (lang.pick("位置", "Position")) } td { (format!("{:.5}, {:.5}", a.lat, a.lon)) } }
                tr { th { (lang.pick("状态", "Status")) } td.status { (lang.pick(a.status.zh(), a.status.en())) } }
            }
            h2 { (t(lang, "map.evidence")) }
            @if e.track.is_empty() {
                p.notice data-testid="evidence-gone" { (t(lang, "map.evidence.gone")) }
            }
            div.mapwrap.evidence {
                div #evidence-map data-testid="evidence-map"
                    data-lang=(code)
                    data-strings=(strings)
                    data-tile-url=(tile_url)
                    data-tile-attribution=(tile_attribution)
                    data-evidence=(evidence.to_string()) {}
            }
            div.legend data-testid="evidence-legend" {}
            h2 { (lang.pick("引擎证据", "The engine's evidence")) }
            pre.json data-testid="alert-detail" { (serde_json::to_string_pretty(&evidence["alert"]["detail"]).unwrap_or_default()) }
        },
    ))
}
