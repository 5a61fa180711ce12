//! Daily report pages: the district's day sheet (fill, submit, review,
//! unlock), the roll-up of any region and period with completeness and
//! timeliness, a chart, and the exports.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jinghai_domain::report::{
    format_day, format_value, parse_day, split_corrections, Day, EntryStatus, Milli,
    CORRECTION_MARK,
};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::{FieldError, Lang, Region, RegionLevel};
use jinghai_workflow::reports::{DaySheet, Rollup, SectionInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::{csrf_field, error_box, layout, select};
use crate::api::path_id;
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct SheetQuery {
    pub district: Option<String>,
    pub day: Option<String>,
    pub saved: Option<String>,
}

fn bad_day(field: &str, v: &str) -> WorkflowError {
    WorkflowError::invalid(FieldError::new(
        field,
        format!("日期格式应为 YYYY-MM-DD：{v}"),
        format!("date must be YYYY-MM-DD: {v}"),
    ))
}

/// Parses an optional `YYYY-MM-DD`, defaulting to `default`.
pub fn day_param(field: &str, v: Option<&str>, default: Day) -> Result<Day, WorkflowError> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => parse_day(v).ok_or_else(|| bad_day(field, v)),
    }
}

fn status_label(lang: Lang, s: Option<EntryStatus>) -> &'static str {
    match s {
        None => lang.pick("未填报", "Not filed"),
        Some(s) => lang.pick(s.zh(), s.en()),
    }
}

async fn districts(s: &AppState, auth: &Auth) -> Result<Vec<Region>, ApiError> {
    Ok(s.admin
        .regions(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .filter(|r| r.level == RegionLevel::District)
        .collect())
}

async fn unit_names(s: &AppState, auth: &Auth) -> Result<HashMap<i64, String>, ApiError> {
    Ok(s.admin
        .units(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

pub async fn sheet(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<SheetQuery>,
) -> PageResult {
    let today = s.reports.today();
    let day = day_param("day", q.day.as_deref(), today).map_err(|e| auth.err(e))?;
    let ds = districts(&s, &auth).await?;
    let district_id = match q.district.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => path_id(auth.lang, auth.flavor, d)?,
        None => match ds
            .iter()
            .find(|d| d.contains_code(&auth.ctx.user.region_code))
            .or(ds.first())
        {
            Some(d) => d.id,
            None => return Ok(no_district(&auth).into_response()),
        },
    };
    let sheet = s
        .reports
        .sheet(&auth.ctx, district_id, day)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(
        render_sheet(&s, &auth, &ds, &sheet, q.saved.is_some(), None, None)
            .await?
            .into_response(),
    )
}

fn no_district(auth: &Auth) -> Markup {
    let lang = auth.lang;
    layout(
        lang,
        Some(auth),
        t(lang, "nav.daily"),
        "nav.daily",
        html! {
            h1 { (t(lang, "nav.daily")) }
            p.notice { (lang.pick("您的管辖范围内没有区/县，日报表按区/县填报。", "There is no district in your scope; the daily report is filed per district.")) }
        },
    )
}

/// `failed`: the section whose form failed, with what was typed.
async fn render_sheet(
    s: &AppState,
    auth: &Auth,
    ds: &[Region],
    sheet: &DaySheet,
    saved: bool,
    err: Option<&WorkflowError>,
    failed: Option<(&str, &HashMap<String, String>)>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let units = unit_names(s, auth).await?;
    let district_options: Vec<(String, String)> = ds
        .iter()
        .map(|d| (d.id.to_string(), d.name.clone()))
        .collect();
    let day = format_day(sheet.day);
    let cumulative: HashMap<&str, Milli> = sheet
        .cumulative
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.daily"),
        "nav.daily",
        html! {
            h1 { (sheet.form.def.zh) }
            form.filters method="get" action="/daily" {
                label { (t(lang, "tf.district")) (select("district", &district_options, &sheet.district.id.to_string(), None)) }
                label { (lang.pick("日期", "Day")) input type="date" name="day" value=(day); }
                button type="submit" { (lang.pick("查看", "Show")) }
                a href=(format!("/daily/summary?region={}&from={day}&to={day}", sheet.district.id)) { (lang.pick("汇总与导出", "Roll-up & export")) }
            }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            div.sections {
                @for v in &sheet.sections {
                    @let status = v.entry.as_ref().map(|e| e.status);
                    @let editable = v.can_edit && matches!(status, None | Some(EntryStatus::Draft) | Some(EntryStatus::Returned));
                    @let typed = failed.filter(|(k, _)| *k == v.section.key).map(|(_, f)| f);
                    @let (own_notes, saved_reasons) = v.entry.as_ref().map(|e| split_corrections(&e.notes)).unwrap_or_default();
                    section.report data-section=(v.section.key) data-status=(status.map(|s| s.as_str()).unwrap_or("none")) {
                        h2 { (lang.pick(&v.section.zh, &v.section.en)) }
                        p.meta {
                            (lang.pick("牵头单位：", "Lead unit: ")) (v.lead_unit_id.and_then(|u| units.get(&u)).cloned().unwrap_or_else(|| t(lang, "common.none").into()))
                            " · " span.status data-testid="status" { (status_label(lang, status)) }
                            @if let Some(at) = v.entry.as_ref().and_then(|e| e.submitted_at) { " · " (lang.pick("报送于 ", "submitted ")) (format_local_minutes(at)) }
                            @if v.late { " · " span.late { (lang.pick("迟报", "late")) } }
                        }
                        @if let Some(e) = &v.entry { @if !e.review_comment.is_empty() { p.comment { (lang.pick("审核意见：", "Review: ")) (e.review_comment) } } }
                        @if editable {
                            form.grid method="post" action=(format!("/daily/{}", sheet.district.id)) {
                                (csrf_field(auth))
                                input type="hidden" name="day" value=(day);
                                input type="hidden" name="section" value=(v.section.key);
                                @for i in &v.section.indicators {
                                    label {
                                        (i.zh) @if !i.unit.is_empty() { "（" (i.unit) "）" }
                                        @if i.cumulative_of.is_some() {
                                            input readonly value=(format_value(i, cumulative.get(i.key.as_str()).copied().unwrap_or(0))) title=(lang.pick("累计数由系统计算", "computed"));
                                        } @else {
                                            @let suggested = v.suggestions.iter().find(|g| g.indicator == i.key);
                                            @let current = typed.and_then(|f| f.get(&i.key).cloned()).or_else(|| v.entry.as_ref().map(|e| format_value(i, e.value(&i.key)))).or_else(|| suggested.map(|g| format_value(i, g.value))).unwrap_or_default();
                                            input name=(format!("v.{}", i.key)) value=(current) inputmode="decimal" size="8";
                                            @if let Some(g) = suggested {
                                                small.prefill data-prefill=(i.key) title=(lang.pick(&g.source_zh, &g.source_en)) {
                                                    (lang.pick("系统预填 ", "prefilled ")) (format_value(i, g.value)) (lang.pick("，请核对", ", please confirm"))
                                                    @if let Some(link) = &g.link { " · " a href=(link) data-records=(i.key) target="_blank" { (t(lang, "daily.prefill.records")) } }
                                                }
                                                @let reason_key = format!("r.{}", i.key);
                                                @let reason = typed.and_then(|f| f.get(&reason_key).cloned()).or_else(|| saved_reasons.iter().find(|(k, _)| *k == i.key).map(|(_, r)| r.clone())).unwrap_or_default();
                                                input.reason name=(reason_key) value=(reason) placeholder=(t(lang, "daily.prefill.reason")) title=(t(lang, "daily.prefill.reason")) size="16";
                                            }
                                        }
                                    }
                                }
                                label.wide { (lang.pick("备注", "Notes")) textarea name="notes" rows="2" { (typed.and_then(|f| f.get("notes").cloned()).unwrap_or_else(|| own_notes.clone())) } }
                                button type="submit" name="action" value="draft" { (lang.pick("保存草稿", "Save draft")) }
                                button type="submit" name="action" value="submit" { (lang.pick("报送", "Submit")) }
                            }
                        } @else {
                            table.values {
                                tr { @for i in &v.section.indicators { th { (i.zh) } } }
                                tr { @for i in &v.section.indicators {
                                    td { @if i.cumulative_of.is_some() { (format_value(i, cumulative.get(i.key.as_str()).copied().unwrap_or(0))) } @else { (v.entry.as_ref().map(|e| format_value(i, e.value(&i.key))).unwrap_or_else(|| "—".into())) } }
                                } }
                            }
                        }
                        @if !editable && !own_notes.is_empty() { p.notes data-testid="notes" { (lang.pick("备注：", "Notes: ")) (own_notes) } }
                        @if !saved_reasons.is_empty() {
                            div.corrections data-testid="corrections" {
                                b { (t(lang, "daily.corrections")) }
                                ul { @for line in v.entry.as_ref().map(|e| e.notes.lines().filter(|l| l.starts_with(CORRECTION_MARK)).map(|l| l.trim_start_matches(CORRECTION_MARK).to_string()).collect::<Vec<_>>()).unwrap_or_default() { li { (line) } } }
                            }
                        }
                        @if let Some(e) = &v.entry {
                            @if sheet.can_review && e.status == EntryStatus::Submitted {
                                form.inline method="post" action=(format!("/daily/entries/{}/review", e.id)) {
                                    (csrf_field(auth))
                                    input name="comment" placeholder=(lang.pick("审核意见（退回必填）", "Comment (required to return)")) size="30";
                                    button type="submit" name="decision" value="approve" { (lang.pick("审核通过", "Approve")) }
                                    button.danger type="submit" name="decision" value="return" { (lang.pick("退回", "Return")) }
                                }
                            }
                            @if sheet.can_review && e.status == EntryStatus::Approved {
                                form.inline method="post" action=(format!("/daily/entries/{}/unlock", e.id)) {
                                    (csrf_field(auth))
                                    input name="comment" placeholder=(lang.pick("解锁理由", "Reason to unlock")) size="30";
                                    button.danger type="submit" { (lang.pick("解锁", "Unlock")) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn save(
    State(s): State<AppState>,
    PathId(district_id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let day =
        day_param("day", Some(form.get("day")), s.reports.today()).map_err(|e| auth.err(e))?;
    let section = form.get("section").to_string();
    let values: Vec<(String, String)> = form
        .fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("v.").map(|k| (k.to_string(), v.clone())))
        .collect();
    let input = SectionInput {
        district_id,
        day,
        section: section.clone(),
        values,
        notes: form.get("notes").into(),
        reasons: form
            .fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("r.").map(|k| (k.to_string(), v.clone())))
            .collect(),
        submit: form.get("action") == "submit",
    };
    let result = s.reports.save(&auth.ctx, &input).await;
    let typed: HashMap<String, String> = form
        .fields
        .iter()
        .map(|(k, v)| (k.strip_prefix("v.").unwrap_or(k).to_string(), v.clone()))
        .collect();
    super::form_outcome(
        auth,
        result,
        |_| {
            format!(
                "/daily?district={district_id}&day={}&saved=1",
                format_day(day)
            )
        },
        |e| async move {
            let sheet = s
                .reports
                .sheet(&auth.ctx, district_id, day)
                .await
                .map_err(|e| auth.err(e))?;
            let ds = districts(&s, auth).await?;
            render_sheet(
                &s,
                auth,
                &ds,
                &sheet,
                false,
                Some(&e),
                Some((&section, &typed)),
            )
            .await
        },
    )
    .await
}

async fn after_review(
    s: &AppState,
    auth: &Auth,
    entry_id: i64,
    result: Result<jinghai_domain::report::ReportEntry, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        result,
        |e| {
            format!(
                "/daily?district={}&day={}&saved=1",
                e.region_id,
                format_day(e.day)
            )
        },
        |err| async move {
            let e = s
                .reports
                .entry(&auth.ctx, entry_id)
                .await
                .map_err(|e| auth.err(e))?;
            let sheet = s
                .reports
                .sheet(&auth.ctx, e.region_id, e.day)
                .await
                .map_err(|e| auth.err(e))?;
            let ds = districts(s, auth).await?;
            render_sheet(s, auth, &ds, &sheet, false, Some(&err), None).await
        },
    )
    .await
}

pub async fn review(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let result = s
        .reports
        .review(
            &auth.ctx,
            id,
            form.get("decision") == "approve",
            form.get("comment"),
        )
        .await;
    after_review(&s, auth, id, result).await
}

pub async fn unlock(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let result = s.reports.unlock(&auth.ctx, id, form.get("comment")).await;
    after_review(&s, auth, id, result).await
}

// --- roll-up ---

#[derive(Debug, Default, Deserialize)]
pub struct RollupQuery {
    pub region: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Comma-separated indicator keys for the chart.
    pub chart: Option<String>,
}

/// Resolves the query to a roll-up (the caller's own region and today by default).
pub async fn rollup_of(s: &AppState, auth: &Auth, q: &RollupQuery) -> Result<Rollup, ApiError> {
    let today = s.reports.today();
    let to = day_param("to", q.to.as_deref(), today).map_err(|e| auth.err(e))?;
    // By default the week up to the end day.
    let from = day_param("from", q.from.as_deref(), to - 6).map_err(|e| auth.err(e))?;
    let region_id = match q.region.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => path_id(auth.lang, auth.flavor, r)?,
        None => {
            let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
            // The user's own region, or the nearest district-or-above containing it.
            match regions
                .iter()
                .filter(|r| r.level <= RegionLevel::District)
                .min_by_key(|r| r.level)
            {
                Some(r) => r.id,
                None => return Err(auth.err(WorkflowError::forbidden(
                    "您的管辖范围内没有区/县，日报表按区/县汇总",
                    "there is no district in your scope; the daily report rolls up from districts",
                ))),
            }
        }
    };
    s.reports
        .rollup(&auth.ctx, region_id, from, to)
        .await
        .map_err(|e| auth.err(e))
}

pub async fn summary(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RollupQuery>,
) -> PageResult {
    let lang = auth.lang;
    let r = rollup_of(&s, &auth, &q).await?;
    let regions: Vec<(String, String)> = s
        .admin
        .regions(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .filter(|r| r.level <= RegionLevel::District)
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{}", "　".repeat(r.level as usize), r.name),
            )
        })
        .collect();
    let units = unit_names(&s, &auth).await?;
    let (from, to) = (format_day(r.from), format_day(r.to));
    let chart_keys: Vec<String> = q
        .chart
        .as_deref()
        .unwrap_or("mp_ships_checked,cs_clues")
        .split(',')
        .map(|k| k.trim().to_string())
        .filter(|k| r.form.def.indicator(k).is_some())
        .collect();
    let series = s
        .store
        .report_series(r.form.id, r.region.scope_prefix(), r.from, r.to)
        .await
        .map_err(|e| auth.err(e.into()))?;
    let query = format!("region={}&from={from}&to={to}", r.region.id);
    let section_name = |k: &str| {
        r.form
            .def
            .section(k)
            .map(|s| lang.pick(&s.zh, &s.en).to_string())
            .unwrap_or_default()
    };
    Ok(layout(lang, Some(&auth), t(lang, "nav.daily"), "nav.daily", html! {
        h1 { (lang.pick("日报表汇总", "Daily report roll-up")) }
        form.filters method="get" action="/daily/summary" data-testid="rollup-filter" {
            label { (lang.pick("区划", "Region")) (select("region", &regions, &r.region.id.to_string(), None)) }
            label { (t(lang, "audit.from")) input type="date" name="from" value=(from); }
            label { (t(lang, "audit.to")) input type="date" name="to" value=(to); }
            button type="submit" { (lang.pick("汇总", "Roll up")) }
            a href=(format!("/daily/export.xlsx?{query}")) data-testid="export-xlsx" { "XLSX" }
            a href=(format!("/daily/export.csv?{query}")) { "CSV" }
            a href=(format!("/api/v1/daily/rollup?{query}")) { "JSON" }
        }
        (official_table(&r))
        h2 { (lang.pick("填报情况", "Completeness")) " — " (r.districts) (lang.pick(" 个区/县", " district(s)")) }
        @if r.missing.is_empty() && r.late.is_empty() {
            p.saved { (lang.pick("各单位均已按时报送。", "Every unit reported on time.")) }
        }
        @if !r.missing.is_empty() {
            h3 { (lang.pick("未报送（催报名单）", "Not submitted (reminder list)")) " " span.count data-testid="missing-count" { (r.missing.len()) } }
            table data-testid="missing" {
                tr { th { (lang.pick("日期", "Day")) } th { (t(lang, "tf.district")) } th { (lang.pick("表格部分", "Section")) } th { (t(lang, "tf.lead")) } }
                @for g in r.missing.iter().take(200) {
                    tr { td { (format_day(g.day)) } td { (g.district) } td { (section_name(&g.section)) } td { (g.unit_id.and_then(|u| units.get(&u)).cloned().unwrap_or_default()) } }
                }
            }
        }
        @if !r.late.is_empty() {
            h3 { (lang.pick("迟报", "Late")) " " span.count { (r.late.len()) } }
            table data-testid="late" {
                tr { th { (lang.pick("日期", "Day")) } th { (t(lang, "tf.district")) } th { (lang.pick("表格部分", "Section")) } th { (lang.pick("报送时间", "Submitted")) } }
                @for g in &r.late {
                    tr { td { (format_day(g.day)) } td { (g.district) } td { (section_name(&g.section)) } td { (g.submitted_at.map(format_local_minutes).unwrap_or_default()) } }
                }
            }
        }
        h2 { (lang.pick("趋势", "Trend")) }
        form.filters method="get" action="/daily/summary" {
            input type="hidden" name="region" value=(r.region.id);
            input type="hidden" name="from" value=(from);
            input type="hidden" name="to" value=(to);
            label { (lang.pick("指标（逗号分隔）", "Indicators (comma-separated)")) input name="chart" value=(chart_keys.join(",")) size="40"; }
            button type="submit" { (lang.pick("绘图", "Plot")) }
        }
        (chart(lang, &r, &series, &chart_keys))
    }).into_response())
}

/// The roll-up in the two-block layout of the official form.
fn official_table(r: &Rollup) -> Markup {
    let all: Vec<_> = r.form.def.indicators().collect();
    let half = all.len().div_ceil(2);
    html! {
        div.official data-testid="official" {
            p.office { span { (jinghai_workflow::report_export::office_title(&r.region.name)) } span { "日期：" (format_day(r.from)) @if r.from != r.to { " 至 " (format_day(r.to)) } } }
            p.formtitle { (r.form.def.zh) }
            @for block in [&all[..half], &all[half..]] {
                table.form {
                    tr {
                        th { "内容" }
                        @for (sec, span) in spans(block) { th colspan=(span) { (sec) } }
                    }
                    tr { th {} @for (_, i) in block { th.ind { (i.zh) @if !i.unit.is_empty() && i.unit != "次" { "（" (i.unit) "）" } } } }
                    tr { th { "数量" } @for (_, i) in block { td data-indicator=(i.key) { (format_value(i, r.value(&i.key))) } } }
                }
            }
        }
    }
}

fn spans<'a>(
    block: &[(
        &'a jinghai_domain::report::Section,
        &jinghai_domain::report::Indicator,
    )],
) -> Vec<(&'a str, usize)> {
    let mut out: Vec<(&str, usize)> = Vec::new();
    for (s, _) in block {
        match out.last_mut() {
            Some((name, n)) if *name == s.zh.as_str() => *n += 1,
            _ => out.push((s.zh.as_str(), 1)),
        }
    }
    out
}

/// A small SVG line chart of chosen indicators per day (no script, no library).
fn chart(lang: Lang, r: &Rollup, series: &[(Day, String, Milli)], keys: &[String]) -> Markup {
    const W: f64 = 720.0;
    const H: f64 = 220.0;
    const PAD: f64 = 36.0;
    const COLORS: [&str; 6] = [
        "#1f5f99", "#b3261e", "#1e7d3a", "#9a6400", "#6a3d9a", "#0b7285",
    ];
    let days = (r.to - r.from + 1).max(1) as f64;
    let max = series
        .iter()
        .filter(|(_, k, _)| keys.contains(k))
        .map(|(_, _, v)| *v)
        .max()
        .unwrap_or(0)
        .max(1000) as f64;
    let x = |d: Day| PAD + (d - r.from) as f64 * (W - 2.0 * PAD) / (days - 1.0).max(1.0);
    let y = |v: Milli| H - PAD - v as f64 * (H - 2.0 * PAD) / max;
    let mut svg = format!(
        r##"<svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" data-testid="chart"><rect width="{W}" height="{H}" fill="#fff" stroke="#d5dde6"/>"##
    );
    svg.push_str(&format!(r##"<line x1="{PAD}" y1="{}" x2="{}" y2="{}" stroke="#999"/><text x="4" y="{}" font-size="10">{}</text><text x="4" y="{}" font-size="10">0</text>"##, H - PAD, W - PAD, H - PAD, PAD, max / 1000.0, H - PAD));
    svg.push_str(&format!(r#"<text x="{PAD}" y="{}" font-size="10">{}</text><text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>"#, H - 8.0, format_day(r.from), W - PAD, H - 8.0, format_day(r.to)));
    for (n, key) in keys.iter().enumerate() {
        let color = COLORS[n % COLORS.len()];
        let points: Vec<String> = (r.from..=r.to)
            .map(|d| {
                let v = series
                    .iter()
                    .find(|(day, k, _)| *day == d && k == key)
                    .map(|(_, _, v)| *v)
                    .unwrap_or(0);
                format!("{:.1},{:.1}", x(d), y(v))
            })
            .collect();
        svg.push_str(&format!(
            r##"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"##,
            points.join(" ")
        ));
        let name = r
            .form
            .def
            .indicator(key)
            .map(|(_, i)| lang.pick(&i.zh, &i.en).to_string())
            .unwrap_or_default();
        svg.push_str(&format!(
            r##"<text x="{}" y="{}" font-size="11" fill="{color}">{}</text>"##,
            PAD + 8.0,
            PAD - 14.0 + 14.0 * n as f64,
            escape(&name)
        ));
    }
    svg.push_str("</svg>");
    html! { (PreEscaped(svg)) }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub async fn export_xlsx(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RollupQuery>,
) -> PageResult {
    let r = rollup_of(&s, &auth, &q).await?;
    let bytes = jinghai_workflow::report_export::xlsx(&r).map_err(|e| {
        auth.err(WorkflowError::Store(jinghai_store::StoreError::Corrupt(
            format!("xlsx: {e}"),
        )))
    })?;
    let name = format!("daily-{}-{}.xlsx", r.region.code, format_day(r.to));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn export_csv(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RollupQuery>,
) -> PageResult {
    let r = rollup_of(&s, &auth, &q).await?;
    let name = format!("daily-{}-{}.csv", r.region.code, format_day(r.to));
    // A BOM so that spreadsheet programs on Chinese desktops read UTF-8.
    let body = format!("\u{feff}{}", jinghai_workflow::report_export::csv(&r));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
