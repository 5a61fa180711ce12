//! The alert list and desk: what the maritime engine raised in the user's
//! regions, filtered by kind, zone, time, status and unit; assigned to a
//! unit, acknowledged, and closed as dismissed (with a reason) or escalated.
//! Alerts not acknowledged within the configured time (`alert_ack_minutes`)
//! are highlighted and counted as overdue. The page polls for new alerts and
//! gives a sound and visual notice for the kinds the user chose (kept in the
//! browser: a watch-stander's choice for their own desk).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jinghai_domain::alert::{kind_names, AlertFilter, AlertStatus};
use jinghai_domain::time::{format_local_minutes, parse_date, DAY, HOUR};
use jinghai_domain::FieldError;
use jinghai_workflow::alerts::Alerts;
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, error_box, layout, select};

use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

/// The engine's event kinds (FORMATS.md), in the desk's order.
pub const KINDS: [&str; 8] = [
    "unreported_port_entry",
    "ais_gap",
    "encounter",
    "landing_stop",
    "restricted_entry",
    "boundary_crossing",
    "unregistered_vessel",
    "position_jump",
];

/// The desk's filter as query parameters (the page and `GET /api/v1/alerts`).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AlertQuery {
    pub kind: Option<String>,
    pub zone: Option<String>,
    pub status: Option<String>,
    pub unit: Option<String>,
    pub mmsi: Option<String>,
    /// `YYYY-MM-DD`, inclusive, China Standard Time (on the alert's start).
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive, China Standard Time.
    pub to: Option<String>,
    /// `1`: only the overdue ones.
    pub overdue: Option<String>,
    /// Only alerts with a larger id (polling for new ones).
    pub after_id: Option<String>,
    pub limit: Option<i64>,
}

impl AlertQuery {
    /// Validates into a store filter; every bad field is named.
    pub fn filter(&self, alerts: &Alerts) -> Result<AlertFilter, WorkflowError> {
        let given = |o: &Option<String>| {
            o.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let mut errs = Vec::new();
        let mut number = |field: &str, v: Option<String>| -> Option<i64> {
            let v = v?;
            v.parse()
                .map_err(|_| {
                    errs.push(FieldError::new(
                        field,
                        format!("应为数字：{v}"),
                        format!("must be a number: {v}"),
                    ))
                })
                .ok()
        };
        let unit_id = number("unit", given(&self.unit));
        let mmsi = number("mmsi", given(&self.mmsi));
        let after_id = number("after_id", given(&self.after_id));
        let kind = given(&self.kind);
        if let Some(k) = &kind {
            if !KINDS.contains(&k.as_str()) {
                errs.push(FieldError::new(
                    "kind",
                    format!("未知的预警类型：{k}"),
                    format!("unknown alert kind: {k}"),
                ));
            }
        }
        let status = match given(&self.status) {
            Some(v) => match AlertStatus::parse(&v) {
                Some(st) => Some(st),
                None => {
                    errs.push(FieldError::new(
                        "status",
                        format!("未知的状态：{v}"),
                        format!("unknown status: {v}"),
                    ));
                    None
                }
            },
            None => None,
        };
        // Days are China Standard Time: a day starts at 16:00 UTC the day before.
        let mut day = |field: &str, v: Option<String>, next: bool| -> Option<i64> {
            let v = v?;
            match parse_date(&v) {
                Ok(ms) => Some(ms - 8 * HOUR + if next { DAY } else { 0 }),
                Err(_) => {
                    errs.push(FieldError::new(
                        field,
                        format!("日期格式应为 YYYY-MM-DD：{v}"),
                        format!("date must be YYYY-MM-DD: {v}"),
                    ));
                    None
                }
            }
        };
        let from = day("from", given(&self.from), false);
        let to = day("to", given(&self.to), true);
        if !errs.is_empty() {
            return Err(WorkflowError::Invalid(errs));
        }
        let overdue = given(&self.overdue).is_some_and(|v| v == "1" || v == "true");
        Ok(AlertFilter {
            kind,
            zone_id: given(&self.zone),
            status,
            unit_id,
            mmsi,
            from,
            to,
            raised_before_unacknowledged: overdue.then(|| alerts.overdue_start()),
            after_id,
        })
    }

    fn is_empty(&self) -> bool {
        [
            &self.kind,
            &self.zone,
            &self.status,
            &self.unit,
            &self.mmsi,
            &self.from,
            &self.to,
            &self.overdue,
        ]
        .iter()
        .all(|v| v.as_deref().is_none_or(|v| v.trim().is_empty()))
    }
}

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<AlertQuery>,
) -> Result<Response, ApiError> {
    Ok(page(&s, &auth, &q, None).await?.into_response())
}

async fn page(
    s: &AppState,
    auth: &Auth,
    q: &AlertQuery,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    // A bad filter shows its error above an unfiltered list: nothing is lost.
    let (filter, filter_err) = match q.filter(&s.alerts) {
        Ok(f) => (f, None),
        Err(e) => (AlertFilter::default(), Some(e)),
    };
    let err = err.or(filter_err.as_ref());
    let alerts = s
        .alerts
        .list(&auth.ctx, &filter, q.limit.unwrap_or(500))
        .await
        .map_err(|e| auth.err(e))?;
    let counts = s.alerts.counts(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let overdue_start = s.alerts.overdue_start();
    let newest = alerts.iter().map(|a| a.id).max().unwrap_or(0);
    let kinds: Vec<(String, String)> = KINDS
        .iter()
        .map(|k| {
            let (zh, en) = kind_names(k);
            (k.to_string(), lang.pick(zh, en).to_string())
        })
        .collect();
    let statuses: Vec<(String, String)> = AlertStatus::ALL
        .iter()
        .map(|x| (x.as_str().into(), lang.pick(x.zh(), x.en()).into()))
        .collect();
    let val = |o: &Option<String>| o.clone().unwrap_or_default();
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
            p.notice { (lang.pick("海上态势引擎自动发现的预警：由专班办公室指派承办单位，承办单位签收后排除（须说明理由）或转为线索。", "Alerts found by the maritime engine: the office assigns a unit, the unit acknowledges, then dismisses (with a reason) or escalates.")) }
            div.cards {
                a.card href="/alerts?status=new" { h3 { (lang.pick("待指派", "Not yet assigned")) } p.big data-testid="alerts-new" { (counts.new) } }
                a.card href="/alerts?overdue=1" { h3 { (lang.pick(&format!("超时未签收（{} 分钟）", s.config.alert_ack_minutes), &format!("Overdue (not acknowledged in {} min)", s.config.alert_ack_minutes))) } p.big.(if counts.overdue > 0 { "red" } else { "" }) data-testid="alerts-overdue" { (counts.overdue) } }
                div.card { h3 { (lang.pick("未办结", "Open")) } p.big { (counts.open) } }
            }
            (error_box(lang, err))
            form.filters method="get" action="/alerts" data-testid="alert-filters" {
                label { (lang.pick("类型", "Kind")) " " (select("kind", &kinds, &val(&q.kind), Some(lang.pick("全部", "all")))) }
                label { (lang.pick("区域", "Zone")) " " input name="zone" value=(val(&q.zone)) size="10"; }
                label { (lang.pick("状态", "Status")) " " (select("status", &statuses, &val(&q.status), Some(lang.pick("全部", "all")))) }
                label { (lang.pick("承办单位", "Unit")) " " (select("unit", &units, &val(&q.unit), Some(lang.pick("全部", "all")))) }
                label { "MMSI " input name="mmsi" value=(val(&q.mmsi)) size="10" inputmode="numeric"; }
                label { (lang.pick("开始自", "From")) " " input type="date" name="from" value=(val(&q.from)); }
                label { (lang.pick("至", "To")) " " input type="date" name="to" value=(val(&q.to)); }
                label { input type="checkbox" name="overdue" value="1" checked[q.overdue.as_deref() == Some("1")]; " " (lang.pick("仅超时", "overdue only")) }
                button type="submit" { (lang.pick("筛选", "Filter")) }
                @if !q.is_empty() { " " a href="/alerts" { (lang.pick("清除", "Clear")) } }
            }
            details.notice-settings data-testid="alert-notice" {
                summary { (lang.pick("新预警提醒（声音与弹窗）", "New-alert notice (sound and banner)")) }
                p { (lang.pick("选择需要提醒的预警类型；设置保存在本浏览器。", "Choose the kinds to be notified of; kept in this browser.")) }
                @for (k, label) in &kinds {
                    label.inline { input type="checkbox" name="notify" value=(k); " " (label) }
                }
            }
            div #alert-banner .banner hidden role="alert" data-testid="alert-banner" {}
            table data-testid="alerts" data-newest=(newest) data-lang=(if lang == jinghai_domain::Lang::En { "en" } else { "zh" }) {
                tr { th { (lang.pick("类型", "Kind")) } th { "MMSI" } th { (lang.pick("对方船舶", "Counterpart")) } th { (lang.pick("开始", "Start")) } th { (lang.pick("结束", "End")) } th { (lang.pick("区域", "Zone")) } th { (lang.pick("位置", "Position")) } th { (lang.pick("状态", "Status")) } th { (lang.pick("承办单位", "Unit")) } th { (t(lang, "common.actions")) } }
                @for a in &alerts {
                    @let (zh, en) = kind_names(&a.kind);
                    @let mine = a.assigned_unit_id.is_some() && a.assigned_unit_id == auth.ctx.user.unit_id && auth.ctx.user.role.can_write();
                    @let overdue = a.is_overdue(overdue_start);
                    tr.overdue[overdue] data-kind=(a.kind) data-alert=(a.id) data-status=(a.status.as_str()) data-overdue=(overdue) {
                        td { a href=(format!("/alerts/{}", a.id)) { (lang.pick(zh, en)) } }
                        td { code { (a.mmsi) } }
                        td { @if let Some(o) = a.other_mmsi { code { (o) } } }
                        td { (format_local_minutes(a.start_at)) }
                        td { (a.end_at.map(format_local_minutes).unwrap_or_else(|| lang.pick("持续中", "ongoing").into())) }
                        td { (a.zone_id.clone().unwrap_or_default()) }
                        td { (format!("{:.4}, {:.4}", a.lat, a.lon)) }
                        td.status {
                            (lang.pick(a.status.zh(), a.status.en()))
                            @if overdue { " " span.late { (lang.pick("超时未签收", "overdue")) } }
                        }
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
        |e| async move { page(s, auth, &AlertQuery::default(), Some(&e)).await },
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
