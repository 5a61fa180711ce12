//! Port reports (进出港报告): the list for a day range, the officer's entry
//! form (the captain's is on the vessel-code page), each report with its
//! persons aboard, and the reconciliation against AIS.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jinghai_domain::alert::kind_names;
use jinghai_domain::registry::{Place, PortReport, ReportKind};
use jinghai_domain::report::format_day;
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_workflow::registry::{day_or, PersonInput, ReportInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

/// Person rows on the forms (empty rows are ignored).
pub const PERSON_ROWS: usize = 6;

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub region: Option<String>,
    pub saved: Option<String>,
}

/// The report fields shared by the officer's and the captain's forms.
pub fn report_fields(lang: Lang, ports: &[Place], typed: &ReportInput, with_mmsi: bool) -> Markup {
    let kinds: Vec<(String, String)> = ReportKind::ALL
        .iter()
        .map(|k| (k.as_str().into(), lang.pick(k.zh(), k.en()).into()))
        .collect();
    let port_opts: Vec<(String, String)> = ports
        .iter()
        .map(|p| (p.code.clone(), format!("{} ({})", p.name, p.code)))
        .collect();
    let person = |i: usize| typed.persons.get(i).cloned().unwrap_or_default();
    html! {
        @if with_mmsi { label { "MMSI" input name="mmsi" value=(typed.mmsi) size="10"; } }
        label { (lang.pick("报告类型", "Kind")) (select("kind", &kinds, &typed.kind, None)) }
        label { (lang.pick("渔港", "Fishing port")) (select("port_code", &port_opts, &typed.port_code, None)) }
        label { (lang.pick("报告时间（北京时间，空为现在）", "Time (China time; empty for now)")) input type="datetime-local" name="reported_at" value=(typed.reported_at); }
        table.persons data-testid="persons" style="flex-basis:100%" {
            tr { th { "#" } th { (lang.pick("在船人员姓名", "Person aboard")) } th { (lang.pick("身份证号", "ID number")) } th { (lang.pick("电话", "Phone")) } }
            @for i in 0..PERSON_ROWS {
                @let p = person(i);
                tr {
                    td { (i + 1) }
                    td { input name=(format!("p{}_name", i + 1)) value=(p.name); }
                    td { input name=(format!("p{}_id", i + 1)) value=(p.id_number) size="20"; }
                    td { input name=(format!("p{}_phone", i + 1)) value=(p.phone) size="14"; }
                }
            }
        }
        label.wide { (lang.pick("行程（进港必填：在船人员近期到过的地方）", "Itinerary (required on arrival: where the persons aboard have been)")) textarea name="itinerary" rows="2" { (typed.itinerary) } }
        label.wide { (lang.pick("接触史（进港必填，无则填“无”）", "Contact history (required on arrival; “none” if none)")) textarea name="contact_history" rows="2" { (typed.contact_history) } }
    }
}

/// A report as typed into either form.
pub fn report_input(f: &HashMap<String, String>, mmsi: &str) -> ReportInput {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    ReportInput {
        mmsi: if mmsi.is_empty() {
            get("mmsi")
        } else {
            mmsi.to_string()
        },
        kind: get("kind"),
        port_code: get("port_code"),
        reported_at: get("reported_at"),
        persons: (1..=PERSON_ROWS)
            .map(|n| PersonInput {
                name: get(&format!("p{n}_name")),
                id_number: get(&format!("p{n}_id")),
                phone: get(&format!("p{n}_phone")),
            })
            .collect(),
        itinerary: get("itinerary"),
        contact_history: get("contact_history"),
    }
}

pub fn report_table(lang: Lang, reports: &[PortReport]) -> Markup {
    html! {
        table data-testid="port-reports" {
            tr { th { "#" } th { (lang.pick("时间", "Time")) } th { "MMSI" } th { (lang.pick("类型", "Kind")) } th { (lang.pick("渔港", "Port")) } th { (lang.pick("在船人数", "Aboard")) } th { (lang.pick("来源", "Source")) } }
            @for r in reports {
                tr data-report=(r.id) {
                    td { a href=(format!("/port-reports/{}", r.id)) { (r.id) } }
                    td { (format_local_minutes(r.reported_at)) }
                    td { (r.mmsi) }
                    td { (lang.pick(r.kind.zh(), r.kind.en())) }
                    td { (r.port_code) }
                    td { (r.persons_aboard.map(|n| n.to_string()).unwrap_or_default()) }
                    td { (source_name(lang, &r.source)) }
                }
            }
        }
    }
}

fn source_name(lang: Lang, s: &str) -> &'static str {
    match s {
        "captain" => lang.pick("船长扫码填报", "Captain (vessel code)"),
        "officer" => lang.pick("执法人员录入", "Officer"),
        _ => lang.pick("文件导入", "File import"),
    }
}

/// The day range of a query: `to` defaults to today, `from` to a week before it.
pub fn day_range_of(s: &AppState, q: &RangeQuery) -> (i32, i32) {
    let today = s.registries.today();
    let to = day_or(q.to.as_deref().unwrap_or(""), today).unwrap_or(today);
    let from = day_or(q.from.as_deref().unwrap_or(""), to - 6).unwrap_or(to - 6);
    (from.min(to), to)
}

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RangeQuery>,
) -> PageResult {
    Ok(list_page(&s, &auth, &q, None, &ReportInput::default())
        .await?
        .into_response())
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    q: &RangeQuery,
    err: Option<&WorkflowError>,
    typed: &ReportInput,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let (from, to) = day_range_of(s, q);
    let reports = s
        .registries
        .reports(&auth.ctx, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    let mut ports = s
        .registries
        .places(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    ports.retain(|p| p.kind == "fishing_port");
    let region = s
        .admin
        .region(&auth.ctx, auth.ctx.user.region_id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.port_reports"),
        "nav.port_reports",
        html! {
            h1 { (t(lang, "nav.port_reports")) " · " (region.name) }
            @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            p { a href=(format!("/port-reports/reconcile?from={}&to={}", format_day(from), format_day(to))) data-testid="reconcile-link" { (lang.pick("与 AIS 比对", "Reconcile with AIS")) } }
            @if auth.ctx.user.role.can_write() {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("录入进出港报告", "Enter a port report")) }
                    form.grid method="post" action="/port-reports" data-testid="report-form" {
                        (csrf_field(auth))
                        (report_fields(lang, &ports, typed, true))
                        button type="submit" { (t(lang, "common.save")) }
                    }
                }
            }
            form.filters method="get" action="/port-reports" {
                label { (lang.pick("自", "From")) input type="date" name="from" value=(format_day(from)); }
                label { (lang.pick("至", "To")) input type="date" name="to" value=(format_day(to)); }
                button type="submit" { (t(lang, "common.filter")) }
            }
            (report_table(lang, &reports))
        },
    ))
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = report_input(&form.fields, "");
    let result = s.registries.create_report(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        result,
        |r| format!("/port-reports/{}?saved=1", r.id),
        |e| async move { list_page(&s, auth, &RangeQuery::default(), Some(&e), &input).await },
    )
    .await
}

pub async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<RangeQuery>,
) -> PageResult {
    let lang = auth.lang;
    let r = s
        .registries
        .report(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(layout(
        lang,
        Some(&auth),
        t(lang, "nav.port_reports"),
        "nav.port_reports",
        html! {
            p { a href="/port-reports" { "← " (t(lang, "nav.port_reports")) } }
            h1 { (lang.pick(r.kind.zh(), r.kind.en())) " · MMSI " (r.mmsi) " · " (r.port_code) }
            @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            table.kv data-testid="port-report" {
                tr { th { (lang.pick("报告时间", "Reported at")) } td { (format_local_minutes(r.reported_at)) } th { (lang.pick("来源", "Source")) } td { (source_name(lang, &r.source)) " · " (r.entered_by) } }
                tr { th { (lang.pick("行程", "Itinerary")) } td colspan="3" { (r.itinerary) } }
                tr { th { (lang.pick("接触史", "Contact history")) } td colspan="3" { (r.contact_history) } }
            }
            h2 { (lang.pick("在船人员", "Persons aboard")) " (" (r.persons_aboard.unwrap_or(0)) ")" }
            table data-testid="persons" {
                tr { th { (lang.pick("姓名", "Name")) } th { (lang.pick("身份证号", "ID number")) } th { (lang.pick("电话", "Phone")) } }
                @for p in &r.persons { tr { td { (p.name) } td { (p.id_number) } td { (p.phone) } } }
            }
        },
    )
    .into_response())
}

pub async fn reconcile(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RangeQuery>,
) -> PageResult {
    let lang = auth.lang;
    let (from, to) = day_range_of(&s, &q);
    let region_id = q.region.as_deref().and_then(|r| r.parse::<i64>().ok());
    let rec = s
        .registries
        .reconcile(&auth.ctx, region_id, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    let regions: Vec<(String, String)> = s
        .admin
        .regions(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .iter()
        .filter(|r| r.level <= jinghai_domain::RegionLevel::Town)
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    Ok(layout(
        lang,
        Some(&auth),
        lang.pick("进出港报告比对", "Port report reconciliation"),
        "nav.port_reports",
        html! {
            p { a href="/port-reports" { "← " (t(lang, "nav.port_reports")) } }
            h1 { (lang.pick("进出港报告与 AIS 比对", "Port reports against AIS")) }
            form.filters method="get" action="/port-reports/reconcile" {
                label { (lang.pick("区划", "Region")) (select("region", &regions, q.region.as_deref().unwrap_or(""), Some(t(lang, "common.all")))) }
                label { (lang.pick("自", "From")) input type="date" name="from" value=(format_day(from)); }
                label { (lang.pick("至", "To")) input type="date" name="to" value=(format_day(to)); }
                button type="submit" { (t(lang, "common.filter")) }
            }
            p { (lang.pick("AIS 进港 ", "AIS port entries: ")) (rec.entries) (lang.pick(" 次，进港报告 ", "; arrival reports: ")) (rec.reports) (lang.pick(" 份。规则：进港前 24 小时至进港后 15 分钟内的进港报告视为已报告。", ". Rule: an arrival report from 24 h before to 15 min after the entry covers it.")) }
            h2 { (lang.pick("AIS 发现进港但无报告", "AIS port entries without a report")) " (" (rec.entries_without_report.len()) ")" }
            table data-testid="entries-without-report" {
                tr { th { (lang.pick("进港时间", "Entry")) } th { "MMSI" } th { (lang.pick("渔港", "Port")) } th { (lang.pick("位置", "Position")) } }
                @for e in &rec.entries_without_report {
                    tr data-mmsi=(e.mmsi) { td { (format_local_minutes(e.entry_at)) } td { (e.mmsi) } td { (e.port_code) } td { (format!("{:.5}, {:.5}", e.lat, e.lon)) } }
                }
            }
            h2 { (lang.pick("有报告但 AIS 未见进港", "Arrival reports without an AIS entry")) " (" (rec.reports_without_entry.len()) ")" }
            table data-testid="reports-without-entry" {
                tr { th { "#" } th { (lang.pick("报告时间", "Reported at")) } th { "MMSI" } th { (lang.pick("渔港", "Port")) } th { "" } }
                @for (r, waiting) in &rec.reports_without_entry {
                    tr data-mmsi=(r.mmsi) { td { a href=(format!("/port-reports/{}", r.id)) { (r.id) } } td { (format_local_minutes(r.reported_at)) } td { (r.mmsi) } td { (r.port_code) } td { @if *waiting { (lang.pick("等待进港（24 小时内）", "awaiting arrival (within 24 h)")) } @else { span.late { (lang.pick("未见进港", "no entry seen")) } } } }
                }
            }
            h2 { (lang.pick("引擎预警：未报告进港", "Engine alerts: unreported port entry")) " (" (rec.alerts.len()) ")" }
            table data-testid="unreported-alerts" {
                tr { th { (lang.pick("时间", "Time")) } th { "MMSI" } th { (lang.pick("渔港", "Port")) } th { (lang.pick("状态", "Status")) } }
                @for a in &rec.alerts {
                    @let (zh, en) = kind_names(&a.kind);
                    tr { td { (format_local_minutes(a.start_at)) } td { (a.mmsi) } td { (a.zone_id.clone().unwrap_or_default()) } td { a href="/alerts" { (lang.pick(zh, en)) " · " (lang.pick(a.status.zh(), a.status.en())) } } }
                }
            }
        },
    )
    .into_response())
}
