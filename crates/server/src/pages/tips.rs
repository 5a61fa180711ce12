//! Tips: the public page (no sign-in, phone-sized, Chinese first) with its
//! follow-up code and status page; the operators' list, hotline entry,
//! triage, rewards and spot checks.
//!
//! The public form is CSRF-safe without a session: it carries a single-use
//! challenge issued with the page, checked before anything else (a post
//! without it is refused with 403 like any other form), and the page's
//! script proves work over it before sending (`/assets/tip.js`). Nothing a
//! tipster sends is rendered unescaped (maud escapes everything).

use std::collections::HashMap;

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jinghai_domain::cases::{format_yuan, PayMethod, RewardStatus, TipChannel, TipTopic};
use jinghai_domain::report::format_day;
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_store::SpotFinding;
use jinghai_workflow::tips::TipInput;
use jinghai_workflow::WorkflowError;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use super::{csrf_field, error_box, layout, select};
use crate::auth::{form_urlencoded_pairs, Auth, ClientAddr, PathId, SignedForm, UiLang};
use crate::error::{ApiError, Flavor};
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    pub saved: Option<String>,
    pub code: Option<String>,
}

// --- the public pages ---

/// A bare, phone-sized page: no navigation, no session.
fn public_layout(lang: Lang, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(if lang == Lang::Zh { "zh-CN" } else { "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                link rel="stylesheet" href="/assets/app.css";
                link rel="stylesheet" href="/assets/vendor/leaflet.css";
                script src="/assets/vendor/leaflet.js" defer {}
                script src="/assets/tip.js" defer {}
            }
            body.public {
                header.top { span.brand { span.logo { "净海" } span.sub { (lang.pick("24 小时举报", "24-hour tip line")) } } a.lang href=(format!("/lang/{}", if lang == Lang::Zh { "en" } else { "zh" })) { (lang.pick("English", "中文")) } }
                main.public { (content) }
            }
        }
    }
}

fn topic_options(lang: Lang) -> Vec<(String, String)> {
    TipTopic::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                lang.pick(t.zh(), t.en()).to_string(),
            )
        })
        .collect()
}

fn tip_form_fields(lang: Lang, typed: &TipInput) -> Markup {
    html! {
        label { (lang.pick("举报事项", "What about")) (select("topic", &topic_options(lang), &typed.topic, None)) }
        label.wide { (lang.pick("举报内容（看到了什么）", "What did you see")) textarea name="what" rows="4" required { (typed.what) } }
        label.wide { (lang.pick("地点（文字描述，或在下方地图上点选）", "Where (in words, or tap the map below)")) input name="place" value=(typed.place); }
        input type="hidden" name="lat" value=(typed.lat);
        input type="hidden" name="lon" value=(typed.lon);
        label { (lang.pick("时间", "When")) input name="when" value=(typed.when) placeholder=(lang.pick("如：昨晚十点左右", "e.g. last night around ten")); }
        label { (lang.pick("您的称呼（可不填）", "Your name (optional)")) input name="name" value=(typed.name) autocomplete="name"; }
        label { (lang.pick("联系电话（可不填，用于核实和发放奖励）", "Phone (optional; to check and to pay a reward)")) input name="phone" value=(typed.phone) inputmode="tel" autocomplete="tel"; }
        label.check { input type="checkbox" name="anonymous" checked[typed.anonymous]; " " (lang.pick("匿名举报", "Anonymous")) }
    }
}

async fn public_form(
    s: &AppState,
    lang: Lang,
    district: &str,
    err: Option<&WorkflowError>,
    typed: &TipInput,
) -> Result<Markup, ApiError> {
    let region = s
        .tips
        .district(district)
        .await
        .map_err(|e| ApiError::new(e, lang, Flavor::Html))?;
    let ch = s
        .tips
        .challenge()
        .await
        .map_err(|e| ApiError::new(e, lang, Flavor::Html))?;
    Ok(public_layout(
        lang,
        lang.pick("举报走私和偷渡", "Report smuggling or illegal entry"),
        html! {
            h1 { (region.name) " · " (lang.pick("举报走私、偷渡", "Report smuggling or illegal entry")) }
            p { (lang.pick("您的举报将由“净海”行动专班办公室受理；经查证属实的，按规定给予奖励。举报人信息严格保密。", "Your tip goes to the Clean Sea task-force office; tips verified as true are rewarded. Who you are is kept confidential.")) }
            (error_box(lang, err))
            form.grid method="post" action=(format!("/report/{district}")) enctype="multipart/form-data" data-testid="tip-form" data-pow-bits=(ch.bits) {
                input type="hidden" name="_challenge" value=(ch.token);
                input type="hidden" name="_nonce" value="";
                (tip_form_fields(lang, typed))
                div #tip-map data-testid="tip-map" style="height:220px;flex-basis:100%;border:1px solid #d5dde5" {}
                label.wide { (lang.pick("照片（可选，最多 3 张 jpg/png，每张 5 MB 以内）", "Photos (optional; up to 3 jpg/png, 5 MB each)")) input type="file" name="photos" accept="image/jpeg,image/png" multiple; }
                p.pow data-testid="pow-state" { (lang.pick("提交前页面会自动完成一次安全校验。", "The page runs a short safety check before sending.")) }
                button type="submit" data-testid="tip-submit" { (lang.pick("提交举报", "Send")) }
            }
            p { a href="/report/status" { (lang.pick("凭查询码查看办理进度", "Check progress with your follow-up code")) } }
        },
    ))
}

pub async fn public_page(
    State(s): State<AppState>,
    UiLang(lang): UiLang,
    Path(district): Path<String>,
) -> PageResult {
    Ok(public_form(&s, lang, &district, None, &TipInput::default())
        .await?
        .into_response())
}

/// Reads a public post: multipart (with photos) or url-encoded.
async fn public_body(
    req: Request,
    s: &AppState,
    lang: Lang,
) -> Result<(HashMap<String, String>, Vec<(String, Vec<u8>)>), ApiError> {
    let bad = |e: String| ApiError::bad_body(lang, Flavor::Html, e);
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
            .await
            .map_err(|e| bad(e.to_string()))?;
        return Ok((form_urlencoded_pairs(&bytes), Vec::new()));
    }
    let mut mp = axum::extract::Multipart::from_request(req, s)
        .await
        .map_err(|e| bad(e.body_text()))?;
    let mut fields = HashMap::new();
    let mut files = Vec::new();
    while let Some(f) = mp.next_field().await.map_err(|e| bad(e.body_text()))? {
        let name = f.name().unwrap_or("").to_string();
        if name == "photos" {
            let file_name = f.file_name().unwrap_or("").to_string();
            let bytes = f.bytes().await.map_err(|e| bad(e.body_text()))?;
            if !file_name.is_empty() || !bytes.is_empty() {
                files.push((file_name, bytes.to_vec()));
            }
        } else {
            fields.insert(name, f.text().await.map_err(|e| bad(e.body_text()))?);
        }
    }
    Ok((fields, files))
}

fn same_site(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None | Some("null") => true,
        Some(o) => o.split("://").nth(1) == Some(host),
    }
}

pub async fn public_submit(
    State(s): State<AppState>,
    UiLang(lang): UiLang,
    ClientAddr(addr): ClientAddr,
    Path(district): Path<String>,
    req: Request,
) -> PageResult {
    if !same_site(req.headers()) {
        return Err(ApiError::csrf(lang, Flavor::Html));
    }
    let (f, photos) = public_body(req, &s, lang).await?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let input = TipInput {
        region_id: None,
        channel: String::new(),
        topic: get("topic"),
        what: get("what"),
        place: get("place"),
        lat: get("lat"),
        lon: get("lon"),
        when: get("when"),
        name: get("name"),
        phone: get("phone"),
        anonymous: matches!(get("anonymous").as_str(), "on" | "true" | "1"),
    };
    match s.tips.submit_public(&district, &addr, &get("_challenge"), &get("_nonce"), &input, &photos).await {
        Ok((_, code)) => Ok(public_layout(lang, lang.pick("举报已提交", "Tip sent"), html! {
            h1 { (lang.pick("举报已提交", "Your tip was sent")) }
            div.saved data-testid="tip-sent" {
                p { (lang.pick("您的查询码（请抄写或截图保存，仅显示这一次）：", "Your follow-up code (write it down; it is shown only this once):")) }
                p.big { code data-testid="tip-code" { (code) } }
            }
            p { a href="/report/status" { (lang.pick("凭查询码查看办理进度", "Check progress with your follow-up code")) } }
        }).into_response()),
        Err(e @ WorkflowError::Invalid(_)) => Ok((StatusCode::BAD_REQUEST, public_form(&s, lang, &district, Some(&e), &input).await?).into_response()),
        Err(e @ WorkflowError::Forbidden { .. }) => Ok((StatusCode::FORBIDDEN, public_form(&s, lang, &district, Some(&e), &input).await.unwrap_or_else(|_| super::error_page(lang, StatusCode::FORBIDDEN, &e.user_message(lang)))).into_response()),
        Err(e) => Err(ApiError::new(e, lang, Flavor::Html)),
    }
}

async fn status_form(
    s: &AppState,
    lang: Lang,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let ch = s
        .tips
        .challenge()
        .await
        .map_err(|e| ApiError::new(e, lang, Flavor::Html))?;
    Ok(public_layout(
        lang,
        lang.pick("举报办理进度", "Tip progress"),
        html! {
            h1 { (lang.pick("查询举报办理进度", "Check a tip's progress")) }
            (error_box(lang, err))
            form.grid method="post" action="/report/status" data-testid="status-form" {
                input type="hidden" name="_challenge" value=(ch.token);
                label { (lang.pick("查询码", "Follow-up code")) input name="code" autocomplete="off" size="24" placeholder="XXXX-XXXX-XXXX-XXXX"; }
                button type="submit" { (lang.pick("查询", "Check")) }
            }
        },
    ))
}

pub async fn status_page(State(s): State<AppState>, UiLang(lang): UiLang) -> PageResult {
    Ok(status_form(&s, lang, None).await?.into_response())
}

/// The tipster's view by code, posted (a code in a URL would end up in logs
/// and browser history).
pub async fn status_submit(
    State(s): State<AppState>,
    UiLang(lang): UiLang,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> PageResult {
    if !same_site(&headers) {
        return Err(ApiError::csrf(lang, Flavor::Html));
    }
    let f = form_urlencoded_pairs(&body);
    if let Err(e) = s
        .tips
        .check_token(f.get("_challenge").map(String::as_str).unwrap_or(""))
        .await
    {
        return Ok((
            StatusCode::FORBIDDEN,
            status_form(&s, lang, Some(&e)).await?,
        )
            .into_response());
    }
    match s.tips.status(&addr, f.get("code").map(String::as_str).unwrap_or("")).await {
        Ok(st) => Ok(public_layout(lang, lang.pick("举报办理进度", "Tip progress"), html! {
            h1 { (lang.pick("举报办理进度", "Tip progress")) }
            table.kv data-testid="tip-status" {
                tr { th { (lang.pick("受理时间", "Received")) } td { (format_local_minutes(st.received_at)) } }
                tr { th { (lang.pick("办理状态", "State")) } td data-testid="public-state" data-state=(st.state.as_str()) { (lang.pick(st.state.zh(), st.state.en())) } }
                tr { th { (lang.pick("奖励", "Reward")) } td data-testid="public-reward" data-state=(st.reward.map(|r| r.as_str()).unwrap_or("none")) {
                    @match st.reward { None => { (lang.pick("暂无", "none yet")) } Some(r) => { (lang.pick(r.zh(), r.en())) @if let Some(d) = st.reward_paid_on { " · " (format_day(d)) } } }
                } }
            }
            p { (lang.pick("为保护调查工作，具体办理情况不予公开。奖励发放请保持电话畅通。", "To protect the investigation, details are not shown. Keep your phone reachable for a reward.")) }
            p { a href="/report/status" { (lang.pick("查询其他举报", "Check another")) } }
        }).into_response()),
        Err(e @ (WorkflowError::Invalid(_) | WorkflowError::RateLimited { .. })) => {
            let code = if matches!(e, WorkflowError::RateLimited { .. }) { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::BAD_REQUEST };
            Ok((code, status_form(&s, lang, Some(&e)).await?).into_response())
        }
        Err(e) => Err(ApiError::new(e, lang, Flavor::Html)),
    }
}

// --- operators ---

async fn district_options(s: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, ApiError> {
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

pub async fn list(State(s): State<AppState>, auth: Auth, Query(q): Query<Saved>) -> PageResult {
    Ok(
        list_page(&s, &auth, None, &TipInput::default(), q.code.as_deref())
            .await?
            .into_response(),
    )
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
    typed: &TipInput,
    new_code: Option<&str>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let tips = s.tips.list(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let regions = district_options(s, auth).await?;
    let office = auth.ctx.user.role == jinghai_domain::Role::TaskForceOffice;
    let channels: Vec<(String, String)> = [TipChannel::Hotline, TipChannel::Visit]
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                lang.pick(c.zh(), c.en()).to_string(),
            )
        })
        .collect();
    let district_code = &auth.ctx.user.region_code[..6.min(auth.ctx.user.region_code.len())];
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("举报", "Tips"),
        "nav.tips",
        html! {
            h1 { (lang.pick("举报受理", "Tips")) }
            p { (lang.pick("公众举报页面（无需登录）：", "Public tip page (no sign-in): ")) a href=(format!("/report/{district_code}")) data-testid="public-link" { (format!("/report/{district_code}")) } " · " a href="/tips/checks" { (lang.pick("举报办理抽查", "Spot checks")) } }
            @if let Some(code) = new_code { div.saved data-testid="saved" { (lang.pick("已录入。请将查询码告知举报人：", "Entered. Tell the caller the follow-up code: ")) code data-testid="tip-code" { (code) } } }
            (error_box(lang, err))
            @if office {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("录入热线举报", "Enter a hotline tip")) }
                    form.grid method="post" action="/tips" data-testid="hotline-form" {
                        (csrf_field(auth))
                        label { (lang.pick("受理区划", "Region")) (select("region_id", &regions, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("渠道", "Channel")) (select("channel", &channels, &typed.channel, None)) }
                        (tip_form_fields(lang, typed))
                        button type="submit" { (lang.pick("录入", "Enter")) }
                    }
                }
            }
            table data-testid="tips" {
                tr { th { "#" } th { (lang.pick("受理时间", "Received")) } th { (lang.pick("渠道", "Channel")) } th { (lang.pick("事项", "Topic")) } th { (lang.pick("内容", "What")) } th { (lang.pick("地点", "Place")) } th { (lang.pick("状态", "Status")) } }
                @for t in &tips {
                    tr data-tip=(t.id) data-status=(t.status.as_str()) {
                        td { a href=(format!("/tips/{}", t.id)) { (t.id) } }
                        td { (format_local_minutes(t.received_at)) }
                        td { (lang.pick(t.channel.zh(), t.channel.en())) }
                        td { (lang.pick(t.topic.zh(), t.topic.en())) }
                        td { a href=(format!("/tips/{}", t.id)) { (t.what.chars().take(40).collect::<String>()) } }
                        td { (t.place) }
                        td { span.status { (lang.pick(t.status.zh(), t.status.en())) } }
                    }
                }
            }
        },
    ))
}

fn tip_input(form: &SignedForm) -> Result<TipInput, ApiError> {
    Ok(TipInput {
        region_id: form.id("region_id")?,
        channel: form.get("channel").into(),
        topic: form.get("topic").into(),
        what: form.get("what").into(),
        place: form.get("place").into(),
        lat: form.get("lat").into(),
        lon: form.get("lon").into(),
        when: form.get("when").into(),
        name: form.get("name").into(),
        phone: form.get("phone").into(),
        anonymous: form.checked("anonymous"),
    })
}

pub async fn enter(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = tip_input(&form)?;
    match s.tips.enter(&auth.ctx, &input).await {
        // The code is shown once, on the page the operator lands on.
        Ok((_, code)) => Ok((
            StatusCode::OK,
            list_page(&s, auth, None, &TipInput::default(), Some(&code)).await?,
        )
            .into_response()),
        Err(e @ (WorkflowError::Invalid(_) | WorkflowError::Forbidden { .. })) => {
            let status = if matches!(e, WorkflowError::Invalid(_)) {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::FORBIDDEN
            };
            Ok((status, list_page(&s, auth, Some(&e), &input, None).await?).into_response())
        }
        Err(e) => Err(auth.err(e)),
    }
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
        .tips
        .detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let t = &d.tip;
    let methods: Vec<(String, String)> = PayMethod::ALL
        .iter()
        .map(|m| {
            (
                m.as_str().to_string(),
                lang.pick(m.zh(), m.en()).to_string(),
            )
        })
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("举报", "Tip"),
        "nav.tips",
        html! {
            p { a href="/tips" { "← " (lang.pick("举报", "Tips")) } }
            h1 { (lang.pick("举报", "Tip")) " #" (t.id) " " span.status data-testid="tip-status" data-status=(t.status.as_str()) { (lang.pick(t.status.zh(), t.status.en())) } }
            @if saved { div.saved role="status" data-testid="saved" { (lang.pick("已保存", "Saved")) } }
            (error_box(lang, err))
            table.kv data-testid="tip" {
                tr { th { (lang.pick("受理时间", "Received")) } td { (format_local_minutes(t.received_at)) } th { (lang.pick("渠道", "Channel")) } td { (lang.pick(t.channel.zh(), t.channel.en())) } }
                tr { th { (lang.pick("事项", "Topic")) } td { (lang.pick(t.topic.zh(), t.topic.en())) } th { (lang.pick("时间", "When")) } td { (t.when_text) } }
                tr { th { (lang.pick("内容", "What")) } td colspan="3" data-testid="tip-what" { (t.what) } }
                tr { th { (lang.pick("地点", "Place")) } td colspan="3" { (t.place) @if let (Some(a), Some(b)) = (t.lat, t.lon) { " (" (format!("{a:.5}, {b:.5}")) ")" } } }
                tr { th { (lang.pick("举报人", "Tipster")) } td colspan="3" data-testid="tipster" {
                    @if t.anonymous { (lang.pick("匿名", "anonymous")) }
                    @else if let Some(c) = &d.contact { (c.name) " " (c.phone) }
                    @else { (lang.pick("（仅奖励经办人员可见）", "(visible to reward officers only)")) }
                } }
                tr { th { (lang.pick("公众可见状态", "What the tipster sees")) } td colspan="3" { (lang.pick(d.public_state.zh(), d.public_state.en())) } }
                @if let Some(c) = &d.clue { tr { th { (lang.pick("线索", "Clue")) } td colspan="3" { (super::cases::clue_link(lang, c)) } } }
                @if let Some(m) = t.merged_into { tr { th { (lang.pick("合并到", "Merged into")) } td colspan="3" { a href=(format!("/tips/{m}")) { "#" (m) } } } }
                @if !t.status_note.is_empty() { tr { th { (lang.pick("说明", "Note")) } td colspan="3" { (t.status_note) } } }
            }
            @if !d.files.is_empty() { h2 { (lang.pick("照片", "Photos")) } ul { @for f in &d.files { li { a href=(format!("/case-files/{}", f.id)) { (f.file_name) } } } } }
            @if d.can_triage {
                h2 { (lang.pick("分拣", "Triage")) }
                form.grid method="post" action=(format!("/tips/{}/clue", t.id)) data-testid="triage-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("线索摘要", "Clue summary")) input name="summary" value=(t.what.chars().take(100).collect::<String>()); }
                    label.wide { (lang.pick("要素（每行“类别: 内容”）", "Entities ('kind: value' per line)")) textarea name="entities" rows="2" {} }
                    button type="submit" { (lang.pick("转为线索", "Make a clue")) }
                }
                form.grid method="post" action=(format!("/tips/{}/merge", t.id)) {
                    (csrf_field(auth))
                    label { (lang.pick("重复举报，合并到举报编号", "Duplicate of tip number")) input name="into" size="6"; }
                    label { (lang.pick("说明", "Note")) input name="note"; }
                    button type="submit" { (lang.pick("合并", "Merge")) }
                }
                form.grid method="post" action=(format!("/tips/{}/close", t.id)) {
                    (csrf_field(auth))
                    label.wide { (lang.pick("办结理由", "Reason to close")) input name="reason"; }
                    button.danger type="submit" { (lang.pick("办结", "Close")) }
                }
            }
            h2 { (lang.pick("举报奖励", "Rewards")) }
            table data-testid="rewards" {
                tr { th { "#" } th { (lang.pick("金额（元）", "Amount (yuan)")) } th { (lang.pick("依据", "Basis")) } th { (lang.pick("状态", "Status")) } th { (lang.pick("经办", "By")) } th {} }
                @for r in &d.rewards {
                    tr data-reward=(r.id) data-status=(r.status.as_str()) {
                        td { (r.id) } td { (format_yuan(r.amount_fen)) } td { (r.basis) }
                        td { (lang.pick(r.status.zh(), r.status.en())) @if let Some(p) = r.paid_on { " · " (format_day(p)) } @if let Some(m) = r.pay_method { " · " (lang.pick(m.zh(), m.en())) } }
                        td { (r.proposed_by) @if let Some(b) = &r.decided_by { br; (b) } }
                        td {
                            @if d.can_approve && r.status == RewardStatus::Proposed {
                                form.inline method="post" action=(format!("/rewards/{}/decide", r.id)) data-testid="decide-form" {
                                    (csrf_field(auth))
                                    input name="note" placeholder=(lang.pick("意见", "Note")) size="10";
                                    button type="submit" name="decision" value="approve" { (lang.pick("批准", "Approve")) }
                                    button.danger type="submit" name="decision" value="reject" { (lang.pick("不予批准", "Reject")) }
                                }
                            }
                            @if d.reward_officer && r.status == RewardStatus::Approved {
                                form.inline method="post" action=(format!("/rewards/{}/pay", r.id)) data-testid="pay-form" {
                                    (csrf_field(auth))
                                    input type="date" name="paid_on";
                                    (select("method", &methods, "bank_transfer", None))
                                    button type="submit" { (lang.pick("登记发放", "Record payment")) }
                                }
                            }
                        }
                    }
                }
            }
            @if d.can_propose {
                form.grid method="post" action=(format!("/tips/{}/rewards", t.id)) data-testid="reward-form" {
                    (csrf_field(auth))
                    label { (lang.pick("金额（元）", "Amount (yuan)")) input name="amount" size="8"; }
                    label.wide { (lang.pick("奖励依据", "Basis")) input name="basis"; }
                    button type="submit" { (lang.pick("提出奖励", "Propose a reward")) }
                }
            }
        },
    ))
}

async fn after_tip<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    r: Result<T, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| format!("/tips/{id}?saved=1"),
        |e| async move { detail_page(s, auth, id, false, Some(&e)).await },
    )
    .await
}

pub async fn to_clue(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .tips
        .to_clue(
            &auth.ctx,
            id,
            form.get("summary"),
            form.get("entities"),
            form.get("classification"),
        )
        .await;
    after_tip(&s, auth, id, r).await
}

pub async fn merge(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let into = form
        .get("into")
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok();
    let r = s.tips.merge(&auth.ctx, id, into, form.get("note")).await;
    after_tip(&s, auth, id, r).await
}

pub async fn close(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s.tips.close(&auth.ctx, id, form.get("reason")).await;
    after_tip(&s, auth, id, r).await
}

pub async fn propose(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .tips
        .propose_reward(&auth.ctx, id, form.get("amount"), form.get("basis"))
        .await;
    after_tip(&s, auth, id, r).await
}

pub async fn decide(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    match s
        .tips
        .decide_reward(
            &auth.ctx,
            id,
            form.get("decision") == "approve",
            form.get("note"),
        )
        .await
    {
        Ok(r) => Ok(
            axum::response::Redirect::to(&format!("/tips/{}?saved=1", r.tip_id)).into_response(),
        ),
        Err(e) => Err(auth.err(e)),
    }
}

pub async fn pay(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    match s
        .tips
        .pay_reward(
            &auth.ctx,
            id,
            form.get("paid_on"),
            form.get("method"),
            form.get("note"),
        )
        .await
    {
        Ok(r) => Ok(
            axum::response::Redirect::to(&format!("/tips/{}?saved=1", r.tip_id)).into_response(),
        ),
        Err(e) => Err(auth.err(e)),
    }
}

// --- spot checks ---

pub async fn checks(State(s): State<AppState>, auth: Auth) -> PageResult {
    Ok(checks_page(&s, &auth, None).await?.into_response())
}

async fn checks_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let list = s
        .tips
        .spot_checks(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let regions = district_options(s, auth).await?;
    let today = format_day(jinghai_domain::report::day_of(s.cases.now()));
    let week = format_day(jinghai_domain::report::day_of(s.cases.now()) - 6);
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("举报办理抽查", "Spot checks"),
        "nav.tips",
        html! {
            p { a href="/tips" { "← " (lang.pick("举报", "Tips")) } }
            h1 { (lang.pick("举报办理抽查", "Spot checks of tip handling")) }
            p { (lang.pick("随机抽取一段时间内的举报，逐条核对是否接听答复、是否依法查处、奖励是否兑现（省疫情防控办〔2021〕25 号 五（三））。", "A random sample of a period's tips, each checked for being answered, handled and rewarded correctly (seed 000 §五(三)).")) }
            (error_box(lang, err))
            @if auth.ctx.user.role == jinghai_domain::Role::TaskForceOffice {
                form.grid method="post" action="/tips/checks" data-testid="draw-form" {
                    (csrf_field(auth))
                    label { (lang.pick("区划", "Region")) (select("region_id", &regions, "", None)) }
                    label { (lang.pick("自", "From")) input type="date" name="from" value=(week); }
                    label { (lang.pick("至", "To")) input type="date" name="to" value=(today); }
                    label { (lang.pick("抽查条数", "Sample size")) input name="n" value="5" size="4"; }
                    button type="submit" { (lang.pick("随机抽取", "Draw")) }
                }
            }
            table data-testid="checks" {
                tr { th { "#" } th { (lang.pick("期间", "Period")) } th { (lang.pick("抽取人", "Drawn by")) } th { (lang.pick("抽取时间", "Drawn at")) } }
                @for c in &list { tr { td { a href=(format!("/tips/checks/{}", c.id)) { (c.id) } } td { (format_day(c.from_day)) " – " (format_day(c.to_day)) } td { (c.drawn_by) } td { (format_local_minutes(c.drawn_at)) } } }
            }
        },
    ))
}

pub async fn draw(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .tips
        .draw_spot_check(
            &auth.ctx,
            form.id("region_id")?,
            form.get("from"),
            form.get("to"),
            form.get("n"),
        )
        .await;
    super::form_outcome(
        auth,
        r,
        |c| format!("/tips/checks/{}", c.id),
        |e| async move { checks_page(&s, auth, Some(&e)).await },
    )
    .await
}

pub async fn check(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    Ok(check_page(&s, &auth, id, None).await?.into_response())
}

async fn check_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .tips
        .spot_check(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let office = auth.ctx.user.role == jinghai_domain::Role::TaskForceOffice;
    let yn = |b: Option<bool>| match b {
        Some(true) => lang.pick("是", "yes"),
        Some(false) => lang.pick("否", "no"),
        None => "—",
    };
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("抽查", "Spot check"),
        "nav.tips",
        html! {
            p { a href="/tips/checks" { "← " (lang.pick("抽查", "Spot checks")) } }
            h1 { (lang.pick("抽查", "Spot check")) " #" (d.check.id) " · " (format_day(d.check.from_day)) " – " (format_day(d.check.to_day)) }
            p { (lang.pick("随机种子 ", "Random seed ")) code { (d.check.seed) } }
            (error_box(lang, err))
            table data-testid="check-items" {
                tr { th { (lang.pick("举报", "Tip")) } th { (lang.pick("状态", "Status")) } th { (lang.pick("奖励", "Reward")) } th { (lang.pick("已答复", "Answered")) } th { (lang.pick("已依法处理", "Handled")) } th { (lang.pick("奖励已兑现", "Rewarded")) } th { (lang.pick("核查意见", "Note")) } th {} }
                @for (item, tip, rewards) in &d.items {
                    tr data-item=(item.id) {
                        td { a href=(format!("/tips/{}", item.tip_id)) { "#" (item.tip_id) } }
                        td { @if let Some(t) = tip { (lang.pick(t.status.zh(), t.status.en())) } }
                        td { @for r in rewards { (format_yuan(r.amount_fen)) " " (lang.pick(r.status.zh(), r.status.en())) br; } }
                        td { (yn(item.answered)) } td { (yn(item.handled)) } td { (yn(item.rewarded)) }
                        td { (item.note) @if let Some(b) = &item.checked_by { br; small { (b) } } }
                        td {
                            @if office {
                                form.inline method="post" action=(format!("/tips/checks/{}/findings", d.check.id)) {
                                    (csrf_field(auth))
                                    input type="hidden" name="item_id" value=(item.id);
                                    label.check { input type="checkbox" name="answered" checked[item.answered == Some(true)]; (lang.pick("答复", "answered")) }
                                    label.check { input type="checkbox" name="handled" checked[item.handled == Some(true)]; (lang.pick("处理", "handled")) }
                                    label.check { input type="checkbox" name="rewarded" checked[item.rewarded == Some(true)]; (lang.pick("兑现", "rewarded")) }
                                    input name="note" size="10" value=(item.note);
                                    button type="submit" { (lang.pick("记录", "Record")) }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn finding(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let f = SpotFinding {
        answered: form.checked("answered"),
        handled: form.checked("handled"),
        rewarded: form.checked("rewarded"),
        note: form.get("note").trim().chars().take(500).collect(),
    };
    let r = s
        .tips
        .record_finding(&auth.ctx, id, form.id("item_id")?, &f)
        .await;
    super::form_outcome(
        auth,
        r,
        |_| format!("/tips/checks/{id}"),
        |e| async move { check_page(&s, auth, id, Some(&e)).await },
    )
    .await
}
