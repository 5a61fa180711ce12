//! Weekly bulletin pages: the archive, issuing a week's bulletin, one
//! bulletin with its figures, chart and push history (failures shown, with
//! a retry), its PDF and XLSX, and the region's DingTalk robot.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jinghai_domain::bulletin::{chinese_date, redact_token, week_label};
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::RegionLevel;
use jinghai_store::BulletinFile;
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde_json::json;

use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm};
use crate::error::ApiError;
use crate::i18n::t;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

fn status_label(lang: jinghai_domain::Lang, s: &str) -> &'static str {
    match s {
        "sent" => lang.pick("已推送", "Pushed"),
        "failed" => lang.pick("推送失败", "Push failed"),
        "retrying" => lang.pick("重试中", "Retrying"),
        "pending" => lang.pick("待推送", "Pending"),
        _ => lang.pick("未配置机器人", "No robot"),
    }
}

pub async fn list(State(s): State<AppState>, auth: Auth) -> PageResult {
    Ok(list_page(&s, &auth, None).await?.into_response())
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let e = |e| auth.err(e);
    let list = s.bulletins.list(&auth.ctx).await.map_err(e)?;
    let robots = s.bulletins.robots(&auth.ctx).await.map_err(e)?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(e)?;
    let office = matches!(
        auth.ctx.user.role,
        jinghai_domain::Role::TaskForceOffice | jinghai_domain::Role::Admin
    ) && auth.ctx.user.role.can_write();
    let opts: Vec<(String, String)> = regions
        .iter()
        .filter(|r| r.level <= RegionLevel::District)
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    let name = |id: i64| {
        regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    };
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.bulletins"),
        "nav.bulletins",
        html! {
            h1 { (t(lang, "nav.bulletins")) }
            (error_box(lang, err))
            @if office && !opts.is_empty() {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("印发每周通报", "Issue a weekly bulletin")) }
                    form.grid method="post" action="/bulletins" data-testid="issue-form" {
                        (csrf_field(auth))
                        label { (lang.pick("区划", "Region")) (select("region_id", &opts, "", None)) }
                        label { (lang.pick("周内任一天（默认上周）", "Any day of the week (default: last week)")) input type="date" name="week"; }
                        button type="submit" { (lang.pick("生成并印发", "Issue")) }
                    }
                }
                details.panel {
                    summary { (lang.pick("钉钉群机器人", "DingTalk robot")) }
                    p { (lang.pick("在钉钉群“智能群助手”中添加自定义机器人，安全设置选择“加签”，将 Webhook 和 SEC 开头的密钥填入下方；留空 Webhook 则删除。", "Add a custom robot to the DingTalk group with the “signature” security setting, and enter its webhook and SEC… secret; an empty webhook removes it.")) }
                    form.grid method="post" action="/bulletins/robots" data-testid="robot-form" {
                        (csrf_field(auth))
                        label { (lang.pick("区划", "Region")) (select("region_id", &opts, "", None)) }
                        label.wide { "Webhook" input name="webhook" size="60"; }
                        label { (lang.pick("加签密钥", "Secret")) input name="secret" type="password" autocomplete="off"; }
                        button type="submit" { (t(lang, "common.save")) }
                    }
                    ul data-testid="robots" { @for r in &robots { li { (name(r.region_id)) "：" code { (redact_token(&r.webhook)) } " · " (r.updated_by) } } }
                }
            }
            table data-testid="bulletins" {
                tr { th { (lang.pick("文号", "Number")) } th { (lang.pick("区划", "Region")) } th { (lang.pick("周期", "Week")) } th { (lang.pick("标题", "Title")) } th { (lang.pick("印发日期", "Issued")) } th { (lang.pick("推送", "Push")) } th {} }
                @for b in &list {
                    tr data-bulletin=(b.id) {
                        td { a href=(format!("/bulletins/{}", b.id)) { (b.number_label()) } }
                        td { (name(b.region_id)) }
                        td { (b.period()) }
                        td { (b.title) }
                        td { (chinese_date(b.issued_on)) }
                        td.status data-push=(b.push_status) { (status_label(lang, &b.push_status)) }
                        td { a href=(format!("/bulletins/{}/pdf", b.id)) { "PDF" } " · " a href=(format!("/bulletins/{}/xlsx", b.id)) { "XLSX" } }
                    }
                }
            }
        },
    ))
}

pub async fn issue(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .bulletins
        .issue(&auth.ctx, form.id("region_id")?, form.get("week"))
        .await;
    super::form_outcome(
        auth,
        r,
        |b| format!("/bulletins/{}", b.id),
        |e| async move { list_page(&s, auth, Some(&e)).await },
    )
    .await
}

pub async fn set_robot(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .bulletins
        .set_robot(
            &auth.ctx,
            form.id("region_id")?,
            form.get("webhook"),
            form.get("secret"),
        )
        .await;
    super::form_outcome(
        auth,
        r,
        |_| "/bulletins".into(),
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
        .bulletins
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let b = &d.bulletin;
    let c = &b.content;
    let max = c
        .ranking
        .iter()
        .map(|r| r.points.abs())
        .max()
        .unwrap_or(1)
        .max(1);
    Ok(layout(
        lang,
        Some(auth),
        t(lang, "nav.bulletins"),
        "nav.bulletins",
        html! {
            p { a href="/bulletins" { "← " (t(lang, "nav.bulletins")) } }
            div.bulletin data-testid="bulletin" {
                p.red-head { (c.office) }
                p.center { "净海通报" (b.number_label()) }
                hr.red;
                h1.center { (b.title) }
                p { a href=(format!("/bulletins/{id}/pdf")) { "PDF" } " · " a href=(format!("/bulletins/{id}/xlsx")) { "XLSX" } }
                h2 { "一、打击走私成果" }
                ul { @for (k, v) in &c.smuggling { li { (k) "：" (v) } } }
                h2 { "二、“三无”船舶查扣和海上违法违规查处" }
                ul { @for (k, v) in &c.sea { li { (k) "：" (v) } } li { (format!("预警 {} 条，转线索 {} 条，排除 {} 条，待处置 {} 条", c.alerts_total, c.alerts_escalated, c.alerts_dismissed, c.alerts_open)) } }
                h2 { "三、风险隐患整改进展" }
                p { (format!("共 {} 项，本周销号 {} 项，整改中 {} 项，待验收 {} 项，逾期 {} 项", c.risks_total, c.risks_closed_this_week, c.risks_rectifying, c.risks_pending_check, c.overdue_risks.len())) }
                ul data-testid="overdue" { @for r in &c.overdue_risks { li { a href=(format!("/risks/{}", r.risk_id)) { (r.place) } "（" (r.region) "，" (r.unit) "，逾期 " (r.days_overdue) " 天）" } } }
                h2 { "四、工作落后单位" }
                ul data-testid="shortfalls" { @for f in &c.shortfalls { li { (f.who) "：" (f.what) } } }
                h2 { "五、精密智控评价排名（" (c.ranking_level) "）" }
                table data-testid="bulletin-ranking" {
                    @for r in &c.ranking {
                        tr { td { (r.rank) } td { (r.name) } td { (format!("{:+}", r.points)) } td { span.bar.(if r.points < 0 { "neg" } else { "pos" }) style=(format!("width:{}px", r.points.abs() * 160 / max)) {} } }
                    }
                }
                p.right { (c.office) br; (chinese_date(c.issued_on)) }
            }
            h2 { (lang.pick("钉钉推送", "DingTalk push")) " · " span data-testid="push-status" data-push=(b.push_status) { (status_label(lang, &b.push_status)) } }
            (error_box(lang, err))
            @match &d.robot {
                Some(r) => p { (lang.pick("机器人：", "Robot: ")) code { (redact_token(&r.webhook)) } },
                None => p.notice { (lang.pick("本区划尚未配置钉钉机器人（在通报列表页配置）。", "No DingTalk robot for this region (configure it on the list page).")) },
            }
            table data-testid="pushes" {
                tr { th { "#" } th { (lang.pick("时间", "Time")) } th { (lang.pick("结果", "Result")) } th { (lang.pick("详情", "Detail")) } }
                @for p in &d.pushes {
                    tr.(if p.ok { "" } else { "failed" }) { td { (p.attempt) } td { (format_local_minutes(p.at)) } td { (if p.ok { lang.pick("成功", "OK") } else { lang.pick("失败", "Failed") }) } td { (p.detail) } }
                }
            }
            @if d.can_push && d.robot.is_some() {
                form.inline method="post" action=(format!("/bulletins/{id}/push")) data-testid="push-form" {
                    (csrf_field(auth))
                    button type="submit" { (lang.pick("重新推送", "Push again")) }
                }
            }
            p { small { (week_label(b.week_from, b.week_to)) " · " (b.created_by) } }
        },
    ))
}

pub async fn push(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s.bulletins.push(&auth.ctx, id).await;
    super::form_outcome(
        auth,
        r,
        |b| format!("/bulletins/{}", b.id),
        |e| async move { detail_page(&s, auth, id, Some(&e)).await },
    )
    .await
}

async fn file(s: &AppState, auth: &Auth, id: i64, kind: BulletinFile) -> PageResult {
    let (b, bytes) = s
        .bulletins
        .file(&auth.ctx, id, kind)
        .await
        .map_err(|e| auth.err(e))?;
    let (ctype, ext) = match kind {
        BulletinFile::Pdf => ("application/pdf", "pdf"),
        BulletinFile::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let name = format!("bulletin-{}-{}-{}.{ext}", b.region_code, b.year, b.number);
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn pdf(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    file(&s, &auth, id, BulletinFile::Pdf).await
}

pub async fn xlsx(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    file(&s, &auth, id, BulletinFile::Xlsx).await
}

pub async fn api_list(State(s): State<AppState>, auth: Auth) -> PageResult {
    let list = s.bulletins.list(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let items: Vec<_> = list.iter().map(|b| json!({"id": b.id, "region_code": b.region_code, "number": b.number_label(), "title": b.title, "week": b.period(), "push_status": b.push_status, "summary": b.summary})).collect();
    Ok(
        Json(json!({"scope": super::scoring::scope_json(&s, &auth).await?, "bulletins": items}))
            .into_response(),
    )
}
