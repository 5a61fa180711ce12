//! Clue and case pages: the clue list and intake form, a clue with its
//! entities, automatic links (with reasons, to confirm or reject), the graph
//! of its cluster, verification, hand-over and filing; the case list and a
//! case with its path, seizures and disposals; the hand-over desk; and the
//! one-click "to clue" action of the alert desk.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jinghai_domain::cases::{
    Case, CaseStatus, Classification, Clue, ClueSource, ClueStatus, DisposalStep, Handover,
    HandoverStatus, LinkStatus, RecordKind, SeizureCategory, StepKind,
};
use jinghai_domain::entity::EntityKind;
use jinghai_domain::report::format_day;
use jinghai_domain::time::format_local_minutes;
use jinghai_domain::Lang;
use jinghai_workflow::cases::{CaseInput, ClueInput, DisposalInput, SeizureInput, StepInput};
use jinghai_workflow::WorkflowError;
use maud::{html, Markup};
use serde::Deserialize;

use super::{csrf_field, error_box, layout, select};
use crate::auth::{Auth, PathId, SignedForm, SignedUpload};
use crate::error::ApiError;
use crate::AppState;

type PageResult = Result<Response, ApiError>;

#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    pub saved: Option<String>,
}

fn opts<T: Copy>(
    lang: Lang,
    all: &[T],
    code: fn(T) -> &'static str,
    zh: fn(T) -> &'static str,
    en: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|x| (code(*x).to_string(), lang.pick(zh(*x), en(*x)).to_string()))
        .collect()
}

async fn unit_names(s: &AppState, auth: &Auth) -> Result<Vec<(String, String)>, ApiError> {
    Ok(s.admin
        .units(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect())
}

fn unit_name(units: &[(String, String)], id: Option<i64>, lang: Lang) -> String {
    match id {
        None => String::new(),
        Some(id) => units
            .iter()
            .find(|(k, _)| *k == id.to_string())
            .map(|(_, n)| n.clone())
            // A unit outside the user's regions (e.g. a city office) is named by number only.
            .unwrap_or_else(|| format!("{} #{id}", lang.pick("单位", "unit"))),
    }
}

fn status_badge(lang: Lang, s: ClueStatus) -> Markup {
    html! { span.status data-status=(s.as_str()) { (lang.pick(s.zh(), s.en())) } }
}

fn handover_rows(
    lang: Lang,
    list: &[Handover],
    units: &[(String, String)],
    now: i64,
    auth: &Auth,
) -> Markup {
    html! {
        table data-testid="handovers" {
            tr { th { "#" } th { (lang.pick("记录", "Record")) } th { (lang.pick("移交单位", "From")) } th { (lang.pick("接收单位", "To")) } th { (lang.pick("事由", "Reason")) } th { (lang.pick("签收时限", "Receipt by")) } th { (lang.pick("状态", "Status")) } th { (lang.pick("操作", "Actions")) } }
            @for h in list {
                tr data-handover=(h.id) data-status=(h.status.as_str()) {
                    td { (h.id) }
                    td { a href=(format!("/{}s/{}", h.record_kind.as_str(), h.record_id)) { (lang.pick(h.record_kind.zh(), h.record_kind.en())) " #" (h.record_id) } }
                    td { (unit_name(units, h.from_unit_id, lang)) }
                    td { (unit_name(units, Some(h.to_unit_id), lang)) }
                    td { (h.reason) @if !h.response.is_empty() { br; small { (lang.pick("答复：", "Answer: ")) (h.response) } } }
                    td { (format_local_minutes(h.deadline_at)) }
                    td {
                        span.status { (lang.pick(h.status.zh(), h.status.en())) }
                        @if h.overdue(now) { " " span.late data-flag="overdue" { (lang.pick("逾期未签收", "overdue")) } }
                        @if h.escalated_at.is_some() { " " span.late { (lang.pick("已督办", "escalated")) } }
                    }
                    td {
                        @if h.status == HandoverStatus::Pending && Some(h.to_unit_id) == auth.ctx.user.unit_id && auth.ctx.user.role.can_write() {
                            (answer_form(lang, auth, h))
                        }
                    }
                }
            }
        }
    }
}

fn answer_form(lang: Lang, auth: &Auth, h: &Handover) -> Markup {
    html! {
        form.inline method="post" action=(format!("/handovers/{}/answer", h.id)) data-testid="answer-form" {
            (csrf_field(auth))
            input name="response" placeholder=(lang.pick("答复（退回须说明理由）", "Answer (a reason to return)")) size="16";
            button type="submit" name="decision" value="accept" { (lang.pick("签收", "Accept")) }
            button.danger type="submit" name="decision" value="return" { (lang.pick("退回", "Return")) }
        }
    }
}

// --- clue list and intake ---

pub async fn list(
    State(s): State<AppState>,
    auth: Auth,
    axum::extract::Query(bq): axum::extract::Query<super::BehindQuery>,
) -> PageResult {
    let behind = super::behind(&s, &auth, &bq).await?;
    Ok(list_page(&s, &auth, None, &ClueInput::default(), &behind)
        .await?
        .into_response())
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
    typed: &ClueInput,
    behind: &Option<super::Behind>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let clues = s
        .cases
        .list_clues(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let regions = s.admin.regions(&auth.ctx).await.map_err(|e| auth.err(e))?;
    let region_opts: Vec<(String, String)> = regions
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                format!("{}{}", "　".repeat(r.level as usize), r.name),
            )
        })
        .collect();
    let sources: Vec<(String, String)> = opts(
        lang,
        &[ClueSource::Officer, ClueSource::Patrol, ClueSource::Agency],
        ClueSource::as_str,
        ClueSource::zh,
        ClueSource::en,
    );
    let classes = opts(
        lang,
        Classification::ALL,
        Classification::as_str,
        Classification::zh,
        Classification::en,
    );
    let units = unit_names(s, auth).await?;
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("线索", "Clues"),
        "nav.clues",
        html! {
            h1 { (lang.pick("线索", "Clues")) }
            (super::behind_banner(lang, behind))
            p { a href="/cases" { (lang.pick("案件", "Cases")) } " · " a href="/handovers" { (lang.pick("移交签收", "Hand-overs")) } " · " a href="/tips" { (lang.pick("举报", "Tips")) } }
            (error_box(lang, err))
            @if auth.ctx.user.role.can_write() {
                details.panel open[err.is_some()] {
                    summary { (lang.pick("登记线索", "Register a clue")) }
                    form.grid method="post" action="/clues" data-testid="clue-form" {
                        (csrf_field(auth))
                        label { (lang.pick("所在区划", "Region")) (select("region_id", &region_opts, &typed.region_id.map(|i| i.to_string()).unwrap_or_default(), None)) }
                        label { (lang.pick("来源", "Source")) (select("source", &sources, &typed.source, None)) }
                        label { (lang.pick("密级", "Classification")) (select("classification", &classes, if typed.classification.is_empty() { "restricted" } else { &typed.classification }, None)) }
                        label { (lang.pick("发生时间", "When")) input type="datetime-local" name="occurred_at" value=(typed.occurred_at); }
                        label { (lang.pick("地点", "Place")) input name="place" value=(typed.place); }
                        label { (lang.pick("纬度", "Latitude")) input name="lat" value=(typed.lat) size="8"; }
                        label { (lang.pick("经度", "Longitude")) input name="lon" value=(typed.lon) size="8"; }
                        label.wide { (lang.pick("摘要", "Summary")) input name="summary" value=(typed.summary); }
                        label.wide { (lang.pick("详情", "Detail")) textarea name="detail" rows="2" { (typed.detail) } }
                        label.wide { (lang.pick("涉及要素（每行一个，“类别: 内容”，类别：船舶MMSI、船名、姓名、身份证、护照、电话、车牌、地点、企业）", "Entities (one per line, 'kind: value'; kinds: mmsi, vessel, person, id_card, passport, phone, plate, place, company)"))
                            textarea name="entities" rows="4" placeholder="电话: 138 0013 8000\n船名: 浙象渔05123" { (typed.entities) } }
                        button type="submit" { (lang.pick("登记并自动串并", "Register and link")) }
                    }
                }
            }
            table data-testid="clues" {
                tr { th { "#" } th { (lang.pick("摘要", "Summary")) } th { (lang.pick("来源", "Source")) } th { (lang.pick("发生时间", "When")) } th { (lang.pick("密级", "Level")) } th { (lang.pick("持有单位", "Held by")) } th { (lang.pick("状态", "Status")) } }
                @for c in clues.iter().filter(|c| super::Behind::keeps(behind, c.id)) {
                    tr data-clue=(c.id) {
                        td { a href=(format!("/clues/{}", c.id)) { (c.id) } }
                        td { a href=(format!("/clues/{}", c.id)) { (c.summary) } }
                        td { (lang.pick(c.source.zh(), c.source.en())) }
                        td { (format_local_minutes(c.occurred_at)) }
                        td { (lang.pick(c.classification.zh(), c.classification.en())) }
                        td { (unit_name(&units, c.holder_unit_id, lang)) }
                        td { (status_badge(lang, c.status)) }
                    }
                }
            }
        },
    ))
}

fn clue_input(form: &SignedForm) -> Result<ClueInput, ApiError> {
    Ok(ClueInput {
        region_id: form.id("region_id")?,
        summary: form.get("summary").into(),
        detail: form.get("detail").into(),
        occurred_at: form.get("occurred_at").into(),
        place: form.get("place").into(),
        lat: form.get("lat").into(),
        lon: form.get("lon").into(),
        source: form.get("source").into(),
        classification: form.get("classification").into(),
        entities: form.get("entities").into(),
    })
}

pub async fn create(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let input = clue_input(&form)?;
    let r = s.cases.create_clue(&auth.ctx, &input).await;
    super::form_outcome(
        auth,
        r,
        |(c, _)| format!("/clues/{}?saved=1", c.id),
        |e| async move { list_page(&s, auth, Some(&e), &input, &None).await },
    )
    .await
}

/// The alert desk's "to clue" button.
pub async fn from_alert(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    match s.cases.clue_from_alert(&auth.ctx, id).await {
        Ok((c, _)) => {
            Ok(axum::response::Redirect::to(&format!("/clues/{}?saved=1", c.id)).into_response())
        }
        Err(e @ (WorkflowError::Invalid(_) | WorkflowError::Forbidden { .. })) => Ok((
            axum::http::StatusCode::FORBIDDEN,
            super::error_page(
                auth.lang,
                axum::http::StatusCode::FORBIDDEN,
                &e.user_message(auth.lang),
            ),
        )
            .into_response()),
        Err(e) => Err(auth.err(e)),
    }
}

// --- one clue ---

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
        .cases
        .clue_detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let c = &d.clue;
    let units = unit_names(s, auth).await?;
    let now = s.cases.now();
    let next: Vec<(String, String)> = ClueStatus::ALL
        .iter()
        .filter(|t| c.status.can_move_to(**t))
        .map(|t| {
            (
                t.as_str().to_string(),
                lang.pick(t.zh(), t.en()).to_string(),
            )
        })
        .collect();
    let classes = opts(
        lang,
        Classification::ALL,
        Classification::as_str,
        Classification::zh,
        Classification::en,
    );
    let other_units: Vec<(String, String)> = units
        .iter()
        .filter(|(k, _)| Some(k.as_str()) != c.holder_unit_id.map(|u| u.to_string()).as_deref())
        .cloned()
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("线索", "Clue"),
        "nav.clues",
        html! {
            p { a href="/clues" { "← " (lang.pick("线索", "Clues")) } }
            h1 { (lang.pick("线索", "Clue")) " #" (c.id) " " (status_badge(lang, c.status)) }
            @if saved { div.saved role="status" data-testid="saved" { (lang.pick("已保存", "Saved")) } }
            (error_box(lang, err))
            @if let Some(h) = &d.to_answer {
                div.notice data-testid="to-answer" {
                    p { (lang.pick("本线索已移交贵单位，请签收或退回：", "This clue was handed to your unit; accept or return it: ")) (h.reason) " · " (lang.pick("签收时限 ", "by ")) (format_local_minutes(h.deadline_at)) }
                    (answer_form(lang, auth, h))
                }
            }
            table.kv data-testid="clue" {
                tr { th { (lang.pick("摘要", "Summary")) } td colspan="3" data-testid="clue-summary" { (c.summary) } }
                tr { th { (lang.pick("来源", "Source")) } td { (lang.pick(c.source.zh(), c.source.en())) @if let (ClueSource::Alert, Some(a)) = (c.source, c.source_ref) { " · " (lang.pick("预警", "alert")) " #" (a) } } th { (lang.pick("密级", "Level")) } td { (lang.pick(c.classification.zh(), c.classification.en())) } }
                tr { th { (lang.pick("发生时间", "When")) } td { (format_local_minutes(c.occurred_at)) } th { (lang.pick("地点", "Place")) } td { (c.place) @if let (Some(lat), Some(lon)) = (c.lat, c.lon) { " (" (format!("{lat:.5}, {lon:.5}")) ")" } } }
                tr { th { (lang.pick("登记单位", "Registered by")) } td { (unit_name(&units, c.owner_unit_id, lang)) " · " (c.created_by) } th { (lang.pick("持有单位", "Held by")) } td data-testid="holder" { (unit_name(&units, c.holder_unit_id, lang)) } }
                @if !c.detail.is_empty() { tr { th { (lang.pick("详情", "Detail")) } td colspan="3" { (c.detail) } } }
                @if !c.status_note.is_empty() { tr { th { (lang.pick("核查意见", "Note")) } td colspan="3" { (c.status_note) } } }
                @if let Some(k) = c.case_id { tr { th { (lang.pick("案件", "Case")) } td colspan="3" { a href=(format!("/cases/{k}")) { (lang.pick("案件", "Case")) " #" (k) } } } }
            }
            h2 { (lang.pick("涉及要素", "Entities")) }
            table data-testid="entities" {
                tr { th { (lang.pick("类别", "Kind")) } th { (lang.pick("原始内容", "As typed")) } th { (lang.pick("规范化", "Normal form")) } th {} }
                @for e in &d.entities {
                    tr { td { (lang.pick(e.kind.zh(), e.kind.en())) } td { (e.raw) } td { code { (e.normal) } } td { @if let Some(w) = &e.warning { span.late { (w) } } } }
                }
            }
            h2 { (lang.pick("自动串并", "Automatic links")) " " a href=(format!("/clues/{}/graph", c.id)) { (lang.pick("关系图", "graph")) } }
            table data-testid="links" {
                tr { th { (lang.pick("关联线索", "Linked clue")) } th { (lang.pick("串并依据", "Why")) } th { (lang.pick("状态", "Status")) } th {} }
                @for v in &d.links {
                    tr data-link=(v.link.id) data-status=(v.link.status.as_str()) {
                        td { a href=(format!("/clues/{}", v.other.id)) { "#" (v.other.id) " " (v.other.summary) } }
                        td { @for r in &v.link.reasons { span.reason data-exact=(r.exact) { (r.describe(lang)) } br; } }
                        td { (lang.pick(v.link.status.zh(), v.link.status.en())) @if let Some(by) = &v.link.decided_by { br; small { (by) } } }
                        td {
                            @if v.link.status == LinkStatus::Suggested && auth.ctx.user.role.can_write() {
                                form.inline method="post" action=(format!("/links/{}/decide", v.link.id)) {
                                    (csrf_field(auth))
                                    button type="submit" name="decision" value="confirm" { (lang.pick("确认串并", "Confirm")) }
                                    button.danger type="submit" name="decision" value="reject" { (lang.pick("否定", "Reject")) }
                                }
                            }
                        }
                    }
                }
            }
            @if d.hidden_links > 0 {
                p.notice data-testid="hidden-links" { (lang.pick("另有 ", "")) (d.hidden_links) (lang.pick(" 条关联线索属其他单位，您无权查看；如需协查请联系专班办公室。", " more linked clues belong to other units; ask the task-force office to coordinate.")) }
            }
            @if d.can_work {
                @if !next.is_empty() {
                    h2 { (lang.pick("核查", "Verification")) }
                    form.grid method="post" action=(format!("/clues/{}/status", c.id)) data-testid="status-form" {
                        (csrf_field(auth))
                        label { (lang.pick("改为", "Move to")) (select("status", &next, "", None)) }
                        label { (lang.pick("意见（核销须填理由）", "Note (required to close)")) input name="note" size="30"; }
                        button type="submit" { (lang.pick("保存", "Save")) }
                    }
                }
                h2 { (lang.pick("补充要素", "Add entities")) }
                form.grid method="post" action=(format!("/clues/{}/entities", c.id)) data-testid="entities-form" {
                    (csrf_field(auth))
                    label.wide { (lang.pick("每行一个，“类别: 内容”", "One per line, 'kind: value'")) textarea name="entities" rows="2" {} }
                    button type="submit" { (lang.pick("补充并串并", "Add and link")) }
                }
                @if c.status == ClueStatus::Verified && c.case_id.is_none() && auth.ctx.user.role != jinghai_domain::Role::TownWorker {
                    h2 { (lang.pick("立案侦查", "File a case")) }
                    form.grid method="post" action="/cases" data-testid="case-form" {
                        (csrf_field(auth))
                        input type="hidden" name="clue_ids" value=(c.id);
                        label { (lang.pick("案件编号", "Case number")) input name="case_no" placeholder="北仑立〔2021〕1号"; }
                        label { (lang.pick("案件名称", "Title")) input name="title" size="24"; }
                        label { (lang.pick("密级", "Level")) (select("classification", &classes, c.classification.as_str(), None)) }
                        label { (lang.pick("立案日期", "Filed on")) input type="date" name="filed_on"; }
                        label { (lang.pick("立案文书", "Document")) input name="document" placeholder="立案决定书"; }
                        label.wide { (lang.pick("简要案情", "Summary")) textarea name="summary" rows="2" {} }
                        button type="submit" { (lang.pick("立案", "File")) }
                    }
                }
                h2 { (lang.pick("移交", "Hand over")) }
                form.grid method="post" action=(format!("/clues/{}/handover", c.id)) data-testid="handover-form" {
                    (csrf_field(auth))
                    label { (lang.pick("接收单位", "To unit")) (select("to_unit_id", &other_units, "", None)) }
                    label { (lang.pick("签收时限（小时）", "Receipt within (hours)")) input name="hours" value="24" size="4"; }
                    label.wide { (lang.pick("移交事由", "Reason")) input name="reason"; }
                    button type="submit" { (lang.pick("移交", "Hand over")) }
                }
                h2 { (lang.pick("上传材料", "Upload evidence")) }
                form.grid method="post" action=(format!("/clues/{}/files", c.id)) enctype="multipart/form-data" {
                    (csrf_field(auth))
                    label { (lang.pick("照片或文件（jpg、png、pdf、docx、xlsx，10 MB 以内）", "Photo or document (jpg, png, pdf, docx, xlsx; up to 10 MB)")) input type="file" name="file"; }
                    button type="submit" { (lang.pick("上传", "Upload")) }
                }
            }
            h2 { (lang.pick("材料", "Files")) }
            ul data-testid="files" { @for f in &d.files { li { a href=(format!("/case-files/{}", f.id)) { (f.file_name) } " · " (f.size / 1024) " KB · " (f.uploaded_by) } } }
            h2 { (lang.pick("移交记录", "Hand-overs")) }
            (handover_rows(lang, &d.handovers, &units, now, auth))
        },
    ))
}

async fn after_clue<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    r: Result<T, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| format!("/clues/{id}?saved=1"),
        |e| async move { detail_page(s, auth, id, false, Some(&e)).await },
    )
    .await
}

pub async fn set_status(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .cases
        .set_clue_status(&auth.ctx, id, form.get("status"), form.get("note"))
        .await;
    after_clue(&s, auth, id, r).await
}

pub async fn add_entities(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .cases
        .add_entities(&auth.ctx, id, form.get("entities"))
        .await;
    after_clue(&s, auth, id, r).await
}

pub async fn hand_over_clue(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .cases
        .hand_over(
            &auth.ctx,
            RecordKind::Clue,
            id,
            form.id("to_unit_id")?,
            form.get("reason"),
            form.get("hours"),
        )
        .await;
    after_clue(&s, auth, id, r).await
}

fn upload_result(form: &SignedUpload) -> Result<(String, Vec<u8>), WorkflowError> {
    form.file.clone().ok_or_else(|| {
        WorkflowError::invalid(jinghai_domain::FieldError::new(
            "file",
            "请选择要上传的文件",
            "choose a file to upload",
        ))
    })
}

pub async fn upload_clue(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedUpload,
) -> PageResult {
    let auth = &form.auth;
    let r = match upload_result(&form) {
        Ok((name, bytes)) => {
            s.cases
                .attach(&auth.ctx, RecordKind::Clue, id, &name, &bytes)
                .await
        }
        Err(e) => Err(e),
    };
    after_clue(&s, auth, id, r).await
}

pub async fn decide_link(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    match s
        .cases
        .decide_link(&auth.ctx, id, form.get("decision") == "confirm")
        .await
    {
        Ok(l) => Ok(
            axum::response::Redirect::to(&format!("/clues/{}?saved=1", l.clue_b)).into_response(),
        ),
        Err(e) => Err(auth.err(e)),
    }
}

/// The cluster of linked clues and their entities as an SVG graph (drawn
/// on the server: clues on an inner ring, entities on an outer ring).
pub async fn graph(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    let lang = auth.lang;
    let cluster = s
        .cases
        .cluster(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let (w, h) = (900.0_f64, 640.0_f64);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let n = cluster.clues.len().max(1) as f64;
    let clue_pos = |i: usize| {
        let a = i as f64 / n * std::f64::consts::TAU;
        let r = if cluster.clues.len() == 1 { 0.0 } else { 160.0 };
        (cx + r * a.cos(), cy + r * a.sin())
    };
    // Entities by normal form, each connected to every clue that names it.
    let mut ents: Vec<(EntityKind, String, Vec<usize>)> = Vec::new();
    for e in &cluster.entities {
        let Some(ci) = cluster.clues.iter().position(|c| c.id == e.clue_id) else {
            continue;
        };
        match ents
            .iter_mut()
            .find(|(k, v, _)| *k == e.kind && *v == e.normal)
        {
            Some(x) => {
                if !x.2.contains(&ci) {
                    x.2.push(ci)
                }
            }
            None => ents.push((e.kind, e.normal.clone(), vec![ci])),
        }
    }
    let m = ents.len().max(1) as f64;
    let ent_pos = |i: usize| {
        let a = (i as f64 + 0.5) / m * std::f64::consts::TAU;
        (cx + 290.0 * a.cos(), cy + 270.0 * a.sin())
    };
    let idx = |id: i64| cluster.clues.iter().position(|c| c.id == id);
    let svg = html! {
        svg viewBox=(format!("0 0 {w} {h}")) width="100%" style="max-width:900px;background:#fff;border:1px solid #d5dde5" data-testid="graph" {
            @for (i, (_, _, cs)) in ents.iter().enumerate() {
                @for c in cs { @let (x1, y1) = ent_pos(i); @let (x2, y2) = clue_pos(*c); line x1=(x1) y1=(y1) x2=(x2) y2=(y2) stroke="#c9d3dd" {} }
            }
            @for l in &cluster.links {
                @if let (Some(a), Some(b)) = (idx(l.clue_a), idx(l.clue_b)) {
                    @let (x1, y1) = clue_pos(a); @let (x2, y2) = clue_pos(b);
                    line x1=(x1) y1=(y1) x2=(x2) y2=(y2) stroke=(if l.status == LinkStatus::Confirmed { "#c0392b" } else { "#e67e22" }) stroke-width="3" stroke-dasharray=(if l.exact() { "" } else { "6 4" }) {}
                }
            }
            @for (i, (k, v, _)) in ents.iter().enumerate() {
                @let (x, y) = ent_pos(i);
                rect x=(x - 55.0) y=(y - 14.0) width="110" height="28" rx="4" fill="#eef2f6" stroke="#8a99a8" {}
                text x=(x) y=(y - 2.0) text-anchor="middle" font-size="10" fill="#4a5866" { (lang.pick(k.zh(), k.en())) }
                text x=(x) y=(y + 10.0) text-anchor="middle" font-size="11" { (v.chars().take(16).collect::<String>()) }
            }
            @for (i, c) in cluster.clues.iter().enumerate() {
                @let (x, y) = clue_pos(i);
                a href=(format!("/clues/{}", c.id)) {
                    circle cx=(x) cy=(y) r="34" fill=(if c.id == id { "#1f5fa8" } else { "#3d7cc9" }) {}
                    text x=(x) y=(y + 5.0) text-anchor="middle" font-size="14" fill="#fff" { "#" (c.id) }
                }
            }
        }
    };
    Ok(layout(lang, Some(&auth), lang.pick("串并关系图", "Link graph"), "nav.clues", html! {
        p { a href=(format!("/clues/{id}")) { "← " (lang.pick("线索", "Clue")) " #" (id) } }
        h1 { (lang.pick("串并关系图", "Link graph")) }
        p { (lang.pick("圆：线索；方框：要素；红线：已确认串并；橙线：待确认；虚线：模糊匹配。", "Circles: clues; boxes: entities; red: confirmed links; orange: suggested; dashed: fuzzy.")) }
        (svg)
        @if cluster.hidden > 0 { p.notice { (cluster.hidden) (lang.pick(" 条关联线索属其他单位，未显示。", " linked clues belong to other units and are not shown.")) } }
        table data-testid="cluster" {
            tr { th { "#" } th { (lang.pick("摘要", "Summary")) } th { (lang.pick("状态", "Status")) } }
            @for c in &cluster.clues { tr { td { a href=(format!("/clues/{}", c.id)) { (c.id) } } td { (c.summary) } td { (status_badge(lang, c.status)) } } }
        }
    }).into_response())
}

// --- cases ---

pub async fn cases(
    State(s): State<AppState>,
    auth: Auth,
    axum::extract::Query(bq): axum::extract::Query<super::BehindQuery>,
) -> PageResult {
    let behind = super::behind(&s, &auth, &bq).await?;
    Ok(cases_page(&s, &auth, None, &behind).await?.into_response())
}

async fn cases_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
    behind: &Option<super::Behind>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let list = s
        .cases
        .list_cases(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let units = unit_names(s, auth).await?;
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("案件", "Cases"),
        "nav.cases",
        html! {
            h1 { (lang.pick("案件", "Cases")) }
            (super::behind_banner(lang, behind))
            p { (lang.pick("线索查证属实后，在线索页面立案。", "Cases are filed from a verified clue's page.")) " " a href="/clues" { (lang.pick("线索", "Clues")) } }
            (error_box(lang, err))
            table data-testid="cases" {
                tr { th { "#" } th { (lang.pick("案件编号", "Number")) } th { (lang.pick("案件名称", "Title")) } th { (lang.pick("立案日期", "Filed")) } th { (lang.pick("持有单位", "Held by")) } th { (lang.pick("状态", "Status")) } }
                @for k in list.iter().filter(|k| super::Behind::keeps(behind, k.id)) {
                    tr data-case=(k.id) {
                        td { a href=(format!("/cases/{}", k.id)) { (k.id) } }
                        td { (k.case_no) }
                        td { a href=(format!("/cases/{}", k.id)) { (k.title) } }
                        td { (format_day(k.filed_on)) }
                        td { (unit_name(&units, k.holder_unit_id, lang)) }
                        td { span.status data-status=(k.status.as_str()) { (lang.pick(k.status.zh(), k.status.en())) } }
                    }
                }
            }
        },
    ))
}

pub async fn file_case(State(s): State<AppState>, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let mut ids = Vec::new();
    for part in form
        .get("clue_ids")
        .split([',', ' '])
        .filter(|p| !p.is_empty())
    {
        match part.trim().parse::<i64>() {
            Ok(i) => ids.push(i),
            Err(_) => {
                return Err(
                    auth.err(WorkflowError::invalid(jinghai_domain::FieldError::new(
                        "clue_ids",
                        "线索编号须为数字",
                        "clue numbers must be numbers",
                    ))),
                )
            }
        }
    }
    let input = CaseInput {
        clue_ids: ids.clone(),
        case_no: form.get("case_no").into(),
        title: form.get("title").into(),
        summary: form.get("summary").into(),
        classification: form.get("classification").into(),
        filed_on: form.get("filed_on").into(),
        document: form.get("document").into(),
    };
    let r = s.cases.file_case(&auth.ctx, &input).await;
    match ids.first() {
        Some(first) if s.cases.clue(&auth.ctx, *first).await.is_ok() => {
            let first = *first;
            super::form_outcome(
                auth,
                r,
                |k: &Case| format!("/cases/{}?saved=1", k.id),
                |e| async move { detail_page(&s, auth, first, false, Some(&e)).await },
            )
            .await
        }
        _ => {
            super::form_outcome(
                auth,
                r,
                |k: &Case| format!("/cases/{}?saved=1", k.id),
                |e| async move { cases_page(&s, auth, Some(&e), &None).await },
            )
            .await
        }
    }
}

pub async fn case_detail(
    State(s): State<AppState>,
    auth: Auth,
    PathId(id): PathId,
    Query(q): Query<Saved>,
) -> PageResult {
    Ok(case_page(&s, &auth, id, q.saved.is_some(), None)
        .await?
        .into_response())
}

fn qty(s: &jinghai_domain::cases::Seizure) -> String {
    match s.unit {
        jinghai_domain::cases::QuantityUnit::Tonnes => {
            format!("{}.{:03}", s.quantity / 1000, s.quantity % 1000)
        }
        _ => (s.quantity / 1000).to_string(),
    }
}

async fn case_page(
    s: &AppState,
    auth: &Auth,
    id: i64,
    saved: bool,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let d = s
        .cases
        .case_detail(&auth.ctx, id)
        .await
        .map_err(|e| auth.err(e))?;
    let k = &d.case;
    let units = unit_names(s, auth).await?;
    let now = s.cases.now();
    let steps: Vec<(String, String)> = [
        StepKind::Coercive,
        StepKind::Prosecution,
        StepKind::Note,
        StepKind::Closed,
    ]
    .iter()
    .filter(|x| x.status_after(k.status).is_some())
    .map(|x| {
        (
            x.as_str().to_string(),
            lang.pick(x.zh(), x.en()).to_string(),
        )
    })
    .collect();
    let categories = opts(
        lang,
        SeizureCategory::ALL,
        SeizureCategory::as_str,
        SeizureCategory::zh,
        SeizureCategory::en,
    );
    let goods: Vec<(String, String)> = d
        .seizures
        .iter()
        .filter(|x| x.category.is_goods())
        .map(|x| {
            (
                x.id.to_string(),
                format!(
                    "#{} {} {}",
                    x.id,
                    lang.pick(x.category.zh(), x.category.en()),
                    x.description
                ),
            )
        })
        .collect();
    let disposal_steps = opts(
        lang,
        DisposalStep::ALL,
        DisposalStep::as_str,
        DisposalStep::zh,
        DisposalStep::en,
    );
    let other_units: Vec<(String, String)> = units
        .iter()
        .filter(|(u, _)| Some(u.as_str()) != k.holder_unit_id.map(|h| h.to_string()).as_deref())
        .cloned()
        .collect();
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("案件", "Case"),
        "nav.cases",
        html! {
            p { a href="/cases" { "← " (lang.pick("案件", "Cases")) } }
            h1 { (k.case_no) " " (k.title) " " span.status data-testid="case-status" data-status=(k.status.as_str()) { (lang.pick(k.status.zh(), k.status.en())) } }
            @if saved { div.saved role="status" data-testid="saved" { (lang.pick("已保存", "Saved")) } }
            (error_box(lang, err))
            @if let Some(h) = &d.to_answer {
                div.notice data-testid="to-answer" {
                    p { (lang.pick("本案已移交贵单位，请签收或退回：", "This case was handed to your unit; accept or return it: ")) (h.reason) " · " (lang.pick("签收时限 ", "by ")) (format_local_minutes(h.deadline_at)) }
                    (answer_form(lang, auth, h))
                }
            }
            table.kv data-testid="case" {
                tr { th { (lang.pick("立案日期", "Filed")) } td { (format_day(k.filed_on)) } th { (lang.pick("密级", "Level")) } td { (lang.pick(k.classification.zh(), k.classification.en())) } }
                tr { th { (lang.pick("立案单位", "Filed by")) } td { (unit_name(&units, k.owner_unit_id, lang)) } th { (lang.pick("持有单位", "Held by")) } td data-testid="holder" { (unit_name(&units, k.holder_unit_id, lang)) } }
                @if !k.summary.is_empty() { tr { th { (lang.pick("简要案情", "Summary")) } td colspan="3" { (k.summary) } } }
            }
            h2 { (lang.pick("线索", "Clues")) }
            ul { @for c in &d.clues { li { a href=(format!("/clues/{}", c.id)) { "#" (c.id) " " (c.summary) } } } }
            h2 { (lang.pick("办案环节", "Case path")) }
            table data-testid="steps" {
                tr { th { (lang.pick("日期", "Day")) } th { (lang.pick("环节", "Step")) } th { (lang.pick("人数", "Persons")) } th { (lang.pick("文书", "Document")) } th { (lang.pick("单位", "Unit")) } th { (lang.pick("说明", "Note")) } }
                @for st in &d.steps { tr data-step=(st.kind.as_str()) { td { (format_day(st.day)) } td { (lang.pick(st.kind.zh(), st.kind.en())) } td { @if st.persons > 0 { (st.persons) } } td { (st.document) } td { (unit_name(&units, st.unit_id, lang)) } td { (st.note) } } }
            }
            h2 { (lang.pick("查获", "Seizures")) }
            table data-testid="seizures" {
                tr { th { "#" } th { (lang.pick("类别", "Category")) } th { (lang.pick("数量", "Quantity")) } th { (lang.pick("说明", "Description")) } th { (lang.pick("查获日期", "Seized")) } th { (lang.pick("处置", "Disposal")) } }
                @for x in &d.seizures { tr data-seizure=(x.id) { td { (x.id) } td { (lang.pick(x.category.zh(), x.category.en())) } td { (qty(x)) " " (lang.pick(x.unit.zh(), x.unit.en())) } td { (x.description) } td { (format_day(x.seized_on)) } td { (x.disposal.map(|p| lang.pick(p.zh(), p.en())).unwrap_or("—")) } } }
            }
            @if !d.disposals.is_empty() {
                h3 { (lang.pick("处置记录", "Disposal steps")) }
                table { @for p in &d.disposals { tr { td { "#" (p.seizure_id) } td { (format_day(p.day)) } td { (lang.pick(p.step.zh(), p.step.en())) } td { (p.document) } td { (p.note) } } } }
            }
            @if d.can_work && k.status != CaseStatus::Closed {
                @if !steps.is_empty() {
                    h2 { (lang.pick("登记办案环节", "Record a step")) }
                    form.grid method="post" action=(format!("/cases/{}/steps", k.id)) data-testid="step-form" {
                        (csrf_field(auth))
                        label { (lang.pick("环节", "Step")) (select("kind", &steps, "", None)) }
                        label { (lang.pick("日期", "Day")) input type="date" name="day"; }
                        label { (lang.pick("人数", "Persons")) input name="persons" size="4"; }
                        label { (lang.pick("文书", "Document")) input name="document"; }
                        label { (lang.pick("说明", "Note")) input name="note"; }
                        button type="submit" { (lang.pick("登记", "Record")) }
                    }
                }
                h2 { (lang.pick("登记查获", "Record a seizure")) }
                form.grid method="post" action=(format!("/cases/{}/seizures", k.id)) data-testid="seizure-form" {
                    (csrf_field(auth))
                    label { (lang.pick("类别", "Category")) (select("category", &categories, "", None)) }
                    label { (lang.pick("数量", "Quantity")) input name="quantity" size="8"; }
                    label { (lang.pick("单位（物品）", "Unit (goods)")) (select("unit", &[("tonnes".into(), lang.pick("吨", "tonnes").into()), ("pieces".into(), lang.pick("件", "pieces").into())], "tonnes", None)) }
                    label { (lang.pick("说明", "Description")) input name="description"; }
                    label { (lang.pick("查获日期", "Seized on")) input type="date" name="day"; }
                    button type="submit" { (lang.pick("登记", "Record")) }
                }
                @if !goods.is_empty() {
                    h2 { (lang.pick("涉案物品处置", "Disposal of seized goods")) }
                    form.grid method="post" action=(format!("/cases/{}/disposals", k.id)) data-testid="disposal-form" {
                        (csrf_field(auth))
                        label { (lang.pick("物品", "Item")) (select("seizure_id", &goods, "", None)) }
                        label { (lang.pick("环节", "Step")) (select("step", &disposal_steps, "", None)) }
                        label { (lang.pick("日期", "Day")) input type="date" name="day"; }
                        label { (lang.pick("文书", "Document")) input name="document"; }
                        label { (lang.pick("说明", "Note")) input name="note"; }
                        button type="submit" { (lang.pick("登记", "Record")) }
                    }
                }
                h2 { (lang.pick("移交", "Hand over")) }
                form.grid method="post" action=(format!("/cases/{}/handover", k.id)) data-testid="handover-form" {
                    (csrf_field(auth))
                    label { (lang.pick("接收单位", "To unit")) (select("to_unit_id", &other_units, "", None)) }
                    label { (lang.pick("签收时限（小时）", "Receipt within (hours)")) input name="hours" value="24" size="4"; }
                    label.wide { (lang.pick("移交事由", "Reason")) input name="reason"; }
                    button type="submit" { (lang.pick("移交", "Hand over")) }
                }
                h2 { (lang.pick("上传文书材料", "Upload documents")) }
                form.grid method="post" action=(format!("/cases/{}/files", k.id)) enctype="multipart/form-data" {
                    (csrf_field(auth))
                    label { (lang.pick("文件（jpg、png、pdf、docx、xlsx，10 MB 以内）", "File (jpg, png, pdf, docx, xlsx; up to 10 MB)")) input type="file" name="file"; }
                    button type="submit" { (lang.pick("上传", "Upload")) }
                }
            }
            h2 { (lang.pick("材料", "Files")) }
            ul data-testid="files" { @for f in &d.files { li { a href=(format!("/case-files/{}", f.id)) { (f.file_name) } " · " (f.size / 1024) " KB · " (f.uploaded_by) } } }
            h2 { (lang.pick("移交记录", "Hand-overs")) }
            (handover_rows(lang, &d.handovers, &units, now, auth))
        },
    ))
}

async fn after_case<T>(
    s: &AppState,
    auth: &Auth,
    id: i64,
    r: Result<T, WorkflowError>,
) -> PageResult {
    super::form_outcome(
        auth,
        r,
        |_| format!("/cases/{id}?saved=1"),
        |e| async move { case_page(s, auth, id, false, Some(&e)).await },
    )
    .await
}

pub async fn add_step(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let input = StepInput {
        kind: form.get("kind").into(),
        day: form.get("day").into(),
        persons: form.get("persons").into(),
        document: form.get("document").into(),
        note: form.get("note").into(),
    };
    let r = s.cases.add_step(&auth.ctx, id, &input).await;
    after_case(&s, auth, id, r).await
}

pub async fn add_seizure(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let input = SeizureInput {
        category: form.get("category").into(),
        quantity: form.get("quantity").into(),
        unit: form.get("unit").into(),
        description: form.get("description").into(),
        day: form.get("day").into(),
    };
    let r = s.cases.add_seizure(&auth.ctx, id, &input).await;
    after_case(&s, auth, id, r).await
}

pub async fn add_disposal(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let input = DisposalInput {
        seizure_id: form.id("seizure_id")?,
        step: form.get("step").into(),
        day: form.get("day").into(),
        document: form.get("document").into(),
        note: form.get("note").into(),
    };
    let r = s.cases.add_disposal(&auth.ctx, id, &input).await;
    after_case(&s, auth, id, r).await
}

pub async fn hand_over_case(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedForm,
) -> PageResult {
    let auth = &form.auth;
    let r = s
        .cases
        .hand_over(
            &auth.ctx,
            RecordKind::Case,
            id,
            form.id("to_unit_id")?,
            form.get("reason"),
            form.get("hours"),
        )
        .await;
    after_case(&s, auth, id, r).await
}

pub async fn upload_case(
    State(s): State<AppState>,
    PathId(id): PathId,
    form: SignedUpload,
) -> PageResult {
    let auth = &form.auth;
    let r = match upload_result(&form) {
        Ok((name, bytes)) => {
            s.cases
                .attach(&auth.ctx, RecordKind::Case, id, &name, &bytes)
                .await
        }
        Err(e) => Err(e),
    };
    after_case(&s, auth, id, r).await
}

// --- hand-overs ---

pub async fn handovers(State(s): State<AppState>, auth: Auth) -> PageResult {
    Ok(handovers_page(&s, &auth, None).await?.into_response())
}

async fn handovers_page(
    s: &AppState,
    auth: &Auth,
    err: Option<&WorkflowError>,
) -> Result<Markup, ApiError> {
    let lang = auth.lang;
    let list = s
        .cases
        .handovers(&auth.ctx)
        .await
        .map_err(|e| auth.err(e))?;
    let units = unit_names(s, auth).await?;
    let now = s.cases.now();
    let overdue = list.iter().filter(|h| h.overdue(now)).count();
    Ok(layout(
        lang,
        Some(auth),
        lang.pick("移交签收", "Hand-overs"),
        "nav.clues",
        html! {
            h1 { (lang.pick("移交签收", "Hand-overs")) }
            (error_box(lang, err))
            div.cards {
                div.card { h3 { (lang.pick("待签收", "Awaiting receipt")) } p.big { (list.iter().filter(|h| h.status == HandoverStatus::Pending).count()) } }
                div.card { h3 { (lang.pick("逾期未签收（已督办）", "Overdue (escalated)")) } p.big.red data-testid="overdue-handovers" { (overdue) } }
            }
            (handover_rows(lang, &list, &units, now, auth))
        },
    ))
}

pub async fn answer(State(s): State<AppState>, PathId(id): PathId, form: SignedForm) -> PageResult {
    let auth = &form.auth;
    let r = s
        .cases
        .answer_handover(
            &auth.ctx,
            id,
            form.get("decision") == "accept",
            form.get("response"),
        )
        .await;
    super::form_outcome(
        auth,
        r,
        |h| format!("/{}s/{}?saved=1", h.record_kind.as_str(), h.record_id),
        |e| async move { handovers_page(&s, auth, Some(&e)).await },
    )
    .await
}

/// An evidence file of a clue, case or tip, as a download.
pub async fn file(State(s): State<AppState>, auth: Auth, PathId(id): PathId) -> PageResult {
    let (f, bytes) = s.cases.file(&auth.ctx, id).await.map_err(|e| auth.err(e))?;
    let name: String = f
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, f.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{name}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        ],
        bytes,
    )
        .into_response())
}

/// Clue summary for other pages (the tip page links its clue).
pub fn clue_link(lang: Lang, c: &Clue) -> Markup {
    html! { a href=(format!("/clues/{}", c.id)) { (lang.pick("线索", "clue")) " #" (c.id) } " " (status_badge(lang, c.status)) }
}
