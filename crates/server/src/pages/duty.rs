//! The 24-hour duty desk (值班督办): the rule table, what is due and overdue
//! (stored deadlines, today's daily-report sections, weekly risk updates),
//! persons lost from control, major matters, and the unit's notices.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jinghai_domain::duty::{DeadlineState, Window, RULES};
use jinghai_domain::time::{format_local_minutes, HOUR};
use jinghai_workflow::duty::MajorInput;
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};

use super::intl::{region_options, unit_options};
use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

pub async fn desk(State(s): State<AppState>, auth: Auth) -> PageResult {
    Ok(desk_page(&s, &auth, None).await?.into_response())
}

async fn desk_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s.duty.desk(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let units = unit_options(s, auth).await?;
    let regions = region_options(s, auth).await?;
    let unit_name = |u: Option<i64>| {
        u.and_then(|u| units.iter().find(|(k, _)| *k == u.to_string()))
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let overdue = d
        .items
        .iter()
        .filter(|i| i.state == DeadlineState::Overdue)
        .count();
    let pending = d
        .items
        .iter()
        .filter(|i| i.state == DeadlineState::Pending)
        .count();
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.duty"),
        "nav.duty",
        html! {
            h1 { (t(lang, "nav.duty")) }
            (error_box(lang, err))
            div.cards {
                div.card { h3 { (lang.pick("已逾期", "Overdue")) } p.big.(if overdue > 0 { "red" } else { "" }) data-testid="overdue-count" { (overdue) } }
                div.card { h3 { (lang.pick("待办", "Due")) } p.big { (pending) } }
                div.card { h3 { (lang.pick("失管漏管", "Lost from control")) } p.big.(if d.lost.is_empty() { "" } else { "red" }) data-testid="lost-count" { (d.lost.len()) } }
                div.card { h3 { (lang.pick("未读提醒", "Unread notices")) } p.big data-testid="unread" { (d.unread) } }
            }
            h2 { (lang.pick("时限规则", "Deadline rules")) }
            table data-testid="rules" {
                @for r in RULES {
                    tr { td { (r.rule.name(lang)) } td { @match r.window { Window::Within(ms) if ms >= 24 * HOUR => { (ms / (24 * HOUR)) (lang.pick(" 天内", " days")) }, Window::Within(ms) => { (ms / 60_000) (lang.pick(" 分钟内（第一时间）", " minutes (at once)")) }, Window::ByHourOfDay(h) => { (lang.pick("每日 ", "daily by ")) (h) ":00" } } } td.meta { (r.source) } }
                }
            }
            h2 { (lang.pick("督办事项", "Due and overdue")) }
            table data-testid="due" {
                tr { th { (lang.pick("规则", "Rule")) } th { (lang.pick("事项", "Matter")) } th { (lang.pick("责任单位", "Unit")) } th { (lang.pick("时限", "Due")) } th { (lang.pick("状态", "State")) } th {} }
                @for i in &d.items {
                    tr data-state=(i.state.as_str()) id=(i.deadline_id.map(|x| format!("deadline-{x}")).unwrap_or_default()) {
                        td { (i.rule.name(lang)) }
                        td { a href=(i.href) { (lang.pick(&i.zh, &i.en)) } }
                        td { (unit_name(i.unit_id)) }
                        td { (format_local_minutes(i.due_at)) }
                        td { span.status.(if matches!(i.state, DeadlineState::Overdue | DeadlineState::Late) { "late" } else { "" }) { (i.state.name(lang)) } @if let Some(at) = i.done_at { " " (format_local_minutes(at)) } }
                        td {
                            @if let (true, None, Some(id)) = (i.completable, i.done_at, i.deadline_id) {
                                form.inline method="post" action=(format!("/duty/deadlines/{id}/complete")) {
                                    (csrf_field(auth))
                                    input name="note" placeholder=(lang.pick("报送情况（方式、接收人）", "How and to whom")) size="20";
                                    button type="submit" { (lang.pick("已报省", "Reported")) }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (lang.pick("失管漏管人员", "Persons lost from control")) }
            table data-testid="lost" {
                @for l in &d.lost {
                    tr { td { a href=(format!("/individual/{}", l.case.id)) { (l.case.kind.name(lang)) " · " (l.case.place) } } td { (l.person.name) } td { @for f in &l.flags { div.late { (lang.pick(&f.zh(), &f.en())) } } } }
                }
            }
            @if d.can_register {
                h2 { (lang.pick("登记重大事项（24 小时内报省值班组）", "Register a major matter (to the province within 24 h)")) }
                form.grid method="post" action="/duty/major" data-testid="major-form" {
                    (csrf_field(auth))
                    label { (lang.pick("区划", "Region")) (select("region_id", &regions, "", None)) }
                    label { (lang.pick("事项", "Matter")) input name="title" size="30"; }
                    label { (lang.pick("发生时间（空为现在）", "Happened (empty: now)")) input name="happened_at" placeholder="2021-02-10 08:00"; }
                    label { (lang.pick("责任单位", "Responsible unit")) (select("unit_id", &units, &auth.ctx.user.unit_id.map(|i| i.to_string()).unwrap_or_default(), Some(""))) }
                    button type="submit" { (t(lang, "common.create")) }
                }
            }
            h2 { (lang.pick("本单位提醒", "Notices to my unit")) }
            table data-testid="notifications" {
                @for n in &d.notifications {
                    tr data-read=(n.read_at.is_some()) {
                        td { (format_local_minutes(n.created_at)) }
                        td { (lang.pick(&n.zh, &n.en)) }
                        td { @if n.read_at.is_none() {
                            form.inline method="post" action=(format!("/duty/notifications/{}/read", n.id)) {
                                (csrf_field(auth))
                                button type="submit" { (lang.pick("已阅", "Mark read")) }
                            }
                        } }
                    }
                }
            }
        },
    ))
}

async fn outcome<T>(s: &AppState, auth: &Auth, r: Result<T, WorkflowError>) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| "/duty".to_string(),
        |e| async move { desk_page(s, auth, Some(&e)).await },
    )
    .await
}

pub async fn major(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = MajorInput {
        region_id: form.id("region_id")?,
        title: form.get("title").into(),
        happened_at: form.get("happened_at").into(),
        unit_id: form.id("unit_id")?,
    };
    let r = s.duty.register_major(&auth.ctx, &input).await;
    outcome(&s, auth, r).await
}

pub async fn complete(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s.duty.complete(&auth.ctx, id, form.get("note")).await;
    outcome(&s, auth, r).await
}

pub async fn read(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s.duty.mark_read(&auth.ctx, id).await;
    outcome(&s, auth, r).await
}
