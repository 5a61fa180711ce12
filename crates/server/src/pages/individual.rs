//! Individual case pages (个案处置): the list with 失管漏管 counts and the
//! registration form; each case with its persons (tests, flags, what stands
//! before release), its steps with owners and times, its deadlines, and the
//! forms for the next step, a test, a location, more persons.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use jinghai_domain::individual::{CaseKind, CaseStatus, StepKind, TestKind};
use jinghai_domain::intl::TestResult;
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_workflow::individual::{CaseInput, StepInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;

use super::intl::{region_options, result_badge, unit_options};
use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    pub saved: Option<String>,
}

pub fn deadline_badge(lang: Lang, d: &jinghai_domain::duty::Deadline, now: i64) -> Markup {
    let st = d.state(now);
    html! {
        span.status.(if matches!(st, jinghai_domain::duty::DeadlineState::Overdue | jinghai_domain::duty::DeadlineState::Late) { "late" } else { "" }) data-state=(st.as_str()) { (st.name(lang)) }
    }
}

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<Saved>,
    Query(bq): Query<super::BehindQuery>,
) -> PageResult {
    let behind = super::behind(&s, &auth, &bq).await?;
    Ok(list_page_behind(
        &s,
        &auth,
        q.saved.is_some(),
        None,
        &CaseInput::default(),
        &behind,
    )
    .await?
    .into_response())
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    saved: bool,
    err: Option<&WorkflowError>,
    typed: &CaseInput,
) -> Result<Markup, ApiError> {
    list_page_behind(s, auth, saved, err, typed, &None).await
}

async fn list_page_behind(
    s: &AppState,
    auth: &Auth,
    saved: bool,
    err: Option<&WorkflowError>,
    typed: &CaseInput,
    behind: &Option<super::Behind>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let rows = s
        .individual
        .list(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let regions = region_options(s, auth).await?;
    let units = unit_options(s, auth).await?;
    let kinds: Vec<(String, String)> = CaseKind::ALL
        .iter()
        .filter(|k| **k != CaseKind::CrewChange)
        .map(|k| (k.as_str().into(), k.name(lang).into()))
        .collect();
    let lost: usize = rows.iter().map(|r| r.lost).sum();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.individual"),
        "nav.individual",
        html! {
            h1 { (t(lang, "nav.individual")) }
            (super::behind_banner(lang, behind))
            p.meta { (lang.pick("非法入境人员、走私人员、海上求助入境人员：第一时间报区工作组，重大事项 24 小时内报省；健康检查、医学诊断、专车转运、隔离、诊治，集中隔离 ", "Illegal entrants, smugglers, sea-rescue entrants: first report to the district at once, major matters to the province within 24 h; health check, diagnosis, transfer, isolation, treatment, then closed-loop quarantine of ")) (s.individual.rules().days) (lang.pick(" 天，2 次核酸、1 次血清检测阴性后放行。", " days with 2 nucleic-acid and 1 serum test before release.")) }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            div.cards {
                div.card { h3 { (lang.pick("个案", "Cases")) } p.big { (rows.len()) } }
                div.card { h3 { (lang.pick("处置中", "In progress")) } p.big { (rows.iter().filter(|r| r.case.status == CaseStatus::Open).count()) } }
                a.card href="/duty" { h3 { (lang.pick("失管漏管", "Lost from control")) } p.big.(if lost > 0 { "red" } else { "" }) data-testid="lost-count" { (lost) } }
            }
            @if auth.ctx.user.role.can_write() {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("登记个案", "Record a case")) }
                    form.grid method="post" action="/individual" data-testid="case-form" {
                        (csrf_field(auth))
                        label { (lang.pick("类别", "Kind")) (select("kind", &kinds, &typed.kind, None)) }
                        label { (lang.pick("发现地区划", "Region")) (select("region_id", &regions, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("发现地点", "Place")) input name="place" value=(typed.place); }
                        label { (lang.pick("发现时间（空为现在）", "Found at (empty: now)")) input name="found_at" value=(typed.found_at) placeholder="2021-02-10 08:00"; }
                        label { (lang.pick("发现单位", "Found by")) (select("found_by_unit_id", &units, &typed.found_by_unit_id.or(auth.ctx.user.unit_id).map(|i| i.to_string()).unwrap_or_default(), Some(""))) }
                        label { (lang.pick("来源（预警、线索编号等）", "Source (alert, clue …)")) input name="source_ref" value=(typed.source_ref); }
                        label.wide { input type="checkbox" name="major" checked[typed.major]; " " (lang.pick("重大事项，24 小时内报省（非法入境一律报省）", "Major matter for the province within 24 h (always for illegal entry)")) }
                        label.wide { (lang.pick("简要情况", "Summary")) textarea name="summary" rows="2" { (typed.summary) } }
                        label.wide { (lang.pick("人员（每行：姓名,性别,国籍,证件号,健康(正常/异常),当前位置）", "Persons (one per line: name, gender, nationality, id number, health (normal/abnormal), current location)")) textarea name="persons" rows="3" { (typed.persons) } }
                        button type="submit" { (t(lang, "common.create")) }
                    }
                }
            }
            table data-testid="cases" {
                tr { th { "#" } th { (lang.pick("类别", "Kind")) } th { (lang.pick("发现时间", "Found")) } th { (lang.pick("地点", "Place")) } th { (lang.pick("人数", "Persons")) } th { (lang.pick("下一环节", "Next")) } th { (lang.pick("状态", "Status")) } }
                @for r in rows.iter().filter(|r| super::Behind::keeps(behind, r.case.id)) {
                    tr data-case=(r.case.id) {
                        td { a href=(format!("/individual/{}", r.case.id)) { (r.case.id) } }
                        td { (r.case.kind.name(lang)) }
                        td { (format_local_minutes(r.case.found_at)) }
                        td { a href=(format!("/individual/{}", r.case.id)) { (r.case.place) } }
                        td { (r.persons) @if r.lost > 0 { " " span.late { (lang.pick("失管漏管 ", "lost ")) (r.lost) } } }
                        td { (r.next_steps.iter().filter(|s| **s != StepKind::Escalation).map(|s| s.name(lang)).next().unwrap_or("")) }
                        td { (r.case.status.name(lang)) }
                    }
                }
            }
        },
    ))
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = CaseInput {
        region_id: form.id("region_id")?,
        kind: form.get("kind").into(),
        found_at: form.get("found_at").into(),
        found_by_unit_id: form.id("found_by_unit_id")?,
        place: form.get("place").into(),
        source_ref: form.get("source_ref").into(),
        summary: form.get("summary").into(),
        major: form.checked("major"),
        persons: form.get("persons").into(),
    };
    let r = s.individual.create(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        r,
        |c| format!("/individual/{}?saved=1", c.id),
        |e| async move { list_page(&s, auth, false, Some(&e), &input).await },
    )
    .await
}

pub async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<Saved>,
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
        .individual
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let units = unit_options(s, auth).await?;
    let unit_name = |u: Option<i64>| {
        u.and_then(|u| units.iter().find(|(k, _)| *k == u.to_string()))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let now = s.individual.now();
    let c = &d.case;
    let next: Vec<(String, String)> = d
        .next_steps
        .iter()
        .map(|s| (s.as_str().into(), s.name(lang).into()))
        .collect();
    let open_persons: Vec<(String, String)> = d
        .persons
        .iter()
        .filter(|p| p.person.released_at.is_none())
        .map(|p| (p.person.id.to_string(), p.person.name.clone()))
        .collect();
    let test_kinds: Vec<(String, String)> = TestKind::ALL
        .iter()
        .map(|k| (k.as_str().into(), k.name(lang).into()))
        .collect();
    let results: Vec<(String, String)> = TestResult::ALL
        .iter()
        .map(|k| (k.as_str().into(), k.name(lang).into()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.individual"),
        "nav.individual",
        html! {
            p { a href="/individual" { "← " (t(lang, "nav.individual")) } }
            h1 { (c.kind.name(lang)) " · " (c.place) " " span.status data-testid="case-status" data-status=(c.status.as_str()) { (c.status.name(lang)) } }
            @if saved { div.saved role="status" data-testid="saved" { (t(lang, "common.saved")) } }
            (error_box(lang, err))
            table.kv {
                tr { th { (lang.pick("发现时间", "Found")) } td { (format_local_minutes(c.found_at)) } th { (lang.pick("发现单位", "Found by")) } td { (unit_name(c.found_by_unit_id)) } }
                tr { th { (lang.pick("来源", "Source")) } td { (c.source_ref) } th { (lang.pick("登记人", "Recorded by")) } td { (c.created_by) } }
                tr { th { (lang.pick("简要情况", "Summary")) } td colspan="3" { (c.summary) } }
            }
            h2 { (lang.pick("时限", "Deadlines")) }
            table data-testid="deadlines" {
                @for x in &d.deadlines {
                    tr data-rule=(x.rule.as_str()) { td { (x.rule.name(lang)) } td { (lang.pick("时限 ", "due ")) (format_local_minutes(x.due_at)) } td { @if let Some(at) = x.done_at { (lang.pick("完成于 ", "done ")) (format_local_minutes(at)) } } td { (deadline_badge(lang, x, now)) } }
                }
            }
            h2 { (lang.pick("人员", "Persons")) }
            table data-testid="persons" {
                tr { th { (lang.pick("姓名", "Name")) } th { (lang.pick("国籍/证件", "Nationality / ID")) } th { (lang.pick("健康", "Health")) } th { (lang.pick("当前位置", "Location")) } th { (lang.pick("隔离", "Quarantine")) } th { (lang.pick("检测", "Tests")) } th { (lang.pick("状态", "State")) } }
                @for p in &d.persons {
                    tr data-person=(p.person.id) {
                        td { (p.person.name) " " (p.person.gender) }
                        td { (p.person.nationality) " " (p.person.id_no) }
                        td { (p.person.health.name(lang)) }
                        td { (p.person.current_location) }
                        td { @if let Some(q) = p.person.quarantine_start_at { (p.person.quarantine_site) " · " (format_local_minutes(q)) (lang.pick(" 起", " on")) } }
                        td { @for t in &p.tests { div { (t.kind.name(lang)) " " (format_local_minutes(t.taken_at)) " " (result_badge(lang, t.result)) } } }
                        td {
                            @if let Some(at) = p.person.released_at { (lang.pick("已解除隔离 ", "released ")) (format_local_minutes(at)) }
                            @for f in &p.flags { div.late data-testid="lost-flag" { (lang.pick(&f.zh(), &f.en())) } }
                            @if p.person.quarantine_start_at.is_some() { @for b in &p.release_blocks { div.meta { (b.to_error(&p.person.name).message(lang)) } } }
                        }
                    }
                }
            }
            h2 { (lang.pick("处置环节", "Steps")) }
            table data-testid="steps" {
                tr { th { (lang.pick("环节", "Step")) } th { (lang.pick("时间", "When")) } th { (lang.pick("责任单位", "Unit")) } th { (lang.pick("责任人", "Owner")) } th { (lang.pick("结果", "Result")) } th { (lang.pick("记录", "Recorded")) } }
                @for st in &d.steps {
                    tr data-step=(st.step.as_str()) { td { (st.step.name(lang)) } td { (format_local_minutes(st.at)) } td { (unit_name(st.unit_id)) } td { (st.owner) } td { (st.result) } td { (st.recorded_by) " " (format_local_minutes(st.recorded_at)) } }
                }
            }
            @if d.can_write && c.status == CaseStatus::Open {
                h2 { (lang.pick("记录处置环节", "Record a step")) }
                form.grid method="post" action=(format!("/individual/{}/steps", c.id)) data-testid="step-form" {
                    (csrf_field(auth))
                    label { (lang.pick("环节", "Step")) (select("step", &next, next.first().map(|x| x.0.as_str()).unwrap_or(""), None)) }
                    label { (lang.pick("时间（空为现在）", "When (empty: now)")) input name="at" placeholder="2021-02-10 08:00"; }
                    label { (lang.pick("责任单位", "Unit")) (select("unit_id", &units, &auth.ctx.user.unit_id.map(|i| i.to_string()).unwrap_or_default(), Some(""))) }
                    label { (lang.pick("责任人", "Person in charge")) input name="owner"; }
                    label { (lang.pick("集中隔离点（隔离环节必填）", "Quarantine site (for the quarantine step)")) input name="site"; }
                    label.wide { (lang.pick("结果", "Result")) textarea name="result" rows="2" {} }
                    button type="submit" { (lang.pick("记录", "Record")) }
                }
                @if !open_persons.is_empty() {
                    h2 { (lang.pick("隔离检测", "Quarantine tests")) }
                    form.grid method="post" action=(format!("/individual/{}/tests", c.id)) data-testid="test-form" {
                        (csrf_field(auth))
                        label { (lang.pick("人员", "Person")) (select("person_id", &open_persons, "", None)) }
                        label { (lang.pick("检测", "Test")) (select("kind", &test_kinds, "", None)) }
                        label { (lang.pick("采样时间（空为现在）", "Taken (empty: now)")) input name="taken_at" placeholder="2021-02-10 08:00"; }
                        label { (lang.pick("结果", "Result")) (select("result", &results, "negative", None)) }
                        button type="submit" { (lang.pick("登记检测", "Record the test")) }
                    }
                    h2 { (lang.pick("当前位置", "Current location")) }
                    form.grid method="post" action=(format!("/individual/{}/location", c.id)) data-testid="location-form" {
                        (csrf_field(auth))
                        label { (lang.pick("人员", "Person")) (select("person_id", &open_persons, "", None)) }
                        label { (lang.pick("位置", "Location")) input name="location"; }
                        button type="submit" { (t(lang, "common.save")) }
                    }
                }
                h2 { (lang.pick("追加人员", "Add persons")) }
                form.grid method="post" action=(format!("/individual/{}/persons", c.id)) data-testid="persons-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("每行：姓名,性别,国籍,证件号,健康(正常/异常),当前位置", "One per line: name, gender, nationality, id number, health, location")) textarea name="persons" rows="2" {} }
                    button type="submit" { (lang.pick("追加", "Add")) }
                }
            }
        },
    ))
}

async fn after<T>(s: &AppState, auth: &Auth, id: i64, r: Result<T, WorkflowError>) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| format!("/individual/{id}?saved=1"),
        |e| async move { detail_page(s, auth, id, false, Some(&e)).await },
    )
    .await
}

pub async fn step(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = StepInput {
        step: form.get("step").into(),
        at: form.get("at").into(),
        unit_id: form.id("unit_id")?,
        owner: form.get("owner").into(),
        result: form.get("result").into(),
        site: form.get("site").into(),
    };
    let r = s.individual.record_step(&auth.ctx, id, &input).await;
    after(&s, auth, id, r).await
}

pub async fn test(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .individual
        .record_test(
            &auth.ctx,
            id,
            &jinghai_workflow::individual::TestInput {
                person_id: form.id("person_id")?,
                kind: (form.get("kind")).into(),
                taken_at: (form.get("taken_at")).into(),
                result: (form.get("result")).into(),
                unit_id: form.id("unit_id")?,
            },
        )
        .await;
    after(&s, auth, id, r).await
}

pub async fn location(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .individual
        .set_location(&auth.ctx, id, form.id("person_id")?, form.get("location"))
        .await;
    after(&s, auth, id, r).await
}

pub async fn persons(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .individual
        .add_persons(&auth.ctx, id, form.get("persons"))
        .await;
    after(&s, auth, id, r).await
}
