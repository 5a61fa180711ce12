//! International vessels pages (国际航行船舶): the inbound list with entry
//! and import forms, and each ship call with its categories, crew results,
//! per-ship plan and "三不", work status, violations, registry and AIS
//! match, and crew change.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jinghai_domain::intl::{TestResult, TestingCategory, ViolationKind, WorkStatus};
use jinghai_domain::report::{format_day, parse_day};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_workflow::intl::{ImportOutcome, ShipCallInput};
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
    pub from: Option<String>,
    pub to: Option<String>,
    pub saved: Option<String>,
}

/// Region options of the caller's scope, indented by level.
pub async fn region_options(s: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, ApiError> {
    Ok(s.admin
        .regions(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{}", "　".repeat(r.level as usize), r.name),
            )
        })
        .collect())
}

/// Unit options of the caller's scope.
pub async fn unit_options(s: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, ApiError> {
    Ok(s.admin
        .units(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect())
}

pub fn result_badge(lang: Lang, r: TestResult) -> Markup {
    html! { span.status data-result=(r.as_str()) { (r.name(lang)) } }
}

fn work_badge(lang: Lang, w: WorkStatus) -> Markup {
    html! { span.status data-work=(w.as_str()) class=(if w == WorkStatus::Blocked { "status late" } else { "status" }) { (w.name(lang)) } }
}

fn categories_text(lang: Lang, c: &[TestingCategory]) -> String {
    c.iter()
        .map(|c| c.name(lang))
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// The list's day range: `from`..=`to`, a week back to today by default.
pub fn range(
    s: &AppState,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(i32, i32), WorkflowError> {
    let today = s.reports.today();
    let day =
        |f: &str, v: Option<&str>, default: i32| match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(v) => parse_day(v).ok_or_else(|| {
                WorkflowError::invalid(jinghai_domain::FieldError::new(
                    f,
                    format!("日期格式应为 YYYY-MM-DD：{v}"),
                    format!("date must be YYYY-MM-DD: {v}"),
                ))
            }),
        };
    let (from, to) = (day("from", from, today - 7)?, day("to", to, today + 1)?);
    if from > to || to - from > 400 {
        return Err(WorkflowError::invalid(jinghai_domain::FieldError::new(
            "from",
            "日期范围无效（最多 400 天）",
            "invalid date range (at most 400 days)",
        )));
    }
    Ok((from, to))
}

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
    Query(bq): Query<super::BehindQuery>,
) -> PageResult {
    let behind = super::behind(&s, &auth, &bq).await?;
    // The records behind a number: ships arriving that day, or with a
    // violation that day (arrived up to 60 days before).
    let q = match &behind {
        Some(b) => ListQuery {
            from: Some(format_day(b.filter.day - 60)),
            to: Some(format_day(b.filter.day)),
            saved: q.saved.clone(),
        },
        None => q,
    };
    Ok(list_page_behind(
        &s,
        &auth,
        &q,
        None,
        &ShipCallInput::default(),
        None,
        &behind,
    )
    .await?
    .into_response())
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    q: &ListQuery,
    err: Option<&WorkflowError>,
    typed: &ShipCallInput,
    import_errors: Option<&[jinghai_domain::intl::LineError]>,
) -> Result<Markup, ApiError> {
    list_page_behind(s, auth, q, err, typed, import_errors, &None).await
}

async fn list_page_behind(
    s: &AppState,
    auth: &Auth,
    q: &ListQuery,
    err: Option<&WorkflowError>,
    typed: &ShipCallInput,
    import_errors: Option<&[jinghai_domain::intl::LineError]>,
    behind: &Option<super::Behind>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let (from, to) = range(s, q.from.as_deref(), q.to.as_deref()).map_err(|e| auth.err(e))?;
    let rows = s
        .intl
        .list(&auth.ctx, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    let regions = region_options(s, auth).await?;
    let can_manage = !matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TownWorker | jinghai_domain::Role::Leader
    );
    let cats = [
        TestingCategory::Repair,
        TestingCategory::OceanFishing,
        TestingCategory::CrewChangeCargo,
        TestingCategory::ForeignToDomestic,
    ];
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.intl"),
        "nav.intl",
        html! {
            h1 { (t(lang, "nav.intl")) }
            (super::behind_banner(lang, behind))
            p.meta { (lang.pick("边检每日报送入境船舶（船名、船籍、航线、船员名单）；抵港维修外轮、远洋渔船、换班货船、外贸转内贸船舶、境外换班不足14天的船舶须全员核酸检测，结果全部阴性前系统禁止作业。", "The border inspection's daily inbound list; ships in for repair, ocean fishing vessels, crew-change cargo ships, foreign-to-domestic trade ships and ships whose crew changed abroad under 14 days ago are tested whole-crew, and work is blocked until every result is negative.")) }
            @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            @if let Some(errs) = import_errors {
                div.errors role="alert" data-testid="import-errors" {
                    p { (lang.pick("文件有误，未导入任何记录：", "The file has errors; nothing was imported:")) }
                    ul { @for e in errs { li data-line=(e.line) { (e.message(lang)) } } }
                }
            }
            form.filters method="get" action="/intl" {
                label { (lang.pick("抵港自", "Arriving from")) input type="date" name="from" value=(format_day(from)); }
                label { (lang.pick("至", "to")) input type="date" name="to" value=(format_day(to)); }
                button type="submit" { (t(lang, "common.filter")) }
            }
            @if can_manage {
                details.panel open[import_errors.is_some()] {
                    summary { (lang.pick("导入边检入境船舶日报（CSV 或 XLSX）", "Import the inbound list (CSV or XLSX)")) }
                    p.meta { (lang.pick("每行一名船员；同一船舶（IMO、MMSI 或船名）和抵港时间的行合并为一个航次。", "One crew member per row; rows of the same ship (IMO, MMSI or name) and arrival are one call.")) " " a href="/intl/template.csv" { (lang.pick("下载模板", "Download the template")) } }
                    form.grid method="post" action="/intl/import" enctype="multipart/form-data" data-testid="import-form" {
                        (csrf_field(auth))
                        label { (lang.pick("泊位所在区划", "Berth region")) (select("region_id", &regions, "", None)) }
                        label { (lang.pick("文件", "File")) input type="file" name="file" accept=".csv,.xlsx"; }
                        button type="submit" { (lang.pick("导入", "Import")) }
                    }
                }
                details.panel open[err.is_some()] {
                    summary { (lang.pick("登记入境船舶", "Enter a ship call")) }
                    form.grid method="post" action="/intl" data-testid="ship-form" {
                        (csrf_field(auth))
                        label { (lang.pick("泊位所在区划", "Berth region")) (select("region_id", &regions, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("船名", "Ship name")) input name="ship_name" value=(typed.ship_name); }
                        label { "IMO" input name="imo" value=(typed.imo) size="10"; }
                        label { "MMSI" input name="mmsi" value=(typed.mmsi) size="10"; }
                        label { (lang.pick("船旗", "Flag")) input name="flag" value=(typed.flag) size="6"; }
                        label { (lang.pick("最近挂靠港（分号分隔）", "Last ports (;-separated)")) input name="last_ports" value=(typed.last_ports); }
                        label { (lang.pick("抵港时间", "Arrival")) input name="arrival" value=(typed.arrival) placeholder="2021-02-10 08:00"; }
                        label { (lang.pick("泊位/锚地", "Berth / anchorage")) input name="berth" value=(typed.berth); }
                        fieldset.wide {
                            legend { (lang.pick("类别", "Categories")) }
                            @for c in cats { label.inline { input type="checkbox" name="categories" value=(c.as_str()) checked[typed.categories.iter().any(|x| x == c.as_str())]; " " (c.name(lang)) } }
                        }
                        label { (lang.pick("境外换班日期", "Crew changed abroad on")) input type="date" name="crew_changed_abroad" value=(typed.crew_changed_abroad); }
                        label.wide { (lang.pick("船员名单（每行：姓名,国籍,护照号）", "Crew (one per line: name, nationality, passport)")) textarea name="crew" rows="3" { (typed.crew) } }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
            }
            table data-testid="ships" {
                tr { th { (lang.pick("抵港", "Arrival")) } th { (lang.pick("船名", "Ship")) } th { "IMO / MMSI" } th { (lang.pick("船旗", "Flag")) } th { (lang.pick("泊位", "Berth")) } th { (lang.pick("检测类别", "Testing categories")) } th { (lang.pick("船员", "Crew")) } th { (lang.pick("作业", "Work")) } }
                @for r in rows.iter().filter(|r| super::Behind::keeps(behind, r.call.id)) {
                    tr data-ship=(r.call.id) {
                        td { (format_local_minutes(r.call.arrival_at)) }
                        td { a href=(format!("/intl/{}", r.call.id)) { (r.call.ship_name) } }
                        td { (r.call.imo.clone().unwrap_or_default()) " / " (r.call.mmsi.map(|m| m.to_string()).unwrap_or_default()) }
                        td { (r.call.flag) }
                        td { (r.call.berth) }
                        td { (categories_text(lang, &r.categories)) }
                        td { (r.crew) @if r.pending > 0 { " (" (lang.pick("待检 ", "pending ")) (r.pending) ")" } }
                        td { (work_badge(lang, r.call.work_status)) }
                    }
                }
            }
        },
    ))
}

fn ship_input(form: &SignedForm) -> Result<ShipCallInput, ApiError> {
    Ok(ShipCallInput {
        region_id: form.id("region_id")?,
        ship_name: form.get("ship_name").into(),
        imo: form.get("imo").into(),
        mmsi: form.get("mmsi").into(),
        flag: form.get("flag").into(),
        last_ports: form.get("last_ports").into(),
        arrival: form.get("arrival").into(),
        berth: form.get("berth").into(),
        categories: form.all("categories"),
        crew_changed_abroad: form.get("crew_changed_abroad").into(),
        crew: form.get("crew").into(),
    })
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = ship_input(&form)?;
    let r = s.intl.create(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        r,
        |c| format!("/intl/{}?saved=1", c.id),
        |e| async move { list_page(&s, auth, &ListQuery::default(), Some(&e), &input, None).await },
    )
    .await
}

pub async fn import(State(s): State<AppState>, form: SignedUpload) -> PageResult {
    let auth = &form.auth;
    let region = match form.get("region_id").trim() {
        "" => None,
        v => v.parse().ok(),
    };
    let (name, bytes) = form.file.clone().unwrap_or_default();
    match s.intl.import(&auth.ctx, region, &name, &bytes).await {
        Ok(ImportOutcome::Imported(calls)) => Ok(axum::response::Redirect::to(&format!(
            "/intl?saved={}",
            calls.len()
        ))
        .into_response()),
        Ok(ImportOutcome::Rejected(errs)) => Ok((
            axum::http::StatusCode::BAD_REQUEST,
            list_page(
                &s,
                auth,
                &ListQuery::default(),
                None,
                &ShipCallInput::default(),
                Some(&errs),
            )
            .await?,
        )
            .into_response()),
        Err(e @ (WorkflowError::Invalid(_) | WorkflowError::Forbidden { .. })) => {
            let status = if matches!(e, WorkflowError::Invalid(_)) {
                axum::http::StatusCode::BAD_REQUEST
            } else {
                axum::http::StatusCode::FORBIDDEN
            };
            Ok((
                status,
                list_page(
                    &s,
                    auth,
                    &ListQuery::default(),
                    Some(&e),
                    &ShipCallInput::default(),
                    None,
                )
                .await?,
            )
                .into_response())
        }
        Err(e) => Err(auth.err(e)),
    }
}

pub async fn template() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"inbound-ships.csv\"",
            ),
        ],
        format!("\u{feff}{}", jinghai_domain::intl::template_csv()),
    )
        .into_response()
}

pub async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<ListQuery>,
) -> PageResult {
    Ok(detail_page(&s, &auth, id, q.saved.is_some(), None)
        .await?
        .into_response())
}

async fn detail_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    saved: bool,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .intl
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let c = &d.call;
    let results: Vec<(String, String)> = TestResult::ALL
        .iter()
        .map(|r| (r.as_str().into(), r.name(lang).into()))
        .collect();
    let kinds: Vec<(String, String)> = ViolationKind::ALL
        .iter()
        .map(|r| (r.as_str().into(), r.name(lang).into()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.intl"),
        "nav.intl",
        html! {
            p { a href="/intl" { "← " (t(lang, "nav.intl")) } }
            h1 { (c.ship_name) " " (work_badge(lang, c.work_status)) }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            table.kv data-testid="ship" {
                tr { th { "IMO" } td { (c.imo.clone().unwrap_or_default()) } th { "MMSI" } td { (c.mmsi.map(|m| m.to_string()).unwrap_or_default()) } }
                tr { th { (lang.pick("船旗", "Flag")) } td { (c.flag) } th { (lang.pick("航线", "Route")) } td { (c.last_ports.replace(';', " → ")) } }
                tr { th { (lang.pick("抵港时间", "Arrival")) } td { (format_local_minutes(c.arrival_at)) } th { (lang.pick("泊位/锚地", "Berth")) } td { (c.berth) } }
                tr { th { (lang.pick("全员核酸类别", "Testing categories")) } td colspan="3" data-testid="categories" { @if d.categories.is_empty() { (lang.pick("不属于五类船舶", "none of the five categories")) } @else { (categories_text(lang, &d.categories)) } } }
                tr { th { (lang.pick("船舶档案比对", "Registry match")) } td colspan="3" data-testid="registry" {
                    @match &d.registry {
                        Some((v, by)) => { (lang.pick("已匹配（", "matched (")) (lang.pick(by.zh(), by.en())) (lang.pick("）：", "): ")) (v.name) " · MMSI " (v.mmsi) " · " (v.flag) }
                        None => { (lang.pick("船舶档案中未找到（按 IMO、MMSI、船名比对）", "not in the registry (by IMO, MMSI, name)")) }
                    }
                } }
                tr { th { (lang.pick("AIS 实际到港", "What AIS saw")) } td colspan="3" data-testid="sightings" {
                    @if d.sightings.is_empty() { (lang.pick("申报抵港前后 3 天内无 AIS 预警记录", "no AIS event within 3 days of the declared arrival")) }
                    @for x in &d.sightings { div { (format_local_minutes(x.at)) " · " (x.zone.clone().unwrap_or_default()) " · " (format!("{:.4}, {:.4}", x.lat, x.lon)) " · " (jinghai_domain::alert::kind_names(&x.kind).0) } }
                } }
            }
            @if !d.blocks.is_empty() {
                div.notice data-testid="blocks" {
                    p { b { (lang.pick("禁止作业的原因：", "Why work is blocked:")) } }
                    ul { @for b in &d.blocks { li { (b.to_error().message(lang)) } } }
                }
            }
            @if d.can_manage {
                form.inline method="post" action=(format!("/intl/{}/work", c.id)) data-testid="work-form" {
                    (csrf_field(auth))
                    @if c.work_status == WorkStatus::Blocked {
                        button type="submit" name="decision" value="allow" { (lang.pick("准予作业", "Allow work")) }
                    } @else {
                        button.danger type="submit" name="decision" value="block" { (lang.pick("停止作业", "Stop work")) }
                    }
                }
                h2 { (lang.pick("“一船一案”与“三不”", "Per-ship plan and the three-no rule")) }
                form.grid method="post" action=(format!("/intl/{}/plan", c.id)) data-testid="plan-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("作业方案（固定作业专班、封闭式和非接触式作业）", "Plan (fixed work team, closed and contact-free work)")) textarea name="plan" rows="2" { (c.plan) } }
                    label.wide { input type="checkbox" name="three_no" checked[c.three_no]; " " (lang.pick("已落实“三不”：船员不离船、岸上人员不登船、船岸不直接接触", "The three-no rule is in force: crew stay aboard, no shore staff aboard, no direct contact")) }
                    button type="submit" { (t(lang, "common.save")) }
                }
            } @else {
                p { (lang.pick("作业方案：", "Plan: ")) (c.plan) " · " (lang.pick("三不：", "Three-no: ")) (if c.three_no { lang.pick("已落实", "confirmed") } else { lang.pick("未确认", "not confirmed") }) }
            }
            h2 { (lang.pick("船员与核酸检测", "Crew and tests")) }
            form method="post" action=(format!("/intl/{}/crew-change", c.id)) id="crew-change" {}
            table data-testid="crew" {
                tr { th {} th { (lang.pick("姓名", "Name")) } th { (lang.pick("国籍", "Nationality")) } th { (lang.pick("护照号", "Passport")) } th { (lang.pick("核酸结果", "Result")) } th { (lang.pick("检测时间", "Tested")) } th {} }
                @for m in &d.crew {
                    tr data-crew=(m.id) {
                        td { @if d.can_manage { input type="checkbox" name="crew_id" value=(m.id) form="crew-change"; } }
                        td { (m.name) } td { (m.nationality) } td { (m.passport) }
                        td { (result_badge(lang, m.test_result)) }
                        td { (m.tested_at.map(format_local_minutes).unwrap_or_default()) }
                        td { @if d.can_manage {
                            form.inline method="post" action=(format!("/intl/crew/{}/result", m.id)) {
                                (csrf_field(auth))
                                (select("result", &results, m.test_result.as_str(), None))
                                button type="submit" { (lang.pick("登记", "Record")) }
                            }
                        } }
                    }
                }
            }
            @if d.can_manage {
                p {
                    input type="hidden" name="_csrf" value=(auth.csrf) form="crew-change";
                    button type="submit" form="crew-change" data-testid="crew-change" { (lang.pick("勾选船员发起换班（受控转运、定点隔离）", "Start a crew change for the ticked crew (controlled transfer, designated quarantine)")) }
                }
                h2 { (lang.pick("违规记录", "Violations")) }
                form.grid method="post" action=(format!("/intl/{}/violations", c.id)) data-testid="violation-form" {
                    (csrf_field(auth))
                    label { (lang.pick("类型", "Kind")) (select("kind", &kinds, "", None)) }
                    label { (lang.pick("发生时间", "When")) input name="at" placeholder="2021-02-10 08:00"; }
                    label.wide { (lang.pick("情况", "What happened")) textarea name="description" rows="2" {} }
                    button type="submit" { (lang.pick("登记违规", "Record")) }
                }
            }
            table data-testid="violations" { @for v in &d.violations { tr { td { (format_local_minutes(v.at)) } td { (v.kind.name(lang)) } td { (v.description) } td { (v.recorded_by) } } } }
        },
    ))
}

async fn after<T>(s: &AppState, auth: &Auth, id: i64, r: Result<T, WorkflowError>) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| format!("/intl/{id}?saved=1"),
        |e| async move { detail_page(s, auth, id, false, Some(&e)).await },
    )
    .await
}

pub async fn plan(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .intl
        .set_plan(&auth.ctx, id, form.get("plan"), form.checked("three_no"))
        .await;
    after(&s, auth, id, r).await
}

pub async fn work(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = if form.get("decision") == "block" {
        s.intl.block_work(&auth.ctx, id).await
    } else {
        s.intl.allow_work(&auth.ctx, id).await
    };
    after(&s, auth, id, r).await
}

pub async fn violation(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .intl
        .add_violation(
            &auth.ctx,
            id,
            form.get("kind"),
            form.get("at"),
            form.get("description"),
        )
        .await;
    after(&s, auth, id, r).await
}

pub async fn crew_result(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .intl
        .set_crew_result(&auth.ctx, id, form.get("result"))
        .await;
    match r {
        Ok(m) => Ok(
            axum::response::Redirect::to(&format!("/intl/{}?saved=1", m.ship_call_id))
                .into_response(),
        ),
        Err(e) => Err(auth.err(e)),
    }
}

pub async fn crew_change(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let ids: Vec<i64> = form
        .all("crew_id")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let r = s.individual.crew_change(&auth.ctx, id, &ids, "").await;
    match r {
        Ok(c) => Ok(
            axum::response::Redirect::to(&format!("/individual/{}?saved=1", c.id)).into_response(),
        ),
        Err(e @ (WorkflowError::Invalid(_) | WorkflowError::Forbidden { .. })) => {
            after::<()>(&s, auth, id, Err(e)).await
        }
        Err(e) => Err(auth.err(e)),
    }
}
