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
                        td { (lang.pick(zh, en)) }
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
                                    button type="submit" name="decision" value="escalate" { (lang.pick("上报", "Escalate")) }
                                }
                            }
                            @if (office || mine) && a.status != AlertStatus::Dismissed {
                                form.inline method="post" action=(format!("/alerts/{}/clue", a.id)) data-testid="to-clue" {
                                    (csrf_field(auth))
                                    button type="submit" { (lang.pick("转线索", "To clue")) }
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
