//! Evaluation pages: the ranking of a level and period with the ledger
//! (every entry links to the record that caused it), the evaluation run,
//! manual entries, the rule table, an entry with its appeal, a region's
//! page (points, entries, cards), red/yellow cards, and their JSON.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_domain::report::{format_day, parse_day, Day};
use jinghai_domain::scoring::{
    CardColor, CardStatus, EntryState, LedgerEntry, PlaceKind, RecordRef, Trigger,
};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::{Lang, RegionLevel};
use jinghai_workflow::scoring::{CardInput, ManualInput, RuleInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::json;

use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub level: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub saved: Option<String>,
}

/// The link of the record an entry came from.
pub fn record_href(r: &RecordRef, entry_id: i64) -> String {
    match r.kind.as_str() {
        "risk" => format!("/risks/{}", r.id),
        "alert" => format!("/alerts#alert-{}", r.id),
        "daily_sheet" => format!(
            "/daily?district={}&day={}",
            r.id,
            r.day.map(format_day).unwrap_or_default()
        ),
        "card" => format!("/cards#card-{}", r.id),
        "patrol" => format!("/patrols/{}", r.id),
        "individual_case" => format!("/individual/{}", r.id),
        "deadline" => format!("/duty#deadline-{}", r.id),
        _ => format!("/scoring/entries/{entry_id}"),
    }
}

fn record_label(lang: Lang, r: &RecordRef) -> String {
    let (zh, en) = match r.kind.as_str() {
        "risk" => ("风险", "Risk"),
        "alert" => ("预警", "Alert"),
        "daily_sheet" => ("日报", "Daily report"),
        "card" => ("红黄牌", "Card"),
        "patrol" => ("巡航", "Patrol"),
        "individual_case" => ("个案", "Individual case"),
        "deadline" => ("督办事项", "Duty matter"),
        _ => ("登记", "Entry"),
    };
    match r.kind.as_str() {
        "daily_sheet" => format!(
            "{} {}",
            lang.pick(zh, en),
            r.day.map(format_day).unwrap_or_default()
        ),
        "manual" => lang.pick(zh, en).to_string(),
        _ => format!("{} #{}", lang.pick(zh, en), r.id),
    }
}

fn period(s: &AppState, q: &PeriodQuery, auth: &Auth) -> Result<(Day, Day), ApiError> {
    let today = s.scoring.today();
    let parse = |field: &str, v: &Option<String>, default: Day| match v
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => Ok(default),
        Some(v) => parse_day(v).ok_or_else(|| {
            auth.err(WorkflowError::invalid(jinghai_domain::FieldError::new(
                field,
                "日期格式应为 YYYY-MM-DD",
                "date must be YYYY-MM-DD",
            )))
        }),
    };
    Ok((
        parse("from", &q.from, today - 13)?,
        parse("to", &q.to, today)?,
    ))
}

fn level_of(q: &PeriodQuery, auth: &Auth) -> RegionLevel {
    q.level
        .as_deref()
        .and_then(RegionLevel::parse)
        .unwrap_or_else(|| {
            let own = RegionLevel::ALL
                .into_iter()
                .find(|l| l.prefix_len() >= auth.ctx.scope.region_prefix.len())
                .unwrap_or(RegionLevel::Town);
            own.child()
                .filter(|l| *l <= RegionLevel::Town)
                .unwrap_or(own)
        })
}

fn points(p: i64) -> Markup {
    html! { span.points.(if p < 0 { "red" } else { "" }) { (format!("{p:+}")) } }
}

fn ledger_table(
    lang: Lang,
    entries: &[LedgerEntry],
    region_name: &dyn Fn(&str) -> String,
) -> Markup {
    html! {
        table data-testid="ledger" {
            tr { th { "#" } th { (lang.pick("日期", "Day")) } th { (lang.pick("区划", "Region")) } th { (lang.pick("规则", "Rule")) } th { (lang.pick("分值", "Points")) } th { (lang.pick("来源记录", "Record")) } th { (lang.pick("说明", "Note")) } th { (lang.pick("状态", "State")) } }
            @for e in entries {
                tr data-entry=(e.id) data-state=(e.state.as_str()) {
                    td { a href=(format!("/scoring/entries/{}", e.id)) { (e.id) } }
                    td { (format_day(e.day)) }
                    td { (region_name(&e.region_code)) }
                    td { (lang.pick(&e.rule_zh, &e.rule_en)) }
                    td { (points(e.points as i64)) }
                    td { a.record href=(record_href(&e.record, e.id)) data-record=(e.record.kind) { (record_label(lang, &e.record)) } }
                    td { (e.note) }
                    td { (lang.pick(e.state.zh(), e.state.en())) }
                }
            }
        }
    }
}

pub async fn ranking(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    Ok(ranking_page(&s, &auth, &q, None).await?.into_response())
}

async fn ranking_page(
    s: &AppState,
    auth: &Auth,
    q: &PeriodQuery,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let (from, to) = period(s, q, auth)?;
    let level = level_of(q, auth);
    let e = |e| auth.err(e);
    let rows = s
        .scoring
        .ranking(&auth.ctx, level, from, to)
        .await
        .map_err(e)?;
    let entries = s.scoring.entries(&auth.ctx, from, to).await.map_err(e)?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(e)?;
    let units = s.admin.units(&auth.ctx).await.map_err(e)?;
    let rules = s.scoring.rules().await.map_err(e)?;
    let region_name = |code: &str| {
        regions
            .iter()
            .filter(|r| r.contains_code(code))
            .max_by_key(|r| r.level)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let office = matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
    ) && auth.ctx.user.role.can_write();
    let levels: Vec<(String, String)> = RegionLevel::ALL
        .iter()
        .map(|l| (l.as_str().to_string(), l.zh().to_string()))
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
    let unit_opts: Vec<(String, String)> = units
        .iter()
        .map(|u| (u.id.to_string(), u.name.clone()))
        .collect();
    let manual_rules: Vec<(String, String)> = rules
        .iter()
        .filter(|r| r.trigger == Trigger::Manual && r.active)
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}（{:+}）", lang.pick(&r.zh, &r.en), r.points),
            )
        })
        .collect();
    let max = rows
        .iter()
        .map(|r| r.points.abs())
        .max()
        .unwrap_or(1)
        .max(1);
    let (f, t) = (format_day(from), format_day(to));
    Ok(layout(
        lang,
        Some(auth),
        crate::i18n::t(lang, "nav.scoring"),
        "nav.scoring",
        html! {
            h1 { (crate::i18n::t(lang, "nav.scoring")) }
            @if q.saved.is_some() { div.saved role="status" data-testid="saved" { (crate::i18n::t(lang, "common.saved")) } }
            (error_box(lang, err))
            p { a href="/scoring/rules" { (lang.pick("评分规则", "Rule table")) } " · " a href="/cards" { (lang.pick("红黄牌", "Red and yellow cards")) } }
            form.filters method="get" action="/scoring" {
                label { (lang.pick("层级", "Level")) (select("level", &levels, level.as_str(), None)) }
                label { (lang.pick("起", "From")) input type="date" name="from" value=(f); }
                label { (lang.pick("止", "To")) input type="date" name="to" value=(t); }
                button type="submit" { (crate::i18n::t(lang, "common.filter")) }
            }
            h2 { (lang.pick("排名", "Ranking")) " · " (level.zh()) }
            table data-testid="ranking" {
                tr { th { (lang.pick("名次", "Rank")) } th { (lang.pick("区划", "Region")) } th { (lang.pick("加分", "Added")) } th { (lang.pick("扣分", "Deducted")) } th { (lang.pick("得分", "Points")) } th {} }
                @for r in &rows {
                    tr data-region=(r.region_code) {
                        td { (r.rank) }
                        td { a href=(format!("/scoring/regions/{}?from={f}&to={t}", r.region_id)) { (r.name) } }
                        td { (points(r.added)) } td { (points(r.deducted)) } td { b { (points(r.points)) } }
                        td { span.bar.(if r.points < 0 { "neg" } else { "pos" }) style=(format!("width:{}px", r.points.abs() * 120 / max)) {} }
                    }
                }
            }
            @if office {
                details.panel {
                    summary { (lang.pick("计算本期评分（风险逾期、日报漏报迟报、预警、黄牌逾期）", "Evaluate the period (overdue risks, missing/late reports, alerts, overdue yellow cards)")) }
                    form.inline method="post" action="/scoring/evaluate" data-testid="evaluate-form" {
                        (csrf_field(auth))
                        input type="hidden" name="region_id" value=(auth.ctx.user.region_id);
                        input type="hidden" name="from" value=(f);
                        input type="hidden" name="to" value=(t);
                        button type="submit" { (lang.pick("计算", "Evaluate")) }
                    }
                }
                details.panel open[err.is_some()] {
                    summary { (lang.pick("人工登记加扣分", "Enter points by hand")) }
                    form.grid method="post" action="/scoring/entries" data-testid="manual-form" {
                        (csrf_field(auth))
                        label { (lang.pick("规则", "Rule")) (select("rule_id", &manual_rules, "", None)) }
                        label { (lang.pick("区划", "Region")) (select("region_id", &region_opts, "", None)) }
                        label { (lang.pick("单位", "Unit")) (select("unit_id", &unit_opts, "", Some(crate::i18n::t(lang, "common.none")))) }
                        label { (lang.pick("日期", "Day")) input type="date" name="day"; }
                        label { (lang.pick("关联记录类型", "Record kind")) (select("record_kind", &[("risk".into(), lang.pick("风险", "Risk").into()), ("alert".into(), lang.pick("预警", "Alert").into()), ("card".into(), lang.pick("红黄牌", "Card").into()), ("patrol".into(), lang.pick("巡航", "Patrol").into())], "", Some(crate::i18n::t(lang, "common.none")))) }
                        label { (lang.pick("关联记录编号", "Record number")) input name="record_id" size="6"; }
                        label.wide { (lang.pick("事实与依据", "What happened")) textarea name="note" rows="2" {} }
                        button type="submit" { (crate::i18n::t(lang, "common.create")) }
                    }
                }
            }
            h2 { (lang.pick("计分台账", "Ledger")) " (" (entries.len()) ")" }
            (ledger_table(lang, &entries, &region_name))
        },
    ))
}

pub async fn evaluate(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let q = PeriodQuery {
        from: Some(form.get("from").into()),
        to: Some(form.get("to").into()),
        ..Default::default()
    };
    let (from, to) = period(&s, &q, auth)?;
    let r = s
        .scoring
        .evaluate(&auth.ctx, form.id("region_id")?, from, to)
        .await;
    super::form_outcome(
        auth,
        r,
        |_| {
            format!(
                "/scoring?from={}&to={}&saved=1",
                format_day(from),
                format_day(to)
            )
        },
        |e| async move { ranking_page(&s, auth, &q, Some(&e)).await },
    )
    .await
}

pub async fn create_manual(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = ManualInput {
        rule_id: form.id("rule_id")?,
        region_id: form.id("region_id")?,
        unit_id: form.id("unit_id")?,
        day: form.get("day").into(),
        record_kind: form.get("record_kind").into(),
        record_id: form.id("record_id")?,
        note: form.get("note").into(),
    };
    let r = s.scoring.add_manual(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        r,
        |e| format!("/scoring/entries/{}", e.id),
        |e| async move { ranking_page(&s, auth, &PeriodQuery::default(), Some(&e)).await },
    )
    .await
}

pub async fn entry(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    Ok(entry_page(&s, &auth, id, None).await?.into_response())
}

async fn entry_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .scoring
        .entry(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let e = &d.entry;
    Ok(layout(
        lang,
        Some(auth),
        crate::i18n::t(lang, "nav.scoring"),
        "nav.scoring",
        html! {
            p { a href="/scoring" { "← " (crate::i18n::t(lang, "nav.scoring")) } }
            h1 { (lang.pick("计分", "Entry")) " #" (e.id) " " (points(e.points as i64)) }
            (error_box(lang, err))
            table.kv data-testid="entry" {
                tr { th { (lang.pick("规则", "Rule")) } td { (lang.pick(&e.rule_zh, &e.rule_en)) } }
                tr { th { (lang.pick("日期", "Day")) } td { (format_day(e.day)) } }
                tr { th { (lang.pick("区划代码", "Region")) } td { (e.region_code) } }
                tr { th { (lang.pick("来源记录", "Record")) } td { a.record href=(record_href(&e.record, e.id)) { (record_label(lang, &e.record)) } } }
                tr { th { (lang.pick("说明", "Note")) } td { (e.note) } }
                tr { th { (lang.pick("状态", "State")) } td data-testid="entry-state" { (lang.pick(e.state.zh(), e.state.en())) } }
                tr { th { (lang.pick("登记", "Entered")) } td { (e.created_by) " · " (format_local_minutes(e.created_at)) } }
            }
            h2 { (lang.pick("申诉", "Appeals")) }
            @for a in &d.appeals {
                div.card data-testid="appeal" {
                    p { b { (lang.pick("申诉理由", "Reason")) } "：" (a.reason) " — " (a.filed_by) " · " (format_local_minutes(a.filed_at)) }
                    @match a.accepted {
                        Some(acc) => p data-testid="decision" { b { (if acc { lang.pick("申诉成立，撤销计分", "Accepted: entry revoked") } else { lang.pick("申诉不成立，维持计分", "Rejected: entry stands") }) } "：" (a.decision) " — " (a.decided_by.clone().unwrap_or_default()) " · " (a.decided_at.map(format_local_minutes).unwrap_or_default()) },
                        None => p { (lang.pick("待上级审核", "Awaiting the decision")) },
                    }
                }
            }
            @if d.can_appeal {
                form.grid method="post" action=(format!("/scoring/entries/{}/appeal", e.id)) data-testid="appeal-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("申诉理由", "Reason")) textarea name="reason" rows="2" {} }
                    button type="submit" { (lang.pick("提出申诉", "Appeal")) }
                }
            }
            @if d.can_decide {
                form.grid method="post" action=(format!("/scoring/entries/{}/decide", e.id)) data-testid="decide-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("审核意见", "Decision")) textarea name="decision" rows="2" {} }
                    button type="submit" name="accept" value="yes" { (lang.pick("申诉成立", "Accept")) }
                    button.danger type="submit" name="accept" value="no" { (lang.pick("不予采纳", "Reject")) }
                }
            }
        },
    ))
}

pub async fn appeal(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s.scoring.appeal(&auth.ctx, id, form.get("reason")).await;
    super::form_outcome(
        auth,
        r,
        |_| format!("/scoring/entries/{id}"),
        |e| async move { entry_page(&s, auth, id, Some(&e)).await },
    )
    .await
}

pub async fn decide(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .scoring
        .decide(
            &auth.ctx,
            id,
            form.get("accept") == "yes",
            form.get("decision"),
        )
        .await;
    super::form_outcome(
        auth,
        r,
        |_| format!("/scoring/entries/{id}"),
        |e| async move { entry_page(&s, auth, id, Some(&e)).await },
    )
    .await
}

pub async fn rules(State(s): State<AppState>, auth: Auth) -> PageResult {
    Ok(rules_page(&s, &auth, None).await?.into_response())
}

async fn rules_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let rules = s.scoring.rules().await.map_err(|e| auth.err(e))?;
    let triggers: Vec<(String, String)> = Trigger::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                lang.pick(t.zh(), t.en()).to_string(),
            )
        })
        .collect();
    let province = auth.ctx.scope.region_prefix.len() <= 2
        && matches!(
            auth.ctx.user.role,
            jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
        );
    Ok(layout(
        lang,
        Some(auth),
        crate::i18n::t(lang, "nav.scoring"),
        "nav.scoring",
        html! {
            p { a href="/scoring" { "← " (crate::i18n::t(lang, "nav.scoring")) } }
            h1 { (lang.pick("评分规则", "Scoring rules")) }
            p.notice { (lang.pick("依据省“净海”行动方案（精密智控评价）：主动查获违法行为且未发生人员失管漏管的加分；未及时发现、瞒报迟报、风险整改不到位的扣分。规则由省级维护。", "From the provincial plan: points added for violations found proactively with no one lost from control; deducted for violations missed, concealed or late reports, and risks not rectified. The province keeps the table.")) }
            (error_box(lang, err))
            table data-testid="rules" {
                tr { th { (lang.pick("代码", "Code")) } th { (lang.pick("名称", "Name")) } th { (lang.pick("来源", "Trigger")) } th { (lang.pick("分值", "Points")) } th { (lang.pick("有效", "Active")) } @if province { th {} } }
                @for r in &rules {
                    tr {
                        @if province {
                            td colspan="6" {
                                form.inline method="post" action=(format!("/scoring/rules/{}", r.id)) {
                                    (csrf_field(auth))
                                    input name="code" value=(r.code) size="16";
                                    input name="zh" value=(r.zh) size="30";
                                    input type="hidden" name="en" value=(r.en);
                                    (select("trigger", &triggers, r.trigger.as_str(), None))
                                    input name="points" value=(r.points) size="4";
                                    input type="checkbox" name="active" checked[r.active];
                                    button type="submit" { (crate::i18n::t(lang, "common.save")) }
                                }
                            }
                        } @else {
                            td { code { (r.code) } } td { (lang.pick(&r.zh, &r.en)) } td { (lang.pick(r.trigger.zh(), r.trigger.en())) } td { (points(r.points as i64)) } td { (if r.active { "✓" } else { "" }) }
                        }
                    }
                }
            }
            @if province {
                h2 { (lang.pick("新增规则", "New rule")) }
                form.grid method="post" action="/scoring/rules" data-testid="rule-form" {
                    (csrf_field(auth))
                    label { (lang.pick("代码", "Code")) input name="code"; }
                    label { (lang.pick("名称", "Name")) input name="zh"; }
                    label { "English" input name="en"; }
                    label { (lang.pick("来源", "Trigger")) (select("trigger", &triggers, "manual", None)) }
                    label { (lang.pick("分值", "Points")) input name="points"; }
                    input type="hidden" name="active" value="on";
                    button type="submit" { (crate::i18n::t(lang, "common.create")) }
                }
            }
        },
    ))
}

fn rule_input(form: &SignedForm) -> RuleInput {
    RuleInput {
        code: form.get("code").into(),
        zh: form.get("zh").into(),
        en: form.get("en").into(),
        trigger: form.get("trigger").into(),
        points: form.get("points").into(),
        active: form.checked("active"),
    }
}

pub async fn create_rule(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s.scoring.create_rule(&auth.ctx, &rule_input(&form)).await;
    super::form_outcome(
        auth,
        r,
        |_| "/scoring/rules".into(),
        |e| async move { rules_page(&s, auth, Some(&e)).await },
    )
    .await
}

pub async fn update_rule(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .scoring
        .update_rule(&auth.ctx, id, &rule_input(&form))
        .await;
    super::form_outcome(
        auth,
        r,
        |_| "/scoring/rules".into(),
        |e| async move { rules_page(&s, auth, Some(&e)).await },
    )
    .await
}

pub async fn region(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let lang = auth.lang;
    let (from, to) = period(&s, &q, &auth)?;
    let v = s
        .scoring
        .region(&auth.ctx, id, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let region_name = |code: &str| {
        regions
            .iter()
            .filter(|r| r.contains_code(code))
            .max_by_key(|r| r.level)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    Ok(layout(
        lang,
        Some(&auth),
        crate::i18n::t(lang, "nav.scoring"),
        "nav.scoring",
        html! {
            p { a href="/scoring" { "← " (crate::i18n::t(lang, "nav.scoring")) } }
            h1 { (v.region.name) " " (points(v.points)) }
            p { (format_day(from)) " – " (format_day(to)) }
            h2 { (lang.pick("红黄牌", "Cards")) }
            (cards_table(lang, &v.cards, None))
            h2 { (lang.pick("计分台账", "Ledger")) }
            (ledger_table(lang, &v.entries, &region_name))
        },
    )
    .into_response())
}

fn cards_table(lang: Lang, cards: &[jinghai_domain::scoring::Card], lift: Option<&Auth>) -> Markup {
    html! {
        table data-testid="cards" {
            tr { th { (lang.pick("牌", "Card")) } th { (lang.pick("场所", "Place")) } th { (lang.pick("类型", "Kind")) } th { (lang.pick("事由", "Reason")) } th { (lang.pick("亮牌日期", "Issued")) } th { (lang.pick("整改时限", "Fix by")) } th { (lang.pick("后果", "Consequence")) } th { (lang.pick("状态", "Status")) } @if lift.is_some() { th {} } }
            @for c in cards {
                tr id=(format!("card-{}", c.id)) data-card=(c.color.as_str()) {
                    td { span.(if c.color == CardColor::Red { "card-red" } else { "card-yellow" }) { (lang.pick(c.color.zh(), c.color.en())) } }
                    td { (c.place_name) }
                    td { (lang.pick(c.place_kind.zh(), c.place_kind.en())) }
                    td { (c.reason) }
                    td { (format_day(c.issued_on)) }
                    td { (c.fix_deadline.map(format_day).unwrap_or_default()) }
                    td { (c.consequence) }
                    td { (lang.pick(c.status.zh(), c.status.en())) @if let Some(d) = c.lifted_on { " " (format_day(d)) " " (c.lift_note) } }
                    @if let Some(auth) = lift {
                        td { @if c.status == CardStatus::Active {
                            form.inline method="post" action=(format!("/cards/{}/lift", c.id)) {
                                (csrf_field(auth))
                                input name="note" placeholder=(lang.pick("整改情况", "What was fixed")) size="14";
                                button type="submit" { (lang.pick("摘牌", "Lift")) }
                            }
                        } }
                    }
                }
            }
        }
    }
}

pub async fn cards(State(s): State<AppState>, auth: Auth) -> PageResult {
    Ok(cards_page(&s, &auth, None).await?.into_response())
}

async fn cards_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let cards = s.scoring.cards(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let office = matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
    ) && auth.ctx.user.role.can_write();
    let region_opts: Vec<(String, String)> = regions
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{}", "　".repeat(r.level as usize), r.name),
            )
        })
        .collect();
    let colors: Vec<(String, String)> = CardColor::ALL
        .iter()
        .map(|c| (c.as_str().into(), lang.pick(c.zh(), c.en()).into()))
        .collect();
    let kinds: Vec<(String, String)> = PlaceKind::ALL
        .iter()
        .map(|c| (c.as_str().into(), lang.pick(c.zh(), c.en()).into()))
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        crate::i18n::t(lang, "nav.scoring"),
        "nav.scoring",
        html! {
            p { a href="/scoring" { "← " (crate::i18n::t(lang, "nav.scoring")) } }
            h1 { (lang.pick("红黄牌", "Red and yellow cards")) }
            p.notice { (lang.pick("对发生走私案件的镇（街道）、村（社）、“一港二企三库”亮红牌，取消当年评先评优和奖励补助资格；对基层基础设施建设不重视、措施不力的亮黄牌，限时整改、挂牌整治。", "Red card where a smuggling case happened: the year's awards and subsidies are lost. Yellow card for weak measures: fix by the deadline.")) }
            (error_box(lang, err))
            @if office {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("亮牌", "Issue a card")) }
                    form.grid method="post" action="/cards" data-testid="card-form" {
                        (csrf_field(auth))
                        label { (lang.pick("红牌/黄牌", "Colour")) (select("color", &colors, "yellow", None)) }
                        label { (lang.pick("场所类型", "Kind")) (select("place_kind", &kinds, "", None)) }
                        label { (lang.pick("场所名称（镇、村可不填）", "Place (empty for a town or village)")) input name="place_name"; }
                        label { (lang.pick("所在区划", "Region")) (select("region_id", &region_opts, "", None)) }
                        label { (lang.pick("纬度", "Latitude")) input name="lat" size="8"; }
                        label { (lang.pick("经度", "Longitude")) input name="lon" size="8"; }
                        label { (lang.pick("整改时限（黄牌必填）", "Fix by (yellow)")) input type="date" name="fix_deadline"; }
                        label.wide { (lang.pick("事由", "Reason")) textarea name="reason" rows="2" {} }
                        button type="submit" { (lang.pick("亮牌", "Issue")) }
                    }
                }
            }
            (cards_table(lang, &cards, if office { Some(auth) } else { None }))
        },
    ))
}

fn card_input(form: &SignedForm) -> Result<CardInput, ApiError> {
    Ok(CardInput {
        color: form.get("color").into(),
        place_kind: form.get("place_kind").into(),
        place_name: form.get("place_name").into(),
        region_id: form.id("region_id")?,
        lat: form.get("lat").into(),
        lon: form.get("lon").into(),
        reason: form.get("reason").into(),
        fix_deadline: form.get("fix_deadline").into(),
        consequence: form.get("consequence").into(),
    })
}

pub async fn issue_card(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = card_input(&form)?;
    let r = s.scoring.issue_card(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        r,
        |c| format!("/cards#card-{}", c.id),
        |e| async move { cards_page(&s, auth, Some(&e)).await },
    )
    .await
}

pub async fn lift_card(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s.scoring.lift_card(&auth.ctx, id, form.get("note")).await;
    super::form_outcome(
        auth,
        r,
        |c| format!("/cards#card-{}", c.id),
        |e| async move { cards_page(&s, auth, Some(&e)).await },
    )
    .await
}

// --- JSON ---

/// The caller's region, named in every list answer (what the list is of).
pub async fn scope_json(s: &AppState, auth: &Auth) -> Result<serde_json::Value, ApiError> {
    let r = s
        .admin
        .region(&auth.ctx, auth.ctx.user.region_id)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(json!({"region_id": r.id, "region_code": r.code, "region_name": r.name}))
}

/// Cards with their positions, for the map.
pub async fn api_cards(State(s): State<AppState>, auth: Auth) -> PageResult {
    let cards = s.scoring.cards(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let features: Vec<_> = cards
        .iter()
        .map(|c| json!({
            "id": c.id, "color": c.color.as_str(), "place_kind": c.place_kind.as_str(), "place_name": c.place_name,
            "region_id": c.region_id, "region_code": c.region_code, "lat": c.lat, "lon": c.lon, "reason": c.reason,
            "issued_on": format_day(c.issued_on), "fix_deadline": c.fix_deadline.map(format_day), "consequence": c.consequence,
            "award_ineligible": c.award_ineligible, "status": c.status.as_str(), "overdue": c.overdue(s.scoring.today()),
        }))
        .collect();
    Ok(Json(json!({"scope": scope_json(&s, &auth).await?, "cards": features})).into_response())
}

pub async fn api_ranking(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let (from, to) = period(&s, &q, &auth)?;
    let level = level_of(&q, &auth);
    let rows = s
        .scoring
        .ranking(&auth.ctx, level, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    Ok(Json(json!({"scope": scope_json(&s, &auth).await?, "level": level.as_str(), "from": format_day(from), "to": format_day(to), "ranking": rows})).into_response())
}

pub async fn api_entries(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let (from, to) = period(&s, &q, &auth)?;
    let entries = s
        .scoring
        .entries(&auth.ctx, from, to)
        .await
        .map_err(|e| auth.err(e))?;
    let list: Vec<_> = entries
        .iter()
        .map(|e| json!({
            "id": e.id, "rule": e.rule_code, "region_code": e.region_code, "unit_id": e.unit_id, "day": format_day(e.day),
            "points": e.points, "counted": e.state != EntryState::Revoked, "state": e.state.as_str(),
            "record": {"kind": e.record.kind, "id": e.record.id, "href": record_href(&e.record, e.id)}, "note": e.note,
        }))
        .collect();
    Ok(Json(json!({"scope": scope_json(&s, &auth).await?, "entries": list})).into_response())
}
